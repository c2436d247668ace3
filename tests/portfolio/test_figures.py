"""The portfolio's figures: counted in the database, cached, read back; recounted after a change.

The page's count, facet × stage matrix and lead jurisdiction × status breakdown are checked
against a plain Python count over the same rows, with the visibility rule written out again
here (independently of core.visibility); query counts stay the same as the data grows; a
page view with a current cache entry does not count again; every service that changes an
initiative makes the next request count again.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from carrefour.directory.models import Membership
from carrefour.portfolio import demo, selectors, services
from carrefour.portfolio.models import Initiative, Stage, Status
from carrefour.portfolio.selectors import figures
from tests.directory.factories import JurisdictionFactory
from tests.portfolio.factories import make_initiative, make_world

pytestmark = pytest.mark.django_db

FACET_CODES = ["enhancement", "mission", "adaptive", "anticipatory"]
FILTERS = ["", "?facet=enhancement", "?stage=design&status=on_track", "?jurisdiction=on", "?q=Initiative"]


@pytest.fixture
def world():
    """The world's table with initiatives of every visibility, facets none to two, a deleted one."""
    world = make_world()
    facets = demo.ensure_facets()
    bc = JurisdictionFactory(code="bc", name_en="British Columbia", name_fr="Colombie-Britannique")
    world.extra["bc"] = bc
    plan = [
        # (lead, partners, facets, stage, status, visibility)
        (world.federal, [world.ontario], ["enhancement"], "design", "on_track", "public"),
        (world.federal, [], ["enhancement", "mission"], "design", "at_risk", "public"),
        (world.ontario, [], [], "idea", "blocked", "public"),
        (world.ontario, [world.federal], ["adaptive"], "testing", "on_track", "government"),
        (world.federal, [world.ontario], ["anticipatory", "enhancement"], "design", "on_track", "members"),
        (world.ontario, [], ["mission"], "scaling", "done", "private"),
        (world.federal, [], ["enhancement"], "design", "on_track", "public"),
    ]
    for lead, partners, codes, stage, status, visibility in plan:
        make_initiative(actor=world.secretary, table=world.table, jurisdiction=lead, partner_jurisdictions=partners,
                        facets=[facets[c] for c in codes], stage=stage, status=status, visibility=visibility)
    deleted = make_initiative(actor=world.secretary, table=world.table, jurisdiction=world.federal,
                              facets=[facets["enhancement"]], stage="design")
    services.initiative_delete(initiative=deleted, actor=world.secretary)
    return world


def _sees(user, initiative: Initiative, teams: set[int]) -> bool:
    """The visibility rule, as the design states it (not core.visibility's query)."""
    if initiative.deleted_at is not None:
        return False
    if user is None:
        return initiative.visibility == "public"
    if user.is_superuser or initiative.visibility == "public" or initiative.owner_id == user.pk:
        return True
    if initiative.visibility == "government":
        return user.is_public_servant or initiative.team_id in teams
    if initiative.visibility == "members":
        return initiative.team_id in teams
    return False


def _matches(initiative: Initiative, query: str) -> bool:
    facets = {f.code for f in initiative.facets.all()}
    partners = {j.code for j in initiative.partner_jurisdictions.all()}
    checks = {
        "": True,
        "?facet=enhancement": "enhancement" in facets,
        "?stage=design&status=on_track": initiative.stage == "design" and initiative.status == "on_track",
        "?jurisdiction=on": initiative.jurisdiction.code == "on" or "on" in partners,
        "?q=Initiative": "initiative" in (initiative.title_en + initiative.title_fr + initiative.summary_en
                                          + initiative.summary_fr).lower(),
    }
    return checks[query]


