"""People's answers to the questions, and the secretariat's pages to ask, edit, reorder and retire them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carrefour.consultations import forms, selectors, services
from carrefour.consultations.views.common import consultation_or_404, crumbs, flash, manager_or_403
from carrefour.core.exceptions import ApplicationError
from carrefour.core.forms import add_application_error
from carrefour.core.i18n import active_language


def _question_or_404(consultation, pk, *, asked_only=False):
    question = selectors.question_get(consultation=consultation, pk=pk, asked_only=asked_only)
    if question is None:
        raise Http404
    return question


def _question_crumbs(consultation):
    return [*crumbs(consultation), (_("Questions"), reverse("consultations:questions", args=[consultation.slug]))]


@login_required
@require_POST
def answers(request, slug):
    consultation = consultation_or_404(request, slug)
    questions = selectors.questions_asked(consultation=consultation)
    form = forms.AnswersForm(request.POST, questions=questions, lang=active_language())
    if form.is_valid():
        try:
            services.answers_submit(consultation=consultation, user=request.user, answers=form.answers())
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Thank you: your answers were saved."))
    else:
        flash(request, form)
    return redirect(f"{consultation.get_absolute_url()}#questions-h")


@login_required
def questions(request, slug):
    """The secretariat's list of questions: add, edit, retire (until the consultation closes)."""
    consultation = manager_or_403(request, slug)
    return render(request, "consultations/questions.html", {
        "consultation": consultation, "questions": selectors.questions_for_secretariat(consultation=consultation),
        "retire_form": forms.RetireForm(), "breadcrumbs": crumbs(consultation),
    })


@login_required
def question_edit(request, slug, pk=None):
    consultation = manager_or_403(request, slug)
    question = _question_or_404(consultation, pk, asked_only=True) if pk is not None else None
    initial = forms.QuestionForm.initial_for(question) if question is not None else {"kind": "single"}
    form = forms.QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in ("kind", "text_en", "text_fr")}
        try:
            if question is None:
                services.question_add(consultation=consultation, actor=request.user, choices=form.choices(), **fields)
            else:
                services.question_update(question=question, actor=request.user, choices=form.choices(), **fields)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("The question was added.") if question is None else _("The question was saved."))
            return redirect("consultations:questions", slug=consultation.slug)
    return render(request, "consultations/question_form.html", {
        "consultation": consultation, "form": form, "question": question,
        "answered": question is not None and selectors.question_is_answered(question=question),
        "heading": _("Add a question") if question is None else _("Edit the question"),
        "breadcrumbs": _question_crumbs(consultation),
    })


@login_required
@require_POST
def question_retire(request, slug, pk):
    consultation = manager_or_403(request, slug)
    question = _question_or_404(consultation, pk)
    form = forms.RetireForm(request.POST)
    if form.is_valid():
        try:
            services.question_retire(question=question, actor=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The question was retired. The answers already given are kept and still counted in “What we heard”."))
    else:
        flash(request, form)
    return redirect("consultations:questions", slug=consultation.slug)


@login_required
@require_POST
def question_move(request, slug, pk):
    consultation = manager_or_403(request, slug)
    question = _question_or_404(consultation, pk)
    try:
        services.question_move(question=question, actor=request.user, direction=request.POST.get("direction", ""))
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The question was moved. People now see the questions in this order."))
    return redirect(reverse("consultations:questions", kwargs={"slug": consultation.slug}) + f"#question-{question.pk}")
