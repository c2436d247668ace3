"""Experiments API: the same records, visibility rule and small-cell suppression as the pages."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from carrefour.core.api import Pagination, each, paged, url_maker
from carrefour.core.visibility import can_edit
from carrefour.experiments import selectors

router = Router(tags=["experiments"])


class InitiativeRef(Schema):
    id: int
    title_en: str
    title_fr: str
    url: str


class ExperimentOut(Schema):
    id: int
    title_en: str
    title_fr: str
    jurisdiction: str
    initiative: InitiativeRef | None
    intervention_type: str
    outcome_domain: str
    stage: str
    registered_at: datetime.datetime | None
    registration_sha256: str | None
    verdict: str | None
    url: str


class PublicationOut(Schema):
    verdict: str
    summary_en: str
    summary_fr: str
    published_at: datetime.datetime
    outcome: str
    arm: str
    estimate: float
    std_error: float
    ci_low: float
    ci_high: float
    n: int
    engine_version: str
    input_sha256: str
    results: list[dict[str, Any]]


class DisclosureOut(Schema):
    plan_field: str
    disclosed_at: datetime.datetime
    salt: str
    value: Any
    withheld_sha256: str
    matches: bool


class ExperimentDetailOut(ExperimentOut):
    embargo_until: datetime.date | None
    registration: dict[str, Any] | None
    disclosures: list[DisclosureOut]
    publication: PublicationOut | None


class PooledOut(Schema):
    intervention_type: str
    outcome_domain: str
    outcome_kind: str
    studies: list[int]
    meta: dict[str, Any] | None


def _experiment(e, urls: dict[str, Callable[[int], str]] | None = None) -> dict[str, Any]:
    registration = e.registration if e.is_registered else None
    return {
        "id": e.pk,
        "title_en": e.title_en,
        "title_fr": e.title_fr,
        "jurisdiction": e.jurisdiction.code,
        # Read through the selector's visibility rule: None when the reader may not see it.
        "initiative": None if e.initiative is None else {
            "id": e.initiative.pk, "title_en": e.initiative.title_en, "title_fr": e.initiative.title_fr,
            "url": urls["initiative"](e.initiative.pk) if urls else e.initiative.get_absolute_url(),
        },
        "intervention_type": e.intervention_type,
        "outcome_domain": e.outcome_domain,
        "stage": selectors.stage_of(e),
        "registered_at": registration.registered_at if registration else None,
        "registration_sha256": registration.sha256 if registration else None,
        "verdict": e.publication.verdict if e.is_published else None,
        "url": urls["experiment"](e.pk) if urls else e.get_absolute_url(),
    }


@router.get("/", response=paged(ExperimentOut))
@paginate(Pagination)
def experiment_list(request: HttpRequest):
    """Experiments you may see, newest first."""
    urls = {"experiment": url_maker("experiments:detail", "pk"), "initiative": url_maker("portfolio:initiative", "pk")}
    return each(selectors.experiment_api_list(user=request.user), lambda e: _experiment(e, urls))


@router.get("/what-works/", response=paged(PooledOut))
@paginate(Pagination)
def what_works(request: HttpRequest):
    """Published results pooled by intervention type × outcome domain (× outcome scale), as stored."""
    return each(selectors.evidence_group_list(user=request.user), page=_pooled)


def _pooled(groups: list) -> list[dict[str, Any]]:
    """The stored poolings as they are; their member experiments' ids in one query for the page."""
    studies = selectors.evidence_group_studies(groups=groups)
    return [
        {"intervention_type": g.intervention_type, "outcome_domain": g.outcome_domain, "outcome_kind": g.outcome_kind,
         "studies": studies[g.pk], "meta": g.meta}
        for g in groups
    ]


@router.get("/{pk}/", response=ExperimentDetailOut)
def experiment_detail(request: HttpRequest, pk: int):
    e = selectors.experiment_get(user=request.user, pk=pk)
    if e is None:
        raise Http404
    registration = e.registration if e.is_registered else None
    hidden = registration is not None and registration.is_embargoed and not can_edit(request.user, e)
    publication = None
    if e.is_published:
        p = e.publication
        publication = {
            "verdict": p.verdict, "summary_en": p.summary_en, "summary_fr": p.summary_fr,
            "published_at": p.published_at, "outcome": p.outcome, "arm": p.arm, "estimate": p.estimate,
            "std_error": p.std_error, "ci_low": p.ci_low, "ci_high": p.ci_high, "n": p.n,
            "engine_version": p.analysis.engine_version, "input_sha256": p.analysis.input_sha256,
            "results": selectors.results_rows(experiment=e, analysis=p.analysis, suppress=True),
        }
    return {
        **_experiment(e),
        "embargo_until": registration.embargo_until if registration else None,
        "registration": None if registration is None or hidden else json.loads(registration.canonical_json),
        "disclosures": [] if registration is None or hidden else [
            {"plan_field": c["key"], "disclosed_at": c["disclosure"].created_at, "salt": c["salt"],
             "value": json.loads(c["value_json"]), "withheld_sha256": c["registered_sha256"], "matches": c["matches"]}
            for c in selectors.disclosure_checks(registration=registration)
        ],
        "publication": publication,
    }
