"""Publication of the results, the results page and its downloads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from carrefour.core.exceptions import ApplicationError
from carrefour.core.exports import Column, export_response
from carrefour.core.forms import add_application_error
from carrefour.experiments import charts, forms, selectors, services
from carrefour.experiments.models import Adjustment, Analysis, Experiment
from carrefour.experiments.views._common import _crumbs, _get, _get_editable


def _results_context(experiment: Experiment, analysis: Analysis, *, suppress: bool) -> dict[str, Any]:
    if analysis.status != Analysis.Status.DONE:
        return {}
    view = selectors.results_view(experiment=experiment, analysis=analysis, suppress=suppress)
    view["meta"]["adjust_label"] = dict(Adjustment.choices).get(view["meta"].get("adjust"), view["meta"].get("adjust"))
    for o in view["outcomes"]:
        scale = 100.0 if o["kind"] == "binary" else 1.0
        o["scale"] = scale
        o["forest_svg"] = charts.forest_plot(
            rows=[{"label": e["name"], **e} for e in o["effects"] if not e["suppressed"]]
            + [{"label": f"{s['subgroup']} — {e['name']}", **e} for s in o["subgroups"] for e in s["effects"]],
            title=_("Effects on %(outcome)s") % {"outcome": o["label"]},
            description=_("Estimated effect of each arm against the control, with its confidence interval; the same numbers are in the table."),
            axis_label=_("Effect in percentage points") if scale == 100 else _("Effect in the outcome's units"),
            scale=scale,
        )
    return {"results": view}


@login_required
def publish(request, pk: int):
    experiment = _get_editable(request, pk)
    if experiment.is_published:
        return HttpResponseRedirect(reverse("experiments:results", kwargs={"pk": pk}))
    analyses = list(selectors.analysis_list(experiment=experiment, status=Analysis.Status.DONE))
    form = forms.PublishForm(request.POST or None, analyses=analyses,
                             initial={"analysis": analyses[0].pk if analyses else None})
    if request.method == "POST" and form.is_valid():
        analysis = next(a for a in analyses if a.pk == form.cleaned_data["analysis"])
        try:
            services.publication_create(
                experiment=experiment, actor=request.user, analysis=analysis, verdict=form.cleaned_data["verdict"],
                summary_en=form.cleaned_data["summary_en"], summary_fr=form.cleaned_data["summary_fr"],
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("The results are published."))
            return HttpResponseRedirect(reverse("experiments:results", kwargs={"pk": pk}))
    return render(
        request,
        "experiments/publish.html",
        {"experiment": experiment, "form": form, "analyses": analyses,
         "breadcrumbs": _crumbs((str(experiment.title), experiment.get_absolute_url()))},
    )


def _publication(request, pk: int):
    experiment = _get(request, pk)
    if not experiment.is_published:
        raise Http404
    return experiment, experiment.publication


def results(request, pk: int):
    experiment, publication = _publication(request, pk)
    analysis = publication.analysis
    return render(
        request,
        "experiments/results.html",
        {
            "experiment": experiment,
            "publication": publication,
            "analysis": analysis,
            "registration": experiment.registration if experiment.is_registered else None,
            "deviations": selectors.deviation_list(experiment=experiment, user=request.user),
            **_results_context(experiment, analysis, suppress=True),
            "breadcrumbs": _crumbs((str(experiment.title), experiment.get_absolute_url())),
        },
    )


RESULT_COLUMNS = [
    Column(key, key)
    for key in ("outcome", "subgroup", "arm", "control", "n_arm", "n_control", "control_mean", "estimator",
                "estimate", "std_error", "df", "ci_low", "ci_high", "p_value", "p_value_adjusted",
                "relative_estimate", "relative_ci_low", "relative_ci_high")
]


def results_download(request, pk: int, fmt: str):
    """The published results table (small cells suppressed); never the microdata."""
    if fmt not in ("csv", "json"):
        raise Http404
    experiment, publication = _publication(request, pk)
    rows = selectors.results_rows(experiment=experiment, analysis=publication.analysis, suppress=True)
    columns = [Column(c.key, c.label, (lambda r, k=c.key: r.get(k))) for c in RESULT_COLUMNS]
    return export_response(rows, columns, fmt, f"experiment-{experiment.pk}-results")
