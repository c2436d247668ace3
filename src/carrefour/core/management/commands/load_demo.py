"""Load the demo data drawn from the seeds: every domain's demo loader, in DOMAINS order."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from carrefour.core.domains import domains


class Command(BaseCommand):
    help = "Load Carrefour's demo data (idempotent: running it twice changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--only", help="comma-separated domain labels to load", default="")

    def handle(self, *args, only: str = "", **options):
        loaders = [(d.label, d.demo_loader()) for d in domains() if d.demo]
        wanted = [label for label in only.split(",") if label]
        unknown = sorted(set(wanted) - {label for label, _ in loaders})
        if unknown:
            raise CommandError(f"no demo data for: {', '.join(unknown)}")
        # Rate limits and other shared state live in the database cache table.
        call_command("createcachetable", verbosity=0)
        for label, load in loaders:
            if wanted and label not in wanted:
                continue
            self.stdout.write(f"Loading {label}…")
            load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
