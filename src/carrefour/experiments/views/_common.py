"""What every experiment page shares: breadcrumbs and the one refusal rule."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from carrefour.core.visibility import get_visible_or_404, require_edit
from carrefour.experiments import selectors
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
