"""Declaration writes: drafting, versions, status, endorsements, commitment links. All audited."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carrefour.core.exceptions import ApplicationError
from carrefour.core.services import audit_log, model_create, model_soft_delete, model_update
from carrefour.core.templatetags.french_dates import date as format_date
from carrefour.core.visibility import can_edit, has_team_role, is_platform_admin, may_edit
from carrefour.declarations.models import (
    Commitment,
    CommitmentLink,
    Declaration,
    DeclarationVersion,
    Endorsement,
    EndorsementInvitation,
)
from carrefour.directory.models import Jurisdiction, Membership, Role, Team


@transaction.atomic
def commitment_links_set(*, actor: Any, target: models.Model, commitments: Iterable[Commitment | int]) -> list[Commitment]:
    """Make `target` (any saved record) serve exactly these commitments; audited on the target.

    The actor must be able to edit the target. Returns the linked commitments, in order.
    """
    if target.pk is None:
        raise ApplicationError(_("Save the record before linking it to commitments."))
    if actor is not None and hasattr(target, "deleted_at") and hasattr(target, "visibility") and not may_edit(actor, target):
        raise ApplicationError(_("You cannot change the commitments of this record."))
    ids = sorted({c.pk if isinstance(c, Commitment) else int(c) for c in commitments})
    found = list(
        Commitment.objects.filter(pk__in=ids, deleted_at__isnull=True).select_related("declaration")
    )
    if len(found) != len(ids):
        raise ApplicationError(_("One of the chosen commitments does not exist."), field="commitments")
    ct = ContentType.objects.get_for_model(target, for_concrete_model=True)
    current = CommitmentLink.objects.filter(content_type=ct, object_id=target.pk)
    old_ids = sorted(current.values_list("commitment_id", flat=True))
    if old_ids != ids:
        current.exclude(commitment_id__in=ids).delete()
        user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
        for commitment_id in set(ids) - set(old_ids):
            CommitmentLink.objects.create(
                commitment_id=commitment_id, content_type=ct, object_id=target.pk, created_by=user
            )
        audit_log(instance=target, actor=actor, action="event", changes={"commitments": [old_ids, ids]})
    return sorted(found, key=lambda c: (c.declaration.slug, c.number))


# --- Permissions -------------------------------------------------------------------------------

MANAGE_ROLES = ("secretariat", "administrator")


def declaration_can_manage(*, user: Any, declaration: Declaration) -> bool:
    """The secretariat of the declaration's team (and platform administrators) run its life cycle."""
    return has_team_role(user, declaration.team_id, MANAGE_ROLES)


