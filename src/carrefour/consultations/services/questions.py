"""The secretariat's questions (ask, reword, reorder, retire) and people's answers to them."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from carrefour.consultations.models import Answer, Consultation, Question
from carrefour.consultations.services.common import (
    MAX_LENGTH,
    clean_text,
    require_manager,
    require_not_closed,
    require_open,
    require_participant,
)
from carrefour.core.exceptions import ApplicationError
from carrefour.core.services import model_create, model_soft_delete, model_update


def _clean_question(kind: str, text_en: str, text_fr: str, choices: list[dict[str, str]] | None) -> dict[str, Any]:
    if kind not in Question.Kind.values:
        raise ApplicationError(_("Choose the kind of answer."), field="kind")
    text_en, text_fr = clean_text(text_en)[:500], clean_text(text_fr)[:500]
    if not text_en:
        raise ApplicationError(_("Write the question in English."), field="text_en")
    if not text_fr:
        raise ApplicationError(_("Write the question in French."), field="text_fr")
    cleaned: list[dict[str, str]] = []
    if kind != Question.Kind.TEXT:
        for choice in choices or []:
            en, fr = clean_text(choice.get("en", ""))[:200], clean_text(choice.get("fr", ""))[:200]
            if not en or not fr:
                raise ApplicationError(_("Give each choice in English and in French."), field="choices_en")
            cleaned.append({"en": en, "fr": fr})
        if len(cleaned) < 2:
            raise ApplicationError(_("A choice question needs at least two choices."), field="choices_en")
    return {"kind": kind, "text_en": text_en, "text_fr": text_fr, "choices": cleaned}


@transaction.atomic
def question_add(*, consultation: Consultation, actor: Any, kind: str, text_en: str, text_fr: str,
                 choices: list[dict[str, str]] | None = None) -> Question:
    """Ask a new question (one choice, several choices or free text) until the consultation closes."""
    require_manager(actor, consultation)
    require_not_closed(consultation)
    data = _clean_question(kind, text_en, text_fr, choices)
    position = (consultation.questions.aggregate(m=models.Max("position"))["m"] or 0) + 1
    return model_create(model=Question, actor=actor, data={"consultation": consultation, "position": position, **data})


@transaction.atomic
def question_update(*, question: Question, actor: Any, kind: str, text_en: str, text_fr: str,
                    choices: list[dict[str, str]] | None = None) -> Question:
    """Reword a question or its choices, or add choices. Once answered, its kind and choices stay put
    (answers store the indexes chosen): to ask something else, retire it and add a new question."""
    question = Question.objects.select_for_update().select_related("consultation").get(pk=question.pk)
    require_manager(actor, question.consultation)
    require_not_closed(question.consultation)
    if question.deleted_at is not None:
        raise ApplicationError(_("This question was retired; add a new one instead."))
    data = _clean_question(kind, text_en, text_fr, choices)
    if question.answers.exists():
        if data["kind"] != question.kind:
            raise ApplicationError(
                _("People have answered this question: its kind of answer cannot change. Retire it and add a new question instead."),
                field="kind",
            )
        if len(data["choices"]) < len(question.choices):
            raise ApplicationError(
                _("People have answered this question: its choices can be reworded or added to, not removed. Retire it and add a new question instead."),
                field="choices_en",
            )
    model_update(instance=question, actor=actor, data=data)
    return question


@transaction.atomic
def question_move(*, question: Question, actor: Any, direction: str) -> Question:
    """Swap a question with the one before ("up") or after ("down") it among those still asked."""
    question = Question.objects.select_for_update().select_related("consultation").get(pk=question.pk)
    consultation = question.consultation
    require_manager(actor, consultation)
    require_not_closed(consultation)
    if question.deleted_at is not None:
        raise ApplicationError(_("This question was retired; it is no longer asked."))
    asked = list(consultation.questions.select_for_update().filter(deleted_at__isnull=True).order_by("position", "pk"))
    index = next(i for i, q in enumerate(asked) if q.pk == question.pk)
    other = index - 1 if direction == "up" else index + 1 if direction == "down" else None
    if other is None:
        raise ApplicationError(_("Choose whether to move the question up or down."))
    if not 0 <= other < len(asked):
        raise ApplicationError(_("This question is already first.") if direction == "up"
                               else _("This question is already last."))
    neighbour = asked[other]
    mine, theirs = question.position, neighbour.position
    if mine == theirs:  # never equal in practice; keep the swap meaningful if it happens
        theirs = mine + (1 if direction == "down" else -1)
    model_update(instance=question, actor=actor, data={"position": theirs})
    model_update(instance=neighbour, actor=actor, data={"position": mine})
    return question


@transaction.atomic
def question_retire(*, question: Question, actor: Any, reason: str = "") -> Question:
    """Stop asking a question; the answers already given are kept and still tallied in "What we heard"."""
    question = Question.objects.select_for_update().select_related("consultation").get(pk=question.pk)
    require_manager(actor, question.consultation)
    require_not_closed(question.consultation)
    if question.deleted_at is not None:
        raise ApplicationError(_("This question was already retired."))
    return model_soft_delete(instance=question, actor=actor, reason=clean_text(reason)[:500])



@transaction.atomic
def answers_submit(*, consultation: Consultation, user: Any, answers: dict[int, Any]) -> list[Answer]:
    """Save this person's answers (choice indexes or text); answering again replaces, audited."""
    require_participant(user, consultation)
    require_open(consultation)
    questions = {q.pk: q for q in consultation.questions.all()}
    saved = []
    for qid, value in answers.items():
        question = questions.get(int(qid))
        if question is None:
            raise ApplicationError(_("Unknown question."))
        if question.deleted_at is not None:
            raise ApplicationError(_("This question was retired and no longer takes answers."))
        if question.kind == Question.Kind.TEXT:
            text = clean_text(str(value or ""))
            if len(text) > MAX_LENGTH:
                raise ApplicationError(_("Keep your answer under %(n)s characters.") % {"n": MAX_LENGTH})
            data = {"text": text, "choices": []}
            empty = not text
        else:
            picked = sorted({int(v) for v in (value if isinstance(value, list | tuple) else [value]) if str(v) != ""})
            if any(i < 0 or i >= len(question.choices) for i in picked):
                raise ApplicationError(_("Choose among the answers offered."))
            if question.kind == Question.Kind.SINGLE and len(picked) > 1:
                raise ApplicationError(_("Choose only one answer to this question."))
            data = {"choices": picked, "text": ""}
            empty = not picked
        existing = Answer.objects.filter(question=question, respondent=user).first()
        if existing is not None:
            model_update(instance=existing, actor=user, data=data)
            saved.append(existing)
        elif not empty:
            saved.append(model_create(model=Answer, actor=user,
                                      data={"question": question, "respondent": user, **data}))
    return saved

