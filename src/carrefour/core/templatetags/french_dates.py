"""French typography for dates: the first day of a month is written “1er” (le 1er novembre 2017).

Django's French locale writes "1 novembre 2017". This library is a template builtin (see
TEMPLATES in settings) whose `date` filter replaces Django's: same formats, then, on French
pages only, "1 <month>" becomes "1er <month>". Python code uses `french_ordinal` the same way.
"""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.template.defaultfilters import date as django_date
from django.utils.translation import get_language

register = template.Library()

MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
_FIRST = re.compile(rf"(?<![\d])1 (?=(?:{MONTHS})\b)")


def french_ordinal(text: str) -> str:
    """'1 novembre 2017' -> '1er novembre 2017' (leaves 11, 21 and 31 alone)."""
    return _FIRST.sub("1er ", text)


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    text = django_date(value, arg)
    if text and (get_language() or "").startswith("fr"):
        return french_ordinal(text)
    return text
