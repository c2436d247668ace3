"""Home, what's new, search, record history, problem reports and their triage."""

from __future__ import annotations

import datetime
import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carrefour.core import search as site_search
from carrefour.core.exceptions import ApplicationError
from carrefour.core.forms import SearchForm, WhatsNewForm
from carrefour.core.models import ProblemReport
from carrefour.core.news import SOURCES, news
from carrefour.core.ratelimit import client_ip
from carrefour.core.selectors import (
    audit_history,
    describe_changes,
    history_subject_get,
    problem_report_get,
    problem_report_list,
)
from carrefour.core.services import problem_report_create, problem_report_set_status
from carrefour.core.visibility import is_platform_admin


def home(request):
    from carrefour.core.home import home_sections

    return render(request, "core/home.html", {"sections": home_sections(user=request.user)})


WHATS_NEW_LIMIT = 100


def whats_new(request):
    """Everything new since a date that this reader may see, from every part of Carrefour."""
    kinds = [(key, label) for key, (label, _fn) in sorted(SOURCES.items(), key=lambda kv: str(kv[1][0]))]
    default = timezone.localdate() - datetime.timedelta(days=90)
    form = WhatsNewForm(request.GET or None, kinds=kinds)
    since, kind = default, ""
    if form.is_bound and form.is_valid():
        since, kind = form.cleaned_data["since"], form.cleaned_data["kind"]
    elif not form.is_bound:
        form = WhatsNewForm(initial={"since": default}, kinds=kinds)
    items = news(user=request.user, since=since, kinds=[kind] if kind else (), limit=WHATS_NEW_LIMIT + 1)
    return render(request, "core/whats_new.html", {
        "form": form, "since": since, "items": items[:WHATS_NEW_LIMIT], "more": len(items) > WHATS_NEW_LIMIT,
        "limit": WHATS_NEW_LIMIT,
    })


def search(request):
    """One search box for every part of Carrefour, through each part's visibility selector."""
    kinds = [(key, label) for key, (label, _fn) in site_search.SEARCH_SOURCES.items()]
    form = SearchForm(request.GET, kinds=kinds)
    query, kind = "", ""
    if form.is_valid():
        query, kind = " ".join(form.cleaned_data["q"].split()), form.cleaned_data["kind"]
    results = site_search.search(user=request.user, query=query, kinds=[kind] if kind else ())
    sections = [
        {"key": key, "label": site_search.SEARCH_SOURCES[key][0], "hits": hits[: site_search.PER_SOURCE],
         "more": len(hits) > site_search.PER_SOURCE}
        for key, hits in results.items() if hits
    ]
    return render(request, "core/search.html", {
        "form": form, "query": query, "sections": sections, "total": sum(len(s["hits"]) for s in sections),
        "too_short": bool(query) and not results, "per_source": site_search.PER_SOURCE,
    })


def history(request, ct_id: int, pk: str):
    """The change history of any content record, for the people who may edit it."""
    obj = history_subject_get(user=request.user, ct_id=ct_id, pk=pk)
    model = type(obj)
    entries = Paginator(audit_history(instance=obj), 50).get_page(request.GET.get("page"))
    rows = [{"entry": e, "changes": describe_changes(e, model)} for e in entries]
    return render(
        request,
        "core/history.html",
        {"object": obj, "rows": rows, "page_obj": entries, "model_name": model._meta.verbose_name},
    )


def _safe_back(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return "/"


@require_POST
def report_problem(request):
    back = _safe_back(request, request.POST.get("page_url", ""))
    if request.POST.get("website"):  # honeypot: people never see this field
        messages.success(request, _("Thank you for your help! You will not receive a reply."))
        return HttpResponseRedirect(back)
    try:
        problem_report_create(
            page_url=back,
            page_title=request.POST.get("page_title", ""),
            language=request.LANGUAGE_CODE,
            kinds=request.POST.getlist("kinds"),
            details=request.POST.get("details", ""),
            reporter=request.user,
            client_key=client_ip(request),
        )
    except ApplicationError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(back)
    messages.success(request, _("Thank you for your help! You will not receive a reply."))
    return HttpResponseRedirect(back)


def problem_triage(request):
    if not (request.user.is_authenticated and (request.user.is_staff or is_platform_admin(request.user))):
        raise PermissionDenied
    if request.method == "POST":
        report = problem_report_get(pk=request.POST.get("report"))
        try:
            problem_report_set_status(report=report, status=request.POST.get("status", ""), actor=request.user)
            messages.success(request, _("Status updated."))
        except ApplicationError as exc:
            messages.error(request, str(exc))
        return HttpResponseRedirect(request.get_full_path())
    status = request.GET.get("status") or None
    if status not in ProblemReport.Status.values:
        status = None
    page = Paginator(problem_report_list(status=status), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "core/problem_triage.html",
        {"page_obj": page, "status": status, "statuses": ProblemReport.Status.choices},
    )


def footer_links() -> str:
    return json.dumps({})


def csrf_failure(request, reason: str = ""):
    """A form came back without a valid security token: explain it in the page's language."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)


# The date the privacy notice, terms of use and accessibility statement were last revised:
# change it with their text.
TRUST_PAGES_REVISED = datetime.date(2026, 12, 2)


def _trust_page(request, template: str):
    return render(request, template, {"contact_email": settings.CONTACT_EMAIL, "revised": TRUST_PAGES_REVISED})


def privacy(request):
    """The privacy notice: what Carrefour collects, why, for how long, and the reader's rights."""
    return _trust_page(request, "core/privacy.html")


def terms(request):
    """The terms of use: acceptable use, moderation, the licence of contributions, no warranty."""
    return _trust_page(request, "core/terms.html")


def accessibility(request):
    """The accessibility statement: the standard aimed at, how it is tested, limits, how to report a barrier."""
    return _trust_page(request, "core/accessibility.html")
