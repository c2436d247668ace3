"""A table's progress report for a date range (seed 002's "progress to highlight"): page, PDF and CSV,
in English and French, on request or in the background."""

from __future__ import annotations

import csv
import datetime
import io

import pytest

from carrefour.portfolio import reports, services
from carrefour.portfolio.models import ProgressReport
from tests.portfolio.factories import make_achievement, make_initiative, make_priority, make_world

pytestmark = pytest.mark.django_db

START, END = datetime.date(2017, 4, 1), datetime.date(2018, 3, 31)
QUERY = "start=2017-04-01&end=2018-03-31"


@pytest.fixture
def world():
    """Two priorities in order, three initiatives of the table, one outside it, achievements in and out of range."""
    world = make_world()
    table, secretary = world.table, world.secretary
    first = world.priority
    services.priority_update(priority=first, actor=secretary, data={
        "title_en": "Identity Management", "title_fr": "Gestion de l'identité", "sort_order": 1,
        "champion": world.member, "champion_jurisdiction": world.ontario})
    second = make_priority(table, actor=secretary, title_en="Service to Business", title_fr="Service aux entreprises",
                           sort_order=2)
    services.initiative_update(initiative=world.initiative, actor=secretary, data={
        "title_en": "Trust Framework", "title_fr": "Cadre de confiance"})
    business = make_initiative(actor=secretary, jurisdiction=world.federal, table=table, priority=second,
                               title_en="Business Number", title_fr="Numéro d'entreprise")
    quiet = make_initiative(actor=secretary, jurisdiction=world.ontario, table=table, priority=second,
                            title_en="Quiet pilot", title_fr="Projet discret")
    outside = make_initiative(actor=world.outsider, jurisdiction=world.ontario, title_en="Housing pilot",
                              title_fr="Projet de logement")
    key = make_achievement(world.initiative, actor=secretary, date=datetime.date(2017, 6, 1),
                           text_en="Roadmap endorsed.", text_fr="Feuille de route approuvée.")
    later = make_achievement(business, actor=secretary, date=datetime.date(2018, 1, 15),
                             text_en="Adopted by three programs.", text_fr="Adopté par trois programmes.")
    before = make_achievement(business, actor=secretary, date=datetime.date(2016, 12, 1),
                              text_en="Before the period.", text_fr="Avant la période.")
    minor = make_achievement(business, actor=secretary, date=datetime.date(2017, 9, 1), is_key=False,
                             text_en="A minor step.", text_fr="Une petite étape.")
    make_achievement(outside, actor=world.outsider, date=datetime.date(2017, 7, 1), text_en="Outside the table.")
    services.decision_create(table=table, actor=secretary, data={
        "kind": "sought", "date": datetime.date(2018, 2, 1), "text_en": "Endorse the Declaration on Service",
        "text_fr": "Approuver la Déclaration sur le service"})
    world.extra.update(second=second, business=business, quiet=quiet, key=key, later=later, before=before, minor=minor)
    return world


def _url(world, lang: str) -> str:
    return f"/{lang}/portfolio/tables/{world.table.slug}/report/?{QUERY}"


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_english_page_shows_the_period_by_priority(client, world):
    html = client.get(_url(world, "en")).content.decode()
    assert html.index("Identity Management") < html.index("Service to Business")  # the table's order
    for text in ("Trust Framework", "Business Number", "Quiet pilot", "Roadmap endorsed.", "Adopted by three programs.",
                 "Endorse the Declaration on Service", "Decisions sought"):
        assert text in html, text
    assert f"Champion: {world.member} (Ontario)" in html
    for absent in ("Before the period.", "A minor step.", "Housing pilot", "Outside the table."):
        assert absent not in html, absent


def test_french_page_is_in_french(client, world):
    html = client.get(_url(world, "fr")).content.decode()
    assert 'lang="fr"' in html
    assert "Gestion de l&#x27;identité" in html and "Service aux entreprises" in html and "Cadre de confiance" in html
    assert "Feuille de route approuvée." in html and "Décisions demandées" in html
    assert "Identity Management" not in html and "Roadmap endorsed." not in html


