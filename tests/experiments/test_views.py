"""Experiment pages: visibility, uploads through HTTP, results suppression, the evidence base."""

from __future__ import annotations

import json
import math

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

import carrefour.stats as stats
from carrefour.directory.models import Jurisdiction
from carrefour.experiments import selectors, services
from carrefour.experiments.models import Analysis, Experiment, Publication
from tests.directory.factories import JurisdictionFactory
from tests.experiments.factories import make_experiment, outcomes_csv, plan_data, upload_checked


def _publish(owner, team, *, seed: int, effect: float, jurisdiction=None, verdict="worked", n=400, **kwargs):
    experiment = make_experiment(owner, team=team, register=True, jurisdiction=jurisdiction, **kwargs)
    dataset = upload_checked(experiment=experiment, actor=owner, file=outcomes_csv(n=n, seed=seed, effect=effect))
    analysis = services.analysis_request(experiment=experiment, actor=owner, dataset=dataset, enqueue=False)
    analysis = services.analysis_run(analysis_id=analysis.pk)
    with TestCase.captureOnCommitCallbacks(execute=True):  # What works is recomputed after commit
        services.publication_create(
            experiment=experiment, actor=owner, analysis=analysis, verdict=verdict,
            summary_en="Plain summary", summary_fr="Résumé clair",
        )
    return experiment


def test_private_experiments_stay_private(owner, team, outsider, client):
    public = make_experiment(owner, team=team, title_en="Open one")
    private = make_experiment(owner, team=team, title_en="Hidden one", visibility="private")
    page = client.get("/en/experiments/").content.decode()
    assert "Open one" in page and "Hidden one" not in page
    assert client.get(private.get_absolute_url()).status_code == 404
    export = client.get("/en/experiments/?format=json")
    titles = [r["title_en"] for r in json.loads(b"".join(export.streaming_content))["results"]]
    assert titles == ["Open one"]
    client.force_login(outsider)
    assert client.get(f"/en/experiments/{public.pk}/edit/").status_code == 403
    assert client.get(f"/en/experiments/{public.pk}/data/").status_code == 403
    client.force_login(owner)
    assert client.get(private.get_absolute_url()).status_code == 200


def test_list_page_query_count_does_not_grow(owner, team, client, django_assert_max_num_queries):
    for i in range(6):
        make_experiment(owner, team=team, title_en=f"Experiment {i}", register=i % 2 == 0)
    with django_assert_max_num_queries(12):
        response = client.get("/en/experiments/")
    assert response.status_code == 200


def test_plan_form_creates_a_draft_and_calculates_power(owner, team, client):
    JurisdictionFactory(code="bc")
    client.force_login(owner)

    form = {
        "title_en": "Simplified form", "title_fr": "Formulaire simplifié",
        "intervention_type": "simplified_form", "outcome_domain": "benefit_uptake",
        "jurisdiction": Jurisdiction.objects.get(code="bc").pk, "team": team.pk, "visibility": "public",
        "unit_id_column": "unit_id", "treatment_column": "arm", "adjust": "holm", "alpha": "0.05",
        "covariates": "age", "strata": "region",
        "arms-TOTAL_FORMS": "3", "arms-INITIAL_FORMS": "0",
        "arms-0-label": "control", "arms-0-allocation": "1", "arms-1-label": "treatment", "arms-1-allocation": "1",
        "outcomes-TOTAL_FORMS": "2", "outcomes-INITIAL_FORMS": "0",
        "outcomes-0-column": "completed", "outcomes-0-kind": "binary", "outcomes-0-primary": "on",
        "outcomes-1-kind": "binary",
        "power_outcome": "binary", "power_baseline": "0.6", "power_mde": "0.05", "power_target": "0.8",
    }
    preview = client.post("/en/experiments/new/", {**form, "calculate": "1"})
    expected = stats.power(outcome="binary", baseline=0.6, mde=0.05, power=0.8)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert 'role="img"' in html and "Power curve data" in html
    assert f"{expected.n_control:,}" in html
    partial = client.post("/en/experiments/power/", form)
    assert f"{expected.n_control:,}" in partial.content.decode()
    response = client.post("/en/experiments/new/", {**form, "save": "1"})
    assert response.status_code == 302
    experiment = Experiment.objects.get(title_en="Simplified form")
    assert experiment.arm_labels == ["control", "treatment"]
    assert experiment.covariates == ["age"] and experiment.strata == ["region"]
    assert experiment.power_result["n_control"] == expected.n_control


