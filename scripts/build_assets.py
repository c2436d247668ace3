"""Copy the front-end packages from node_modules into build/static, with no CDN reference left.

The GC Design System stylesheet imports its fonts from a CDN; Carrefour serves every
asset itself (the CSP forbids other origins), so the fonts come from @gcds-core/fonts.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
OUT = ROOT / "build" / "static" / "vendor"

FONT_FAMILIES = {
    "lato": "gcds-lato.css",
    "noto-sans": "gcds-noto-sans.css",
    "noto-sans-mono": "gcds-noto-sans-mono.css",
    "icons": "gcds-icons.css",
}


def main() -> int:
    gcds_dist = NODE / "@gcds-core" / "components" / "dist" / "gcds"
    fonts = NODE / "@gcds-core" / "fonts" / "fonts"
    htmx = NODE / "htmx.org" / "dist" / "htmx.min.js"
    for path in (gcds_dist, fonts, htmx):
        if not path.exists():
            print(f"missing {path}: run `npm ci` first", file=sys.stderr)
            return 1
    if OUT.exists():
        shutil.rmtree(OUT)
    (OUT / "gcds").mkdir(parents=True)
    for item in gcds_dist.iterdir():
        if item.suffix == ".js":
            shutil.copy2(item, OUT / "gcds" / item.name)

    css = (gcds_dist / "gcds.css").read_text(encoding="utf-8")
    css = re.sub(r"@import url\([^)]*\);", "", css)
    css = re.sub(r"@font-face\{[^}]*gcds-icons[^}]*\}", "", css)
    if "https://" in css or "http://" in css:
        print("gcds.css still references a remote URL", file=sys.stderr)
        return 1

    font_css = []
    for family, sheet in FONT_FAMILIES.items():
        src = fonts / family
        dest = OUT / "fonts" / family
        dest.mkdir(parents=True)
        for f in src.iterdir():
            if f.suffix in {".woff", ".woff2", ".ttf", ".eot", ".svg"}:
                shutil.copy2(f, dest / f.name)
        text = (src / sheet).read_text(encoding="utf-8")
        text = text.replace("path/to/file/", f"fonts/{family}/").replace("<path-to-file>/", f"fonts/{family}/")
        font_css.append(text)
    (OUT / "gcds.css").write_text("\n".join(font_css) + "\n" + css, encoding="utf-8")
    shutil.copy2(htmx, OUT / "htmx.min.js")
    print(f"front-end assets written to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
