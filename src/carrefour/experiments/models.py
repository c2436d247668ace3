"""Experiments: plan, pre-registration, randomization, data, analysis, published result.

A plan is edited while it is a draft. Registering it writes an immutable `Registration`
(canonical JSON, SHA-256, time stamp); from then on the plan fields are frozen and every
change is a `Deviation`. Randomizations, datasets and analyses are append-only: a new run
is a new row, so no registered plan or stored result is ever overwritten.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from carrefour.core.i18n import Translated
from carrefour.core.models import BaseModel, ContentModel, Visibility


class InterventionType(models.TextChoices):
    REMINDER = "reminder", _("Reminder letters and messages")
    SIMPLIFIED_FORM = "simplified_form", _("Simplified forms and processes")
    DEFAULT_OPTION = "default_option", _("Default options")
    SOCIAL_NORMS = "social_norms", _("Social norms messages")
    SERVICE_CHANNEL = "service_channel", _("Service channels")
    INCENTIVE = "incentive", _("Incentives")
    OTHER = "other", pgettext_lazy("intervention type", "Other")


class OutcomeDomain(models.TextChoices):
    TAX_COMPLIANCE = "tax_compliance", _("Tax filing and payment")
    BENEFIT_UPTAKE = "benefit_uptake", _("Benefit and program uptake")
    SERVICE_ACCESS = "service_access", _("Access to services")
    HEALTH = "health", _("Health")
    ENVIRONMENT = "environment", _("Environment")
    CIVIC = "civic", _("Civic participation")
    OTHER = "other", pgettext_lazy("outcome domain", "Other")


class Verdict(models.TextChoices):
    WORKED = "worked", _("Worked")
    DID_NOT_WORK = "did_not_work", _("Did not work")
    INCONCLUSIVE = "inconclusive", _("Inconclusive")
    HARMFUL = "harmful", _("Harmful")


class Adjustment(models.TextChoices):
    HOLM = "holm", _("Holm")
    BH = "bh", _("Benjamini–Hochberg")
    NONE = "none", pgettext_lazy("adjustment", "None")


class OutcomeKind(models.TextChoices):
    BINARY = "binary", _("Binary (yes/no)")
    CONTINUOUS = "continuous", _("Continuous")


class Experiment(ContentModel):
    """A randomized experiment's plan, frozen once registered."""

    title_en = models.CharField(_("title (English)"), max_length=250, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=250, blank=True)
    question_en = models.TextField(_("question (English)"), blank=True)
    question_fr = models.TextField(_("question (French)"), blank=True)
    hypothesis_en = models.TextField(_("hypothesis (English)"), blank=True)
    hypothesis_fr = models.TextField(_("hypothesis (French)"), blank=True)
    intervention_en = models.TextField(_("intervention (English)"), blank=True)
    intervention_fr = models.TextField(_("intervention (French)"), blank=True)
    comparison_en = models.TextField(_("comparison (English)"), blank=True)
    comparison_fr = models.TextField(_("comparison (French)"), blank=True)
    population_en = models.TextField(_("population (English)"), blank=True)
    population_fr = models.TextField(_("population (French)"), blank=True)
    unit_en = models.CharField(_("unit of randomization (English)"), max_length=200, blank=True)
    unit_fr = models.CharField(_("unit of randomization (French)"), max_length=200, blank=True)
    analysis_plan_en = models.TextField(_("analysis plan (English)"), blank=True)
    analysis_plan_fr = models.TextField(_("analysis plan (French)"), blank=True)
    ethics_en = models.TextField(_("ethics and privacy notes (English)"), blank=True)
    ethics_fr = models.TextField(_("ethics and privacy notes (French)"), blank=True)
    # A new plan is seen by its team only (its owner when it has no team) until the team has
    # chosen what to withhold and opens it; `experiment_create` picks members or private.
    visibility = models.CharField(
        _("visibility"), max_length=12, choices=Visibility.choices, default=Visibility.PRIVATE, db_index=True
    )

    intervention_type = models.CharField(
        _("intervention type"), max_length=20, choices=InterventionType.choices, db_index=True
    )
    outcome_domain = models.CharField(
        _("outcome domain"), max_length=20, choices=OutcomeDomain.choices, db_index=True
    )
    jurisdiction = models.ForeignKey(
        "directory.Jurisdiction",
        verbose_name=_("lead jurisdiction"),
        on_delete=models.PROTECT,
        related_name="experiments",
    )
    initiative = models.ForeignKey(
        "portfolio.Initiative",
        verbose_name=_("initiative"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experiments",
    )

    # Design, as column names of the files the team will upload.
    # arms: [{"label", "name_en", "name_fr", "allocation"}]; the first arm is the control.
    arms = models.JSONField(_("arms"), default=list, blank=True)
    # outcomes: [{"column", "label_en", "label_fr", "kind", "primary"}]
    outcomes = models.JSONField(_("outcomes"), default=list, blank=True)
    covariates = models.JSONField(_("covariates"), default=list, blank=True)
    strata = models.JSONField(_("strata"), default=list, blank=True)
    unit_id_column = models.CharField(_("unit ID column"), max_length=100, default="unit_id")
    treatment_column = models.CharField(_("arm column"), max_length=100, default="arm")
    cluster_column = models.CharField(_("cluster column"), max_length=100, blank=True)
    subgroup_column = models.CharField(_("subgroup column"), max_length=100, blank=True)
    adjust = models.CharField(
        _("multiple-testing adjustment"), max_length=8, choices=Adjustment.choices, default=Adjustment.HOLM
    )
    alpha = models.FloatField(_("significance level"), default=0.05)

    # Power calculation inputs, and its result from carrefour.stats.power().
    power_outcome = models.CharField(
        _("outcome type for the power calculation"), max_length=12, choices=OutcomeKind.choices, blank=True
    )
    power_baseline = models.FloatField(_("baseline"), null=True, blank=True)
    power_sd = models.FloatField(_("standard deviation"), null=True, blank=True)
    power_mde = models.FloatField(_("minimum detectable effect"), null=True, blank=True)
    power_target = models.FloatField(_("power"), null=True, blank=True, default=0.8)
    power_icc = models.FloatField(_("intra-cluster correlation"), null=True, blank=True)
    power_cluster_size = models.PositiveIntegerField(_("cluster size"), null=True, blank=True)
    power_result = models.JSONField(_("power calculation"), default=dict, blank=True, editable=False)

    title = Translated()
    question = Translated()
    hypothesis = Translated()
    intervention = Translated()
    comparison = Translated()
    population = Translated()
    unit = Translated()
    analysis_plan = Translated()
    ethics = Translated()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("experiment")
        verbose_name_plural = _("experiments")

    def __str__(self) -> str:
        return str(self.title) or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("experiments:detail", kwargs={"pk": self.pk})

    @property
    def control_label(self) -> str:
        return self.arms[0]["label"] if self.arms else ""

    @property
    def arm_labels(self) -> list[str]:
        return [a["label"] for a in self.arms]

    @property
    def primary_outcome(self) -> dict | None:
        for outcome in self.outcomes:
            if outcome.get("primary"):
                return outcome
        return self.outcomes[0] if self.outcomes else None

    @property
    def is_registered(self) -> bool:
        try:
            return self.registration is not None
        except Registration.DoesNotExist:
            return False

    @property
    def is_published(self) -> bool:
        try:
            return self.publication is not None
        except Publication.DoesNotExist:
            return False


class Registration(BaseModel):
    """The frozen plan: canonical JSON, its SHA-256 and time stamp. Never modified."""

    experiment = models.OneToOneField(
        Experiment, verbose_name=_("experiment"), on_delete=models.PROTECT, related_name="registration"
    )
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The exact UTF-8 text whose SHA-256 is `sha256`; withheld fields appear as digests.
    canonical_json = models.TextField(_("canonical JSON"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    public_fields = models.JSONField(_("fields in the public version"), default=list)
    # Per withheld field, the random salt of its digest: kept private, lets the team prove it later.
    salts = models.JSONField(default=dict, editable=False)
    embargo_until = models.DateField(_("embargoed until"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return f"{self.experiment} — {self.sha256[:12]}"

    @property
    def is_embargoed(self) -> bool:
        return self.embargo_until is not None and self.embargo_until > timezone.localdate()


class Disclosure(BaseModel):
    """A part of the plan withheld at registration and made public later: its salt is published so
    that anyone can check it against the digest in the registration file. Never undone."""

    experiment = models.ForeignKey(
        Experiment, verbose_name=_("experiment"), on_delete=models.PROTECT, related_name="disclosures"
    )
    plan_field = models.CharField(_("part of the plan"), max_length=40)
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        constraints = [
            models.UniqueConstraint(fields=["experiment", "plan_field"], name="experiments_disclosure_unique")
        ]

    def __str__(self) -> str:
        return f"{self.experiment_id}: {self.plan_field}"


class Deviation(BaseModel):
    """A declared change from the registered plan: what, why, when. Never modified."""

    experiment = models.ForeignKey(
        Experiment, verbose_name=_("experiment"), on_delete=models.PROTECT, related_name="deviations"
    )
    plan_field = models.CharField(_("part of the plan"), max_length=40)
    description_en = models.TextField(_("what changed (English)"), blank=True)
    description_fr = models.TextField(_("what changed (French)"), blank=True)
    reason_en = models.TextField(_("reason (English)"), blank=True)
    reason_fr = models.TextField(_("reason (French)"), blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    description = Translated()
    reason = Translated()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("deviation")
        verbose_name_plural = _("deviations")

    def __str__(self) -> str:
        return f"{self.experiment} — {self.plan_field} ({self.created_at:%Y-%m-%d})"


class Randomization(BaseModel):
    """One assignment of units to arms: input file, seed, balance table, assignment file."""

    experiment = models.ForeignKey(
        Experiment, verbose_name=_("experiment"), on_delete=models.PROTECT, related_name="randomizations"
    )
    seed = models.BigIntegerField(_("seed"))
    units_name = models.CharField(_("units file"), max_length=255)
    units_path = models.CharField(max_length=500, editable=False)
    units_sha256 = models.CharField(max_length=64, editable=False)
    assignment_path = models.CharField(max_length=500, editable=False)
    assignment_sha256 = models.CharField(_("assignment file SHA-256"), max_length=64)
    # carrefour.stats RandomizationResult.to_dict(): n, strata, clusters, seed, balance.
    summary = models.JSONField(default=dict)
    engine_version = models.CharField(max_length=20)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        verbose_name = _("randomization")
        verbose_name_plural = _("randomizations")

    def __str__(self) -> str:
        return f"{self.experiment} — seed {self.seed}"


class Dataset(BaseModel):
    """An uploaded outcome file, validated against the plan; stored outside the web root.

    The upload request checks only the file's first bytes; the full checks (arm labels,
    unique IDs, numeric outcomes, row count) run in the task worker while the dataset is
    "checking", holding a lease like an analysis. A refused file is removed; its reason is
    kept as a code and parameters and written in the reader's language.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", pgettext_lazy("data file status", "Being checked")
        READY = "ready", pgettext_lazy("data file status", "Ready")
        REFUSED = "refused", pgettext_lazy("data file status", "Refused")

    experiment = models.ForeignKey(
        Experiment, verbose_name=_("experiment"), on_delete=models.PROTECT, related_name="datasets"
    )
    name = models.CharField(_("file name"), max_length=255)
    path = models.CharField(max_length=500, editable=False)
    size = models.BigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.BigIntegerField(_("rows"), null=True, blank=True)
    columns = models.JSONField(_("columns"), default=list)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKING)
    # "Upload and analyse": the analysis is requested (by the uploader) once the checks pass.
    analyse_when_ready = models.BooleanField(default=False)
    error_code = models.CharField(max_length=40, blank=True)
    error_params = models.JSONField(default=dict, blank=True)
    # The check's lease (see services.analysis.analysis_lease): a check whose heartbeat is
    # older than the lease lost its worker and is refused with a "try again" reason.
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")

    def __str__(self) -> str:
        return self.name

    @property
    def is_checking(self) -> bool:
        return self.status == self.Status.CHECKING

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def error_display(self) -> str:
        """Why the file was refused, in the reader's language (written from its code)."""
        from carrefour.experiments.uploads import engine_text

        return engine_text(self.error_code or "check_internal", self.error_params) if self.status == self.Status.REFUSED else ""


STALE_STEP = "stale"
STALE_ERROR = _(
    "The worker running this analysis stopped before it finished, so no result was kept. You can retry it."
)


class Analysis(BaseModel):
    """One run of the statistics engine, done as a background task.

    Its input is either an uploaded `dataset` or a table of a configured database: then
    `source_database` is the database's name in settings.ANALYSIS_DATABASES (never its URL or
    credentials, which are looked up by name when the task runs) and `source_table` the table.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("analysis status", "Queued")
        RUNNING = "running", pgettext_lazy("analysis status", "Running")
        DONE = "done", pgettext_lazy("analysis status", "Done")
        FAILED = "failed", pgettext_lazy("analysis status", "Failed")

    experiment = models.ForeignKey(
        Experiment, verbose_name=_("experiment"), on_delete=models.PROTECT, related_name="analyses"
    )
    dataset = models.ForeignKey(
        Dataset, verbose_name=_("dataset"), on_delete=models.PROTECT, related_name="analyses", null=True, blank=True
    )
    source_database = models.CharField(_("database"), max_length=100, blank=True)
    source_table = models.CharField(_("table"), max_length=200, blank=True)
    source_rows = models.BigIntegerField(_("rows"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    step = models.CharField(max_length=40, blank=True)
    error = models.TextField(_("error"), blank=True)
    # Why a run failed, as a code of `uploads.ENGINE_MESSAGES` and its parameters: the page
    # writes the sentence in the reader's language (`error` keeps the technical detail).
    error_code = models.CharField(max_length=40, blank=True)
    error_params = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The engine's options (treatment, outcomes, covariates…) and its output.
    options = models.JSONField(default=dict)
    result = models.JSONField(default=dict, blank=True)
    engine_version = models.CharField(_("engine version"), max_length=20, blank=True)
    input_sha256 = models.CharField(_("input SHA-256"), max_length=64, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # The running task touches this while it works; a run whose heartbeat is older than the
    # lease (services.analysis.analysis_lease) has lost its worker and is marked failed.
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("analysis")
        verbose_name_plural = _("analyses")

    def __str__(self) -> str:
        return f"{self.experiment} — {self.get_status_display()} #{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def error_display(self) -> str:
        """The error as the reader's language says it, written at display time from its code."""
        from carrefour.experiments.uploads import engine_text

        if self.step == STALE_STEP:
            return str(STALE_ERROR)
        return engine_text(self.error_code or "internal", self.error_params)

    @property
    def from_table(self) -> bool:
        return self.dataset_id is None and bool(self.source_table)

    @property
    def source_label(self) -> str:
        """The uploaded file's name, or “database: table” for a table of a configured database."""
        if self.dataset_id is not None:
            return self.dataset.name
        return f"{self.source_database}{pgettext('label separator', ': ')}{self.source_table}"

    @property
    def input_rows(self) -> int | None:
        return self.dataset.rows if self.dataset_id is not None else self.source_rows


class Publication(BaseModel):
    """The published result: one analysis, the team's verdict and plain-language summary."""

    experiment = models.OneToOneField(
        Experiment, verbose_name=_("experiment"), on_delete=models.PROTECT, related_name="publication"
    )
    analysis = models.ForeignKey(Analysis, verbose_name=_("analysis"), on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices, db_index=True)
    summary_en = models.TextField(_("plain-language summary (English)"), blank=True)
    summary_fr = models.TextField(_("plain-language summary (French)"), blank=True)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The effect the evidence base pools: primary outcome, first treatment arm vs control.
    outcome = models.CharField(_("outcome"), max_length=100)
    outcome_kind = models.CharField(max_length=12, choices=OutcomeKind.choices)
    arm = models.CharField(_("arm"), max_length=100)
    estimate = models.FloatField()
    std_error = models.FloatField()
    ci_low = models.FloatField()
    ci_high = models.FloatField()
    n = models.BigIntegerField()

    summary = Translated()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return f"{self.experiment} — {self.get_verdict_display()}"


class EvidenceGroup(models.Model):
    """One stored pooling of published results: intervention type × outcome domain × outcome
    scale, for one audience (see `carrefour.experiments.services.evidence`).

    Written only by `evidence_group_recompute` when its inputs change; pages read it and
    never pool. `meta` is `carrefour.stats.MetaResult.to_dict()` (None with one study);
    `publication_ids` lists the members in the order of `meta`'s weights; `jurisdiction_ids`
    their lead jurisdictions, so that the list of groups needs none of the members.
    """

    class Audience(models.TextChoices):
        PUBLIC = "public", pgettext_lazy("evidence audience", "Everyone")
        GOVERNMENT = "government", pgettext_lazy("evidence audience", "Public servants")

    audience = models.CharField(max_length=12, choices=Audience.choices)
    intervention_type = models.CharField(max_length=20, choices=InterventionType.choices)
    outcome_domain = models.CharField(max_length=20, choices=OutcomeDomain.choices)
    outcome_kind = models.CharField(max_length=12, choices=OutcomeKind.choices)
    k = models.PositiveIntegerField()
    publication_ids = models.JSONField(default=list)
    jurisdiction_ids = models.JSONField(default=list)
    meta = models.JSONField(null=True, blank=True)
    fixed_estimate = models.FloatField(null=True, blank=True)
    random_estimate = models.FloatField(null=True, blank=True)
    i2 = models.FloatField(null=True, blank=True)
    tau2 = models.FloatField(null=True, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["intervention_type", "outcome_domain", "outcome_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["audience", "intervention_type", "outcome_domain", "outcome_kind"],
                name="evidence_group_one_per_audience_and_key",
            ),
        ]  # its index also serves the listing (audience, then display order)

    def __str__(self) -> str:
        return f"{self.intervention_type} / {self.outcome_domain} / {self.outcome_kind} ({self.audience})"
