"""An analysis whose worker dies is not "Running" for ever: its lease runs out, it fails and is retried."""

from __future__ import annotations

import datetime
import time

import pytest
from django.utils import timezone

from carrefour.core.exceptions import ApplicationError
from carrefour.experiments import services
from carrefour.experiments.models import Analysis
from carrefour.experiments.services import analysis as analysis_module
from tests.experiments.factories import make_experiment, outcomes_csv, upload_checked


def _requested(owner, team) -> Analysis:
    experiment = make_experiment(owner, team=team, register=True)
    dataset = upload_checked(experiment=experiment, actor=owner, file=outcomes_csv())
    return services.analysis_request(experiment=experiment, actor=owner, dataset=dataset, enqueue=False)


def _worker_died(analysis: Analysis, *, heartbeat_age: datetime.timedelta, requeued: bool = True) -> Analysis:
    """The state a worker killed mid-run leaves behind: running, its last heartbeat `heartbeat_age` ago.

    `requeued`: the run was already queued again once after a lost worker (so this loss fails it).
    """
    beat = timezone.now() - heartbeat_age
    Analysis.objects.filter(pk=analysis.pk).update(
        status=Analysis.Status.RUNNING, attempts=1, progress=20, step="estimating",
        started_at=beat - datetime.timedelta(seconds=5), heartbeat_at=beat,
        error_params={"requeues": 1} if requeued else {},
    )
    analysis.refresh_from_db()
    return analysis


def test_a_run_without_a_heartbeat_within_the_lease_is_failed_and_can_be_retried(
    owner, team, django_capture_on_commit_callbacks
):
    analysis = _worker_died(_requested(owner, team), heartbeat_age=services.analysis_lease() * 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.analysis_retry(analysis=analysis, actor=owner)
    analysis.refresh_from_db()
    assert (analysis.status, analysis.attempts, analysis.error) == (Analysis.Status.DONE, 2, "")
    assert analysis.result["results"]


def test_a_live_run_is_left_alone_and_not_retried(owner, team):
    analysis = _worker_died(_requested(owner, team), heartbeat_age=datetime.timedelta(seconds=5))
    with pytest.raises(ApplicationError, match="Only a failed analysis"):
        services.analysis_retry(analysis=analysis, actor=owner)
    assert services.analyses_expire_stale() == 0
    # A second worker given the same analysis leaves it to the one that holds it.
    assert services.analysis_run(analysis_id=analysis.pk).status == Analysis.Status.RUNNING
    analysis.refresh_from_db()
    assert (analysis.attempts, analysis.result) == (1, {})


def test_the_page_shows_a_stale_run_as_failed_in_the_reader_language(owner, team, client):
    analysis = _worker_died(_requested(owner, team), heartbeat_age=services.analysis_lease() + datetime.timedelta(seconds=1))
    client.force_login(owner)
    url = f"/fr/experiments/{analysis.experiment_id}/analyses/{analysis.pk}/"
    page = client.get(url).content.decode()
    assert 'data-status="failed"' in page
    assert "Le processus qui exécutait cette analyse s&#x27;est arrêté avant la fin." in page
    assert "Relancer l'analyse" in page
    stored = Analysis.objects.get(pk=analysis.pk)
    assert (stored.status, stored.step, stored.result) == (Analysis.Status.FAILED, "stale", {})


def test_a_run_that_lost_its_lease_never_stores_its_result(owner, team, monkeypatch):
    analysis = _requested(owner, team)
    engine = analysis_module.stats.analyze

    def slow_engine(*args, **kwargs):
        result = engine(*args, **kwargs)
        # While the engine worked, the lease ran out and someone looked at the page.
        Analysis.objects.filter(pk=analysis.pk).update(heartbeat_at=timezone.now() - services.analysis_lease() * 2)
        services.analysis_expire_if_stale(analysis=Analysis.objects.get(pk=analysis.pk))
        return result

    monkeypatch.setattr(analysis_module.stats, "analyze", slow_engine)
    finished = services.analysis_run(analysis_id=analysis.pk)
    # The first loss queues it again (the task is enqueued after commit); nothing was stored.
    assert (finished.status, finished.step, finished.result, finished.engine_version) == (
        Analysis.Status.QUEUED, "requeued", {}, ""
    )


def test_the_periodic_sweep_fails_every_stale_run(owner, team):
    stale = _worker_died(_requested(owner, team), heartbeat_age=services.analysis_lease() * 3)
    assert services.analyses_expire_stale() == 1
    stale.refresh_from_db()
    assert stale.status == Analysis.Status.FAILED


def test_the_heartbeat_is_touched_while_the_engine_works(transactional_db, settings, owner, team):
    settings.ANALYSIS_LEASE_SECONDS = 0.4  # a beat every 0.1 s
    analysis = _worker_died(_requested(owner, team), heartbeat_age=datetime.timedelta(seconds=0))
    before = analysis.heartbeat_at
    with analysis_module._Heartbeat(analysis):
        time.sleep(0.5)
    analysis.refresh_from_db()
    assert analysis.heartbeat_at > before
    assert not services.analysis_is_stale(analysis)


def test_a_run_that_lost_its_worker_is_queued_again_once_then_failed(owner, team, client, django_capture_on_commit_callbacks):
    analysis = _requested(owner, team)
    stale = _worker_died(analysis, heartbeat_age=services.analysis_lease() * 2, requeued=False)
    client.force_login(owner)
    # The first loss: queued again (not failed), the page says why; the task is enqueued after commit.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page = client.get(f"/en/experiments/{stale.experiment_id}/analyses/{stale.pk}/").content.decode()
    assert len(callbacks) == 1
    stale.refresh_from_db()
    assert (stale.status, stale.step, stale.error_params, stale.result) == (
        Analysis.Status.QUEUED, "requeued", {"requeues": 1}, {}
    )
    assert 'data-status="queued"' in page and 'id="analysis-requeued"' in page
    assert "Retry the analysis" not in page
    french = client.get(f"/fr/experiments/{stale.experiment_id}/analyses/{stale.pk}/").content.decode()
    assert "a été remise en file d" in french
    # Its second run loses its worker too: now it fails, with the "you can retry" message.
    Analysis.objects.filter(pk=stale.pk).update(
        status=Analysis.Status.RUNNING, attempts=2, heartbeat_at=timezone.now() - services.analysis_lease() * 2
    )
    stale.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        failed = services.analysis_expire_if_stale(analysis=stale)
    assert callbacks == []
    assert (failed.status, failed.step) == (Analysis.Status.FAILED, "stale")
    # A retry by the team starts the count again: its next loss is requeued once more.
    with django_capture_on_commit_callbacks(execute=False):
        services.analysis_retry(analysis=failed, actor=owner)
    failed.refresh_from_db()
    assert (failed.status, failed.error_params) == (Analysis.Status.QUEUED, {})


def test_a_requeued_run_is_run_again_and_finishes(owner, team, django_capture_on_commit_callbacks):
    stale = _worker_died(_requested(owner, team), heartbeat_age=services.analysis_lease() * 2, requeued=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.analyses_expire_stale() == 1
    stale.refresh_from_db()
    assert (stale.status, stale.attempts) == (Analysis.Status.DONE, 2)
    assert stale.result["results"]