def is_signatory(*, user: Any, jurisdiction: Jurisdiction) -> bool:
    """Whether `user` holds the signatory role on behalf of `jurisdiction` (in any live team)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return Membership.objects.filter(
        user=user, role=Role.SIGNATORY, jurisdiction=jurisdiction, team__deleted_at__isnull=True
    ).exists()


def _require_manager(actor: Any, declaration: Declaration) -> None:
    if not declaration_can_manage(user=actor, declaration=declaration):
        raise ApplicationError(_("Only the declaration's secretariat can do this."))


def _require_editor(actor: Any, declaration: Declaration) -> None:
    if not (can_edit(actor, declaration) or declaration_can_manage(user=actor, declaration=declaration)):
        raise ApplicationError(_("You cannot edit this declaration."))


# --- Drafting ----------------------------------------------------------------------------------

TEXT_FIELDS = (
    "title_en", "title_fr", "short_name_en", "short_name_fr", "summary_en", "summary_fr",
    "preamble_en", "preamble_fr", "closing_en", "closing_fr",
)


RESERVED_SLUGS = {"new"}


def declaration_create(*, actor: Any, team: Team | None, data: dict[str, Any], slug: str = "") -> Declaration:
    """Start a declaration (in drafting unless `data` says otherwise); the slug comes from the title if not given."""
    if team is not None and (team.deleted_at is not None or not has_team_role(actor, team.pk, MANAGE_ROLES)):
        raise ApplicationError(_("Only the team's secretariat can start a declaration."), field="team")
    if team is None and not is_platform_admin(actor):
        raise ApplicationError(_("Only the team's secretariat can start a declaration."), field="team")
    unknown = set(data) - set(TEXT_FIELDS) - {"visibility", "status", "adopted_on"}
    if unknown:
        raise ApplicationError(_("These fields cannot be set here: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    data = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
    for field in ("title_en", "title_fr"):
        if not data.get(field):
            raise ApplicationError(_("Give the title in English and in French."), field=field)
    for field in ("short_name_en", "short_name_fr"):
        if not data.get(field):
            raise ApplicationError(_("Give the short label in English and in French."), field=field)
    slug = (slug or "").strip() or _unique_slug(data["title_en"])
    if slug in RESERVED_SLUGS or Declaration.objects.filter(slug=slug).exists():
        raise ApplicationError(_("Another declaration already has this short name."), field="slug")
    return model_create(model=Declaration, actor=actor, data={"slug": slug, "team": team, **data})


def _unique_slug(title: str) -> str:
    from django.utils.text import slugify

    base = slugify(title)[:70].strip("-") or "declaration"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Declaration.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def declaration_can_create(*, user: Any) -> bool:
    """Platform administrators, and the secretariat or administrators of at least one team."""
    if is_platform_admin(user):
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return Membership.objects.filter(user=user, role__in=MANAGE_ROLES, team__deleted_at__isnull=True).exists()


def declaration_update(
    *, declaration: Declaration, actor: Any, data: dict[str, Any], expected_version: int | None = None
) -> Declaration:
    """Edit the working text; published versions stay as they were."""
    _require_editor(actor, declaration)
    if declaration.status in (Declaration.Status.ADOPTED, Declaration.Status.RETIRED):
        raise ApplicationError(_("An adopted declaration's text is final; publish a new declaration instead."))
    allowed = set(TEXT_FIELDS) | {"visibility"}
    unknown = set(data) - allowed
    if unknown:
        raise ApplicationError(_("These fields cannot be set here: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    model_update(instance=declaration, actor=actor, data=data, expected_version=expected_version)
    return declaration


def commitment_save(
    *,
    declaration: Declaration,
    actor: Any,
    number: int,
    text_en: str,
    text_fr: str,
    title_en: str = "",
    title_fr: str = "",
    commitment: Commitment | None = None,
) -> Commitment:
    """Add a commitment, or change one (its number, text or short title)."""
    _require_editor(actor, declaration)
    if declaration.status in (Declaration.Status.ADOPTED, Declaration.Status.RETIRED):
        raise ApplicationError(_("An adopted declaration's text is final; publish a new declaration instead."))
    if not (text_en or "").strip() and not (text_fr or "").strip():
        raise ApplicationError(_("Write the commitment in English or French."), field="text_en")
    clash = Commitment.objects.filter(declaration=declaration, number=number, deleted_at__isnull=True)
    if commitment is not None:
        clash = clash.exclude(pk=commitment.pk)
    if clash.exists():
        raise ApplicationError(_("Another commitment already has this number."), field="number")
    data = {
        "number": number,
        "text_en": text_en.strip(),
        "text_fr": text_fr.strip(),
        "title_en": title_en.strip(),
        "title_fr": title_fr.strip(),
    }
    if commitment is None:
        return model_create(model=Commitment, actor=actor, data={"declaration": declaration, **data})
    model_update(instance=commitment, actor=actor, data=data)
    return commitment


def commitment_remove(*, commitment: Commitment, actor: Any, reason: str = "") -> Commitment:
    """Take a commitment out of the draft; it stays in earlier versions and in the audit trail."""
    declaration = commitment.declaration
    _require_editor(actor, declaration)
    if declaration.status in (Declaration.Status.ADOPTED, Declaration.Status.RETIRED):
        raise ApplicationError(_("An adopted declaration's text is final; publish a new declaration instead."))
    return model_soft_delete(instance=commitment, actor=actor, reason=reason)


# --- Versions ----------------------------------------------------------------------------------


def _snapshot_commitments(declaration: Declaration) -> list[dict[str, Any]]:
    return [
        {"number": c.number, "title_en": c.title_en, "title_fr": c.title_fr, "text_en": c.text_en, "text_fr": c.text_fr}
        for c in declaration.commitments.filter(deleted_at__isnull=True).order_by("number")
    ]


@transaction.atomic
def declaration_publish_version(
    *, declaration: Declaration, actor: Any, note_en: str = "", note_fr: str = ""
) -> DeclarationVersion:
    """Freeze the current text as the next numbered version (kept forever)."""
    _require_manager(actor, declaration)
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    last = declaration.versions.order_by("-number").first()
    snapshot = {
        "title_en": declaration.title_en,
        "title_fr": declaration.title_fr,
        "preamble_en": declaration.preamble_en,
        "preamble_fr": declaration.preamble_fr,
        "closing_en": declaration.closing_en,
        "closing_fr": declaration.closing_fr,
        "commitments": _snapshot_commitments(declaration),
    }
    if last is not None and all(getattr(last, k) == v for k, v in snapshot.items()):
        raise ApplicationError(_("Nothing has changed since version %(n)s.") % {"n": last.number})
    version = DeclarationVersion.objects.create(
        declaration=declaration,
        number=(last.number + 1) if last else 1,
        status=declaration.status,
        note_en=note_en.strip()[:500],
        note_fr=note_fr.strip()[:500],
        published_by=actor if getattr(actor, "is_authenticated", False) else None,
        **snapshot,
    )
    audit_log(instance=declaration, actor=actor, action="event", changes={"version_published": version.number},
              note=version.note_en or version.note_fr)
    return version


# --- Status ------------------------------------------------------------------------------------

S = Declaration.Status
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFTING: (S.REVIEW, S.CONSULTATION, S.ENDORSEMENT),
    S.REVIEW: (S.DRAFTING, S.CONSULTATION, S.ENDORSEMENT),
    S.CONSULTATION: (S.DRAFTING, S.REVIEW, S.ENDORSEMENT),
    S.ENDORSEMENT: (S.DRAFTING, S.ADOPTED),
    S.ADOPTED: (S.RETIRED,),
    S.RETIRED: (S.ADOPTED,),
}


def declaration_set_status(*, declaration: Declaration, actor: Any, status: str) -> Declaration:
    """Move the declaration along its life cycle (drafting → … → adopted → retired)."""
    _require_manager(actor, declaration)
    if status not in TRANSITIONS.get(declaration.status, ()):
        raise ApplicationError(
            _("A declaration cannot go from “%(old)s” to “%(new)s”.")
            % {"old": declaration.get_status_display(), "new": dict(S.choices).get(status, status)},
            field="status",
        )
    data: dict[str, Any] = {"status": status}
    if status in (S.ENDORSEMENT, S.ADOPTED) and not declaration.versions.exists():
        raise ApplicationError(_("Publish a version of the text first."), field="status")
    if status == S.ADOPTED and declaration.adopted_on is None:
        data["adopted_on"] = timezone.localdate()
    model_update(instance=declaration, actor=actor, data=data)
    return declaration


# --- Endorsement -------------------------------------------------------------------------------


@transaction.atomic
def endorsement_invite(*, declaration: Declaration, actor: Any, jurisdictions: Iterable[Jurisdiction]) -> list[EndorsementInvitation]:
    """Invite jurisdictions to endorse; inviting one twice changes nothing."""
    _require_manager(actor, declaration)
    if declaration.status != S.ENDORSEMENT:
        raise ApplicationError(_("Open the declaration for endorsement before inviting jurisdictions."))
    created = []
    for jurisdiction in jurisdictions:
        invitation, was_created = EndorsementInvitation.objects.get_or_create(
            declaration=declaration,
            jurisdiction=jurisdiction,
            defaults={"invited_by": actor if getattr(actor, "is_authenticated", False) else None},
        )
        if was_created:
            created.append(invitation)
    if created:
        audit_log(instance=declaration, actor=actor, action="event",
                  changes={"invited": sorted(i.jurisdiction.code for i in created)})
        from carrefour.declarations.tasks import endorsement_invitation_notify_task

        for invitation in created:
            transaction.on_commit(
                lambda pk=invitation.pk: endorsement_invitation_notify_task.enqueue(invitation_id=pk)
            )
    return created


# A jurisdiction that has not endorsed is reminded at most once in this interval (after its invitation too).
REMINDER_INTERVAL = datetime.timedelta(days=7)


@transaction.atomic
def endorsement_remind(*, declaration: Declaration, actor: Any,
                       now: datetime.datetime | None = None) -> list[EndorsementInvitation]:
    """Remind the invited jurisdictions that have not endorsed (not those told in the last 7 days)."""
    _require_manager(actor, declaration)
    if declaration.status != S.ENDORSEMENT:
        raise ApplicationError(_("Reminders are sent while the declaration is open for endorsement."))
    now = now or timezone.now()
    endorsed = Endorsement.objects.filter(declaration=declaration, withdrawn_at__isnull=True).values("jurisdiction_id")
    waiting = list(
        EndorsementInvitation.objects.select_for_update()
        .filter(declaration=declaration).exclude(jurisdiction_id__in=endorsed).select_related("jurisdiction")
    )
    if not waiting:
        raise ApplicationError(_("Every invited jurisdiction has endorsed: there is no one to remind."))
    due = [i for i in waiting if (i.reminded_at or i.created_at) <= now - REMINDER_INTERVAL]
    if not due:
        next_on = min((i.reminded_at or i.created_at) for i in waiting) + REMINDER_INTERVAL
        raise ApplicationError(
            _("Every jurisdiction still to endorse was invited or reminded in the last 7 days; "
              "the next reminder can be sent on %(date)s.") % {"date": format_date(timezone.localtime(next_on), "DATE_FORMAT")}
        )
    for invitation in due:
        invitation.reminded_at = now
        invitation.reminders += 1
        invitation.save(update_fields=["reminded_at", "reminders", "updated_at"])
    audit_log(instance=declaration, actor=actor, action="event",
              changes={"reminded": sorted(i.jurisdiction.code for i in due)})
    from carrefour.declarations.tasks import endorsement_invitation_notify_task

    for invitation in due:
        transaction.on_commit(
            lambda pk=invitation.pk: endorsement_invitation_notify_task.enqueue(invitation_id=pk, reminder=True)
        )
    return due


def endorsement_invitation_notify(*, invitation: EndorsementInvitation, reminder: bool = False) -> int:
    """Email the jurisdiction's signatories, in both languages (each one's first); return how many were told."""
    from django.conf import settings

    from carrefour.core.mail import reader_language, send_bilingual

    signatories = (
        Membership.objects.filter(role=Role.SIGNATORY, jurisdiction=invitation.jurisdiction,
                                  team__deleted_at__isnull=True, user__is_active=True)
        .select_related("user")
    )
    context = {"invitation": invitation, "declaration": invitation.declaration,
               "jurisdiction": invitation.jurisdiction, "site": settings.SITE_URL, "reminder": reminder}
    users = {m.user for m in signatories}
    for user in users:
        send_bilingual(template_prefix="declarations/email/invitation", context=context,
                       to=user.email, first=reader_language(user))
    return len(users)


def _check_endorsement(declaration: Declaration, jurisdiction: Jurisdiction, endorsed_on: datetime.date) -> None:
    if Endorsement.objects.filter(declaration=declaration, jurisdiction=jurisdiction, withdrawn_at__isnull=True).exists():
        raise ApplicationError(_("%(j)s has already endorsed this declaration.") % {"j": jurisdiction.name})
    if endorsed_on > timezone.localdate():
        raise ApplicationError(_("The date of endorsement cannot be in the future."), field="endorsed_on")


def _titles(signatory_title_en: str, signatory_title_fr: str, signatory_title: str) -> tuple[str, str]:
    """The signatory's title in each language (a single `signatory_title`, as printed, stands for both)."""
    title_en = (signatory_title_en or signatory_title or "").strip()
    title_fr = (signatory_title_fr or signatory_title or "").strip()
    return title_en, title_fr


