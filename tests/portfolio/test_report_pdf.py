"""The progress report PDF: a title (metadata and on the page), the classification line at the top
and bottom of every page, status in words as well as colour, and no heading alone at a page's foot."""

from __future__ import annotations

import copy
import datetime
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from carrefour.portfolio import reports, services
from tests.portfolio.factories import make_achievement, make_initiative, make_priority, make_world

pytestmark = pytest.mark.django_db

START, END = datetime.date(2017, 4, 1), datetime.date(2018, 3, 31)
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
                                   reason="poppler-utils (pdftotext, pdfinfo) is not installed")


@pytest.fixture
def data():
    """A report of several pages: priorities with one to four initiatives each, in every status."""
    world = make_world()
    statuses = ["on_track", "at_risk", "blocked", "done"]
    for n in range(12):
        priority = make_priority(world.table, actor=world.secretary, title_en=f"Priority number {n}",
                                 title_fr=f"Priorité numéro {n}")
        for k in range(1 + n % 4):
            initiative = make_initiative(
                actor=world.secretary, jurisdiction=world.federal, table=world.table, priority=priority,
                title_en=f"Initiative {n}.{k}", title_fr=f"Initiative {n}.{k} (fr)", status=statuses[(n + k) % 4])
            for month in (5, 7, 9, 11):
                make_achievement(initiative, actor=world.secretary, date=datetime.date(2017, month, 1),
                                 text_en="A key achievement described in a sentence long enough to wrap once.",
                                 text_fr="Une réalisation clé décrite dans une phrase assez longue pour passer à la "
                                         "ligne.")
    services.priority_update(priority=world.priority, actor=world.secretary, data={"sort_order": 99})
    return reports.build_report(table=world.table, start=START, end=END, user=None)


def _pdf(tmp_path: Path, data, lang: str) -> Path:
    path = tmp_path / f"report-{lang}.pdf"
    path.write_bytes(reports.render_pdf(data, lang))
    return path


def _pages(path: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(path), "-"],
                           capture_output=True, text=True, check=True).stdout for n in range(1, count + 1)]


@needs_poppler
@pytest.mark.parametrize(("lang", "title"), [("en", "Progress report"), ("fr", "Rapport d'étape")])
def test_the_pdf_has_a_title_and_the_classification_on_every_page(tmp_path, data, lang, title):
    path = _pdf(tmp_path, data, lang)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    name = data["table"]["name"][lang]
    assert re.search(rf"^Title:\s+{re.escape(title)} — {re.escape(name)}$", info, re.M)
    pages = _pages(path)
    assert len(pages) >= 3
    assert title in pages[0] and name in pages[0]
    for text in pages:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines[0] == "UNCLASSIFIED / NON CLASSIFIÉ"
        assert lines[-1].startswith("UNCLASSIFIED / NON CLASSIFIÉ")  # the page number shares the line


@needs_poppler
def test_the_classification_comes_from_the_setting_and_is_escaped(tmp_path, data, settings):
    settings.REPORT_CLASSIFICATION = 'PROTECTED A / PROTÉGÉ A "</style>'
    pages = _pages(_pdf(tmp_path, data, "en"))
    for text in pages:
        assert text.count('PROTECTED A / PROTÉGÉ A "</style>') == 2
        assert "UNCLASSIFIED" not in text


@needs_poppler
@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["On track", "At risk", "Blocked", "Done"]),
    ("fr", ["En bonne voie", "À risque", "Bloquée", "Achevée"]),
])
def test_status_is_written_in_words_beside_its_colour(tmp_path, data, lang, words):
    text = "\n".join(_pages(_pdf(tmp_path, data, lang)))
    for word in words:
        assert f"● {word}" in text
    document = reports.render_document(data, lang)
    for code in ("on_track", "at_risk", "blocked", "done"):
        assert re.search(rf"\.cf-status-{code} {{ background: #[0-9a-f]{{6}}; color: #[0-9a-f]{{6}}; }}", document)


def _blocks(page) -> list:
    return [box for box in page._page_box.descendants()
            if box.element_tag in ("h1", "h2", "p", "li") and box.is_in_normal_flow()
            and type(box).__name__ == "BlockBox"]


def _headings_left_at_a_foot(document) -> list[int]:
    """Pages whose last heading is followed by nothing, or only by the start of a block that
    goes on over the page."""
    pages = [_blocks(page) for page in document.pages]
    found = []
    for number, blocks in enumerate(pages, start=1):
        following = {id(box.element) for box in pages[number]} if number < len(pages) else set()
        headings = [i for i, box in enumerate(blocks) if box.element_tag in ("h1", "h2")]
        if headings and not any(id(box.element) not in following for box in blocks[headings[-1] + 1:]):
            found.append(number)
    return found


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_heading_is_left_at_a_page_foot(data, lang):
    """Laid out again with the first priority one to five initiatives longer, so that headings fall
    at different heights of the page."""
    from weasyprint import HTML

    for extra in range(6):
        padded = copy.deepcopy(data)
        first = padded["sections"][0]["initiatives"]
        first.extend(copy.deepcopy(first[:1]) * extra)
        document = HTML(string=reports.render_document(padded, lang)).render()
        assert len(document.pages) >= 3
        assert _headings_left_at_a_foot(document) == [], f"{extra} more initiatives"
