"""French dates write the first of the month "1er", in templates and in messages."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from carrefour.core.templatetags.french_dates import french_ordinal


@pytest.mark.parametrize(("text", "expected"), [
    ("1 novembre 2017", "1er novembre 2017"),
    ("Du 1 octobre 2026 au 21 octobre 2026", "Du 1er octobre 2026 au 21 octobre 2026"),
    ("11 août 2026, 31 décembre, 21 mai", "11 août 2026, 31 décembre, 21 mai"),
    ("1 234 personnes", "1 234 personnes"),  # a number, not a date
])
def test_french_ordinal(text, expected):
    assert french_ordinal(text) == expected


def test_the_date_filter_in_every_template_follows_the_language():
    template = Template('{{ day|date:"DATE_FORMAT" }} · {{ moment|date:"DATETIME_FORMAT" }}')
    context = Context({"day": datetime.date(2017, 11, 1),
                       "moment": datetime.datetime(2026, 10, 1, 10, 0, tzinfo=datetime.UTC)})
    with translation.override("fr"):
        assert template.render(context).startswith("1er novembre 2017 · 1er octobre 2026")
    with translation.override("en"):
        assert template.render(context).startswith("Nov. 1, 2017 · Oct. 1, 2026")
