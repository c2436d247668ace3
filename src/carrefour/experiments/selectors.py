"""Experiment reads. Every list goes through `visible_to`; published tables suppress small cells."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carrefour.core.i18n import pick
from carrefour.core.numbers import format_number
from carrefour.core.visibility import can_edit, can_view, visible_to
from carrefour.experiments import plan as plan_module
from carrefour.experiments.models import (
    Analysis,
    Dataset,
    Deviation,
    EvidenceGroup,
    Experiment,
    InterventionType,
    OutcomeDomain,
    OutcomeKind,
    Publication,
    Randomization,
    Registration,
)
from carrefour.portfolio import selectors as portfolio_selectors

MIN_CELL = 10  # published tables suppress cells with fewer units than this
SRM_THRESHOLD = 0.001


def experiment_list(
    *,
    user: Any,
    q: str = "",
    jurisdiction: str = "",
    intervention_type: str = "",
    outcome_domain: str = "",
    verdict: str = "",
    stage: str = "",
    year: int | None = None,
) -> QuerySet[Experiment]:
    """Experiments `user` may see, filtered, with what the list page shows."""
    qs = visible_to(Experiment.objects.all(), user).select_related(
        "jurisdiction", "registration", "publication", "team"
    ).prefetch_related(*visible_related(user))
    if q:
        qs = qs.filter(Q(title_en__icontains=q) | Q(title_fr__icontains=q))
    if jurisdiction:
        qs = qs.filter(jurisdiction__code=jurisdiction)
    if intervention_type:
        qs = qs.filter(intervention_type=intervention_type)
    if outcome_domain:
        qs = qs.filter(outcome_domain=outcome_domain)
    if verdict:
        qs = qs.filter(publication__verdict=verdict)
    if stage == "draft":
        qs = qs.filter(registration__isnull=True)
    elif stage == "registered":
        qs = qs.filter(registration__isnull=False, publication__isnull=True)
    elif stage == "published":
        qs = qs.filter(publication__isnull=False)
    if year:
        qs = qs.filter(registration__registered_at__year=year)
    return qs.order_by("-created_at", "-id")


def initiative_choices(*, user: Any) -> QuerySet[Any]:
    """The initiatives an experiment may be linked to by `user`: only those they may see."""
    return portfolio_selectors.initiative_list(user=user).order_by("title_en", "pk")


def visible_related(user: Any) -> list[Prefetch]:
    """An experiment's initiative through the visibility rule: None if `user` may not see it, so
    no page, export or API answer shows a hidden initiative's title. (The team stays loaded: the
    plan document names it; `plan_rows` shows it only to those who may see it.)"""
    return [Prefetch("initiative", queryset=portfolio_selectors.initiative_list(user=user))]


def experiment_detail_qs(*, user: Any) -> QuerySet[Experiment]:
    """What one experiment's page and API record show (not yet filtered by visibility)."""
    return Experiment.objects.select_related("jurisdiction", "registration", "publication", "team").prefetch_related(
        *visible_related(user)
    )


def experiment_get(*, user: Any, pk: int) -> Experiment | None:
    return visible_to(experiment_detail_qs(user=user), user).filter(pk=pk).first()


def stage_of(experiment: Experiment) -> str:
    if experiment.is_published:
        return "published"
    if experiment.is_registered:
        return "registered"
    return "draft"


def sees_full_plan(*, user: Any, experiment: Experiment) -> bool:
    """The team sees every part of the plan; others see the public version after any embargo."""
    return can_edit(user, experiment)


