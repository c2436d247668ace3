"""Writes for tables, priorities, initiatives, achievements, assessments and progress reports.

Every write goes through core services (audited, versioned) and checks the portfolio's rules.
"""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from carrefour.core.exceptions import ApplicationError
from carrefour.core.services import (
    MergedUpdate,
    audit_log,
    model_create,
    model_restore,
    model_soft_delete,
    model_update,
    model_update_merged,
)
from carrefour.declarations import commitments as commitment_links
from carrefour.portfolio.models import (
    Achievement,
    Decision,
    Facet,
    FacetAssessment,
    Initiative,
    InitiativeLink,
    Meeting,
    Priority,
    ProgressReport,
    Stage,
    Status,
    Table,
)
from carrefour.portfolio.permissions import (
    can_create_initiative,
    can_create_table,
    can_edit_initiative,
    can_edit_table,
    can_manage_people,
    can_restore_initiative,
    editing_jurisdiction_ids,
)

INITIATIVE_FIELDS = (
    "title_en", "title_fr", "summary_en", "summary_fr", "jurisdiction", "lead_organization", "table",
    "priority", "stage", "status", "commitments_text", "start_date", "end_date", "visibility", "team",
)
INITIATIVE_M2M = ("partner_jurisdictions", "partner_organizations", "facets")


def _figures_changed() -> None:
    """An initiative was added, changed, deleted or restored: the portfolio's cached counts are stale."""
    from carrefour.portfolio.selectors import figures_invalidate

    figures_invalidate()


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ApplicationError(message)


def _check_dates(data: dict[str, Any]) -> None:
    start, end = data.get("start_date"), data.get("end_date")
    if start and end and end < start:
        raise ApplicationError(_("The end date is before the start date."), field="end_date")


def _jurisdiction_ids(data: dict[str, Any], m2m: dict[str, Any]) -> set[int]:
    ids = set()
    lead = data.get("jurisdiction")
    if lead is not None:
        ids.add(getattr(lead, "pk", lead))
    for partner in m2m.get("partner_jurisdictions", []) or []:
        ids.add(getattr(partner, "pk", partner))
    return ids


# Tables, priorities, meetings, decisions -------------------------------------------------------


TABLE_FIELDS = ("slug", "name_en", "name_fr", "vision_en", "vision_fr", "description_en", "description_fr",
                "visibility", "team")


@transaction.atomic
def table_create(*, actor: Any, data: dict[str, Any], member_jurisdictions: list[Any] | None = None) -> Table:
    """A new collaboration table for a directory team (its people and roles come from the team)."""
    data = dict(data)
    unknown = set(data) - set(TABLE_FIELDS)
    if unknown:
        raise ApplicationError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    team = data.get("team")
    if not can_create_table(actor, team):
        raise ApplicationError(
            _("Only platform administrators, and the secretariat or administrators of a team, can create tables."),
            field="team")
    if Table.objects.filter(slug=data.get("slug")).exists():
        raise ApplicationError(_("Another table already uses this short name: choose another."), field="slug")
    return model_create(model=Table, actor=actor, data=data,
                        m2m={"member_jurisdictions": list(member_jurisdictions or [])})


def table_jurisdiction_add(*, table: Table, actor: Any, jurisdiction: Any) -> Table:
    _require(can_edit_table(actor, table), _("Only the table's editors and secretariat can change its members."))
    current = list(table.member_jurisdictions.all())
    if jurisdiction in current:
        raise ApplicationError(_("This jurisdiction is already a member of the table."), field="jurisdiction")
    model_update(instance=table, actor=actor, data={}, m2m={"member_jurisdictions": [*current, jurisdiction]})
    return table


def table_jurisdiction_remove(*, table: Table, actor: Any, jurisdiction: Any) -> Table:
    _require(can_edit_table(actor, table), _("Only the table's editors and secretariat can change its members."))
    current = list(table.member_jurisdictions.all())
    if jurisdiction not in current:
        raise ApplicationError(_("This jurisdiction is not a member of the table."), field="jurisdiction")
    model_update(instance=table, actor=actor, data={},
                 m2m={"member_jurisdictions": [j for j in current if j.pk != jurisdiction.pk]})
    return table


