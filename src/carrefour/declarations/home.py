"""The declarations' section of the home page."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext, pgettext

from carrefour.core.visibility import visible_to
from carrefour.declarations.models import Declaration


def home_section(*, user: Any) -> dict[str, Any]:
    # Both figures in one aggregate query over the declarations `user` sees (the list's
    # commitment and endorsement counts are not needed here, so not joined).
    done = [Declaration.Status.ADOPTED, Declaration.Status.RETIRED]
    counts = visible_to(Declaration.objects.all(), user).aggregate(
        adopted=Count("pk", filter=Q(status=Declaration.Status.ADOPTED)),
        preparing=Count("pk", filter=~Q(status__in=done)),
    )
    return {
        "title": gettext("Declarations"),
        "text": gettext("Joint declarations from drafting to endorsement, and the work done for each commitment."),
        "url": reverse("declarations:index"),
        "stats": [
            (pgettext("count of declarations", "Adopted"), counts["adopted"]),
            (gettext("In preparation"), counts["preparing"]),
        ],
    }
