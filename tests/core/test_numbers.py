"""One number formatter: correctly rounded (half to even on the exact value, like `round`), locale-aware."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from carrefour.core.numbers import format_number, format_percent, format_share, round_shares
from carrefour.core.templatetags.carrefour import num, pct
from carrefour.experiments.templatetags.experiments import pp, pvalue, weight_share

NBSP = "\u00a0"
floats = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
places = st.integers(min_value=0, max_value=6)


def _reference(value: float, decimals: int) -> str:
    """What Python's own `round` gives, written out with that many decimals."""
    text = f"{round(value, decimals):.{decimals}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text  # "-0.0" reads "0.0"


@pytest.mark.parametrize(
    ("value", "decimals", "en", "fr"),
    [
        (0.19889, 3, "0.199", "0,199"),  # the CI bound that read 0.198
        (0.46258, 3, "0.463", "0,463"),
        (0.05009, 4, "0.0501", "0,0501"),  # the p-value that read 0.0500
        (0.125, 2, "0.12", "0,12"),  # exactly half: to even
        (0.375, 2, "0.38", "0,38"),
        (2.675, 2, "2.67", "2,67"),  # 2.675 is 2.67499999… in binary: round says 2.67
        (1234567.891, 1, "1,234,567.9", f"1{NBSP}234{NBSP}567,9"),
        (-0.04, 1, "0.0", "0,0"),
        (-1999.96, 1, "-2,000.0", f"-2{NBSP}000,0"),
        (Decimal("2.5"), 0, "2", "2"),
        ("3.5", 0, "4", "4"),
        (12, 2, "12.00", "12,00"),
    ],
)
def test_known_values_in_both_languages(value, decimals, en, fr):
    with translation.override("en"):
        assert format_number(value, decimals) == en
        assert num(value, decimals) == en
    with translation.override("fr"):
        assert format_number(value, decimals) == fr
        assert num(value, decimals) == fr


@settings(max_examples=400, deadline=None)
@given(value=floats, decimals=places)
def test_agrees_with_round_on_many_values(value, decimals):
    with translation.override("en"):
        assert format_number(value, decimals, grouping=False) == _reference(value, decimals)
        grouped = format_number(value, decimals)
    assert grouped.replace(",", "") == _reference(value, decimals)
    with translation.override("fr"):
        french = format_number(value, decimals)
    assert french == grouped.replace(",", NBSP).replace(".", ",")


@settings(max_examples=300, deadline=None)
@given(value=st.decimals(min_value=-10**12, max_value=10**12, places=9, allow_nan=False), decimals=places)
def test_agrees_with_decimal_rounding(value, decimals):
    expected = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
    with translation.override("en"):
        shown = format_number(value, decimals, grouping=False)
    assert Decimal(shown) == expected


@settings(max_examples=300, deadline=None)
@given(value=st.floats(min_value=0, max_value=1, allow_nan=False), decimals=st.integers(min_value=0, max_value=3))
def test_percentages_scale_exactly_then_round(value, decimals):
    exact = (Decimal(value) * 100).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
    with translation.override("en"):
        assert pct(value, decimals) == f"{exact:f}%"
    with translation.override("fr"):
        assert pct(value, decimals) == f"{exact:f}".replace(".", ",") + f"{NBSP}%"


def test_percentage_points_and_p_values_are_rounded():
    with translation.override("en"):
        assert pp(0.0019889, 2) == f"0.20{NBSP}pp"  # truncation read 0.19
        assert pvalue(0.05009) == "0.0501"
        assert pvalue(0.00005) == f"<{NBSP}0.0001"
        assert pvalue(float("nan")) == "—"
    with translation.override("fr"):
        assert pvalue(0.05009) == "0,0501"
        assert format_percent(0.98765, 1) == f"98,8{NBSP}%"


@settings(max_examples=300, deadline=None)
@given(weights=st.lists(st.floats(min_value=0.001, max_value=1000), min_size=1, max_size=12),
       decimals=st.integers(min_value=0, max_value=2))
def test_shares_add_up_and_stay_within_one_unit(weights, decimals):
    total = sum(weights)
    proportions = [w / total for w in weights]
    shares = round_shares(proportions, decimals)
    unit = Decimal(1).scaleb(-decimals)
    assert sum(shares) == (sum(Decimal(p) for p in proportions) * 100).quantize(unit, rounding=ROUND_HALF_EVEN)
    for share, p in zip(shares, proportions, strict=True):
        assert abs(share - Decimal(p) * 100) < unit


def test_pooled_weights_read_one_hundred_percent():
    """48.75 % + 51.25 %, each rounded on its own half to even, would still add up; 3 × 1/3 would not."""
    rows = [{"weight": 1 / 3}, {"weight": 1 / 3}, {"weight": 1 / 3}]
    with translation.override("en"):
        shown = [weight_share(rows, i) for i in range(3)]
    assert sorted(shown) == ["33.3%", "33.3%", "33.4%"]
    with translation.override("en"):
        assert [format_share([0.48749, 0.51251], i) for i in range(2)] == ["48.7%", "51.3%"]
        assert format_share([None, 0.5, 0.5], 0) == "—"


def test_template_filters_use_the_one_formatter():
    template = Template("{% load carrefour experiments %}{{ ci|num:3 }} – {{ p|pvalue }}")
    with translation.override("fr"):
        assert template.render(Context({"ci": 0.19889, "p": 0.05009})) == "0,199 – 0,0501"