@transaction.atomic
def table_person_add(*, table: Table, actor: Any, email: str, role: str, jurisdiction: Any = None) -> Any:
    """Add someone with an account to the table's team, by email, with a role (secretariat only)."""
    from carrefour.directory.models import Membership, Role, User
    from carrefour.directory.services import membership_add

    _require(can_manage_people(actor, table), _("Only the table's secretariat can add people to it."))
    if role not in Role.values:
        raise ApplicationError(_("Unknown role."), field="role")
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is None:
        raise ApplicationError(
            _("No one with this email address has an account: ask them to sign up first, then add them."),
            field="email")
    if Membership.objects.filter(team_id=table.team_id, user=user, role=role).exists():
        raise ApplicationError(_("This person already has this role in the table's team."), field="email")
    return membership_add(team=table.team, user=user, role=role, actor=actor, jurisdiction=jurisdiction)


def table_update(*, table: Table, actor: Any, data: dict[str, Any], m2m: dict[str, Any] | None = None,
                 expected_version: int | None = None) -> Table:
    _require(can_edit_table(actor, table), _("Only the table's editors and secretariat can change it."))
    model_update(instance=table, actor=actor, data=data, m2m=m2m, expected_version=expected_version)
    return table


def priority_create(*, table: Table, actor: Any, data: dict[str, Any]) -> Priority:
    _require(can_edit_table(actor, table), _("Only the table's editors and secretariat can add priorities."))
    data = {"visibility": table.visibility, "team": table.team, **data, "table": table}
    return model_create(model=Priority, actor=actor, data=data)


def priority_update(*, priority: Priority, actor: Any, data: dict[str, Any], expected_version: int | None = None) -> Priority:
    _require(can_edit_table(actor, priority.table), _("Only the table's editors and secretariat can change priorities."))
    data.pop("table", None)
    model_update(instance=priority, actor=actor, data=data, expected_version=expected_version)
    return priority


def meeting_create(*, table: Table, actor: Any, data: dict[str, Any]) -> Meeting:
    _require(can_edit_table(actor, table), _("Only the table's editors and secretariat can record meetings."))
    data = {"visibility": table.visibility, "team": table.team, **data, "table": table}
    return model_create(model=Meeting, actor=actor, data=data)


def decision_create(*, table: Table, actor: Any, data: dict[str, Any]) -> Decision:
    _require(can_edit_table(actor, table), _("Only the table's editors and secretariat can record decisions."))
    meeting = data.get("meeting")
    if meeting is not None and meeting.table_id != table.pk:
        raise ApplicationError(_("This meeting belongs to another table."), field="meeting")
    if meeting is not None and not data.get("date"):
        data["date"] = meeting.date
    data = {"visibility": table.visibility, "team": table.team, **data, "table": table}
    return model_create(model=Decision, actor=actor, data=data)


def meeting_update(*, meeting: Meeting, actor: Any, data: dict[str, Any], expected_version: int | None = None) -> Meeting:
    _require(meeting.deleted_at is None and can_edit_table(actor, meeting.table),
             _("Only the table's editors and secretariat can change meetings."))
    data = {k: v for k, v in data.items() if k != "table"}
    model_update(instance=meeting, actor=actor, data=data, expected_version=expected_version)
    return meeting


def decision_update(*, decision: Decision, actor: Any, data: dict[str, Any],
                    expected_version: int | None = None) -> Decision:
    table = decision.table
    _require(decision.deleted_at is None and can_edit_table(actor, table),
             _("Only the table's editors and secretariat can change decisions."))
    data = {k: v for k, v in data.items() if k != "table"}
    meeting = data.get("meeting")
    if meeting is not None and meeting.table_id != table.pk:
        raise ApplicationError(_("This meeting belongs to another table."), field="meeting")
    model_update(instance=decision, actor=actor, data=data, expected_version=expected_version)
    return decision


# Initiatives -----------------------------------------------------------------------------------


def _split(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], list[Any] | None]:
    data = dict(data)
    commitments = data.pop("commitments", None)
    m2m = {name: list(data.pop(name)) for name in INITIATIVE_M2M if name in data}
    unknown = set(data) - set(INITIATIVE_FIELDS)
    if unknown:
        raise ApplicationError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    return data, m2m, commitments


def _check_priority(data: dict[str, Any], instance: Initiative | None = None) -> None:
    priority = data.get("priority", instance.priority if instance else None)
    table = data.get("table", instance.table if instance else None)
    if priority is not None:
        if table is None:
            data["table"] = priority.table
        elif priority.table_id != table.pk:
            raise ApplicationError(_("This priority belongs to another table."), field="priority")