def _endorse(*, declaration, jurisdiction, actor, signatory_name, title_en, title_fr, endorsed_on, note) -> Endorsement:
    signatory_name = (signatory_name or "").strip()
    if not signatory_name:
        raise ApplicationError(_("Give the name of the person signing."), field="signatory_name")
    if not title_en and not title_fr:
        raise ApplicationError(_("Give the title of the person signing, in English or French."), field="signatory_title_en")
    endorsed_on = endorsed_on or timezone.localdate()
    _check_endorsement(declaration, jurisdiction, endorsed_on)
    endorsement = Endorsement.objects.create(
        declaration=declaration,
        jurisdiction=jurisdiction,
        version=declaration.versions.order_by("-number").first(),
        endorsed_by=actor if getattr(actor, "is_authenticated", False) else None,
        signatory_name=signatory_name[:200],
        signatory_title_en=title_en[:300],
        signatory_title_fr=title_fr[:300],
        endorsed_on=endorsed_on,
    )
    audit_log(instance=declaration, actor=actor, action="event",
              changes={"endorsed": {"jurisdiction": jurisdiction.code, "name": signatory_name,
                                    "title_en": title_en, "title_fr": title_fr, "on": endorsed_on.isoformat()}},
              note=note)
    return endorsement


@transaction.atomic
def endorsement_create(
    *,
    declaration: Declaration,
    actor: Any,
    jurisdiction: Jurisdiction,
    signatory_name: str,
    signatory_title_en: str = "",
    signatory_title_fr: str = "",
    signatory_title: str = "",
    endorsed_on: datetime.date | None = None,
) -> Endorsement:
    """A signatory endorses, on behalf of their jurisdiction, a declaration it was invited to endorse.

    The declaration's secretariat is told by email once the endorsement is saved.
    """
    if not is_signatory(user=actor, jurisdiction=jurisdiction):
        raise ApplicationError(_("Only a signatory for %(j)s can endorse on its behalf.") % {"j": jurisdiction.name})
    if declaration.status != S.ENDORSEMENT:
        raise ApplicationError(_("This declaration is not open for endorsement."))
    if not EndorsementInvitation.objects.filter(declaration=declaration, jurisdiction=jurisdiction).exists():
        raise ApplicationError(_("%(j)s has not been invited to endorse this declaration.") % {"j": jurisdiction.name})
    title_en, title_fr = _titles(signatory_title_en, signatory_title_fr, signatory_title)
    endorsement = _endorse(declaration=declaration, jurisdiction=jurisdiction, actor=actor, signatory_name=signatory_name,
                           title_en=title_en, title_fr=title_fr, endorsed_on=endorsed_on, note="")
    from carrefour.declarations.tasks import endorsement_secretariat_notify_task

    transaction.on_commit(lambda: endorsement_secretariat_notify_task.enqueue(endorsement_id=endorsement.pk))
    return endorsement


