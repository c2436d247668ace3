"""Recompute every stored What works group from the published results."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from carrefour.experiments.services.evidence import evidence_rebuild


class Command(BaseCommand):
    help = ("Recompute every stored What works pooling (each intervention type × outcome domain × outcome "
            "scale, for each audience) from the published results. Publishing a result or changing who may "
            "see it recomputes its groups in the task worker; run this after restoring or importing data.")

    def handle(self, *args, **options):
        count = evidence_rebuild()
        self.stdout.write(f"{count} evidence groups stored")
