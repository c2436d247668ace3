"""The one NinjaAPI: each domain's router (its AppConfig's `api_router`) under /api/<label>/."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import ValidationError

from carrefour.core.api import (
    PAGINATION_DOC,
    not_found_problem,
    problem_response,
    validation_problem,
)
from carrefour.core.domains import add_api_routers
from carrefour.core.exceptions import ApplicationError

api = NinjaAPI(
    title="Carrefour API",
    version="1",
    description="Public records of Carrefour, filtered by the same visibility rule as the pages.\n\n" + PAGINATION_DOC,
    urls_namespace="api",
)


@api.exception_handler(ApplicationError)
def _application_error(request: HttpRequest, exc: ApplicationError):
    """RFC 7807 problem+json for every rule a request breaks (400 unless the error says otherwise)."""
    return problem_response(exc)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError):
    """A parameter of the wrong type is a problem+json too (422, each error listed)."""
    return validation_problem(exc)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404):
    """A record that does not exist, or that the reader may not see: the same problem+json 404."""
    return not_found_problem()


add_api_routers(api)