def plan_rows(*, experiment: Experiment, user: Any, editor: bool | None = None) -> list[dict[str, Any]]:
    """Each part of the plan with its deviations, as this person may see it."""
    editor = sees_full_plan(user=user, experiment=experiment) if editor is None else editor
    registration = experiment.registration if experiment.is_registered else None
    public = set(registration.public_fields) if registration else set(plan_module.PLAN_FIELD_KEYS)
    disclosed = {d.plan_field: d for d in experiment.disclosures.all()} if registration else {}
    public |= set(disclosed)
    embargoed = registration is not None and registration.is_embargoed and not editor
    values = plan_module.plan_values(experiment)
    deviations: dict[str, list[Deviation]] = defaultdict(list)
    if registration:
        for d in experiment.deviations.all():
            deviations[d.plan_field].append(d)
    rows = []
    for key, label, switchable in plan_module.PLAN_FIELDS:
        withheld = switchable and key not in public
        hidden = (withheld or embargoed) and not editor and key != "title"
        rows.append(
            {
                "key": key,
                "label": label,
                "value": None if hidden else _display(key, values[key], experiment, user=user),
                "hidden": hidden,
                "withheld": withheld,
                "disclosed": disclosed.get(key),
                "deviations": [] if hidden else deviations.get(key, []),
            }
        )
    return rows


def _display(key: str, value: Any, experiment: Experiment, *, user: Any) -> Any:
    if key in plan_module.TEXT_FIELDS:
        return pick(value)
    if key == "classification":
        return {
            "intervention_type": experiment.get_intervention_type_display(),
            "outcome_domain": experiment.get_outcome_domain_display(),
            "jurisdiction": experiment.jurisdiction,
            # The team's name only for those who may see the team (the same rule as everywhere).
            "team": experiment.team if experiment.team_id and can_view(user, experiment.team) else None,
        }
    if key == "arms":
        total = sum(int(a["allocation"]) for a in value) or 1
        return [
            {**a, "name": pick({"en": a["name_en"], "fr": a["name_fr"]}), "share": int(a["allocation"]) / total}
            for a in value
        ]
    kinds = dict(OutcomeKind.choices)  # the stored value ("binary") is not what people read
    if key == "outcomes":
        return [
            {**o, "label": pick({"en": o["label_en"], "fr": o["label_fr"]}), "kind_label": kinds.get(o["kind"], o["kind"])}
            for o in value
        ]
    if key == "design":
        return {**value, "adjust_label": experiment.get_adjust_display()}
    if key == "power" and isinstance(value, dict):
        return {**value, "outcome_label": kinds.get(value.get("outcome"), value.get("outcome"))}
    return value


def deviation_list(*, experiment: Experiment, user: Any) -> list[Deviation]:
    rows = plan_rows(experiment=experiment, user=user)
    return [d for row in rows for d in row["deviations"]]


def randomization_latest(*, experiment: Experiment) -> Randomization | None:
    return experiment.randomizations.first()


def randomization_list(*, experiment: Experiment) -> QuerySet[Randomization]:
    """An experiment's randomizations, the latest first."""
    return experiment.randomizations.all()


def randomization_get(*, experiment: Experiment, pk: Any) -> Randomization | None:
    return experiment.randomizations.filter(pk=pk).first()


def dataset_list(*, experiment: Experiment) -> QuerySet[Dataset]:
    """An experiment's uploaded outcome files, the latest first."""
    return experiment.datasets.all()


def dataset_get(*, experiment: Experiment, pk: Any) -> Dataset | None:
    try:
        return experiment.datasets.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def dataset_latest_analysis(*, dataset: Dataset) -> Analysis | None:
    """The latest analysis of one uploaded file."""
    return dataset.analyses.first()


def analysis_list(*, experiment: Experiment, status: str | None = None) -> QuerySet[Analysis]:
    """An experiment's analyses, the latest first; only those of one status if given."""
    qs = experiment.analyses.select_related("dataset").all()
    return qs.filter(status=status) if status else qs


def analysis_get(*, experiment: Experiment, pk: Any) -> Analysis | None:
    return experiment.analyses.select_related("dataset").filter(pk=pk).first()


def analysis_database_names() -> list[str]:
    """Names of the databases configured for analysis (their URLs never leave the settings)."""
    return sorted(getattr(settings, "ANALYSIS_DATABASES", {}) or {})


