"""The portfolio's section of the home page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from carrefour.portfolio import selectors
from carrefour.portfolio.models import Status


def home_section(*, user: Any) -> dict[str, Any]:
    initiatives = selectors.initiative_list(user=user)
    return {
        "title": gettext("Innovation portfolio"),
        "text": gettext("Collaboration tables, their priorities and initiatives, key achievements and progress reports."),
        "url": reverse("portfolio:index"),
        "stats": [
            (gettext("Initiatives"), initiatives.count()),
            (gettext("At risk or blocked"), initiatives.filter(status__in=[Status.AT_RISK, Status.BLOCKED]).count()),
        ],
    }
