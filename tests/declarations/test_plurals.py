"""Counts and labels read right in both languages (French: 0 and 1 take the singular)."""

from __future__ import annotations

import datetime

import pytest

from carrefour.declarations import services
from carrefour.declarations.models import Declaration
from carrefour.directory.models import Role
from tests.declarations.factories import CommitmentFactory, DeclarationFactory
from tests.directory.factories import (
    JurisdictionFactory,
    MembershipFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = Declaration.Status


def _page(client, url, lang):
    return client.get(url.replace("/en/", f"/{lang}/")).content.decode().replace("\u00a0", " ")


def _open(invited: int):
    team = TeamFactory()
    sec = UserFactory()
    MembershipFactory(team=team, user=sec, role=Role.SECRETARIAT)
    d = DeclarationFactory(team=team, status=S.DRAFTING)
    CommitmentFactory(declaration=d, number=1)
    services.declaration_publish_version(declaration=d, actor=sec)
    services.declaration_set_status(declaration=d, actor=sec, status=S.ENDORSEMENT)
    jurisdictions = [JurisdictionFactory(code=f"{d.pk}-{i}") for i in range(invited)]
    services.endorsement_invite(declaration=d, actor=sec, jurisdictions=jurisdictions)
    return d, sec, jurisdictions


def _record(d, sec, jurisdiction):
    services.endorsement_record(declaration=d, actor=sec, jurisdiction=jurisdiction, signatory_name="Pat Doe",
                                signatory_title="Clerk", endorsed_on=datetime.date(2025, 3, 1))


BOARD = {
    "en": ("The invited jurisdiction has not endorsed yet.", "None of the 2 invited jurisdictions has endorsed yet.",
           "1 of 3 invited jurisdictions has endorsed.", "2 of 3 invited jurisdictions have endorsed."),
    "fr": ("L'administration invitée n'a pas encore approuvé.",
           "Aucune des 2 administrations invitées n'a encore approuvé.",
           "1 administration invitée sur 3 a approuvé.", "2 administrations invitées sur 3 ont approuvé."),
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_endorsement_board_counts_read_right_for_none_one_and_many(client, lang):
    none_of_one, none_of_two, one_of_three, two_of_three = BOARD[lang]
    d, _, _ = _open(1)
    assert none_of_one in _page(client, d.get_absolute_url(), lang)
    d, _, _ = _open(2)
    assert none_of_two in _page(client, d.get_absolute_url(), lang)
    d, sec, (a, b, _) = _open(3)
    _record(d, sec, a)
    page = _page(client, d.get_absolute_url(), lang)
    assert one_of_three in page
    assert "0 des" not in page
    _record(d, sec, b)
    assert two_of_three in _page(client, d.get_absolute_url(), lang)


def test_adopted_as_a_date_label_is_not_the_plural_of_the_home_count(client):
    d = DeclarationFactory(adopted_on=datetime.date(2017, 11, 1))
    url = d.get_absolute_url()
    fr = _page(client, url, "fr")
    assert "<dt>Date d'adoption</dt><dd>1er novembre 2017</dd>" in fr
    assert "Adoptées" not in fr
    en = _page(client, url, "en")
    assert "<dt>Adopted</dt><dd>Nov. 1, 2017</dd>" in en
    csv_fr = _csv_header(client, "fr")
    assert "Date d'adoption" in csv_fr
    assert "Adoptées" not in csv_fr
    assert "Adopted" in _csv_header(client, "en")


def _csv_header(client, lang):
    response = client.get(f"/{lang}/declarations/?format=csv")
    return b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[0]
