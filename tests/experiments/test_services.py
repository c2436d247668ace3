"""Experiment services: frozen registrations, hashes, randomization, uploads, analysis, publication."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

import carrefour.stats as stats
from carrefour.core.exceptions import ApplicationError
from carrefour.core.models import AuditEntry
from carrefour.experiments import plan as plan_module
from carrefour.experiments import services
from carrefour.experiments.models import Analysis, Dataset, Experiment
from tests.experiments.factories import make_experiment, outcomes_csv, units_csv, upload_checked


def test_create_computes_power_with_the_engine(owner, team):
    experiment = make_experiment(owner, team=team)
    expected = stats.power(outcome="binary", baseline=0.5, mde=0.05, alpha=0.05, power=0.8, ratio=1.0, arms=2)
    assert experiment.power_result["n_control"] == expected.n_control
    assert experiment.power_result["n_total"] == expected.n_total
    assert AuditEntry.objects.filter(object_id=str(experiment.pk), action="create").exists()


def test_plan_rules(owner, team):
    with pytest.raises(ApplicationError, match="at least two arms"):
        make_experiment(owner, team=team, arms=[{"label": "control", "allocation": 1}])
    with pytest.raises(ApplicationError, match="distinct"):
        make_experiment(owner, team=team, arms=[{"label": "a", "allocation": 1}, {"label": "a", "allocation": 1}])
    with pytest.raises(ApplicationError, match="title"):
        make_experiment(owner, team=team, title_en="", title_fr="")


def test_registration_hash_is_sha256_of_the_canonical_json(owner, team):
    experiment = make_experiment(owner, team=team, register=True)
    registration = experiment.registration
    data = registration.canonical_json.encode("utf-8")
    assert hashlib.sha256(data).hexdigest() == registration.sha256
    document = json.loads(data)
    # canonical: sorted keys, no whitespace separators, UTF-8 (not \u escapes)
    assert data == json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert "Témoin".encode() in data
    assert document["experiment"] == experiment.pk
    assert document["registered_at"].endswith("Z")
    check = services.registration_verify(registration=registration)
    assert check == {"sha256": registration.sha256, "matches": True, "plan_unchanged": True}


def test_sha256sum_on_the_downloaded_file_verifies(owner, team, client, tmp_path):
    experiment = make_experiment(owner, team=team, register=True)
    response = client.get(f"/en/experiments/{experiment.pk}/registration.json")
    assert response.status_code == 200
    path = tmp_path / "registration.json"
    path.write_bytes(response.content)
    if shutil.which("sha256sum"):
        out = subprocess.run(["sha256sum", str(path)], capture_output=True, text=True, check=True).stdout
        assert out.split()[0] == experiment.registration.sha256
    page = client.get(f"/en/experiments/{experiment.pk}/registration/").content.decode()
    assert experiment.registration.sha256 in page
    assert "sha256sum" in page


def test_withheld_fields_appear_as_digests_that_the_team_can_prove(owner, team):
    experiment = make_experiment(owner, team=team, register=True)
    registration = experiment.registration
    document = json.loads(registration.canonical_json)
    withheld = document["plan"]["intervention"]
    assert "A secret letter design" not in registration.canonical_json
    value = plan_module.plan_values(experiment)["intervention"]
    assert withheld == {"withheld_sha256": plan_module.withheld_digest(registration.salts["intervention"], value)}
    assert document["plan"]["question"]["en"] == "Do reminders help?"


def test_registered_plan_is_frozen_for_everyone(owner, team, admin, moderator):
    experiment = make_experiment(owner, team=team, register=True)
    for actor in (owner, admin):
        with pytest.raises(ApplicationError, match="frozen"):
            services.experiment_update(experiment=experiment, actor=actor, data={"title_en": "Changed"})
    with pytest.raises(ApplicationError, match="team"):
        services.experiment_update(experiment=experiment, actor=moderator, data={"title_en": "Changed"})
    with pytest.raises(ApplicationError, match="already registered"):
        services.experiment_register(experiment=experiment, actor=owner, public_fields=[])
    # who sees it can still change, audited
    services.experiment_update(experiment=experiment, actor=owner, data={"visibility": "government"})
    experiment.refresh_from_db()
    assert experiment.visibility == "government"
    assert experiment.title_en == "Reminder letters"
    assert services.registration_verify(registration=experiment.registration)["plan_unchanged"]


def test_tampering_is_detected(owner, team):
    experiment = make_experiment(owner, team=team, register=True)
    Experiment.objects.filter(pk=experiment.pk).update(question_en="Edited behind the service's back")
    experiment.refresh_from_db()
    check = services.registration_verify(registration=experiment.registration)
    assert check["matches"] and not check["plan_unchanged"]
    assert not services.registration_verify(registration=experiment.registration, data=b"{}")["matches"]


def test_deviation_is_recorded_beside_the_plan(owner, team, client):
    experiment = make_experiment(owner, team=team)
    with pytest.raises(ApplicationError, match="after registration"):
        services.deviation_declare(experiment=experiment, actor=owner, plan_field="population", description_en="x", reason_en="y")
    services.experiment_register(experiment=experiment, actor=owner, public_fields=plan_module.SWITCHABLE)
    experiment.refresh_from_db()
    with pytest.raises(ApplicationError, match="reason"):
        services.deviation_declare(experiment=experiment, actor=owner, plan_field="population", description_en="x")
    services.deviation_declare(
        experiment=experiment, actor=owner, plan_field="population",
        description_en="Nunavut left out", reason_en="Mail schedule",
    )
    page = client.get(experiment.get_absolute_url()).content.decode()
    section = page.split('id="plan-population"')[1].split("</section>")[0]
    assert "Nunavut left out" in section and "Mail schedule" in section
    assert "Declared deviations" in section


def _assignment_bytes(randomization) -> bytes:
    return Path(randomization.assignment_path).read_bytes()


def test_randomization_is_reproducible_byte_for_byte(owner, team):
    experiment = make_experiment(owner, team=team, register=True)
    first = services.randomization_run(experiment=experiment, actor=owner, units_file=units_csv(), seed=42)
    second = services.randomization_run(experiment=experiment, actor=owner, units_file=units_csv(), seed=42)
    other = services.randomization_run(experiment=experiment, actor=owner, units_file=units_csv(), seed=43)
    assert _assignment_bytes(first) == _assignment_bytes(second)
    assert first.assignment_sha256 == second.assignment_sha256 == hashlib.sha256(_assignment_bytes(first)).hexdigest()
    assert other.assignment_sha256 != first.assignment_sha256
    assert first.summary["n"] == {"control": 100, "treatment": 100}
    assert first.summary["strata"] == 2
    assert [b["column"] for b in first.summary["balance"]] == ["age"]  # the unit ID is not a covariate
    header = _assignment_bytes(first).splitlines()[0]
    assert header == b'"unit_id","region","age","arm"'
    assert experiment.randomizations.count() == 3  # earlier runs are kept


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: units_csv(duplicate=True), "must be unique; duplicated: “1”"),
        (lambda: units_csv(extra="arm"), "already has a column “arm”"),
        (lambda: SimpleUploadedFile("units.xlsx", b"x"), "not a CSV or Parquet"),
        (lambda: SimpleUploadedFile("units.csv", b"unit_id,age\n1,3\n"), "no column named “region”"),
    ],
)
def test_randomization_bad_input(owner, team, upload, message):
    experiment = make_experiment(owner, team=team, register=True)
    with pytest.raises(ApplicationError, match=message):
        services.randomization_run(experiment=experiment, actor=owner, units_file=upload(), seed=1)
    assert not experiment.randomizations.exists()


def test_randomization_needs_registration(owner, team):
    experiment = make_experiment(owner, team=team)
    with pytest.raises(ApplicationError, match="Register the plan"):
        services.randomization_run(experiment=experiment, actor=owner, units_file=units_csv(), seed=1)


def _stored_files(experiment) -> list[Path]:
    folder = services.private_root() / str(experiment.pk) / "data"
    return sorted(folder.glob("*")) if folder.exists() else []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"drop_column": "paid"}, "no column named “paid”"),
        ({"drop_column": "region"}, "no column named “region”"),
        ({"name": "outcomes.txt"}, "not a CSV or Parquet"),
    ],
)
def test_dataset_bad_input_names_the_problem_and_touches_nothing(owner, team, kwargs, message):
    """Read from the first bytes: refused in the request itself."""
    experiment = make_experiment(owner, team=team, register=True)
    good = upload_checked(experiment=experiment, actor=owner, file=outcomes_csv())
    before = _stored_files(experiment)
    with pytest.raises(ApplicationError, match=message):
        services.dataset_upload(experiment=experiment, actor=owner, file=outcomes_csv(**kwargs))
    assert _stored_files(experiment) == before
    assert list(Dataset.objects.filter(experiment=experiment)) == [good]
    assert Path(good.path).read_bytes()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"arms": ("control", "treatmnet")}, "arm labels that are not in the plan: “treatmnet”"),
        ({"duplicate": True}, "must be unique; duplicated: “1” (2×)"),
    ],
)
def test_dataset_refused_by_its_checks_names_the_problem_and_keeps_no_file(owner, team, kwargs, message):
    """Found by reading the whole file: refused by the task's checks, the file removed."""
    experiment = make_experiment(owner, team=team, register=True)
    good = upload_checked(experiment=experiment, actor=owner, file=outcomes_csv())
    before = _stored_files(experiment)
    refused = upload_checked(experiment=experiment, actor=owner, file=outcomes_csv(**kwargs))
    assert refused.status == Dataset.Status.REFUSED
    assert message in refused.error_display
    assert not Path(refused.path).exists()
    assert _stored_files(experiment) == before
    assert list(Dataset.objects.filter(experiment=experiment)) == [refused, good]
    with pytest.raises(ApplicationError, match="refused by its checks"):
        services.analysis_request(experiment=experiment, actor=owner, dataset=refused)


