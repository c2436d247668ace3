"""“What we heard”: the secretariat's responses to themes, and publishing the report."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carrefour.consultations.models import Comment, Consultation, Paragraph, ThemeResponse
from carrefour.consultations.services.common import can_manage, clean_text, require_manager
from carrefour.core.exceptions import ApplicationError
from carrefour.core.services import model_create, model_soft_delete, model_update


@transaction.atomic
def theme_response_save(
    *,
    consultation: Consultation,
    actor: Any,
    theme_en: str,
    theme_fr: str,
    response_en: str,
    response_fr: str,
    category: str = "",
    paragraph: Paragraph | None = None,
    response: ThemeResponse | None = None,
) -> ThemeResponse:
    """The secretariat writes (or revises) its response to one theme of what it heard; audited."""
    require_manager(actor, consultation)
    if response is not None:
        response = ThemeResponse.objects.select_for_update().get(pk=response.pk)
        if response.consultation_id != consultation.pk or response.deleted_at is not None:
            raise ApplicationError(_("This response was withdrawn or belongs to another consultation."))
    if paragraph is not None and paragraph.consultation_id != consultation.pk:
        raise ApplicationError(_("This paragraph does not belong to this consultation."), field="paragraph")
    if category and category not in Comment.Category.values:
        raise ApplicationError(_("Choose a category."), field="category")
    data = {
        "theme_en": theme_en.strip(), "theme_fr": theme_fr.strip(), "response_en": response_en.strip(),
        "response_fr": response_fr.strip(), "category": category or "", "paragraph": paragraph,
    }
    for field, message in (("theme_en", _("Name the theme in English.")), ("theme_fr", _("Name the theme in French.")),
                           ("response_en", _("Write the response in English.")),
                           ("response_fr", _("Write the response in French."))):
        if not data[field]:
            raise ApplicationError(message, field=field)
    if response is None:
        position = (consultation.responses.aggregate(m=models.Max("position"))["m"] or 0) + 1
        return model_create(model=ThemeResponse, actor=actor,
                            data={"consultation": consultation, "position": position, "author": actor, **data})
    model_update(instance=response, actor=actor, data=data)
    return response


@transaction.atomic
def theme_response_withdraw(*, response: ThemeResponse, actor: Any, reason: str = "") -> ThemeResponse:
    """Take a response out of "What we heard"; it is kept, with its history, never deleted."""
    response = ThemeResponse.objects.select_for_update().select_related("consultation").get(pk=response.pk)
    require_manager(actor, response.consultation)
    if response.deleted_at is not None:
        raise ApplicationError(_("This response was already withdrawn."))
    return model_soft_delete(instance=response, actor=actor, reason=clean_text(reason)[:500])


def report_publish(*, consultation: Consultation, actor: Any) -> Consultation:
    """Publish "What we heard" once the consultation has closed."""
    if not can_manage(user=actor, consultation=consultation):
        raise ApplicationError(_("Only the consultation's secretariat can do this."))
    if consultation.phase != Consultation.Phase.CLOSED:
        raise ApplicationError(_("“What we heard” can be published once the consultation has closed."))
    if consultation.report_published_at is not None:
        raise ApplicationError(_("“What we heard” is already published."))
    model_update(instance=consultation, actor=actor, data={"report_published_at": timezone.now()})
    return consultation

