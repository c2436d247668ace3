"""Compile every app's French catalogue (.po → .mo) in pure Python: no GNU gettext needed."""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    count = 0
    for po_path in sorted((ROOT / "src" / "carrefour").glob("*/locale/*/LC_MESSAGES/django.po")):
        catalogue = polib.pofile(str(po_path))
        catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
        count += 1
    print(f"compiled {count} catalogues")
    return 0


if __name__ == "__main__":
    sys.exit(main())
