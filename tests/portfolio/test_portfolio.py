"""The portfolio list: filters, charts with data tables, exports, visibility, query counts; what's new;
the initiative page; the facet self-assessment."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.utils import timezone

from carrefour.directory.models import Role
from carrefour.directory.services import membership_add
from carrefour.portfolio import demo, selectors, services
from carrefour.portfolio.models import Facet, FacetAssessment, Stage
from tests.directory.factories import JurisdictionFactory
from tests.portfolio.factories import make_achievement, make_initiative, make_priority, make_world

pytestmark = pytest.mark.django_db


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def _json(response) -> list[dict]:
    return json.loads(b"".join(response.streaming_content))["results"]


def _facets(*codes: str) -> list[Facet]:
    found = demo.ensure_facets()
    return [found[c] for c in codes]


@pytest.fixture
def catalogue():
    """The world's initiative (federal, Ontario partner, design, on track) and three more."""
    world = make_world()
    bc = JurisdictionFactory(code="bc", name_en="British Columbia", name_fr="Colombie-Britannique")
    second = make_priority(world.table, actor=world.secretary)
    world.initiative.facets.set(_facets("enhancement"))
    make = lambda **kw: make_initiative(actor=world.secretary, table=world.table, **kw)  # noqa: E731
    world.extra.update(
        foresight=make(jurisdiction=bc, facets=_facets("anticipatory"), stage="idea", status="at_risk", priority=second,
                       summary_en="Scanning emerging technologies"),
        mission=make(jurisdiction=world.federal, facets=_facets("mission", "enhancement"), stage="design",
                     status="on_track", priority=second),
        blocked=make(jurisdiction=world.federal, facets=_facets("enhancement"), stage="testing", status="blocked"),
        second_priority=second, bc=bc,
    )
    return world


def test_filters_narrow_the_list_and_the_exports(client, catalogue):
    extra = catalogue.extra
    response = client.get("/en/portfolio/?facet=enhancement")
    expected = {catalogue.initiative.pk, extra["mission"].pk, extra["blocked"].pk}
    assert {i.pk for i in response.context["object_list"]} == expected
    assert {int(r["Identifier"]) for r in _csv(client.get("/en/portfolio/?facet=enhancement&format=csv"))} == expected
    # A partner jurisdiction matches like the lead.
    assert [r["id"] for r in _json(client.get("/en/portfolio/?jurisdiction=on&format=json"))] == [catalogue.initiative.pk]
    response = client.get("/en/portfolio/?stage=design&status=on_track")
    assert {i.pk for i in response.context["object_list"]} == {catalogue.initiative.pk, extra["mission"].pk}
    response = client.get(f"/en/portfolio/?priority={extra['second_priority'].pk}")
    assert {i.pk for i in response.context["object_list"]} == {extra["foresight"].pk, extra["mission"].pk}
    response = client.get("/en/portfolio/?q=emerging")
    assert [i.pk for i in response.context["object_list"]] == [extra["foresight"].pk]


def test_charts_are_svg_with_titles_and_data_tables(client, catalogue):
    html = client.get("/fr/portfolio/").content.decode()
    assert html.count('role="img"') == 2
    assert '<title id="matrix-title">' in html and '<title id="breakdown-title">' in html
    assert html.count("<caption") >= 2
    matrix = selectors.facet_stage_matrix(selectors.initiative_list(user=None))
    enhancement = next(r for r in matrix["rows"] if r["facet"].code == "enhancement")
    design, testing = Stage.values.index("design"), Stage.values.index("testing")
    assert enhancement["total"] == 3 and enhancement["cells"][design] == 2 and enhancement["cells"][testing] == 1
    assert sum(enhancement["cells"]) == enhancement["total"]
    breakdown = selectors.jurisdiction_breakdown(selectors.initiative_list(user=None))
    assert [(r["jurisdiction"].code, r["total"]) for r in breakdown] == [("ca", 3), ("bc", 1)]


def test_private_initiatives_stay_private(client, catalogue):
    hidden = catalogue.extra["blocked"]
    services.initiative_update(initiative=hidden, actor=catalogue.secretary, data={"visibility": "private"})
    client.force_login(catalogue.citizen)
    assert hidden.pk not in {i.pk for i in client.get("/en/portfolio/").context["object_list"]}
    assert hidden.pk not in {r["id"] for r in _json(client.get("/en/portfolio/?format=json"))}
    assert client.get(hidden.get_absolute_url()).status_code == 404
    client.force_login(catalogue.admin)
    assert hidden.pk in {i.pk for i in client.get("/en/portfolio/").context["object_list"]}


