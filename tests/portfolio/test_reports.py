"""Seed 002's progress table "since April 2017", as page, PDF and CSV, in English and French."""

from __future__ import annotations

import csv
import io

import pytest

from carrefour.portfolio import reports
from carrefour.portfolio.models import ProgressReport

pytestmark = pytest.mark.django_db

SINCE_APRIL_2017 = "start=2017-04-01&end=2018-03-31"
URL = "/{lang}/portfolio/tables/fpt-dm-service/report/?" + SINCE_APRIL_2017


def _csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_english_page_reproduces_the_progress_table(client, portfolio_demo):
    html = client.get(URL.format(lang="en")).content.decode()
    for priority in ("Identity Management", "Data Driven Intelligence", "Open Data", "Client-Centric Services",
                     "Service to Business"):
        assert priority in html
    for initiative in ("Pan-Canadian Trust Framework (PCTF)", "Canada&#x27;s Digital Interchange (CDI)", "Business Number",
                       "Expedited Business Start", "Death Notification", "Service Network Collaboration"):
        assert initiative in html
    assert "Released DIY Open Data Toolkit for municipalities." in html
    assert "Acceleration team exploring pilots to advance EBS." in html
    assert "Champion:" in html
    assert "Decisions sought" in html and "Declaration on Service" in html
    # Before the period: left out. Other jurisdictions' initiatives outside the table: left out.
    assert "BN adopted by three more provincial programs." not in html
    assert "Peel housing" not in html
    # Priorities come in the table's order.
    assert html.index("Identity Management") < html.index("Data Driven Intelligence") < html.index("Service to Business")


def test_french_page_is_in_french(client, portfolio_demo):
    html = client.get(URL.format(lang="fr")).content.decode()
    assert 'lang="fr"' in html
    assert "Gestion de l&#x27;identité" in html and "Service aux entreprises" in html
    assert "Cadre de confiance pancanadien (CCP)" in html
    assert "Publication de la trousse « Données ouvertes à faire soi-même » pour les municipalités." in html
    assert "Décisions demandées" in html
    assert "Identity Management" not in html


@pytest.mark.parametrize(("lang", "header", "priority", "text"), [
    ("en", "Key achievement", "Identity Management", "Identity management roadmap endorsed by the Joint Councils and DMs' Table."),
    ("fr", "Réalisation clé", "Gestion de l'identité", "Feuille de route sur la gestion de l'identité approuvée par les Conseils mixtes et la Table des SM."),
])
def test_csv_in_both_languages(client, portfolio_demo, lang, header, priority, text):
    response = client.get(URL.format(lang=lang) + "&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert header in rows[0]
    assert any(r[header] == text and priority in r.values() for r in rows)
    # Every initiative of the table appears; one row per key achievement in the period.
    assert len(rows) == 16
    assert len({r[next(iter(r))] for r in rows}) == 5  # five priorities


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_pdf_in_both_languages(client, portfolio_demo, lang):
    response = client.get(URL.format(lang=lang) + "&format=pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    document = reports.render_document(
        reports.build_report(table=portfolio_demo, start=__import__("datetime").date(2017, 4, 1),
                             end=__import__("datetime").date(2018, 3, 31), user=None), lang)
    assert f'<html lang="{lang}">' in document
    assert ("Décisions demandées" if lang == "fr" else "Decisions sought") in document


def test_report_shows_only_what_the_reader_may_see(client, portfolio_demo, amelie):
    from carrefour.portfolio.models import Initiative

    Initiative.objects.filter(title_en="Death Notification").update(visibility="members")
    assert "Journey mapping completed" not in client.get(URL.format(lang="en")).content.decode()
    client.force_login(amelie)
    assert "Journey mapping completed" in client.get(URL.format(lang="en")).content.decode()


def test_large_report_runs_in_the_background_with_progress(client, portfolio_demo, monkeypatch, amelie,
                                                           django_capture_on_commit_callbacks):
    monkeypatch.setattr(reports, "SYNC_LIMIT", 3)
    page = client.get(URL.format(lang="en")).content.decode()
    assert "prepared in the background" in page and "Sign in to prepare a large report." in page
    assert "Released DIY Open Data Toolkit" not in page
    client.post("/en/portfolio/tables/fpt-dm-service/report/queue/", {"start": "2017-04-01", "end": "2018-03-31"})
    assert not ProgressReport.objects.exists()  # anonymous visitors do not queue work
    client.force_login(amelie)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/portfolio/tables/fpt-dm-service/report/queue/",
                               {"start": "2017-04-01", "end": "2018-03-31"})
    job = ProgressReport.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.state == "done" and job.progress == 100 and job.data["counts"]["initiatives"] == 8
    html = client.get(job.get_absolute_url()).content.decode()
    assert "Released DIY Open Data Toolkit for municipalities." in html
    rows = _csv(client.get(f"/fr{job.get_absolute_url()[3:]}?format=csv"))
    assert "Réalisation clé" in rows[0]
    assert job.pdf_en and job.pdf_fr  # made by the task, served as stored files
    response = client.get(job.get_absolute_url() + "?format=pdf")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_background_status_partial_polls_and_failures_are_shown(client, portfolio_demo, monkeypatch):
    job = ProgressReport.objects.create(table=portfolio_demo, start="2017-04-01", end="2018-03-31", progress=40)
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


def test_build_report_reports_progress(portfolio_demo):
    import datetime

    calls = []
    data = reports.build_report(table=portfolio_demo, start=datetime.date(2017, 4, 1), end=datetime.date(2018, 3, 31),
                                user=None, on_progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (8, 8)
    assert data["counts"] == {"initiatives": 8, "achievements": 16}
    assert [s["title"]["en"] for s in data["sections"]] == [
        "Identity Management", "Data Driven Intelligence", "Open Data", "Client-Centric Services", "Service to Business"]


def test_pdfs_in_both_languages_are_made_side_by_side_as_they_would_be_one_by_one(portfolio_demo, monkeypatch):
    import datetime

    data = reports.build_report(table=portfolio_demo, start=datetime.date(2017, 4, 1), end=datetime.date(2018, 3, 31),
                                user=None)
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
