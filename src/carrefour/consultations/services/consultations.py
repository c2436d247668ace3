"""Opening a consultation: on any draft, or on a declaration's current text."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carrefour.consultations.models import Consultation, Paragraph
from carrefour.consultations.services.common import MANAGE_ROLES
from carrefour.core.exceptions import ApplicationError
from carrefour.core.services import model_create
from carrefour.core.visibility import has_team_role


def _blocks(text: str) -> list[str]:
    return [b.strip() for b in re.split(r"\n\s*\n", text or "") if b.strip()]


@transaction.atomic
def consultation_create(
    *,
    actor: Any,
    team: Any,
    slug: str,
    title_en: str,
    title_fr: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    paragraphs: list[dict[str, Any]],
    summary_en: str = "",
    summary_fr: str = "",
    subject: models.Model | None = None,
    visibility: str = "members",
) -> Consultation:
    """Open a draft for comment: `paragraphs` are dicts of label_en/fr, text_en/fr (and commitment)."""
    if not has_team_role(actor, getattr(team, "pk", None), MANAGE_ROLES):
        raise ApplicationError(_("Only the team's secretariat can open a consultation."))
    if closes_at <= opens_at:
        raise ApplicationError(_("The consultation must close after it opens."), field="closes_at")
    if not paragraphs:
        raise ApplicationError(_("A consultation needs a text to comment on."))
    data = {
        "slug": slug, "team": team, "title_en": title_en, "title_fr": title_fr, "summary_en": summary_en,
        "summary_fr": summary_fr, "opens_at": opens_at, "closes_at": closes_at, "visibility": visibility,
    }
    if subject is not None:
        data["subject_type"] = ContentType.objects.get_for_model(subject, for_concrete_model=True)
        data["subject_id"] = subject.pk
    consultation = model_create(model=Consultation, actor=actor, data=data)
    Paragraph.objects.bulk_create(
        Paragraph(consultation=consultation, position=i, **p) for i, p in enumerate(paragraphs, start=1)
    )
    return consultation


def paragraphs_from_declaration(declaration: Any) -> list[dict[str, Any]]:
    """The commentable parts of a declaration: each preamble paragraph, each commitment, the closing."""
    out: list[dict[str, Any]] = []
    pre_en, pre_fr = _blocks(declaration.preamble_en), _blocks(declaration.preamble_fr)
    for i in range(max(len(pre_en), len(pre_fr))):
        out.append({
            "label_en": f"Preamble, paragraph {i + 1}", "label_fr": f"Préambule, paragraphe {i + 1}",
            "text_en": pre_en[i] if i < len(pre_en) else "", "text_fr": pre_fr[i] if i < len(pre_fr) else "",
        })
    for c in declaration.commitments.filter(deleted_at__isnull=True).order_by("number"):
        out.append({
            "label_en": f"{declaration.short_name_en} {c.number}" + (f" — {c.title_en}" if c.title_en else ""),
            "label_fr": f"{declaration.short_name_fr} {c.number}" + (f" — {c.title_fr}" if c.title_fr else ""),
            "text_en": c.text_en, "text_fr": c.text_fr, "commitment": c,
        })
    if declaration.closing_en or declaration.closing_fr:
        out.append({"label_en": "Closing", "label_fr": "Conclusion",
                    "text_en": declaration.closing_en, "text_fr": declaration.closing_fr})
    return out


def consultation_open_for_declaration(
    *,
    declaration: Any,
    actor: Any,
    title_en: str,
    title_fr: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    summary_en: str = "",
    summary_fr: str = "",
) -> Consultation:
    """Open the declaration's current text for comment, paragraph by paragraph and commitment by commitment."""
    from django.utils.text import slugify

    tz = timezone.get_current_timezone()
    opens_at = datetime.datetime.combine(opens_on, datetime.time.min, tzinfo=tz)
    closes_at = datetime.datetime.combine(closes_on + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    base = slugify(f"{declaration.slug}-consultation")[:70]
    slug, n = base, 1
    while Consultation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return consultation_create(
        actor=actor, team=declaration.team, slug=slug, title_en=title_en, title_fr=title_fr,
        summary_en=summary_en, summary_fr=summary_fr, opens_at=opens_at, closes_at=closes_at,
        paragraphs=paragraphs_from_declaration(declaration), subject=declaration, visibility=declaration.visibility,
    )
