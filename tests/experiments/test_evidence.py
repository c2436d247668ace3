"""What works reads stored poolings: equal to the engine's, recomputed on publish and on a
visibility change, never pooled by a page, paginated, and never fed by a result the reader
may not see."""

from __future__ import annotations

import math
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

import carrefour.stats as stats
from carrefour.experiments import selectors, services
from carrefour.experiments.models import Analysis, EvidenceGroup, Publication
from carrefour.experiments.services.evidence import evidence_rebuild
from carrefour.experiments.views import evidence as evidence_views
from tests.directory.factories import JurisdictionFactory, public_servant
from tests.experiments.factories import make_experiment

PUBLIC, GOVERNMENT = EvidenceGroup.Audience.PUBLIC, EvidenceGroup.Audience.GOVERNMENT


def _finished_analysis(experiment, *, estimate: float, std_error: float) -> Analysis:
    """A finished analysis as the engine stores it (the upload and engine are tested elsewhere):
    the primary outcome's first effect is what a publication pools."""
    return Analysis.objects.create(
        experiment=experiment, status=Analysis.Status.DONE, progress=100, options={},
        result={
            "n": {"control": 200, "treatment": 200},
            "results": [{"outcome": "paid", "effects": [{
                "arm": "treatment", "estimate": estimate, "std_error": std_error,
                "ci_low": estimate - 1.96 * std_error, "ci_high": estimate + 1.96 * std_error,
            }]}],
        },
    )


def _publish(owner, team, capture, *, estimate: float, std_error: float = 0.03, execute: bool = True, **plan):
    """Register an experiment and publish its result through the real services, running (or
    only capturing) what they enqueue on commit."""
    experiment = make_experiment(owner, team=team, register=True, **plan)
    analysis = _finished_analysis(experiment, estimate=estimate, std_error=std_error)
    with capture(execute=execute) as callbacks:
        services.publication_create(
            experiment=experiment, actor=owner, analysis=analysis, verdict="worked",
            summary_en="Plain summary", summary_fr="Résumé clair",
        )
    experiment.captured = callbacks
    return experiment


def _group(audience: str, intervention_type: str = "reminder", outcome_domain: str = "tax_compliance"):
    return EvidenceGroup.objects.filter(
        audience=audience, intervention_type=intervention_type, outcome_domain=outcome_domain
    ).first()


@pytest.fixture
def publish(owner, team, django_capture_on_commit_callbacks):
    def _make(**kwargs):
        return _publish(owner, team, django_capture_on_commit_callbacks, **kwargs)
    return _make


def test_stored_pooling_equals_the_engine_on_the_same_inputs(publish):
    inputs = [(0.10, 0.02), (0.02, 0.03), (-0.05, 0.04)]
    studies = [publish(estimate=e, std_error=s, jurisdiction=JurisdictionFactory()) for e, s in inputs]
    expected = stats.meta_analysis([e for e, _s in inputs], [s for _e, s in inputs])
    group = _group(PUBLIC)
    assert group.k == 3
    assert group.publication_ids == [s.publication.pk for s in studies]
    for key in ("estimate", "std_error", "ci_low", "ci_high", "p_value"):
        assert math.isclose(group.meta["random"][key], getattr(expected.random, key), rel_tol=1e-12, abs_tol=1e-15)
        assert math.isclose(group.meta["fixed"][key], getattr(expected.fixed, key), rel_tol=1e-12, abs_tol=1e-15)
    assert math.isclose(group.i2, expected.i2, rel_tol=1e-12, abs_tol=1e-15)
    assert math.isclose(group.tau2, expected.tau2, rel_tol=1e-12, abs_tol=1e-15)
    assert math.isclose(group.random_estimate, expected.random.estimate, rel_tol=1e-12)
    assert math.isclose(group.fixed_estimate, expected.fixed.estimate, rel_tol=1e-12)
    for stored, engine in zip(group.meta["weights_random"], expected.weights_random, strict=True):
        assert math.isclose(stored, engine, rel_tol=1e-12)


