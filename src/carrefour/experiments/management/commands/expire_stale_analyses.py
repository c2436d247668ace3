"""Mark running analyses and file checks whose worker stopped (no heartbeat within the lease) as failed."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from carrefour.experiments.services import analyses_expire_stale, datasets_expire_stale


class Command(BaseCommand):
    help = ("Mark as failed every running analysis whose worker stopped reporting (no heartbeat within "
            "ANALYSIS_LEASE_SECONDS), so that its team can retry it, and refuse every uploaded file whose "
            "checks stopped the same way, so that its team can upload it again. Run it periodically, with "
            "the task worker.")

    def handle(self, *args, **options):
        count = analyses_expire_stale()
        files = datasets_expire_stale()
        self.stdout.write(f"{count} stale analyses marked failed, {files} stale file checks refused")
