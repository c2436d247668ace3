"""What every experiment page shares: breadcrumbs and the one refusal rule."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from carrefour.core.visibility import get_visible_or_404, require_edit
from carrefour.experiments import selectors, services
from carrefour.experiments.models import Experiment


def _crumbs(*extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [(_("Experiments"), reverse("experiments:index")), *extra]


def _get(request, pk: int) -> Experiment:
    """The experiment if this person may see it, else 404."""
    return get_visible_or_404(selectors.experiment_detail_qs(user=request.user), request.user, pk=pk)


def _get_editable(request, pk: int) -> Experiment:
    """The experiment if this person may change it: 404 if they may not see it, 403 if not change it."""
    experiment = _get(request, pk)
    require_edit(request.user, experiment)
    return experiment


def upload_form(request, form_class):
    """The upload form of a request and whether it may be used: bound on POST, refused when the
    streamed body passed UPLOAD_MAX_BYTES (the message on the file field)."""
    if request.method != "POST":
        return form_class(), False
    form = form_class(request.POST, request.FILES)
    if getattr(request, "upload_too_large", False):
        form.add_error("file", services._limit_message(int(settings.UPLOAD_MAX_BYTES)))
        return form, False
    return form, form.is_valid()
