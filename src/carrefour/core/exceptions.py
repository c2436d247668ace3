"""The one error type that services raise."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A rule was broken: the message is translated and safe to show to the user.

    `field` names the form field at fault, when there is one; `extra` carries details
    (for example the changes that made an edit conflict) for views and the API.
    """

    def __init__(self, message: Any, *, field: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}

    def __str__(self) -> str:
        return str(self.message)


class EditConflict(ApplicationError):
    """Someone saved the record after this edit began: nothing was overwritten."""
