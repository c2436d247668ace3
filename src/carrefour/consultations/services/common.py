"""What every consultation write shares: limits, who may take part, moderate and manage, plain text."""

from __future__ import annotations

import html
import re
from typing import Any

import nh3
from allauth.account.models import EmailAddress
from django.utils.translation import gettext as _

from carrefour.consultations.models import Consultation
from carrefour.core.exceptions import ApplicationError
from carrefour.core.visibility import MODERATE_ROLES, can_view, has_team_role

MIN_LENGTH = 10
MAX_LENGTH = 3000
MAX_REPLY_LENGTH = 1500
FLAGS_TO_HIDE = 3
MANAGE_ROLES = ("secretariat", "administrator")


def can_moderate(*, user: Any, consultation: Consultation) -> bool:
    return has_team_role(user, consultation.team_id, MODERATE_ROLES)


def can_manage(*, user: Any, consultation: Consultation) -> bool:
    return has_team_role(user, consultation.team_id, MANAGE_ROLES)


def is_verified(user: Any) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def require_participant(user: Any, consultation: Consultation) -> None:
    if not is_verified(user):
        raise ApplicationError(_("Sign in with a verified email address to take part."))
    if not can_view(user, consultation):
        raise ApplicationError(_("This consultation is not available to you."))


def require_open(consultation: Consultation) -> None:
    if not consultation.is_open:
        raise ApplicationError(_("This consultation is not open for comments."))

def require_manager(actor: Any, consultation: Consultation) -> None:
    if not can_manage(user=actor, consultation=consultation):
        raise ApplicationError(_("Only the consultation's secretariat can do this."))


def require_not_closed(consultation: Consultation) -> None:
    if consultation.phase == Consultation.Phase.CLOSED:
        raise ApplicationError(_("The consultation has closed: its questions can no longer be changed."))


def clean_text(text: str) -> str:
    """Plain text only: strip any markup, normalize line breaks and spaces.

    Text is stored as plain text and escaped again wherever it is shown. Stripping tags
    (nh3 drops script/style with their content) and then decoding entities once is not
    enough: `&lt;script&gt;` decodes into a live `<script>` that the API and exports would
    hand out raw. So strip and decode until nothing changes: what remains holds no markup.
    """
    text = text or ""
    for _attempt in range(10):
        cleaned = html.unescape(nh3.clean(text, tags=set()))
        if cleaned == text:
            break
        text = cleaned
    else:  # entities nested ten deep: no person writes that; keep no angle bracket at all
        text = text.replace("<", "").replace(">", "")
    text = re.sub(r"[ \t\u00a0]+", " ", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
