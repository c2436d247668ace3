"""Bilingual content fields: every human-written field is stored as <name>_en and <name>_fr.

`Translated()` on a model reads the active language's value and falls back to the other
language, marking the fallback so that templates say so (and set `lang` for screen readers).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db.backends.signals import connection_created
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Collate, NullIf
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


# --- Sorting in the reader's language -------------------------------------------------------
# Lists sort in the database (so pagination stays there) with an accent-aware collation:
# "École" between "Eau" and "Fédéral", not after "Z" as a byte order puts it. PostgreSQL has
# ICU collations for both languages; SQLite gets one registered on each new connection.

ICU_COLLATIONS = {"en": "en-CA-x-icu", "fr": "fr-CA-x-icu"}
SQLITE_COLLATION = "carrefour_text"
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def sort_key(text: str) -> tuple[str, str]:
    """Letters without their accents, case folded; the original breaks ties (so the order is total)."""
    base = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in base if not unicodedata.combining(c)).casefold(), text


def _sqlite_compare(a: str, b: str) -> int:
    ka, kb = sort_key(a), sort_key(b)
    return (ka > kb) - (ka < kb)


def register_sqlite_collation(connection: Any) -> None:
    """Give a SQLite connection the collation that `collated()` names (idempotent)."""
    if connection.vendor == "sqlite" and connection.connection is not None:
        connection.connection.create_collation(SQLITE_COLLATION, _sqlite_compare)


def _on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    register_sqlite_collation(connection)


connection_created.connect(_on_connection_created, dispatch_uid="carrefour.core.i18n.collation")


class LanguageCollate(Collate):
    """COLLATE in a language's sort order, named for the database at hand."""

    def __init__(self, expression: Any, lang: str):
        super().__init__(expression, ICU_COLLATIONS[lang])

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        register_sqlite_collation(connection)  # a connection opened before this module was imported
        return super().as_sql(compiler, connection, collation=connection.ops.quote_name(SQLITE_COLLATION), **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, **extra)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Another database: its own default collation, rather than a name it may not know.
        return compiler.compile(self.get_source_expressions()[0])


def collated(field_base: str, *, lang: str | None = None) -> LanguageCollate:
    """An order for a bilingual field (`name` → name_en / name_fr) in the reader's language.

    It sorts by what the page shows: the language's value, or the other's where it is blank.
    Use it in `order_by(collated("name"), ...)`; `.desc()` reverses it.
    """
    lang = lang or active_language()
    shown = Coalesce(NullIf(F(f"{field_base}_{lang}"), Value("")), F(f"{field_base}_{other_language(lang)}"))
    return LanguageCollate(shown, lang)


def collated_text(field: str, *, lang: str | None = None) -> LanguageCollate:
    """An order for a field written once (a person's name), with the reader's language's rules."""
    return LanguageCollate(F(field), lang or active_language())
