"""List (or, with --delete, remove) experiment files that no record points to."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand

from carrefour.experiments.services import private_files_unreferenced


class Command(BaseCommand):
    help = ("List files in the experiments' private storage that no dataset or randomization refers to "
            "(left by a process killed mid-upload); --delete removes them.")

    def add_arguments(self, parser):
        parser.add_argument("--older-than-hours", type=float, default=24.0,
                            help="only files untouched for this long (default 24): uploads in progress are younger")
        parser.add_argument("--delete", action="store_true", help="remove them (otherwise only list them)")

    def handle(self, *args, older_than_hours: float, delete: bool, **options):
        files = private_files_unreferenced(older_than=datetime.timedelta(hours=older_than_hours))
        total = 0
        for path in files:
            size = path.stat().st_size
            total += size
            if delete:
                path.unlink(missing_ok=True)
            self.stdout.write(f"{'removed' if delete else 'unreferenced'}\t{size}\t{path}")
        verb = "Removed" if delete else "Found"
        self.stdout.write(f"{verb} {len(files)} unreferenced file(s), {total / 1024 / 1024:,.1f} MB.")
