"""An experiment from plan to published result in a real browser, with axe on every page."""

from __future__ import annotations

import csv
import hashlib
import io
import re

import numpy as np
import pytest
from django.test import Client
from playwright.sync_api import expect

import carrefour.stats as stats
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


def _sign_in(page, email: str) -> None:
    from carrefour.directory.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": page.base_url}])


def _hydrated(page, selector: str):
    """The GC Design System component, once Stencil has rendered it (it adds the class
    "hydrated"): typing into it earlier races the component's first render, which puts
    back the value the server sent."""
    host = page.locator(f"{selector}.hydrated").first
    host.wait_for()
    return host


def _fill(page, name: str, value: str) -> None:
    _hydrated(page, f'[name="{name}"]').locator("input, textarea").first.fill(value)


def _select(page, name: str, *, value: str | None = None, label: str | None = None) -> None:
    select = _hydrated(page, f'gcds-select[name="{name}"]').locator("select")
    if value is not None:
        select.select_option(value=value)
    else:
        select.select_option(label=label)


def _units_csv(n: int = 240) -> bytes:
    rng = np.random.default_rng(3)
    rows = ["unit_id,region,age"] + [f"{i + 1},{rng.choice(['north', 'south'])},{int(rng.integers(18, 80))}" for i in range(n)]
    return ("\n".join(rows) + "\n").encode()


def _outcomes_from(assignment: bytes, *, rename_arm: str | None = None) -> bytes:
    rng = np.random.default_rng(4)
    reader = csv.DictReader(io.StringIO(assignment.decode()))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["unit_id", "region", "age", "arm", "paid"])
    for row in reader:
        arm = row["arm"]
        paid = int(rng.random() < (0.45 + (0.2 if arm == "treatment" else 0.0)))
        writer.writerow([row["unit_id"], row["region"], row["age"], rename_arm if rename_arm and arm == "treatment" else arm, paid])
    return out.getvalue().encode()