# --- results ----------------------------------------------------------------------------


def _suppress(n: Any) -> bool:
    return n is None or int(n) < MIN_CELL


def outcome_labels(experiment: Experiment) -> dict[str, Any]:
    return {o["column"]: pick({"en": o.get("label_en", ""), "fr": o.get("label_fr", "")}) or o["column"] for o in experiment.outcomes}


def arm_names(experiment: Experiment) -> dict[str, Any]:
    return {a["label"]: pick({"en": a.get("name_en", ""), "fr": a.get("name_fr", "")}) or a["label"] for a in experiment.arms}


def dropped_rows(dropped: dict[str, int]) -> list[dict[str, Any]]:
    """Rows the engine left out, one entry per column (its keys read "missing <column>"), labelled."""
    rows = []
    for reason, count in dropped.items():
        column = reason.removeprefix("missing ")
        rows.append({
            "column": column,
            "count": count,
            "label": ngettext(
                "%(count)s row with no value for “%(column)s”", "%(count)s rows with no value for “%(column)s”", count
            ) % {"count": format_number(count), "column": column},
        })
    return rows


def results_view(*, experiment: Experiment, analysis: Analysis, suppress: bool = True) -> dict[str, Any]:
    """Tables of effects per outcome and arm; with `suppress`, cells under 10 units are hidden."""
    result = analysis.result
    names = arm_names(experiment)
    labels = outcome_labels(experiment)
    kinds = {o["column"]: o.get("kind") for o in experiment.outcomes}
    n = result.get("n", {})
    counts = [
        {"arm": arm, "name": names.get(arm, arm), "n": count, "suppressed": suppress and _suppress(count),
         "expected": result["srm"]["expected"].get(arm)}
        for arm, count in n.items()
    ]
    any_small = any(c["suppressed"] for c in counts)
    outcomes = []
    for r in result.get("results", []):
        effects = []
        for e in r["effects"]:
            hidden = suppress and (any_small or _suppress(n.get(e["arm"])))
            effects.append({**e, "name": names.get(e["arm"], e["arm"]), "suppressed": hidden})
        subgroups = []
        for s in r.get("subgroups", []):
            small = suppress and any(_suppress(v) for v in s["n"].values())
            subgroups.append(
                {
                    "subgroup": s["subgroup"],
                    "n": s["n"],
                    "n_total": sum(s["n"].values()),
                    "suppressed": small,
                    "control_mean": None if small else s["control_mean"],
                    "effects": [] if small else [{**e, "name": names.get(e["arm"], e["arm"])} for e in s["effects"]],
                }
            )
        outcomes.append(
            {
                "outcome": r["outcome"],
                "label": labels.get(r["outcome"], r["outcome"]),
                "kind": kinds.get(r["outcome"]),
                "estimator": r["estimator"],
                "control_mean": None if suppress and any_small else r["control_mean"],
                "effects": effects,
                "subgroups": subgroups,
                "interaction_p_value": r.get("interaction_p_value"),
            }
        )
    srm_p = result.get("srm", {}).get("p_value")
    return {
        "counts": counts,
        "dropped": dropped_rows(result.get("dropped", {})),
        "srm_p_value": srm_p,
        "srm_warning": srm_p is not None and srm_p < SRM_THRESHOLD,
        "outcomes": outcomes,
        "meta": result.get("meta", {}),
        "subgroup_column": experiment.subgroup_column,
        "suppressed_any": any_small or any(s["suppressed"] for o in outcomes for s in o["subgroups"]),
    }


