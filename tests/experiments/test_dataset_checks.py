"""An uploaded file's full checks run in the task worker: the page shows them running, then ready
or refused (the reason in the reader's language, the file removed); nothing analyses a file before."""

from __future__ import annotations

import datetime
import html
import re
import time
from pathlib import Path

import pytest
from django.utils import timezone, translation

from carrefour.core.exceptions import ApplicationError
from carrefour.experiments import services
from carrefour.experiments.models import Analysis, Dataset
from carrefour.experiments.services import analysis as analysis_module
from tests.experiments.factories import make_experiment, outcomes_csv


@pytest.fixture
def experiment(owner, team):
    return make_experiment(owner, team=team, register=True)


def _status_cell(page: str, dataset: Dataset) -> str:
    match = re.search(rf'<div id="dataset-{dataset.pk}-status"(.*?)</div>', page, re.S)
    assert match, page
    return match.group(0)


def test_a_new_upload_is_checking_until_the_task_runs_and_cannot_be_analysed(experiment, owner, client):
    client.force_login(owner)
    response = client.post(f"/en/experiments/{experiment.pk}/data/", {"file": outcomes_csv()})  # no commit: no task
    dataset = experiment.datasets.get()
    assert response["Location"] == f"/en/experiments/{experiment.pk}/data/#dataset-{dataset.pk}"
    assert (dataset.status, dataset.rows, dataset.attempts) == (Dataset.Status.CHECKING, None, 0)
    assert Path(dataset.path).exists()
    assert not Analysis.objects.filter(experiment=experiment).exists()

    for language, label in (("en", "Being checked"), ("fr", "En cours de vérification")):
        page = client.get(f"/{language}/experiments/{experiment.pk}/data/").content.decode()
        cell = _status_cell(page, dataset)
        assert f'hx-get="/{language}/experiments/{experiment.pk}/data/{dataset.pk}/status/"' in cell
        assert 'hx-trigger="every 2s"' in cell
        assert f'data-status="checking">{label}</span>' in cell
        assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page  # without JavaScript
        assert 'name="dataset"' not in cell  # no "Analyse" button yet
    fragment = client.get(f"/en/experiments/{experiment.pk}/data/{dataset.pk}/status/", HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in fragment and "HX-Redirect" not in fragment

    with translation.override("fr"), pytest.raises(ApplicationError) as caught:
        services.analysis_request(experiment=experiment, actor=owner, dataset=dataset)
    assert str(caught.value) == (
        "Ce fichier de données est encore en cours de vérification\u00a0; il pourra être analysé une fois ses "
        "vérifications réussies."
    )
    refused = client.post(f"/en/experiments/{experiment.pk}/analyses/", {"dataset": dataset.pk}, follow=True)
    assert "This data file is still being checked" in refused.content.decode()
    assert not Analysis.objects.filter(experiment=experiment).exists()

    # The worker runs the checks: the file is ready, with its rows, and the page stops polling.
    services.dataset_check(dataset_id=dataset.pk)
    dataset.refresh_from_db()
    assert (dataset.status, dataset.rows) == (Dataset.Status.READY, 400)
    # "Upload and analyse": the analysis was requested as the checks passed; the page goes to it.
    analysis = Analysis.objects.get(experiment=experiment)
    assert (analysis.dataset, analysis.status, analysis.requested_by) == (dataset, Analysis.Status.QUEUED, owner)
    fragment = client.get(f"/en/experiments/{experiment.pk}/data/{dataset.pk}/status/", HTTP_HX_REQUEST="true")
    assert fragment["HX-Redirect"] == f"/en/experiments/{experiment.pk}/analyses/{analysis.pk}/"
    page = client.get(f"/en/experiments/{experiment.pk}/data/").content.decode()
    assert "hx-trigger" not in _status_cell(page, dataset) and "<noscript><meta" not in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Column “arm” has arm labels that are not in the plan: “letter” (the plan's arms are “control”, “treatment”)."),
        ("fr", "La colonne «\u00a0arm\u00a0» contient des étiquettes de groupe absentes du plan"),
    ],
)
def test_a_file_refused_by_its_checks_is_removed_and_its_reason_shown_in_the_reader_language(
    experiment, owner, client, django_capture_on_commit_callbacks, language, expected
):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/experiments/{experiment.pk}/data/", {"file": outcomes_csv(arms=("control", "letter"))})
    dataset = experiment.datasets.get()
    assert response["Location"] == f"/en/experiments/{experiment.pk}/data/#dataset-{dataset.pk}"
    assert (dataset.status, dataset.error_code) == (Dataset.Status.REFUSED, "arms_unknown")
    assert not Path(dataset.path).exists()
    assert not Analysis.objects.filter(experiment=experiment).exists()
    page = client.get(f"/{language}/experiments/{experiment.pk}/data/").content.decode()
    cell = _status_cell(page, dataset)
    error = html.unescape(re.search(rf'id="dataset-{dataset.pk}-error">(.*?)</p>', cell, re.S).group(1))
    label = {"en": "Refused", "fr": "Refusé"}[language]
    assert error.startswith(expected) and "“letter”" in error
    assert f'data-status="refused">{label}</span>' in cell
    assert "experiments-private" not in page and 'name="dataset"' not in cell
    with translation.override("en"), pytest.raises(ApplicationError, match="refused by its checks"):
        services.analysis_request(experiment=experiment, actor=owner, dataset=dataset)


