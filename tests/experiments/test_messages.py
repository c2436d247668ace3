"""Error messages people read: translated, from the engine's code, never a path, option or engine line."""

from __future__ import annotations

import html
import re
from pathlib import Path

import duckdb
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

import carrefour.stats as stats
from carrefour.core.exceptions import ApplicationError
from carrefour.experiments import services
from carrefour.experiments.models import Analysis
from carrefour.experiments.services import tables as tables_module
from tests.experiments.factories import make_experiment, outcomes_csv, upload_checked

ENGLISH_ENGINE_WORDS = re.compile(r"--|regressor|VARCHAR|every row|must be")


def _constant_age_csv() -> SimpleUploadedFile:
    """Data the upload accepts but the engine refuses: the covariate "age" never varies."""
    lines = ["unit_id,arm,paid,age,region"]
    lines += [f"{i},{'control' if i % 2 else 'treatment'},{i % 3 % 2},40,{'north' if i % 4 < 2 else 'south'}"
              for i in range(1, 201)]
    return SimpleUploadedFile("constant.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv")


def _failed_analysis(owner, team, file) -> Analysis:
    experiment = make_experiment(owner, team=team, register=True)
    dataset = upload_checked(experiment=experiment, actor=owner, file=file)
    analysis = services.analysis_request(experiment=experiment, actor=owner, dataset=dataset, enqueue=False)
    analysis = services.analysis_run(analysis_id=analysis.pk)
    assert analysis.status == Analysis.Status.FAILED
    return analysis


def _error_on_page(client, analysis: Analysis, language: str) -> str:
    page = client.get(f"/{language}/experiments/{analysis.experiment_id}/analyses/{analysis.pk}/").content.decode()
    match = re.search(r'<p id="analysis-error">(.*?)</p>', page, re.S)
    assert match, page
    return html.unescape(match.group(1))


def test_an_engine_failure_in_the_background_is_stored_as_a_code_and_shown_in_each_language(owner, team, client):
    analysis = _failed_analysis(owner, team, _constant_age_csv())
    assert (analysis.error_code, analysis.error_params) == ("constant_covariate", {"column": "age"})
    client.force_login(owner)
    english = _error_on_page(client, analysis, "en")
    french = _error_on_page(client, analysis, "fr")
    assert english == "Covariate “age” is constant, so it cannot adjust anything; remove it."
    assert french.startswith("La covariable") and "age" in french and "constante" in french
    for text in (english, french):
        assert not ENGLISH_ENGINE_WORDS.search(text), text
        assert "/" not in text
    assert french != english


def test_a_missing_file_in_the_background_is_shown_in_french_without_its_path(owner, team, client):
    experiment = make_experiment(owner, team=team, register=True)
    dataset = upload_checked(experiment=experiment, actor=owner, file=outcomes_csv())
    analysis = services.analysis_request(experiment=experiment, actor=owner, dataset=dataset, enqueue=False)
    stored = dataset.path
    Path(stored).unlink()
    with translation.override("en"):  # the worker's language is not the reader's
        analysis = services.analysis_run(analysis_id=analysis.pk)
    assert analysis.error_code == "file_missing"
    client.force_login(owner)
    french = _error_on_page(client, analysis, "fr")
    assert french == "Le fichier de données est introuvable dans le stockage."
    assert stored not in french


def test_an_unexpected_failure_shows_a_translated_sentence_not_the_exception(owner, team, client, monkeypatch):
    experiment = make_experiment(owner, team=team, register=True)
    dataset = upload_checked(experiment=experiment, actor=owner, file=outcomes_csv())
    analysis = services.analysis_request(experiment=experiment, actor=owner, dataset=dataset, enqueue=False)

    def broken(*args, **kwargs):
        raise OSError(f"[Errno 5] Input/output error: '{dataset.path}'")

    monkeypatch.setattr(stats, "analyze", broken)
    analysis = services.analysis_run(analysis_id=analysis.pk)
    assert analysis.error_code == "internal"
    client.force_login(owner)
    for language in ("en", "fr"):
        text = _error_on_page(client, analysis, language)
        assert "Errno" not in text and dataset.path not in text and "OSError" not in text
    assert _error_on_page(client, analysis, "en").startswith("The analysis stopped on an unexpected error")
    assert _error_on_page(client, analysis, "fr").startswith("L'analyse s'est arrêtée sur une erreur inattendue")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "A proportion must be strictly between 0 and 1."),
     ("fr", "Une proportion doit être strictement comprise entre 0 et 1.")],
)
def test_the_power_calculation_names_no_command_line_option(language, expected):
    inputs = {"power_outcome": "binary", "power_baseline": 1.5, "power_mde": 0.05, "power_target": 0.8, "alpha": 0.05}
    with translation.override(language), pytest.raises(ApplicationError) as caught:
        services.power_calculate(inputs=inputs, arms=None)
    text = str(caught.value)
    assert text == expected


def test_the_power_preview_in_french_shows_the_french_sentence(client, owner):
    client.force_login(owner)
    page = client.post("/fr/experiments/power/", {"power_outcome": "binary", "power_baseline": "1.5",
                                                   "power_mde": "0.05", "power_target": "0.8", "alpha": "0.05"})
    text = page.content.decode()
    assert "Une proportion doit" in text
    assert "--baseline" not in text and "must be" not in text


