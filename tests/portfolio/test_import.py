"""CSV bulk import of initiatives: row by row validation, a rejection report, all or nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carrefour.core.exceptions import ApplicationError
from carrefour.core.models import AuditEntry
from carrefour.portfolio import services
from carrefour.portfolio.models import Initiative
from tests.directory.factories import JurisdictionFactory
from tests.portfolio.factories import make_priority, make_world

pytestmark = pytest.mark.django_db

HEADER = "title_en,title_fr,summary_en,summary_fr,lead_jurisdiction,partner_jurisdictions,priority,facets,stage,status,start_date,end_date,commitments\n"
GOOD = (
    HEADER
    + "Tell Us Once for moves,Dites-le-nous une fois pour les déménagements,Change of address once,Changement d'adresse,on,bc;ns,Client-Centric Services,enhancement;mission,design,on_track,2018-01-01,2019-06-30,\n"
    + "Business registry APIs,API des registres d'entreprises,,,bc,,Service aux entreprises,adaptive,testing,at_risk,2018-02-01,,\n"
)
BAD = (
    HEADER
    + "Fine row,Ligne correcte,,,on,,,,idea,on_track,,,\n"
    + "Atlantis pilot,Projet Atlantide,,,atlantis,ns;zz,Space,luck,launch,great,2018-05-01,2018-01-01,\n"
)


@pytest.fixture
def world():
    """A table with the two priorities the files name (one by its French title), and BC and NS."""
    world = make_world()
    JurisdictionFactory(code="bc", name_en="British Columbia", name_fr="Colombie-Britannique")
    JurisdictionFactory(code="ns", name_en="Nova Scotia", name_fr="Nouvelle-Écosse")
    make_priority(world.table, actor=world.secretary, title_en="Client-Centric Services",
                  title_fr="Services axés sur le client")
    make_priority(world.table, actor=world.secretary, title_en="Service to Business", title_fr="Service aux entreprises")
    return world


def test_valid_file_creates_every_row_with_its_links(world):
    created = services.initiatives_import_csv(table=world.table, actor=world.secretary, content=GOOD.encode("utf-8-sig"))
    assert len(created) == 2
    moves = Initiative.objects.get(title_en="Tell Us Once for moves")
    assert moves.jurisdiction.code == "on" and moves.priority.title_en == "Client-Centric Services"
    assert sorted(moves.partner_jurisdictions.values_list("code", flat=True)) == ["bc", "ns"]
    assert sorted(moves.facets.values_list("code", flat=True)) == ["enhancement", "mission"]
    assert moves.table == world.table and moves.team == world.table.team
    assert Initiative.objects.get(title_en="Business registry APIs").priority.title_en == "Service to Business"
    assert AuditEntry.objects.filter(object_id=str(moves.pk), action="create", actor=world.secretary).exists()


def test_bad_rows_reject_the_whole_file_with_reasons(world):
    before = Initiative.objects.count()
    with pytest.raises(services.ImportRejected) as caught:
        services.initiatives_import_csv(table=world.table, actor=world.secretary, content=BAD)
    assert Initiative.objects.count() == before
    assert not Initiative.objects.filter(title_en="Fine row").exists()
    rows = dict(caught.value.extra["rows"])
    assert list(rows) == [3]
    reasons = " ".join(rows[3])
    for expected in ("unknown jurisdiction “atlantis”", "unknown jurisdiction “zz”", "“Space” is not a priority",
                     "unknown facet “luck”", "“launch” is not one of", "“great” is not one of",
                     "end date is before the start date"):
        assert expected in reasons


def test_missing_columns_and_empty_files_are_explained(world):
    with pytest.raises(ApplicationError, match="no column lead_jurisdiction"):
        services.initiatives_import_csv(table=world.table, actor=world.secretary, content="title_en\nX\n")
    with pytest.raises(ApplicationError, match="no initiative rows"):
        services.initiatives_import_csv(table=world.table, actor=world.secretary, content=HEADER)
    with pytest.raises(services.ImportRejected) as caught:
        services.initiatives_import_csv(table=world.table, actor=world.secretary,
                                        content=HEADER + "Same,,,,on,,,,,,,,\nsame,,,,on,,,,,,,,\n")
    assert caught.value.extra["rows"][0][0] == 3 and "twice" in caught.value.extra["rows"][0][1][0]


def test_only_table_editors_import(world):
    with pytest.raises(ApplicationError, match="Only the table's editors"):
        services.initiatives_import_csv(table=world.table, actor=world.member, content=GOOD)


def test_import_page_shows_the_rejection_report(client, world):
    client.force_login(world.secretary)
    url = f"/en/portfolio/tables/{world.table.slug}/import/"
    before = Initiative.objects.count()
    response = client.post(url, {"file": SimpleUploadedFile("initiatives.csv", BAD.encode(), "text/csv")})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Rejected rows" in html and "unknown jurisdiction “atlantis”" in html and "nothing was imported" in html
    assert Initiative.objects.count() == before
    response = client.post(url, {"file": SimpleUploadedFile("initiatives.csv", GOOD.encode(), "text/csv")})
    assert response.status_code == 302
    assert Initiative.objects.count() == before + 2


# What spreadsheets write: French Excel separates with semicolons, in Windows-1252 or UTF-8 with a BOM.

SEMICOLON = (
    HEADER.replace(",", ";")
    + "Tell Us Once, for moves;Dites-le-nous une fois, pour les déménagements;;;on;\"bc;ns\";"
      "Services axés sur le client;enhancement,mission;design;on_track;2018-01-01;;\n"
)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-8"])
def test_a_semicolon_separated_file_is_read_in_windows_or_utf8_encoding(world, encoding):
    created = services.initiatives_import_csv(table=world.table, actor=world.secretary,
                                              content=SEMICOLON.encode(encoding))
    assert [i.title_en for i in created] == ["Tell Us Once, for moves"]
    moves = created[0]
    assert moves.title_fr == "Dites-le-nous une fois, pour les déménagements"
    assert moves.priority.title_en == "Client-Centric Services"
    assert sorted(moves.partner_jurisdictions.values_list("code", flat=True)) == ["bc", "ns"]
    assert sorted(moves.facets.values_list("code", flat=True)) == ["enhancement", "mission"]


def test_a_tab_separated_file_is_read(world):
    content = HEADER.replace(",", "\t") + "Tabbed, pilot\tProjet\t\t\ton\t\t\t\tidea\ton_track\t\t\t\n"
    created = services.initiatives_import_csv(table=world.table, actor=world.secretary, content=content.encode())
    assert [i.title_en for i in created] == ["Tabbed, pilot"]


@pytest.mark.parametrize(("lang", "message"), [
    ("en", "neither UTF-8 nor Windows-1252"),
    ("fr", "ni en UTF-8 ni en Windows-1252"),
])
def test_a_file_in_neither_encoding_is_refused_with_a_clear_message(client, world, lang, message):
    client.force_login(world.secretary)
    # 0x81 and 0x8d are undefined in Windows-1252 and invalid alone in UTF-8.
    content = HEADER.encode() + b"Bad \x81\x8d bytes,,,,on,,,,,,,,\n"
    response = client.post(f"/{lang}/portfolio/tables/{world.table.slug}/import/",
                           {"file": SimpleUploadedFile("initiatives.csv", content, "text/csv")})
    errors = response.context["form"].errors["file"]
    assert [e for e in errors if message in e]
    assert not Initiative.objects.filter(title_en__startswith="Bad").exists()


@pytest.mark.parametrize(("lang", "delimiter", "title"), [
    ("en", ",", "Title in English (required)"),
    ("fr", ";", "Titre en anglais (obligatoire)"),
])
def test_the_template_has_the_stable_columns_and_an_example_that_imports(client, world, lang, delimiter, title):
    client.force_login(world.secretary)
    page = client.get(f"/{lang}/portfolio/tables/{world.table.slug}/import/").content.decode()
    url = f"/{lang}/portfolio/tables/{world.table.slug}/import/template.csv"
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    header, example = content.decode("utf-8-sig").splitlines()
    assert header.split(delimiter) == services.IMPORT_COLUMNS
    assert example.split(delimiter)[0] == title
    created = services.initiatives_import_csv(table=world.table, actor=world.secretary, content=content)
    assert [i.title_en for i in created] == [title]
    # The example names the table's first priority by its title in the page's language.
    assert created[0].priority == world.priority
    assert getattr(world.priority, f"title_{lang}") in example.split(delimiter)


def test_the_template_is_for_the_tables_editors(client, world):
    client.force_login(world.member)
    assert client.get(f"/en/portfolio/tables/{world.table.slug}/import/template.csv").status_code == 403
