"""Outcome uploads: malformed or hostile files are refused fast, clearly, in both languages,
and leave no file behind."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from carrefour.core.exceptions import ApplicationError
from carrefour.experiments import services
from carrefour.experiments.models import Dataset
from carrefour.experiments.services.files import private_root
from tests.experiments.factories import make_experiment, outcomes_csv

HEADER = "unit_id,arm,paid,age,region"


def _csv(text: str, name: str = "outcomes.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _rows(n: int, start: int = 1) -> list[str]:
    return [f"{i},{'control' if i % 2 else 'treatment'},{i % 2},{30 + i % 40},north" for i in range(start, start + n)]


def _leftovers() -> list[str]:
    return sorted(str(p) for p in private_root().rglob("*") if p.is_file())


@pytest.fixture
def experiment(owner, team):
    return make_experiment(owner, team=team, register=True)


def _refused(experiment, owner, upload) -> tuple[str, float]:
    before = _leftovers()
    started = time.monotonic()
    with pytest.raises(ApplicationError) as caught:
        services.dataset_upload(experiment=experiment, actor=owner, file=upload)
    seconds = time.monotonic() - started
    assert _leftovers() == before
    assert not Dataset.objects.filter(experiment=experiment).exists()
    message = str(caught.value.message if hasattr(caught.value, "message") else caught.value)
    assert "/" not in message and "--" not in message and "Error" not in message
    return message, seconds


@pytest.fixture
def refused_by_checks(owner, django_capture_on_commit_callbacks):
    """Upload a file the first bytes let through; its checks (the task, run after commit) refuse it."""

    def refuse(experiment, upload) -> tuple[str, float]:
        before = _leftovers()
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            dataset = services.dataset_upload(experiment=experiment, actor=owner, file=upload)
        seconds = time.monotonic() - started
        dataset.refresh_from_db()
        assert dataset.status == Dataset.Status.REFUSED
        assert _leftovers() == before
        assert dataset.rows is None
        message = dataset.error_display
        assert "/" not in message and "--" not in message and "Error" not in message
        return message, seconds

    return refuse


def test_a_header_of_200000_columns_is_refused_at_once(experiment, owner):
    header = ",".join(f"column_{i}" for i in range(200_000))
    upload = _csv(header + "\n" + ",".join("1" for _ in range(200_000)) + "\n")
    assert upload.size > 2_000_000
    message, seconds = _refused(experiment, owner, upload)
    assert seconds < 5
    assert message == "Line 1 of the file is longer than 1,048,576 bytes."


def test_too_many_columns_are_refused_from_the_header(experiment, owner):
    header = HEADER + "," + ",".join(f"x{i}" for i in range(1_200))
    row = "1,control,1,40,north" + ",0" * 1_200
    message, seconds = _refused(experiment, owner, _csv(f"{header}\n{row}\n{row}\n"))
    assert seconds < 5
    assert message == "The file has 1,205 columns; at most 1,000 are accepted."


def test_a_huge_line_past_the_first_bytes_is_refused_by_the_checks(experiment, refused_by_checks):
    rows = _rows(60_000)  # about 1.6 MB before the long line: not in the first bytes read
    text = "\n".join([HEADER, *rows, "60001,control,1,40," + "n" * 2_000_000, *_rows(10, 60_002)]) + "\n"
    message, seconds = refused_by_checks(experiment, _csv(text))
    assert seconds < 10
    assert message == "Line 60002 of the file is longer than 1,048,576 bytes."


def test_an_unclosed_quote_is_named_with_its_line_in_both_languages(experiment, owner):
    text = "\n".join([HEADER, *_rows(5), '6,"treatment,1,40,north', *_rows(3, 7)]) + "\n"
    message, _ = _refused(experiment, owner, _csv(text))
    assert message == "Line 7 of the file opens a quotation mark that is never closed."
    with translation.override("fr"):
        message, _ = _refused(experiment, owner, _csv(text))
    assert message == "La ligne 7 du fichier ouvre un guillemet qui n’est jamais fermé."


def test_a_line_with_an_extra_field_is_named_not_a_missing_column(experiment, owner):
    text = "\n".join([HEADER, *_rows(3), "4,control,1,40,north,extra", *_rows(3, 5)]) + "\n"
    message, _ = _refused(experiment, owner, _csv(text))
    assert message == "Line 5 of the file does not have as many fields as its header."
    with translation.override("fr"):
        message, _ = _refused(experiment, owner, _csv(text))
    assert message == "La ligne 5 du fichier n’a pas autant de champs que son en-tête."


def test_a_text_outcome_is_refused_by_the_upload_checks_in_both_languages(experiment, refused_by_checks):
    rows = [f"{i},control,{'paid' if i % 2 else 'unpaid'},40,north" for i in range(1, 41)]
    text = "\n".join([HEADER, *rows]) + "\n"
    message, _ = refused_by_checks(experiment, _csv(text))
    assert message == "Column “paid” holds text, not numbers, so it cannot be an outcome or a covariate."
    with translation.override("fr"):
        message, _ = refused_by_checks(experiment, _csv(text))
    assert message == (
        "La colonne «\u00a0paid\u00a0» contient du texte et non des nombres\u00a0: elle ne peut pas être "
        "un résultat ni une covariable."
    )


def test_reading_past_the_time_limit_is_refused_and_leaves_no_file(experiment, refused_by_checks, settings):
    settings.UPLOAD_CHECK_SECONDS = 0.001
    upload = _csv("\n".join([HEADER, *_rows(300_000)]) + "\n")
    message, _ = refused_by_checks(experiment, upload)
    assert message == "Reading the file took longer than 0.001 seconds; nothing was stored."


def test_a_good_file_is_still_accepted(experiment, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dataset = services.dataset_upload(experiment=experiment, actor=owner, file=outcomes_csv())
    dataset.refresh_from_db()
    assert (dataset.status, dataset.rows) == (Dataset.Status.READY, 400)
    assert dataset.columns == ["unit_id", "arm", "paid", "age", "region"]


def test_every_engine_message_is_translated_and_names_no_path_or_option():
    from carrefour.experiments.uploads import ENGINE_MESSAGES

    for code, template in ENGINE_MESSAGES.items():
        with translation.override("en"):
            english = str(template)
        with translation.override("fr"):
            french = str(template)
        assert french != english, code
        for text in (english, french):
            assert "--" not in text and "/" not in text, code


@pytest.mark.parametrize("language", ["en", "fr"])
def test_engine_errors_are_shown_without_the_engine_text(tmp_path, language):
    from carrefour import stats
    from carrefour.experiments.uploads import ENGINE_MESSAGES, engine_message

    path = tmp_path / "outcomes.csv"
    path.write_text("\n".join([HEADER, *(f"{i},{'control' if i % 2 else 'treatment'},unpaid,40,north" for i in range(1, 30))]))
    problems = []
    for call in (
        lambda: stats.power(outcome="binary", baseline=1.5, mde=0.05),
        lambda: stats.analyze(path, treatment="arm", outcomes=["paid"]),
        lambda: stats.analyze(path, treatment="arm", outcomes=["days_early"]),
        lambda: stats.analyze(path, treatment="arm", outcomes=["age"], covariates=["age_2"]),
        lambda: stats.DuckDBSource.from_file(tmp_path / "absent.csv"),
    ):
        with pytest.raises(stats.StatsError) as caught:
            call()
        problems.append(caught.value)
    with translation.override(language):
        shown = [engine_message(p) for p in problems]
        fallback = engine_message(stats.StatsError("x", "no such code"))
        expected = [
            str(ENGINE_MESSAGES[c]) for c in ("proportion", "not_numeric", "column_missing", "column_missing", "file_missing")
        ]
    assert shown[1] == expected[1] % {"column": "paid"}
    assert shown[2] == expected[2] % {"column": "days_early"}
    assert shown[0] == expected[0] and shown[4] == expected[4]
    for message, problem in zip(shown, problems, strict=True):
        assert message != fallback
        assert str(problem) not in message
        assert "/" not in message and "--" not in message and "VARCHAR" not in message


def test_the_data_page_in_french_names_the_fault_without_a_path(experiment, owner, client):
    client.force_login(owner)
    text = "\n".join([HEADER, *_rows(5), '6,"treatment,1,40,north', *_rows(3, 7)]) + "\n"
    before = _leftovers()
    response = client.post(f"/fr/experiments/{experiment.pk}/data/", {"file": _csv(text)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "La ligne 7 du fichier ouvre un guillemet qui n’est jamais fermé." in page
    assert "experiments-private" not in page and "quote" not in page
    assert _leftovers() == before
    assert not experiment.datasets.exists()


def test_a_malformed_units_file_is_named_in_french_without_a_path(experiment, owner):
    text = 'unit_id,region,age\n1,north,30\n2,"south,40\n3,north,50\n'
    with translation.override("fr"), pytest.raises(ApplicationError) as caught:
        services.randomization_run(experiment=experiment, actor=owner, units_file=_csv(text, "units.csv"), seed=1)
    assert str(caught.value) == "La ligne 3 du fichier ouvre un guillemet qui n’est jamais fermé."
    assert not experiment.randomizations.exists()
