"""Posting comments and replies, and a "+1" or a flag on a comment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carrefour.consultations import forms, selectors, services
from carrefour.consultations.views.common import (
    comment_or_404,
    consultation_or_404,
    crumbs,
    flash,
    roles,
)
from carrefour.core.exceptions import ApplicationError
from carrefour.core.forms import add_application_error
from carrefour.core.i18n import active_language
from carrefour.core.ratelimit import client_ip


@login_required
def comment_new(request, slug):
    """The comment form on its own page (a paragraph's "Comment" link leads here); works without JS."""
    consultation = consultation_or_404(request, slug)
    paragraphs = selectors.paragraphs_of(consultation=consultation)
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
            add_application_error(form, exc)
        else:
            messages.success(request, _("Thank you: your comment was posted."))
            return redirect(f"{consultation.get_absolute_url()}#{comment.anchor}")
    return render(request, "consultations/comment_form.html", {
        "consultation": consultation, "form": form, "paragraph": paragraph,
        "verified": services.is_verified(request.user), "breadcrumbs": crumbs(consultation),
    })


def comment_response(request, consultation, comment, *, notice=None, error=None):
    """htmx gets the comment's card back, saying what happened; everyone else goes back to the page and its message."""
    if request.headers.get("HX-Request"):
        card = selectors.comment_card(comment=comment, user=request.user)
        html = render_to_string("consultations/partials/_comment.html", {
            "comment": card, "consultation": consultation, "reply": card.parent_id is not None,
            "notice": notice, "error": error, **roles(request, consultation),
        }, request=request)
        return HttpResponse(html)
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect(f"{consultation.get_absolute_url()}#{comment.anchor}")


@login_required
@require_POST
def reply(request, slug, pk):
    consultation = consultation_or_404(request, slug)
    parent = comment_or_404(request, consultation, pk)
    form = forms.ReplyForm(request.POST)
    if form.is_valid():
        try:
            comment = services.comment_create(
                consultation=consultation, author=request.user, body=form.cleaned_data["body"], parent=parent,
                language=active_language(), client_ip=client_ip(request), honeypot=form.cleaned_data["website"],
            )
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Thank you: your reply was posted."))
            return redirect(f"{consultation.get_absolute_url()}#{comment.anchor}")
    else:
        flash(request, form)
    return redirect(f"{consultation.get_absolute_url()}#{parent.anchor}")


def _comment_action(request, slug, pk, action, notice):
    consultation = consultation_or_404(request, slug)
    comment = comment_or_404(request, consultation, pk)
    try:
        action(comment)
    except ApplicationError as exc:
        return comment_response(request, consultation, comment, error=str(exc))
    return comment_response(request, consultation, comment, notice=notice)


@login_required
@require_POST
def support(request, slug, pk):
    return _comment_action(request, slug, pk, lambda c: services.comment_support(comment=c, user=request.user),
                           _("Thank you: your support was counted."))


@login_required
@require_POST
def unsupport(request, slug, pk):
    return _comment_action(request, slug, pk,
                           lambda c: services.comment_support_withdraw(comment=c, user=request.user),
                           _("Your support was withdrawn."))


@login_required
@require_POST
def flag(request, slug, pk):
    form = forms.FlagForm(request.POST)
    # Too long a reason is cut by the service rather than lose the flag.
    reason = form.cleaned_data["reason"] if form.is_valid() else request.POST.get("reason", "")
    return _comment_action(request, slug, pk,
                           lambda c: services.comment_flag(comment=c, user=request.user, reason=reason),
                           _("Thank you: you flagged this comment, and a moderator will review it."))
