"""Bilingual content fields: every human-written field is stored as <name>_en and <name>_fr.

`Translated()` on a model reads the active language's value and falls back to the other
language, marking the fallback so that templates say so (and set `lang` for screen readers).
"""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from django.utils.translation import get_language, gettext

LANGS = ("en", "fr")


def active_language() -> str:
    lang = (get_language() or "en")[:2]
    return lang if lang in LANGS else "en"


def other_language(lang: str | None = None) -> str:
    return "fr" if (lang or active_language()) == "en" else "en"


class TranslatedText(str):
    """Text in one language; rendered in templates with a marker when it is a fallback."""

    lang: str
    is_fallback: bool

    def __new__(cls, value: str, lang: str, is_fallback: bool = False) -> TranslatedText:
        obj = super().__new__(cls, value)
        obj.lang = lang
        obj.is_fallback = is_fallback
        return obj

    @property
    def plain(self) -> str:
        return str(self)

    def __html__(self) -> str:
        text = escape(str(self))
        if not self.is_fallback or not str(self):
            return text
        note = gettext("English only") if self.lang == "en" else gettext("French only")
        return f'<span lang="{self.lang}">{text}</span> <span class="cf-fallback">({note})</span>'


def pick(values: dict[str, str], lang: str | None = None) -> TranslatedText:
    """Choose the text for `lang` from {"en": ..., "fr": ...}, falling back to the other."""
    lang = lang or active_language()
    if values.get(lang):
        return TranslatedText(values[lang], lang)
    other = other_language(lang)
    if values.get(other):
        return TranslatedText(values[other], other, True)
    return TranslatedText("", lang)


class Translated:
    """Model attribute reading `<name>_en` / `<name>_fr` in the active language."""

    def __init__(self, base: str | None = None):
        self.base = base

    def __set_name__(self, owner: type, name: str) -> None:
        if self.base is None:
            self.base = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return pick({lang: getattr(obj, f"{self.base}_{lang}", "") or "" for lang in LANGS})


def translated_fields(*bases: str) -> list[str]:
    """Expand ("title", "summary") into the stored field names, for forms and exports."""
    return [f"{base}_{lang}" for base in bases for lang in LANGS]