def results_rows(*, experiment: Experiment, analysis: Analysis, suppress: bool = True) -> list[dict[str, Any]]:
    """Flat rows (one per outcome × arm × subgroup) for the CSV/JSON downloads."""
    view = results_view(experiment=experiment, analysis=analysis, suppress=suppress)
    n = {c["arm"]: (None if c["suppressed"] else c["n"]) for c in view["counts"]}
    rows = []
    fields = ["estimate", "std_error", "df", "ci_low", "ci_high", "p_value", "p_value_adjusted",
              "relative_estimate", "relative_ci_low", "relative_ci_high"]
    for o in view["outcomes"]:
        for e in o["effects"]:
            row = {"outcome": o["outcome"], "subgroup": "", "arm": e["arm"], "control": view["meta"].get("control"),
                   "n_arm": n.get(e["arm"]), "n_control": n.get(view["meta"].get("control")),
                   "control_mean": o["control_mean"], "estimator": o["estimator"]}
            row.update({f: (None if e["suppressed"] else e.get(f)) for f in fields})
            rows.append(row)
        for s in o["subgroups"]:
            if s["suppressed"]:
                rows.append({"outcome": o["outcome"], "subgroup": s["subgroup"], "arm": "", "suppressed": True})
                continue
            for e in s["effects"]:
                row = {"outcome": o["outcome"], "subgroup": s["subgroup"], "arm": e["arm"],
                       "control": view["meta"].get("control"), "n_arm": s["n"].get(e["arm"]),
                       "n_control": s["n"].get(view["meta"].get("control")), "control_mean": s["control_mean"],
                       "estimator": o["estimator"]}
                row.update({f: e.get(f) for f in fields})
                rows.append(row)
    return rows


# --- evidence base ----------------------------------------------------------------------


def published_list(
    *,
    user: Any,
    jurisdiction: str = "",
    outcome_domain: str = "",
    intervention_type: str = "",
    verdict: str = "",
    year: int | None = None,
    q: str = "",
) -> QuerySet[Publication]:
    """Published results of experiments `user` may see (through `visible_to`), filtered."""
    experiments = visible_to(Experiment.objects.all(), user)
    qs = Publication.objects.filter(experiment__in=experiments).select_related(
        "experiment", "experiment__jurisdiction", "experiment__registration"
    )
    if jurisdiction:
        qs = qs.filter(experiment__jurisdiction__code=jurisdiction)
    if outcome_domain:
        qs = qs.filter(experiment__outcome_domain=outcome_domain)
    if intervention_type:
        qs = qs.filter(experiment__intervention_type=intervention_type)
    if verdict:
        qs = qs.filter(verdict=verdict)
    if year:
        qs = qs.filter(experiment__registration__registered_at__year=year)
    if q:
        qs = qs.filter(Q(experiment__title_en__icontains=q) | Q(experiment__title_fr__icontains=q))
    return qs.order_by("experiment__intervention_type", "experiment__outcome_domain", "experiment__registration__registered_at")


def evidence_audience(*, user: Any) -> str:
    """The stored pooling `user` reads (see `services.evidence`): public servants and platform
    administrators read the government audience's, everyone else the public one's."""
    if user is not None and user.is_authenticated and user.is_active and (user.is_superuser or user.is_public_servant):
        return EvidenceGroup.Audience.GOVERNMENT
    return EvidenceGroup.Audience.PUBLIC


def evidence_group_list(*, user: Any, intervention_type: str = "", outcome_domain: str = "") -> QuerySet[EvidenceGroup]:
    """The stored groups `user` reads, filtered, in display order (paginate it in the database)."""
    qs = EvidenceGroup.objects.filter(audience=evidence_audience(user=user))
    if intervention_type:
        qs = qs.filter(intervention_type=intervention_type)
    if outcome_domain:
        qs = qs.filter(outcome_domain=outcome_domain)
    return qs.order_by("intervention_type", "outcome_domain", "outcome_kind")


def evidence_group_count(*, user: Any) -> int:
    """How many stored groups `user` reads: one COUNT."""
    return evidence_group_list(user=user).count()


