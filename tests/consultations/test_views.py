"""Consultation pages: posting without JS, htmx fragments, moderation pages, reports and exports."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from carrefour.consultations import services
from carrefour.consultations.models import Comment
from carrefour.directory.models import Role
from tests.consultations.factories import ConsultationFactory, moderator_for, question
from tests.directory.factories import UserFactory

pytestmark = pytest.mark.django_db


def post(c, author, body, **kwargs):
    return services.comment_create(consultation=c, author=author, body=body, **kwargs)


def test_index_query_count(client, django_assert_max_num_queries):
    for _ in range(5):
        ConsultationFactory()
    ConsultationFactory(visibility="private")
    with django_assert_max_num_queries(5):
        response = client.get(reverse("consultations:index"))
    assert response.content.decode().count("<h2><a href=") == 5


def test_detail_query_count_does_not_grow_with_comments(client, django_assert_max_num_queries):
    c = ConsultationFactory()
    p1 = c.paragraphs.first()
    viewer = UserFactory()
    for i in range(8):
        top = post(c, UserFactory(), f"Comment number {i} on the draft.", paragraph=p1 if i % 2 else None)
        post(c, UserFactory(), f"Reply number {i} to the comment.", parent=top)
    client.force_login(viewer)
    with django_assert_max_num_queries(20):
        response = client.get(c.get_absolute_url())
    page = response.content.decode()
    assert page.count('class="cf-comment"') == 16
    assert "Reply number 7" in page


def test_citizen_comments_in_french_on_a_paragraph_without_js(client):
    c = ConsultationFactory()
    citizen = UserFactory()
    client.force_login(citizen)
    url = reverse("consultations:comment", args=[c.slug]).replace("/en/", "/fr/")
    form = client.get(url + "?p=2")
    assert form.status_code == 200 and "Adopter et renforcer" in form.content.decode()
    response = client.post(url, {"paragraph": "2", "category": "terminology",
                                 "body": "Dites « fonctionnaire » plutôt que « agent public ».", "website": ""})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.paragraph.position, comment.language, comment.category) == (2, "fr", "terminology")
    assert response["Location"].endswith(f"#comment-{comment.pk}")


def test_honeypot_and_errors_shown_on_the_form(client):
    c = ConsultationFactory()
    client.force_login(UserFactory())
    response = client.post(reverse("consultations:comment", args=[c.slug]),
                           {"paragraph": "", "category": "other", "body": "A real looking comment.", "website": "x"})
    assert response.status_code == 200
    assert "could not be posted" in response.content.decode()
    assert not Comment.objects.exists()


def test_support_with_htmx_returns_the_comment_card(client):
    c = ConsultationFactory()
    comment = post(c, UserFactory(), "A comment worth supporting.")
    client.force_login(UserFactory())
    response = client.post(reverse("consultations:support", args=[c.slug, comment.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.startswith(f'<article id="comment-{comment.pk}"')
    assert "1 person supports this" in html and "You support this" in html
    # Without JS: a redirect back to the comment.
    other = UserFactory()
    client.force_login(other)
    response = client.post(reverse("consultations:support", args=[c.slug, comment.pk]))
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{comment.pk}")


def test_moderation_page_and_hide_restore(client):
    c = ConsultationFactory()
    comment = post(c, UserFactory(), "A comment that someone flagged.")
    services.comment_flag(comment=comment, user=UserFactory())
    client.force_login(UserFactory())
    assert client.get(reverse("consultations:moderation", args=[c.slug])).status_code == 403
    assert client.post(reverse("consultations:hide", args=[c.slug, comment.pk]), {"reason": "x"}).status_code == 302
    assert Comment.objects.get().state == "visible"
    client.force_login(moderator_for(c))
    page = client.get(reverse("consultations:moderation", args=[c.slug])).content.decode()
    assert "A comment that someone flagged." in page and "1 flag" in page
    client.post(reverse("consultations:hide", args=[c.slug, comment.pk]), {"reason": "Off topic", "next": "moderation"})
    assert Comment.objects.get().state == "hidden"
    client.logout()
    assert "A comment that someone flagged." not in client.get(c.get_absolute_url()).content.decode()


def test_answers_post(client):
    c = ConsultationFactory()
    q = question(c, "single", [{"en": "Yes", "fr": "Oui"}, {"en": "No", "fr": "Non"}])
    client.force_login(UserFactory())
    assert "Save my answers" in client.get(c.get_absolute_url()).content.decode()
    client.post(reverse("consultations:answers", args=[c.slug]), {f"q{q.pk}": "1"})
    assert q.answers.get().choices == [1]


def test_report_pages_pdf_csv_and_export_without_personal_data(client):
    c = ConsultationFactory()
    author = UserFactory(display_name="Jordan Secret", email="jordan.secret@example.org")
    post(c, author, "Say public servant, not civil servant.", paragraph=c.paragraphs.first(), category="terminology")
    secretariat = moderator_for(c, role=Role.SECRETARIAT)
    c.opens_at, c.closes_at = timezone.now() - timedelta(days=9), timezone.now() - timedelta(days=1)
    c.save()
    report = reverse("consultations:report", args=[c.slug])
    assert client.get(report).status_code == 404  # not published yet
    client.force_login(secretariat)
    client.post(reverse("consultations:response_add", args=[c.slug]), {
        "theme_en": "Terminology", "theme_fr": "Terminologie", "category": "terminology",
        "response_en": "We will say public servant.", "response_fr": "Nous dirons fonctionnaire.", "paragraph": "1"})
    client.post(reverse("consultations:report_publish", args=[c.slug]))
    client.logout()
    page = client.get(report.replace("/en/", "/fr/")).content.decode()
    assert "Nous dirons fonctionnaire." in page
    csv_text = b"".join(client.get(report + "?format=csv").streaming_content).decode()
    assert "Terminology" in csv_text
    pdf = client.get(reverse("consultations:report_pdf", args=[c.slug]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    export = client.get(reverse("consultations:export", args=[c.slug]) + "?format=json")
    data = b"".join(export.streaming_content).decode()
    assert "Say public servant" in data
    assert "Jordan" not in data and "jordan.secret" not in data
    rows = json.loads(data)
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    assert rows[0]["commenter_kind"] == "citizen"


def test_declaration_page_links_its_consultations(client):
    from django.contrib.contenttypes.models import ContentType

    from tests.declarations.factories import DeclarationFactory

    declaration = DeclarationFactory()
    about = {"subject_type": ContentType.objects.get_for_model(declaration), "subject_id": declaration.pk}
    ConsultationFactory(title_en="Public consultation on the draft", **about)
    ConsultationFactory(title_en="Hidden consultation", visibility="private", **about)
    page = client.get(declaration.get_absolute_url()).content.decode()
    assert "Public consultation on the draft" in page
    assert "Hidden consultation" not in page


def test_api_and_index_export_without_personal_data(client):
    c = ConsultationFactory(title_en="Open consultation")
    ConsultationFactory(title_en="Private consultation", visibility="private")
    post(c, UserFactory(display_name="Alex Private"), "Clarify the second principle, please.")
    hidden = post(c, UserFactory(), "An advertisement for something.")
    services.comment_hide(comment=hidden, actor=moderator_for(c), reason="Advertising")
    listing = client.get("/api/consultations/").json()["items"]
    assert [x["title_en"] for x in listing] == ["Open consultation"] and listing[0]["comments"] == 1
    comments = client.get(f"/api/consultations/{c.slug}/comments/").json()["items"]
    assert [x["body"] for x in comments] == ["Clarify the second principle, please."]
    assert "Alex" not in json.dumps(comments)
    csv_text = b"".join(client.get(reverse("consultations:index") + "?format=csv").streaming_content).decode()
    assert "Open consultation" in csv_text and "Private consultation" not in csv_text


def test_secretariat_opens_a_consultation_on_a_declaration(client):
    from carrefour.consultations.models import Consultation
    from carrefour.declarations.models import Declaration
    from tests.declarations.factories import CommitmentFactory, DeclarationFactory
    from tests.directory.factories import MembershipFactory, TeamFactory

    team = TeamFactory()
    declaration = DeclarationFactory(team=team, status=Declaration.Status.CONSULTATION,
                                     preamble_en="First.\n\nSecond.", preamble_fr="Premier.\n\nDeuxième.")
    CommitmentFactory(declaration=declaration, number=1, title_en="Experiment", title_fr="Expérimenter")
    url = reverse("consultations:open_for_declaration", args=[declaration.slug])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    secretariat = UserFactory()
    MembershipFactory(team=team, user=secretariat, role=Role.SECRETARIAT)
    client.force_login(secretariat)
    today = timezone.localdate()
    response = client.post(url, {"title_en": "Have your say", "title_fr": "Donnez votre avis",
                                 "opens_on": today.isoformat(), "closes_on": (today + timedelta(days=30)).isoformat()})
    consultation = Consultation.objects.get(title_en="Have your say")
    assert response["Location"] == consultation.get_absolute_url()
    assert consultation.is_open and consultation.subject == declaration
    labels = list(consultation.paragraphs.values_list("label_en", flat=True))
    assert labels == ["Preamble, paragraph 1", "Preamble, paragraph 2", "FPT 1 — Experiment"]
    assert consultation.paragraphs.get(position=3).commitment.number == 1


def test_moderation_queue_query_count(client, django_assert_max_num_queries):
    c = ConsultationFactory()
    for i in range(6):
        comment = post(c, UserFactory(), f"Flagged comment number {i}.")
        services.comment_flag(comment=comment, user=UserFactory())
    client.force_login(moderator_for(c))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("consultations:moderation", args=[c.slug])).content.decode()
    assert page.count('class="cf-comment"') == 6