def _check_visible_choices(actor: Any, data: dict[str, Any]) -> None:
    """A table or priority the actor may not see cannot be chosen (nor its existence confirmed)."""
    from carrefour.core.visibility import can_view

    for name in ("table", "priority"):
        if data.get(name) is not None and not can_view(actor, data[name]):
            raise ApplicationError(_("Choose a table and a priority from the lists offered."), field=name)


def _names(jurisdiction_ids: set[int]) -> str:
    from carrefour.core.i18n import collated
    from carrefour.directory.models import Jurisdiction

    return ", ".join(str(j) for j in Jurisdiction.objects.filter(pk__in=jurisdiction_ids).order_by(collated("name")))


def initiative_create_check(*, actor: Any, table: Table | None, jurisdiction_ids: set[int]) -> None:
    """Refuse, with the real reason, an initiative `actor` may not add (for these lead and partner
    jurisdictions, in `table` or outside tables). The error names the jurisdiction field only when
    choosing another jurisdiction would help; otherwise it goes above the form."""
    from carrefour.core.visibility import EDIT_ROLES
    from carrefour.directory.models import Membership

    if can_create_initiative(actor, table=table, jurisdiction_ids=jurisdiction_ids):
        return
    if actor is None or not actor.is_authenticated:
        raise ApplicationError(_("Sign in to add an initiative."))
    if table is None:
        if not actor.jurisdiction_id:
            raise ApplicationError(_("Outside a table, only public servants can add initiatives, for their own "
                                     "jurisdiction: choose a table you edit."), field="table")
        raise ApplicationError(
            _("Outside a table, you can add initiatives only for your own jurisdiction (%(jurisdiction)s): "
              "make it the lead or a partner jurisdiction, or choose a table you edit.")
            % {"jurisdiction": _names({actor.jurisdiction_id})}, field="jurisdiction")
    roles = set(Membership.objects.filter(user=actor, team_id=table.team_id).values_list("role", flat=True))
    if not roles:
        raise ApplicationError(
            _("You are not a member of the table “%(table)s”: ask its secretariat to add you as an editor.")
            % {"table": table.name}, field="table")
    if not roles & set(EDIT_ROLES):
        raise ApplicationError(
            _("You are a member of the table “%(table)s” but not one of its editors: ask its secretariat to make "
              "you an editor or a contributor for your jurisdiction.") % {"table": table.name})
    acting_for = editing_jurisdiction_ids(actor, table)
    if not acting_for:
        raise ApplicationError(
            _("In the table “%(table)s” you do not act for any jurisdiction: ask its secretariat to name the "
              "jurisdiction you act for.") % {"table": table.name})
    raise ApplicationError(
        _("In the table “%(table)s” you add initiatives only for %(jurisdictions)s: make it the lead or a "
          "partner jurisdiction.") % {"table": table.name, "jurisdictions": _names(acting_for)},
        field="jurisdiction")


@transaction.atomic
def initiative_create(*, actor: Any, data: dict[str, Any], request_token: str = "") -> Initiative:
    """Add an initiative. `request_token` is the form's one-time token: sent again, the form
    returns the initiative it already added instead of adding a second one."""
    from carrefour.portfolio.selectors import initiative_by_request_token

    previous = initiative_by_request_token(user=actor, request_token=request_token)
    if previous is not None:
        return previous
    data, m2m, commitments = _split(data)
    _check_dates(data)
    _check_visible_choices(actor, data)
    _check_priority(data)
    table = data.get("table")
    initiative_create_check(actor=actor, table=table, jurisdiction_ids=_jurisdiction_ids(data, m2m))
    if table is not None:
        data.setdefault("team", table.team)
    if request_token and actor is not None and actor.is_authenticated:
        data["request_token"] = request_token[:64]
    initiative = model_create(model=Initiative, actor=actor, data=data, m2m=m2m)
    _figures_changed()
    if commitments is not None:
        commitment_links.set_links(actor=actor, target=initiative, commitments=commitments)
    return initiative


