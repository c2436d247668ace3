"""Outcome data (a file or a table), analyses and their progress."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from carrefour.core.exceptions import ApplicationError
from carrefour.core.forms import add_application_error
from carrefour.experiments import forms, selectors, services
from carrefour.experiments.models import Analysis, Experiment
from carrefour.experiments.uploads import use_streaming_upload
from carrefour.experiments.views._common import _crumbs, _get_editable, upload_form
from carrefour.experiments.views.results import _results_context


@csrf_exempt
@login_required
def data(request, pk: int):
    use_streaming_upload(request)
    return _data(request, pk)


@csrf_protect
def _data(request, pk: int):
    experiment = _get_editable(request, pk)
    form, usable = upload_form(request, forms.DataForm)
    if usable:
        try:
            dataset = services.dataset_upload(
                experiment=experiment, actor=request.user, file=form.cleaned_data["file"], analyse=True
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            return _uploaded(request, experiment, dataset)
    return _data_page(request, experiment, form=form)


def _uploaded(request, experiment: Experiment, dataset):
    """Where an upload leads: its analysis if the checks already ran (a worker was free), else its checks."""
    dataset = selectors.dataset_get(experiment=experiment, pk=dataset.pk)
    analysis = selectors.dataset_latest_analysis(dataset=dataset)
    if analysis is not None:
        messages.success(request, _("The file passed its checks and its analysis is queued."))
        return HttpResponseRedirect(analysis_url(analysis))
    if dataset.is_checking:
        messages.success(
            request, _("The file was stored and is being checked against the plan; its analysis starts once the checks pass.")
        )
    return HttpResponseRedirect(reverse("experiments:data", kwargs={"pk": experiment.pk}) + f"#dataset-{dataset.pk}")


@login_required
def dataset_status(request, pk: int, did: int):
    """A file's checks, polled by htmx while they run; once done, on to its analysis (or the page again)."""
    experiment = _get_editable(request, pk)
    dataset = selectors.dataset_get(experiment=experiment, pk=did)
    if dataset is None:
        raise Http404
    # A check whose worker stopped would otherwise show "Being checked" for ever.
    dataset = services.dataset_expire_if_stale(dataset=dataset)
    response = render(request, "experiments/partials/_dataset_status.html", {"experiment": experiment, "d": dataset})
    if not dataset.is_checking and request.headers.get("HX-Request"):
        analysis = selectors.dataset_latest_analysis(dataset=dataset)
        if analysis is not None:
            response["HX-Redirect"] = analysis_url(analysis)
        else:
            response["HX-Refresh"] = "true"
    return response


@login_required
def data_table(request, pk: int):
    """Analyse a table of a configured database instead of uploading a file."""
    experiment = _get_editable(request, pk)
    databases = selectors.analysis_database_names()
    if not databases:
        raise Http404
    if request.method != "POST":
        return HttpResponseRedirect(reverse("experiments:data", kwargs={"pk": pk}) + "#table")
    table_form = forms.TableForm(request.POST, databases=databases)
    if table_form.is_valid():
        try:
            analysis = services.analysis_request_from_table(
                experiment=experiment, actor=request.user, database=table_form.cleaned_data["database"],
                table=table_form.cleaned_data["table"],
            )
        except ApplicationError as exc:
            add_application_error(table_form, exc)
        else:
            messages.success(request, _("The table was checked and its analysis is queued."))
            return HttpResponseRedirect(analysis_url(analysis))
    return _data_page(request, experiment, table_form=table_form)


def _data_page(request, experiment: Experiment, *, form=None, table_form=None):
    services.datasets_expire_stale(experiment=experiment)
    datasets = list(selectors.dataset_list(experiment=experiment)[:20])
    databases = selectors.analysis_database_names()
    if table_form is None and databases:
        table_form = forms.TableForm(databases=databases)
    return render(
        request,
        "experiments/data.html",
        {
            "experiment": experiment,
            "form": form or forms.DataForm(),
            "table_form": table_form,
            "planned_columns": services.planned_columns(experiment),
            "datasets": datasets,
            "checking": any(d.is_checking for d in datasets),
            "analyses": selectors.analysis_list(experiment=experiment)[:20],
            "max_mb": int(settings.UPLOAD_MAX_BYTES) // (1024 * 1024),
            "breadcrumbs": _crumbs((str(experiment.title), experiment.get_absolute_url())),
        },
    )


def analysis_url(analysis: Analysis) -> str:
    return reverse("experiments:analysis", kwargs={"pk": analysis.experiment_id, "aid": analysis.pk})


@require_POST
@login_required
def analysis_start(request, pk: int):
    experiment = _get_editable(request, pk)
    dataset = selectors.dataset_get(experiment=experiment, pk=request.POST.get("dataset") or 0)
    if dataset is None:
        raise Http404
    try:
        analysis = services.analysis_request(experiment=experiment, actor=request.user, dataset=dataset)
    except ApplicationError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(reverse("experiments:data", kwargs={"pk": pk}))
    messages.success(request, _("The analysis is queued."))
    return HttpResponseRedirect(analysis_url(analysis))


def _analysis(request, pk: int, aid: int) -> tuple[Experiment, Analysis]:
    experiment = _get_editable(request, pk)
    analysis = selectors.analysis_get(experiment=experiment, pk=aid)
    if analysis is None:
        raise Http404
    # A run whose worker stopped would otherwise show "Running" for ever and refuse a retry.
    return experiment, services.analysis_expire_if_stale(analysis=analysis)


@login_required
def analysis_detail(request, pk: int, aid: int):
    experiment, analysis = _analysis(request, pk, aid)
    return render(
        request,
        "experiments/analysis.html",
        {
            "experiment": experiment,
            "analysis": analysis,
            **_results_context(experiment, analysis, suppress=False),
            "breadcrumbs": _crumbs((str(experiment.title), experiment.get_absolute_url()),
                                   (_("Data and analysis"), reverse("experiments:data", kwargs={"pk": pk}))),
        },
    )


@login_required
def analysis_status(request, pk: int, aid: int):
    """The progress fragment polled by htmx while the task runs."""
    experiment, analysis = _analysis(request, pk, aid)
    response = render(request, "experiments/partials/_analysis_status.html", {"experiment": experiment, "analysis": analysis})
    if not analysis.is_pending and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # show the results with the full page
    return response


@require_POST
@login_required
def analysis_retry(request, pk: int, aid: int):
    _experiment, analysis = _analysis(request, pk, aid)
    try:
        services.analysis_retry(analysis=analysis, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The analysis is queued again."))
    return HttpResponseRedirect(analysis_url(analysis))
