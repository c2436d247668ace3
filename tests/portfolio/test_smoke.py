from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_public_pages_render(client, portfolio_demo, lang):
    from carrefour.portfolio.models import Initiative

    initiative = Initiative.objects.get(title_en="Business Number")
    urls = [
        f"/{lang}/portfolio/", f"/{lang}/portfolio/?facet=mission&stage=testing", f"/{lang}/portfolio/new/?since=2017-04-01",
        f"/{lang}/portfolio/tables/", f"/{lang}/portfolio/tables/fpt-dm-service/", f"/{lang}/portfolio/initiatives/{initiative.pk}/",
        f"/{lang}/portfolio/tables/fpt-dm-service/report/?start=2017-04-01&end=2018-03-31", f"/{lang}/portfolio/assessment/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
