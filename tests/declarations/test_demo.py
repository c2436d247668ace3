"""The demo's FPT declaration: every endorsing government has a signatory, named and titled in both languages."""

from __future__ import annotations

import pytest

from carrefour.declarations.models import Declaration
from carrefour.directory.models import Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    from carrefour.declarations import demo as declarations_demo
    from carrefour.directory import demo as directory_demo

    directory_demo.load()
    declarations_demo.load()
    return Declaration.objects.get(slug="fpt-public-sector-innovation")


def test_every_endorsing_jurisdiction_has_a_signatory_in_both_languages(demo):
    endorsements = list(demo.endorsements.select_related("jurisdiction"))
    assert endorsements
    signatories = {
        m.jurisdiction_id: m.user
        for m in Membership.objects.filter(team=demo.team, role=Role.SIGNATORY).select_related("user")
    }
    for e in endorsements:
        assert e.jurisdiction_id in signatories, e.jurisdiction.code
        assert e.signatory_title_en and e.signatory_title_fr, e.jurisdiction.code
        assert e.signatory_title_en != e.signatory_title_fr, e.jurisdiction.code
        # A person's name, not an office, nor the jurisdiction's name.
        assert e.signatory_name not in (e.signatory_title_en, e.signatory_title_fr, e.jurisdiction.name_en)
        assert len(e.signatory_name.split()) >= 2
    demo_accounts = [u.email for u in signatories.values() if not u.email.endswith(("@ontario.ca", "@gov.bc.ca"))]
    assert all(email.endswith("@carrefour.example") for email in demo_accounts)


def test_the_privy_council_clerk_reads_in_each_language(client, demo):
    ca = demo.endorsements.get(jurisdiction__code="ca")
    assert (ca.signatory_title_en, ca.signatory_title_fr) == (
        "Clerk of the Privy Council and Secretary to the Cabinet", "Greffière du Conseil privé et secrétaire du Cabinet")
    page = client.get(demo.get_absolute_url().replace("/en/", "/fr/")).content.decode()
    assert "Greffière du Conseil privé et secrétaire du Cabinet" in page
