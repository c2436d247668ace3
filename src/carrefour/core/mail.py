"""Emails in both official languages: the reader's language first, then the other.

Every email Carrefour sends (account emails from django-allauth, endorsement invitations,
moderation notices) goes through `bilingual()`: the subject reads "English / français" (or the
reverse), and the body opens with a one-line notice, in the second language, that the text in
that language follows.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.template import Context
from django.template.loader import get_template
from django.utils import translation
from django.utils.translation import gettext

from carrefour.core.i18n import LANGS, other_language

SUBJECT_SEPARATOR = " / "
BODY_SEPARATOR = "\n\n" + "-" * 40 + "\n\n"
ONE_LINE = re.compile(r"[ \t\r\n\f\v]+")


def reader_language(user: object) -> str:
    lang = getattr(user, "preferred_language", "") or ""
    return lang if lang in LANGS else "en"


def bilingual(render: Callable[[], tuple[str, str]], first: str) -> tuple[str, str]:
    """Call `render()` -> (subject, body) in `first`, then in the other language; join the two."""
    second = other_language(first)
    parts = []
    for lang in (first, second):
        with translation.override(lang):
            subject, body = render()
            # One line whatever the template's line breaks; a non-breaking space ("Rappel :") stays one.
            parts.append((ONE_LINE.sub(" ", subject).strip(" "), body.strip()))
    with translation.override(second):
        # Translators: the first line of a bilingual email, written in the second language.
        notice = gettext("(The English version follows.)")
    (subject_1, body_1), (subject_2, body_2) = parts
    subject = subject_1 if subject_1 == subject_2 else f"{subject_1}{SUBJECT_SEPARATOR}{subject_2}"
    return subject, f"{notice}\n\n{body_1}{BODY_SEPARATOR}{body_2}\n"


def render_plain(template_name: str, context: dict) -> str:
    """Render a plain-text template without HTML escaping ("l'innovation", not "l&#x27;innovation")."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def send_bilingual(*, template_prefix: str, context: dict, to: str, first: str) -> None:
    """Render `<prefix>_subject.txt` and `<prefix>_body.txt` in both languages and send them."""

    def render() -> tuple[str, str]:
        return (render_plain(f"{template_prefix}_subject.txt", context),
                render_plain(f"{template_prefix}_body.txt", context))

    subject, body = bilingual(render, first)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to]).send()