@pytest.mark.parametrize(("lang", "header", "priority", "text"), [
    ("en", "Key achievement", "Identity Management", "Roadmap endorsed."),
    ("fr", "Réalisation clé", "Gestion de l'identité", "Feuille de route approuvée."),
])
def test_csv_in_both_languages(client, world, lang, header, priority, text):
    response = client.get(_url(world, lang) + "&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert header in rows[0]
    assert any(r[header] == text and priority in r.values() for r in rows)
    # One row per key achievement in the period, and one per initiative without any.
    later = world.extra["later"]
    assert sorted(r[header] for r in rows) == sorted([text, getattr(later, f"text_{lang}"), ""])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_pdf_in_both_languages(client, world, lang):
    response = client.get(_url(world, lang) + "&format=pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    document = reports.render_document(reports.build_report(table=world.table, start=START, end=END, user=None), lang)
    assert f'<html lang="{lang}">' in document
    assert ("Décisions demandées" if lang == "fr" else "Decisions sought") in document


def test_report_shows_only_what_the_reader_may_see(client, world):
    services.initiative_update(initiative=world.initiative, actor=world.secretary, data={"visibility": "members"})
    assert "Roadmap endorsed." not in client.get(_url(world, "en")).content.decode()
    client.force_login(world.member)
    assert "Roadmap endorsed." in client.get(_url(world, "en")).content.decode()


def test_large_report_runs_in_the_background_with_progress(client, world, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    monkeypatch.setattr(reports, "SYNC_LIMIT", 2)
    page = client.get(_url(world, "en")).content.decode()
    assert "prepared in the background" in page and "Sign in to prepare a large report." in page
    assert "Roadmap endorsed." not in page
    queue = f"/en/portfolio/tables/{world.table.slug}/report/queue/"
    client.post(queue, {"start": "2017-04-01", "end": "2018-03-31"})
    assert not ProgressReport.objects.exists()  # anonymous visitors do not queue work
    client.force_login(world.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(queue, {"start": "2017-04-01", "end": "2018-03-31"})
    job = ProgressReport.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.state == "done" and job.progress == 100 and job.data["counts"] == {"initiatives": 3, "achievements": 2}
    assert "Roadmap endorsed." in client.get(job.get_absolute_url()).content.decode()
    rows = _csv(client.get(f"/fr{job.get_absolute_url()[3:]}?format=csv"))
    assert "Réalisation clé" in rows[0]
    assert job.pdf_en and job.pdf_fr  # made by the task, served as stored files
    response = client.get(job.get_absolute_url() + "?format=pdf")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # Someone else's queued report is not theirs to read.
    client.force_login(world.member)
    assert client.get(job.get_absolute_url()).status_code == 404


def test_background_status_partial_polls_and_failures_are_shown(client, world, monkeypatch):
    job = ProgressReport.objects.create(table=world.table, start=START, end=END, progress=40)
    status = client.get(f"/en/portfolio/reports/{job.pk}/status/").content.decode()
    assert 'hx-trigger="every 2s"' in status and 'value="40"' in status and "Refresh" in status

    def boom(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(reports, "build_report", boom)
    from carrefour.portfolio.tasks import progress_report_task

    progress_report_task.call(report_id=job.pk)
    job.refresh_from_db()
    assert job.state == "failed" and "database went away" in job.error
    page = client.get(job.get_absolute_url()).content.decode()
    assert "could not be prepared" in page and "hx-trigger" not in page


def test_build_report_reports_progress(world):
    calls = []
    data = reports.build_report(table=world.table, start=START, end=END, user=None,
                                on_progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (3, 3)
    assert data["counts"] == {"initiatives": 3, "achievements": 2}
    assert [s["title"]["en"] for s in data["sections"]] == ["Identity Management", "Service to Business"]
    by_title = {i["title"]["en"]: i for s in data["sections"] for i in s["initiatives"]}
    assert [a["text"]["en"] for a in by_title["Business Number"]["achievements"]] == ["Adopted by three programs."]
    assert by_title["Quiet pilot"]["achievements"] == []


def test_pdfs_in_both_languages_are_made_side_by_side_as_they_would_be_one_by_one(world, monkeypatch):
    data = reports.build_report(table=world.table, start=START, end=END, user=None)
    monkeypatch.setattr(reports.os, "cpu_count", lambda: 2)
    done = []
    side_by_side = reports.render_pdfs(data, on_done=done.append)
    assert done == ["en", "fr"]
    monkeypatch.setattr(reports.os, "cpu_count", lambda: 1)
    one_by_one = reports.render_pdfs(data)
    for lang in ("en", "fr"):
        assert side_by_side[lang].startswith(b"%PDF")
        assert len(side_by_side[lang]) == len(one_by_one[lang]) == len(reports.render_pdf(data, lang))
    assert len(side_by_side["en"]) != len(side_by_side["fr"])  # each language its own document
