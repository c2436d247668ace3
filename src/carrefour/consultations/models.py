"""Consultations: a draft opened for comment between two dates, with questions and moderation."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carrefour.core.i18n import Translated
from carrefour.core.models import BaseModel, ContentModel


class Consultation(ContentModel):
    """Any draft (a declaration, a policy, a plan) open for comment from `opens_at` to `closes_at`."""

    class Phase(models.TextChoices):
        UPCOMING = "upcoming", pgettext_lazy("consultation phase", "Upcoming")
        OPEN = "open", pgettext_lazy("consultation phase", "Open")
        CLOSED = "closed", pgettext_lazy("consultation phase", "Closed")

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    # The draft under consultation, when it is a record of Carrefour (e.g. a declaration).
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    report_published_at = models.DateTimeField(_("“What we heard” published"), null=True, blank=True)

    title = Translated()
    summary = Translated()

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="consultations_closes_after_opens"
            )
        ]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", kwargs={"slug": self.slug})

    @property
    def phase(self) -> str:
        now = timezone.now()
        if now < self.opens_at:
            return self.Phase.UPCOMING
        if now >= self.closes_at:
            return self.Phase.CLOSED
        return self.Phase.OPEN

    def get_phase_display(self) -> str:
        return str(dict(self.Phase.choices)[self.phase])

    @property
    def is_open(self) -> bool:
        return self.phase == self.Phase.OPEN


class Paragraph(BaseModel):
    """One commentable part of the draft: a paragraph of the preamble, a commitment, the closing."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="paragraphs")
    position = models.PositiveSmallIntegerField(_("position"))
    label_en = models.CharField(_("label (English)"), max_length=120, blank=True)
    label_fr = models.CharField(_("label (French)"), max_length=120, blank=True)
    text_en = models.TextField(_("text (English)"))
    text_fr = models.TextField(_("text (French)"))
    commitment = models.ForeignKey(
        "declarations.Commitment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    label = Translated()
    text = Translated()

    class Meta:
        ordering = ["consultation_id", "position"]
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "position"], name="consultations_paragraph_position")
        ]

    def __str__(self) -> str:
        return str(self.label) or f"¶ {self.position}"

    @property
    def anchor(self) -> str:
        return f"p{self.position}"


class Question(BaseModel):
    class Kind(models.TextChoices):
        SINGLE = "single", _("One choice")
        MULTIPLE = "multiple", _("Several choices")
        TEXT = "text", _("Free text")

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind of answer"), max_length=10, choices=Kind.choices)
    text_en = models.CharField(_("question (English)"), max_length=500)
    text_fr = models.CharField(_("question (French)"), max_length=500)
    # [{"en": "Yes", "fr": "Oui"}, ...]: the answer stores the indexes chosen.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    # A retired question is no longer asked; its answers are kept and still tallied.
    deleted_at = models.DateTimeField(_("retired"), null=True, blank=True, editable=False)

    text = Translated()

    class Meta:
        ordering = ["consultation_id", "position"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return str(self.text)

    @property
    def is_retired(self) -> bool:
        return self.deleted_at is not None

    def choice_labels(self, lang: str) -> list[str]:
        return [c.get(lang) or c.get("en") or c.get("fr") or "" for c in self.choices]


class Answer(BaseModel):
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    choices = models.JSONField(_("choices"), default=list, blank=True)
    text = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["question", "respondent"], name="consultations_answer_once")]

    def __str__(self) -> str:
        return f"{self.question_id}/{self.respondent_id}"


class Comment(BaseModel):
    """A comment on the draft, or a reply to one. Hidden comments are kept, never deleted."""

    class Category(models.TextChoices):
        CLARITY = "clarity", pgettext_lazy("comment category", "Clarity")
        TERMINOLOGY = "terminology", pgettext_lazy("comment category", "Terminology")
        FEASIBILITY = "feasibility", pgettext_lazy("comment category", "Feasibility")
        OTHER = "other", pgettext_lazy("comment category", "Other")

    class State(models.TextChoices):
        VISIBLE = "visible", pgettext_lazy("comment state", "Visible")
        PENDING = "pending", pgettext_lazy("comment state", "Hidden pending review")
        HIDDEN = "hidden", pgettext_lazy("comment state", "Hidden by a moderator")

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="comments")
    paragraph = models.ForeignKey(
        Paragraph, verbose_name=_("paragraph"), on_delete=models.PROTECT, null=True, blank=True, related_name="comments"
    )
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The commenter's kind when they wrote (citizen, public servant of X, organization), kept as written.
    author_kind = models.CharField(max_length=250, blank=True)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, default=Category.OTHER)
    body = models.TextField(_("comment"))
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    body_hash = models.CharField(max_length=64, db_index=True, editable=False)
    state = models.CharField(max_length=8, choices=State.choices, default=State.VISIBLE, db_index=True)
    moderation_reason = models.CharField(_("reason"), max_length=500, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    support_count = models.PositiveIntegerField(default=0)
    flag_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["consultation", "state", "paragraph"])]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.get_state_display()})"

    @property
    def is_visible(self) -> bool:
        return self.state == self.State.VISIBLE

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"


class Support(BaseModel):
    """A "+1": once per person per comment."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="consultations_support_once")]


class Flag(BaseModel):
    """A report that a comment breaks the rules; three hide it until a moderator reviews it."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # A moderator who reviewed the flag and found nothing wrong sets it aside; it is kept, and no longer counts.
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="consultations_flag_once")]

    def __str__(self) -> str:
        return f"flag #{self.pk} on comment #{self.comment_id}"


class ThemeResponse(BaseModel):
    """The secretariat's response to a theme raised in the consultation, for "What we heard"."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="responses")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    category = models.CharField(_("category"), max_length=12, choices=Comment.Category.choices, blank=True)
    paragraph = models.ForeignKey(
        Paragraph, verbose_name=_("paragraph"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    theme_en = models.CharField(_("theme (English)"), max_length=300)
    theme_fr = models.CharField(_("theme (French)"), max_length=300)
    response_en = models.TextField(_("our response (English)"))
    response_fr = models.TextField(_("our response (French)"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    theme = Translated()
    response = Translated()

    class Meta:
        ordering = ["consultation_id", "position", "id"]
        verbose_name = _("response to a theme")
        verbose_name_plural = _("responses to themes")

    def __str__(self) -> str:
        return str(self.theme)