def test_dataset_over_the_limit_is_refused(owner, team, settings):
    experiment = make_experiment(owner, team=team, register=True)
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ApplicationError, match="larger than the limit"):
        upload_checked(experiment=experiment, actor=owner, file=outcomes_csv())
    assert _stored_files(experiment) == []
    assert not experiment.datasets.exists()


def test_dataset_is_stored_outside_the_web_root_with_its_checksum(owner, team, settings):
    experiment = make_experiment(owner, team=team, register=True)
    upload = outcomes_csv()
    content = upload.read()
    upload.seek(0)
    dataset = upload_checked(experiment=experiment, actor=owner, file=upload)
    path = Path(dataset.path)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT)) and not path.is_relative_to(Path(settings.STATIC_ROOT))
    assert dataset.sha256 == hashlib.sha256(content).hexdigest()
    assert dataset.rows == 400 and dataset.size == len(content)


def test_analysis_runs_as_a_task_and_stores_the_engine_result(owner, team, django_capture_on_commit_callbacks):
    experiment = make_experiment(owner, team=team, register=True, subgroup_column="region")
    dataset = upload_checked(experiment=experiment, actor=owner, file=outcomes_csv())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        analysis = services.analysis_request(experiment=experiment, actor=owner, dataset=dataset)
        assert analysis.status == Analysis.Status.QUEUED
    assert len(callbacks) == 1
    analysis.refresh_from_db()
    assert analysis.status == Analysis.Status.DONE, analysis.error
    assert analysis.progress == 100
    assert analysis.engine_version == stats.__version__
    assert analysis.input_sha256 == dataset.sha256
    expected = stats.analyze(
        dataset.path, treatment="arm", outcomes=["paid"], control="control", covariates=["age"], strata=["region"],
        subgroup="region", allocation={"control": 0.5, "treatment": 0.5}, adjust="holm", alpha=0.05,
    ).to_dict()
    stored = {k: v for k, v in analysis.result.items() if k != "meta"}
    assert stored == json.loads(json.dumps(expected))
    assert analysis.result["meta"]["covariance"] == "HC2"


