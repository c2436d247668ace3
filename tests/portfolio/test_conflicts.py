"""Two people edit one initiative: changes to different fields merge, the same field shows both values.

The conflict page speaks the reader's language: field labels, choices' names, local times.
"""

from __future__ import annotations

import re

import pytest
from django.utils import formats, timezone, translation
from django.utils.html import escape

from carrefour.core.exceptions import EditConflict
from carrefour.core.models import AuditEntry
from carrefour.portfolio import services
from carrefour.portfolio.models import Initiative
from tests.portfolio.factories import make_world
from tests.portfolio.test_rules import _form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _fresh(world) -> Initiative:
    return Initiative.objects.get(pk=world.initiative.pk)


def _full(initiative: Initiative, **changes) -> dict:
    """What the edit form sends to the service: every field it shows."""
    data = {name: getattr(initiative, name) for name in (
        "title_en", "title_fr", "summary_en", "summary_fr", "jurisdiction", "table", "priority", "stage", "status",
        "start_date", "end_date", "visibility")}
    data["partner_jurisdictions"] = list(initiative.partner_jurisdictions.all())
    data.update(changes)
    return data


# The service ------------------------------------------------------------------------------------


def test_changes_to_different_fields_are_merged(world):
    loaded = _fresh(world)
    version = loaded.version
    services.initiative_update(initiative=_fresh(world), actor=world.secretary, data={"status": "at_risk"},
                               expected_version=version)
    result = services.initiative_update_merged(initiative=_fresh(world), actor=world.secretary,
                                               data=_full(loaded, summary_en="Mine"), expected_version=version)
    assert result.kept == ("status",) and result.saved == ("summary_en",)
    saved = _fresh(world)
    assert (saved.status, saved.summary_en) == ("at_risk", "Mine")
    assert saved.version == version + 2
    last = AuditEntry.objects.filter(object_id=str(saved.pk), action="update").order_by("-at", "-id").first()
    assert last.changes == {"summary_en": ["", "Mine"]}


def test_the_same_field_changed_both_ways_is_refused_with_both_values(world):
    loaded = _fresh(world)
    version = loaded.version
    services.initiative_update(initiative=_fresh(world), actor=world.secretary,
                               data={"summary_en": "Theirs", "status": "blocked"}, expected_version=version)
    with pytest.raises(EditConflict) as caught:
        services.initiative_update_merged(initiative=_fresh(world), actor=world.secretary,
                                          data=_full(loaded, summary_en="Mine"), expected_version=version)
    extra = caught.value.extra
    assert extra["conflicts"] == [{"field": "summary_en", "theirs": "Theirs", "mine": "Mine"}]
    assert extra["kept"] == {"status": "blocked"} and extra["version"] == version + 1
    assert _fresh(world).summary_en == "Theirs"


def test_the_same_change_made_twice_is_no_conflict(world):
    loaded = _fresh(world)
    version = loaded.version
    services.initiative_update(initiative=_fresh(world), actor=world.secretary, data={"stage": "testing"},
                               expected_version=version)
    result = services.initiative_update_merged(initiative=_fresh(world), actor=world.secretary,
                                               data=_full(loaded, stage="testing", title_en="Renamed"),
                                               expected_version=version)
    assert result.saved == ("title_en", "stage") and not result.kept
    assert (_fresh(world).stage, _fresh(world).title_en) == ("testing", "Renamed")


# The pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "said"), [("en", "someone else changed Status: their changes were kept"),
                                             ("fr", "une autre personne a modifié État\u00a0: ses modifications")])
def test_the_page_saves_mine_over_theirs_and_says_what_was_merged(client, world, lang, said):
    initiative = _fresh(world)
    stale = _form_data(initiative, summary_en="My summary")
    client.force_login(world.secretary)
    url = f"/{lang}/portfolio/initiatives/{initiative.pk}/edit/"
    assert client.post(url, _form_data(initiative, status="blocked")).status_code == 302
    response = client.post(url, stale, follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert said in shown[-1]
    saved = _fresh(world)
    assert (saved.status, saved.summary_en) == ("blocked", "My summary")


def _section(html: str) -> str:
    start = html.index('aria-labelledby="conflict-title"')
    return html[start:html.index("</section>", start)]


@pytest.mark.parametrize(("lang", "field", "status", "stage"), [
    ("en", "Summary (English)", "At risk", "Testing"),
    ("fr", "Résumé (anglais)", "À risque", "Mise à l'essai"),
])
def test_the_conflict_page_shows_both_values_in_the_readers_words_and_keeps_my_text(client, world, lang, field,
                                                                                    status, stage):
    initiative = _fresh(world)
    stale = _form_data(initiative, summary_en="My careful summary", title_en="My title")
    client.force_login(world.secretary)
    url = f"/{lang}/portfolio/initiatives/{initiative.pk}/edit/"
    assert client.post(url, _form_data(initiative, summary_en="Their summary", status="at_risk",
                                       stage="testing")).status_code == 302
    response = client.post(url, stale)
    assert response.status_code == 409
    html = response.content.decode()
    section = _section(html)
    # The field both changed, with both values.
    assert response.context["conflict_fields"] == [
        {"name": "summary_en", "field": field, "theirs": "Their summary", "mine": "My careful summary"}]
    assert f'<th scope="row">{field}</th><td>Their summary</td><td>My careful summary</td>' in section
    # Their other changes: labels and choices' names, never codes.
    assert f'<ins class="cf-diff-ins">{escape(status)}</ins>' in section
    assert f'<ins class="cf-diff-ins">{escape(stage)}</ins>' in section
    assert "at_risk" not in section and "testing" not in section and "on_track" not in section
    # When: the local time, formatted for the language (not the stored UTC).
    entry = AuditEntry.objects.filter(object_id=str(initiative.pk), action="update").get()
    with translation.override(lang):
        local = formats.date_format(timezone.localtime(entry.at), "DATETIME_FORMAT")
    assert local in section
    assert entry.at.isoformat()[:16].replace("T", " ") not in section
    # My text stays in the form, which now carries the current version and their other changes.
    form = response.context["form"]
    assert form["summary_en"].value() == "My careful summary" and form["title_en"].value() == "My title"
    assert form["status"].value() == "at_risk" and form["stage"].value() == "testing"
    assert re.search(rf'name="version" value="{initiative.version + 1}"', html)
    assert _fresh(world).summary_en == "Their summary"


def test_sending_the_form_again_after_a_conflict_keeps_their_other_changes(client, world):
    initiative = _fresh(world)
    stale = _form_data(initiative, summary_en="Mine")
    client.force_login(world.secretary)
    url = f"/en/portfolio/initiatives/{initiative.pk}/edit/"
    assert client.post(url, _form_data(initiative, summary_en="Theirs", status="blocked")).status_code == 302
    form = client.post(url, stale).context["form"]
    again = {name: form[name].value() for name in stale}
    again["version"] = form["version"].value()
    assert client.post(url, again).status_code == 302
    saved = _fresh(world)
    assert (saved.summary_en, saved.status) == ("Mine", "blocked")