def _expected(user, query: str) -> list[Initiative]:
    teams = set(Membership.objects.filter(user=user).values_list("team_id", flat=True)) if user else set()
    rows = Initiative.objects.select_related("jurisdiction").prefetch_related("facets", "partner_jurisdictions")
    return [i for i in rows if _sees(user, i, teams) and _matches(i, query)]


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _page_figures(response) -> tuple[int, dict, dict]:
    context = response.context
    stages = Stage.values
    matrix = {(row["facet"].code, stages[c]): n for row in context["matrix"]["rows"] for c, n in enumerate(row["cells"])}
    matrix.update({(None, stages[c]): n for c, n in enumerate(context["matrix"]["unassigned"])})
    breakdown = {(row["jurisdiction"].code, Status.values[s]): n
                 for row in context["breakdown"] for s, n in enumerate(row["counts"])}
    return context["paginator"].count, {k: n for k, n in matrix.items() if n}, {k: n for k, n in breakdown.items() if n}


def _python_figures(rows: list[Initiative]) -> tuple[int, dict, dict]:
    matrix: Counter = Counter()
    for i in rows:
        codes = [f.code for f in i.facets.all()] or [None]
        matrix.update((code, i.stage) for code in codes)
    breakdown = Counter((i.jurisdiction.code, i.status) for i in rows)
    return len(rows), dict(matrix), dict(breakdown)


@pytest.mark.parametrize("who", ["anonymous", "citizen", "outsider", "member", "secretary", "admin"])
def test_the_figures_are_a_plain_count_of_the_rows_the_reader_sees(world, who):
    user = None if who == "anonymous" else getattr(world, who)
    client = _client(user)
    for query in FILTERS:
        expected = _python_figures(_expected(user, query))
        assert expected[0] > 0, query  # every filter finds something, so the comparison says something
        for _ in range(2):  # counted, then read back from the cache
            assert _page_figures(client.get(f"/en/portfolio/{query}")) == expected, (who, query)


def test_readers_with_different_rights_never_share_an_entry(world):
    counts = {who: _client(user).get("/en/portfolio/").context["paginator"].count
              for who, user in (("anonymous", None), ("outsider", world.outsider), ("member", world.member),
                                ("secretary", world.secretary))}
    # 5 public (the world's own and four more); the outsider adds government; the member adds
    # government and members; the secretary, who owns them all, adds the private one too.
    assert counts == {"anonymous": 5, "outsider": 6, "member": 7, "secretary": 8}


