"""Clean again the comments and answers stored while `&lt;script&gt;` could decode into live markup.

The cleaning is copied here, frozen, so that this migration does not change when the service does.
"""

import hashlib
import html
import re

import nh3
from django.db import migrations


def _plain(text):
    for _attempt in range(10):
        cleaned = html.unescape(nh3.clean(text, tags=set()))
        if cleaned == text:
            return text
        text = cleaned
    return text.replace("<", "").replace(">", "")


def _tidy(text):
    text = re.sub(r"[ \t\u00a0]+", " ", text.replace("\r\n", "\n").replace("\r", "\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def reclean(apps, schema_editor):
    Comment = apps.get_model("consultations", "Comment")
    Answer = apps.get_model("consultations", "Answer")
    # Only text holding "<" can hold markup; the rest is left exactly as it is.
    for comment in Comment.objects.filter(body__contains="<").iterator():
        body = _tidy(_plain(comment.body))
        if body != comment.body:
            comment.body = body
            comment.body_hash = hashlib.sha256(re.sub(r"\s+", " ", body.casefold()).strip().encode()).hexdigest()
            comment.save(update_fields=["body", "body_hash"])
    for answer in Answer.objects.filter(text__contains="<").iterator():
        text = _tidy(_plain(answer.text))
        if text != answer.text:
            answer.text = text
            answer.save(update_fields=["text"])


class Migration(migrations.Migration):
    dependencies = [("consultations", "0002_question_retired")]

    operations = [migrations.RunPython(reclean, migrations.RunPython.noop)]
