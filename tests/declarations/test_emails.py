"""Declaration emails: plain text, never HTML-escaped (an apostrophe stays an apostrophe)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

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


@pytest.fixture
def open_declaration():
    team = TeamFactory()
    sec = UserFactory()
    MembershipFactory(team=team, user=sec, role=Role.SECRETARIAT)
    d = DeclarationFactory(team=team, status=S.DRAFTING, title_en="Declaration on the public's innovation",
                           title_fr="Déclaration sur l'innovation")
    CommitmentFactory(declaration=d, number=1)
    services.declaration_publish_version(declaration=d, actor=sec)
    services.declaration_set_status(declaration=d, actor=sec, status=S.ENDORSEMENT)
    return d, sec


def _signatory(jurisdiction, lang):
    user = UserFactory(preferred_language=lang)
    MembershipFactory(user=user, team=TeamFactory(), role=Role.SIGNATORY, jurisdiction=jurisdiction)
    return user


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_invitation_and_reminder_subjects_keep_apostrophes(open_declaration, lang, django_capture_on_commit_callbacks,
                                                           mailoutbox):
    d, sec = open_declaration
    j = JurisdictionFactory(code=f"ap-{lang}", name_en="People's Island", name_fr="Île d'en face")
    _signatory(j, lang)
    with django_capture_on_commit_callbacks(execute=True):
        services.endorsement_invite(declaration=d, actor=sec, jurisdictions=[j])
    with django_capture_on_commit_callbacks(execute=True):
        services.endorsement_remind(declaration=d, actor=sec, now=timezone.now() + datetime.timedelta(days=8))
    invitation, reminder = (_plain(m.subject) for m in mailoutbox)
    for message in mailoutbox:
        assert "&#x27;" not in message.subject
        assert "&#x27;" not in message.body
        assert "Île d'en face" in message.body
        assert "People's Island" in message.body
    assert "Invitation à approuver : Déclaration sur l'innovation" in invitation
    assert "Invitation to endorse: Declaration on the public's innovation" in invitation
    assert "Rappel : invitation à approuver : Déclaration sur l'innovation" in reminder
    assert "Reminder: invitation to endorse: Declaration on the public's innovation" in reminder
    first = "Invitation à approuver" if lang == "fr" else "Invitation to endorse"
    assert invitation.startswith(first)


def _plain(text):
    """The text with non-breaking spaces read as spaces (French typography puts one before ':')."""
    return text.replace("\u00a0", " ")
