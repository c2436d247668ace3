"""The portfolio's section of the home page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from carrefour.portfolio import selectors
from carrefour.portfolio.models import Status


def home_section(*, user: Any) -> dict[str, Any]:
    # The portfolio page's own counts (cached until an initiative changes), not two more scans.
    counts = selectors.initiative_counts(user=user)
    by_status = counts["by_status"]
    return {
        "title": gettext("Innovation portfolio"),
        "text": gettext("Collaboration tables, their priorities and initiatives, key achievements and progress reports."),
        "url": reverse("portfolio:index"),
        "stats": [
            (gettext("Initiatives"), counts["count"]),
            (gettext("At risk or blocked"), by_status[Status.AT_RISK] + by_status[Status.BLOCKED]),
        ],
    }