def test_upload_over_the_limit_gets_a_clear_message(owner, team, client, settings):
    experiment = make_experiment(owner, team=team, register=True)
    client.force_login(owner)
    settings.UPLOAD_MAX_BYTES = 2000
    response = client.post(f"/en/experiments/{experiment.pk}/data/", {"file": outcomes_csv(n=400)})
    assert response.status_code == 200
    assert "larger than the limit" in response.content.decode()
    assert not experiment.datasets.exists()


def test_upload_through_the_page_queues_the_analysis(owner, team, client, django_capture_on_commit_callbacks):
    experiment = make_experiment(owner, team=team, register=True)
    client.force_login(owner)
    bad = client.post(f"/en/experiments/{experiment.pk}/data/", {"file": outcomes_csv(drop_column="paid")})
    assert "no column named “paid”" in bad.content.decode()
    assert not experiment.datasets.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/experiments/{experiment.pk}/data/", {"file": outcomes_csv()})
    assert response.status_code == 302
    dataset = experiment.datasets.get()
    # The request answered before the commit: the page shows the checks, which the task then ran,
    # and after them the analysis "Upload and analyse" asked for.
    assert response["Location"] == f"/en/experiments/{experiment.pk}/data/#dataset-{dataset.pk}"
    assert (dataset.status, dataset.rows) == ("ready", 400)
    analysis = Analysis.objects.get(experiment=experiment)
    assert (analysis.dataset, analysis.status) == (dataset, Analysis.Status.DONE)
    checks = client.get(f"/en/experiments/{experiment.pk}/data/{dataset.pk}/status/", HTTP_HX_REQUEST="true")
    assert checks["HX-Redirect"] == f"/en/experiments/{experiment.pk}/analyses/{analysis.pk}/"
    status = client.get(f"/en/experiments/{experiment.pk}/analyses/{analysis.pk}/status/", HTTP_HX_REQUEST="true")
    assert status["HX-Refresh"] == "true"
    page = client.get(checks["HX-Redirect"]).content.decode()
    assert "Effects on Paid against the control" in page


