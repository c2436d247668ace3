"""Collaboration tables, their priorities, initiatives and achievements; facets; progress reports."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carrefour.core.i18n import Translated
from carrefour.core.models import BaseModel, ContentModel


class Facet(BaseModel):
    """One of OPSI's four innovation facets (seed 001), with its definition and guiding question."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    definition_en = models.TextField(_("definition (English)"))
    definition_fr = models.TextField(_("definition (French)"))
    question_en = models.CharField(_("guiding question (English)"), max_length=250)
    question_fr = models.CharField(_("guiding question (French)"), max_length=250)
    sort_order = models.PositiveSmallIntegerField(default=0)

    name = Translated()
    definition = Translated()
    question = Translated()

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("innovation facet")
        verbose_name_plural = _("innovation facets")

    def __str__(self) -> str:
        return str(self.name)


class Table(ContentModel):
    """A collaboration body (a deputy ministers' table, a council); `team` holds its people and roles."""

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=250)
    name_fr = models.CharField(_("name (French)"), max_length=250)
    vision_en = models.TextField(_("vision (English)"), blank=True)
    vision_fr = models.TextField(_("vision (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    member_jurisdictions = models.ManyToManyField(
        "directory.Jurisdiction", verbose_name=_("member jurisdictions"), blank=True, related_name="portfolio_tables"
    )

    name = Translated()
    vision = Translated()
    description = Translated()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("collaboration table")
        verbose_name_plural = _("collaboration tables")

    def __str__(self) -> str:
        return str(self.name)

    def get_absolute_url(self) -> str:
        return reverse("portfolio:table", kwargs={"slug": self.slug})


class TableMember(BaseModel):
    """A person or jurisdiction sitting at a table, with the role they play there."""

    class Role(models.TextChoices):
        CO_CHAIR = "co_chair", pgettext_lazy("table role", "Co-chair")
        MEMBER = "member", pgettext_lazy("table role", "Member")
        SECRETARIAT = "secretariat", pgettext_lazy("table role", "Secretariat")
        OBSERVER = "observer", pgettext_lazy("table role", "Observer")

    table = models.ForeignKey(Table, verbose_name=_("table"), on_delete=models.CASCADE, related_name="members")
    jurisdiction = models.ForeignKey(
        "directory.Jurisdiction", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name_en = models.CharField(_("name or position (English)"), max_length=200, blank=True)
    name_fr = models.CharField(_("name or position (French)"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)

    name = Translated()

    class Meta:
        ordering = ["table", "role", "id"]
        verbose_name = _("table member")
        verbose_name_plural = _("table members")

    def __str__(self) -> str:
        who = self.person or self.name or self.jurisdiction
        return f"{who} ({self.get_role_display()})"


class Meeting(ContentModel):
    table = models.ForeignKey(Table, verbose_name=_("table"), on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(_("date"))
    title_en = models.CharField(_("title (English)"), max_length=250)
    title_fr = models.CharField(_("title (French)"), max_length=250)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_fr = models.TextField(_("summary (French)"), blank=True)

    title = Translated()
    summary = Translated()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("portfolio:table", kwargs={"slug": self.table.slug}) + f"#meeting-{self.pk}"


class Decision(ContentModel):
    """What a table decided, what comes next, or what it asks of those above it."""

    class Kind(models.TextChoices):
        DECISION = "decision", pgettext_lazy("decision kind", "Decision")
        NEXT_STEP = "next_step", pgettext_lazy("decision kind", "Next step")
        SOUGHT = "sought", pgettext_lazy("decision kind", "Decision sought")

    table = models.ForeignKey(Table, verbose_name=_("table"), on_delete=models.CASCADE, related_name="decisions")
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.DECISION)
    date = models.DateField(_("date"))
    text_en = models.TextField(_("text (English)"))
    text_fr = models.TextField(_("text (French)"))
    due_date = models.DateField(_("due"), null=True, blank=True)

    text = Translated()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {str(self.text)[:80]}"

    def get_absolute_url(self) -> str:
        return reverse("portfolio:table", kwargs={"slug": self.table.slug}) + f"#decision-{self.pk}"


class Priority(ContentModel):
    table = models.ForeignKey(Table, verbose_name=_("table"), on_delete=models.CASCADE, related_name="priorities")
    title_en = models.CharField(_("title (English)"), max_length=250)
    title_fr = models.CharField(_("title (French)"), max_length=250)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    champion = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("champion"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    champion_name = models.CharField(
        _("champion's name or position"), max_length=200, blank=True,
        help_text=_("When the champion has no account, for example 'Deputy Minister, Service Alberta'."),
    )
    champion_jurisdiction = models.ForeignKey(
        "directory.Jurisdiction", verbose_name=_("champion's jurisdiction"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    title = Translated()
    description = Translated()

    class Meta:
        ordering = ["table", "sort_order", "id"]
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("portfolio:table", kwargs={"slug": self.table.slug}) + f"#priority-{self.pk}"

    @property
    def champion_label(self) -> str:
        who = str(self.champion) if self.champion_id else self.champion_name
        if self.champion_jurisdiction_id:
            abbr = str(self.champion_jurisdiction.abbreviation or self.champion_jurisdiction.name)
            return f"{who} ({abbr})" if who else abbr
        return who


class Stage(models.TextChoices):
    IDEA = "idea", pgettext_lazy("stage", "Idea")
    SCOPING = "scoping", pgettext_lazy("stage", "Scoping")
    DESIGN = "design", pgettext_lazy("stage", "Design")
    TESTING = "testing", pgettext_lazy("stage", "Testing")
    IMPLEMENTATION = "implementation", pgettext_lazy("stage", "Implementation")
    SCALING = "scaling", pgettext_lazy("stage", "Scaling")
    ENDED = "ended", pgettext_lazy("stage", "Ended")


class Status(models.TextChoices):
    ON_TRACK = "on_track", pgettext_lazy("initiative status", "On track")
    AT_RISK = "at_risk", pgettext_lazy("initiative status", "At risk")
    BLOCKED = "blocked", pgettext_lazy("initiative status", "Blocked")
    DONE = "done", pgettext_lazy("initiative status", "Done")


INITIATIVE_TITLE_MAX = 250
INITIATIVE_SUMMARY_MAX = 2000


SUMMARY_TOO_LONG = _("Keep the summary to %(limit_value)d characters at most (it has %(show_value)d).")


def _summary_limit() -> MaxLengthValidator:
    return MaxLengthValidator(INITIATIVE_SUMMARY_MAX, message=SUMMARY_TOO_LONG)


class Initiative(ContentModel):
    """Work that one jurisdiction leads, often with partners, under a table's priority."""

    title_en = models.CharField(_("title (English)"), max_length=INITIATIVE_TITLE_MAX)
    title_fr = models.CharField(_("title (French)"), max_length=INITIATIVE_TITLE_MAX)
    summary_en = models.TextField(_("summary (English)"), blank=True, max_length=INITIATIVE_SUMMARY_MAX,
                                  validators=[_summary_limit()])
    summary_fr = models.TextField(_("summary (French)"), blank=True, max_length=INITIATIVE_SUMMARY_MAX,
                                  validators=[_summary_limit()])
    jurisdiction = models.ForeignKey(
        "directory.Jurisdiction", verbose_name=_("lead jurisdiction"), on_delete=models.PROTECT, related_name="led_initiatives"
    )
    partner_jurisdictions = models.ManyToManyField(
        "directory.Jurisdiction", verbose_name=_("partner jurisdictions"), blank=True, related_name="partner_initiatives"
    )
    lead_organization = models.ForeignKey(
        "directory.Organization", verbose_name=_("lead organization"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="led_initiatives",
    )
    partner_organizations = models.ManyToManyField(
        "directory.Organization", verbose_name=_("partner organizations"), blank=True, related_name="partner_initiatives"
    )
    table = models.ForeignKey(
        Table, verbose_name=_("table"), on_delete=models.PROTECT, null=True, blank=True, related_name="initiatives"
    )
    priority = models.ForeignKey(
        Priority, verbose_name=_("priority"), on_delete=models.SET_NULL, null=True, blank=True, related_name="initiatives"
    )
    facets = models.ManyToManyField(Facet, verbose_name=_("innovation facets"), blank=True, related_name="initiatives")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.IDEA, db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ON_TRACK, db_index=True)
    commitments_text = models.TextField(
        _("commitments served"), blank=True,
        help_text=_("The commitments of a declaration this initiative serves, in words."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    # The one-time token of the form that created it: the same form sent twice adds one initiative.
    request_token = models.CharField(_("form token"), max_length=64, blank=True, editable=False)

    title = Translated()
    summary = Translated()

    class Meta:
        ordering = ["title_en"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        # The portfolio lists live initiatives by title in the reader's language (then id): a
        # page, the first or the fiftieth, is read along the index, never sorted from the table.
        indexes = [
            models.Index(fields=["title_en", "id"], name="portfolio_initiative_title_en",
                         condition=models.Q(deleted_at__isnull=True)),
            models.Index(fields=["title_fr", "id"], name="portfolio_initiative_title_fr",
                         condition=models.Q(deleted_at__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True) | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="portfolio_initiative_end_after_start",
                violation_error_message=_("The end date is before the start date."),
            ),
            # SQLite does not enforce lengths: the database refuses an over-long text itself.
            *(
                models.CheckConstraint(
                    condition=LessThanOrEqual(Length(name), limit), name=f"portfolio_initiative_{name}_length",
                    violation_error_message=_("The title or the summary is too long."),
                )
                for name, limit in (("title_en", INITIATIVE_TITLE_MAX), ("title_fr", INITIATIVE_TITLE_MAX),
                                    ("summary_en", INITIATIVE_SUMMARY_MAX), ("summary_fr", INITIATIVE_SUMMARY_MAX))
            ),
            models.UniqueConstraint(
                fields=["owner", "request_token"], condition=~models.Q(request_token=""),
                name="portfolio_initiative_one_per_form",
                violation_error_message=_("This form was already sent: the initiative exists."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("portfolio:initiative", kwargs={"pk": self.pk})

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})
        if self.priority_id and self.table_id and self.priority.table_id != self.table_id:
            raise ValidationError({"priority": _("This priority belongs to another table.")})


class InitiativeLink(BaseModel):
    """A resource or document about an initiative, kept as a link."""

    class Kind(models.TextChoices):
        RESOURCE = "resource", pgettext_lazy("link kind", "Resource")
        DOCUMENT = "document", pgettext_lazy("link kind", "Document")

    initiative = models.ForeignKey(Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.RESOURCE)
    title_en = models.CharField(_("title (English)"), max_length=250)
    title_fr = models.CharField(_("title (French)"), max_length=250, blank=True)
    url = models.URLField(_("address"), max_length=500)

    title = Translated()

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("link")
        verbose_name_plural = _("links")

    def __str__(self) -> str:
        return str(self.title)


class Achievement(ContentModel):
    """Something that happened on an initiative, on a date, by someone, with evidence."""

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="achievements"
    )
    date = models.DateField(_("date"), db_index=True)
    text_en = models.TextField(_("what happened (English)"))
    text_fr = models.TextField(_("what happened (French)"), blank=True)
    by = models.CharField(_("who"), max_length=250, blank=True)
    jurisdictions = models.ManyToManyField(
        "directory.Jurisdiction", verbose_name=_("jurisdictions involved"), blank=True, related_name="+"
    )
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    is_key = models.BooleanField(_("key achievement"), default=True, help_text=_("Shown in progress reports."))

    text = Translated()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}: {str(self.text)[:80]}"

    def get_absolute_url(self) -> str:
        return reverse("portfolio:initiative", kwargs={"pk": self.initiative_id}) + f"#achievement-{self.pk}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError
        from django.utils import timezone

        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("An achievement cannot be dated in the future.")})


class FacetAssessment(ContentModel):
    """A team's answers to the facet questionnaire, and the orientation they point to."""

    answers = models.JSONField(_("answers"), default=dict)
    scores = models.JSONField(_("facet scores"), default=dict)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("facet self-assessment")
        verbose_name_plural = _("facet self-assessments")

    def __str__(self) -> str:
        return f"{self.team or self.owner} ({self.created_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("portfolio:assessment", kwargs={"pk": self.pk})


class ProgressReport(BaseModel):
    """A progress report generated in the background: its status, progress and the snapshot it built."""

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("report status", "Queued")
        RUNNING = "running", pgettext_lazy("report status", "Running")
        DONE = "done", pgettext_lazy("report status", "Done")
        FAILED = "failed", pgettext_lazy("report status", "Failed")

    table = models.ForeignKey(Table, verbose_name=_("table"), on_delete=models.CASCADE, related_name="reports")
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(_("status"), max_length=8, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    error = models.TextField(_("error"), blank=True)
    data = models.JSONField(_("report"), default=dict, blank=True)
    pdf_en = models.FileField(_("PDF (English)"), upload_to="portfolio/reports/", blank=True)
    pdf_fr = models.FileField(_("PDF (French)"), upload_to="portfolio/reports/", blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"{self.table} {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("portfolio:report_job", kwargs={"pk": self.pk})
