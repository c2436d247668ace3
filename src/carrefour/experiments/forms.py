"""Forms of the experiment workflow; they parse input, the services enforce the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carrefour.core.models import Visibility
from carrefour.core.visibility import visible_to
from carrefour.declarations import commitments as commitment_links
from carrefour.directory.models import Jurisdiction, Team
from carrefour.directory.selectors import user_teams
from carrefour.experiments import plan as plan_module
from carrefour.experiments.models import (
    Experiment,
    InterventionType,
    OutcomeDomain,
    OutcomeKind,
    Verdict,
)
from carrefour.experiments.selectors import initiative_choices

TEXTAREA = forms.Textarea(attrs={"rows": 3})


def _columns(text: str) -> list[str]:
    return [c.strip() for c in (text or "").split(",") if c.strip()]


def commitment_choices() -> list[tuple[int, str]]:
    return commitment_links.choices()


class PlanForm(forms.ModelForm):
    covariates = forms.CharField(
        label=_("Covariates"), required=False, help_text=_("Column names, separated by commas (used by Lin's adjustment).")
    )
    strata = forms.CharField(
        label=_("Strata"), required=False, help_text=_("Column names, separated by commas; randomization is blocked within them.")
    )
    commitments = forms.TypedMultipleChoiceField(
        label=_("Declaration commitments served"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Experiment
        fields = [
            "title_en", "title_fr", "question_en", "question_fr", "hypothesis_en", "hypothesis_fr",
            "intervention_en", "intervention_fr", "comparison_en", "comparison_fr",
            "population_en", "population_fr", "unit_en", "unit_fr",
            "intervention_type", "outcome_domain", "jurisdiction", "team", "initiative", "visibility",
            "unit_id_column", "treatment_column", "cluster_column", "subgroup_column", "adjust", "alpha",
            "analysis_plan_en", "analysis_plan_fr",
            "power_outcome", "power_baseline", "power_sd", "power_mde", "power_target", "power_icc", "power_cluster_size",
            "ethics_en", "ethics_fr",
        ]
        widgets = {
            **{f"{b}_{lang}": TEXTAREA for b in ("question", "hypothesis", "intervention", "comparison", "population",
                                                    "analysis_plan", "ethics") for lang in ("en", "fr")},
            "alpha": forms.NumberInput(attrs={"step": "any"}),
            "power_baseline": forms.NumberInput(attrs={"step": "any"}),
            "power_sd": forms.NumberInput(attrs={"step": "any"}),
            "power_mde": forms.NumberInput(attrs={"step": "any"}),
            "power_target": forms.NumberInput(attrs={"step": "any"}),
            "power_icc": forms.NumberInput(attrs={"step": "any"}),
        }
        help_texts = {
            "power_baseline": _("The control group's proportion (binary) or mean (continuous)."),
            "power_mde": _("The smallest effect worth detecting, in the outcome's units (0.03 is 3 percentage points)."),
            "unit_id_column": _("The column that identifies each unit in the files you upload."),
            "treatment_column": _("The column that holds each unit's arm label."),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title_en"].label = _("Title (English)")
        self.fields["title_fr"].label = _("Title (French)")
        self.fields["jurisdiction"].queryset = Jurisdiction.objects.all()
        self.fields["team"].queryset = visible_to(Team.objects.all(), user)
        self.fields["team"].required = False
        self.fields["intervention_type"].choices = [("", _("Choose…")), *InterventionType.choices]
        self.fields["outcome_domain"].choices = [("", _("Choose…")), *OutcomeDomain.choices]
        self.fields["initiative"].queryset = initiative_choices(user=user)
        self.fields["commitments"].choices = commitment_choices()
        if not self.fields["commitments"].choices:
            del self.fields["commitments"]
        self.fields["visibility"].help_text = _(
            "A new plan is seen by its team only. Make it public once the team has chosen what to withhold."
        )
        if self.instance.pk is None and "visibility" not in self.initial:
            in_a_team = user is not None and user.is_authenticated and user_teams(user=user).exists()
            self.initial["visibility"] = Visibility.MEMBERS if in_a_team else Visibility.PRIVATE
        if self.instance.pk:
            self.initial.setdefault("covariates", ", ".join(self.instance.covariates))
            self.initial.setdefault("strata", ", ".join(self.instance.strata))

    def clean_covariates(self) -> list[str]:
        return _columns(self.cleaned_data.get("covariates", ""))

    def clean_strata(self) -> list[str]:
        return _columns(self.cleaned_data.get("strata", ""))

    def plan_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "commitments"}
        for key in ("cluster_column", "subgroup_column", "unit_id_column", "treatment_column"):
            data[key] = (data.get(key) or "").strip()
        return data


class ArmForm(forms.Form):
    label = forms.SlugField(label=_("Label in the data"), max_length=100, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    name_fr = forms.CharField(label=_("Name (French)"), max_length=200, required=False)
    allocation = forms.IntegerField(label=_("Allocation weight"), min_value=1, initial=1, required=False)


class OutcomeForm(forms.Form):
    column = forms.CharField(label=_("Column"), max_length=100, required=False)
    label_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    label_fr = forms.CharField(label=_("Name (French)"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=OutcomeKind.choices, initial=OutcomeKind.BINARY)
    primary = forms.BooleanField(label=_("Primary outcome"), required=False)


ArmFormSet = forms.formset_factory(ArmForm, extra=1)
OutcomeFormSet = forms.formset_factory(OutcomeForm, extra=1)


def arms_from(formset: Any) -> list[dict[str, Any]]:
    return [
        {"label": f["label"], "name_en": f.get("name_en", ""), "name_fr": f.get("name_fr", ""),
         "allocation": f.get("allocation") or 1}
        for f in formset.cleaned_data
        if f and f.get("label")
    ]


def outcomes_from(formset: Any) -> list[dict[str, Any]]:
    return [
        {"column": f["column"].strip(), "label_en": f.get("label_en", ""), "label_fr": f.get("label_fr", ""),
         "kind": f.get("kind") or "binary", "primary": bool(f.get("primary"))}
        for f in formset.cleaned_data
        if f and (f.get("column") or "").strip()
    ]


class SettingsForm(forms.ModelForm):
    """What may change after registration: who sees the experiment and what it is linked to."""

    commitments = forms.TypedMultipleChoiceField(
        label=_("Declaration commitments served"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Experiment
        fields = ["visibility", "initiative"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["initiative"].queryset = initiative_choices(user=user)
        self.fields["commitments"].choices = commitment_choices()
        if not self.fields["commitments"].choices:
            del self.fields["commitments"]


class RegisterForm(forms.Form):
    public_fields = forms.MultipleChoiceField(
        label=_("Parts of the plan to include in the public version"),
        help_text=_("A part left out stays internal; the public file shows its SHA-256 digest instead."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    embargo_until = forms.DateField(
        label=_("Embargo the registration until (optional)"),
        help_text=_("Until this date, the public sees only the title, the registration date and the hash."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["public_fields"].choices = [
            (key, label) for key, label, switch in plan_module.PLAN_FIELDS if switch
        ]
        self.initial.setdefault("public_fields", list(plan_module.SWITCHABLE))


class DeviationForm(forms.Form):
    plan_field = forms.ChoiceField(label=_("Part of the plan that changed"))
    description_en = forms.CharField(label=_("What changed (English)"), widget=TEXTAREA, required=False)
    description_fr = forms.CharField(label=_("What changed (French)"), widget=TEXTAREA, required=False)
    reason_en = forms.CharField(label=_("Reason (English)"), widget=TEXTAREA, required=False)
    reason_fr = forms.CharField(label=_("Reason (French)"), widget=TEXTAREA, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan_field"].choices = [("", _("Choose…"))] + [
            (key, label) for key, label, _switch in plan_module.PLAN_FIELDS
        ]


class UnitsForm(forms.Form):
    file = forms.FileField(label=_("List of units (CSV or Parquet)"))
    seed = forms.IntegerField(
        label=_("Seed"), min_value=0, required=False,
        help_text=_("Leave empty for a random seed; it is recorded, and the same seed gives the same assignment."),
    )


class DataForm(forms.Form):
    file = forms.FileField(label=_("Outcome data (CSV or Parquet)"))


class TableForm(forms.Form):
    """A table of a database configured by the administrators (only names are shown)."""

    database = forms.ChoiceField(label=_("Database"))
    table = forms.CharField(
        label=_("Table"),
        max_length=127,
        help_text=_("A table name, optionally after its schema name and a dot, for example “analytics.outcomes”."),
    )

    def __init__(self, *args: Any, databases: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["database"].choices = [(name, name) for name in databases]
        if len(databases) == 1:
            self.fields["database"].initial = databases[0]


class PublishForm(forms.Form):
    analysis = forms.TypedChoiceField(label=_("Analysis to publish"), coerce=int)
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices, widget=forms.RadioSelect)
    summary_en = forms.CharField(label=_("Plain-language summary (English)"), widget=TEXTAREA, required=False)
    summary_fr = forms.CharField(label=_("Plain-language summary (French)"), widget=TEXTAREA, required=False)

    def __init__(self, *args: Any, analyses: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["analysis"].choices = [
            (a.pk, _("Analysis #%(id)s of %(name)s") % {"id": a.pk, "name": a.source_label}) for a in analyses
        ]


def _year_choices() -> list[tuple[str, str]]:
    from carrefour.experiments.models import Registration

    years = sorted({d.year for d in Registration.objects.dates("registered_at", "year")}, reverse=True)
    return [("", _("All years"))] + [(str(y), str(y)) for y in years]


class ExperimentFilterForm(forms.Form):
    q = forms.CharField(label=_("Title contains"), required=False)
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"), required=False)
    intervention_type = forms.ChoiceField(
        label=_("Intervention type"), required=False, choices=[("", _("All types")), *InterventionType.choices]
    )
    outcome_domain = forms.ChoiceField(
        label=_("Outcome domain"), required=False, choices=[("", _("All domains")), *OutcomeDomain.choices]
    )
    verdict = forms.ChoiceField(label=_("Verdict"), required=False, choices=[("", _("All verdicts")), *Verdict.choices])
    stage = forms.ChoiceField(
        label=_("Stage"),
        required=False,
        choices=[
            ("", _("All stages")),
            ("draft", pgettext_lazy("experiment stage", "Draft")),
            ("registered", pgettext_lazy("experiment stage", "Registered")),
            ("published", pgettext_lazy("experiment stage", "Published")),
        ],
    )
    year = forms.TypedChoiceField(label=_("Year registered"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = [("", _("All jurisdictions"))] + [
            (j.code, str(j.name)) for j in Jurisdiction.objects.all()
        ]
        self.fields["year"].choices = _year_choices()


class EvidenceFilterForm(ExperimentFilterForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["stage"]

