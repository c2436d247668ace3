"""Reads shared by every domain: history, problem reports."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from carrefour.core.models import AuditEntry, ProblemReport


def audit_history(*, instance: Model) -> QuerySet[AuditEntry]:
    """Every recorded change to `instance`, newest first."""
    ct = ContentType.objects.get_for_model(instance, for_concrete_model=True)
    return AuditEntry.objects.filter(content_type=ct, object_id=str(instance.pk)).select_related("actor")


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
