"""Migration 0004: the single signatory title stored so far becomes the English and the French title."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("declarations", "0003_invitation_reminders")]
AFTER = [("declarations", "0004_signatory_title_bilingual")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_old_title_is_copied_to_both_languages():
    apps = _migrate(BEFORE)
    Declaration = apps.get_model("declarations", "Declaration")
    Endorsement = apps.get_model("declarations", "Endorsement")
    Jurisdiction = apps.get_model("directory", "Jurisdiction")
    d = Declaration.objects.create(slug="m-0004", short_name_en="M", short_name_fr="M", title_en="T", title_fr="T",
                                   visibility="public")
    j = Jurisdiction.objects.create(code="m-j", kind="provincial", name_en="Province", name_fr="Province")
    Endorsement.objects.create(declaration=d, jurisdiction=j, signatory_name="Pat Doe",
                               signatory_title="Clerk of the Executive Council", endorsed_on=datetime.date(2017, 11, 1))
    try:
        apps = _migrate(AFTER)
        e = apps.get_model("declarations", "Endorsement").objects.get(declaration__slug="m-0004")
        assert (e.signatory_title_en, e.signatory_title_fr) == ("Clerk of the Executive Council",
                                                                "Clerk of the Executive Council")
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
