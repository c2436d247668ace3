"""CSV and JSON versions of any list page: same filters, same visibility, streamed.

A list view sets `export_columns` and inherits `ExportMixin`; `?format=csv` or
`?format=json` on its address returns what that user sees, in full (not paginated).
"""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Model, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import slugify

from carrefour.core.i18n import LANGS


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    value: Callable[[Any], Any] | str | None = None

    def get(self, obj: Any) -> Any:
        getter = self.value if self.value is not None else self.key
        if callable(getter):
            return getter(obj)
        value: Any = obj
        for part in getter.split("__"):
            value = getattr(value, part, None) if value is not None else None
            if callable(value) and not isinstance(value, Model):
                value = value()
        return value


def bilingual(base: str, label: Any) -> list[Column]:
    """Two columns for a bilingual field: `<base>_en` and `<base>_fr`."""
    from django.utils.translation import gettext_lazy as _

    names = {"en": _("English"), "fr": _("French")}
    return [Column(f"{base}_{lang}", _LabelWithLang(label, names[lang])) for lang in LANGS]


class _LabelWithLang:
    def __init__(self, label: Any, lang_name: Any):
        self.label, self.lang_name = label, lang_name

    def __str__(self) -> str:
        return f"{self.label} ({self.lang_name})"


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, bool | int | float | dict):
        return value
    return str(value)


def csv_cell(value: Any) -> Any:
    value = _plain(value)
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        # A spreadsheet would run it as a formula (CSV injection): keep it text.
        return "'" + value
    return "" if value is None else value


class _Echo:
    def write(self, value: str) -> str:
        return value


def _rows(objects: Iterable[Any]) -> Iterator[Any]:
    if isinstance(objects, QuerySet) and not objects._prefetch_related_lookups:
        yield from objects.iterator(chunk_size=2000)
    else:
        yield from objects


def csv_response(objects: Iterable[Any], columns: list[Column], name: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def generate() -> Iterator[str]:
        yield "\ufeff"  # Excel opens UTF-8 (accents) correctly only with a BOM
        yield writer.writerow([str(c.label) for c in columns])
        for obj in _rows(objects):
            yield writer.writerow([csv_cell(c.get(obj)) for c in columns])

    response = StreamingHttpResponse(generate(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(name) or "export"}.csv"'
    return response


def json_response(objects: Iterable[Any], columns: list[Column], name: str) -> StreamingHttpResponse:
    def generate() -> Iterator[str]:
        yield '{"results": ['
        first = True
        for obj in _rows(objects):
            record = {c.key: _plain(c.get(obj)) for c in columns}
            yield ("" if first else ",") + json.dumps(record, ensure_ascii=False)
            first = False
        yield "]}"

    response = StreamingHttpResponse(generate(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{slugify(name) or "export"}.json"'
    return response


def export_response(objects: Iterable[Any], columns: list[Column], fmt: str, name: str) -> StreamingHttpResponse:
    if fmt == "csv":
        return csv_response(objects, columns, name)
    return json_response(objects, columns, name)


class ExportMixin:
    """For ListViews: `?format=csv|json` returns the whole filtered, visible queryset."""

    export_columns: list[Column] = []
    export_name = "export"

    def get_export_columns(self) -> list[Column]:
        return self.export_columns

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt in ("csv", "json"):
            return export_response(self.get_queryset(), self.get_export_columns(), fmt, self.export_name)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("format", None)
        base = query.urlencode()
        context["export_csv_url"] = "?" + (base + "&" if base else "") + "format=csv"
        context["export_json_url"] = "?" + (base + "&" if base else "") + "format=json"
        context["query_without_page"] = base
        return context