def _initiative_update_check(*, initiative: Initiative, actor: Any, data: dict[str, Any], m2m: dict[str, Any]) -> None:
    merged = {"start_date": initiative.start_date, "end_date": initiative.end_date, **data}
    _check_dates(merged)
    _check_visible_choices(actor, {k: v for k, v in data.items()
                                   if k in ("table", "priority") and v != getattr(initiative, k)})
    _check_priority(data, initiative)
    new_table = data.get("table", initiative.table)
    if new_table is not None and new_table != initiative.table and not can_edit_table(actor, new_table):
        if not can_create_initiative(actor, table=new_table, jurisdiction_ids=_jurisdiction_ids(
                {"jurisdiction": data.get("jurisdiction", initiative.jurisdiction)}, m2m)):
            raise ApplicationError(_("You cannot move this initiative to that table."), field="table")


def _initiative_edit_start(*, initiative: Initiative, actor: Any, data: dict[str, Any]):
    if not can_edit_initiative(actor, initiative):
        raise ApplicationError(_("You cannot edit this initiative: ask the table's secretariat or the lead jurisdiction."))
    data, m2m, commitments = _split(data)
    _initiative_update_check(initiative=initiative, actor=actor, data=data, m2m=m2m)
    return data, m2m, commitments


@transaction.atomic
def initiative_update(*, initiative: Initiative, actor: Any, data: dict[str, Any],
                      expected_version: int | None = None) -> Initiative:
    """Change an initiative; a save made by someone else since `expected_version` is refused."""
    data, m2m, commitments = _initiative_edit_start(initiative=initiative, actor=actor, data=data)
    model_update(instance=initiative, actor=actor, data=data, m2m=m2m, expected_version=expected_version)
    _figures_changed()
    if commitments is not None:
        commitment_links.set_links(actor=actor, target=initiative, commitments=commitments)
    return initiative


@transaction.atomic
def initiative_update_merged(*, initiative: Initiative, actor: Any, data: dict[str, Any],
                             expected_version: int | None = None) -> MergedUpdate:
    """Save the edit form (`data` holds every field it shows) over what others saved since
    `expected_version`: their changes to fields this edit left alone are kept; the same field
    changed both ways raises `EditConflict` with both values, and nothing is saved."""
    data, m2m, commitments = _initiative_edit_start(initiative=initiative, actor=actor, data=data)
    result = model_update_merged(instance=initiative, actor=actor, data=data, m2m=m2m,
                                 expected_version=expected_version)
    _figures_changed()
    if commitments is not None:
        commitment_links.set_links(actor=actor, target=initiative, commitments=commitments)
    return result


def initiative_link_add(*, initiative: Initiative, actor: Any, data: dict[str, Any]) -> InitiativeLink:
    if not can_edit_initiative(actor, initiative):
        raise ApplicationError(_("You cannot edit this initiative: ask the table's secretariat or the lead jurisdiction."))
    link = InitiativeLink(initiative=initiative, **data)
    from carrefour.core.services import _validate

    _validate(link)
    link.save()
    audit_log(instance=initiative, actor=actor, action="event",
              changes={"link_added": [None, {"kind": link.kind, "url": link.url, "title": link.title_en}]})
    return link


ACHIEVEMENT_FIELDS = ("date", "text_en", "text_fr", "by", "evidence_url", "is_key")


def _check_achievement(data: dict[str, Any]) -> None:
    from django.utils import timezone

    date = data.get("date")
    if date is None:
        raise ApplicationError(_("Give the date of the achievement."), field="date")
    if date > timezone.localdate():
        raise ApplicationError(_("An achievement cannot be dated in the future."), field="date")
    if not (data.get("text_en") or "").strip():
        raise ApplicationError(_("Describe what happened."), field="text_en")


@transaction.atomic
def achievement_create(*, initiative: Initiative, actor: Any, data: dict[str, Any]) -> Achievement:
    if not can_edit_initiative(actor, initiative):
        raise ApplicationError(_("You cannot add achievements to this initiative."))
    data = dict(data)
    jurisdictions = list(data.pop("jurisdictions", []) or [])
    _check_achievement(data)
    data = {"visibility": initiative.visibility, "team": initiative.team, **data, "initiative": initiative}
    return model_create(model=Achievement, actor=actor, data=data, m2m={"jurisdictions": jurisdictions})


