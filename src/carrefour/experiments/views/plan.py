"""The plan: create and edit a draft, the power preview, the settings of a registered plan, the page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carrefour.core.exceptions import ApplicationError
from carrefour.core.forms import add_application_error
from carrefour.core.visibility import can_edit
from carrefour.declarations import commitments as commitment_links
from carrefour.experiments import charts, forms, selectors, services
from carrefour.experiments.models import Experiment
from carrefour.experiments.views._common import _crumbs, _get, _get_editable


def _power_context(result: dict[str, Any] | None) -> dict[str, Any]:
    if not result:
        return {}
    points = services.power_curve(result=result)
    svg = charts.power_curve_svg(
        points=points,
        target=result["power"],
        needed=result["n_control"],
        title=_("Power curve"),
        description=_("Power to detect the minimum detectable effect, by the number of units in the control arm."),
        x_label=_("Units in the control arm"),
        y_label=_("Power"),
    )
    return {"power": result, "power_points": points, "power_svg": svg}


def _plan_forms(request, experiment: Experiment | None):
    data = request.POST if request.method == "POST" else None
    form = forms.PlanForm(data, instance=experiment, user=request.user)
    if experiment is not None:
        arms_initial = experiment.arms
        outcomes_initial = experiment.outcomes
    else:
        arms_initial = [
            {"label": "control", "name_en": "Control", "name_fr": "Témoin", "allocation": 1},
            {"label": "treatment", "name_en": "Treatment", "name_fr": "Traitement", "allocation": 1},
        ]
        outcomes_initial = []
    arms = forms.ArmFormSet(data, prefix="arms", initial=arms_initial)
    outcomes = forms.OutcomeFormSet(data, prefix="outcomes", initial=outcomes_initial)
    if experiment is not None and "commitments" in form.fields:
        form.initial.setdefault("commitments", [c.pk for c in commitment_links.for_target(experiment)])
    return form, arms, outcomes


@login_required
def create(request):
    return _plan_page(request, None)


@login_required
def edit(request, pk: int):
    experiment = _get_editable(request, pk)
    if experiment.is_registered:
        return _settings_page(request, experiment)
    return _plan_page(request, experiment)


def _plan_page(request, experiment: Experiment | None):
    form, arms, outcomes = _plan_forms(request, experiment)
    power = experiment.power_result if experiment else None
    if request.method == "POST" and form.is_valid() and arms.is_valid() and outcomes.is_valid():
        data = {**form.plan_data(), "arms": forms.arms_from(arms), "outcomes": forms.outcomes_from(outcomes)}
        commitments = form.cleaned_data.get("commitments") if "commitments" in form.fields else None
        try:
            if "calculate" in request.POST:
                power = services.power_calculate(inputs=data, arms=data["arms"])
                if power is None:
                    form.add_error("power_mde", _("Give the outcome type, the baseline and the minimum detectable effect."))
            elif experiment is None:
                experiment = services.experiment_create(actor=request.user, data=data, commitments=commitments)
                messages.success(request, _("The plan was saved as a draft."))
                return HttpResponseRedirect(experiment.get_absolute_url())
            else:
                services.experiment_update(
                    experiment=experiment,
                    actor=request.user,
                    data=data,
                    expected_version=int(request.POST.get("version") or experiment.version),
                    commitments=commitments,
                )
                messages.success(request, _("The plan was saved."))
                return HttpResponseRedirect(experiment.get_absolute_url())
        except ApplicationError as exc:
            add_application_error(form, exc)
    title = _("Plan an experiment") if experiment is None else _("Edit the plan")
    crumbs = _crumbs() if experiment is None else _crumbs((str(experiment.title), experiment.get_absolute_url()))
    return render(
        request,
        "experiments/plan_form.html",
        {"form": form, "arms": arms, "outcomes": outcomes, "experiment": experiment, "page_title": title,
         "breadcrumbs": crumbs, **_power_context(power)},
    )


@require_POST
def power_preview(request):
    """The power result and curve for the plan form's current values (htmx partial)."""
    form = forms.PlanForm(request.POST, user=request.user)
    form.is_valid()
    arms = forms.ArmFormSet(request.POST, prefix="arms")
    arm_list = forms.arms_from(arms) if arms.is_valid() else None
    inputs = {k: form.cleaned_data.get(k) for k in (
        "power_outcome", "power_baseline", "power_sd", "power_mde", "power_target", "power_icc", "power_cluster_size", "alpha")}
    context: dict[str, Any] = {}
    try:
        context = _power_context(services.power_calculate(inputs=inputs, arms=arm_list))
    except ApplicationError as exc:
        context = {"power_error": str(exc)}
    return render(request, "experiments/partials/_power.html", context)


def _settings_page(request, experiment: Experiment):
    form = forms.SettingsForm(request.POST or None, instance=experiment, user=request.user)
    if "commitments" in form.fields and request.method != "POST":
        form.initial["commitments"] = [c.pk for c in commitment_links.for_target(experiment)]
    if request.method == "POST" and form.is_valid():
        try:
            services.experiment_update(
                experiment=experiment,
                actor=request.user,
                data={"visibility": form.cleaned_data["visibility"], "initiative": form.cleaned_data["initiative"]},
                commitments=form.cleaned_data.get("commitments") if "commitments" in form.fields else None,
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("The settings were saved."))
            return HttpResponseRedirect(experiment.get_absolute_url())
    return render(
        request,
        "experiments/settings_form.html",
        {"form": form, "experiment": experiment, "breadcrumbs": _crumbs((str(experiment.title), experiment.get_absolute_url()))},
    )


def detail(request, pk: int):
    experiment = _get(request, pk)
    editor = can_edit(request.user, experiment)
    registration = experiment.registration if experiment.is_registered else None
    commitments = commitment_links.for_target(experiment)
    return render(
        request,
        "experiments/detail.html",
        {
            "experiment": experiment,
            "editor": editor,
            "registration": registration,
            "embargoed": registration is not None and registration.is_embargoed and not editor,
            "rows": selectors.plan_rows(experiment=experiment, user=request.user, editor=editor),
            "stage": selectors.stage_of(experiment),
            "commitments": commitments,
            "power": experiment.power_result or None,
            "latest_randomization": selectors.randomization_latest(experiment=experiment) if editor else None,
            "breadcrumbs": _crumbs(),
        },
    )
