"""“What we heard” (page, PDF, CSV), the comments' open-data export, and the secretariat's responses."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from carrefour.consultations import forms, selectors, services
from carrefour.consultations.views.common import consultation_or_404, crumbs, flash, manager_or_403
from carrefour.core.exceptions import ApplicationError
from carrefour.core.exports import Column, export_response
from carrefour.core.forms import add_application_error
from carrefour.core.i18n import active_language

RESPONSE_FIELDS = ("theme_en", "theme_fr", "response_en", "response_fr", "category")


def _report_or_404(request, consultation) -> bool:
    """Whether this person manages the consultation; 404 if the report is unpublished and they do not."""
    manager = services.can_manage(user=request.user, consultation=consultation)
    if consultation.report_published_at is None and not manager:
        raise Http404(_("“What we heard” has not been published yet."))
    return manager


def _response_or_404(consultation, pk):
    response = selectors.theme_response_get(consultation=consultation, pk=pk)
    if response is None:
        raise Http404
    return response


def report(request, slug):
    consultation = consultation_or_404(request, slug)
    manager = _report_or_404(request, consultation)
    heard = selectors.what_we_heard(consultation=consultation, lang=active_language())
    if request.GET.get("format") == "csv":
        return export_response(_report_rows(heard), _REPORT_COLUMNS, "csv", f"{consultation.slug}-what-we-heard")
    context = {
        "consultation": consultation, "heard": heard, "manager": manager, "breadcrumbs": crumbs(consultation),
        "response_form": forms.ThemeResponseForm(paragraphs=heard["paragraphs"]) if manager else None,
    }
    return render(request, "consultations/report.html", context)


def report_pdf(request, slug):
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

    consultation = consultation_or_404(request, slug)
    _report_or_404(request, consultation)
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
    consultation = consultation_or_404(request, slug)
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "json"):
        fmt = "csv"
    return export_response(selectors.comments_for_export(consultation=consultation), _COMMENT_COLUMNS, fmt,
                           f"{consultation.slug}-comments")


@login_required
@require_POST
def response_add(request, slug):
    consultation = consultation_or_404(request, slug)
    form = forms.ThemeResponseForm(request.POST, paragraphs=selectors.paragraphs_of(consultation=consultation))
    if form.is_valid():
        data = {k: form.cleaned_data[k] for k in RESPONSE_FIELDS}
        paragraph = selectors.paragraph_get(consultation=consultation, position=form.cleaned_data["paragraph"])
        try:
            services.theme_response_save(consultation=consultation, actor=request.user, paragraph=paragraph, **data)
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The response was saved."))
    else:
        flash(request, form)
    return redirect("consultations:report", slug=consultation.slug)


@login_required
@require_POST
def report_publish(request, slug):
    consultation = consultation_or_404(request, slug)
    try:
        services.report_publish(consultation=consultation, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("“What we heard” is published."))
    return redirect("consultations:report", slug=consultation.slug)


@login_required
def response_edit(request, slug, pk):
    consultation = manager_or_403(request, slug)
    response = _response_or_404(consultation, pk)
    form = forms.ThemeResponseForm(request.POST or None, instance=response,
                                   paragraphs=selectors.paragraphs_of(consultation=consultation),
                                   initial={"paragraph": response.paragraph.position if response.paragraph else ""})
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in RESPONSE_FIELDS}
        paragraph = selectors.paragraph_get(consultation=consultation, position=form.cleaned_data["paragraph"])
        try:
            # The model form wrote the new values onto `response`; the service compares with the stored ones.
            stored = _response_or_404(consultation, pk)
            services.theme_response_save(consultation=consultation, actor=request.user, paragraph=paragraph,
                                         response=stored, **data)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("The response was saved."))
            return redirect(reverse("consultations:report", args=[consultation.slug]) + f"#response-{response.pk}")
    return render(request, "consultations/response_form.html", {
        "consultation": consultation, "form": form, "response": response,
        "breadcrumbs": [*crumbs(consultation), (_("What we heard"), reverse("consultations:report", args=[consultation.slug]))],
    })


@login_required
@require_POST
def response_withdraw(request, slug, pk):
    consultation = manager_or_403(request, slug)
    response = _response_or_404(consultation, pk)
    form = forms.RetireForm(request.POST)
    if form.is_valid():
        try:
            services.theme_response_withdraw(response=response, actor=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The response was withdrawn from “What we heard”; it is kept in the change history."))
    else:
        flash(request, form)
    return redirect(reverse("consultations:report", args=[consultation.slug]) + "#respond-h")
