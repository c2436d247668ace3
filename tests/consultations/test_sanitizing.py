"""Comments and answers are plain text in every channel: encoded markup never decodes into a live tag."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from carrefour.consultations import services
from carrefour.consultations.models import Answer, Comment
from carrefour.core.exceptions import ApplicationError
from carrefour.directory.models import Role
from tests.consultations.factories import ConsultationFactory, moderator_for, question
from tests.directory.factories import UserFactory

pytestmark = pytest.mark.django_db

ENCODED = "&lt;script&gt;alert(1)&lt;/script&gt;Define “weak signals”, please."
SAFE = "Define “weak signals”, please."


@pytest.mark.parametrize("body", [
    ENCODED,
    "&#60;script&#62;alert(1)&#60;/script&#62;Define “weak signals”, please.",
    "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;Define “weak signals”, please.",
    "<script>alert(1)</script>Define “weak signals”, please.",
])
def test_encoded_markup_is_stripped_not_decoded(body):
    comment = services.comment_create(consultation=ConsultationFactory(), author=UserFactory(), body=body)
    assert comment.body == SAFE


def test_plain_text_with_angle_brackets_and_ampersands_is_kept():
    assert services.clean_text("Tom &amp; Jerry: 3 < 5 and 6 > 4") == "Tom & Jerry: 3 < 5 and 6 > 4"
    assert services.clean_text("a &lt;img src=x onerror=alert(1)&gt; b") == "a b"


def _text(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_api_and_exports_return_the_sanitized_text(client):
    c = ConsultationFactory()
    services.comment_create(consultation=c, author=UserFactory(), body=ENCODED)
    api = client.get(f"/api/consultations/{c.slug}/comments/")
    assert [row["body"] for row in api.json()["items"]] == [SAFE]
    assert "<script" not in api.content.decode()
    export = reverse("consultations:export", args=[c.slug])
    as_csv = _text(client.get(export + "?format=csv"))
    assert [row["body"] for row in csv.DictReader(io.StringIO(as_csv))] == [SAFE]
    as_json = _text(client.get(export + "?format=json"))
    rows = json.loads(as_json)
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert [row["body"] for row in rows] == [SAFE]
    assert "<script" not in as_csv and "<script" not in as_json


def test_what_we_heard_csv_gives_text_answers_sanitized(client):
    c = ConsultationFactory()
    q = question(c, "text")
    services.answers_submit(consultation=c, user=UserFactory(), answers={q.pk: ENCODED})
    assert Answer.objects.get().text == SAFE
    c.opens_at, c.closes_at = timezone.now() - timedelta(days=9), timezone.now() - timedelta(days=1)
    c.save()
    services.report_publish(consultation=c, actor=moderator_for(c, role=Role.SECRETARIAT))
    report = _text(client.get(reverse("consultations:report", args=[c.slug]) + "?format=csv"))
    assert SAFE in report and "<script" not in report


def test_migration_recleans_text_stored_before_the_fix():
    c = ConsultationFactory()
    comment = services.comment_create(consultation=c, author=UserFactory(), body="Stored before the fix was made.")
    Comment.objects.filter(pk=comment.pk).update(body="<script>alert(1)</script>Stored before the fix was made.")
    import_module("carrefour.consultations.migrations.0003_reclean_decoded_markup").reclean(apps, None)
    comment.refresh_from_db()
    assert comment.body == "Stored before the fix was made."
    # The duplicate check still recognizes the same text.
    with pytest.raises(ApplicationError, match="already posted"):
        services.comment_create(consultation=c, author=comment.author, body="Stored before the fix was made.")
