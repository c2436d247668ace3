"""Every app's French catalogue is complete, clean and current.

- no untranslated, fuzzy or obsolete entry;
- placeholders (`%(name)s`, `%s`, `{name}`) identical between the English and the French;
- nothing in the code is missing from the committed catalogue: `makemessages` is run on a
  temporary copy of each app and its msgids compared with the committed ones.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
# Core's catalogue and each domain's, from settings.DOMAINS (through LOCALE_PATHS).
CATALOGUES = [Path(locale) / "fr" / "LC_MESSAGES" / "django.po" for locale in settings.LOCALE_PATHS]
APPS = [po.parents[3].name for po in CATALOGUES]
PACKAGES = {po.parents[3].name: po.parents[3] for po in CATALOGUES}

_PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{[A-Za-z_][\w.]*\}")


def placeholders(text: str, *, brace: bool) -> list[str]:
    found = _PLACEHOLDER.findall(text.replace("%%", ""))
    return sorted(p for p in found if brace or not p.startswith("{"))


def _describe(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt + ' | ' if entry.msgctxt else ''}{entry.msgid!r} ({', '.join(f'{f}:{n}' for f, n in entry.occurrences[:2])})"


def test_every_domain_has_a_catalogue():
    from carrefour.core.domains import domains

    assert {"core", *(d.label for d in domains())} <= set(APPS)
    missing = [str(po.relative_to(ROOT)) for po in CATALOGUES if not po.exists()]
    assert not missing, f"no French catalogue (run make messages): {missing}"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=APPS)
def test_catalogue_is_complete_and_clean(po_path):
    catalogue = polib.pofile(str(po_path))
    # French plural rule: 0 and 1 take the singular ("0 organisation", "1 organisation").
    assert catalogue.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=2;plural=(n>1);"
    problems = []
    problems += [f"untranslated: {_describe(e)}" for e in catalogue.untranslated_entries()]
    problems += [f"fuzzy: {_describe(e)}" for e in catalogue.fuzzy_entries()]
    problems += [f"obsolete: {e.msgid!r}" for e in catalogue.obsolete_entries()]
    for entry in catalogue.translated_entries():
        brace = "python-brace-format" in entry.flags
        if entry.msgid_plural:
            pairs = [(entry.msgid, entry.msgstr_plural.get(0, ""))]
            pairs += [(entry.msgid_plural, text) for n, text in sorted(entry.msgstr_plural.items()) if n > 0]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for english, french in pairs:
            if placeholders(english, brace=brace) != placeholders(french, brace=brace):
                problems.append(f"placeholders differ: {english!r} → {french!r}")
            if english.strip() and not french.strip():
                problems.append(f"blank translation: {_describe(entry)}")
    assert not problems, f"{po_path.relative_to(ROOT)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("po_path", CATALOGUES, ids=APPS)
def test_catalogue_header_is_french_and_not_fuzzy(po_path):
    # A fuzzy header is skipped when compiling: French plurals would fall back to English rules.
    catalogue = polib.pofile(str(po_path))
    assert not catalogue.metadata_is_fuzzy
    assert catalogue.metadata.get("Language") == "fr"
    assert catalogue.metadata.get("Plural-Forms") == "nplurals=2; plural=(n > 1);"


def _keys(catalogue: polib.POFile) -> set[tuple[str | None, str]]:
    return {(e.msgctxt, e.msgid) for e in catalogue if not e.obsolete and e.msgid}


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory):
    """Run `makemessages` on a copy of every app at once (in parallel: it is the slow part)."""
    base = tmp_path_factory.mktemp("makemessages")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("DATABASE_URL", None)
    processes = {}
    for app in APPS:
        copy = base / app
        shutil.copytree(
            PACKAGES[app], copy,
            ignore=shutil.ignore_patterns("locale", "static", "__pycache__", "*.pyc"),
        )
        (copy / "locale").mkdir()
        processes[app] = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "fr", "--no-obsolete",
             "--ignore=static", "--ignore=locale", "--no-location"],
            cwd=copy, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
    results = {}
    for app, process in processes.items():
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, f"makemessages failed for {app}:\n{out}\n{err}"
        results[app] = base / app / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    return results


@pytest.mark.parametrize("po_path", CATALOGUES, ids=APPS)
def test_committed_catalogue_has_every_string_of_the_code(po_path, fresh_catalogues):
    app = po_path.parents[3].name
    fresh = fresh_catalogues[app]
    extracted = _keys(polib.pofile(str(fresh))) if fresh.exists() else set()
    committed = _keys(polib.pofile(str(po_path)))
    missing = sorted(extracted - committed, key=lambda k: (k[0] or "", k[1]))
    assert not missing, (
        f"{len(missing)} string(s) of {app} are not in its catalogue: run `make messages` "
        f"and translate them:\n"
        + "\n".join(f"  {ctx + ' | ' if ctx else ''}{msgid!r}" for ctx, msgid in missing)
    )
    stale = committed - extracted
    assert not stale, f"{app}'s catalogue has strings no longer in the code (rerun makemessages): {sorted(stale)[:10]}"


def test_placeholder_detection():
    assert placeholders("By %(who)s on %s, 100%% sure", brace=False) == ["%(who)s", "%s"]
    assert placeholders("{count} items", brace=True) == ["{count}"]
    assert placeholders("{count} items", brace=False) == []


def test_our_french_wins_over_django_and_allauth():
    """Every entry of our catalogues is what French readers get, even where Django's admin or
    allauth translate the same English differently ("Filter": "Filtrer", not "Filtre")."""
    from django.utils import translation

    ours: dict[tuple[str | None, str], set[str]] = {}
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.msgstr and not entry.msgid_plural and not entry.obsolete:
                ours.setdefault((entry.msgctxt, entry.msgid), set()).add(entry.msgstr)
    wrong = []
    with translation.override("fr"):
        for (context, msgid), msgstrs in ours.items():
            got = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            if got not in msgstrs:
                wrong.append(f"{msgid!r}: {got!r} instead of {sorted(msgstrs)}")
    assert not wrong, "\n".join(wrong[:20])


def test_no_two_catalogues_translate_the_same_english_differently():
    """Django merges every catalogue into one: the same English (and context) can have only
    one French. Where the French must differ (gender, register), the code gives a context."""
    seen: dict[tuple[str | None, str, str], dict[str, list[str]]] = {}
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not entry.msgid:
                continue
            french = entry.msgstr if not entry.msgid_plural else repr(sorted(entry.msgstr_plural.items()))
            seen.setdefault((entry.msgctxt, entry.msgid, entry.msgid_plural), {}).setdefault(french, []).append(
                path.parents[3].name
            )
    conflicts = [f"{key[1]!r} (context {key[0]!r}): {versions}" for key, versions in seen.items() if len(versions) > 1]
    assert not conflicts, "\n".join(conflicts)


# French typography: a non-breaking space (U+00A0, or the narrow U+202F) before : ? ! ; that end a
# word, and inside « ». Placeholders, entities, tags and addresses are left out of the check.
_TYPO_IGNORED = re.compile(r"%\([^)]+\)[sdif]|&#?\w+;|https?://\S+|<[^>]*>|\{[^{}]*\}")
_BAD_MARK = re.compile(r"(?<![\u00a0\u202f?!:;])[:?!;](?=$|[\s\"»)'’<])")
_BAD_GUILLEMET = re.compile(r"«(?![\u00a0\u202f])|(?<![\u00a0\u202f])»")


def typography_problems(text: str) -> bool:
    plain = _TYPO_IGNORED.sub("x", text)
    return bool(_BAD_MARK.search(plain) or _BAD_GUILLEMET.search(plain))


def test_typography_rule_spares_addresses_times_and_entities():
    assert not typography_problems("Voir https://example.org/a?b=1 à 10:30 &amp; plus")
    assert typography_problems("Vision :") and not typography_problems("Vision\u00a0:")
    assert typography_problems("Merci !") and not typography_problems("Merci\u00a0!")
    assert typography_problems("le format « CSV »") and not typography_problems("le format «\u00a0CSV\u00a0»")


@pytest.mark.parametrize("po_path", CATALOGUES, ids=APPS)
def test_french_spaces_high_punctuation_and_guillemets(po_path):
    """`make messages` runs scripts/french_typography.py; this checks its result independently."""
    problems = []
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete:
            continue
        values = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        problems += [value for value in values if typography_problems(value)]
    assert problems == []
