"""Progress reports of a table for a date range: on the page, in PDF and CSV, or prepared in the background."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carrefour.core.exceptions import ApplicationError
from carrefour.core.exports import export_response
from carrefour.core.i18n import active_language
from carrefour.core.visibility import can_view
from carrefour.portfolio import reports, selectors, services
from carrefour.portfolio.forms import ReportForm
from carrefour.portfolio.models import ProgressReport, Table
from carrefour.portfolio.permissions import can_edit_table
from carrefour.portfolio.views._common import crumbs, visible_table


def _report_response(data: dict, fmt: str, *, table: Table):
    lang = active_language()
    name = f"{table.slug}-progress-{data['start']}-{data['end']}-{lang}"
    if fmt == "pdf":
        response = HttpResponse(reports.render_pdf(data, lang), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    if fmt == "csv":
        return export_response(reports.report_rows(data, lang), reports.report_columns(), "csv", name)
    return None


def report(request, slug: str):
    table = visible_table(request, slug)
    form = ReportForm(request.GET or None)
    context = {"table": table, "form": form, "breadcrumbs": crumbs((table.name, table.get_absolute_url()))}
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        size = reports.report_size(table=table, user=request.user)
        query = f"start={start.isoformat()}&end={end.isoformat()}"
        context.update({"start": start, "end": end, "query": query, "size": size})
        if size > reports.SYNC_LIMIT:
            context["too_large"] = True
            return render(request, "portfolio/report.html", context)
        data = reports.build_report(table=table, start=start, end=end, user=request.user)
        response = _report_response(data, request.GET.get("format", ""), table=table)
        if response is not None:
            return response
        context["report"] = reports.localize(data, active_language())
    return render(request, "portfolio/report.html", context)


@require_POST
def report_request(request, slug: str):
    table = visible_table(request, slug)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid date range."))
        return HttpResponseRedirect(reverse("portfolio:report", kwargs={"slug": slug}))
    try:
        job = services.report_request(table=table, actor=request.user, start=form.cleaned_data["start"],
                                      end=form.cleaned_data["end"])
    except ApplicationError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(reverse("portfolio:report", kwargs={"slug": slug}))
    return HttpResponseRedirect(job.get_absolute_url())


def _visible_job(request, pk: int) -> ProgressReport:
    """A queued report is seen by whoever asked for it and the table's editors; others get 404."""
    job = selectors.progress_report_get(pk=pk)
    if job is None or not can_view(request.user, job.table):
        raise Http404
    mine = job.requested_by_id is not None and job.requested_by_id == getattr(request.user, "pk", None)
    if job.requested_by_id is not None and not mine and not can_edit_table(request.user, job.table):
        raise Http404
    return job


def report_job(request, pk: int):
    job = _visible_job(request, pk)
    stored = getattr(job, f"pdf_{active_language()}")
    if job.state == ProgressReport.State.DONE and request.GET.get("format") == "pdf" and stored:
        return FileResponse(stored.open("rb"), as_attachment=True, filename=stored.name.rsplit("/", 1)[-1],
                            content_type="application/pdf")
    if job.state == ProgressReport.State.DONE:
        response = _report_response(job.data, request.GET.get("format", ""), table=job.table)
        if response is not None:
            return response
    context = {"job": job, "table": job.table,
               "breadcrumbs": crumbs((job.table.name, job.table.get_absolute_url()))}
    if job.state == ProgressReport.State.DONE:
        context["report"] = reports.localize(job.data, active_language())
    return render(request, "portfolio/report_job.html", context)


def report_job_status(request, pk: int):
    job = _visible_job(request, pk)
    response = render(request, "portfolio/_job_status.html", {"job": job})
    if job.state in (ProgressReport.State.DONE, ProgressReport.State.FAILED) and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response
