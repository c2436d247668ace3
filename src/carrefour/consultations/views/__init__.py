"""Consultation pages: thin views over selectors and services, one module per concern."""

from carrefour.consultations.views.comments import comment_new, flag, reply, support, unsupport
from carrefour.consultations.views.consultations import (
    EXPORT_COLUMNS,
    detail,
    index,
    open_for_declaration,
)
from carrefour.consultations.views.moderation import flag_dismiss, hide, moderation, restore
from carrefour.consultations.views.questions import (
    answers,
    question_edit,
    question_move,
    question_retire,
    questions,
)
from carrefour.consultations.views.what_we_heard import (
    comments_export,
    report,
    report_pdf,
    report_publish,
    response_add,
    response_edit,
    response_withdraw,
)

__all__ = [
    "EXPORT_COLUMNS", "answers", "comment_new", "comments_export", "detail", "flag", "flag_dismiss", "hide", "index", "moderation",
    "open_for_declaration", "question_edit", "question_move", "question_retire", "questions", "reply", "report",
    "report_pdf", "report_publish", "response_add", "response_edit", "response_withdraw", "restore", "support", "unsupport",
]
