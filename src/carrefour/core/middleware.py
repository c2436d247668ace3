"""Keep pages and files that hold non-public data out of every cache."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

_NOT_PUBLIC = "_carrefour_not_public"


def mark_not_public(request: HttpRequest) -> None:
    """Say that the response to `request` holds non-public data, whoever asked for it.

    Signed-in readers are covered already; call this where a non-public record or file is
    served without a session (a signed link, a token).
    """
    setattr(request, _NOT_PUBLIC, True)


def _signed_in(request: HttpRequest) -> bool:
    # Without a session cookie nobody is signed in: the session is then not even read, so a
    # public page to an anonymous reader keeps exactly the headers it had (no Vary: Cookie).
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in person, and on every
    response marked with `mark_not_public`: a shared proxy, a CDN or the browser's disk must not
    keep a page or a file that only this person may see. Public anonymous pages are unchanged."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if getattr(request, _NOT_PUBLIC, False) or _signed_in(request):
            forbid_storing(response)
        return response


_REPLACED = {"public", "private", "no-store", "max-age", "s-maxage"}


def forbid_storing(response: HttpResponseBase) -> None:
    """Make `response` `private, no-store`, dropping what a view set that would let a cache keep it."""
    kept = [
        part.strip()
        for part in response.get("Cache-Control", "").split(",")
        if part.strip() and part.split("=")[0].strip().lower() not in _REPLACED
    ]
    response["Cache-Control"] = ", ".join(["private", "no-store", *kept])
    if "Expires" in response:
        del response["Expires"]
