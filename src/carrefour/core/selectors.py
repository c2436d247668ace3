"""Reads shared by every domain: history, problem reports."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404

from carrefour.core.models import AuditEntry, ContentModel, ProblemReport
from carrefour.core.visibility import is_platform_admin, require_edit


def audit_history(*, instance: Model) -> QuerySet[AuditEntry]:
    """Every recorded change to `instance`, newest first."""
    ct = ContentType.objects.get_for_model(instance, for_concrete_model=True)
    return AuditEntry.objects.filter(content_type=ct, object_id=str(instance.pk)).select_related("actor")


def history_subject_get(*, user: Any, ct_id: int, pk: str) -> Model:
    """The record whose change history `user` asked for, or the refusal.

    Editors of a content record see its history; platform administrators see any audited
    record's. Anything else answers as the one refusal rule says: 404 for a record this person
    may not see, whether it exists or not (an unknown kind, a malformed key, a model without
    visibility are all "no such record"); 403 for one they may see but not change.
    """
    try:
        model = ContentType.objects.get_for_id(ct_id).model_class()
    except ContentType.DoesNotExist as exc:
        raise Http404 from exc
    if model is None:
        raise Http404
    try:
        key = model._meta.pk.to_python(pk)
    except ValidationError as exc:
        raise Http404 from exc
    obj = model._default_manager.filter(pk=key).first()
    if obj is None:
        raise Http404
    if is_platform_admin(user):
        return obj
    if not isinstance(obj, ContentModel):
        raise Http404
    require_edit(user, obj)
    return obj


def problem_report_get(*, pk: Any) -> ProblemReport:
    """One problem report, or Http404 (a malformed id included)."""
    try:
        key = ProblemReport._meta.pk.to_python(pk)
    except ValidationError as exc:
        raise Http404 from exc
    report = ProblemReport.objects.filter(pk=key).first() if key is not None else None
    if report is None:
        raise Http404
    return report


def problem_report_list(*, status: str | None = None) -> QuerySet[ProblemReport]:
    qs = ProblemReport.objects.select_related("reporter")
    if status:
        qs = qs.filter(status=status)
    return qs


def describe_changes(entry: AuditEntry, model: type[Model] | None) -> list[dict[str, Any]]:
    """Turn {field: [old, new]} into rows with the field's translated label."""
    rows = []
    for name, change in (entry.changes or {}).items():
        label = name
        if model is not None:
            try:
                label = str(model._meta.get_field(name).verbose_name)
            except Exception:  # noqa: BLE001 - a field removed since the change keeps its name
                label = name
        if isinstance(change, list) and len(change) == 2:
            old, new = change
        else:
            old, new = None, change
        rows.append({"field": label, "old": old, "new": new})
    return rows
