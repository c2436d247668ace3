"""Moderation notices: plain text, never HTML-escaped (an apostrophe stays an apostrophe)."""

from __future__ import annotations

import pytest

from carrefour.consultations import services
from tests.consultations.factories import ConsultationFactory, moderator_for
from tests.directory.factories import UserFactory

pytestmark = pytest.mark.django_db


def _plain(text):
    """The text with non-breaking spaces read as spaces (French typography puts one before ':')."""
    return text.replace("\u00a0", " ")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_moderation_notice_subject_keeps_apostrophes(lang, django_capture_on_commit_callbacks, mailoutbox):
    c = ConsultationFactory(title_en="Consultation on the public's innovation",
                            title_fr="Consultation sur l'innovation")
    author = UserFactory(preferred_language=lang)
    comment = services.comment_create(consultation=c, author=author, body="The author's point: it's unclear.")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_hide(comment=comment, actor=moderator_for(c), reason="Off the topic's scope")
    (message,) = mailoutbox
    subject = _plain(message.subject)
    assert "&#x27;" not in subject
    assert "&#x27;" not in message.body
    assert "Votre commentaire a été masqué — Consultation sur l'innovation" in subject
    assert "Your comment was hidden — Consultation on the public's innovation" in subject
    first = "Votre commentaire" if lang == "fr" else "Your comment"
    assert subject.startswith(first)
    assert "Off the topic's scope" in message.body
