"""The portfolio list: filters, charts with data tables, exports, visibility, query counts; what's new;
the facet self-assessment."""

from __future__ import annotations

import csv
import io
import json

import pytest

from carrefour.directory.models import Jurisdiction
from carrefour.portfolio import selectors
from carrefour.portfolio.models import Facet, FacetAssessment, Initiative
from tests.portfolio.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_filters_narrow_the_list_and_the_exports(client, portfolio_demo):
    response = client.get("/en/portfolio/?facet=anticipatory")
    titles = {i.title_en for i in response.context["object_list"]}
    assert titles == {"Data Driven Intelligence", "Durham climate-ready infrastructure foresight", "BC emerging technologies scan"}
    rows = _csv(client.get("/en/portfolio/?facet=anticipatory&format=csv"))
    assert {r["Title (English)"] for r in rows} == titles
    data = json.loads(b"".join(client.get("/en/portfolio/?jurisdiction=nl&format=json").streaming_content))
    assert [r["title_en"] for r in data["results"]] == ["Death Notification"]  # NL is a partner
    response = client.get("/en/portfolio/?stage=design&status=on_track")
    assert {i.title_en for i in response.context["object_list"]} == {"Death Notification", "Expedited Business Start"}
    priority = portfolio_demo.priorities.get(title_en="Identity Management")
    response = client.get(f"/en/portfolio/?priority={priority.pk}")
    assert response.context["paginator"].count == 2


def test_charts_are_svg_with_titles_and_data_tables(client, portfolio_demo):
    html = client.get("/fr/portfolio/").content.decode()
    assert html.count('role="img"') == 2
    assert "<title id=\"matrix-title\">" in html and "<title id=\"breakdown-title\">" in html
    assert html.count("<caption") >= 2
    matrix = selectors.facet_stage_matrix(Initiative.objects.filter(deleted_at__isnull=True))
    enhancement = next(r for r in matrix["rows"] if r["facet"].code == "enhancement")
    assert enhancement["total"] == 9
    assert sum(enhancement["cells"]) == enhancement["total"]
    breakdown = selectors.jurisdiction_breakdown(Initiative.objects.all())
    assert breakdown[0]["jurisdiction"].code == "ca" and breakdown[0]["total"] == 6


def test_private_initiatives_stay_private(client, portfolio_demo, citizen):
    Initiative.objects.filter(title_en="Open Data").update(visibility="private")
    client.force_login(citizen)
    assert "Open Data" not in {i.title_en for i in client.get("/en/portfolio/").context["object_list"]}
    assert "Open Data" not in {r["title_en"] for r in json.loads(
        b"".join(client.get("/en/portfolio/?format=json").streaming_content))["results"]}
    initiative = Initiative.objects.get(title_en="Open Data")
    assert client.get(f"/en/portfolio/initiatives/{initiative.pk}/").status_code == 404


def test_list_page_query_count_does_not_grow_with_initiatives(client, portfolio_demo, django_assert_num_queries):
    client.get("/en/portfolio/")  # warm caches (content types, sessions)
    with django_assert_num_queries(15):
        client.get("/en/portfolio/")
    facets = list(Facet.objects.all())
    ontario = Jurisdiction.objects.get(code="on")
    for _ in range(15):
        initiative = InitiativeFactory(jurisdiction=ontario)
        initiative.facets.set(facets[:2])
        initiative.partner_jurisdictions.set([ontario])
    with django_assert_num_queries(15):
        client.get("/en/portfolio/")


def test_table_page_query_count(client, portfolio_demo, django_assert_num_queries):
    client.get("/en/portfolio/tables/fpt-dm-service/")
    with django_assert_num_queries(11):
        client.get("/en/portfolio/tables/fpt-dm-service/")


def test_whats_new_since_a_date(client, portfolio_demo):
    response = client.get("/en/portfolio/new/?since=2018-01-01")
    texts = [a.text_en for a in response.context["items"]]
    assert texts == ["Acceleration team exploring pilots to advance EBS.",
                     "Journey mapping completed to scope a future bereavement bundle."]
    rows = _csv(client.get("/fr/portfolio/new/?since=2018-01-01&format=csv"))
    assert len(rows) == 2


def test_initiative_page_shows_facets_timeline_and_links(client, portfolio_demo):
    initiative = Initiative.objects.get(title_en="Open Data")
    html = client.get(f"/en/portfolio/initiatives/{initiative.pk}/").content.decode()
    assert "Enhancement-oriented" in html and "How might we do X better?" in html
    assert html.index("Developed an MOU") < html.index("Released DIY Open Data Toolkit")  # newest first
    assert "Do-It-Yourself Open Data Toolkit" in html


def test_facet_self_assessment_compares_orientation_with_actual_mix(client, portfolio_demo, raj):
    client.force_login(raj)
    team = portfolio_demo.team
    answers = {"purpose": "mission", "certainty": "mission", "risk": "adaptive", "permission": "mission",
               "horizon": "anticipatory", "methods": "enhancement"}
    response = client.post("/en/portfolio/assessment/", {"team": team.pk, **answers})
    result = FacetAssessment.objects.get()
    assert response.status_code == 302 and response["Location"] == result.get_absolute_url()
    assert result.scores["mission"] == pytest.approx(0.5) and result.visibility == "members"
    html = client.get(result.get_absolute_url()).content.decode()
    assert "How might we achieve X?" in html and "50 %" in html or "50%" in html
    actual = selectors.actual_facet_mix(team=team, user=raj)
    assert sum(actual.values()) == pytest.approx(1.0)
    assert actual["enhancement"] > actual["anticipatory"]
    # Unanswered questions are refused; outsiders do not see a team's results.
    response = client.post("/en/portfolio/assessment/", {"team": team.pk, "purpose": "mission"})
    assert response.status_code == 200 and FacetAssessment.objects.count() == 1
    client.logout()
    assert client.get(result.get_absolute_url()).status_code == 404
