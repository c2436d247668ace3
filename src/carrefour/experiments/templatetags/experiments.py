"""Template filters for experiment results, through core's one number formatter."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import pgettext

from carrefour.core.numbers import NBSP, format_number, format_share, round_decimal, to_decimal

register = template.Library()

P_VALUE_FLOOR = 0.0001


@register.filter
def pp(value: Any, decimals: int = 2) -> str:
    """A difference of proportions (0.0123) in percentage points, in the active locale (1.23 pp / 1,23 p.p.)."""
    if value is None or value == "":
        return "—"
    try:
        formatted = format_number(to_decimal(value) * 100, int(decimals))
    except ValueError:
        return "—"
    unit = pgettext("percentage points, abbreviated", "pp")
    return f"{formatted}{NBSP}{unit}"


@register.filter
def pvalue(value: Any) -> str:
    """A p-value correctly rounded to four decimals, or “< 0.0001” (locale-formatted)."""
    if value is None or value == "":
        return "—"
    try:
        exact = to_decimal(value)
        round_decimal(exact, 4)  # refuses NaN and infinity
    except ValueError:
        return "—"
    if exact < to_decimal(P_VALUE_FLOOR):
        return "<" + NBSP + format_number(P_VALUE_FLOOR, 4)
    return format_number(exact, 4)


@register.filter
def weight_share(rows: Any, index: int) -> str:
    """The weight of row `index` of `rows` (dicts with a "weight", proportions adding up to 1)
    as a percentage to one decimal, rounded so that the shown weights add up to 100 %."""
    weights = [row.get("weight") if isinstance(row, dict) else row for row in rows]
    return format_share(weights, int(index), 1)
