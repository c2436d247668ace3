"""Consultation forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carrefour.consultations.models import Comment, Question, ThemeResponse
from carrefour.consultations.services import MAX_LENGTH, MAX_REPLY_LENGTH


class CommentForm(forms.Form):
    paragraph = forms.TypedChoiceField(label=_("About"), coerce=int, empty_value=None, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Comment.Category.choices)
    body = forms.CharField(
        label=_("Your comment"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain text, up to 3,000 characters. Comments are public and show your name and whether you are a citizen, a public servant or an organization."),
    )
    # Hidden from people (and from assistive technology); robots fill it in.
    website = forms.CharField(required=False, label=pgettext_lazy("honeypot", "Leave this field empty"))

    def __init__(self, *args, paragraphs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paragraph"].choices = [("", _("The draft as a whole"))] + [
            (p.position, str(p.label) or _("Paragraph %(n)s") % {"n": p.position}) for p in paragraphs
        ]


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), max_length=MAX_REPLY_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))
    website = forms.CharField(required=False, label=pgettext_lazy("honeypot", "Leave this field empty"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason (the author will see it)"), max_length=500)


class FlagForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong with this comment? (optional)"), max_length=300, required=False)


class AnswersForm(forms.Form):
    """One field per question of the consultation."""

    def __init__(self, *args, questions=(), lang="en", **kwargs):
        super().__init__(*args, **kwargs)
        for q in questions:
            name = f"q{q.pk}"
            label = str(q.text)
            if q.kind == Question.Kind.TEXT:
                self.fields[name] = forms.CharField(label=label, required=False, max_length=MAX_LENGTH,
                                                   widget=forms.Textarea(attrs={"rows": 3}))
            else:
                choices = [(str(i), c) for i, c in enumerate(q.choice_labels(lang))]
                if q.kind == Question.Kind.SINGLE:
                    self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=False,
                                                          widget=forms.RadioSelect)
                else:
                    self.fields[name] = forms.MultipleChoiceField(label=label, choices=choices, required=False,
                                                                  widget=forms.CheckboxSelectMultiple)

    def answers(self) -> dict[int, object]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class ThemeResponseForm(forms.ModelForm):
    paragraph = forms.TypedChoiceField(label=_("Paragraph (optional)"), coerce=int, empty_value=None, required=False)

    class Meta:
        model = ThemeResponse
        fields = ["theme_en", "theme_fr", "category", "response_en", "response_fr"]
        widgets = {"response_en": forms.Textarea(attrs={"rows": 4}), "response_fr": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, paragraphs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paragraph"].choices = [("", "—")] + [(p.position, str(p.label)) for p in paragraphs]


class OpenConsultationForm(forms.Form):
    title_en = forms.CharField(label=_("Title (English)"), max_length=300)
    title_fr = forms.CharField(label=_("Title (French)"), max_length=300)
    summary_en = forms.CharField(label=_("Summary (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    summary_fr = forms.CharField(label=_("Summary (French)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Closes at the end of"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("opens_on", "closes_on"):
            self.fields[name].widget.input_type = "date"


class QuestionForm(forms.Form):
    """A question in both languages; the choices one per line, in the same order in each language."""

    kind = forms.ChoiceField(label=_("Kind of answer"), choices=Question.Kind.choices, widget=forms.RadioSelect)
    text_en = forms.CharField(label=_("Question (English)"), max_length=500)
    text_fr = forms.CharField(label=_("Question (French)"), max_length=500)
    choices_en = forms.CharField(
        label=_("Choices (English)"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For a choice question: one choice per line."),
    )
    choices_fr = forms.CharField(
        label=_("Choices (French)"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The same choices in French, one per line, in the same order."),
    )

    @staticmethod
    def initial_for(question: Question) -> dict[str, str]:
        return {
            "kind": question.kind, "text_en": question.text_en, "text_fr": question.text_fr,
            "choices_en": "\n".join(c.get("en", "") for c in question.choices),
            "choices_fr": "\n".join(c.get("fr", "") for c in question.choices),
        }

    @staticmethod
    def _lines(value: str) -> list[str]:
        return [line.strip() for line in (value or "").splitlines() if line.strip()]

    def clean(self):
        data = super().clean()
        if data.get("kind") and data["kind"] != Question.Kind.TEXT:
            en, fr = self._lines(data.get("choices_en", "")), self._lines(data.get("choices_fr", ""))
            if len(en) != len(fr):
                self.add_error("choices_fr", _("Give as many French choices as English ones, one per line."))
        return data

    def choices(self) -> list[dict[str, str]]:
        if self.cleaned_data["kind"] == Question.Kind.TEXT:
            return []
        en, fr = self._lines(self.cleaned_data["choices_en"]), self._lines(self.cleaned_data["choices_fr"])
        return [{"en": e, "fr": f} for e, f in zip(en, fr, strict=False)]


class RetireForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=500, required=False)
