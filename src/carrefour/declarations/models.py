"""Declarations: drafted text, kept versions, numbered commitments, endorsements, and links to work."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carrefour.core.i18n import Translated
from carrefour.core.models import BaseModel, ContentModel


class Declaration(ContentModel):
    """A joint text (preamble, numbered commitments, closing) carried from drafting to adoption."""

    class Status(models.TextChoices):
        DRAFTING = "drafting", pgettext_lazy("declaration status", "Drafting")
        REVIEW = "review", pgettext_lazy("declaration status", "In review")
        CONSULTATION = "consultation", pgettext_lazy("declaration status", "In consultation")
        ENDORSEMENT = "endorsement", pgettext_lazy("declaration status", "Open for endorsement")
        ADOPTED = "adopted", pgettext_lazy("declaration status", "Adopted")
        RETIRED = "retired", pgettext_lazy("declaration status", "Retired")

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    short_name_en = models.CharField(
        _("label (English)"), max_length=20, help_text=_("Prefix for its commitments, e.g. FPT.")
    )
    short_name_fr = models.CharField(_("label (French)"), max_length=20)
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    preamble_en = models.TextField(_("preamble (English)"), blank=True)
    preamble_fr = models.TextField(_("preamble (French)"), blank=True)
    closing_en = models.TextField(_("closing (English)"), blank=True)
    closing_fr = models.TextField(_("closing (French)"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFTING, db_index=True
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)

    short_name = Translated()
    title = Translated()
    summary = Translated()
    preamble = Translated()
    closing = Translated()

    class Meta:
        ordering = ["-adopted_on", "title_en"]
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("declarations:detail", kwargs={"slug": self.slug})


class Commitment(BaseModel):
    """One numbered commitment of a declaration; initiatives and experiments link to it."""

    declaration = models.ForeignKey(
        Declaration, verbose_name=_("declaration"), on_delete=models.PROTECT, related_name="commitments"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title_en = models.CharField(_("short title (English)"), max_length=200, blank=True)
    title_fr = models.CharField(_("short title (French)"), max_length=200, blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    text_fr = models.TextField(_("text (French)"), blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)

    title = Translated()
    text = Translated()

    class Meta:
        ordering = ["declaration_id", "number"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "number"],
                condition=models.Q(deleted_at__isnull=True),
                name="declarations_commitment_number_unique",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def heading(self) -> str:
        """The short title, or the start of the text."""
        title = str(self.title)
        if title:
            return title
        text = str(self.text)
        return text if len(text) <= 90 else text[:87].rsplit(" ", 1)[0] + "…"

    @property
    def label(self) -> str:
        """"FPT 2 — Use new approaches…" (the declaration's label, the number, the heading)."""
        return f"{self.declaration.short_name} {self.number} — {self.heading}"

    def get_absolute_url(self) -> str:
        return reverse(
            "declarations:commitment", kwargs={"slug": self.declaration.slug, "number": self.number}
        )


class CommitmentLink(BaseModel):
    """Any record (an initiative, an experiment…) that serves a commitment."""

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("commitment"), on_delete=models.PROTECT, related_name="links"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(db_index=True)
    target = GenericForeignKey("content_type", "object_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["commitment_id", "-created_at"]
        verbose_name = _("commitment link")
        verbose_name_plural = _("commitment links")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "content_type", "object_id"], name="declarations_commitmentlink_unique"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.commitment_id} ← {self.content_type_id}:{self.object_id}"


class DeclarationVersion(BaseModel):
    """A published, frozen copy of the declaration's text; any two can be compared."""

    declaration = models.ForeignKey(
        Declaration, verbose_name=_("declaration"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status at publication"), max_length=16, choices=Declaration.Status.choices)
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300)
    preamble_en = models.TextField(_("preamble (English)"), blank=True)
    preamble_fr = models.TextField(_("preamble (French)"), blank=True)
    closing_en = models.TextField(_("closing (English)"), blank=True)
    closing_fr = models.TextField(_("closing (French)"), blank=True)
    # [{"number": 1, "title_en": "", "title_fr": "", "text_en": "", "text_fr": ""}, ...]
    commitments = models.JSONField(_("commitments"), default=list)
    note_en = models.CharField(_("what changed (English)"), max_length=500, blank=True)
    note_fr = models.CharField(_("what changed (French)"), max_length=500, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    title = Translated()
    preamble = Translated()
    closing = Translated()
    note = Translated()

    class Meta:
        ordering = ["declaration_id", "-number"]
        verbose_name = _("declaration version")
        verbose_name_plural = _("declaration versions")
        constraints = [
            models.UniqueConstraint(fields=["declaration", "number"], name="declarations_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.declaration_id} v{self.number}"


class EndorsementInvitation(BaseModel):
    """The secretariat asks a jurisdiction to endorse a declaration."""

    declaration = models.ForeignKey(
        Declaration, verbose_name=_("declaration"), on_delete=models.PROTECT, related_name="invitations"
    )
    jurisdiction = models.ForeignKey(
        "directory.Jurisdiction", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("reminders sent"), default=0)

    class Meta:
        ordering = ["declaration_id", "jurisdiction__sort_order"]
        verbose_name = _("endorsement invitation")
        verbose_name_plural = _("endorsement invitations")
        constraints = [
            models.UniqueConstraint(fields=["declaration", "jurisdiction"], name="declarations_invitation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.declaration_id} → {self.jurisdiction_id}"


class Endorsement(BaseModel):
    """A jurisdiction's endorsement, signed by its signatory; a withdrawal is recorded, never erased."""

    declaration = models.ForeignKey(
        Declaration, verbose_name=_("declaration"), on_delete=models.PROTECT, related_name="endorsements"
    )
    jurisdiction = models.ForeignKey(
        "directory.Jurisdiction", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.ForeignKey(
        DeclarationVersion,
        verbose_name=_("version endorsed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signatory_name = models.CharField(_("name of the signatory"), max_length=200)
    signatory_title_en = models.CharField(_("title of the signatory (English)"), max_length=300, blank=True)
    signatory_title_fr = models.CharField(_("title of the signatory (French)"), max_length=300, blank=True)
    endorsed_on = models.DateField(_("date of endorsement"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=500, blank=True)

    signatory_title = Translated()

    class Meta:
        ordering = ["declaration_id", "jurisdiction__sort_order", "-endorsed_on"]
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "jurisdiction"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="declarations_endorsement_active_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id}: {self.signatory_name} ({self.endorsed_on})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
