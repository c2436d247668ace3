"""French typography in gettext catalogues: a non-breaking space (U+00A0) before : ? ! ; and inside « ».

Usage: python scripts/french_typography.py path/to/django.po [...]  (`make messages` runs it on every catalogue)   (only msgstr values change; msgids never do)

- a plain space before : ? ! ; becomes U+00A0; with no space at all ("clair?"), one is inserted;
- only where the mark ends a word: followed by a space, the end, or one of " » ) < ' ; never inside
  a URL (https://, ?next=), a time (10:30), an HTML entity (&amp; &#x27;), a placeholder (%(n)s, {n:>3}),
  an HTML tag (<!-- -->) or a run of marks ("?!" gets one space, before the first);
- « x » gets U+00A0 after « and before ».
"""

from __future__ import annotations

import re
import sys

import polib

NBSP = "\u00a0"
NARROW = "\u202f"
# Parts never touched: placeholders, HTML tags and entities, URLs.
PROTECTED = re.compile(
    r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdif]|\{[^{}]*\}|<[^<>]*>|&#?\w+;|[a-z][a-z0-9+.-]*://\S+"
)
MARK = re.compile(r"(?P<space>[ \u00a0\u202f]?)(?P<mark>[:?!;])(?=$|[\s\"»)<'’]|[:?!;])")
GUILLEMETS_OPEN = re.compile(r"«[ \u00a0\u202f]?")
GUILLEMETS_CLOSE = re.compile(r"[ \u00a0\u202f]?»")


def _fix_plain(text: str) -> str:
    def mark(m: re.Match) -> str:
        start = m.start("mark")
        before = text[start - 1] if start else ""
        if not m.group("space"):
            if start == 0 or before in "?!:;" or before.isspace() or before in "(/":
                return m.group(0)  # a run of marks ("?!") or nothing to attach to
        return NBSP + m.group("mark") if m.group("space") != NARROW else m.group(0)

    text = MARK.sub(mark, text)
    text = GUILLEMETS_OPEN.sub("«" + NBSP, text)
    text = GUILLEMETS_CLOSE.sub(NBSP + "»", text)
    return text


def fix(text: str) -> str:
    """The text with French spacing, leaving protected parts exactly as they were."""
    out, last = [], 0
    for m in PROTECTED.finditer(text):
        out.append(("plain", text[last:m.start()]))
        out.append(("kept", m.group(0)))
        last = m.end()
    out.append(("plain", text[last:]))
    # Join with sentinels so a mark right after a placeholder ("%(title)s :") is still seen.
    sentinels = []
    joined = ""
    for kind, part in out:
        if kind == "kept":
            sentinels.append(part)
            joined += f"\x00{len(sentinels) - 1}\x01"
        else:
            joined += part
    fixed = _fix_plain(joined)
    return re.sub(r"\x00(\d+)\x01", lambda m: sentinels[int(m.group(1))], fixed)


def main(paths: list[str]) -> int:
    for path in paths:
        po = polib.pofile(path, wrapwidth=79)
        changed = 0
        for entry in po:
            if entry.obsolete or not entry.msgid:
                continue
            if entry.msgid_plural:
                new = {n: fix(v) for n, v in entry.msgstr_plural.items()}
                if new != entry.msgstr_plural:
                    entry.msgstr_plural, changed = new, changed + 1
            elif entry.msgstr and fix(entry.msgstr) != entry.msgstr:
                entry.msgstr, changed = fix(entry.msgstr), changed + 1
        if changed:  # saving rewraps every line: only when something changed
            po.save(path)
        print(f"{path}: {changed} entries changed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
