from __future__ import annotations

import pytest

from carrefour.portfolio.models import Initiative

pytestmark = pytest.mark.django_db


def test_api_lists_visible_initiatives_with_filters(client, portfolio_demo, django_assert_max_num_queries):
    Initiative.objects.filter(title_en="Open Data").update(visibility="private")
    with django_assert_max_num_queries(8):
        data = client.get("/api/portfolio/initiatives/").json()
    titles = {i["title_en"] for i in data}
    assert "Open Data" not in titles and "Business Number" in titles
    nl = client.get("/api/portfolio/initiatives/?jurisdiction=nl").json()
    assert [i["title_en"] for i in nl] == ["Death Notification"]
    assert client.get("/api/portfolio/initiatives/?jurisdiction=atlantis").json() == []
    anticipatory = client.get("/api/portfolio/initiatives/?facet=anticipatory&stage=idea").json()
    assert [i["title_en"] for i in anticipatory] == ["Durham climate-ready infrastructure foresight"]


def test_api_initiative_detail_has_its_timeline(client, portfolio_demo):
    death = Initiative.objects.get(title_en="Death Notification")
    data = client.get(f"/api/portfolio/initiatives/{death.pk}/").json()
    assert data["lead_jurisdiction"] == "ca" and "nl" in data["partner_jurisdictions"]
    assert [a["date"] for a in data["achievements"]] == ["2017-08-15", "2018-01-12"]
    private = Initiative.objects.get(title_en="Open Data")
    Initiative.objects.filter(pk=private.pk).update(visibility="private")
    assert client.get(f"/api/portfolio/initiatives/{private.pk}/").status_code == 404
