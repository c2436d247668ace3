"""What an edit conflict shows: the changes others made, and the fields both changed, for people.

Audit entries hold stored values (codes, ids, ISO dates in UTC); these rows hold what the pages
show: the field's label, a choice's display value, a related record's name (when the reader may
see it), dates in the reader's language and times in the local time zone.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Model
from django.template.defaultfilters import yesno
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from carrefour.core.visibility import visible_to


def _field(model: type[Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field removed since the change keeps its name
        return None


def field_label(model: type[Model], name: str) -> str:
    field = _field(model, name)
    return str(capfirst(field.verbose_name)) if field is not None and hasattr(field, "verbose_name") else name


def _names(field: Any, ids: list[Any], user: Any) -> dict[Any, str]:
    related = field.related_model
    qs = related._default_manager.filter(pk__in=[i for i in ids if i is not None])
    if any(f.name == "visibility" for f in related._meta.concrete_fields):
        qs = visible_to(qs, user)
    return {obj.pk: str(obj) for obj in qs}


def _date(value: Any, fmt: str) -> str:
    try:
        parsed = (datetime.datetime.fromisoformat(value) if fmt == "DATETIME_FORMAT"
                  else datetime.date.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value)
    if isinstance(parsed, datetime.datetime) and timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return formats.date_format(parsed, fmt)


def field_display(model: type[Model], name: str, value: Any, *, user: Any) -> str | None:
    """A stored (audited) value as the page shows it; None when empty."""
    if value in (None, "", []):
        return None
    field = _field(model, name)
    if field is None:
        return str(value)
    if field.is_relation:
        ids = value if isinstance(value, list) else [value]
        names = _names(field, ids, user)
        hidden = _("a record you may not see")
        return ", ".join(names.get(i, hidden) for i in ids)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    internal = field.get_internal_type()
    if internal == "DateTimeField":
        return _date(value, "DATETIME_FORMAT")
    if internal == "DateField":
        return _date(value, "DATE_FORMAT")
    if internal == "BooleanField":
        return yesno(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return formats.localize(value)
    return str(value)


def _when(at: str) -> datetime.datetime | None:
    try:
        return timezone.localtime(datetime.datetime.fromisoformat(at))
    except (TypeError, ValueError):
        return None


def conflict_changes(*, model: type[Model], entries: list[dict[str, Any]], user: Any) -> list[dict[str, Any]]:
    """Rows for the changes saved by others since the edit began: who, when (local time), field, before, now."""
    rows = []
    for entry in entries:
        for name, values in (entry.get("changes") or {}).items():
            old, new = (list(values) + [None, None])[:2] if isinstance(values, list) else (None, values)
            rows.append({
                "actor": entry.get("actor"), "at": _when(entry.get("at", "")), "field": field_label(model, name),
                "old": field_display(model, name, old, user=user), "new": field_display(model, name, new, user=user),
            })
    return rows


def conflict_fields(*, model: type[Model], conflicts: list[dict[str, Any]], user: Any) -> list[dict[str, Any]]:
    """Rows for the fields both changed: the label, their value (saved) and this edit's (kept in the form)."""
    return [{
        "name": c["field"], "field": field_label(model, c["field"]),
        "theirs": field_display(model, c["field"], c.get("theirs"), user=user),
        "mine": field_display(model, c["field"], c.get("mine"), user=user),
    } for c in conflicts]
