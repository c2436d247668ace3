"""The experiments' sections of the home page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from carrefour.experiments.selectors import evidence_group_count, home_stats


def experiments_section(*, user: Any) -> dict[str, Any]:
    counts = home_stats(user=user)
    return {
        "title": gettext("Experiments"),
        "text": gettext("Plans registered before they start, randomization, analysis and published results — null and negative results included."),
        "url": reverse("experiments:index"),
        "stats": [(gettext("Experiments"), counts["experiments"]), (gettext("Published results"), counts["published"])],
    }


def evidence_section(*, user: Any) -> dict[str, Any]:
    return {
        "title": gettext("What works"),
        "text": gettext("Published experiments grouped by intervention and outcome, pooled across jurisdictions."),
        "url": reverse("experiments:what_works"),
        "stats": [(gettext("Evidence groups"), evidence_group_count(user=user))],
    }
