"""Word-level comparison of two texts, marked up with <del> and <ins> for side-by-side display."""

from __future__ import annotations

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_TOKENS = re.compile(r"\s+|[^\s]+")


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text or "")


def word_diff(old: str, new: str) -> tuple[SafeString, SafeString, bool]:
    """Return (old marked with deletions, new marked with insertions, whether they differ)."""
    a, b = _tokens(old), _tokens(new)
    left: list[str] = []
    right: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed = escape("".join(a[i1:i2]))
        added = escape("".join(b[j1:j2]))
        if op == "equal":
            left.append(removed)
            right.append(added)
            continue
        if removed:
            left.append(f'<del class="cf-diff-del">{removed}</del>')
        if added:
            right.append(f'<ins class="cf-diff-ins">{added}</ins>')
    # Every piece was escaped above; only our own <del>/<ins> tags are markup.
    return mark_safe("".join(left)), mark_safe("".join(right)), a != b  # noqa: S308
