"""Turn raw column values into the text labels the engine compares."""

from __future__ import annotations

import math
from decimal import Decimal


def label(value: object) -> str:
    """Return the text label of a raw value: ``1.0`` read from a CSV is the label ``1``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value == math.floor(value) and abs(value) < 2**63:
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return str(int(value))
        return str(value.normalize())
    return str(value)


def normalize_user_label(text: str) -> str:
    """Return the label a person meant by ``text`` (``"1.0"`` means ``"1"``)."""
    try:
        number = float(text)
    except ValueError:
        return text
    return label(number)


def sort_labels(labels: list[str]) -> list[str]:
    """Sort labels numerically when they are all numbers, else as text."""

    def as_number(text: str) -> float | None:
        try:
            return float(text)
        except ValueError:
            return None

    numbers = [as_number(x) for x in labels]
    if all(n is not None for n in numbers):
        return sorted(labels, key=lambda x: float(x))
    return sorted(labels)