@transaction.atomic
def achievement_update(*, achievement: Achievement, actor: Any, data: dict[str, Any],
                       expected_version: int | None = None) -> Achievement:
    """Change an achievement; a save made by someone else since `expected_version` is refused."""
    if achievement.deleted_at is not None or not can_edit_initiative(actor, achievement.initiative):
        raise ApplicationError(_("You cannot edit achievements of this initiative."))
    data = dict(data)
    m2m = {"jurisdictions": list(data.pop("jurisdictions"))} if "jurisdictions" in data else None
    unknown = set(data) - set(ACHIEVEMENT_FIELDS)
    if unknown:
        raise ApplicationError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    _check_achievement({"date": achievement.date, "text_en": achievement.text_en, **data})
    model_update(instance=achievement, actor=actor, data=data, m2m=m2m, expected_version=expected_version)
    return achievement


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise ApplicationError(_("Keep the reason under 500 characters."), field="reason")
    return reason


# Deleting and restoring (soft: hidden, audited, never erased) ---------------------------------


def initiative_delete(*, initiative: Initiative, actor: Any, reason: str = "") -> Initiative:
    if initiative.deleted_at is not None:
        raise ApplicationError(_("This initiative was already deleted."))
    if not can_edit_initiative(actor, initiative):
        raise ApplicationError(_("You cannot delete this initiative: ask the table's secretariat or the lead jurisdiction."))
    deleted = model_soft_delete(instance=initiative, actor=actor, reason=_reason(reason))
    _figures_changed()
    return deleted


def initiative_restore(*, initiative: Initiative, actor: Any, reason: str = "") -> Initiative:
    if initiative.deleted_at is None:
        raise ApplicationError(_("This initiative is not deleted."))
    if not can_restore_initiative(actor, initiative):
        raise ApplicationError(_("Only the table's secretariat or a platform administrator can restore initiatives."))
    restored = model_restore(instance=initiative, actor=actor, reason=_reason(reason))
    _figures_changed()
    return restored


def achievement_delete(*, achievement: Achievement, actor: Any, reason: str = "") -> Achievement:
    if achievement.deleted_at is not None:
        raise ApplicationError(_("This achievement was already deleted."))
    if not can_edit_initiative(actor, achievement.initiative):
        raise ApplicationError(_("You cannot delete achievements of this initiative."))
    return model_soft_delete(instance=achievement, actor=actor, reason=_reason(reason))


def achievement_restore(*, achievement: Achievement, actor: Any, reason: str = "") -> Achievement:
    from carrefour.portfolio.permissions import can_manage_deleted

    if achievement.deleted_at is None:
        raise ApplicationError(_("This achievement is not deleted."))
    initiative = achievement.initiative
    if initiative.deleted_at is not None:
        raise ApplicationError(_("Restore its initiative first."))
    allowed = (can_manage_deleted(actor, initiative.table) if initiative.table_id is not None
               else can_edit_initiative(actor, initiative))
    if not allowed:
        raise ApplicationError(_("Only the table's secretariat or a platform administrator can restore achievements."))
    return model_restore(instance=achievement, actor=actor, reason=_reason(reason))


# CSV import ------------------------------------------------------------------------------------

IMPORT_COLUMNS = [
    "title_en", "title_fr", "summary_en", "summary_fr", "lead_jurisdiction", "partner_jurisdictions",
    "priority", "facets", "stage", "status", "start_date", "end_date", "commitments",
]
REQUIRED_IMPORT_COLUMNS = ("title_en", "lead_jurisdiction")


class ImportRejected(ApplicationError):
    """The file had bad rows: nothing was stored; `extra["rows"]` lists [(row number, [errors])]."""


def _codes(value: str) -> list[str]:
    return [c.strip().lower() for c in value.replace(",", ";").split(";") if c.strip()]


def _parse_date(value: str, label: str, errors: list[str]) -> datetime.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        errors.append(_("%(column)s: “%(value)s” is not a date (use YYYY-MM-DD).") % {"column": label, "value": value})
        return None


IMPORT_DELIMITERS = (",", ";", "\t")


