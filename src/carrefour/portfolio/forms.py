from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carrefour.core.forms import DateInput
from carrefour.declarations import commitments as commitment_links
from carrefour.directory.models import Jurisdiction, Organization, Team
from carrefour.portfolio.models import (
    SUMMARY_TOO_LONG,
    Achievement,
    Decision,
    Facet,
    Initiative,
    InitiativeLink,
    Meeting,
    Priority,
    Stage,
    Status,
    Table,
)
from carrefour.portfolio.questionnaire import QUESTIONS


class FacetChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Facet) -> str:
        return f"{obj.name} — {obj.question}"


class InitiativeForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    request_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    facets = FacetChoiceField(
        queryset=Facet.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Innovation facets"),
        help_text=_("OPSI's four facets: choose every one that applies. Their definitions are listed above."),
    )
    commitments = forms.MultipleChoiceField(
        label=_("Commitments served"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("The commitments of an adopted declaration that this initiative helps to keep."),
    )

    class Meta:
        model = Initiative
        fields = [
            "title_en", "title_fr", "summary_en", "summary_fr", "jurisdiction", "partner_jurisdictions",
            "lead_organization", "partner_organizations", "table", "priority", "facets", "stage", "status",
            "commitments_text", "start_date", "end_date", "visibility",
        ]
        widgets = {
            "summary_en": forms.Textarea(attrs={"rows": 4}),
            "summary_fr": forms.Textarea(attrs={"rows": 4}),
            "commitments_text": forms.Textarea(attrs={"rows": 2}),
            "partner_jurisdictions": forms.CheckboxSelectMultiple,
            "start_date": DateInput,
            "end_date": DateInput,
        }
        error_messages = {
            "summary_en": {"max_length": SUMMARY_TOO_LONG},
            "summary_fr": {"max_length": SUMMARY_TOO_LONG},
        }

    def __init__(self, *args, tables, priorities, **kwargs):
        """`tables` and `priorities`: those the person may choose (selectors.tables_for_new_initiative)."""
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = Jurisdiction.objects.all()
        self.fields["partner_jurisdictions"].queryset = Jurisdiction.objects.all()
        self.fields["lead_organization"].queryset = Organization.objects.all()
        self.fields["partner_organizations"].queryset = Organization.objects.all()
        self.fields["table"].queryset = tables
        self.fields["table"].error_messages["invalid_choice"] = _(
            "Choose one of the tables offered: you can add initiatives only to a table you edit or contribute to.")
        self.fields["priority"].queryset = priorities
        self.fields["commitments"].choices = commitment_links.choices()
        # Commitments are linked records now; the words field stays for what imports bring in.
        del self.fields["commitments_text"]
        if self.instance.pk:
            del self.fields["request_token"]
            if not self.is_bound:
                self.initial["commitments"] = [str(c.pk) for c in commitment_links.for_target(self.instance)]
                self.initial["version"] = self.instance.version

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("request_token", None)
        if "commitments" in data:
            from carrefour.declarations.models import Commitment

            data["commitments"] = list(Commitment.objects.filter(pk__in=data["commitments"]))
        return data


class AchievementForm(forms.ModelForm):
    evidence_url = forms.URLField(label=_("Evidence link"), required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Achievement
        fields = ["date", "text_en", "text_fr", "by", "jurisdictions", "evidence_url", "is_key"]
        widgets = {
            "date": DateInput,
            "text_en": forms.Textarea(attrs={"rows": 3}),
            "text_fr": forms.Textarea(attrs={"rows": 3}),
            "jurisdictions": forms.CheckboxSelectMultiple,
        }


class AchievementEditForm(AchievementForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class DeleteForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the change history with your name."),
    )


class RestoreForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=500)


class LinkForm(forms.ModelForm):
    url = forms.URLField(label=_("Address"), max_length=500, assume_scheme="https")

    class Meta:
        model = InitiativeLink
        fields = ["kind", "title_en", "title_fr", "url"]


class PriorityForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Priority
        fields = ["title_en", "title_fr", "description_en", "description_fr", "champion", "champion_name",
                  "champion_jurisdiction", "sort_order"]
        widgets = {"description_en": forms.Textarea(attrs={"rows": 3}), "description_fr": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, table=None, **kwargs):
        super().__init__(*args, **kwargs)
        from carrefour.directory.models import User

        # The champion is chosen among the people of the table's team.
        team_id = table.team_id if table is not None else None
        self.fields["champion"].queryset = User.objects.filter(memberships__team_id=team_id).distinct()
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class TableForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Table
        fields = ["name_en", "name_fr", "vision_en", "vision_fr", "description_en", "description_fr",
                  "member_jurisdictions", "visibility"]
        widgets = {"vision_en": forms.Textarea(attrs={"rows": 2}), "vision_fr": forms.Textarea(attrs={"rows": 2}),
                   "description_en": forms.Textarea(attrs={"rows": 4}), "description_fr": forms.Textarea(attrs={"rows": 4}),
                   "member_jurisdictions": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class TableCreateForm(forms.ModelForm):
    class Meta:
        model = Table
        fields = ["team", "slug", "name_en", "name_fr", "vision_en", "vision_fr", "description_en", "description_fr",
                  "member_jurisdictions", "visibility"]
        widgets = {"vision_en": forms.Textarea(attrs={"rows": 2}), "vision_fr": forms.Textarea(attrs={"rows": 2}),
                   "description_en": forms.Textarea(attrs={"rows": 4}), "description_fr": forms.Textarea(attrs={"rows": 4}),
                   "member_jurisdictions": forms.CheckboxSelectMultiple}
        help_texts = {"slug": _("Lowercase letters, digits and hyphens; used in the address of the table's page.")}

    def __init__(self, *args, teams=None, team_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams if teams is not None else Team.objects.none()
        self.fields["team"].required = team_required
        self.fields["team"].label = _("Team")
        self.fields["team"].help_text = _("The directory team whose people and roles run this table.")


class TableJurisdictionForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(label=_("Jurisdiction to add"), queryset=Jurisdiction.objects.none())

    def __init__(self, *args, exclude=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = Jurisdiction.objects.exclude(pk__in=[j.pk for j in exclude])


class TablePersonForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), help_text=_("The person must already have an account."))
    role = forms.ChoiceField(label=_("Role in the team"))
    jurisdiction = forms.ModelChoiceField(
        label=_("Acting for a jurisdiction (optional)"), queryset=Jurisdiction.objects.all(), required=False,
        help_text=_("Editors acting for one jurisdiction edit only its initiatives."))

    def __init__(self, *args, **kwargs):
        from carrefour.directory.models import Role

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = Role.choices
        self.fields["role"].initial = Role.MEMBER


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["date", "title_en", "title_fr", "summary_en", "summary_fr"]
        widgets = {"date": DateInput, "summary_en": forms.Textarea(attrs={"rows": 3}),
                   "summary_fr": forms.Textarea(attrs={"rows": 3})}


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["kind", "meeting", "date", "text_en", "text_fr", "due_date"]
        widgets = {"date": DateInput, "due_date": DateInput, "text_en": forms.Textarea(attrs={"rows": 3}),
                   "text_fr": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, table=None, **kwargs):
        super().__init__(*args, **kwargs)
        if table is not None:
            self.fields["meeting"].queryset = table.meetings.filter(deleted_at__isnull=True)


class _Versioned(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class MeetingEditForm(_Versioned, MeetingForm):
    pass


class DecisionEditForm(_Versioned, DecisionForm):
    pass


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("A CSV file (UTF-8 or Windows, separated by commas, semicolons or tabs) whose first line "
                    "names the columns; see the columns below."),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ReportForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput)
    end = forms.DateField(label=_("To"), widget=DateInput)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date is before the start date."))
        return data


class SinceForm(forms.Form):
    since = forms.DateField(label=_("New since"), widget=DateInput)


class PortfolioFilterForm(forms.Form):
    q = forms.CharField(label=_("Words in the title or summary"), required=False)
    jurisdiction = forms.ModelChoiceField(
        label=_("Jurisdiction (lead or partner)"), required=False, queryset=Jurisdiction.objects.all(),
        to_field_name="code", empty_label=_("All jurisdictions"),
    )
    priority = forms.ModelChoiceField(label=_("Priority"), required=False, queryset=Priority.objects.none(),
                                      empty_label=_("All priorities"))
    facet = forms.ModelChoiceField(label=_("Innovation facet"), required=False, queryset=Facet.objects.all(),
                                   to_field_name="code", empty_label=_("All facets"))
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", _("All stages")), *Stage.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All statuses")), *Status.choices])
    commitment = forms.ChoiceField(label=_("Commitment"), required=False, choices=[])

    def __init__(self, *args, priorities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if priorities is not None:
            self.fields["priority"].queryset = priorities
        self.fields["commitment"].choices = [("", _("All commitments")), *commitment_links.choices()]


class AssessmentForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False,
                                  empty_label=_("Just me (private)"),
                                  help_text=_("The team whose initiatives are compared with your answers."))

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        if teams is not None:
            self.fields["team"].queryset = teams
        for question in QUESTIONS:
            self.fields[question["key"]] = forms.ChoiceField(
                label=question["label"], help_text=question["topic"], widget=forms.RadioSelect,
                choices=list(question["options"].items()),
            )

    def answers(self) -> dict[str, str]:
        return {q["key"]: self.cleaned_data[q["key"]] for q in QUESTIONS}