def test_list_page_query_count_does_not_grow_with_initiatives(client, catalogue, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/en/portfolio/")  # warm caches (content types, sessions)
    # Adding initiatives makes the cached figures stale: compare with a request that counts them too.
    selectors.figures_invalidate()
    with CaptureQueriesContext(connection) as few:
        client.get("/en/portfolio/")
    for _ in range(15):
        make_initiative(actor=catalogue.secretary, table=catalogue.table, jurisdiction=catalogue.ontario,
                        priority=catalogue.priority, facets=_facets("mission", "adaptive"),
                        partner_jurisdictions=[catalogue.federal])
    with django_assert_max_num_queries(len(few)):
        client.get("/en/portfolio/")


def test_table_page_query_count_does_not_grow_with_initiatives(client, catalogue, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = catalogue.table.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(10):
        make_initiative(actor=catalogue.secretary, table=catalogue.table, jurisdiction=catalogue.ontario,
                        priority=catalogue.priority)
        make_initiative(actor=catalogue.secretary, table=catalogue.table, jurisdiction=catalogue.ontario)
    with django_assert_max_num_queries(len(few)):
        client.get(url)


def test_whats_new_since_a_date(client, catalogue):
    today = timezone.localdate()
    recent = make_achievement(catalogue.initiative, actor=catalogue.secretary, date=today - datetime.timedelta(days=3))
    newest = make_achievement(catalogue.extra["mission"], actor=catalogue.secretary, date=today)
    make_achievement(catalogue.initiative, actor=catalogue.secretary, date=today - datetime.timedelta(days=40))
    since = (today - datetime.timedelta(days=10)).isoformat()
    response = client.get(f"/en/portfolio/new/?since={since}")
    assert [a.pk for a in response.context["items"]] == [newest.pk, recent.pk]  # newest first
    rows = _json(client.get(f"/fr/portfolio/new/?since={since}&format=json"))
    assert [r["text_en"] for r in rows] == [newest.text_en, recent.text_en]
    assert len(_csv(client.get(f"/fr/portfolio/new/?since={since}&format=csv"))) == len(rows)


def test_initiative_page_shows_facets_timeline_and_links(client, catalogue):
    initiative = catalogue.initiative
    today = timezone.localdate()
    older = make_achievement(initiative, actor=catalogue.secretary, date=today - datetime.timedelta(days=30))
    newer = make_achievement(initiative, actor=catalogue.secretary, date=today)
    services.initiative_link_add(initiative=initiative, actor=catalogue.secretary, data={
        "kind": "resource", "title_en": "Service design toolkit", "title_fr": "Trousse", "url": "https://example.org/t"})
    html = client.get(initiative.get_absolute_url()).content.decode()
    assert "Enhancement-oriented" in html and "How might we do X better?" in html
    assert html.index(newer.text_en) < html.index(older.text_en)  # newest first
    assert "Service design toolkit" in html and "https://example.org/t" in html


def test_facet_self_assessment_compares_orientation_with_actual_mix(client, catalogue):
    member = catalogue.member
    team = catalogue.table.team
    client.force_login(member)
    answers = {"purpose": "mission", "certainty": "mission", "risk": "adaptive", "permission": "mission",
               "horizon": "anticipatory", "methods": "enhancement"}
    response = client.post("/en/portfolio/assessment/", {"team": team.pk, **answers})
    result = FacetAssessment.objects.get()
    assert response.status_code == 302 and response["Location"] == result.get_absolute_url()
    assert result.scores["mission"] == pytest.approx(0.5) and result.visibility == "members"
    page = client.get(result.get_absolute_url())
    rows = {r["facet"].code: r for r in page.context["rows"]}
    assert rows["mission"]["orientation"] == pytest.approx(0.5)
    # Actual mix: five facet tags on the table's initiatives, three of them enhancement.
    assert rows["enhancement"]["actual"] == pytest.approx(3 / 5)
    assert rows["anticipatory"]["actual"] == pytest.approx(1 / 5)
    html = page.content.decode()
    assert "How might we achieve X?" in html and ">50%</td>" in html
    assert ">50\u00a0%</td>" in client.get("/fr" + result.get_absolute_url()[3:]).content.decode()
    # Unanswered questions are refused; outsiders do not see a team's results.
    response = client.post("/en/portfolio/assessment/", {"team": team.pk, "purpose": "mission"})
    assert response.status_code == 200 and FacetAssessment.objects.count() == 1
    client.logout()
    assert client.get(result.get_absolute_url()).status_code == 404
    membership_add(team=team, user=catalogue.outsider, role=Role.MEMBER, actor=catalogue.admin)
    client.force_login(catalogue.outsider)
    assert client.get(result.get_absolute_url()).status_code == 200