def test_failed_analysis_shows_its_error_and_can_be_retried(owner, team, django_capture_on_commit_callbacks):
    experiment = make_experiment(owner, team=team, register=True)
    dataset = upload_checked(experiment=experiment, actor=owner, file=outcomes_csv())
    moved = Path(dataset.path).with_suffix(".away")
    Path(dataset.path).rename(moved)
    with django_capture_on_commit_callbacks(execute=True):
        analysis = services.analysis_request(experiment=experiment, actor=owner, dataset=dataset)
    analysis.refresh_from_db()
    assert analysis.status == Analysis.Status.FAILED
    assert "missing from storage" in analysis.error
    moved.rename(dataset.path)
    with django_capture_on_commit_callbacks(execute=True):
        services.analysis_retry(analysis=analysis, actor=owner)
    analysis.refresh_from_db()
    assert analysis.status == Analysis.Status.DONE and analysis.attempts == 2 and analysis.error == ""
    with pytest.raises(ApplicationError, match="Only a failed analysis"):
        services.analysis_retry(analysis=analysis, actor=owner)


def _analysed(owner, team, **kwargs):
    experiment = make_experiment(owner, team=team, register=True, **kwargs)
    dataset = upload_checked(experiment=experiment, actor=owner, file=outcomes_csv())
    analysis = services.analysis_request(experiment=experiment, actor=owner, dataset=dataset, enqueue=False)
    return experiment, services.analysis_run(analysis_id=analysis.pk)


