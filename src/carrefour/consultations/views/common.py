"""What the consultation pages share: finding the consultation, breadcrumbs, roles, messages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from carrefour.consultations import selectors, services
from carrefour.consultations.models import Comment, Consultation
from carrefour.core.visibility import get_visible_or_404


def consultation_or_404(request, slug) -> Consultation:
    """The consultation, if this person may see it (404 otherwise, as for one that does not exist)."""
    return get_visible_or_404(selectors.consultations_all(), request.user, slug=slug)


def manager_or_403(request, slug) -> Consultation:
    """The consultation for its secretariat: 404 if unseen, 403 if seen but not theirs to manage."""
    consultation = consultation_or_404(request, slug)
    if not services.can_manage(user=request.user, consultation=consultation):
        raise PermissionDenied
    return consultation


def comment_or_404(request, consultation, pk) -> Comment:
    """A comment this person may see (moderators see hidden ones too)."""
    moderator = services.can_moderate(user=request.user, consultation=consultation)
    comment = selectors.comment_get(consultation=consultation, pk=pk, user=request.user, moderator=moderator)
    if comment is None:
        raise Http404
    return comment


def crumbs(consultation=None) -> list[tuple[Any, str]]:
    trail = [(_("Consultations"), reverse("consultations:index"))]
    if consultation is not None:
        trail.append((consultation.title.plain, consultation.get_absolute_url()))
    return trail


def flash(request, form) -> None:
    """Show a form's errors as messages (for forms posted from a page that redirects back)."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def roles(request, consultation) -> dict[str, bool]:
    return {
        "moderator": services.can_moderate(user=request.user, consultation=consultation),
        "manager": services.can_manage(user=request.user, consultation=consultation),
        "verified": services.is_verified(request.user),
    }
