from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.portfolio.factories import make_achievement, make_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_public_pages_render(client, lang):
    world = make_world()
    make_achievement(world.initiative, actor=world.secretary, date=timezone.localdate() - datetime.timedelta(days=2))
    slug = world.table.slug
    start = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    urls = [
        f"/{lang}/portfolio/", f"/{lang}/portfolio/?facet=mission&stage=testing", f"/{lang}/portfolio/new/?since={start}",
        f"/{lang}/portfolio/tables/", f"/{lang}/portfolio/tables/{slug}/", f"/{lang}/portfolio/initiatives/{world.initiative.pk}/",
        f"/{lang}/portfolio/tables/{slug}/report/?start={start}&end={timezone.localdate().isoformat()}",
        f"/{lang}/portfolio/assessment/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'lang="{lang}"' in response.content.decode(), url
