"""The moderators' queue, and hiding or restoring a comment with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carrefour.consultations import forms, selectors, services
from carrefour.consultations.views.common import comment_or_404, consultation_or_404, crumbs, flash
from carrefour.core.exceptions import ApplicationError


def _moderate(request, slug, pk, action, success):
    consultation = consultation_or_404(request, slug)
    comment = comment_or_404(request, consultation, pk)
    form = forms.ReasonForm(request.POST)
    if form.is_valid():
        try:
            action(comment=comment, actor=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, success)
    else:
        flash(request, form)
    if request.POST.get("next") == "moderation":
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
@require_POST
def flag_dismiss(request, slug, pk):
    consultation = consultation_or_404(request, slug)
    if not services.can_moderate(user=request.user, consultation=consultation):
        raise PermissionDenied
    flag = selectors.flag_get(consultation=consultation, pk=pk)
    if flag is None:
        raise Http404
    try:
        services.flag_dismiss(flag=flag, actor=request.user, reason=request.POST.get("reason", ""))
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The flag was dismissed; the comment stays as it is."))
    return redirect(reverse("consultations:moderation", args=[consultation.slug]) + f"#q-{flag.comment_id}")


@login_required
def moderation(request, slug):
    consultation = consultation_or_404(request, slug)
    if not services.can_moderate(user=request.user, consultation=consultation):
        raise PermissionDenied
    return render(request, "consultations/moderation.html", {
        "consultation": consultation, "queue": selectors.moderation_queue(consultation=consultation),
        "breadcrumbs": crumbs(consultation),
    })