def test_pending_analysis_polls_and_offers_a_refresh_link(owner, team, client):
    experiment = make_experiment(owner, team=team, register=True)
    dataset = upload_checked(experiment=experiment, actor=owner, file=outcomes_csv())
    analysis = services.analysis_request(experiment=experiment, actor=owner, dataset=dataset, enqueue=False)
    client.force_login(owner)
    html = client.get(f"/en/experiments/{experiment.pk}/analyses/{analysis.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in html and ">Refresh</a>" in html and "<progress" in html


def test_published_tables_suppress_small_cells(owner, team, client):
    experiment = _publish(owner, team, seed=3, effect=0.1, n=400, subgroup_column="region")
    view = selectors.results_view(experiment=experiment, analysis=experiment.publication.analysis)
    assert not view["suppressed_any"]
    small = _publish(owner, team, seed=4, effect=0.1, n=18, title_en="Tiny pilot")
    page = client.get(f"/en/experiments/{small.pk}/results/").content.decode()
    assert "fewer than 10" in page and "Suppressed (fewer than 10 units)" in page
    rows = json.loads(b"".join(client.get(f"/en/experiments/{small.pk}/results.json").streaming_content))["results"]
    assert all(r["estimate"] is None and r["n_arm"] is None for r in rows)
    assert "unit_id" not in json.dumps(rows)  # no microdata, only the table


def test_results_page_shows_verdict_forest_plot_and_downloads(owner, team, client):
    experiment = _publish(owner, team, seed=5, effect=0.12)
    page = client.get(f"/en/experiments/{experiment.pk}/results/").content.decode()
    assert 'id="verdict">Worked<' in page and "Plain summary" in page
    assert page.count('role="img"') == 1 and "cf-effects" in page
    fr = client.get(f"/fr/experiments/{experiment.pk}/results/").content.decode()
    assert "Résumé clair" in fr
    csv = b"".join(client.get(f"/en/experiments/{experiment.pk}/results.csv").streaming_content).decode()
    assert csv.splitlines()[0].lstrip("\ufeff").startswith("outcome,subgroup,arm")


def test_evidence_page_pools_with_the_engine_meta_analysis(owner, team, client, outsider):
    on, bc, qc = JurisdictionFactory(code="on"), JurisdictionFactory(code="bc"), JurisdictionFactory(code="qc")
    studies = [
        _publish(owner, team, seed=11, effect=0.10, jurisdiction=on),
        _publish(owner, team, seed=12, effect=0.02, jurisdiction=bc, verdict="inconclusive"),
        _publish(owner, team, seed=13, effect=-0.05, jurisdiction=qc, verdict="harmful"),
    ]
    hidden = _publish(owner, team, seed=14, effect=0.3, jurisdiction=on, visibility="private")
    publications = [s.publication for s in studies]
    expected = stats.meta_analysis([p.estimate for p in publications], [p.std_error for p in publications])
    groups = selectors.evidence_groups(user=outsider)
    assert len(groups) == 1
    meta = groups[0]["meta"]
    assert meta["k"] == 3
    assert math.isclose(meta["random"]["estimate"], expected.random.estimate, rel_tol=1e-12)
    assert math.isclose(meta["i2"], expected.i2, rel_tol=1e-12, abs_tol=1e-15)
    assert hidden.publication not in groups[0]["studies"]
    response = client.get("/en/experiments/what-works/")
    html = response.content.decode()
    pooled = response.context["groups"][0]["meta"]["random"]
    assert pooled["estimate"] == expected.random.estimate and pooled["ci_low"] == expected.random.ci_low
    from carrefour.core.templatetags.carrefour import pct
    from carrefour.experiments.templatetags.experiments import pp

    assert pp(expected.random.estimate) in html
    assert pct(expected.i2, 1) in html
    # the list shows the stored pooling; the group's page lists its studies
    studies = client.get("/en/experiments/what-works/reminder/tax_compliance/").content.decode()
    for p in publications:
        assert f'href="/en/experiments/{p.experiment.pk}/results/"' in studies
    assert f'href="/en/experiments/{hidden.pk}/results/"' not in studies
    # filters: what the stored groups are keyed on (intervention type, outcome domain)
    assert client.get("/en/experiments/what-works/", {"intervention_type": "incentive"}).context["groups"] == []
    same = client.get("/en/experiments/what-works/", {"intervention_type": "reminder", "outcome_domain": "tax_compliance"})
    assert same.context["groups"][0]["group"].publication_ids == [p.pk for p in publications]
    group_page = client.get("/fr/experiments/what-works/reminder/tax_compliance/")
    assert group_page.status_code == 200
    from django.utils import translation

    with translation.override("fr"):
        assert pp(expected.random.estimate) in group_page.content.decode()
        assert "p.p." in pp(expected.random.estimate)
    assert Publication.objects.count() == 4


def test_bad_results_format_is_404(owner, team, client):
    experiment = _publish(owner, team, seed=6, effect=0.1)
    assert client.get(f"/en/experiments/{experiment.pk}/results.xlsx").status_code == 404


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_registration_page_verifies_an_uploaded_file(owner, team, client, lang):
    experiment = make_experiment(owner, team=team, register=True)
    good = SimpleUploadedFile("r.json", experiment.registration.canonical_json.encode())
    page = client.post(f"/{lang}/experiments/{experiment.pk}/registration/", {"file": good}).content.decode()
    assert experiment.registration.sha256 in page
    assert "cf-message-success" in page
    bad = SimpleUploadedFile("r.json", b'{"changed": true}')
    page = client.post(f"/{lang}/experiments/{experiment.pk}/registration/", {"file": bad}).content.decode()
    assert "cf-message-error" in page


def test_embargoed_registration_shows_only_the_hash(owner, team, client):
    import datetime

    from django.utils import timezone

    experiment = make_experiment(owner, team=team)
    services.experiment_register(
        experiment=experiment, actor=owner, public_fields=services.plan_module.SWITCHABLE,
        embargo_until=timezone.localdate() + datetime.timedelta(days=30),
    )
    page = client.get(experiment.get_absolute_url()).content.decode()
    assert experiment.registration.sha256 in page
    assert "Do reminders help?" not in page
    assert client.get(f"/en/experiments/{experiment.pk}/registration.json").status_code == 404
    client.force_login(owner)
    assert "Do reminders help?" in client.get(experiment.get_absolute_url()).content.decode()


def test_commitments_and_initiative_link_and_stay_editable_after_registration(owner, team, client):
    from carrefour.declarations.selectors import commitments_for
    from tests.declarations.factories import CommitmentFactory

    first = CommitmentFactory(number=2, title_en="Experiment and measure results")
    second = CommitmentFactory(declaration=first.declaration, number=3, title_en="Share knowledge")
    experiment = services.experiment_create(
        actor=owner, data=plan_data(team=team),
        commitments=[first.pk],
    )
    assert commitments_for(target=experiment) == [first]
    services.experiment_register(experiment=experiment, actor=owner, public_fields=[])
    client.force_login(owner)
    page = client.get(f"/en/experiments/{experiment.pk}/edit/").content.decode()
    assert "Declaration commitments served" in page and "title_en" not in page
    response = client.post(
        f"/en/experiments/{experiment.pk}/edit/", {"visibility": "public", "commitments": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    assert commitments_for(target=experiment) == [first, second]
    assert first.label in client.get(experiment.get_absolute_url()).content.decode()


def test_sample_ratio_mismatch_is_flagged(owner, team, client):
    experiment = make_experiment(owner, team=team, register=True)
    skewed = outcomes_csv(n=600, arms=("control", "treatment", "treatment"))
    dataset = upload_checked(experiment=experiment, actor=owner, file=skewed)
    analysis = services.analysis_run(
        analysis_id=services.analysis_request(experiment=experiment, actor=owner, dataset=dataset, enqueue=False).pk
    )
    assert analysis.result["srm"]["p_value"] < 0.001
    client.force_login(owner)
    assert 'id="srm-warning"' in client.get(f"/en/experiments/{experiment.pk}/analyses/{analysis.pk}/").content.decode()


def test_evidence_exports_follow_visibility(owner, team, client):
    _publish(owner, team, seed=21, effect=0.1, title_en="Open study")
    _publish(owner, team, seed=22, effect=0.1, title_en="Closed study", visibility="private")
    rows = json.loads(b"".join(client.get("/en/experiments/what-works/?format=json").streaming_content))["results"]
    assert [r["title_en"] for r in rows] == ["Open study"]
    assert rows[0]["registration_sha256"] and rows[0]["std_error"] > 0


def test_failed_analysis_page_shows_the_error_and_retries(owner, team, client, django_capture_on_commit_callbacks):
    from pathlib import Path

    experiment = make_experiment(owner, team=team, register=True)
    dataset = upload_checked(experiment=experiment, actor=owner, file=outcomes_csv())
    Path(dataset.path).rename(dataset.path + ".away")
    analysis = services.analysis_run(
        analysis_id=services.analysis_request(experiment=experiment, actor=owner, dataset=dataset, enqueue=False).pk
    )
    client.force_login(owner)
    url = f"/en/experiments/{experiment.pk}/analyses/{analysis.pk}/"
    page = client.get(url).content.decode()
    assert 'id="analysis-error">The data file is missing from storage.<' in page and "Retry the analysis" in page
    Path(dataset.path + ".away").rename(dataset.path)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url + "retry/").status_code == 302
    assert 'data-status="done"' in client.get(url).content.decode()


def test_evidence_page_query_count(owner, team, client, django_assert_max_num_queries):
    for seed in range(4):
        _publish(owner, team, seed=30 + seed, effect=0.05)
    with django_assert_max_num_queries(8):
        assert client.get("/en/experiments/what-works/").status_code == 200


def test_data_page_names_each_planned_column_once(owner, team, client):
    # "region" is both a stratum and the subgroup: the list must not repeat it.
    experiment = make_experiment(owner, team=team, register=True, subgroup_column="region")
    assert experiment.subgroup_column == "region" and "region" in experiment.strata
    client.force_login(owner)
    content = client.get(f"/en/experiments/{experiment.pk}/data/").content.decode()
    listed = content.split("Planned columns:", 1)[1].split("</p>", 1)[0]
    assert listed.count("<code>region</code>") == 1
    assert [c for c in services.planned_columns(experiment) if f"<code>{c}</code>" not in listed] == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_team_makes_a_withheld_part_public_from_the_plan_page(owner, team, client, lang, outsider):
    experiment = make_experiment(owner, team=team, register=True)
    url = f"/{lang}/experiments/{experiment.pk}/disclose/"
    text = "A secret letter design" if lang == "en" else "Une lettre confidentielle"
    assert text not in client.get(f"/{lang}/experiments/{experiment.pk}/").content.decode()
    client.force_login(outsider)
    assert url not in client.get(f"/{lang}/experiments/{experiment.pk}/").content.decode()
    assert client.post(url, {"plan_field": "intervention"}).status_code in (403, 404)
    assert not experiment.disclosures.exists()

    client.force_login(owner)
    page = client.get(f"/{lang}/experiments/{experiment.pk}/").content.decode()
    assert url in page and 'name="plan_field" value="intervention"' in page
    response = client.post(url, {"plan_field": "intervention"}, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"/{lang}/experiments/{experiment.pk}/#plan-intervention")
    assert ("is now in the public version" if lang == "en" else "fait maintenant partie de la version publique") \
        in response.content.decode()

    client.logout()
    page = client.get(f"/{lang}/experiments/{experiment.pk}/").content.decode()
    assert text in page
    registration_page = client.get(f"/{lang}/experiments/{experiment.pk}/registration/").content.decode()
    salt = experiment.registration.salts["intervention"]
    assert salt in registration_page and 'id="disclosures-h"' in registration_page
    detail = client.get(f"/api/experiments/{experiment.pk}/").json()
    (disclosure,) = detail["disclosures"]
    assert (disclosure["plan_field"], disclosure["salt"], disclosure["matches"]) == ("intervention", salt, True)
    assert detail["registration"]["plan"]["intervention"] == {"withheld_sha256": disclosure["withheld_sha256"]}