def test_a_table_the_engine_refuses_is_explained_by_its_code(owner, team, settings, tmp_path, monkeypatch):
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE t AS SELECT i AS unit_id, CASE WHEN i % 2 = 0 THEN 'control' ELSE 'treatment' END AS arm,"
                    " i % 2 AS paid, 40 AS age, 'north' AS region FROM range(1, 101) t(i)")
    settings.ANALYSIS_DATABASES = {"local": f"duckdb://{path}"}
    experiment = make_experiment(owner, team=team, register=True)

    def refuse(**kwargs):
        raise stats.StatsError(f"column 'paid' in '{path}' is not numeric (its type is VARCHAR)", "not_numeric", column="paid")

    monkeypatch.setattr(tables_module, "table_checksum", refuse)
    monkeypatch.setattr("carrefour.experiments.services.analysis.table_checksum", refuse)
    for language, start in (("en", "Column “paid” holds text"), ("fr", "La colonne")):
        with translation.override(language), pytest.raises(ApplicationError) as caught:
            services.analysis_request_from_table(experiment=experiment, actor=owner, database="local", table="t")
        text = str(caught.value)
        assert text.startswith(start), text
        assert "VARCHAR" not in text and str(path) not in text and "could not be used" not in text


def _csv_with_missing_outcomes(missing: int) -> SimpleUploadedFile:
    """400 units, the first `missing` of them without a value for "paid"."""
    lines = outcomes_csv().read().decode().splitlines()
    header, rows = lines[0], lines[1:]
    paid = header.split(",").index("paid")
    for i in range(missing):
        cells = rows[i].split(",")
        cells[paid] = ""
        rows[i] = ",".join(cells)
    return SimpleUploadedFile("gaps.csv", ("\n".join([header, *rows]) + "\n").encode(), content_type="text/csv")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Rows dropped: 12 rows with no value for “paid”."),
     ("fr", "Lignes écartées\u00a0: 12 lignes sans valeur pour «\u00a0paid\u00a0».")],
)
def test_dropped_rows_are_counted_in_a_sentence_of_the_reader_language(owner, team, client, language, expected):
    experiment = make_experiment(owner, team=team, register=True)
    dataset = upload_checked(experiment=experiment, actor=owner, file=_csv_with_missing_outcomes(12))
    analysis = services.analysis_request(experiment=experiment, actor=owner, dataset=dataset, enqueue=False)
    analysis = services.analysis_run(analysis_id=analysis.pk)
    assert analysis.result["dropped"] == {"missing paid": 12}
    client.force_login(owner)
    page = client.get(f"/{language}/experiments/{experiment.pk}/analyses/{analysis.pk}/").content.decode()
    match = re.search(r'<p id="dropped-rows">(.*?)</p>', page, re.S)
    assert match, page
    assert html.unescape(match.group(1)) == expected
    assert "missing paid" not in page


def test_one_dropped_row_is_singular_in_both_languages():
    from carrefour.experiments.selectors import dropped_rows

    with translation.override("en"):
        assert dropped_rows({"missing age": 1})[0]["label"] == "1 row with no value for “age”"
    with translation.override("fr"):
        assert dropped_rows({"missing age": 1, "missing paid": 1234})[1]["label"] == (
            "1\u00a0234 lignes sans valeur pour «\u00a0paid\u00a0»"
        )


@pytest.mark.parametrize(("language", "expected"), [("en", "Binary (yes/no)"), ("fr", "Binaire (oui/non)")])
def test_the_plan_names_the_power_calculation_outcome_type_in_the_reader_language(owner, team, client, language, expected):
    experiment = make_experiment(owner, team=team, register=True, visibility="public")
    assert experiment.power_outcome == "binary" and experiment.power_result
    page = client.get(f"/{language}/experiments/{experiment.pk}/").content.decode()
    match = re.search(r'<dd id="plan-power-outcome">(.*?)</dd>', page, re.S)
    assert match, page
    assert match.group(1) == expected


@pytest.mark.parametrize(("language", "low", "high"), [("en", "0.199", "0.463"), ("fr", "0,199", "0,463")])
def test_forest_plot_labels_round_their_numbers(language, low, high):
    from carrefour.experiments import charts

    rows = [{"label": "Letter", "estimate": 0.33071, "ci_low": 0.19889, "ci_high": 0.46258, "weight": 1.0}]
    with translation.override(language):
        svg = str(charts.forest_plot(rows=rows, title="Effects", description="d", axis_label="a", decimals=3))
    numbers = "0,331" if language == "fr" else "0.331"
    assert f"{numbers} [{low}; {high}]" in svg
    assert "0.198" not in svg and "0,198" not in svg and "0.462" not in svg and "0,462" not in svg


def test_the_size_limit_is_written_with_the_reader_separators():
    from carrefour.experiments.services import _limit_message

    with translation.override("en"):
        assert _limit_message(2048 * 1024 * 1024) == "The file is larger than the limit of 2,048 MB; nothing was stored."
    with translation.override("fr"):
        assert _limit_message(2048 * 1024 * 1024).startswith("Le fichier dépasse la limite de 2\u00a0048\u00a0Mo")
