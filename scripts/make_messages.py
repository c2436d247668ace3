"""Extract every domain's French catalogue (core's and each of settings.DOMAINS), then compile them.

`make messages` runs this; the domains come from settings, so a new domain needs no edit here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carrefour.config.settings")
    sys.path.insert(0, str(ROOT / "src"))
    from django.conf import settings

    sys.path.insert(0, str(ROOT / "scripts"))
    import french_typography

    for locale in settings.LOCALE_PATHS:
        package = Path(locale).parent
        Path(locale).mkdir(exist_ok=True)
        subprocess.run(  # noqa: S603 - our own manage.py, arguments fixed here
            [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "fr", "--no-obsolete", "-v0",
             "--ignore=static", "--ignore=locale"],
            cwd=package, check=True,
        )
        print(f"extracted {package.relative_to(ROOT)}")
        # French spacing before : ? ! ; and inside « » (translators type ordinary spaces).
        french_typography.main([str(Path(locale) / "fr" / "LC_MESSAGES" / "django.po")])
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "compile_messages.py")], check=False).returncode  # noqa: S603


if __name__ == "__main__":
    sys.exit(main())
