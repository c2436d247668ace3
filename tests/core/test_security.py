"""Production checks, Content-Security-Policy, CSRF, and the one HTML sanitizer."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import Client

from carrefour.core.models import ProblemReport
from carrefour.core.templatetags.carrefour import markdown, sanitize_html
from tests.directory.factories import TeamFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_passes_with_production_settings_and_refuses_the_development_key(tmp_path):
    base = {**os.environ, "DEBUG": "0", "SECURE_HTTPS": "1", "ALLOWED_HOSTS": "carrefour.example",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}"}
    for name in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"):  # the last: browser tests
        base.pop(name, None)
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    # Both run at once: each subprocess spends most of its time importing Django.
    production = subprocess.Popen(command, cwd=ROOT, env={**base, "SECRET_KEY": secrets.token_urlsafe(64),
                                                         "TRUSTED_PROXY_COUNT": "1"},
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # The fallback key is for the demo and tests only: production must refuse it.
    no_key = subprocess.Popen(command, cwd=ROOT, env=base, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out, _ = production.communicate(timeout=120)
    assert production.returncode == 0, out
    assert "no issues" in out
    out, _ = no_key.communicate(timeout=120)
    assert no_key.returncode != 0 and "security.W009" in out, out
    assert "carrefour.W001" in out, out  # HTTPS without a proxy count: locks would key on the proxy


class _ScriptAudit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline_scripts: list[str] = []
        self.handlers: list[tuple[str, str]] = []
        self.javascript_urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.inline_scripts.append(self.get_starttag_text())
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.javascript_urls.append(value)


@pytest.fixture
def staff_client(directory_demo):
    from carrefour.directory.models import User

    client = Client()
    client.force_login(User.objects.get(email="admin@carrefour.example"))
    ProblemReport.objects.create(page_url="/en/", language="en", kinds=["other"], details="x")
    return client


PAGES = [
    "/{lang}/",
    "/{lang}/directory/",
    "/{lang}/directory/jurisdictions/",
    "/{lang}/directory/jurisdictions/on/",
    "/{lang}/directory/organizations/",
    "/{lang}/directory/organizations/pco-iiu/",
    "/{lang}/directory/teams/",
    "/{lang}/directory/teams/bi-network/",
    "/{lang}/directory/people/",
    "/{lang}/directory/me/",
    "/{lang}/triage/problems/",
    "/{lang}/accounts/login/",
    "/{lang}/accounts/signup/",
    "/{lang}/accounts/password/reset/",
    "/{lang}/accounts/email/",
    "/{lang}/accounts/2fa/",
]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_main_pages_have_a_strict_csp_and_no_inline_script(staff_client, lang):
    anonymous = Client()
    for template in PAGES:
        path = template.format(lang=lang)
        client = anonymous if "/accounts/" in path and "email" not in path and "2fa" not in path else staff_client
        response = client.get(path)
        assert response.status_code == 200, path
        csp = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
        assert "'unsafe-inline'" not in directives["script-src"], path
        assert "'unsafe-eval'" not in directives["script-src"], path
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        audit = _ScriptAudit()
        audit.feed(response.content.decode())
        assert audit.inline_scripts == [], path
        assert audit.handlers == [], path
        assert audit.javascript_urls == [], path
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_report_form_requires_the_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    data = {"page_url": "/en/", "kinds": ["other"]}
    assert client.post("/en/report-a-problem/", data).status_code == 403
    assert not ProblemReport.objects.exists()
    html = client.get("/en/directory/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post("/en/report-a-problem/", {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert ProblemReport.objects.count() == 1


def test_profile_and_triage_forms_require_the_csrf_token(db):
    user = UserFactory(is_staff=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post("/en/directory/me/", {"display_name": "Changed"}).status_code == 403
    assert client.post("/en/triage/problems/", {"report": 1, "status": "done"}).status_code == 403
    assert client.post("/en/accounts/logout/").status_code == 403


@pytest.mark.parametrize(
    ("dirty", "forbidden"),
    [
        ("<p>Hi</p><script>alert(1)</script>", "<script"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<p onclick="alert(1)">x</p>', "onclick"),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
        ("<style>body{display:none}</style>", "<style"),
        ('<svg><script>alert(1)</script></svg>', "<script"),
    ],
)
def test_sanitize_html_strips_dangerous_markup(dirty, forbidden):
    assert forbidden.lower() not in sanitize_html(dirty).lower()


def test_sanitize_html_keeps_safe_markup_and_hardens_links():
    clean = sanitize_html('<h2>T</h2><p><strong>b</strong> <a href="https://canada.ca" target="_blank">l</a></p>')
    assert "<h2>T</h2>" in clean and "<strong>b</strong>" in clean
    assert 'href="https://canada.ca"' in clean and 'rel="noopener noreferrer"' in clean
    assert "target" not in clean


def test_markdown_filter_sanitizes_user_text():
    html = str(markdown("# Title\n\n[click](javascript:alert(1)) <script>alert(2)</script> **bold**\n\n"
                        "| a | b |\n|---|---|\n| 1 | 2 |"))
    assert "<script" not in html and "javascript:" not in html
    assert "<strong>bold</strong>" in html
    assert "<table>" in html
    assert markdown("") == "" and markdown(None) == ""


def test_markdown_in_templates_is_not_escaped_twice_and_stays_safe():
    rendered = Template("{% load carrefour %}{{ text|markdown }}").render(
        Context({"text": "Tom & Jerry <b onmouseover=alert(1)>x</b>"})
    )
    assert "Tom &amp; Jerry" in rendered and "onmouseover" not in rendered


def test_team_descriptions_are_rendered_sanitized(db):
    TeamFactory(slug="xss", description_en='Hello <script>alert(1)</script>[x](javascript:alert(2))')
    html = Client().get("/en/directory/teams/xss/").content.decode()
    audit = _ScriptAudit()
    audit.feed(html)
    assert audit.inline_scripts == [] and audit.javascript_urls == []
    assert "alert(1)" not in html.split("<main")[-1]  # the script element goes with its content


@pytest.mark.django_db
def test_csrf_failure_page_is_translated_and_saves_nothing():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/fr/report-a-problem/", {"page_url": "/fr/", "kinds": ["spelling"]})
    assert response.status_code == 403
    content = response.content.decode()
    assert "Votre formulaire n’a pas pu être envoyé" in content
    assert '<html lang="fr">' in content
    assert ProblemReport.objects.count() == 0


def _directives(response) -> set[str]:
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_pages_for_signed_in_people_are_never_stored(db):
    """A shared proxy or the browser's disk must not keep a page or a file meant for one person."""
    client = Client()
    client.force_login(UserFactory())
    for path in ("/en/", "/en/directory/me/", "/en/directory/teams/?format=csv", "/en/whats-new/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert {"private", "no-store"} <= _directives(response), path
        assert "public" not in _directives(response) and "max-age" not in _directives(response), path


def test_public_pages_to_anonymous_readers_keep_their_headers(db):
    for path in ("/en/", "/en/directory/teams/?format=csv"):
        response = Client().get(path)
        assert response.status_code == 200
        assert "no-store" not in _directives(response), path


def test_a_response_marked_not_public_is_never_stored_and_a_views_max_age_is_dropped(rf):
    from django.http import HttpResponse

    from carrefour.core.middleware import PrivateCacheMiddleware, mark_not_public

    def view(request):
        mark_not_public(request)
        response = HttpResponse("secret")
        response["Cache-Control"] = "public, max-age=3600, must-revalidate"
        response["Expires"] = "Thu, 01 Jan 2099 00:00:00 GMT"
        return response

    response = PrivateCacheMiddleware(view)(rf.get("/"))
    assert _directives(response) == {"private", "no-store", "must-revalidate"}
    assert "Expires" not in response
    untouched = PrivateCacheMiddleware(lambda request: HttpResponse("public"))(rf.get("/"))
    assert "Cache-Control" not in untouched
