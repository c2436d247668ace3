"""Shared writes: create, update, soft-delete and restore with an audit entry each time."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import uuid
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from carrefour.core.exceptions import ApplicationError, EditConflict
from carrefour.core.models import AuditEntry, ProblemReport
from carrefour.core.ratelimit import rate_limit_hit

M = TypeVar("M", bound=models.Model)

_SKIP = {"created_at", "updated_at", "version", "deleted_at"}


def _json_value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return value


def field_value(instance: models.Model, field: models.Field) -> Any:
    """The JSON-safe value of a concrete field, foreign keys as their id."""
    return _json_value(getattr(instance, field.attname))


def snapshot(instance: models.Model) -> dict[str, Any]:
    return {
        f.name: field_value(instance, f)
        for f in instance._meta.concrete_fields
        if f.name not in _SKIP and not f.primary_key
    }


def audit_log(
    *,
    instance: models.Model,
    actor: Any,
    action: str,
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    """Record one change to `instance` (who, when, what, old and new values)."""
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        action=action,
        changes=changes or {},
        note=note[:500],
    )


def _validate(instance: models.Model, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            field, errors = next(iter(exc.error_dict.items()))
            raise ApplicationError(" ".join(str(m) for e in errors for m in e.messages), field=field) from exc
        raise ApplicationError(" ".join(exc.messages)) from exc


@transaction.atomic
def model_create(*, model: type[M], actor: Any, data: dict[str, Any], m2m: dict[str, Any] | None = None) -> M:
    """Validate and save a new record, then audit its initial values."""
    instance = model(**data)
    if hasattr(instance, "owner_id") and instance.owner_id is None and actor is not None and actor.is_authenticated:
        instance.owner = actor
    _validate(instance)
    instance.save()
    changes = {name: [None, value] for name, value in snapshot(instance).items() if value not in (None, "", [], {})}
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
        changes[name] = [[], sorted(_json_value(v) for v in values)]
    audit_log(instance=instance, actor=actor, action=AuditEntry.Action.CREATE, changes=changes)
    return instance


@transaction.atomic
def model_update(
    *,
    instance: M,
    actor: Any,
    data: dict[str, Any],
    m2m: dict[str, Any] | None = None,
    expected_version: int | None = None,
    note: str = "",
) -> tuple[M, bool]:
    """Apply `data` to `instance`, validate, save the changed fields, audit old → new.

    With `expected_version` (the version the editor loaded), a save made by someone else in
    between raises `EditConflict` listing what they changed; nothing is overwritten.
    Returns (instance, whether anything changed).
    """
    model = type(instance)
    has_version = any(f.name == "version" for f in model._meta.concrete_fields)
    if has_version and expected_version is not None:
        current = model._default_manager.select_for_update().get(pk=instance.pk)
        if current.version != expected_version:
            raise EditConflict(
                _(
                    "Someone else saved this record while you were editing it (your version %(mine)s, "
                    "now version %(theirs)s). Your changes were not saved: review their changes below "
                    "and make yours again."
                )
                % {"mine": expected_version, "theirs": current.version},
                extra={"changes": _changes_since(instance, expected_version)},
            )
    changes: dict[str, Any] = {}
    update_fields: list[str] = []
    for name, value in data.items():
        field = model._meta.get_field(name)
        old = field_value(instance, field)
        setattr(instance, name, value)
        new = field_value(instance, field)
        if old != new:
            changes[name] = [old, new]
            update_fields.append(field.name)
    m2m_changes: dict[str, Any] = {}
    for name, values in (m2m or {}).items():
        old_ids = sorted(getattr(instance, name).values_list("pk", flat=True))
        new_ids = sorted(_json_value(v) for v in values)
        if old_ids != new_ids:
            m2m_changes[name] = [old_ids, new_ids]
    if not changes and not m2m_changes:
        return instance, False
    _validate(instance)
    if has_version:
        instance.version = (instance.version or 0) + 1
        update_fields.append("version")
    if update_fields:
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            update_fields.append("updated_at")
        instance.save(update_fields=update_fields)
    for name, values in (m2m or {}).items():
        if name in m2m_changes:
            getattr(instance, name).set(values)
    changes.update(m2m_changes)
    audit_log(instance=instance, actor=actor, action=AuditEntry.Action.UPDATE, changes=changes, note=note)
    return instance, True


@dataclasses.dataclass(frozen=True)
class MergedUpdate:
    """What `model_update_merged` did: the fields others changed meanwhile that were kept as they
    saved them (`kept`, empty when there was nothing to merge), and the fields this edit changed
    (`saved`; every field given when no one else saved in between)."""

    instance: Any
    changed: bool
    kept: tuple[str, ...] = ()
    saved: tuple[str, ...] = ()

    @property
    def merged(self) -> bool:
        return bool(self.kept)


def _comparable(field: Any, value: Any) -> Any:
    if field.many_to_many:
        return sorted(_json_value(v) for v in value)
    return _json_value(value)


@transaction.atomic
def model_update_merged(
    *,
    instance: M,
    actor: Any,
    data: dict[str, Any],
    m2m: dict[str, Any] | None = None,
    expected_version: int | None = None,
    note: str = "",
) -> MergedUpdate:
    """Like `model_update`, but a save made by someone else since `expected_version` is merged:
    the fields they changed and this edit did not keep their value, the others take this edit's.

    `data` and `m2m` hold the whole form (changed or not); what this edit changed is what differs
    from the record at `expected_version` (read back from the audit trail). Only when both changed
    the same field to different values is the save refused: `EditConflict` then carries, besides
    `changes`, `conflicts` ([{"field", "theirs", "mine"}], JSON values), `kept` ({field: their
    value} for the fields only they changed: a form sent again should hold them) and the current
    `version` (a form sent again with it overwrites theirs). Nothing is saved in that case.
    """
    model = type(instance)
    has_version = any(f.name == "version" for f in model._meta.concrete_fields)
    if not has_version or expected_version is None:
        saved, changed = model_update(instance=instance, actor=actor, data=data, m2m=m2m, note=note)
        return MergedUpdate(instance=saved, changed=changed, saved=(*data, *(m2m or {})))
    current = model._default_manager.select_for_update().get(pk=instance.pk)
    if current.version == expected_version:
        saved, changed = model_update(instance=instance, actor=actor, data=data, m2m=m2m,
                                      expected_version=expected_version, note=note)
        return MergedUpdate(instance=saved, changed=changed, saved=(*data, *(m2m or {})))
    entries = _changes_since(instance, expected_version)
    theirs: dict[str, list[Any]] = {}  # field → [value at expected_version, value now]
    for entry in entries:
        for name, values in (entry.get("changes") or {}).items():
            old, new = (list(values) + [None, None])[:2] if isinstance(values, list) else (None, values)
            theirs[name] = [theirs[name][0] if name in theirs else old, new]
    if "deleted_at" in theirs:
        raise EditConflict(_("This record was already deleted."),
                           extra={"changes": entries, "conflicts": [], "version": current.version})
    instance.refresh_from_db()
    mine_data: dict[str, Any] = {}
    mine_m2m: dict[str, Any] = {}
    kept: list[str] = []
    kept_values: dict[str, Any] = {}
    changed_here: list[str] = []
    conflicts: list[dict[str, Any]] = []
    for name, value in [*data.items(), *(m2m or {}).items()]:
        field = model._meta.get_field(name)
        mine = _comparable(field, value)
        if field.many_to_many:
            now = sorted(getattr(instance, name).values_list("pk", flat=True))
        else:
            now = field_value(instance, field)
        base = theirs[name][0] if name in theirs else now
        if name in theirs and mine == base:
            kept.append(name)  # they changed it, this edit did not: theirs stays
            kept_values[name] = now
            continue
        if mine != base:
            changed_here.append(name)
        if name in theirs and mine != now:
            conflicts.append({"field": name, "theirs": now, "mine": mine})
        (mine_m2m if field.many_to_many else mine_data)[name] = value
    if conflicts:
        raise EditConflict(
            _(
                "Someone else saved this record while you were editing it (your version %(mine)s, "
                "now version %(theirs)s). Your changes were not saved: review their changes below "
                "and make yours again."
            )
            % {"mine": expected_version, "theirs": current.version},
            extra={"changes": entries, "conflicts": conflicts, "kept": kept_values, "version": current.version},
        )
    saved, changed = model_update(instance=instance, actor=actor, data=mine_data, m2m=mine_m2m or None, note=note)
    return MergedUpdate(instance=saved, changed=changed, kept=tuple(kept), saved=tuple(changed_here))


def _changes_since(instance: models.Model, version: int) -> list[dict[str, Any]]:
    ct = ContentType.objects.get_for_model(instance, for_concrete_model=True)
    entries = AuditEntry.objects.filter(content_type=ct, object_id=str(instance.pk)).select_related("actor")
    # Updates and soft deletions each add one to the version: the one that made version v+1
    # is the v-th of them after creation.
    bumps = (AuditEntry.Action.UPDATE, AuditEntry.Action.DELETE)
    updates = list(entries.filter(action__in=bumps).order_by("at", "id"))
    newer = updates[max(version - 1, 0) :]
    return [
        {
            "actor": str(e.actor) if e.actor else "",
            "at": e.at.isoformat(),
            "action": e.action,
            "changes": e.changes if e.action == AuditEntry.Action.UPDATE else {"deleted_at": [None, e.at.isoformat()]},
        }
        for e in newer
    ]


@transaction.atomic
def model_soft_delete(*, instance: M, actor: Any, reason: str = "") -> M:
    """Hide a record from everyone without erasing it; the audit trail says who and why."""
    if getattr(instance, "deleted_at", None) is not None:
        raise ApplicationError(_("This record was already deleted."))
    instance.deleted_at = timezone.now()
    fields = ["deleted_at"]
    if hasattr(instance, "version"):
        instance.version = F("version") + 1
        fields.append("version")
    instance.save(update_fields=fields)
    instance.refresh_from_db(fields=["version"] if "version" in fields else None)
    audit_log(instance=instance, actor=actor, action=AuditEntry.Action.DELETE, note=reason)
    return instance


@transaction.atomic
def model_restore(*, instance: M, actor: Any, reason: str = "") -> M:
    if getattr(instance, "deleted_at", None) is None:
        raise ApplicationError(_("This record is not deleted."))
    instance.deleted_at = None
    instance.save(update_fields=["deleted_at"])
    audit_log(instance=instance, actor=actor, action=AuditEntry.Action.RESTORE, note=reason)
    return instance


def problem_report_create(
    *,
    page_url: str,
    page_title: str,
    language: str,
    kinds: list[str],
    details: str,
    reporter: Any,
    client_key: str,
) -> ProblemReport:
    """Store a report of a problem on a page; rate-limited per address."""
    valid = set(ProblemReport.Kind.values)
    kinds = [k for k in dict.fromkeys(kinds) if k in valid]
    details = (details or "").strip()
    if not kinds and not details:
        raise ApplicationError(_("Choose at least one problem or describe it."), field="kinds")
    if len(details) > 1000:
        raise ApplicationError(_("Keep the description under 1,000 characters."), field="details")
    if not page_url.startswith("/"):
        raise ApplicationError(_("The page address is not valid."), field="page_url")
    if rate_limit_hit(scope="problem_report", key=client_key):
        raise ApplicationError(_("You have sent several reports in a short time. Please try again later."))
    report = ProblemReport(
        page_url=page_url[:500],
        page_title=page_title[:300],
        language=language if language in ("en", "fr") else "en",
        kinds=kinds,
        details=details,
        reporter=reporter if reporter is not None and reporter.is_authenticated else None,
    )
    _validate(report)
    report.save()
    return report


def problem_report_set_status(*, report: ProblemReport, status: str, actor: Any) -> ProblemReport:
    if status not in ProblemReport.Status.values:
        raise ApplicationError(_("Unknown status."), field="status")
    model_update(instance=report, actor=actor, data={"status": status})
    return report