def test_publication_is_final_and_records_the_primary_effect(owner, team):
    experiment, analysis = _analysed(owner, team)
    with pytest.raises(ApplicationError, match="summary"):
        services.publication_create(experiment=experiment, actor=owner, analysis=analysis, verdict="worked")
    publication = services.publication_create(
        experiment=experiment, actor=owner, analysis=analysis, verdict="worked", summary_en="It worked."
    )
    effect = analysis.result["results"][0]["effects"][0]
    assert (publication.estimate, publication.std_error, publication.arm) == (effect["estimate"], effect["std_error"], "treatment")
    experiment.refresh_from_db()
    with pytest.raises(ApplicationError, match="already published"):
        services.publication_create(experiment=experiment, actor=owner, analysis=analysis, verdict="harmful", summary_en="x")


def test_a_withheld_part_made_public_later_checks_against_the_registration(owner, team, moderator, outsider):
    from carrefour.experiments import selectors

    experiment = make_experiment(owner, team=team, register=True)
    registration = experiment.registration
    before = (registration.canonical_json, registration.sha256)
    rows = {r["key"]: r for r in selectors.plan_rows(experiment=experiment, user=None)}
    assert rows["intervention"]["hidden"] and rows["intervention"]["value"] is None

    for who in (moderator, outsider):
        with pytest.raises(ApplicationError):
            services.plan_field_disclose(experiment=experiment, actor=who, plan_field="intervention")
    with pytest.raises(ApplicationError, match="already in the public version"):
        services.plan_field_disclose(experiment=experiment, actor=owner, plan_field="question")
    disclosure = services.plan_field_disclose(experiment=experiment, actor=owner, plan_field="intervention")
    with pytest.raises(ApplicationError, match="already been made public"):
        services.plan_field_disclose(experiment=experiment, actor=owner, plan_field="intervention")
    assert AuditEntry.objects.filter(object_id=str(experiment.pk), note="disclosed").exists()

    # Everyone now sees it; the registration itself is untouched and still verifies.
    rows = {r["key"]: r for r in selectors.plan_rows(experiment=experiment, user=None)}
    assert not rows["intervention"]["hidden"] and rows["intervention"]["disclosed"] == disclosure
    assert "A secret letter design" in str(rows["intervention"]["value"])
    registration.refresh_from_db()
    assert (registration.canonical_json, registration.sha256) == before
    assert services.registration_verify(registration=registration)["matches"]

    # The published salt and text give back the digest in the registration file, by hand.
    (check,) = selectors.disclosure_checks(registration=registration)
    in_file = json.loads(registration.canonical_json)["plan"]["intervention"]["withheld_sha256"]
    recomputed = hashlib.sha256(check["salt"].encode() + b":" + check["value_json"].encode()).hexdigest()
    assert recomputed == in_file == check["sha256"] and check["matches"]


def test_only_a_registered_plan_has_parts_to_make_public(owner, team):
    experiment = make_experiment(owner, team=team)
    with pytest.raises(ApplicationError, match="Only a registered plan"):
        services.plan_field_disclose(experiment=experiment, actor=owner, plan_field="intervention")


def test_sweep_lists_and_removes_only_old_files_that_no_record_points_to(owner, team):
    import io
    import os
    import time as time_module

    from django.core.management import call_command

    experiment = make_experiment(owner, team=team, register=True)
    randomization = services.randomization_run(experiment=experiment, actor=owner, units_file=units_csv(), seed=7)
    dataset = upload_checked(experiment=experiment, actor=owner, file=outcomes_csv())
    folder = services.private_root() / str(experiment.pk) / "data"
    orphan, fresh = folder / "left-by-a-killed-worker.csv", folder / "upload-in-progress.csv"
    orphan.write_bytes(b"unit_id,arm\n")
    fresh.write_bytes(b"unit_id,arm\n")
    two_days_ago = time_module.time() - 2 * 86400
    for path in (orphan, Path(dataset.path), Path(randomization.units_path), Path(randomization.assignment_path)):
        os.utime(path, (two_days_ago, two_days_ago))  # old, but referenced ones must stay

    assert services.private_files_unreferenced() == [orphan]
    out = io.StringIO()
    call_command("sweep_private_files", stdout=out)
    assert "Found 1 unreferenced file(s)" in out.getvalue() and orphan.exists()  # listing deletes nothing
    call_command("sweep_private_files", "--delete", stdout=out)
    assert not orphan.exists() and fresh.exists()
    assert all(Path(p).exists() for p in (dataset.path, randomization.units_path, randomization.assignment_path))
