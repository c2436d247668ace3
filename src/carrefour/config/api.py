"""The one NinjaAPI: each domain's router (its AppConfig's `api_router`) under /api/<label>/."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI

from carrefour.core.domains import add_api_routers
from carrefour.core.exceptions import ApplicationError

api = NinjaAPI(
    title="Carrefour API",
    version="1",
    description="Public records of Carrefour, filtered by the same visibility rule as the pages.",
    urls_namespace="api",
)


@api.exception_handler(ApplicationError)
def _application_error(request: HttpRequest, exc: ApplicationError):
    """RFC 7807 problem+json for every rule a request breaks."""
    response = api.create_response(
        request,
        {"type": "about:blank", "title": str(exc), "status": 400, "detail": str(exc), "field": exc.field},
        status=400,
    )
    response["Content-Type"] = "application/problem+json"
    return response


add_api_routers(api)
