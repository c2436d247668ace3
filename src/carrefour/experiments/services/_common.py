"""What every part of the experiment services shares: the team-only rule."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from carrefour.core.exceptions import ApplicationError
from carrefour.core.visibility import can_edit
from carrefour.experiments.models import Experiment


def _require_editor(actor: Any, experiment: Experiment) -> None:
    if not can_edit(actor, experiment):
        raise ApplicationError(_("Only the experiment's team can do this."))