@transaction.atomic
def endorsement_record(
    *,
    declaration: Declaration,
    actor: Any,
    jurisdiction: Jurisdiction,
    signatory_name: str,
    endorsed_on: datetime.date,
    signatory_title_en: str = "",
    signatory_title_fr: str = "",
    signatory_title: str = "",
    note: str = "",
) -> Endorsement:
    """The secretariat records an endorsement signed on paper (by name and title), e.g. a past one; audited with its note."""
    _require_manager(actor, declaration)
    if endorsed_on is None:
        raise ApplicationError(_("Give the date the paper was signed."), field="endorsed_on")
    EndorsementInvitation.objects.get_or_create(
        declaration=declaration, jurisdiction=jurisdiction,
        defaults={"invited_by": actor if getattr(actor, "is_authenticated", False) else None},
    )
    title_en, title_fr = _titles(signatory_title_en, signatory_title_fr, signatory_title)
    note = (note or "").strip()[:500]
    return _endorse(declaration=declaration, jurisdiction=jurisdiction, actor=actor, signatory_name=signatory_name,
                    title_en=title_en, title_fr=title_fr, endorsed_on=endorsed_on,
                    note=f"signed on paper, recorded by the secretariat{': ' + note if note else ''}")


@transaction.atomic
def endorsement_signatory_assign(*, declaration: Declaration, actor: Any, jurisdiction: Jurisdiction,
                                 email: str) -> Membership:
    """The secretariat makes a person (by the email of their account) a signatory for a jurisdiction; audited.

    The person joins the declaration's team as its signatory for that jurisdiction, and may then endorse online.
    """
    from carrefour.directory.models import User
    from carrefour.directory.services import membership_add

    _require_manager(actor, declaration)
    if declaration.team_id is None:
        raise ApplicationError(_("This declaration has no team: signatories are named in its team."))
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is None:
        raise ApplicationError(_("No one has an account with this email address; ask them to sign up first."),
                               field="email")
    current = Membership.objects.filter(team_id=declaration.team_id, user=user, role=Role.SIGNATORY).select_related(
        "jurisdiction").first()
    if current is not None:
        if current.jurisdiction_id == jurisdiction.pk:
            raise ApplicationError(_("%(name)s is already a signatory for %(j)s.")
                                   % {"name": user, "j": jurisdiction.name}, field="email")
        raise ApplicationError(_("%(name)s already signs for %(j)s in this team.")
                               % {"name": user, "j": current.jurisdiction.name if current.jurisdiction else "—"},
                               field="email")
    membership = membership_add(team=declaration.team, user=user, role=Role.SIGNATORY, actor=actor,
                                jurisdiction=jurisdiction)
    audit_log(instance=declaration, actor=actor, action="event",
              changes={"signatory_assigned": {"jurisdiction": jurisdiction.code, "user": user.pk}})
    return membership


