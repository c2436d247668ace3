"""Emails go out in both official languages, the reader's first."""

from __future__ import annotations

import pytest
from django.utils.translation import get_language, gettext

from carrefour.core.mail import bilingual, reader_language


def _render() -> tuple[str, str]:
    # A string from our catalogue, so the two parts really differ by language.
    return gettext("Report a problem or mistake on this page"), f"{get_language()}: " + gettext("Save")


@pytest.mark.parametrize(("first", "subject", "order", "notice"), [
    ("en", "Report a problem or mistake on this page / Signaler un problème ou une erreur sur cette page",
     ("en: Save", "fr: Enregistrer"), "(La version française suit.)"),
    ("fr", "Signaler un problème ou une erreur sur cette page / Report a problem or mistake on this page",
     ("fr: Enregistrer", "en: Save"), "(The English version follows.)"),
])
def test_bilingual_puts_the_readers_language_first(first, subject, order, notice):
    got_subject, body = bilingual(_render, first)
    assert got_subject == subject
    assert body.startswith(notice + "\n")
    assert body.index(order[0]) < body.index(order[1])


def test_one_subject_when_both_languages_read_the_same():
    subject, _ = bilingual(lambda: ("Carrefour", "x"), "en")
    assert subject == "Carrefour"


def test_reader_language_defaults_to_english_for_unknown_preferences():
    class Person:
        preferred_language = "de"

    assert reader_language(Person()) == "en"
    Person.preferred_language = "fr"
    assert reader_language(Person()) == "fr"

