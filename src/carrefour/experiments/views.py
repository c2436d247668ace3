"""Experiment pages: thin views that parse HTTP, call a service or selector, and render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from carrefour.core.exceptions import ApplicationError
from carrefour.core.exports import Column, ExportMixin, bilingual, export_response
from carrefour.core.visibility import can_edit
from carrefour.experiments import charts, forms, selectors, services
from carrefour.experiments import plan as plan_module
from carrefour.experiments.models import Adjustment, Analysis, Experiment
from carrefour.experiments.uploads import use_streaming_upload


def _crumbs(*extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [(_("Experiments"), reverse("experiments:index")), *extra]


def _get(request, pk: int) -> Experiment:
    experiment = selectors.experiment_get(user=request.user, pk=pk)
    if experiment is None:
        raise Http404
    return experiment


def _get_editable(request, pk: int) -> Experiment:
    experiment = _get(request, pk)
    if not can_edit(request.user, experiment):
        raise PermissionDenied
    return experiment


def _form_error(form, exc: ApplicationError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc))


# --- list -------------------------------------------------------------------------------


class ExperimentListView(ExportMixin, ListView):
    template_name = "experiments/index.html"
    paginate_by = 20
    export_name = "experiments"
    export_columns = [
        Column("id", gettext_lazy("ID"), "pk"),
        *bilingual("title", gettext_lazy("Title")),
        Column("jurisdiction", gettext_lazy("Jurisdiction"), lambda e: e.jurisdiction.code),
        Column("intervention_type", gettext_lazy("Intervention type")),
        Column("outcome_domain", gettext_lazy("Outcome domain")),
        Column("stage", gettext_lazy("Stage"), selectors.stage_of),
        Column("registered_at", gettext_lazy("Registered"), lambda e: e.registration.registered_at if e.is_registered else None),
        Column("sha256", gettext_lazy("Registration SHA-256"), lambda e: e.registration.sha256 if e.is_registered else None),
        Column("verdict", gettext_lazy("Verdict"), lambda e: e.publication.verdict if e.is_published else None),
        Column("url", gettext_lazy("Address"), lambda e: e.get_absolute_url()),
    ]

    def get_filter_form(self):
        if not hasattr(self, "_filter_form"):
            self._filter_form = forms.ExperimentFilterForm(self.request.GET or None)
        return self._filter_form

    def get_queryset(self):
        form = self.get_filter_form()
        filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_bound and form.is_valid() else {}
        return selectors.experiment_list(user=self.request.user, **filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.get_filter_form()
        return context


index = ExperimentListView.as_view()


# --- plan -------------------------------------------------------------------------------


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
    if experiment is not None:
        from carrefour.experiments.forms import commitment_choices

        if commitment_choices() and "commitments" in form.fields:
            from carrefour.declarations.selectors import commitments_for

            form.initial.setdefault("commitments", [c.pk for c in commitments_for(target=experiment)])
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
            _form_error(form, exc)
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
        from carrefour.declarations.selectors import commitments_for

        form.initial["commitments"] = [c.pk for c in commitments_for(target=experiment)]
    if request.method == "POST" and form.is_valid():
        try:
            services.experiment_update(
                experiment=experiment,
                actor=request.user,
                data={"visibility": form.cleaned_data["visibility"], "initiative": form.cleaned_data["initiative"]},
                commitments=form.cleaned_data.get("commitments") if "commitments" in form.fields else None,
            )
        except ApplicationError as exc:
            _form_error(form, exc)
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
    commitments = []
    try:
        from carrefour.declarations.selectors import commitments_for

        commitments = commitments_for(target=experiment)
    except ImportError:
        pass
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


# --- registration -----------------------------------------------------------------------


@login_required
def register(request, pk: int):
    experiment = _get_editable(request, pk)
    if experiment.is_registered:
        return HttpResponseRedirect(reverse("experiments:registration", kwargs={"pk": pk}))
    form = forms.RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.experiment_register(
                experiment=experiment,
                actor=request.user,
                public_fields=form.cleaned_data["public_fields"],
                embargo_until=form.cleaned_data["embargo_until"],
            )
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The plan is registered and frozen."))
            return HttpResponseRedirect(reverse("experiments:registration", kwargs={"pk": pk}))
    return render(
        request,
        "experiments/register.html",
        {"form": form, "experiment": experiment, "breadcrumbs": _crumbs((str(experiment.title), experiment.get_absolute_url()))},
    )


def _registration(request, pk: int):
    experiment = _get(request, pk)
    if not experiment.is_registered:
        raise Http404
    return experiment, experiment.registration


def registration(request, pk: int):
    """The hash, the time stamp, the canonical JSON to download, and how to verify it."""
    experiment, registration = _registration(request, pk)
    editor = can_edit(request.user, experiment)
    hidden = registration.is_embargoed and not editor
    check = None
    upload_error = None
    if request.method == "POST" and request.FILES.get("file"):
        data = request.FILES["file"].read(10 * 1024 * 1024)
        check = services.registration_verify(registration=registration, data=data)
    elif not hidden:
        check = services.registration_verify(registration=registration)
    elif request.method == "POST":
        upload_error = _("Choose a file to check.")
    return render(
        request,
        "experiments/registration.html",
        {
            "experiment": experiment,
            "registration": registration,
            "hidden": hidden,
            "check": check,
            "uploaded": request.method == "POST",
            "upload_error": upload_error,
            "editor": editor,
            "disclosures": [] if hidden else selectors.disclosure_checks(registration=registration),
            "file_name": f"experiment-{experiment.pk}-registration.json",
            "breadcrumbs": _crumbs((str(experiment.title), experiment.get_absolute_url())),
        },
    )


def registration_json(request, pk: int):
    """The exact bytes that were hashed (download and run sha256sum on them)."""
    experiment, registration = _registration(request, pk)
    if registration.is_embargoed and not can_edit(request.user, experiment):
        raise Http404
    response = HttpResponse(registration.canonical_json.encode("utf-8"), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="experiment-{experiment.pk}-registration.json"'
    return response


@login_required
def deviation_create(request, pk: int):
    experiment = _get_editable(request, pk)
    form = forms.DeviationForm(request.POST or None, initial={"plan_field": request.GET.get("field", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.deviation_declare(experiment=experiment, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The deviation was recorded beside the registered plan."))
            return HttpResponseRedirect(experiment.get_absolute_url() + "#plan")
    return render(
        request,
        "experiments/deviation_form.html",
        {"form": form, "experiment": experiment, "breadcrumbs": _crumbs((str(experiment.title), experiment.get_absolute_url()))},
    )


@login_required
@require_POST
def disclose(request, pk: int):
    """Make public a part of the registered plan that was kept internal (cannot be undone)."""
    experiment = _get_editable(request, pk)
    key = request.POST.get("plan_field", "")
    try:
        services.plan_field_disclose(experiment=experiment, actor=request.user, plan_field=key)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return HttpResponseRedirect(experiment.get_absolute_url() + "#plan")
    messages.success(request, _("“%(part)s” is now in the public version, with the salt that lets anyone check it "
                                "against the registration file.") % {"part": plan_module.plan_field_label(key)})
    return HttpResponseRedirect(experiment.get_absolute_url() + f"#plan-{key}")


# --- randomization ----------------------------------------------------------------------


@csrf_exempt
@login_required
def randomize(request, pk: int):
    use_streaming_upload(request)
    return _randomize(request, pk)


@csrf_protect
def _randomize(request, pk: int):
    experiment = _get_editable(request, pk)
    form = forms.UnitsForm()
    if request.method == "POST":
        form = forms.UnitsForm(request.POST, request.FILES)
        if getattr(request, "upload_too_large", False):
            form.add_error("file", services._limit_message(int(settings.UPLOAD_MAX_BYTES)))
        elif form.is_valid():
            try:
                services.randomization_run(
                    experiment=experiment, actor=request.user, units_file=form.cleaned_data["file"],
                    seed=form.cleaned_data["seed"],
                )
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("The units were assigned to arms."))
                return HttpResponseRedirect(reverse("experiments:randomize", kwargs={"pk": pk}))
    randomizations = list(experiment.randomizations.all()[:10])
    latest = randomizations[0] if randomizations else None
    names = selectors.arm_names(experiment)
    return render(
        request,
        "experiments/randomize.html",
        {
            "experiment": experiment,
            "form": form,
            "latest": latest,
            "earlier": randomizations[1:],
            "arms": [(a, names.get(a, a)) for a in experiment.arm_labels],
            "breadcrumbs": _crumbs((str(experiment.title), experiment.get_absolute_url())),
        },
    )


@login_required
def assignment_download(request, pk: int, rid: int):
    experiment = _get_editable(request, pk)
    randomization = get_object_or_404(experiment.randomizations, pk=rid)
    return FileResponse(
        open(randomization.assignment_path, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=f"experiment-{experiment.pk}-assignment-seed-{randomization.seed}.csv",
        content_type="text/csv",
    )


# --- data and analysis ------------------------------------------------------------------


@csrf_exempt
@login_required
def data(request, pk: int):
    use_streaming_upload(request)
    return _data(request, pk)


@csrf_protect
def _data(request, pk: int):
    experiment = _get_editable(request, pk)
    form = forms.DataForm()
    if request.method == "POST":
        form = forms.DataForm(request.POST, request.FILES)
        if getattr(request, "upload_too_large", False):
            form.add_error("file", services._limit_message(int(settings.UPLOAD_MAX_BYTES)))
        elif form.is_valid():
            try:
                dataset = services.dataset_upload(experiment=experiment, actor=request.user, file=form.cleaned_data["file"])
                analysis = services.analysis_request(experiment=experiment, actor=request.user, dataset=dataset)
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("The data was stored and its analysis is queued."))
                return HttpResponseRedirect(analysis_url(analysis))
    return _data_page(request, experiment, form=form)


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
            _form_error(table_form, exc)
        else:
            messages.success(request, _("The table was checked and its analysis is queued."))
            return HttpResponseRedirect(analysis_url(analysis))
    return _data_page(request, experiment, table_form=table_form)


def _data_page(request, experiment: Experiment, *, form=None, table_form=None):
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
            "datasets": experiment.datasets.all()[:20],
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
    dataset = get_object_or_404(experiment.datasets, pk=request.POST.get("dataset") or 0)
    try:
        analysis = services.analysis_request(experiment=experiment, actor=request.user, dataset=dataset)
    except ApplicationError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(reverse("experiments:data", kwargs={"pk": pk}))
    messages.success(request, _("The analysis is queued."))
    return HttpResponseRedirect(analysis_url(analysis))


def _analysis(request, pk: int, aid: int) -> tuple[Experiment, Analysis]:
    experiment = _get_editable(request, pk)
    return experiment, get_object_or_404(Analysis.objects.select_related("dataset"), pk=aid, experiment=experiment)


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


# --- publication and results ------------------------------------------------------------


@login_required
def publish(request, pk: int):
    experiment = _get_editable(request, pk)
    if experiment.is_published:
        return HttpResponseRedirect(reverse("experiments:results", kwargs={"pk": pk}))
    analyses = list(experiment.analyses.filter(status=Analysis.Status.DONE).select_related("dataset"))
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
            _form_error(form, exc)
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


# --- evidence base ----------------------------------------------------------------------


def _evidence_filters(request) -> tuple[forms.EvidenceFilterForm, dict[str, Any]]:
    form = forms.EvidenceFilterForm(request.GET or None)
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_bound and form.is_valid() else {}
    return form, filters


def _group_chart(group: dict[str, Any]) -> None:
    meta = group["meta"]
    scale = 100.0 if group["kind"] == "binary" else 1.0
    weights = meta["weights_random"] if meta else [None] * len(group["studies"])
    group["scale"] = scale
    group["rows"] = [
        {"publication": p, "weight": w, "estimate": p.estimate, "ci_low": p.ci_low, "ci_high": p.ci_high,
         "label": f"{p.experiment.jurisdiction.abbreviation} — {p.experiment.title.plain}"}
        for p, w in zip(group["studies"], weights, strict=True)
    ]
    group["forest_svg"] = charts.forest_plot(
        rows=group["rows"],
        title=_("%(type)s: %(domain)s") % {"type": group["intervention_label"], "domain": group["domain_label"]},
        description=_("Each study's effect with its 95% confidence interval, and the random-effects pooled effect; the same numbers are in the table."),
        axis_label=_("Effect in percentage points") if scale == 100 else _("Effect in the outcome's units"),
        pooled=meta["random"] if meta else None,
        pooled_label=_("Pooled (random effects)"),
        scale=scale,
    )


EVIDENCE_COLUMNS = [
    Column("experiment", gettext_lazy("Experiment"), lambda p: p.experiment.pk),
    Column("title_en", gettext_lazy("Title (English)"), lambda p: p.experiment.title_en),
    Column("title_fr", gettext_lazy("Title (French)"), lambda p: p.experiment.title_fr),
    Column("jurisdiction", gettext_lazy("Jurisdiction"), lambda p: p.experiment.jurisdiction.code),
    Column("intervention_type", gettext_lazy("Intervention type"), lambda p: p.experiment.intervention_type),
    Column("outcome_domain", gettext_lazy("Outcome domain"), lambda p: p.experiment.outcome_domain),
    Column("registered_at", gettext_lazy("Registered"), lambda p: p.experiment.registration.registered_at),
    Column("registration_sha256", gettext_lazy("Registration SHA-256"), lambda p: p.experiment.registration.sha256),
    Column("published_at", gettext_lazy("Published"), "published_at"),
    Column("verdict", gettext_lazy("Verdict"), "verdict"),
    Column("outcome", gettext_lazy("Outcome"), "outcome"),
    Column("outcome_kind", gettext_lazy("Outcome type"), "outcome_kind"),
    Column("arm", gettext_lazy("Arm"), "arm"),
    Column("n", gettext_lazy("Units"), "n"),
    Column("estimate", gettext_lazy("Effect"), "estimate"),
    Column("std_error", gettext_lazy("Standard error"), "std_error"),
    Column("ci_low", gettext_lazy("Lower bound"), "ci_low"),
    Column("ci_high", gettext_lazy("Upper bound"), "ci_high"),
]


def what_works(request):
    form, filters = _evidence_filters(request)
    fmt = request.GET.get("format")
    if fmt in ("csv", "json"):
        return export_response(selectors.published_list(user=request.user, **filters), EVIDENCE_COLUMNS, fmt, "what-works")
    groups = selectors.evidence_groups(user=request.user, **filters)
    for g in groups:
        _group_chart(g)
    query = request.GET.copy()
    query.pop("format", None)
    base = query.urlencode()
    return render(
        request,
        "experiments/what_works.html",
        {"form": form, "groups": groups, "breadcrumbs": _crumbs(),
         "export_csv_url": "?" + (base + "&" if base else "") + "format=csv",
         "export_json_url": "?" + (base + "&" if base else "") + "format=json"},
    )


def what_works_group(request, intervention_type: str, outcome_domain: str):
    form, filters = _evidence_filters(request)
    groups = selectors.evidence_group(
        user=request.user, intervention_type=intervention_type, outcome_domain=outcome_domain, **filters
    )
    if not groups and not filters:
        raise Http404
    for g in groups:
        _group_chart(g)
    return render(
        request,
        "experiments/what_works_group.html",
        {"form": form, "groups": groups, "breadcrumbs": _crumbs((_("What works"), reverse("experiments:what_works"))),
         "intervention_type": intervention_type, "outcome_domain": outcome_domain},
    )