def _group_labels(g: EvidenceGroup) -> dict[str, Any]:
    types, domains = dict(InterventionType.choices), dict(OutcomeDomain.choices)
    return {
        "group": g,
        "intervention_type": g.intervention_type,
        "intervention_label": types.get(g.intervention_type, g.intervention_type),
        "outcome_domain": g.outcome_domain,
        "domain_label": domains.get(g.outcome_domain, g.outcome_domain),
        "kind": g.outcome_kind,
        "k": g.k,
        "meta": g.meta,
    }


def evidence_group_summaries(*, groups: Iterable[EvidenceGroup]) -> list[dict[str, Any]]:
    """Display dicts of stored groups without their studies (the list of groups): the stored
    pooling, its number of studies and their jurisdictions, in one query whatever their size."""
    from carrefour.directory.models import Jurisdiction

    groups = list(groups)
    wanted = {pk for g in groups for pk in g.jurisdiction_ids}
    names = {j.pk: str(j.abbreviation) for j in Jurisdiction.objects.filter(pk__in=wanted)} if wanted else {}
    return [
        {**_group_labels(g), "jurisdictions": sorted(names[pk] for pk in g.jurisdiction_ids if pk in names)}
        for g in groups
    ]


def evidence_group_views(*, groups: Iterable[EvidenceGroup]) -> list[dict[str, Any]]:
    """Display dicts of stored groups, their member studies fetched in one query for all of them.

    Nothing is pooled here: `meta` is the stored result. Members are fetched again through the
    group's audience rule, so a study that stopped being visible before its group was
    recomputed is left out of the table rather than shown.
    """
    groups = list(groups)
    if not groups:
        return []
    from carrefour.experiments.services.evidence import AUDIENCE_VISIBILITIES

    wanted = {pk for g in groups for pk in g.publication_ids}
    publications = {
        p.pk: p
        for p in Publication.objects.filter(pk__in=wanted, experiment__deleted_at__isnull=True)
        .select_related("experiment", "experiment__jurisdiction", "experiment__registration")
        .only(
            "pk", "experiment_id", "verdict", "outcome_kind", "estimate", "std_error", "ci_low", "ci_high", "n",
            "experiment__title_en", "experiment__title_fr", "experiment__visibility", "experiment__deleted_at",
            "experiment__jurisdiction__code", "experiment__jurisdiction__name_en", "experiment__jurisdiction__name_fr",
            "experiment__jurisdiction__abbreviation_en", "experiment__jurisdiction__abbreviation_fr",
            "experiment__registration__registered_at",
        )
    }
    result = []
    for g in groups:
        weights = (g.meta or {}).get("weights_random") or [None] * len(g.publication_ids)
        allowed = AUDIENCE_VISIBILITIES[g.audience]
        members = [
            (publications[pk], w) for pk, w in zip(g.publication_ids, weights, strict=True)
            if pk in publications and publications[pk].experiment.visibility in allowed
        ]
        result.append(
            {
                **_group_labels(g),
                "studies": [p for p, _w in members],
                "weights": [w for _p, w in members],
                "jurisdictions": sorted({str(p.experiment.jurisdiction.abbreviation) for p, _w in members}),
            }
        )
    return result


def evidence_groups(*, user: Any, intervention_type: str = "", outcome_domain: str = "") -> list[dict[str, Any]]:
    """Every stored group `user` reads, as display dicts (the API; pages paginate `evidence_group_list`)."""
    return evidence_group_views(
        groups=evidence_group_list(user=user, intervention_type=intervention_type, outcome_domain=outcome_domain)
    )


def evidence_group(*, user: Any, intervention_type: str, outcome_domain: str) -> list[dict[str, Any]]:
    """The stored groups (one per outcome scale) of one intervention type × outcome domain."""
    return evidence_groups(user=user, intervention_type=intervention_type, outcome_domain=outcome_domain)


def home_stats(*, user: Any) -> dict[str, int]:
    qs = visible_to(Experiment.objects.all(), user)
    return {
        "experiments": qs.count(),
        "published": Publication.objects.filter(experiment__in=qs).count(),
    }


