"""The demo's comments sit under the paragraph their text is about (loaded as `load_demo` does: directory,
declarations, consultations)."""

from __future__ import annotations

import pytest

from carrefour.consultations.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    from carrefour.consultations import demo as consultations_demo
    from carrefour.declarations import demo as declarations_demo
    from carrefour.directory import demo as directory_demo

    directory_demo.load()
    declarations_demo.load()
    consultations_demo.load()


def _comment(slug, words):
    return Comment.objects.select_related("paragraph").get(consultation__slug=slug, body__contains=words)


@pytest.mark.parametrize(("words", "label", "paragraph_says"), [
    ("Business Number adoption", "DoS 3 — Integrated, trusted and secure services", "Business Number"),
    ("“Collaborating within and across jurisdictions”", "DoS 2 — Collaboration across jurisdictions",
     "within and across jurisdictions"),
])
def test_declaration_on_service_comments_sit_under_their_paragraph(demo, words, label, paragraph_says):
    comment = _comment("declaration-on-service-review", words)
    assert comment.paragraph.label_en == label
    assert paragraph_says in comment.paragraph.text_en


@pytest.mark.parametrize(("words", "label", "paragraph_says"), [
    ("“Weak signals” is jargon", "OECD 4 — Support exploration, iteration and testing", "weak signals"),
    ("failure is part of experimentation", "OECD 2 — Encourage and equip public servants", "failure is part"),
    ("« every civil servant »", "Preamble, paragraph 2", "every civil servant"),
])
def test_oecd_draft_comments_sit_under_their_paragraph(demo, words, label, paragraph_says):
    comment = _comment("oecd-draft-declaration", words)
    assert comment.paragraph.label_en == label
    assert paragraph_says in comment.paragraph.text_en


def test_the_general_comment_is_on_the_draft_as_a_whole(demo):
    assert _comment("declaration-on-service-review", "Please include municipalities").paragraph is None