def _decode_csv(content: bytes) -> str:
    """UTF-8 (with or without Excel's byte order mark), else Windows-1252: what Excel writes as “CSV”
    in French and English Windows."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ApplicationError(
        _("The file is neither UTF-8 nor Windows-1252 text: in your spreadsheet, save it as “CSV UTF-8” and "
          "try again."), field="file")


def _sniff_delimiter(content: str) -> str:
    """The separator of the header line: comma, semicolon (French Excel's default) or tab.

    Only the header is read: column names never hold a separator, while titles and summaries may."""
    header = content.split("\n", 1)[0]
    counts = {d: header.count(d) for d in IMPORT_DELIMITERS}
    best = max(IMPORT_DELIMITERS, key=lambda d: counts[d])  # the first listed wins a tie
    return best if counts[best] else ","


def initiatives_import_csv(*, table: Table, actor: Any, content: str | bytes) -> list[Initiative]:
    """Create one initiative per row; any bad row rejects the whole file (nothing stored)."""
    from carrefour.directory.models import Jurisdiction

    if not can_edit_table(actor, table):
        raise ApplicationError(_("Only the table's editors and secretariat can import initiatives."))
    if isinstance(content, bytes):
        content = _decode_csv(content)
    content = content.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(content), delimiter=_sniff_delimiter(content))
    headers = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_IMPORT_COLUMNS if c not in headers]
    if missing:
        raise ApplicationError(
            _("The file has no column %(columns)s. The first line must name the columns: %(expected)s.")
            % {"columns": ", ".join(missing), "expected": ", ".join(IMPORT_COLUMNS)}, field="file")
    jurisdictions = {j.code: j for j in Jurisdiction.objects.all()}
    priorities = {}
    for p in table.priorities.filter(deleted_at__isnull=True):
        priorities[p.title_en.strip().lower()] = p
        priorities[p.title_fr.strip().lower()] = p
        priorities[str(p.pk)] = p
    facets = {f.code: f for f in Facet.objects.all()}
    parsed: list[tuple[dict[str, Any], dict[str, Any]]] = []
    rejected: list[tuple[int, list[str]]] = []
    seen_titles: set[str] = set()
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        errors: list[str] = []
        title = row.get("title_en", "")
        if not title:
            errors.append(_("title_en: the English title is required."))
        elif title.lower() in seen_titles:
            errors.append(_("title_en: “%(title)s” appears twice in the file.") % {"title": title})
        seen_titles.add(title.lower())
        lead = jurisdictions.get(row.get("lead_jurisdiction", "").lower())
        if lead is None:
            errors.append(_("lead_jurisdiction: unknown jurisdiction “%(code)s”.") % {"code": row.get("lead_jurisdiction", "")})
        partners = []
        for code in _codes(row.get("partner_jurisdictions", "")):
            if code in jurisdictions:
                partners.append(jurisdictions[code])
            else:
                errors.append(_("partner_jurisdictions: unknown jurisdiction “%(code)s”.") % {"code": code})
        priority = None
        if row.get("priority"):
            priority = priorities.get(row["priority"].lower())
            if priority is None:
                errors.append(_("priority: “%(value)s” is not a priority of this table.") % {"value": row["priority"]})
        chosen_facets = []
        for code in _codes(row.get("facets", "")):
            if code in facets:
                chosen_facets.append(facets[code])
            else:
                errors.append(_("facets: unknown facet “%(code)s” (use %(codes)s).") % {"code": code, "codes": ", ".join(facets)})
        stage = (row.get("stage") or Stage.IDEA).lower()
        if stage not in Stage.values:
            errors.append(_("stage: “%(value)s” is not one of %(values)s.") % {"value": stage, "values": ", ".join(Stage.values)})
        status = (row.get("status") or Status.ON_TRACK).lower()
        if status not in Status.values:
            errors.append(_("status: “%(value)s” is not one of %(values)s.") % {"value": status, "values": ", ".join(Status.values)})
        start = _parse_date(row.get("start_date", ""), "start_date", errors)
        end = _parse_date(row.get("end_date", ""), "end_date", errors)
        if start and end and end < start:
            errors.append(_("end_date: the end date is before the start date."))
        if errors:
            rejected.append((number, errors))
            continue
        data = {
            "title_en": title, "title_fr": row.get("title_fr", ""), "summary_en": row.get("summary_en", ""),
            "summary_fr": row.get("summary_fr", ""), "jurisdiction": lead, "table": table, "priority": priority,
            "stage": stage, "status": status, "start_date": start, "end_date": end,
            "commitments_text": row.get("commitments", ""), "visibility": table.visibility, "team": table.team,
        }
        parsed.append((data, {"partner_jurisdictions": partners, "facets": chosen_facets}))
    if rejected:
        raise ImportRejected(
            _("%(count)s row(s) were rejected; nothing was imported. Correct them and import the file again.")
            % {"count": len(rejected)}, field="file", extra={"rows": rejected})
    if not parsed:
        raise ApplicationError(_("The file has no initiative rows."), field="file")
    created = []
    with transaction.atomic():
        for number, (data, m2m) in enumerate(parsed, start=2):
            try:
                created.append(model_create(model=Initiative, actor=actor, data=data, m2m=m2m))
            except ApplicationError as exc:
                raise ImportRejected(
                    _("%(count)s row(s) were rejected; nothing was imported. Correct them and import the file again.")
                    % {"count": 1}, field="file", extra={"rows": [(number, [str(exc)])]}) from exc
        audit_log(instance=table, actor=actor, action="event", changes={"imported_initiatives": len(created)})
        _figures_changed()
    return created


# Facet self-assessment -------------------------------------------------------------------------


def assessment_create(*, actor: Any, team: Any, answers: dict[str, str]) -> FacetAssessment:
    from carrefour.core.visibility import has_team_role
    from carrefour.portfolio.questionnaire import QUESTIONS, score

    if not (actor is not None and actor.is_authenticated):
        raise ApplicationError(_("Sign in to save a self-assessment."))
    if team is not None and not has_team_role(actor, team.pk, ("member", "contributor", "editor", "secretariat", "administrator", "moderator")):
        raise ApplicationError(_("Only members of a team can assess its portfolio."), field="team")
    missing = [q["key"] for q in QUESTIONS if q["key"] not in answers]
    if missing:
        raise ApplicationError(_("Answer every question."), field=missing[0])
    visibility = "members" if team is not None else "private"
    return model_create(
        model=FacetAssessment, actor=actor,
        data={"team": team, "visibility": visibility, "answers": answers, "scores": score(answers)},
    )


# Progress reports ------------------------------------------------------------------------------


def report_request(*, table: Table, actor: Any, start: datetime.date, end: datetime.date) -> ProgressReport:
    """Queue the generation of a large progress report; the page follows its progress."""
    from carrefour.core.ratelimit import rate_limit_hit
    from carrefour.core.visibility import can_view

    if actor is None or not actor.is_authenticated:
        raise ApplicationError(_("Sign in to prepare a large report."))
    if not can_view(actor, table):
        raise ApplicationError(_("You cannot see this table."))
    if rate_limit_hit(scope="public_post", key=f"portfolio-report:{actor.pk}"):
        raise ApplicationError(_("You have asked for several reports in a short time. Please try again later."))
    if end < start:
        raise ApplicationError(_("The end date is before the start date."), field="end")
    report = ProgressReport.objects.create(
        table=table, start=start, end=end,
        requested_by=actor if actor is not None and actor.is_authenticated else None,
    )

    def enqueue() -> None:
        from carrefour.portfolio.tasks import progress_report_task

        progress_report_task.enqueue(report_id=report.pk)

    transaction.on_commit(enqueue)
    return report


def report_generate(*, report: ProgressReport) -> ProgressReport:
    """Build and store a queued report's snapshot, recording progress and failures."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from carrefour.portfolio.reports import build_report, render_pdfs

    ProgressReport.objects.filter(pk=report.pk).update(state=ProgressReport.State.RUNNING, progress=0)

    def on_progress(done: int, total: int) -> None:
        percent = int(done * 100 / total) if total else 100
        ProgressReport.objects.filter(pk=report.pk).update(progress=min(percent, 99))

    try:
        data = build_report(table=report.table, start=report.start, end=report.end, user=report.requested_by,
                            on_progress=lambda done, total: on_progress(done, 2 * total))
        # The PDFs are the slow part: made once here (both languages at once), so that downloads are instant.
        ready: list[str] = []
        files = render_pdfs(data, on_done=lambda lang: (ready.append(lang), on_progress(1 + len(ready), 3)))
    except Exception as exc:  # noqa: BLE001 - the page must show the failure, not hang
        ProgressReport.objects.filter(pk=report.pk).update(
            state=ProgressReport.State.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        report.refresh_from_db()
        return report
    report.refresh_from_db()
    name = f"{report.table.slug}-progress-{report.start:%Y-%m-%d}-{report.end:%Y-%m-%d}"
    for lang, content in files.items():
        getattr(report, f"pdf_{lang}").save(f"{name}-{lang}.pdf", ContentFile(content), save=False)
    report.data = data
    report.state = ProgressReport.State.DONE
    report.progress = 100
    report.finished_at = timezone.now()
    report.save(update_fields=["data", "state", "progress", "finished_at", "pdf_en", "pdf_fr"])
    return report
