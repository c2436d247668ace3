"""Template filters for experiment results."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import pgettext

register = template.Library()


@register.filter
def pp(value: Any, decimals: int = 2) -> str:
    """A difference of proportions (0.0123) in percentage points, in the active locale (1.23 pp / 1,23 p.p.)."""
    if value is None or value == "":
        return "—"
    formatted = number_format(float(value) * 100, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    unit = pgettext("percentage points, abbreviated", "pp")
    return f"{formatted}\u00a0{unit}"


@register.filter
def pvalue(value: Any) -> str:
    """A p-value with four decimals, or “< 0.0001” (locale-formatted)."""
    if value is None or value == "":
        return "—"
    if float(value) < 0.0001:
        return "< " + number_format(0.0001, decimal_pos=4, use_l10n=True)
    return number_format(float(value), decimal_pos=4, use_l10n=True)
