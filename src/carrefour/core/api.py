"""What every domain's API router shares: one pagination, problem+json errors, cheap item URLs.

Every list endpoint is decorated with `@paginate(Pagination)` and returns a QuerySet (counted
and sliced in the database), a list, or `each(source, serialize)` when only the page's items
should be turned into dicts. The page is `?page=N&page_size=M` (default `DEFAULT_PAGE_SIZE`,
at most `MAX_PAGE_SIZE`: a larger size is clamped, and the envelope says the size used).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.pagination import PaginationBase
from pydantic import WithJsonSchema

from carrefour.core.exceptions import ApplicationError

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

PAGINATION_DOC = (
    f"Every list is paginated: `?page=N` (from 1) and `?page_size=M` (default {DEFAULT_PAGE_SIZE}, "
    f"at most {MAX_PAGE_SIZE}; a larger size is reduced to {MAX_PAGE_SIZE}). The answer is "
    "`{count, page, page_size, next, previous, items}`: `count` is the number of records you may see, "
    "`next` and `previous` are absolute URLs (null at either end), and the order is stable (its last "
    "key is unique), so walking `next` gives every record exactly once. A page that is not a whole "
    "number from 1, or beyond the last page, is refused with a problem+json error (RFC 7807): "
    "400 for a malformed value, 404 for a page past the end."
)


class Problem(Schema):
    """An RFC 7807 problem (served as application/problem+json)."""

    type: str
    title: str
    status: int
    detail: str
    field: str | None = None
    errors: list[dict[str, Any]] | None = None


def paged(item: Any) -> dict[int, Any]:
    """The `response=` of a paginated list of `item`, with the problems it may answer."""
    return {200: list[item], 400: Problem, 404: Problem, 422: Problem}


class ApiProblem(ApplicationError):
    """A request the API refuses with a given HTTP status (default 400), as problem+json."""

    def __init__(self, message: Any, *, status: int = 400, field: str | None = None):
        super().__init__(message, field=field)
        self.status = status


def problem_response(exc: ApplicationError, *, status: int | None = None, **members: Any) -> HttpResponse:
    """RFC 7807 problem+json: the translated message as title and detail, the field at fault."""
    status = status or getattr(exc, "status", 400)
    body = {"type": "about:blank", "title": str(exc), "status": status, "detail": str(exc), "field": exc.field,
            **members}
    return JsonResponse(body, status=status, content_type="application/problem+json",
                        json_dumps_params={"ensure_ascii": False})


def not_found_problem() -> HttpResponse:
    """404 problem+json: no such record, or one the reader may not see (the two are not told apart)."""
    return problem_response(ApplicationError(_("There is no such record, or you may not see it.")), status=404)


def validation_problem(exc: ValidationError) -> HttpResponse:
    """422 problem+json for parameters of the wrong type, each error listed (where, what, which rule)."""
    errors = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
              for e in exc.errors]
    return problem_response(ApplicationError(_("Some of the request’s parameters are not valid.")), status=422,
                            errors=errors)


@dataclass(frozen=True)
class Each:
    """A source of records whose items are serialised only once the page is cut."""

    source: QuerySet | Sequence
    serialize: Callable[[list[Any]], list[Any]]
    counted: QuerySet | None = None


def each(source: QuerySet | Sequence, serialize: Callable[[Any], Any] | None = None, *,
         page: Callable[[list[Any]], list[Any]] | None = None, counted: QuerySet | None = None) -> Each:
    """Return `source` to paginate, turning only the page's records into items.

    `serialize(record)` makes one item; `page(records)` makes the whole page's items at once
    (when their related records are fetched in one query for the page). `counted`, the same
    records without the joins and subqueries that only the items need, is counted instead.
    """
    if page is None:
        if serialize is None:
            raise TypeError("each() needs serialize or page")
        return Each(source, lambda records: [serialize(r) for r in records], counted)
    return Each(source, page, counted)


def _page_number(value: str | None, *, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    number = int(value) if value.isascii() and value.isdigit() else 0
    if number < 1:
        raise ApiProblem(
            _("“%(name)s” must be a whole number from 1; “%(value)s” is not.") % {"name": name, "value": value[:20]},
            field=name,
        )
    return number


def _stable(qs: QuerySet) -> QuerySet:
    """The queryset's order with the primary key last, so that no record moves between pages."""
    order = list(qs.query.order_by) or list(qs.model._meta.ordering)
    last = order[-1] if order else None
    if isinstance(last, str) and last.lstrip("-") in ("pk", qs.model._meta.pk.name):
        return qs
    return qs.order_by(*order, "pk")


def _link(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


class Pagination(PaginationBase):
    """`?page=N&page_size=M`, counted and sliced in the database, with absolute next/previous links."""

    class Input(Schema):
        # Read as text and checked here, so that `page=abc` gets a translated problem+json
        # answer like every other refusal; the OpenAPI document still says "integer".
        page: Annotated[str | None, WithJsonSchema({"type": "integer", "minimum": 1, "default": 1})] = Field(
            None, description="The page, from 1."
        )
        page_size: Annotated[
            str | None,
            WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE}),
        ] = Field(None, description=f"Records per page (default {DEFAULT_PAGE_SIZE}; more than {MAX_PAGE_SIZE} "
                                    f"is reduced to {MAX_PAGE_SIZE}).")

    class Output(Schema):
        count: int
        page: int
        page_size: int
        next: str | None
        previous: str | None
        items: list[Any]

    items_attribute = "items"

    def paginate_queryset(self, queryset: Any, pagination: Input, request: HttpRequest, **params: Any) -> Any:
        page = _page_number(pagination.page, name="page", default=1)
        size = min(_page_number(pagination.page_size, name="page_size", default=DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
        serialize, counted = None, None
        if isinstance(queryset, Each):
            queryset, serialize, counted = queryset.source, queryset.serialize, queryset.counted
        if isinstance(queryset, QuerySet):
            queryset = _stable(queryset)
            count = (queryset if counted is None else counted).count()
        else:
            count = len(queryset)
        last = max(1, -(-count // size))
        if page > last:
            raise ApiProblem(
                _("There is no page %(page)s: the last page is %(last)s.") % {"page": page, "last": last},
                status=404, field="page",
            )
        start = (page - 1) * size
        items = list(queryset[start:start + size])
        if serialize is not None:
            items = serialize(items)
        return {
            "count": count,
            "page": page,
            "page_size": size,
            "next": _link(request, page + 1) if page < last else None,
            "previous": _link(request, page - 1) if page > 1 else None,
            "items": items,
        }


def url_maker(viewname: str, kwarg: str) -> Callable[[Any], str]:
    """Reverse `viewname` once (in the active language) and return `value -> its URL`.

    A list's items share one URL pattern: a `reverse()` per item costs more than the rest of
    the item's serialisation, so the pattern is reversed with a marker that is then replaced.
    """
    marker = "9876543210"
    prefix, _sep, suffix = reverse(viewname, kwargs={kwarg: marker}).partition(marker)
    return lambda value: f"{prefix}{value}{suffix}"
