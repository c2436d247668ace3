"""The consultations' section of the home page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from carrefour.consultations import selectors


def home_section(*, user: Any) -> dict[str, Any]:
    consultations = selectors.consultation_list(user=user)
    now = timezone.now()
    return {
        "title": gettext("Consultations"),
        "text": gettext("Comment on drafts paragraph by paragraph, and read what was heard."),
        "url": reverse("consultations:index"),
        "stats": [
            (gettext("Open now"), consultations.filter(opens_at__lte=now, closes_at__gt=now).count()),
            (gettext("Closed"), consultations.filter(closes_at__lte=now).count()),
        ],
    }