def endorsement_secretariat_notify(*, endorsement: Endorsement) -> int:
    """Email the declaration's secretariat that a jurisdiction endorsed (each in both languages, theirs first)."""
    from django.conf import settings

    from carrefour.core.mail import reader_language, send_bilingual

    declaration = endorsement.declaration
    members = Membership.objects.filter(team_id=declaration.team_id, role__in=MANAGE_ROLES,
                                        user__is_active=True).select_related("user")
    context = {"endorsement": endorsement, "declaration": declaration, "jurisdiction": endorsement.jurisdiction,
               "site": settings.SITE_URL}
    users = {m.user for m in members} if declaration.team_id else set()
    for user in sorted(users, key=lambda u: u.pk):
        send_bilingual(template_prefix="declarations/email/endorsed", context=context,
                       to=user.email, first=reader_language(user))
    return len(users)


@transaction.atomic
def endorsement_withdraw(*, endorsement: Endorsement, actor: Any, reason: str) -> Endorsement:
    """Record a jurisdiction's withdrawal; the endorsement stays on the record, marked withdrawn."""
    if not (is_signatory(user=actor, jurisdiction=endorsement.jurisdiction)
            or declaration_can_manage(user=actor, declaration=endorsement.declaration)):
        raise ApplicationError(_("Only a signatory for %(j)s can withdraw its endorsement.")
                               % {"j": endorsement.jurisdiction.name})
    if endorsement.withdrawn_at is not None:
        raise ApplicationError(_("This endorsement was already withdrawn."))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give a reason for the withdrawal."), field="reason")
    endorsement.withdrawn_at = timezone.now()
    endorsement.withdrawn_by = actor
    endorsement.withdrawal_reason = reason[:500]
    endorsement.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason", "updated_at"])
    audit_log(instance=endorsement.declaration, actor=actor, action="event",
              changes={"withdrawn": {"jurisdiction": endorsement.jurisdiction.code, "endorsement": endorsement.pk}},
              note=reason)
    return endorsement