def test_plan_to_published_result(page, directory_demo):
    _sign_in(page, "amelie.tremblay@canada.ca")
    base = page.base_url

    # 1. Plan, with the power calculation in the form
    page.goto(base + "/en/experiments/new/")
    assert_accessible(page, "experiment-plan")
    _fill(page, "title_en", "Reminder letters for on-time payment")
    _fill(page, "title_fr", "Lettres de rappel pour payer à temps")
    _fill(page, "question_en", "Does a reminder letter increase on-time payment?")
    _fill(page, "population_en", "Taxpayers with a balance owing")
    _select(page, "intervention_type", value="reminder")
    _select(page, "outcome_domain", value="tax_compliance")
    _select(page, "jurisdiction", label="Government of Canada")
    _fill(page, "outcomes-0-column", "paid")
    _fill(page, "outcomes-0-label_en", "Paid on time")
    _fill(page, "outcomes-0-label_fr", "Payé à temps")
    _fill(page, "covariates", "age")
    _fill(page, "strata", "region")
    _select(page, "power_outcome", value="binary")
    _fill(page, "power_baseline", "0.45")
    _fill(page, "power_mde", "0.1")
    page.locator('[name="power_mde"] input').dispatch_event("change")
    expect_n = stats.power(outcome="binary", baseline=0.45, mde=0.1).n_control
    # with JavaScript, htmx updates the result as the fields change…
    page.wait_for_function(
        "n => document.querySelector('#power-result')?.textContent.includes(n)", arg=f"{expect_n:,}"
    )
    # …and without it, the button computes it on the server
    with page.expect_navigation():
        page.get_by_role("button", name="Calculate the sample size").click()
    expect(page.locator("#power-result").get_by_text(f"{expect_n:,}").first).to_be_visible()
    assert page.locator("svg.cf-power").count() == 1
    assert_accessible(page, "experiment-plan-power")
    page.get_by_role("button", name="Save the plan").click()
    page.wait_for_url(re.compile(r"/en/experiments/\d+/$"))
    pk = int(re.search(r"/experiments/(\d+)/", page.url).group(1))
    assert_accessible(page, "experiment-draft")

    # 2. Register: the hash verifies
    page.get_by_role("link", name="Register the plan").click()
    assert_accessible(page, "experiment-register")
    page.get_by_role("button", name="Register and freeze the plan").click()
    page.wait_for_url(re.compile(rf"/en/experiments/{pk}/registration/$"))
    shown = page.locator("#registered-hash").inner_text().strip()
    assert "Verified" in page.locator("#verify-status").inner_text()
    body = page.request.get(base + f"/en/experiments/{pk}/registration.json").body()
    assert hashlib.sha256(body).hexdigest() == shown
    assert_accessible(page, "experiment-registration")

    # A deviation shows beside the plan
    page.goto(base + f"/en/experiments/{pk}/deviations/new/")
    _select(page, "plan_field", value="population")
    _fill(page, "description_en", "Nunavut was left out of the mailing.")
    _fill(page, "reason_en", "The mail run could not meet the date.")
    page.get_by_role("button", name="Record the deviation").click()
    page.wait_for_url(re.compile(rf"/en/experiments/{pk}/(#.*)?$"))
    deviation = page.locator(".cf-plan-row", has=page.locator("#plan-population")).locator(".cf-deviations")
    assert "Nunavut was left out" in deviation.inner_text()
    assert_accessible(page, "experiment-deviation")

    # 3. Randomize
    page.goto(base + f"/en/experiments/{pk}/randomize/")
    assert_accessible(page, "experiment-randomize")
    page.locator('input[name="file"]').set_input_files(
        files=[{"name": "units.csv", "mimeType": "text/csv", "buffer": _units_csv()}]
    )
    _fill(page, "seed", "2026")
    # The form posts back to the same address: wait for that navigation, not for the URL.
    with page.expect_navigation(url=re.compile(rf"/en/experiments/{pk}/randomize/$")):
        page.get_by_role("button", name="Randomize the units").click()
    expect(page.locator("#seed")).to_have_text("2026")
    expect(page.locator("#balance-table")).to_be_visible()
    assert_accessible(page, "experiment-randomized")
    href = page.get_by_role("link", name="Download the assignment file (CSV)").get_attribute("href")
    assignment = page.request.get(base + href).body()

    # 4. Upload data: a bad file is refused with its reason, then a good one is analysed
    page.goto(base + f"/en/experiments/{pk}/data/")
    page.locator('input[name="file"]').set_input_files(
        files=[{"name": "outcomes.csv", "mimeType": "text/csv", "buffer": _outcomes_from(assignment, rename_arm="letter")}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and analyse").click()
    # Its checks (run by the test's task backend as the upload commits) refused it: the file's
    # row says why, and offers no analysis.
    refused = page.locator(".cf-dataset-state[data-status='refused']").locator("xpath=ancestor::div[1]")
    expect(refused).to_contain_text("not in the plan: “letter”")
    assert refused.get_by_role("button").count() == 0
    assert_accessible(page, "experiment-data-error")
    page.locator('input[name="file"]').set_input_files(
        files=[{"name": "outcomes.csv", "mimeType": "text/csv", "buffer": _outcomes_from(assignment)}]
    )
    page.get_by_role("button", name="Upload and analyse").click()
    # The browser keeps the data page's fragment (#dataset-N) across the redirect.
    page.wait_for_url(re.compile(rf"/en/experiments/{pk}/analyses/\d+/(#[\w-]*)?$"), timeout=90000)
    page.wait_for_function("document.querySelector('#analysis-state')?.dataset.status === 'done'")
    expect(page.locator(".cf-effects").first).to_be_visible()
    assert_accessible(page, "experiment-analysis")

    # 5. Publish with a verdict
    page.get_by_role("link", name="Publish these results with a verdict").click()
    assert_accessible(page, "experiment-publish")
    page.locator('gcds-radios[name="verdict"]').get_by_text("Worked", exact=True).click()
    _fill(page, "summary_en", "More people paid on time with the letter.")
    _fill(page, "summary_fr", "Plus de gens ont payé à temps avec la lettre.")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(rf"/en/experiments/{pk}/results/$"))
    assert page.locator("#verdict").inner_text() == "Worked"
    assert page.locator("svg.cf-forest").count() == 1
    assert_accessible(page, "experiment-results")

    # Spot-check the other language
    page.goto(base + f"/fr/experiments/{pk}/results/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("#verdict").inner_text() == "A fonctionné"
    assert "Plus de gens ont payé à temps" in page.content()
    assert_accessible(page, "experiment-results-fr")
    page.goto(base + f"/fr/experiments/{pk}/registration/")
    assert page.locator("#registered-hash").inner_text().strip() == shown
    assert_accessible(page, "experiment-registration-fr")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_evidence_pages_are_accessible(page, directory_demo, lang, monkeypatch):
    from carrefour.experiments import demo

    monkeypatch.setattr(demo, "EXPERIMENTS", demo.EXPERIMENTS[:3])  # keep the test fast: one pooled group
    demo.load()
    page.goto(page.base_url + f"/{lang}/experiments/what-works/")
    assert page.locator(".cf-pooled-estimate").count() == 1
    assert_accessible(page, f"what-works-{lang}")
    page.goto(page.base_url + f"/{lang}/experiments/")
    assert_accessible(page, f"experiments-{lang}")


def test_a_table_of_a_configured_database_is_analysed(page, directory_demo, settings, tmp_path):
    import duckdb

    from carrefour.directory.models import Jurisdiction, User
    from tests.directory.factories import TeamFactory
    from tests.experiments.factories import make_experiment
    from tests.experiments.test_tables import DUCKDB_SERIES, ROWS_SQL

    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(f"CREATE TABLE outcomes AS {ROWS_SQL.format(series=DUCKDB_SERIES)}")
    settings.ANALYSIS_DATABASES = {"local": f"duckdb://{path}"}
    owner = User.objects.get(email="amelie.tremblay@canada.ca")
    experiment = make_experiment(
        owner, team=TeamFactory(), register=True, jurisdiction=Jurisdiction.objects.get(code="on")
    )
    _sign_in(page, owner.email)
    base = page.base_url
    page.goto(base + f"/en/experiments/{experiment.pk}/data/")
    _select(page, "database", value="local")
    _fill(page, "table", "outcomes; drop table outcomes")
    with page.expect_navigation():
        page.get_by_role("button", name="Check and analyse the table").click()
    error = page.locator('gcds-input[name="table"]').get_attribute("error-message") or ""
    assert "is not a table name" in error
    assert_accessible(page, "experiment-data-table-error")
    _select(page, "database", value="local")
    _fill(page, "table", "outcomes")
    # The test task backend runs the analysis inside this request: allow for a loaded machine.
    with page.expect_navigation(timeout=90000):
        page.get_by_role("button", name="Check and analyse the table").click()
    assert re.search(rf"/en/experiments/{experiment.pk}/analyses/\d+/$", page.url), (
        page.url, page.locator('gcds-input[name="table"], gcds-select[name="database"]').evaluate_all(
            "els => els.map(e => [e.getAttribute('name'), e.getAttribute('value'), e.getAttribute('error-message')])"))
    page.wait_for_function(
        "document.querySelector('#analysis-state')?.dataset.status === 'done'", timeout=90000
    )
    assert "local: outcomes" in page.locator(".cf-facts").inner_text()
    expect(page.locator(".cf-effects").first).to_be_visible()


def test_a_field_corrected_after_a_server_error_submits_on_the_first_click(page, directory_demo, settings, tmp_path):
    """A server error shown in a component must not make the next click miss the button.

    Left to validate on blur, the component cleared its error as focus moved to the button,
    the button moved up between the press and the release, and the click submitted nothing.
    """
    import duckdb

    from carrefour.directory.models import User
    from tests.directory.factories import TeamFactory
    from tests.experiments.factories import make_experiment

    path = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(path)).close()
    settings.ANALYSIS_DATABASES = {"local": f"duckdb://{path}"}
    owner = User.objects.get(email="amelie.tremblay@canada.ca")
    experiment = make_experiment(owner, team=TeamFactory(), register=True)
    _sign_in(page, owner.email)
    page.goto(page.base_url + f"/en/experiments/{experiment.pk}/data/")
    for attempt in range(6):
        # Each value is refused by the server with a different message, so each click must
        # bring a new page whose error replaces the previous one.
        value, expected = ("a; b", "is not a table name") if attempt % 2 == 0 else ("missing", "has no table")
        _select(page, "database", value="local")
        _fill(page, "table", value)
        with page.expect_navigation(timeout=15000):
            page.get_by_role("button", name="Check and analyse the table").click()
        expect(page.locator('gcds-input[name="table"]')).to_have_attribute("error-message", re.compile(expected))


def test_a_withheld_part_is_made_public_and_checked(page, directory_demo):
    from carrefour.directory.models import Team, User
    from tests.experiments.factories import make_experiment

    owner = User.objects.get(email="amelie.tremblay@canada.ca")
    team = Team.objects.filter(memberships__user=owner).first()
    experiment = make_experiment(owner, team=team, register=True)  # "intervention" kept internal
    _sign_in(page, owner.email)
    base = page.base_url
    page.goto(base + f"/fr/experiments/{experiment.pk}/")
    row = page.locator("section[aria-labelledby='plan-intervention']")
    row.locator("summary").click()
    assert_accessible(page, "experiment-disclose-fr")
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    expect(page.locator("section[aria-labelledby='plan-intervention']")).to_contain_text("Une lettre confidentielle")
    page.goto(base + f"/fr/experiments/{experiment.pk}/registration/")
    expect(page.locator("section[aria-labelledby='disclosure-intervention']")).to_contain_text(
        "Les deux empreintes sont identiques")
    assert_accessible(page, "experiment-disclosed-registration-fr")
