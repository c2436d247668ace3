"""The one way numbers are shown: correctly rounded, in the active locale.

Django's `number_format` truncates floats ("0.19889" with three decimals reads "0.198"). Here a
value is converted to `Decimal` exactly (a float's exact binary value, not its shortest repr) and
rounded half to even, which is what Python's `round` does; only then are the digits grouped and
the separators of the active language applied (1,234.5 in English, 1 234,5 in French with
no-break spaces, so a number is never split across lines).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext
from typing import Any

from django.utils.formats import get_format
from django.utils.translation import get_language

NBSP = "\u00a0"
Number = int | float | Decimal | str


def to_decimal(value: Number) -> Decimal:
    """The exact decimal value of `value` (a float's binary value, digit for digit)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number to show")
    if isinstance(value, int | float):
        return Decimal(value)
    try:
        return Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc


def round_decimal(value: Number, decimals: int = 0) -> Decimal:
    """`value` rounded half to even to `decimals` places, on its exact value (like `round`)."""
    number = to_decimal(value)
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    quantum = Decimal(1).scaleb(-decimals)
    # Enough precision for every digit kept: quantize refuses to round to more digits than that.
    with localcontext() as ctx:
        ctx.prec = max(28, number.adjusted() + decimals + 3)
        rounded = number.quantize(quantum, rounding=ROUND_HALF_EVEN)
    return rounded.copy_abs() if rounded.is_zero() else rounded  # never "-0.0"


def _group(digits: str, size: int, separator: str) -> str:
    if size <= 0 or len(digits) <= size:
        return digits
    head = len(digits) % size or size
    parts = [digits[:head]] + [digits[i : i + size] for i in range(head, len(digits), size)]
    return separator.join(parts)


def format_number(value: Number, decimals: int = 0, *, grouping: bool = True) -> str:
    """`value` correctly rounded to `decimals` places, with the active language's separators."""
    rounded = round_decimal(value, decimals)
    text = f"{rounded.copy_abs():f}"
    integer, _, fraction = text.partition(".")
    if grouping:
        integer = _group(integer, int(get_format("NUMBER_GROUPING", use_l10n=True)),
                         get_format("THOUSAND_SEPARATOR", use_l10n=True))
    out = integer + (get_format("DECIMAL_SEPARATOR", use_l10n=True) + fraction if fraction else "")
    return ("-" if rounded.is_signed() else "") + out


def _percent_sign(text: str) -> str:
    # French sets a (no-break) space before the sign; English does not.
    return f"{text}{NBSP}%" if (get_language() or "en").startswith("fr") else f"{text}%"


def format_percent(value: Number, decimals: int = 1) -> str:
    """A proportion (0.123) as a percentage (12.3% / 12,3 %), the ×100 done exactly."""
    return _percent_sign(format_number(to_decimal(value) * 100, decimals))


def round_shares(values: Sequence[Number], decimals: int = 1) -> list[Decimal]:
    """Percentages of proportions that add up to 100 % (or their rounded total) once shown.

    Each share is rounded down, then the units still missing go to the shares with the largest
    remainders (the largest-remainder method; ties to the earlier one). Every share stays within
    one unit of its exact value, and the shown shares add up to the rounded total of the exact
    ones, so weights of 48.75 % and 51.25 % never read 48.7 % + 51.2 % = 99.9 %.
    """
    exact = [to_decimal(v) * 100 for v in values]
    if not exact:
        return []
    unit = Decimal(1).scaleb(-decimals)
    with localcontext() as ctx:
        ctx.prec = max(28, max(e.adjusted() for e in exact) + decimals + 6)
        floors = [e.quantize(unit, rounding=ROUND_FLOOR) for e in exact]
        target = sum(exact, Decimal(0)).quantize(unit, rounding=ROUND_HALF_EVEN)
        missing = int((target - sum(floors, Decimal(0))) / unit)
        order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
        for i in order[:missing]:
            floors[i] += unit
    return floors


def format_share(values: Sequence[Any], index: int, decimals: int = 1) -> str:
    """The `index`-th of `values` as a percentage rounded with `round_shares` ("—" when missing)."""
    if values[index] is None:
        return "—"
    present = [i for i, v in enumerate(values) if v is not None]
    shares = round_shares([values[i] for i in present], decimals)
    return _percent_sign(format_number(shares[present.index(index)], decimals))
