"""Consultation writes, one module per concern; every public name is importable from here. All audited."""

from carrefour.consultations.services.comments import (
    comment_create,
    comment_support,
    comment_support_withdraw,
)
from carrefour.consultations.services.common import (
    FLAGS_TO_HIDE,
    MANAGE_ROLES,
    MAX_LENGTH,
    MAX_REPLY_LENGTH,
    MIN_LENGTH,
    can_manage,
    can_moderate,
    clean_text,
    is_verified,
)
from carrefour.consultations.services.consultations import (
    consultation_create,
    consultation_open_for_declaration,
    paragraphs_from_declaration,
)
from carrefour.consultations.services.moderation import (
    comment_flag,
    comment_hide,
    comment_moderation_notify,
    comment_restore,
    flag_dismiss,
)
from carrefour.consultations.services.questions import (
    answers_submit,
    question_add,
    question_move,
    question_retire,
    question_update,
)
from carrefour.consultations.services.what_we_heard import (
    report_publish,
    theme_response_save,
    theme_response_withdraw,
)

__all__ = [
    "FLAGS_TO_HIDE", "MANAGE_ROLES", "MAX_LENGTH", "MAX_REPLY_LENGTH", "MIN_LENGTH",
    "answers_submit", "can_manage", "can_moderate", "clean_text", "comment_create", "comment_flag", "comment_hide",
    "comment_moderation_notify", "comment_restore", "comment_support", "comment_support_withdraw", "consultation_create",
    "consultation_open_for_declaration", "flag_dismiss", "is_verified", "paragraphs_from_declaration", "question_add",
    "question_move", "question_retire", "question_update", "report_publish", "theme_response_save",
    "theme_response_withdraw",
]
