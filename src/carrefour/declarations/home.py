"""The declarations' section of the home page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from carrefour.declarations import selectors
from carrefour.declarations.models import Declaration


def home_section(*, user: Any) -> dict[str, Any]:
    declarations = selectors.declaration_list(user=user)
    return {
        "title": gettext("Declarations"),
        "text": gettext("Joint declarations from drafting to endorsement, and the work done for each commitment."),
        "url": reverse("declarations:index"),
        "stats": [
            (gettext("Adopted"), declarations.filter(status=Declaration.Status.ADOPTED).count()),
            (gettext("In preparation"), declarations.exclude(
                status__in=[Declaration.Status.ADOPTED, Declaration.Status.RETIRED]).count()),
        ],
    }
