"""The home page's sections: each domain app registers one in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_SECTIONS: list[tuple[int, Callable[..., dict[str, Any] | None]]] = []


def register_home_section(order: int, fn: Callable[..., dict[str, Any] | None]) -> None:
    """`fn(user=...)` returns {"title", "text", "url", "stats": [(label, value)]} or None."""
    _SECTIONS.append((order, fn))


def home_sections(*, user: Any) -> list[dict[str, Any]]:
    sections = []
    for _order, fn in sorted(_SECTIONS, key=lambda s: s[0]):
        section = fn(user=user)
        if section:
            sections.append(section)
    return sections
