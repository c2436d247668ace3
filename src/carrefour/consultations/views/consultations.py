"""The list of consultations, one consultation's page, and opening one on a declaration."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carrefour.consultations import forms, selectors, services
from carrefour.consultations.views.common import consultation_or_404, crumbs, roles
from carrefour.core.exceptions import ApplicationError
from carrefour.core.exports import Column, bilingual, export_response
from carrefour.core.forms import add_application_error
from carrefour.core.i18n import active_language
from carrefour.core.visibility import get_visible_or_404, has_team_role

EXPORT_COLUMNS = [
    Column("slug", gettext_lazy("Short name")),
    *bilingual("title", gettext_lazy("Title")),
    Column("opens_at", gettext_lazy("Opens")),
    Column("closes_at", gettext_lazy("Closes")),
    Column("phase", gettext_lazy("Status"), lambda c: c.phase),
    Column("comments", gettext_lazy("Comments"), lambda c: c.comment_count),
    Column("url", gettext_lazy("Address"), lambda c: c.get_absolute_url()),
]


def index(request):
    consultations = selectors.consultation_list(user=request.user)
    fmt = request.GET.get("format")
    if fmt in ("csv", "json"):
        return export_response(consultations, EXPORT_COLUMNS, fmt, "consultations")
    return render(request, "consultations/index.html", {
        "consultations": list(consultations), "export_csv_url": "?format=csv", "export_json_url": "?format=json",
    })


def detail(request, slug):
    consultation = consultation_or_404(request, slug)
    person = roles(request, consultation)
    paragraphs = selectors.paragraphs_of(consultation=consultation)
    threads = selectors.comment_threads(consultation=consultation, user=request.user, moderator=person["moderator"])
    questions = selectors.questions_asked(consultation=consultation)
    context = {
        "consultation": consultation,
        "sections": [(p, threads.get(p.pk, [])) for p in paragraphs],
        "general": threads.get(None, []),
        "questions": questions,
        "breadcrumbs": crumbs(),
        **person,
    }
    if consultation.is_open and person["verified"]:
        context["comment_form"] = forms.CommentForm(paragraphs=paragraphs)
        if questions:
            context["answers_form"] = forms.AnswersForm(
                questions=questions, lang=active_language(),
                initial=selectors.answers_initial(user=request.user, questions=questions),
            )
    return render(request, "consultations/detail.html", context)


@login_required
def open_for_declaration(request, declaration_slug):
    """The declaration's secretariat opens its current text for public comment between two dates."""
    from carrefour.declarations import selectors as declaration_selectors

    declaration = get_visible_or_404(declaration_selectors.declarations_all(), request.user, slug=declaration_slug)
    if not has_team_role(request.user, declaration.team_id, services.MANAGE_ROLES):
        raise PermissionDenied
    form = forms.OpenConsultationForm(request.POST or None, initial={
        "title_en": f"Consultation: {declaration.title_en}", "title_fr": f"Consultation : {declaration.title_fr}",
    })
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_open_for_declaration(
                declaration=declaration, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("The consultation was created."))
            return redirect(consultation.get_absolute_url())
    return render(request, "consultations/open_form.html", {
        "form": form, "declaration": declaration,
        "breadcrumbs": [(_("Consultations"), reverse("consultations:index")),
                        (declaration.title.plain, declaration.get_absolute_url())],
    })