def test_publishing_recomputes_the_group_after_commit(publish):
    publish(estimate=0.10, std_error=0.02)
    assert _group(PUBLIC).k == 1 and _group(PUBLIC).meta is None
    pending = publish(estimate=0.04, std_error=0.03, execute=False)
    # Nothing changes until the transaction commits and the task runs...
    assert len(pending.captured) == 1
    assert _group(PUBLIC).k == 1
    pending.captured[0]()
    # ...then the group holds both, pooled.
    group = _group(PUBLIC)
    assert group.k == 2 and pending.publication.pk in group.publication_ids
    expected = stats.meta_analysis([0.10, 0.04], [0.02, 0.03])
    assert math.isclose(group.meta["random"]["estimate"], expected.random.estimate, rel_tol=1e-12)


def test_a_result_made_private_leaves_the_pooling(publish, owner, django_capture_on_commit_callbacks):
    kept = publish(estimate=0.10, std_error=0.02)
    leaving = publish(estimate=0.30, std_error=0.02)
    assert _group(PUBLIC).k == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.experiment_update(experiment=leaving, actor=owner, data={"visibility": "private"})
    assert _group(PUBLIC).publication_ids == [kept.publication.pk]
    assert _group(GOVERNMENT).publication_ids == [kept.publication.pk]
    with django_capture_on_commit_callbacks(execute=True):
        services.experiment_update(experiment=leaving, actor=owner, data={"visibility": "government"})
    assert _group(PUBLIC).publication_ids == [kept.publication.pk]
    assert _group(GOVERNMENT).publication_ids == [kept.publication.pk, leaving.publication.pk]


def test_a_reader_sees_only_poolings_of_results_they_may_see(publish, client, outsider):
    public = [publish(estimate=0.10, std_error=0.02, title_en="Open A"),
              publish(estimate=0.02, std_error=0.03, title_en="Open B")]
    government = publish(estimate=0.20, std_error=0.02, title_en="Servants only", visibility="government")
    members = publish(estimate=0.50, std_error=0.02, title_en="Team only", visibility="members")
    private = publish(estimate=0.90, std_error=0.02, title_en="Owner only", visibility="private")
    public_only = stats.meta_analysis([0.10, 0.02], [0.02, 0.03])

    for reader in (None, outsider):
        if reader is not None:
            client.force_login(reader)
        [group] = selectors.evidence_groups(user=reader)
        assert [p.pk for p in group["studies"]] == [p.publication.pk for p in public]
        assert group["meta"]["random"]["estimate"] == public_only.random.estimate
        listed = client.get("/en/experiments/what-works/")
        assert [g["k"] for g in listed.context["groups"]] == [2]
        assert listed.context["groups"][0]["meta"]["random"]["estimate"] == public_only.random.estimate
        html = client.get("/en/experiments/what-works/reminder/tax_compliance/").content.decode()
        assert "Open A" in html and "Open B" in html
        for hidden in ("Servants only", "Team only", "Owner only"):
            assert hidden not in html

    servant = public_servant()
    [group] = selectors.evidence_groups(user=servant)
    assert [p.pk for p in group["studies"]] == [*(p.publication.pk for p in public), government.publication.pk]
    stored = {pk for g in EvidenceGroup.objects.all() for pk in g.publication_ids}
    assert members.publication.pk not in stored and private.publication.pk not in stored


def test_pages_read_the_stored_pooling_and_never_pool(publish, client):
    publish(estimate=0.10, std_error=0.02)
    publish(estimate=0.02, std_error=0.03)
    refuse = mock.Mock(side_effect=AssertionError("a page pooled"))
    with mock.patch("carrefour.experiments.services.evidence.evidence_pool", refuse), \
            mock.patch("carrefour.stats.meta_analysis", refuse):
        for url in ("/en/experiments/what-works/", "/fr/experiments/what-works/reminder/tax_compliance/", "/en/",
                    "/api/experiments/what-works/"):
            assert client.get(url).status_code == 200
    refuse.assert_not_called()
    home = client.get("/en/").content.decode()
    assert "Evidence groups" in home


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/en/experiments/what-works/", "/en/", "/en/experiments/what-works/reminder/tax_compliance/"])
def test_query_count_does_not_grow_with_results_or_groups(publish, client, url):
    publish(estimate=0.10, std_error=0.02)
    publish(estimate=0.02, std_error=0.03)
    client.get(url)  # warm caches (site, jurisdictions) so that both counts are alike
    small = _queries(client, url)
    for i, (itype, domain) in enumerate([("reminder", "tax_compliance"), ("default_option", "health"),
                                         ("incentive", "civic"), ("reminder", "tax_compliance")]):
        publish(estimate=0.01 * i, std_error=0.02 + 0.01 * i, intervention_type=itype, outcome_domain=domain,
                jurisdiction=JurisdictionFactory())
    assert EvidenceGroup.objects.filter(audience=PUBLIC).count() == 3
    assert _queries(client, url) == small


