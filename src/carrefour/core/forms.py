"""Form pieces shared by every app."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carrefour.core.exceptions import ApplicationError


def add_application_error(form: forms.BaseForm, exc: ApplicationError) -> None:
    """Show a service's refusal on the form: on the field it names, or above the form.

    A service may name a field this form does not have (the same service serves several
    forms); the message then goes above the form instead of raising ValueError.
    """
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc))


class DateInput(forms.DateInput):
    """A browser date picker; the value always travels as YYYY-MM-DD, whatever the page language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class WhatsNewForm(forms.Form):
    since = forms.DateField(label=_("New since"), widget=DateInput)
    kind = forms.ChoiceField(label=_("Show"), required=False)

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Everything")), *kinds]

    def clean_since(self) -> datetime.date:
        since = self.cleaned_data["since"]
        if since > timezone.localdate():
            raise forms.ValidationError(_("Choose a date that is not in the future."))
        return since


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Words to find"), required=False, max_length=200,
                        help_text=_("Every word must appear, in English or in French. Put a phrase in quotation marks."))
    kind = forms.ChoiceField(label=_("In"), required=False)

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Everything")), *kinds]
