"""'Report a problem or mistake on this page': on every page, without JavaScript, rate-limited, triaged."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

from carrefour.core.models import AuditEntry, ProblemReport
from carrefour.core.selectors import audit_history
from tests.directory.factories import UserFactory

REPORT_URL = {"en": "/en/report-a-problem/", "fr": "/fr/report-a-problem/"}


def _form_fields(html: str) -> dict[str, str]:
    form = re.search(r'<form method="post" action="([^"]+)" class="cf-report-form">(.*?)</form>', html, re.S)
    assert form, "the report-a-problem form is missing"
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(2)))
    fields["action"] = form.group(1)
    fields["kinds"] = re.findall(r'name="kinds" value="(\w+)"', form.group(2))
    return fields


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/en/directory/organizations/?kind=academic", "Organizations"),
        ("/fr/directory/organizations/", "Organisations"),
        ("/en/directory/jurisdictions/", "Jurisdictions"),
        ("/en/accounts/login/", "Sign In"),
        ("/fr/accounts/signup/", "Inscription"),
    ],
)
def test_every_page_carries_the_form_with_its_address_and_title(db, path, title):
    html = Client().get(path).content.decode()
    lang = path[1:3]
    assert ("Report a problem or mistake on this page" if lang == "en" else
            "Signaler un problème ou une erreur sur cette page") in html
    fields = _form_fields(html)
    assert fields["action"] == REPORT_URL[lang]
    assert fields["page_url"] == path.replace("&", "&amp;")
    assert fields["page_title"] == title
    assert set(fields["kinds"]) == set(ProblemReport.Kind.values)
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.parametrize(
    ("lang", "thanks"),
    [("en", "Thank you for your help! You will not receive a reply."),
     ("fr", "Merci de votre aide\u00a0! Vous ne recevrez pas de réponse.")],
)
def test_a_report_is_stored_and_the_person_returns_to_the_page(db, lang, thanks):
    page = f"/{lang}/directory/organizations/?kind=academic"
    response = Client().post(
        REPORT_URL[lang],
        {"page_url": page, "page_title": "Organizations", "kinds": ["spelling", "outdated", "bogus"],
         "details": "  “Colege” is misspelled.  "},
        follow=True,
    )
    assert response.redirect_chain == [(page, 302)]
    assert thanks in _messages(response)
    assert thanks in response.content.decode()
    report = ProblemReport.objects.get()
    assert report.page_url == page
    assert report.page_title == "Organizations"
    assert report.language == lang
    assert report.kinds == ["spelling", "outdated"]  # unknown answers dropped
    assert report.details == "“Colege” is misspelled."
    assert report.status == ProblemReport.Status.NEW
    assert report.reporter is None


def test_a_signed_in_reporter_is_remembered(db):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    client.post(REPORT_URL["en"], {"page_url": "/en/", "kinds": ["other"]})
    assert ProblemReport.objects.get().reporter == user


def test_an_empty_report_is_refused(db):
    response = Client().post(REPORT_URL["en"], {"page_url": "/en/directory/", "details": "   "}, follow=True)
    assert response.redirect_chain == [("/en/directory/", 302)]
    assert "Choose at least one problem or describe it." in _messages(response)
    assert not ProblemReport.objects.exists()


def test_an_empty_report_is_refused_in_french(db):
    response = Client().post(REPORT_URL["fr"], {"page_url": "/fr/directory/"}, follow=True)
    assert "Choisissez au moins un problème ou décrivez-le." in _messages(response)


def test_the_honeypot_thanks_robots_and_stores_nothing(db):
    response = Client().post(
        REPORT_URL["en"], {"page_url": "/en/", "kinds": ["other"], "website": "http://spam.example"}, follow=True
    )
    assert "Thank you for your help! You will not receive a reply." in _messages(response)
    assert not ProblemReport.objects.exists()


def test_the_honeypot_field_is_in_the_form_and_hidden_from_people(db):
    html = Client().get("/en/directory/").content.decode()
    assert re.search(r'<div class="cf-hp" aria-hidden="true">.*name="website".*tabindex="-1"', html)


def test_reports_are_rate_limited(db):
    client = Client()
    data = {"page_url": "/en/", "kinds": ["broken"]}
    for _ in range(5):
        response = client.post(REPORT_URL["en"], data, follow=True)
        assert "Thank you for your help! You will not receive a reply." in _messages(response)
    response = client.post(REPORT_URL["en"], data, follow=True)
    assert "You have sent several reports in a short time. Please try again later." in _messages(response)
    assert ProblemReport.objects.count() == 5
    # Another address is not affected.
    other = Client(REMOTE_ADDR="198.51.100.7")
    other.post(REPORT_URL["en"], data)
    assert ProblemReport.objects.count() == 6


@override_settings(RATE_LIMITS={"problem_report": "1/10m", "public_post": "10/10m"})
def test_the_rate_limit_message_is_translated(db):
    client = Client()
    client.post(REPORT_URL["fr"], {"page_url": "/fr/", "kinds": ["broken"]})
    response = client.post(REPORT_URL["fr"], {"page_url": "/fr/", "kinds": ["broken"]}, follow=True)
    assert "Vous avez envoyé plusieurs signalements en peu de temps. Veuillez réessayer plus tard." in _messages(response)


@pytest.mark.parametrize("bad", ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)", ""])
def test_reports_never_redirect_off_site(db, bad):
    response = Client().post(REPORT_URL["en"], {"page_url": bad, "kinds": ["other"]})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert ProblemReport.objects.get().page_url == "/"


def test_overlong_details_are_refused(db):
    response = Client().post(REPORT_URL["en"], {"page_url": "/en/", "details": "x" * 1001}, follow=True)
    assert "Keep the description under 1,000 characters." in _messages(response)
    assert not ProblemReport.objects.exists()


def test_the_report_form_accepts_only_post(db):
    assert Client().get(REPORT_URL["en"]).status_code == 405


@pytest.mark.parametrize(("who", "status"), [("anonymous", 403), ("citizen", 403), ("staff", 200), ("superuser", 200)])
def test_triage_list_is_for_staff_only(db, who, status):
    client = Client()
    if who != "anonymous":
        client.force_login(
            UserFactory(is_staff=who == "staff", is_superuser=who == "superuser") if who != "citizen" else UserFactory()
        )
    assert client.get("/en/triage/problems/").status_code == status
    assert client.post("/en/triage/problems/", {"report": 1, "status": "done"}).status_code in (
        (403,) if status == 403 else (302, 404)
    )


def test_triage_lists_reports_filters_by_status_and_audits_status_changes(db):
    staff = UserFactory(is_staff=True, display_name="Triage Person")
    first = ProblemReport.objects.create(page_url="/en/directory/", page_title="Directory", language="en",
                                         kinds=["spelling"], details="Typo <script>alert(1)</script>")
    ProblemReport.objects.create(page_url="/fr/", page_title="Accueil", language="fr", kinds=["find"])
    client = Client()
    client.force_login(staff)
    html = client.get("/en/triage/problems/").content.decode()
    assert "Directory" in html and "Accueil" in html
    assert "It has a spelling mistake" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html

    response = client.post("/en/triage/problems/?status=new", {"report": first.pk, "status": "in_progress"}, follow=True)
    assert response.redirect_chain[-1][0] == "/en/triage/problems/?status=new"
    assert "Status updated." in _messages(response)
    first.refresh_from_db()
    assert first.status == "in_progress"
    (entry,) = audit_history(instance=first)
    assert (entry.action, entry.actor, entry.changes) == (AuditEntry.Action.UPDATE, staff, {"status": ["new", "in_progress"]})

    new_only = client.get("/en/triage/problems/?status=new").context["page_obj"].object_list
    assert [r.page_title for r in new_only] == ["Accueil"]

    response = client.post("/en/triage/problems/", {"report": first.pk, "status": "nonsense"}, follow=True)
    assert "Unknown status." in _messages(response)
    first.refresh_from_db()
    assert first.status == "in_progress"


def test_triage_answers_404_for_a_malformed_report_id(db):
    client = Client()
    client.force_login(UserFactory(is_staff=True))
    assert client.post("/en/triage/problems/", {"report": "abc", "status": "closed"}).status_code == 404
    assert client.post("/en/triage/problems/", {"status": "closed"}).status_code == 404


def test_triage_page_in_french(db):
    client = Client()
    client.force_login(UserFactory(is_staff=True))
    ProblemReport.objects.create(page_url="/fr/", language="fr", kinds=["find"])
    html = client.get("/fr/triage/problems/").content.decode()
    assert "Signalements de problèmes" in html and "Je ne trouve pas ce que je cherche" in html
    assert "Nouveau" in html and "En cours" in html


def test_rate_limit_key_cannot_be_forged_behind_the_proxy(rf, settings):
    from carrefour.core.ratelimit import client_ip

    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.post("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "203.0.113.9"  # the hop the proxy appended, not the client's claim
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"  # without a trusted proxy the header is ignored


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "198.51.100.7", "10.0.0.2"),
        (1, "", "10.0.0.2"),  # no header: the connection's address
        (1, "198.51.100.7", "198.51.100.7"),
        (2, "1.2.3.4, 198.51.100.7, 172.16.0.9", "198.51.100.7"),  # CDN then load balancer
        (2, "198.51.100.7", "198.51.100.7"),  # the request skipped the outer proxy
        (1, "not-an-address", "10.0.0.2"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address_behind_trusted_proxies(rf, settings, count, forwarded, expected):
    from carrefour.core.ratelimit import client_ip

    settings.TRUSTED_PROXY_COUNT = count
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    assert client_ip(rf.post("/", REMOTE_ADDR="10.0.0.2", **extra)) == expected


def test_rate_limit_parsing():
    from carrefour.core.ratelimit import parse_rate

    assert parse_rate("5/10m") == (5, 600)
    assert parse_rate("30/m") == (30, 60)
    assert parse_rate("100/d") == (100, 86400)
