"""Load the demo data drawn from the seeds: every app's `demo.load()`, in dependency order."""

from __future__ import annotations

from importlib import import_module

from django.core.management import call_command
from django.core.management.base import BaseCommand

DEMO_APPS = ["directory", "declarations", "consultations", "portfolio", "experiments", "opendata"]


class Command(BaseCommand):
    help = "Load Carrefour's demo data (idempotent: running it twice changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--only", help="comma-separated apps to load", default="")

    def handle(self, *args, only: str = "", **options):
        wanted = [a for a in only.split(",") if a] or DEMO_APPS
        # Rate limits and other shared state live in the database cache table.
        call_command("createcachetable", verbosity=0)
        for app in DEMO_APPS:
            if app not in wanted:
                continue
            try:
                module = import_module(f"carrefour.{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"carrefour.{app}.demo":
                    raise
                continue
            self.stdout.write(f"Loading {app}…")
            module.load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
