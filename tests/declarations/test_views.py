"""Declaration pages: lists without N+1 queries, permissions, forms that post, comparison."""

from __future__ import annotations

import pytest
from django.urls import reverse

from carrefour.declarations import services
from carrefour.declarations.models import Declaration, Endorsement
from carrefour.directory.models import Role
from tests.declarations.factories import CommitmentFactory, DeclarationFactory
from tests.directory.factories import (
    JurisdictionFactory,
    MembershipFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat_setup():
    team = TeamFactory()
    sec = UserFactory()
    MembershipFactory(team=team, user=sec, role=Role.SECRETARIAT)
    d = DeclarationFactory(team=team, status=Declaration.Status.DRAFTING, slug="service")
    CommitmentFactory(declaration=d, number=1, text_en="Put clients first.", text_fr="Les clients d'abord.")
    return d, sec


def test_index_query_count_does_not_grow(client, django_assert_max_num_queries):
    for _ in range(6):
        d = DeclarationFactory()
        CommitmentFactory(declaration=d)
    DeclarationFactory(visibility="private")
    with django_assert_max_num_queries(6):
        response = client.get(reverse("declarations:index"))
    assert response.status_code == 200
    assert response.content.decode().count('<li>\n    <h2>') == 6


def test_detail_hides_private_and_shows_board(client):
    private = DeclarationFactory(visibility="private")
    assert client.get(private.get_absolute_url()).status_code == 404
    d = DeclarationFactory()
    response = client.get(d.get_absolute_url())
    assert response.status_code == 200
    assert "No jurisdiction has been invited" in response.content.decode()


def test_secretariat_publishes_and_compares(client, secretariat_setup):
    d, sec = secretariat_setup
    client.force_login(sec)
    assert client.post(reverse("declarations:publish", args=[d.slug]), {"note_en": "v1"}).status_code == 302
    c = d.commitments.get(number=1)
    response = client.post(reverse("declarations:commitment_edit", args=[d.slug, 1]),
                           {"number": 1, "text_en": "Put clients first, always.", "text_fr": c.text_fr})
    assert response.status_code == 302
    client.post(reverse("declarations:publish", args=[d.slug]), {"note_en": "v2"})
    assert d.versions.count() == 2
    page = client.get(reverse("declarations:compare", args=[d.slug])).content.decode()
    assert '<del class="cf-diff-del">first.</del>' in page
    assert '<ins class="cf-diff-ins">first, always.</ins>' in page
    fr = client.get(reverse("declarations:compare", args=[d.slug]).replace("/en/", "/fr/") + "?a=1&b=2")
    assert fr.status_code == 200 and "Les clients d&#x27;abord." in fr.content.decode()


def test_stranger_cannot_edit_or_publish(client, secretariat_setup):
    d, _sec = secretariat_setup
    client.force_login(UserFactory())
    assert client.get(reverse("declarations:edit", args=[d.slug])).status_code == 403
    response = client.post(reverse("declarations:publish", args=[d.slug]), {}, follow=True)
    assert "secretariat" in response.content.decode()
    assert d.versions.count() == 0


def test_edit_conflict_is_reported(client, secretariat_setup):
    d, sec = secretariat_setup
    client.force_login(sec)
    services.declaration_update(declaration=d, actor=sec, data={"title_en": "Someone else"})
    data = {f: getattr(d, f) for f in ("title_fr", "short_name_en", "short_name_fr", "preamble_en", "preamble_fr")}
    data.update(title_en="Mine", visibility="public", expected_version=1)
    response = client.post(reverse("declarations:edit", args=[d.slug]), data)
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()


def test_signatory_endorses_through_the_page(client, secretariat_setup):
    d, sec = secretariat_setup
    services.declaration_publish_version(declaration=d, actor=sec)
    services.declaration_set_status(declaration=d, actor=sec, status=Declaration.Status.ENDORSEMENT)
    on = JurisdictionFactory(code="on-v")
    services.endorsement_invite(declaration=d, actor=sec, jurisdictions=[on])
    signatory = UserFactory(job_title="Secretary of the Cabinet")
    MembershipFactory(user=signatory, team=TeamFactory(), role=Role.SIGNATORY, jurisdiction=on)
    client.force_login(signatory)
    page = client.get(d.get_absolute_url()).content.decode()
    assert "Endorse this declaration" in page
    response = client.post(reverse("declarations:endorse", args=[d.slug]), {
        "jurisdiction": on.pk, "signatory_name": "Pat Doe", "signatory_title_en": "Secretary of the Cabinet",
        "signatory_title_fr": "Secrétaire du Conseil des ministres", "endorsed_on": "2026-01-15"})
    assert response.status_code == 302
    endorsement = Endorsement.objects.get(declaration=d)
    assert (endorsement.signatory_name, endorsement.signatory_title_en, endorsement.signatory_title_fr) == (
        "Pat Doe", "Secretary of the Cabinet", "Secrétaire du Conseil des ministres")
    page = client.get(d.get_absolute_url()).content.decode()
    assert "1 invited jurisdiction had endorsed the declaration by" in page


def test_commitment_page_groups_work_and_filters_last_year(client):
    owner = UserFactory()
    commitment = CommitmentFactory()
    on = JurisdictionFactory(code="on-w", name_en="Ontario test")
    work = TeamFactory(owner=owner, jurisdiction=on, name_en="Reminder letters trial")
    hidden = TeamFactory(owner=owner, visibility="private", name_en="Secret plan")
    for target in (work, hidden):
        services.commitment_links_set(actor=owner, target=target, commitments=[commitment])
    url = commitment.get_absolute_url()
    page = client.get(url).content.decode()
    assert "Ontario test" in page and "Reminder letters trial" in page
    assert "Secret plan" not in page
    assert 'href="?period=12m"' in page
    recent = client.get(url + "?period=12m").content.decode()
    assert "Reminder letters trial" in recent


def test_detail_query_count_does_not_grow_with_endorsements(client, django_assert_max_num_queries):
    import datetime

    team = TeamFactory()
    sec = UserFactory()
    MembershipFactory(team=team, user=sec, role=Role.SECRETARIAT)
    d = DeclarationFactory(team=team, status=Declaration.Status.DRAFTING)
    for n in range(1, 7):
        CommitmentFactory(declaration=d, number=n)
    services.declaration_publish_version(declaration=d, actor=sec)
    for i in range(14):
        services.endorsement_record(declaration=d, actor=sec, jurisdiction=JurisdictionFactory(code=f"q{i}"),
                                    signatory_name=f"Clerk {i}", signatory_title="Clerk",
                                    endorsed_on=datetime.date(2017, 11, 1))
    with django_assert_max_num_queries(12):
        page = client.get(d.get_absolute_url()).content.decode()
    assert page.count("Clerk 1") >= 1 and "All 14 invited jurisdictions had endorsed" in page


def test_secretariat_reminds_through_the_page_and_sees_when(client, secretariat_setup):
    import datetime

    from carrefour.declarations.models import EndorsementInvitation

    d, sec = secretariat_setup
    services.declaration_publish_version(declaration=d, actor=sec)
    services.declaration_set_status(declaration=d, actor=sec, status=Declaration.Status.ENDORSEMENT)
    yk = JurisdictionFactory(code="yt-v", name_en="Yukon", name_fr="Yukon")
    services.endorsement_invite(declaration=d, actor=sec, jurisdictions=[yk])
    url = reverse("declarations:remind", args=[d.slug])
    # Signatories and strangers see no button and cannot post.
    stranger = UserFactory()
    client.force_login(stranger)
    assert url not in client.get(d.get_absolute_url()).content.decode()
    client.post(url)
    assert EndorsementInvitation.objects.get(declaration=d).reminders == 0

    client.force_login(sec)
    page = client.get(d.get_absolute_url()).content.decode()
    assert url in page and "1 invited jurisdiction has not endorsed yet" in page
    response = client.post(url, follow=True)
    assert "the next reminder can be sent on" in response.content.decode()  # invited today
    EndorsementInvitation.objects.filter(declaration=d).update(
        created_at=datetime.datetime(2026, 1, 5, 17, tzinfo=datetime.UTC))
    response = client.post(url.replace("/en/", "/fr/"), follow=True)
    page = response.content.decode()
    assert "Un rappel a été envoyé aux signataires de l&#x27;administration suivante\u00a0: Yukon." in page
    assert "Invitée le 5 janvier 2026" in page and "Rappel envoyé le" in page
