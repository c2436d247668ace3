"""Declaration services: permissions, versions and comparison, status, endorsement, withdrawal."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from carrefour.core.exceptions import ApplicationError
from carrefour.core.models import AuditEntry
from carrefour.declarations import selectors, services
from carrefour.declarations.diff import word_diff
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

S = Declaration.Status


@pytest.fixture
def setup():
    team = TeamFactory()
    secretariat = UserFactory()
    MembershipFactory(team=team, user=secretariat, role=Role.SECRETARIAT)
    declaration = DeclarationFactory(team=team, status=S.DRAFTING)
    CommitmentFactory(declaration=declaration, number=1, text_en="Experiment and measure results.")
    return {"team": team, "secretariat": secretariat, "declaration": declaration}


def signatory_for(jurisdiction, team=None):
    user = UserFactory()
    MembershipFactory(user=user, team=team or TeamFactory(), role=Role.SIGNATORY, jurisdiction=jurisdiction)
    return user


def test_word_diff_marks_deleted_and_inserted_words_and_escapes():
    old, new, changed = word_diff("Experiment and measure <results>.", "Experiment boldly and measure outcomes.")
    assert changed
    assert '<ins class="cf-diff-ins"> boldly</ins>' in new
    assert '<del class="cf-diff-del">&lt;results&gt;.</del>' in old
    assert "<results>" not in old
    assert word_diff("same", "same")[2] is False


def test_publish_versions_and_compare(setup):
    d, sec = setup["declaration"], setup["secretariat"]
    v1 = services.declaration_publish_version(declaration=d, actor=sec, note_en="First draft")
    with pytest.raises(ApplicationError, match="Nothing has changed"):
        services.declaration_publish_version(declaration=d, actor=sec)
    c1 = d.commitments.get(number=1)
    services.commitment_save(declaration=d, actor=sec, commitment=c1, number=1,
                             text_en="Experiment boldly and measure results.", text_fr="Expérimenter.")
    services.commitment_save(declaration=d, actor=sec, number=2, text_en="Share data openly.", text_fr="")
    v2 = services.declaration_publish_version(declaration=d, actor=sec)
    assert (v1.number, v2.number) == (1, 2)
    v1.refresh_from_db()
    assert v1.commitments[0]["text_en"] == "Experiment and measure results."  # kept as published
    rows = {r["key"]: r for r in selectors.version_compare(old=v1, new=v2, lang="en")}
    assert rows["c1"]["changed"] and "cf-diff-ins" in rows["c1"]["new"]
    assert rows["c2"]["added"]
    assert not rows["title"]["changed"]
    assert AuditEntry.objects.filter(object_id=str(d.pk), changes__has_key="version_published").count() == 2


def test_only_secretariat_publishes_and_changes_status(setup):
    d = setup["declaration"]
    stranger = UserFactory()
    with pytest.raises(ApplicationError, match="secretariat"):
        services.declaration_publish_version(declaration=d, actor=stranger)
    with pytest.raises(ApplicationError, match="secretariat"):
        services.declaration_set_status(declaration=d, actor=stranger, status=S.REVIEW)
    with pytest.raises(ApplicationError, match="cannot edit"):
        services.declaration_update(declaration=d, actor=stranger, data={"title_en": "Mine"})


def test_status_workflow(setup):
    d, sec = setup["declaration"], setup["secretariat"]
    with pytest.raises(ApplicationError, match="Publish a version"):
        services.declaration_set_status(declaration=d, actor=sec, status=S.ENDORSEMENT)
    with pytest.raises(ApplicationError, match="cannot go from"):
        services.declaration_set_status(declaration=d, actor=sec, status=S.ADOPTED)
    services.declaration_set_status(declaration=d, actor=sec, status=S.CONSULTATION)
    services.declaration_publish_version(declaration=d, actor=sec)
    services.declaration_set_status(declaration=d, actor=sec, status=S.ENDORSEMENT)
    services.declaration_set_status(declaration=d, actor=sec, status=S.ADOPTED)
    d.refresh_from_db()
    assert d.status == S.ADOPTED and d.adopted_on is not None
    with pytest.raises(ApplicationError, match="final"):
        services.declaration_update(declaration=d, actor=sec, data={"title_en": "Changed"})


def test_invite_endorse_withdraw(setup):
    d, sec = setup["declaration"], setup["secretariat"]
    services.declaration_publish_version(declaration=d, actor=sec)
    on, bc = JurisdictionFactory(code="on-t"), JurisdictionFactory(code="bc-t")
    signatory = signatory_for(on)
    with pytest.raises(ApplicationError, match="Open the declaration for endorsement"):
        services.endorsement_invite(declaration=d, actor=sec, jurisdictions=[on, bc])
    services.declaration_set_status(declaration=d, actor=sec, status=S.ENDORSEMENT)
    with pytest.raises(ApplicationError, match="secretariat"):
        services.endorsement_invite(declaration=d, actor=signatory, jurisdictions=[on])
    assert len(services.endorsement_invite(declaration=d, actor=sec, jurisdictions=[on, bc])) == 2
    assert services.endorsement_invite(declaration=d, actor=sec, jurisdictions=[on]) == []

    # Only a signatory for the jurisdiction endorses on its behalf.
    with pytest.raises(ApplicationError, match="Only a signatory"):
        services.endorsement_create(declaration=d, actor=sec, jurisdiction=on, signatory_name="A", signatory_title="B")
    with pytest.raises(ApplicationError, match="Only a signatory"):
        services.endorsement_create(declaration=d, actor=signatory, jurisdiction=bc, signatory_name="A", signatory_title="B")
    with pytest.raises(ApplicationError, match="future"):
        services.endorsement_create(declaration=d, actor=signatory, jurisdiction=on, signatory_name="A",
                                    signatory_title="B", endorsed_on=timezone.localdate() + datetime.timedelta(days=3))
    e = services.endorsement_create(declaration=d, actor=signatory, jurisdiction=on,
                                    signatory_name="Pat Doe", signatory_title="Secretary of the Cabinet")
    assert e.version.number == 1
    with pytest.raises(ApplicationError, match="already endorsed"):
        services.endorsement_create(declaration=d, actor=signatory, jurisdiction=on, signatory_name="Pat", signatory_title="S")
    board = selectors.endorsement_board(declaration=d)
    assert (board["endorsed"], board["total"], board["all_endorsed_on"]) == (1, 2, None)
    assert [r["jurisdiction"] for r in board["pending"]] == [bc]

    services.endorsement_create(declaration=d, actor=signatory_for(bc), jurisdiction=bc,
                                signatory_name="Sam Roe", signatory_title="Deputy Minister")
    assert selectors.endorsement_board(declaration=d)["all_endorsed_on"] == timezone.localdate()

    # Withdrawal is recorded, not erased; the jurisdiction can endorse again later.
    with pytest.raises(ApplicationError, match="Only a signatory"):
        services.endorsement_withdraw(endorsement=e, actor=UserFactory(), reason="No")
    with pytest.raises(ApplicationError, match="reason"):
        services.endorsement_withdraw(endorsement=e, actor=signatory, reason=" ")
    services.endorsement_withdraw(endorsement=e, actor=signatory, reason="New government")
    assert Endorsement.objects.filter(pk=e.pk, withdrawn_at__isnull=False, withdrawal_reason="New government").exists()
    board = selectors.endorsement_board(declaration=d)
    row = next(r for r in board["rows"] if r["jurisdiction"] == on)
    assert row["endorsement"] is None and row["withdrawn"] == [e]
    assert board["all_endorsed_on"] is None
    services.endorsement_create(declaration=d, actor=signatory, jurisdiction=on, signatory_name="Pat Doe",
                                signatory_title="Secretary of the Cabinet")
    assert Endorsement.objects.filter(declaration=d, jurisdiction=on).count() == 2


def test_secretariat_records_a_paper_endorsement(setup):
    d, sec = setup["declaration"], setup["secretariat"]
    on = JurisdictionFactory(code="on-p")
    services.endorsement_record(declaration=d, actor=sec, jurisdiction=on, signatory_name="Clerk",
                                signatory_title="Clerk of the Executive Council", endorsed_on=datetime.date(2017, 11, 1))
    board = selectors.endorsement_board(declaration=d)
    assert board["all_endorsed_on"] == datetime.date(2017, 11, 1)
    with pytest.raises(ApplicationError, match="secretariat"):
        services.endorsement_record(declaration=d, actor=UserFactory(), jurisdiction=on, signatory_name="X",
                                    signatory_title="Y", endorsed_on=datetime.date(2017, 11, 1))


def test_commitment_numbers_unique_and_removal_keeps_history(setup):
    d, sec = setup["declaration"], setup["secretariat"]
    with pytest.raises(ApplicationError, match="already has this number"):
        services.commitment_save(declaration=d, actor=sec, number=1, text_en="Dup", text_fr="")
    services.declaration_publish_version(declaration=d, actor=sec)
    c = d.commitments.get(number=1)
    services.commitment_remove(commitment=c, actor=sec, reason="merged")
    c.refresh_from_db()
    assert c.deleted_at is not None
    assert d.versions.get(number=1).commitments[0]["number"] == 1


def test_linked_work_respects_visibility_and_period():
    jurisdiction = JurisdictionFactory(code="qc-t")
    owner = UserFactory()
    commitment = CommitmentFactory()
    public = TeamFactory(owner=owner, jurisdiction=jurisdiction, visibility="public")
    private = TeamFactory(owner=owner, visibility="private")
    for target in (public, private):
        services.commitment_links_set(actor=owner, target=target, commitments=[commitment])
    anonymous = selectors.linked_work(commitment=commitment, user=UserFactory())
    assert [[i["object"] for i in g["items"]] for g in anonymous] == [[public]]
    assert anonymous[0]["jurisdiction"] == jurisdiction
    mine = selectors.linked_work(commitment=commitment, user=owner)
    assert sum(len(g["items"]) for g in mine) == 2
    future = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    assert selectors.linked_work(commitment=commitment, user=owner, since=future) == []


def test_invitation_emails_signatories_in_both_languages_theirs_first(setup, django_capture_on_commit_callbacks, mailoutbox):
    d, sec = setup["declaration"], setup["secretariat"]
    services.declaration_publish_version(declaration=d, actor=sec)
    services.declaration_set_status(declaration=d, actor=sec, status=S.ENDORSEMENT)
    qc = JurisdictionFactory(code="qc-i", name_en="Quebec", name_fr="Québec")
    signatory = signatory_for(qc)
    signatory.preferred_language = "fr"
    signatory.save()
    signatory_for(JurisdictionFactory(code="nb-i"))  # not invited: not told
    with django_capture_on_commit_callbacks(execute=True):
        services.endorsement_invite(declaration=d, actor=sec, jurisdictions=[qc])
    assert [m.to for m in mailoutbox] == [[signatory.email]]
    subject, body = mailoutbox[0].subject, mailoutbox[0].body
    assert subject.startswith("Invitation à approuver") and " / Invitation to endorse" in subject
    assert body.startswith("(The English version follows.)")
    assert body.index("Québec est invité") < body.index("Quebec is invited")
    assert body.index(f"/fr/declarations/{d.slug}/") < body.index(f"/en/declarations/{d.slug}/")


def test_reminders_go_to_those_who_have_not_endorsed_at_most_weekly(setup, django_capture_on_commit_callbacks,
                                                                     mailoutbox):
    d, sec = setup["declaration"], setup["secretariat"]
    on, qc = JurisdictionFactory(code="on-r", name_en="Ontario"), JurisdictionFactory(code="qc-r", name_en="Quebec")
    with pytest.raises(ApplicationError, match="open for endorsement"):
        services.endorsement_remind(declaration=d, actor=sec)
    services.declaration_publish_version(declaration=d, actor=sec)
    services.declaration_set_status(declaration=d, actor=sec, status=S.ENDORSEMENT)
    services.endorsement_invite(declaration=d, actor=sec, jurisdictions=[on, qc])
    on_signatory, qc_signatory = signatory_for(on), signatory_for(qc)
    qc_signatory.preferred_language = "fr"
    qc_signatory.save()
    services.endorsement_create(declaration=d, actor=on_signatory, jurisdiction=on, signatory_name="Pat",
                                signatory_title="Secretary of Cabinet")
    with pytest.raises(ApplicationError, match="Only"):
        services.endorsement_remind(declaration=d, actor=on_signatory)
    # Invited today: too soon; the message says when the next reminder can go.
    now = timezone.now()
    with pytest.raises(ApplicationError, match="next reminder can be sent on") as refused:
        services.endorsement_remind(declaration=d, actor=sec, now=now)
    assert (now + services.REMINDER_INTERVAL).strftime("%Y") in str(refused.value.message)

    later = now + datetime.timedelta(days=8)
    with django_capture_on_commit_callbacks(execute=True):
        reminded = services.endorsement_remind(declaration=d, actor=sec, now=later)
    assert [i.jurisdiction for i in reminded] == [qc]  # Ontario endorsed: not reminded
    invitation = d.invitations.get(jurisdiction=qc)
    assert (invitation.reminded_at, invitation.reminders) == (later, 1)
    assert [m.to for m in mailoutbox] == [[qc_signatory.email]]
    assert mailoutbox[0].subject.startswith("Rappel\u00a0: invitation à approuver\u00a0: ")
    assert "A reminder: this invitation was first sent on" in mailoutbox[0].body
    entry = AuditEntry.objects.filter(object_id=str(d.pk), action="event").first()
    assert entry.changes == {"reminded": ["qc-r"]}

    with pytest.raises(ApplicationError, match="last 7 days"):
        services.endorsement_remind(declaration=d, actor=sec, now=later + datetime.timedelta(days=6))
    services.endorsement_remind(declaration=d, actor=sec, now=later + datetime.timedelta(days=7))
    assert d.invitations.get(jurisdiction=qc).reminders == 2

    services.endorsement_create(declaration=d, actor=qc_signatory, jurisdiction=qc, signatory_name="Dominique",
                                signatory_title="Secrétaire générale")
    with pytest.raises(ApplicationError, match="no one to remind"):
        services.endorsement_remind(declaration=d, actor=sec, now=later + datetime.timedelta(days=30))
