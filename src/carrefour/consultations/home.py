"""The consultations' section of the home page."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from carrefour.consultations.models import Consultation
from carrefour.core.visibility import visible_to


def home_section(*, user: Any) -> dict[str, Any]:
    # Both figures in one aggregate query over the consultations `user` sees (no comment counts).
    now = timezone.now()
    counts = visible_to(Consultation.objects.all(), user).aggregate(
        open=Count("pk", filter=Q(opens_at__lte=now, closes_at__gt=now)),
        closed=Count("pk", filter=Q(closes_at__lte=now)),
    )
    return {
        "title": gettext("Consultations"),
        "text": gettext("Comment on drafts paragraph by paragraph, and read what was heard."),
        "url": reverse("consultations:index"),
        "stats": [
            (gettext("Open now"), counts["open"]),
            (gettext("Closed"), counts["closed"]),
        ],
    }
