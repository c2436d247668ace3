"""What works: the evidence base of published results, pooled by intervention and outcome."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carrefour.core.exports import Column, export_response
from carrefour.experiments import charts, selectors
from carrefour.experiments.models import InterventionType, OutcomeDomain
from carrefour.experiments.views._common import _crumbs

GROUPS_PER_PAGE = 20


class EvidenceGroupFilterForm(django_forms.Form):
    """What works is filtered by what its stored groups are keyed on (the pooling is stored)."""

    intervention_type = django_forms.ChoiceField(
        label=gettext_lazy("Intervention type"), required=False,
        choices=[("", gettext_lazy("All types")), *InterventionType.choices],
    )
    outcome_domain = django_forms.ChoiceField(
        label=gettext_lazy("Outcome domain"), required=False,
        choices=[("", gettext_lazy("All domains")), *OutcomeDomain.choices],
    )


def _evidence_filters(request) -> tuple[EvidenceGroupFilterForm, dict[str, Any]]:
    form = EvidenceGroupFilterForm(request.GET or None)
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_bound and form.is_valid() else {}
    return form, filters


def _group_chart(group: dict[str, Any]) -> None:
    meta = group["meta"]
    scale = 100.0 if group["kind"] == "binary" else 1.0
    weights = group["weights"]
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
    page = Paginator(selectors.evidence_group_list(user=request.user, **filters), GROUPS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    # The list shows each group's stored pooling; its studies and forest plot are on the group's page.
    groups = selectors.evidence_group_summaries(groups=page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    base = query.urlencode()
    return render(
        request,
        "experiments/what_works.html",
        {"form": form, "groups": groups, "page_obj": page, "breadcrumbs": _crumbs(),
         "export_csv_url": "?" + (base + "&" if base else "") + "format=csv",
         "export_json_url": "?" + (base + "&" if base else "") + "format=json"},
    )


def what_works_group(request, intervention_type: str, outcome_domain: str):
    groups = selectors.evidence_group(user=request.user, intervention_type=intervention_type, outcome_domain=outcome_domain)
    if not groups:
        raise Http404
    for g in groups:
        _group_chart(g)
    return render(
        request,
        "experiments/what_works_group.html",
        {"groups": groups, "breadcrumbs": _crumbs((_("What works"), reverse("experiments:what_works"))),
         "intervention_type": intervention_type, "outcome_domain": outcome_domain},
    )