def test_each_service_that_changes_an_initiative_makes_the_next_request_count_again(
        world, client, django_capture_on_commit_callbacks):
    facets = demo.ensure_facets()
    design = Stage.values.index("design")

    def figures_now():
        response = client.get("/en/portfolio/")
        enhancement = next(r for r in response.context["matrix"]["rows"] if r["facet"].code == "enhancement")
        return response.context["paginator"].count, enhancement["cells"][design]

    count, cell = figures_now()
    with django_capture_on_commit_callbacks(execute=True):
        added = make_initiative(actor=world.secretary, table=world.table, jurisdiction=world.federal,
                                facets=[facets["enhancement"]], stage="design")
    assert figures_now() == (count + 1, cell + 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.initiative_update(initiative=added, actor=world.secretary, data={"stage": "testing"})
    assert figures_now() == (count + 1, cell)
    with django_capture_on_commit_callbacks(execute=True):
        services.initiative_delete(initiative=added, actor=world.secretary)
    assert figures_now() == (count, cell)
    with django_capture_on_commit_callbacks(execute=True):
        services.initiative_restore(initiative=Initiative.objects.get(pk=added.pk), actor=world.admin)
    assert figures_now() == (count + 1, cell)
    content = "title_en,title_fr,lead_jurisdiction,stage,facets\nImported,Importée,ca,design,enhancement\n"
    with django_capture_on_commit_callbacks(execute=True):
        services.initiatives_import_csv(table=world.table, actor=world.secretary, content=content)
    assert figures_now() == (count + 2, cell + 1)


def test_the_home_page_counts_change_with_the_portfolio(world, client):
    def stats():
        section = next(s for s in client.get("/en/").context["sections"] if s["url"] == "/en/portfolio/")
        return [n for _label, n in section["stats"]]

    before = stats()
    assert before == [5, 2]  # five public initiatives, one at risk and one blocked
    make_initiative(actor=world.secretary, table=world.table, jurisdiction=world.ontario, status="blocked")
    assert stats() == [6, 3]


def test_a_page_view_reads_the_stored_counts_and_does_not_count_again(world, client):
    client.get("/en/portfolio/?facet=enhancement")
    client.get("/en/")  # the home page shares the unfiltered list's entry
    with mock.patch.object(figures, "_matrix_counts", side_effect=AssertionError("recounted")), \
            mock.patch.object(figures, "_breakdown_counts", side_effect=AssertionError("recounted")), \
            CaptureQueriesContext(connection) as queries:
        response = client.get("/en/portfolio/?facet=enhancement")
        home = client.get("/en/")
    assert response.status_code == 200 and home.status_code == 200
    # The paginator takes the stored count: no COUNT and no GROUP BY over the initiatives.
    over_initiatives = [q["sql"] for q in queries if 'FROM "portfolio_initiative"' in q["sql"]]
    assert not [sql for sql in over_initiatives if "COUNT(" in sql or "GROUP BY" in sql], over_initiatives


def test_figures_invalidate_replaces_the_version_now_and_after_the_commit(django_capture_on_commit_callbacks):
    before = selectors.initiative_counts(user=None)  # stores the version and an entry
    from django.core.cache import cache

    version = cache.get(figures.VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        selectors.figures_invalidate()
    first = cache.get(figures.VERSION_KEY)
    assert first != version
    assert len(callbacks) == 1
    callbacks[0]()
    assert cache.get(figures.VERSION_KEY) not in (version, first)
    assert selectors.initiative_counts(user=None) == before


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


def _grow(world, n: int) -> None:
    facets = list(demo.ensure_facets().values())
    for k in range(n):
        lead = JurisdictionFactory()  # a new lead each time: the breakdown gains a row per initiative
        make_initiative(actor=world.secretary, table=world.table, jurisdiction=lead, priority=world.priority,
                        partner_jurisdictions=[world.ontario, world.federal], facets=facets[: 1 + k % 4],
                        stage=Stage.values[k % len(Stage.values)], status=Status.values[k % len(Status.values)])


@pytest.mark.parametrize("who", ["anonymous", "member", "admin"])
def test_list_queries_do_not_grow_with_the_initiatives(world, who):
    user = None if who == "anonymous" else getattr(world, who)
    client = _client(user)
    urls = ["/en/portfolio/", "/en/portfolio/?page=2", "/fr/portfolio/?facet=enhancement&stage=design",
            "/en/portfolio/?jurisdiction=on&status=on_track", "/en/portfolio/?q=Initiative&page=2"]
    _grow(world, 26)  # more than a page, for every reader
    client.get("/en/portfolio/")  # sessions, content types

    def measure() -> dict[str, tuple[int, int]]:
        out = {}
        for url in urls:
            selectors.figures_invalidate()
            counted = _queries(client, url)
            out[url] = (counted, _queries(client, url))
        return out

    small = measure()
    _grow(world, 30)
    large = measure()
    assert large == small
    # Reading the stored figures is cheaper than counting them.
    assert all(read < counted for counted, read in small.values()), small


def test_the_list_page_reads_what_it_shows_and_its_exports_every_column(world, client):
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/en/portfolio/")
    assert page.status_code == 200
    # The table is an export column, not one of the page's: the page does not read it.
    assert not [q["sql"] for q in queries if 'FROM "portfolio_table"' in q["sql"]]
    export = client.get("/en/portfolio/?format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert [row["Table"] for row in rows] == [world.table.slug] * 5


def test_joining_a_team_changes_the_readers_counts_at_once(world):
    from carrefour.directory.models import Role
    from carrefour.directory.services import membership_add

    citizen = _client(world.citizen)
    assert citizen.get("/en/portfolio/").context["paginator"].count == 5  # public only
    membership_add(team=world.table.team, user=world.citizen, role=Role.MEMBER, actor=world.admin)
    # No portfolio service ran, yet the entry is another one: the reader's teams are in its key.
    assert citizen.get("/en/portfolio/").context["paginator"].count == 7  # and government, members
