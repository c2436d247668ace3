"""Endorsements as the secretariat and signatories use them: a signature made on paper, a signatory named,
"On behalf of" chosen when there is one choice, the secretariat told, and the signatory's title in both languages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from carrefour.core.models import AuditEntry
from carrefour.declarations import services
from carrefour.declarations.models import Declaration, Endorsement
from carrefour.directory.models import Membership, Role
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
    sec = UserFactory(preferred_language="fr")
    MembershipFactory(team=team, user=sec, role=Role.SECRETARIAT)
    d = DeclarationFactory(team=team, status=S.DRAFTING, title_en="Declaration on Service",
                           title_fr="Déclaration sur le service")
    CommitmentFactory(declaration=d, number=1)
    services.declaration_publish_version(declaration=d, actor=sec)
    services.declaration_set_status(declaration=d, actor=sec, status=S.ENDORSEMENT)
    return d, sec


def _signatory(jurisdiction, team=None):
    user = UserFactory()
    MembershipFactory(user=user, team=team or TeamFactory(), role=Role.SIGNATORY, jurisdiction=jurisdiction)
    return user


def _url(name, d, lang="en"):
    with translation.override(lang):
        return reverse(f"declarations:{name}", args=[d.slug])


def _page(client, d, lang):
    with translation.override(lang):
        url = d.get_absolute_url()
    return client.get(url).content.decode()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_secretariat_records_a_signature_made_on_paper(client, open_declaration, lang, mailoutbox,
                                                       django_capture_on_commit_callbacks):
    d, sec = open_declaration
    nl = JurisdictionFactory(code=f"nl-{lang}", name_en="Newfoundland and Labrador", name_fr="Terre-Neuve-et-Labrador")
    client.force_login(sec)
    page = _page(client, d, lang)
    assert _url("record_paper", d, lang) in page
    data = {"paper-jurisdiction": nl.pk, "paper-signatory_name": "Michael Walsh",
            "paper-signatory_title_en": "Clerk of the Executive Council",
            "paper-signatory_title_fr": "Greffier du Conseil exécutif",
            "paper-endorsed_on": "2025-11-03", "paper-note": "Original kept in the Cabinet Office files"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("record_paper", d, lang), data)
    assert response.status_code == 302
    e = Endorsement.objects.get(declaration=d, jurisdiction=nl)
    assert (e.signatory_name, e.signatory_title_en, e.signatory_title_fr, e.endorsed_on.isoformat(), e.endorsed_by) == (
        "Michael Walsh", "Clerk of the Executive Council", "Greffier du Conseil exécutif", "2025-11-03", sec)
    entry = AuditEntry.objects.filter(object_id=str(d.pk), changes__has_key="endorsed").get()
    assert entry.note == "signed on paper, recorded by the secretariat: Original kept in the Cabinet Office files"
    assert entry.actor == sec
    expected = "Greffier du Conseil exécutif" if lang == "fr" else "Clerk of the Executive Council"
    assert f'<span class="cf-hint">{expected}</span>' in _page(client, d, lang)
    assert mailoutbox == []  # the secretariat recorded it: no one to tell


def test_only_the_secretariat_records_a_paper_signature(client, open_declaration):
    d, _ = open_declaration
    on = JurisdictionFactory(code="on-x")
    signatory = _signatory(on)
    client.force_login(signatory)
    assert _url("record_paper", d) not in _page(client, d, "en")
    response = client.post(_url("record_paper", d), {
        "paper-jurisdiction": on.pk, "paper-signatory_name": "X", "paper-signatory_title_en": "Y",
        "paper-endorsed_on": "2025-11-03"}, follow=True)
    assert "Only the declaration&#x27;s secretariat can do this." in response.content.decode()
    assert not Endorsement.objects.filter(declaration=d).exists()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_secretariat_names_a_signatory_who_then_endorses_with_on_behalf_of_chosen(client, open_declaration, lang):
    d, sec = open_declaration
    yt = JurisdictionFactory(code=f"yt-{lang}", name_en="Yukon", name_fr="Yukon")
    services.endorsement_invite(declaration=d, actor=sec, jurisdictions=[yt])
    person = UserFactory(email=f"dm.{lang}@gov.yk.ca")
    client.force_login(sec)
    response = client.post(_url("assign_signatory", d, lang), {"assign-jurisdiction": yt.pk,
                                                               "assign-email": person.email.upper()})
    assert response.status_code == 302
    membership = Membership.objects.get(user=person, role=Role.SIGNATORY)
    assert (membership.team, membership.jurisdiction) == (d.team, yt)
    entry = AuditEntry.objects.filter(object_id=str(d.pk), changes__has_key="signatory_assigned").get()
    assert entry.changes == {"signatory_assigned": {"jurisdiction": yt.code, "user": person.pk}}
    # Naming them twice is refused with a reason.
    again = client.post(_url("assign_signatory", d, lang), {"assign-jurisdiction": yt.pk, "assign-email": person.email},
                        follow=True).content.decode()
    expected = "est déjà signataire pour Yukon" if lang == "fr" else "is already a signatory for Yukon"
    assert expected in again

    client.force_login(person)
    page = _page(client, d, lang)
    assert f'<option value="{yt.pk}" selected>' in page  # one jurisdiction to sign for: already chosen


def test_naming_a_signatory_is_refused_for_strangers_and_unknown_emails(client, open_declaration):
    d, sec = open_declaration
    yt = JurisdictionFactory(code="yt-s")
    stranger = UserFactory()
    client.force_login(stranger)
    client.post(_url("assign_signatory", d), {"assign-jurisdiction": yt.pk, "assign-email": stranger.email})
    assert not Membership.objects.filter(role=Role.SIGNATORY, user=stranger).exists()
    client.force_login(sec)
    page = client.post(_url("assign_signatory", d), {"assign-jurisdiction": yt.pk,
                                                     "assign-email": "nobody@example.org"}, follow=True).content.decode()
    assert "No one has an account with this email address" in page


def test_on_behalf_of_starts_empty_when_there_are_several_choices(client, open_declaration):
    d, sec = open_declaration
    a, b = JurisdictionFactory(code="aa-m"), JurisdictionFactory(code="bb-m")
    services.endorsement_invite(declaration=d, actor=sec, jurisdictions=[a, b])
    person = _signatory(a)
    MembershipFactory(user=person, team=TeamFactory(), role=Role.SIGNATORY, jurisdiction=b)
    client.force_login(person)
    page = _page(client, d, "en")
    assert f'<option value="{a.pk}">' in page
    assert f'<option value="{b.pk}">' in page
    assert '<option value="" selected>' in page


def test_the_secretariat_is_told_when_a_jurisdiction_endorses(open_declaration, mailoutbox,
                                                               django_capture_on_commit_callbacks):
    d, sec = open_declaration
    english_secretary = UserFactory(preferred_language="en")
    MembershipFactory(team=d.team, user=english_secretary, role=Role.ADMINISTRATOR)
    MembershipFactory(team=d.team, user=UserFactory(), role=Role.MEMBER)  # a member: not told
    qc = JurisdictionFactory(code="qc-n", name_en="Quebec", name_fr="Québec")
    services.endorsement_invite(declaration=d, actor=sec, jurisdictions=[qc])
    signatory = _signatory(qc)
    with django_capture_on_commit_callbacks(execute=True):
        services.endorsement_create(declaration=d, actor=signatory, jurisdiction=qc, signatory_name="Marc Gagnon",
                                    signatory_title_en="Secretary General of the Executive Council",
                                    signatory_title_fr="Secrétaire général du Conseil exécutif")
    by_reader = {m.to[0]: m for m in mailoutbox}
    assert set(by_reader) == {sec.email, english_secretary.email}
    french = by_reader[sec.email]
    subject = french.subject.replace("\u00a0", " ")
    assert subject == "Québec a approuvé : Déclaration sur le service / Quebec endorsed: Declaration on Service"
    body = french.body
    assert body.index("Signée par Marc Gagnon (Secrétaire général du Conseil exécutif)") < body.index(
        "Signed by Marc Gagnon (Secretary General of the Executive Council)")
    assert f"/fr/declarations/{d.slug}/#endorsements-h" in body
    assert by_reader[english_secretary.email].subject.startswith("Quebec endorsed: Declaration on Service / ")


def test_signatory_title_is_shown_in_the_readers_language_with_the_fallback_marked(client, open_declaration):
    d, sec = open_declaration
    on, nb = JurisdictionFactory(code="on-l"), JurisdictionFactory(code="nb-l")
    services.endorsement_record(declaration=d, actor=sec, jurisdiction=on, signatory_name="Laura Bennett",
                                signatory_title_en="Secretary of the Cabinet",
                                signatory_title_fr="Secrétaire du Conseil des ministres", endorsed_on=d.created_at.date())
    services.endorsement_record(declaration=d, actor=sec, jurisdiction=nb, signatory_name="Julie Cormier",
                                signatory_title_en="Clerk of the Executive Council", endorsed_on=d.created_at.date())
    fr = _page(client, d, "fr")
    assert '<span class="cf-hint">Secrétaire du Conseil des ministres</span>' in fr
    assert ('<span class="cf-hint"><span lang="en">Clerk of the Executive Council</span> '
            '<span class="cf-fallback">(en anglais seulement)</span></span>') in fr
    en = _page(client, d, "en")
    assert '<span class="cf-hint">Secretary of the Cabinet</span>' in en
    assert '<span class="cf-hint">Clerk of the Executive Council</span>' in en


def test_a_title_is_required_in_one_language_at_least(open_declaration):
    from carrefour.core.exceptions import ApplicationError

    d, sec = open_declaration
    with pytest.raises(ApplicationError, match="title of the person signing, in English or French"):
        services.endorsement_record(declaration=d, actor=sec, jurisdiction=JurisdictionFactory(code="pe-r"),
                                    signatory_name="Anne MacDonald", endorsed_on=d.created_at.date())
