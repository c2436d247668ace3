"""Experiments API: visibility, the registered document, suppressed results, pooled evidence."""

from __future__ import annotations

import datetime
import hashlib
import json

from django.test import TestCase
from django.utils import timezone

from carrefour.experiments import plan as plan_module
from carrefour.experiments import services
from tests.experiments.factories import make_experiment, outcomes_csv, upload_checked


def _publish(owner, team, **kwargs):
    experiment = make_experiment(owner, team=team, register=True, **kwargs)
    dataset = upload_checked(experiment=experiment, actor=owner, file=outcomes_csv())
    analysis = services.analysis_run(
        analysis_id=services.analysis_request(experiment=experiment, actor=owner, dataset=dataset, enqueue=False).pk
    )
    with TestCase.captureOnCommitCallbacks(execute=True):  # What works is recomputed after commit
        services.publication_create(experiment=experiment, actor=owner, analysis=analysis, verdict="inconclusive", summary_en="s")
    return experiment


def test_list_follows_visibility(owner, team, client):
    make_experiment(owner, team=team, title_en="Open")
    make_experiment(owner, team=team, title_en="Closed", visibility="private")
    assert [e["title_en"] for e in client.get("/api/experiments/").json()["items"]] == ["Open"]
    client.force_login(owner)
    assert {e["title_en"] for e in client.get("/api/experiments/").json()["items"]} == {"Open", "Closed"}


def test_detail_gives_the_registered_document_and_suppressed_results(owner, team, client):
    experiment = _publish(owner, team)
    data = client.get(f"/api/experiments/{experiment.pk}/").json()
    assert hashlib.sha256(plan_module.canonical_bytes(data["registration"])).hexdigest() == data["registration_sha256"]
    assert data["publication"]["verdict"] == "inconclusive"
    assert data["publication"]["results"][0]["outcome"] == "paid"
    assert client.get("/api/experiments/999999/").status_code == 404


def test_embargo_hides_the_document(owner, team, client):
    experiment = make_experiment(owner, team=team)
    services.experiment_register(
        experiment=experiment, actor=owner, public_fields=[],
        embargo_until=timezone.localdate() + datetime.timedelta(days=3),
    )
    data = client.get(f"/api/experiments/{experiment.pk}/").json()
    assert data["registration"] is None and data["registration_sha256"]


def test_what_works_pools(owner, team, client):
    a, b = _publish(owner, team), _publish(owner, team)
    groups = client.get("/api/experiments/what-works/").json()["items"]
    assert sorted(groups[0]["studies"]) == sorted([a.pk, b.pk])
    assert groups[0]["meta"]["k"] == 2
    assert json.dumps(groups)


def test_what_works_lists_only_the_studies_its_readers_still_see(owner, team, client):
    """Between a visibility change and the recomputation it enqueues, a study made private is left out."""
    a, b, c = (_publish(owner, team) for _ in range(3))
    # Not run: the recomputation enqueued on commit (the stored group still lists the three studies).
    services.experiment_update(experiment=c, actor=owner, data={"visibility": "private"})
    groups = client.get("/api/experiments/what-works/").json()["items"]
    assert [sorted(g["studies"]) for g in groups] == [sorted([a.pk, b.pk])]
    assert groups[0]["meta"]["k"] == 3  # the stored pooling, read as it is until recomputed