def disclosure_checks(*, registration: Registration) -> list[dict[str, Any]]:
    """Each part made public after registration, with its salt and whether it still hashes to the
    digest in the registration file (SHA-256 of salt, ":" and the part's canonical JSON)."""
    experiment = registration.experiment
    registered = json.loads(registration.canonical_json)["plan"]
    values = plan_module.plan_values(experiment)
    checks = []
    for disclosure in experiment.disclosures.all():
        key = disclosure.plan_field
        salt = registration.salts[key]
        expected = registered[key]["withheld_sha256"]
        digest = plan_module.withheld_digest(salt, values[key])
        checks.append({
            "disclosure": disclosure, "key": key, "label": plan_module.plan_field_label(key), "salt": salt,
            "registered_sha256": expected, "sha256": digest, "matches": digest == expected,
            "value_json": plan_module.canonical_bytes(values[key]).decode("utf-8"),
        })
    return checks


def news_items(*, user: Any, since: Any, limit: int) -> list[Any]:
    """Results published since a date, for "What's new" (through `published_list`)."""
    from django.urls import reverse

    from carrefour.core.news import NewsItem

    items = []
    for p in published_list(user=user).filter(published_at__date__gte=since).order_by("-published_at")[:limit]:
        items.append(NewsItem(
            when=p.published_at, kind="results",
            title=_("Result published: %(title)s") % {"title": p.experiment.title},
            summary=f"{p.get_verdict_display()}. {p.summary}".strip(),
            url=reverse("experiments:results", args=[p.experiment.pk]),
        ))
    return items


def search_hits(*, user: Any, terms: list[str], limit: int) -> list[Any]:
    """Experiments `user` may see whose title holds every term. Only the title: other parts of
    a registered plan can be kept internal, and search must not reveal them."""
    from carrefour.core.search import SearchHit, matching

    return [
        SearchHit(kind="experiments", title=str(e.title), summary=e.get_intervention_type_display(),
                  url=e.get_absolute_url())
        for e in experiment_list(user=user).filter(matching(terms, ["title_en", "title_fr"]))[:limit]
    ]


def experiments_for_initiative(*, user: Any, initiative: Any) -> QuerySet[Experiment]:
    """Experiments linked to one initiative that `user` may see (for the initiative's page)."""
    return visible_to(Experiment.objects.filter(initiative=initiative), user).order_by("title_en", "pk")


def evidence_group_studies(*, groups: Iterable[EvidenceGroup]) -> dict[int, list[int]]:
    """Each stored group's member experiments (ids, in the group's order) that its audience still
    reads, by the rule of `evidence_group_views`, in one query of ids (the API's list of groups)."""
    from carrefour.experiments.services.evidence import AUDIENCE_VISIBILITIES

    groups = list(groups)
    wanted = {pk for g in groups for pk in g.publication_ids}
    members = {
        pk: (experiment_id, visibility)
        for pk, experiment_id, visibility in Publication.objects.filter(
            pk__in=wanted, experiment__deleted_at__isnull=True
        ).values_list("pk", "experiment_id", "experiment__visibility")
    }
    return {
        g.pk: [members[pk][0] for pk in g.publication_ids
               if pk in members and members[pk][1] in AUDIENCE_VISIBILITIES[g.audience]]
        for g in groups
    }


def experiment_api_list(*, user: Any) -> QuerySet[Experiment]:
    """`experiment_list` without what the API's list does not show: the plan's long texts and
    lists, the registered document and its salts, the result's summaries (a third of the page's cost)."""
    long = [f.name for f in Experiment._meta.fields if f.get_internal_type() in ("TextField", "JSONField")]
    return experiment_list(user=user).defer(
        *long, "registration__canonical_json", "registration__public_fields", "registration__salts",
        "publication__summary_en", "publication__summary_fr",
    )
