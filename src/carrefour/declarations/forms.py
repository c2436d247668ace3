"""Declaration forms: plain Django forms rendered with GC Design System components."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carrefour.declarations.models import Commitment, Declaration
from carrefour.directory.models import Jurisdiction


class DeclarationForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Declaration
        fields = [
            "title_en", "title_fr", "short_name_en", "short_name_fr", "summary_en", "summary_fr",
            "preamble_en", "preamble_fr", "closing_en", "closing_fr", "visibility",
        ]
        widgets = {
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "summary_fr": forms.Textarea(attrs={"rows": 3}),
        }


class DeclarationCreateForm(forms.ModelForm):
    """A new declaration: its text, who sees it, and the team whose secretariat carries it."""

    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=None,
        help_text=_("The team whose secretariat carries the declaration through drafting, consultation and endorsement."),
    )

    class Meta:
        model = Declaration
        fields = [
            "title_en", "title_fr", "short_name_en", "short_name_fr", "summary_en", "summary_fr",
            "preamble_en", "preamble_fr", "closing_en", "closing_fr", "visibility",
        ]
        widgets = {
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "summary_fr": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["team"].label_from_instance = lambda team: team.name.plain
        self.order_fields(["team", *self.Meta.fields])


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["number", "title_en", "title_fr", "text_en", "text_fr"]
        widgets = {"text_en": forms.Textarea(attrs={"rows": 4}), "text_fr": forms.Textarea(attrs={"rows": 4})}


class PublishVersionForm(forms.Form):
    note_en = forms.CharField(label=_("What changed (English)"), max_length=500, required=False)
    note_fr = forms.CharField(label=_("What changed (French)"), max_length=500, required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = list(choices)


class InviteForm(forms.Form):
    jurisdictions = forms.ModelMultipleChoiceField(
        label=_("Jurisdictions to invite"),
        queryset=Jurisdiction.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdictions"].queryset = queryset if queryset is not None else Jurisdiction.objects.all()


class EndorseForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(label=_("On behalf of"), queryset=Jurisdiction.objects.none())
    signatory_name = forms.CharField(label=_("Name of the signatory"), max_length=200)
    signatory_title_en = forms.CharField(label=_("Title of the signatory (English)"), max_length=300, required=False)
    signatory_title_fr = forms.CharField(label=_("Title of the signatory (French)"), max_length=300, required=False)
    endorsed_on = forms.DateField(label=_("Date of endorsement"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = queryset if queryset is not None else Jurisdiction.objects.none()
        self.fields["jurisdiction"].queryset = queryset
        self.fields["jurisdiction"].label_from_instance = lambda j: j.name.plain
        self.fields["endorsed_on"].widget.input_type = "date"
        if not self.is_bound and "jurisdiction" not in self.initial:
            only = list(queryset[:2])
            if len(only) == 1:  # one jurisdiction to sign for: chosen already
                self.initial["jurisdiction"] = only[0].pk


class PaperEndorsementForm(EndorseForm):
    """A signature made on paper, recorded by the secretariat."""

    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False,
                           help_text=_("Where the signed paper is kept, or how it was received."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].label = _("Jurisdiction")
        self.fields["endorsed_on"].label = _("Date signed")


class SignatoryAssignForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(label=_("Signatory for"), queryset=Jurisdiction.objects.none())
    email = forms.EmailField(label=_("Email address of the person's account"), max_length=254)

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = queryset if queryset is not None else Jurisdiction.objects.none()
        self.fields["jurisdiction"].label_from_instance = lambda j: j.name.plain


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawal"), max_length=500)


class CompareForm(forms.Form):
    a = forms.TypedChoiceField(label=_("Earlier version"), coerce=int)
    b = forms.TypedChoiceField(label=_("Later version"), coerce=int)

    def __init__(self, *args, numbers=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, _("Version %(n)s") % {"n": n}) for n in numbers]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices
