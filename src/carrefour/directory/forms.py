from django import forms
from django.utils.translation import gettext_lazy as _

from carrefour.directory import selectors
from carrefour.directory.models import Jurisdiction, Organization, Team, User


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or acronym"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Organization.Kind.choices])
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"), required=False, choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = [("", _("All jurisdictions"))] + [
            (j.code, str(j.name)) for j in selectors.jurisdiction_choices()
        ]


class JurisdictionFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Jurisdiction.Kind.choices])


class TeamFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Team.Kind.choices])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "first_name", "last_name", "job_title", "organization", "bio", "preferred_language", "profile_public"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = selectors.organization_choices()
