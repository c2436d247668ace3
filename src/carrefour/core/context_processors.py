"""Values every page needs: the same page in the other language, the report-a-problem form."""

from __future__ import annotations

import json

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from carrefour.core.i18n import active_language, other_language
from carrefour.core.models import ProblemReport


def same_page_in(request, lang: str) -> str:
    """The current address with its language prefix swapped (query string kept)."""
    path = request.path
    current = active_language()
    prefix = f"/{current}/"
    if path.startswith(prefix):
        path = f"/{lang}/" + path[len(prefix) :]
    elif path == f"/{current}":
        path = f"/{lang}/"
    else:
        path = f"/{lang}/"
    query = request.META.get("QUERY_STRING", "")
    return path + (f"?{query}" if query else "")


def trust_links() -> list[tuple[str, str]]:
    """Carrefour's own privacy notice, terms of use and accessibility statement, for every page's footer."""
    return [
        (str(_("Privacy")), reverse("core:privacy")),
        (str(_("Terms of use")), reverse("core:terms")),
        (str(_("Accessibility")), reverse("core:accessibility")),
    ]


def site(request) -> dict:
    lang = active_language()
    other = other_language(lang)
    trust = trust_links()
    return {
        "LANG": lang,
        "OTHER_LANG": other,
        "lang_href": same_page_in(request, other),
        "problem_kinds": ProblemReport.Kind.choices,
        "SITE_URL": settings.SITE_URL,
        "footer_links_json": json.dumps(
            {
                # gcds-footer shows three contextual links; the directory is in the header's menu.
                str(_("What's new")): reverse("core:whats_new"),
                str(_("Open data")): reverse("opendata:index"),
                str(_("API")): "/api/docs",
            },
            ensure_ascii=False,
        ),
        # The sub-footer names Carrefour's own notices, not Canada.ca's, which govern another site.
        "trust_links": trust,
        "footer_sub_links_json": json.dumps(dict(trust), ensure_ascii=False),
    }
