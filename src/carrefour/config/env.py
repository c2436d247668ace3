"""Read the environment: the only module that touches os.environ."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_pairs(name: str, default: str = "") -> dict[str, str]:
    """Read `name=value` pairs separated by `;` (a value may itself contain `=`)."""
    pairs: dict[str, str] = {}
    for position, item in enumerate(os.environ.get(name, default).split(";"), start=1):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            # The item is not echoed: it may hold a password.
            raise ValueError(f"{name}: item {position} is not a name=value pair (pairs are separated by ';')")
        pairs[key.strip()] = value.strip()
    return pairs
