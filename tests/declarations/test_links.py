"""The cross-domain interface: linking any record to commitments."""

from __future__ import annotations

import pytest

from carrefour.core.exceptions import ApplicationError
from carrefour.core.models import AuditEntry
from carrefour.declarations.models import Declaration
from carrefour.declarations.selectors import commitment_choices, commitments_for
from carrefour.declarations.services import commitment_links_set
from tests.declarations.factories import CommitmentFactory, DeclarationFactory
from tests.directory.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_links_replace_the_set_and_are_audited():
    owner = UserFactory()
    target = TeamFactory(owner=owner)
    declaration = DeclarationFactory()
    c1, c2, c3 = (CommitmentFactory(declaration=declaration, number=n) for n in (1, 2, 3))
    commitment_links_set(actor=owner, target=target, commitments=[c1, c2])
    assert [c.number for c in commitments_for(target=target)] == [1, 2]
    commitment_links_set(actor=owner, target=target, commitments=[c3.pk, c2.pk])
    assert [c.number for c in commitments_for(target=target)] == [2, 3]
    entries = AuditEntry.objects.filter(object_id=str(target.pk), action="event")
    assert entries.count() == 2
    assert entries.first().changes == {"commitments": [[c1.pk, c2.pk], [c2.pk, c3.pk]]}
    # Setting the same set again changes nothing and writes no audit entry.
    commitment_links_set(actor=owner, target=target, commitments=[c2, c3])
    assert entries.count() == 2


def test_only_editors_link():
    target = TeamFactory(owner=UserFactory())
    commitment = CommitmentFactory()
    with pytest.raises(ApplicationError, match="cannot change"):
        commitment_links_set(actor=UserFactory(), target=target, commitments=[commitment])


def test_unknown_commitment_refused():
    owner = UserFactory()
    with pytest.raises(ApplicationError, match="does not exist"):
        commitment_links_set(actor=owner, target=TeamFactory(owner=owner), commitments=[999999])


def test_choices_list_adopted_declarations_only():
    adopted = DeclarationFactory(short_name_en="FPT")
    CommitmentFactory(declaration=adopted, number=2, title_en="Experiment", text_en="Experiment and measure.")
    draft = DeclarationFactory(status=Declaration.Status.DRAFTING)
    CommitmentFactory(declaration=draft, number=1)
    choices = commitment_choices()
    assert [label for _, label in choices] == ["FPT 2 — Experiment"]
