"""Consultation pages: thin views over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from carrefour.consultations import forms, selectors, services
from carrefour.consultations.models import Comment, Consultation, ThemeResponse
from carrefour.core.exceptions import ApplicationError
from carrefour.core.exports import Column, bilingual, export_response
from carrefour.core.i18n import active_language
from carrefour.core.ratelimit import client_ip
from carrefour.core.visibility import has_team_role


def _consultation_or_404(request, slug) -> Consultation:
    consultation = selectors.consultation_get(user=request.user, slug=slug)
    if consultation is None:
        raise Http404(_("No such consultation."))
    return consultation


def _crumbs(consultation=None):
    crumbs = [(_("Consultations"), reverse("consultations:index"))]
    if consultation is not None:
        crumbs.append((consultation.title.plain, consultation.get_absolute_url()))
    return crumbs


def _flash(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _roles(request, consultation) -> dict:
    return {
        "moderator": services.can_moderate(user=request.user, consultation=consultation),
        "manager": services.can_manage(user=request.user, consultation=consultation),
        "verified": services.is_verified(request.user),
    }


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
    consultation = _consultation_or_404(request, slug)
    roles = _roles(request, consultation)
    paragraphs = list(consultation.paragraphs.select_related("commitment"))
    threads = selectors.comment_threads(consultation=consultation, user=request.user, moderator=roles["moderator"])
    questions = selectors.questions_asked(consultation=consultation)
    context = {
        "consultation": consultation,
        "sections": [(p, threads.get(p.pk, [])) for p in paragraphs],
        "general": threads.get(None, []),
        "questions": questions,
        "breadcrumbs": _crumbs(),
        **roles,
    }
    if consultation.is_open and roles["verified"]:
        context["comment_form"] = forms.CommentForm(paragraphs=paragraphs)
        if questions:
            context["answers_form"] = forms.AnswersForm(
                questions=questions, lang=active_language(), initial=_initial_answers(request.user, questions)
            )
    return render(request, "consultations/detail.html", context)


def _initial_answers(user, questions) -> dict:
    from carrefour.consultations.models import Answer, Question

    initial = {}
    for answer in Answer.objects.filter(question__in=questions, respondent=user).select_related("question"):
        if answer.question.kind == Question.Kind.TEXT:
            initial[f"q{answer.question_id}"] = answer.text
        elif answer.question.kind == Question.Kind.SINGLE:
            initial[f"q{answer.question_id}"] = str(answer.choices[0]) if answer.choices else ""
        else:
            initial[f"q{answer.question_id}"] = [str(i) for i in answer.choices]
    return initial


@login_required
def comment_new(request, slug):
    """The comment form on its own page (a paragraph's "Comment" link leads here); works without JS."""
    consultation = _consultation_or_404(request, slug)
    paragraphs = list(consultation.paragraphs.all())
    position = request.GET.get("p") or request.POST.get("paragraph") or None
    paragraph = selectors.paragraph_get(consultation=consultation, position=position) if position else None
    form = forms.CommentForm(request.POST or None, paragraphs=paragraphs,
                             initial={"paragraph": paragraph.position if paragraph else ""})
    if request.method == "POST" and form.is_valid():
        paragraph = selectors.paragraph_get(consultation=consultation, position=form.cleaned_data["paragraph"])
        try:
            comment = services.comment_create(
                consultation=consultation, author=request.user, body=form.cleaned_data["body"],
                category=form.cleaned_data["category"], paragraph=paragraph, language=active_language(),
                client_ip=client_ip(request), honeypot=form.cleaned_data["website"],
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("Thank you: your comment was posted."))
            return redirect(f"{consultation.get_absolute_url()}#{comment.anchor}")
    return render(request, "consultations/comment_form.html", {
        "consultation": consultation, "form": form, "paragraph": paragraph,
        "verified": services.is_verified(request.user), "breadcrumbs": _crumbs(consultation),
    })


def _comment_or_404(consultation, pk) -> Comment:
    return get_object_or_404(Comment.objects.select_related("author", "consultation"), pk=pk, consultation=consultation)


def _comment_response(request, consultation, comment):
    """htmx gets the comment's card back; everyone else goes back to the page."""
    if request.headers.get("HX-Request"):
        comment = Comment.objects.select_related("author__jurisdiction", "author__organization").get(pk=comment.pk)
        comment.supported = comment.supports.filter(user=request.user).exists()
        html = render_to_string("consultations/partials/_comment.html", {
            "comment": comment, "consultation": consultation, "reply": comment.parent_id is not None,
            **_roles(request, consultation),
        }, request=request)
        return HttpResponse(html)
    return redirect(f"{consultation.get_absolute_url()}#{comment.anchor}")


@login_required
@require_POST
def reply(request, slug, pk):
    consultation = _consultation_or_404(request, slug)
    parent = _comment_or_404(consultation, pk)
    form = forms.ReplyForm(request.POST)
    if form.is_valid():
        try:
            comment = services.comment_create(
                consultation=consultation, author=request.user, body=form.cleaned_data["body"], parent=parent,
                language=active_language(), client_ip=client_ip(request), honeypot=form.cleaned_data["website"],
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Thank you: your reply was posted."))
            return redirect(f"{consultation.get_absolute_url()}#{comment.anchor}")
    else:
        _flash(request, form)
    return redirect(f"{consultation.get_absolute_url()}#{parent.anchor}")


@login_required
@require_POST
def support(request, slug, pk):
    consultation = _consultation_or_404(request, slug)
    comment = _comment_or_404(consultation, pk)
    try:
        services.comment_support(comment=comment, user=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return _comment_response(request, consultation, comment)


@login_required
@require_POST
def flag(request, slug, pk):
    consultation = _consultation_or_404(request, slug)
    comment = _comment_or_404(consultation, pk)
    form = forms.FlagForm(request.POST)
    if form.is_valid():
        try:
            services.comment_flag(comment=comment, user=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Thank you: a moderator will review this comment."))
    return _comment_response(request, consultation, comment)


def _moderate(request, slug, pk, action, success):
    consultation = _consultation_or_404(request, slug)
    comment = _comment_or_404(consultation, pk)
    form = forms.ReasonForm(request.POST)
    if form.is_valid():
        try:
            action(comment=comment, actor=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, success)
    else:
        _flash(request, form)
    target = request.POST.get("next")
    if target == "moderation":
        return redirect("consultations:moderation", slug=consultation.slug)
    return redirect(f"{consultation.get_absolute_url()}#{comment.anchor}")


@login_required
@require_POST
def hide(request, slug, pk):
    return _moderate(request, slug, pk, services.comment_hide, _("The comment is hidden; its author was told."))


@login_required
@require_POST
def restore(request, slug, pk):
    return _moderate(request, slug, pk, services.comment_restore, _("The comment is visible again; its author was told."))


@login_required
def moderation(request, slug):
    consultation = _consultation_or_404(request, slug)
    if not services.can_moderate(user=request.user, consultation=consultation):
        raise PermissionDenied
    return render(request, "consultations/moderation.html", {
        "consultation": consultation, "queue": selectors.moderation_queue(consultation=consultation),
        "breadcrumbs": _crumbs(consultation),
    })


@login_required
@require_POST
def answers(request, slug):
    consultation = _consultation_or_404(request, slug)
    questions = selectors.questions_asked(consultation=consultation)
    form = forms.AnswersForm(request.POST, questions=questions, lang=active_language())
    if form.is_valid():
        try:
            services.answers_submit(consultation=consultation, user=request.user, answers=form.answers())
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Thank you: your answers were saved."))
    else:
        _flash(request, form)
    return redirect(f"{consultation.get_absolute_url()}#questions-h")


# --- "What we heard" and exports ---------------------------------------------------------------


def _report_or_403(request, consultation):
    manager = services.can_manage(user=request.user, consultation=consultation)
    if consultation.report_published_at is None and not manager:
        raise Http404(_("“What we heard” has not been published yet."))
    return manager


def report(request, slug):
    consultation = _consultation_or_404(request, slug)
    manager = _report_or_403(request, consultation)
    lang = active_language()
    heard = selectors.what_we_heard(consultation=consultation, lang=lang)
    if request.GET.get("format") == "csv":
        return export_response(_report_rows(heard), _REPORT_COLUMNS, "csv", f"{consultation.slug}-what-we-heard")
    paragraphs = list(consultation.paragraphs.all())
    context = {
        "consultation": consultation, "heard": heard, "manager": manager, "breadcrumbs": _crumbs(consultation),
        "response_form": forms.ThemeResponseForm(paragraphs=paragraphs) if manager else None,
    }
    return render(request, "consultations/report.html", context)


def report_pdf(request, slug):
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

    consultation = _consultation_or_404(request, slug)
    _report_or_403(request, consultation)
    heard = selectors.what_we_heard(consultation=consultation, lang=active_language())
    html = render_to_string("consultations/report_pdf.html", {"consultation": consultation, "heard": heard,
                                                              "LANG": active_language()}, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{consultation.slug}-what-we-heard-{active_language()}.pdf"'
    return response


def _report_rows(heard):
    for section in heard["sections"]:
        label = str(section["paragraph"].label) if section["paragraph"] else _("The draft as a whole")
        for _value, category, count in section["counts"]:
            yield {"part": _("Comments"), "section": label, "item": str(category), "count": count, "text": ""}
    for tally in heard["questions"]:
        question = str(tally["question"].text)
        for choice in tally.get("choices", []):
            yield {"part": _("Questions"), "section": question, "item": choice["label"], "count": choice["count"],
                   "text": ""}
        for text in tally.get("texts", []):
            yield {"part": _("Questions"), "section": question, "item": "", "count": None, "text": text}
    for response in heard["responses"]:
        yield {"part": _("Our response"), "section": str(response.paragraph.label) if response.paragraph else "",
               "item": str(response.theme), "count": None, "text": str(response.response)}


_REPORT_COLUMNS = [
    Column("part", gettext_lazy("Part"), lambda r: r["part"]),
    Column("section", gettext_lazy("Section"), lambda r: r["section"]),
    Column("item", gettext_lazy("Category, choice or theme"), lambda r: r["item"]),
    Column("count", gettext_lazy("Count"), lambda r: r["count"]),
    Column("text", gettext_lazy("Text"), lambda r: r["text"]),
]

# No names, emails, accounts or addresses: the commenter's kind only.
_COMMENT_COLUMNS = [
    Column("id", "id"),
    Column("parent", "reply_to", lambda c: c.parent_id),
    Column("paragraph", "paragraph", lambda c: c.paragraph.position if c.paragraph else None),
    Column("paragraph_label_en", "paragraph_label_en", lambda c: c.paragraph.label_en if c.paragraph else ""),
    Column("paragraph_label_fr", "paragraph_label_fr", lambda c: c.paragraph.label_fr if c.paragraph else ""),
    Column("category", "category"),
    Column("language", "language"),
    Column("commenter_kind", "commenter_kind", lambda c: c.author_kind),
    Column("body", "body"),
    Column("supports", "supports", lambda c: c.support_count),
    Column("created_at", "created_at"),
]


def comments_export(request, slug):
    consultation = _consultation_or_404(request, slug)
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "json"):
        fmt = "csv"
    return export_response(selectors.comments_for_export(consultation=consultation), _COMMENT_COLUMNS, fmt,
                           f"{consultation.slug}-comments")


@login_required
@require_POST
def response_add(request, slug):
    consultation = _consultation_or_404(request, slug)
    paragraphs = list(consultation.paragraphs.all())
    form = forms.ThemeResponseForm(request.POST, paragraphs=paragraphs)
    if form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("theme_en", "theme_fr", "response_en", "response_fr", "category")}
        paragraph = selectors.paragraph_get(consultation=consultation, position=form.cleaned_data["paragraph"])
        try:
            services.theme_response_save(consultation=consultation, actor=request.user, paragraph=paragraph, **data)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The response was saved."))
    else:
        _flash(request, form)
    return redirect("consultations:report", slug=consultation.slug)


@login_required
@require_POST
def report_publish(request, slug):
    consultation = _consultation_or_404(request, slug)
    try:
        services.report_publish(consultation=consultation, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("“What we heard” is published."))
    return redirect("consultations:report", slug=consultation.slug)


@login_required
def open_for_declaration(request, declaration_slug):
    """The declaration's secretariat opens its current text for public comment between two dates."""
    from carrefour.declarations.selectors import declaration_get

    declaration = declaration_get(user=request.user, slug=declaration_slug)
    if declaration is None:
        raise Http404(_("No such declaration."))
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
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("The consultation was created."))
            return redirect(consultation.get_absolute_url())
    return render(request, "consultations/open_form.html", {
        "form": form, "declaration": declaration,
        "breadcrumbs": [(_("Consultations"), reverse("consultations:index")),
                        (declaration.title.plain, declaration.get_absolute_url())],
    })


# --- The secretariat's questions and responses -------------------------------------------------


def _manager_or_403(request, slug) -> Consultation:
    consultation = _consultation_or_404(request, slug)
    if not services.can_manage(user=request.user, consultation=consultation):
        raise PermissionDenied
    return consultation


def _question_crumbs(consultation):
    return [*_crumbs(consultation), (_("Questions"), reverse("consultations:questions", args=[consultation.slug]))]


@login_required
def questions(request, slug):
    """The secretariat's list of questions: add, edit, retire (until the consultation closes)."""
    consultation = _manager_or_403(request, slug)
    return render(request, "consultations/questions.html", {
        "consultation": consultation, "questions": selectors.questions_for_secretariat(consultation=consultation),
        "retire_form": forms.RetireForm(), "breadcrumbs": _crumbs(consultation),
    })


@login_required
def question_edit(request, slug, pk=None):
    consultation = _manager_or_403(request, slug)
    question = None
    if pk is not None:
        question = get_object_or_404(consultation.questions, pk=pk, deleted_at__isnull=True)
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
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("The question was added.") if question is None else _("The question was saved."))
            return redirect("consultations:questions", slug=consultation.slug)
    return render(request, "consultations/question_form.html", {
        "consultation": consultation, "form": form, "question": question,
        "answered": question is not None and question.answers.exists(),
        "heading": _("Add a question") if question is None else _("Edit the question"),
        "breadcrumbs": _question_crumbs(consultation),
    })


@login_required
@require_POST
def question_retire(request, slug, pk):
    consultation = _manager_or_403(request, slug)
    question = get_object_or_404(consultation.questions, pk=pk)
    form = forms.RetireForm(request.POST)
    if form.is_valid():
        try:
            services.question_retire(question=question, actor=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The question was retired. The answers already given are kept and still counted in “What we heard”."))
    else:
        _flash(request, form)
    return redirect("consultations:questions", slug=consultation.slug)


@login_required
@require_POST
def question_move(request, slug, pk):
    consultation = _manager_or_403(request, slug)
    question = get_object_or_404(consultation.questions, pk=pk)
    try:
        services.question_move(question=question, actor=request.user, direction=request.POST.get("direction", ""))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The question was moved. People now see the questions in this order."))
    return redirect(reverse("consultations:questions", kwargs={"slug": consultation.slug}) + f"#question-{question.pk}")


def _response_or_404(consultation, pk) -> ThemeResponse:
    return get_object_or_404(ThemeResponse.objects.select_related("paragraph"), pk=pk, consultation=consultation,
                             deleted_at__isnull=True)


@login_required
def response_edit(request, slug, pk):
    consultation = _manager_or_403(request, slug)
    response = _response_or_404(consultation, pk)
    paragraphs = list(consultation.paragraphs.all())
    form = forms.ThemeResponseForm(request.POST or None, instance=response, paragraphs=paragraphs,
                                   initial={"paragraph": response.paragraph.position if response.paragraph else ""})
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("theme_en", "theme_fr", "response_en", "response_fr", "category")}
        paragraph = selectors.paragraph_get(consultation=consultation, position=form.cleaned_data["paragraph"])
        try:
            # The model form wrote the new values onto `response`; the service compares with the stored ones.
            stored = ThemeResponse.objects.get(pk=response.pk)
            services.theme_response_save(consultation=consultation, actor=request.user, paragraph=paragraph,
                                         response=stored, **data)
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("The response was saved."))
            return redirect(reverse("consultations:report", args=[consultation.slug]) + f"#response-{response.pk}")
    return render(request, "consultations/response_form.html", {
        "consultation": consultation, "form": form, "response": response,
        "breadcrumbs": [*_crumbs(consultation), (_("What we heard"), reverse("consultations:report", args=[consultation.slug]))],
    })


@login_required
@require_POST
def response_withdraw(request, slug, pk):
    consultation = _manager_or_403(request, slug)
    response = _response_or_404(consultation, pk)
    form = forms.RetireForm(request.POST)
    if form.is_valid():
        try:
            services.theme_response_withdraw(response=response, actor=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The response was withdrawn from “What we heard”; it is kept in the change history."))
    else:
        _flash(request, form)
    return redirect(reverse("consultations:report", args=[consultation.slug]) + "#respond-h")
