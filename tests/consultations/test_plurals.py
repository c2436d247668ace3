"""Counts read right in both languages (French: 0 and 1 take the singular; no "0 personne appuie")."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from carrefour.consultations import services
from carrefour.directory.models import Role
from tests.consultations.factories import ConsultationFactory, moderator_for
from tests.directory.factories import UserFactory

pytestmark = pytest.mark.django_db


def _page(client, url, lang):
    return client.get(url.replace("/en/", f"/{lang}/")).content.decode().replace("\u00a0", " ")


def _comment(c, body):
    return services.comment_create(consultation=c, author=UserFactory(), body=body)


SUPPORT = {
    "en": ("No support yet", "1 person supports this", "2 people support this"),
    "fr": ("Aucun appui pour l'instant", "1 personne appuie ce commentaire", "2 personnes appuient ce commentaire"),
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_support_counts_say_none_one_and_many(client, lang):
    c = ConsultationFactory()
    none, one, two = (_comment(c, f"Comment {word} on the draft text.") for word in ("zero", "one", "two"))
    services.comment_support(comment=one, user=UserFactory())
    for _ in range(2):
        services.comment_support(comment=two, user=UserFactory())
    page = _page(client, c.get_absolute_url(), lang)
    zero_text, one_text, two_text = SUPPORT[lang]
    assert page.count(zero_text) == 1
    assert page.count(one_text) == 1
    assert page.count(two_text) == 1
    assert "0 person" not in page
    assert "0 personne" not in page


REPORT = {
    "en": ("1 comment · 1 participant", "3 comments · 2 participants"),
    "fr": ("1 commentaire · 1 participant", "3 commentaires · 2 participants"),
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_what_we_heard_counts_comments_and_participants_each_in_its_number(client, lang):
    single, several = ConsultationFactory(), ConsultationFactory()
    _comment(single, "The only comment on this draft.")
    first, second = UserFactory(), UserFactory()
    for author, body in ((first, "First point on the draft."), (first, "Second point on the draft."),
                         (second, "Another reader's point.")):
        services.comment_create(consultation=several, author=author, body=body)
    client.force_login(moderator_for(single, role=Role.SECRETARIAT))
    one_text, many_text = REPORT[lang]
    with translation.override("en"):
        single_url = reverse("consultations:report", args=[single.slug])
    assert one_text in _page(client, single_url, lang)
    client.force_login(moderator_for(several, role=Role.SECRETARIAT))
    assert many_text in _page(client, reverse("consultations:report", args=[several.slug]), lang)