def _check_died(dataset: Dataset, *, heartbeat_age: datetime.timedelta) -> Dataset:
    """What a worker killed while reading the file leaves: checking, attempt 1, an old heartbeat."""
    beat = timezone.now() - heartbeat_age
    Dataset.objects.filter(pk=dataset.pk).update(attempts=1, started_at=beat, heartbeat_at=beat)
    dataset.refresh_from_db()
    return dataset


def test_a_check_whose_worker_died_is_refused_after_the_lease_with_a_try_again_reason(experiment, owner, client):
    dataset = services.dataset_upload(experiment=experiment, actor=owner, file=outcomes_csv(), enqueue=False)
    live = _check_died(dataset, heartbeat_age=datetime.timedelta(seconds=5))
    assert services.datasets_expire_stale() == 0
    # A second delivery of the task leaves the file to the check that holds it.
    assert services.dataset_check(dataset_id=live.pk).status == Dataset.Status.CHECKING
    stale = _check_died(dataset, heartbeat_age=services.analysis_lease() * 2)
    client.force_login(owner)
    page = client.get(f"/fr/experiments/{experiment.pk}/data/").content.decode()
    cell = _status_cell(page, stale)
    assert "Téléversez-le de nouveau." in html.unescape(cell)
    assert 'data-status="refused"' in cell
    stale.refresh_from_db()
    assert (stale.status, stale.error_code, stale.rows) == (Dataset.Status.REFUSED, "check_stopped", None)
    assert not Path(stale.path).exists()
    with translation.override("en"):
        assert stale.error_display.endswith("so the file was not kept. Upload it again.")
    # The worker comes back: a check that lost its lease never makes the file ready.
    assert services.dataset_check(dataset_id=stale.pk).status == Dataset.Status.REFUSED


def test_a_check_that_lost_its_lease_while_reading_never_marks_the_file_ready(experiment, owner, monkeypatch):
    dataset = services.dataset_upload(experiment=experiment, actor=owner, file=outcomes_csv(), enqueue=False)
    from carrefour.experiments.services import checks as checks_module

    validate = checks_module._validate_dataset

    def slow(*args, **kwargs):
        result = validate(*args, **kwargs)
        Dataset.objects.filter(pk=dataset.pk).update(heartbeat_at=timezone.now() - services.analysis_lease() * 2)
        services.dataset_expire_if_stale(dataset=Dataset.objects.get(pk=dataset.pk))
        return result

    monkeypatch.setattr(checks_module, "_validate_dataset", slow)
    checked = services.dataset_check(dataset_id=dataset.pk)
    assert (checked.status, checked.error_code, checked.rows) == (Dataset.Status.REFUSED, "check_stopped", None)


def test_the_check_heartbeat_is_the_analysis_lease_mechanism(transactional_db, settings, owner, team):
    settings.ANALYSIS_LEASE_SECONDS = 0.4
    experiment = make_experiment(owner, team=team, register=True)
    dataset = _check_died(
        services.dataset_upload(experiment=experiment, actor=owner, file=outcomes_csv(), enqueue=False),
        heartbeat_age=datetime.timedelta(seconds=0),
    )
    before = dataset.heartbeat_at
    with analysis_module._Heartbeat(dataset, running=Dataset.Status.CHECKING):
        time.sleep(0.5)
    dataset.refresh_from_db()
    assert dataset.heartbeat_at > before and not services.dataset_is_stale(dataset)
