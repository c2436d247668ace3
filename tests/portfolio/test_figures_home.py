"""The home page's sections: each a plain count of what the reader sees, in a constant number of queries.

Declarations and consultations: one aggregate query each (COUNT with filters), whatever their
number; the portfolio: its list's cached counts, one cache read when they are current.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carrefour.consultations.home import home_section as consultations_section
from carrefour.declarations.home import home_section as declarations_section
from carrefour.declarations.models import Declaration
from carrefour.portfolio.home import home_section as portfolio_section
from tests.consultations.factories import ConsultationFactory
from tests.declarations.factories import DeclarationFactory
from tests.directory.factories import JurisdictionFactory, public_servant
from tests.portfolio.factories import make_admin, make_initiative

pytestmark = pytest.mark.django_db

STATUSES = [s for s, _label in Declaration.Status.choices]


def _stats(section) -> list[int]:
    return [n for _label, n in section["stats"]]


def _declarations(n: int) -> None:
    for k in range(n):
        DeclarationFactory(status=STATUSES[k % len(STATUSES)],
                           visibility=["public", "government", "private"][(k // len(STATUSES)) % 3])


def _consultations(n: int) -> None:
    now = timezone.now()
    windows = [(now - timedelta(days=3), now + timedelta(days=3)),  # open
               (now - timedelta(days=9), now - timedelta(days=1)),  # closed
               (now + timedelta(days=2), now + timedelta(days=9))]  # not yet open
    for k in range(n):
        opens, closes = windows[k % 3]
        ConsultationFactory(opens_at=opens, closes_at=closes, visibility=["public", "government"][k % 2])


def _visible(rows, user) -> list:
    """Public to anyone, government to public servants; nothing deleted (the design's rule)."""
    allowed = {"public"} | ({"government"} if user is not None and user.is_public_servant else set())
    return [r for r in rows if r.deleted_at is None and r.visibility in allowed]


@pytest.mark.parametrize("who", ["anonymous", "public servant"])
def test_declarations_section_counts_what_the_reader_sees_in_one_query(who):
    user = None if who == "anonymous" else public_servant()
    for grow in (12, 18):
        _declarations(grow)
        rows = _visible(Declaration.objects.all(), user)
        adopted = sum(r.status == "adopted" for r in rows)
        preparing = sum(r.status not in ("adopted", "retired") for r in rows)
        assert adopted and preparing
        with CaptureQueriesContext(connection) as queries:
            section = declarations_section(user=user)
        assert _stats(section) == [adopted, preparing]
        assert len(queries) == 1


@pytest.mark.parametrize("who", ["anonymous", "public servant"])
def test_consultations_section_counts_what_the_reader_sees_in_one_query(who):
    from carrefour.consultations.models import Consultation

    user = None if who == "anonymous" else public_servant()
    now = timezone.now()
    for grow in (6, 15):
        _consultations(grow)
        rows = _visible(Consultation.objects.all(), user)
        open_now = sum(r.opens_at <= now < r.closes_at for r in rows)
        closed = sum(r.closes_at <= now for r in rows)
        assert open_now and closed
        with CaptureQueriesContext(connection) as queries:
            section = consultations_section(user=user)
        assert _stats(section) == [open_now, closed]
        assert len(queries) == 1


def test_portfolio_section_reads_the_cached_counts_in_one_query():
    admin = make_admin()
    lead = JurisdictionFactory()
    statuses = ["on_track", "at_risk", "blocked", "done"]
    for size in (4, 12):
        for k in range(size):
            make_initiative(actor=admin, jurisdiction=lead, status=statuses[k % 4],
                            visibility="public" if k % 3 else "private")
        from carrefour.portfolio.models import Initiative

        rows = _visible(Initiative.objects.all(), None)
        expected = [len(rows), sum(r.status in ("at_risk", "blocked") for r in rows)]
        assert _stats(portfolio_section(user=None)) == expected  # counted after the change
        with CaptureQueriesContext(connection) as queries:
            assert _stats(portfolio_section(user=None)) == expected
        assert len(queries) == 1  # the cache entry and its version, read together