def test_what_works_is_paginated_in_the_database_and_keeps_its_filters(publish, client, monkeypatch):
    monkeypatch.setattr(evidence_views, "GROUPS_PER_PAGE", 2)
    for itype, domain in [("reminder", "tax_compliance"), ("reminder", "health"), ("reminder", "civic"),
                          ("incentive", "health")]:
        publish(estimate=0.05, std_error=0.02, intervention_type=itype, outcome_domain=domain)
    first = client.get("/en/experiments/what-works/", {"intervention_type": "reminder"})
    assert [g["outcome_domain"] for g in first.context["groups"]] == ["civic", "health"]
    assert first.context["page_obj"].paginator.count == 3
    assert "intervention_type=reminder" in first.content.decode().split('rel="next"')[0].rsplit("href=", 1)[1]
    second = client.get("/en/experiments/what-works/", {"intervention_type": "reminder", "page": 2})
    assert [g["outcome_domain"] for g in second.context["groups"]] == ["tax_compliance"]
    by_domain = client.get("/en/experiments/what-works/", {"outcome_domain": "health"})
    assert [g["intervention_type"] for g in by_domain.context["groups"]] == ["incentive", "reminder"]


def test_home_counts_the_groups_the_reader_may_see(publish, client):
    from carrefour.experiments.home import evidence_section

    publish(estimate=0.05, std_error=0.02)
    publish(estimate=0.05, std_error=0.02, outcome_domain="health", visibility="government")
    assert evidence_section(user=None)["stats"][0][1] == 1
    assert evidence_section(user=public_servant())["stats"][0][1] == 2


def test_rebuild_evidence_recomputes_every_group(publish):
    publish(estimate=0.10, std_error=0.02)
    publish(estimate=0.02, std_error=0.03)
    publish(estimate=0.05, std_error=0.02, outcome_domain="health")
    before = {(g.audience, g.intervention_type, g.outcome_domain, g.outcome_kind): (g.publication_ids, g.meta)
              for g in EvidenceGroup.objects.all()}
    EvidenceGroup.objects.all().delete()
    EvidenceGroup.objects.create(audience=PUBLIC, intervention_type="other", outcome_domain="other",
                                 outcome_kind="binary", k=1, publication_ids=[0])
    call_command("rebuild_evidence", stdout=open("/dev/null", "w"))  # noqa: SIM115
    after = {(g.audience, g.intervention_type, g.outcome_domain, g.outcome_kind): (g.publication_ids, g.meta)
             for g in EvidenceGroup.objects.all()}
    assert after == before and len(after) == 4
    assert evidence_rebuild() == 4
    assert Publication.objects.count() == 3


def test_the_migration_stores_the_groups_of_results_published_before_it(publish):
    from importlib import import_module

    from django.apps import apps

    publish(estimate=0.10, std_error=0.02)
    publish(estimate=0.02, std_error=0.03, visibility="government")
    publish(estimate=0.05, std_error=0.02, visibility="private")
    by_service = {(g.audience, g.outcome_kind): (g.publication_ids, g.jurisdiction_ids, g.meta)
                  for g in EvidenceGroup.objects.all()}
    EvidenceGroup.objects.all().delete()
    import_module("carrefour.experiments.migrations.0008_evidence_groups").store_existing_groups(apps, None)
    by_migration = {(g.audience, g.outcome_kind): (g.publication_ids, g.jurisdiction_ids, g.meta)
                    for g in EvidenceGroup.objects.all()}
    assert by_migration == by_service
    assert by_service[(PUBLIC, "binary")][2] is None and by_service[(GOVERNMENT, "binary")][2]["k"] == 2
