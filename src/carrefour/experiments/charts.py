"""Server-rendered SVG charts (forest plot, power curve); each page also shows the data as a table."""

from __future__ import annotations

import hashlib
import math
from typing import Any

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from carrefour.core.numbers import format_number


def _fmt(value: float, decimals: int = 3) -> str:
    return format_number(value, decimals)  # correctly rounded (number_format truncates: 0.19889 → 0.198)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _chart_id(prefix: str, title: str) -> str:
    """An id stable for a title: several charts on one page (What works) need distinct ids."""
    return f"{prefix}-{hashlib.blake2s(title.encode(), digest_size=4).hexdigest()}"


def _scroll_box(svg: str, title_id: str) -> SafeString:
    """Wrap a chart in a box that scrolls on its own on a narrow screen, so the chart keeps its
    natural size (readable text) and the page does not scroll sideways. The box is focusable and
    named after the chart so that keyboard users can scroll it (WCAG 2.1.1)."""
    return mark_safe(  # noqa: S308 - svg is built from escaped text only
        f'<div class="cf-scroll cf-chart-scroll" role="region" tabindex="0" aria-labelledby="{title_id}">{svg}</div>'
    )


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    span = high - low
    if span <= 0:
        return [low]
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = min((m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw), default=raw)
    start = math.ceil(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    return ticks


def _interval(est: float, lo: float, hi: float, decimals: int) -> str:
    return f"{escape(_fmt(est, decimals))} [{escape(_fmt(lo, decimals))}; {escape(_fmt(hi, decimals))}]"


def forest_plot(
    *,
    rows: list[dict[str, Any]],
    title: str,
    description: str,
    axis_label: str,
    pooled: dict[str, Any] | None = None,
    pooled_label: str = "",
    scale: float = 1.0,
    decimals: int = 2,
) -> SafeString:
    """A forest plot: one row per estimate (label, estimate, ci_low, ci_high, weight), and a pooled diamond.

    `scale` multiplies every value (100 shows proportions as percentage points). Two drawings of
    the same plot: the wide one (labels, intervals and numbers side by side) is the image
    assistive technologies read; on a narrow screen the stylesheet shows instead a narrow one,
    with each label and its numbers above its interval, at a size where its text stays readable
    (the wide one, shrunk to a phone, showed 4 px text).
    """
    items = [r for r in rows if r.get("estimate") is not None and r.get("ci_low") is not None]
    if not items:
        return mark_safe("")  # noqa: S308
    values = [v * scale for r in items for v in (r["ci_low"], r["ci_high"])]
    if pooled:
        values += [pooled["ci_low"] * scale, pooled["ci_high"] * scale]
    low, high = min([*values, 0.0]), max([*values, 0.0])
    pad = (high - low) * 0.08 or 1.0
    low, high = low - pad, high + pad
    max_w = max((r.get("weight") or 0 for r in items), default=0) or 1
    scaled = [
        (str(r["label"]), r["estimate"] * scale, r["ci_low"] * scale, r["ci_high"] * scale,
         4 + 6 * math.sqrt((r.get("weight") or max_w) / max_w))
        for r in items
    ]
    pooled_scaled = (pooled["estimate"] * scale, pooled["ci_low"] * scale, pooled["ci_high"] * scale) if pooled else None
    uid = _chart_id("fp", title)
    wide = _forest_wide(scaled, pooled_scaled, pooled_label, low, high, decimals, axis_label, uid, title, description)
    narrow = _forest_narrow(scaled, pooled_scaled, pooled_label, low, high, decimals, axis_label)
    return mark_safe(wide + narrow)  # noqa: S308 - every text went through escape()


def _forest_wide(items, pooled, pooled_label, low, high, decimals, axis_label, uid, title, description) -> str:
    label_w, plot_w, right_w, row_h, top = 300, 420, 170, 30, 20
    n_rows = len(items) + (2 if pooled else 0)
    height = top + n_rows * row_h + 50
    width = label_w + plot_w + right_w

    def x(v: float) -> float:
        return label_w + (v - low) / (high - low) * plot_w

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{uid}-title {uid}-desc" class="cf-forest cf-chart-wide">',
        f'<title id="{uid}-title">{escape(title)}</title><desc id="{uid}-desc">{escape(description)}</desc>',
        f'<line x1="{x(0):.1f}" y1="{top - 5}" x2="{x(0):.1f}" y2="{top + n_rows * row_h}" stroke="#555" stroke-dasharray="4 3"/>',
    ]
    for i, (label, est, lo, hi, size) in enumerate(items):
        y = top + i * row_h + row_h / 2
        parts.append(f'<text x="4" y="{y + 5:.1f}" font-size="14">{escape(_short(label, 42))}</text>')
        parts.append(f'<line x1="{x(lo):.1f}" y1="{y:.1f}" x2="{x(hi):.1f}" y2="{y:.1f}" stroke="#26374a" stroke-width="2"/>')
        parts.append(
            f'<rect x="{x(est) - size / 2:.1f}" y="{y - size / 2:.1f}" width="{size:.1f}" height="{size:.1f}" fill="#26374a"/>'
        )
        parts.append(
            f'<text x="{label_w + plot_w + 8}" y="{y + 5:.1f}" font-size="13">{_interval(est, lo, hi, decimals)}</text>'
        )
    if pooled:
        y = top + (len(items) + 1) * row_h
        est, lo, hi = pooled
        parts.append(f'<text x="4" y="{y + 5:.1f}" font-size="14" font-weight="bold">{escape(pooled_label)}</text>')
        parts.append(
            f'<polygon points="{x(lo):.1f},{y:.1f} {x(est):.1f},{y - 9:.1f} {x(hi):.1f},{y:.1f} {x(est):.1f},{y + 9:.1f}" fill="#af3c43"/>'
        )
        parts.append(
            f'<text x="{label_w + plot_w + 8}" y="{y + 5:.1f}" font-size="13" font-weight="bold">'
            f"{_interval(est, lo, hi, decimals)}</text>"
        )
    axis_y = top + n_rows * row_h + 5
    parts.append(f'<line x1="{label_w}" y1="{axis_y}" x2="{label_w + plot_w}" y2="{axis_y}" stroke="#333"/>')
    for t in _ticks(low, high):
        parts.append(f'<line x1="{x(t):.1f}" y1="{axis_y}" x2="{x(t):.1f}" y2="{axis_y + 5}" stroke="#333"/>')
        parts.append(
            f'<text x="{x(t):.1f}" y="{axis_y + 19}" font-size="12" text-anchor="middle">{escape(_fmt(t, decimals))}</text>'
        )
    parts.append(
        f'<text x="{label_w + plot_w / 2}" y="{axis_y + 40}" font-size="13" text-anchor="middle">{escape(axis_label)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _forest_narrow(items, pooled, pooled_label, low, high, decimals, axis_label) -> str:
    """The same plot drawn 360 units wide, for a phone: shown at about its natural size there, its
    smallest text is 13 units. Hidden from assistive technologies, which read the wide drawing."""
    width, margin, row_h, top = 360, 12, 58, 8
    plot_w = width - 2 * margin
    n_rows = len(items) + (1 if pooled else 0)
    height = top + n_rows * row_h + 56

    def x(v: float) -> float:
        return margin + (v - low) / (high - low) * plot_w

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-hidden="true" focusable="false" class="cf-forest-narrow cf-chart-narrow">',
    ]
    # The line of no effect, drawn beside each interval only: the labels above them stay clear.
    for i in range(n_rows):
        y = top + i * row_h + 46
        parts.append(f'<line x1="{x(0):.1f}" y1="{y - 11}" x2="{x(0):.1f}" y2="{y + 11}" stroke="#555" stroke-dasharray="4 3"/>')
    for i, (label, est, lo, hi, size) in enumerate(items):
        y0 = top + i * row_h
        y = y0 + 46
        parts.append(f'<text x="{margin}" y="{y0 + 15}" font-size="15">{escape(_short(label, 40))}</text>')
        parts.append(f'<text x="{margin}" y="{y0 + 32}" font-size="14" fill="#333">{_interval(est, lo, hi, decimals)}</text>')
        parts.append(f'<line x1="{x(lo):.1f}" y1="{y}" x2="{x(hi):.1f}" y2="{y}" stroke="#26374a" stroke-width="2"/>')
        parts.append(
            f'<rect x="{x(est) - size / 2:.1f}" y="{y - size / 2:.1f}" width="{size:.1f}" height="{size:.1f}" fill="#26374a"/>'
        )
    if pooled:
        y0 = top + len(items) * row_h
        y = y0 + 46
        est, lo, hi = pooled
        parts.append(f'<text x="{margin}" y="{y0 + 15}" font-size="15" font-weight="bold">{escape(_short(pooled_label, 40))}</text>')
        parts.append(
            f'<text x="{margin}" y="{y0 + 32}" font-size="14" font-weight="bold">{_interval(est, lo, hi, decimals)}</text>'
        )
        parts.append(
            f'<polygon points="{x(lo):.1f},{y} {x(est):.1f},{y - 9} {x(hi):.1f},{y} {x(est):.1f},{y + 9}" fill="#af3c43"/>'
        )
    axis_y = top + n_rows * row_h + 4
    parts.append(f'<line x1="{margin}" y1="{axis_y}" x2="{width - margin}" y2="{axis_y}" stroke="#333"/>')
    ticks = [t for t in _ticks(low, high, 3) if 30 <= x(t) <= width - 30]  # whole labels only
    for t in ticks:
        parts.append(f'<line x1="{x(t):.1f}" y1="{axis_y}" x2="{x(t):.1f}" y2="{axis_y + 5}" stroke="#333"/>')
        parts.append(
            f'<text x="{x(t):.1f}" y="{axis_y + 20}" font-size="13" text-anchor="middle">{escape(_fmt(t, decimals))}</text>'
        )
    parts.append(
        f'<text x="{width / 2}" y="{axis_y + 44}" font-size="14" text-anchor="middle">{escape(_short(axis_label, 44))}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def power_curve_svg(
    *, points: list[dict[str, float]], target: float, needed: int, title: str, description: str, x_label: str, y_label: str
) -> SafeString:
    """Power (0–1) against the control arm's size, with the target power and the solved size marked."""
    if not points:
        return mark_safe("")  # noqa: S308
    left, bottom, w, h, top = 60, 50, 520, 260, 15
    width, height = left + w + 20, top + h + bottom
    max_n = max(p["n"] for p in points)

    def x(n: float) -> float:
        return left + n / max_n * w

    def y(pw: float) -> float:
        return top + (1 - pw) * h

    path = " ".join(f"{'M' if i == 0 else 'L'}{x(p['n']):.1f},{y(p['power']):.1f}" for i, p in enumerate(points))
    uid = _chart_id("pc", title)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{uid}-title {uid}-desc" class="cf-power">',
        f'<title id="{uid}-title">{escape(title)}</title><desc id="{uid}-desc">{escape(description)}</desc>',
        f'<line x1="{left}" y1="{top + h}" x2="{left + w}" y2="{top + h}" stroke="#333"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + h}" stroke="#333"/>',
        f'<line x1="{left}" y1="{y(target):.1f}" x2="{left + w}" y2="{y(target):.1f}" stroke="#af3c43" stroke-dasharray="5 4"/>',
        f'<line x1="{x(needed):.1f}" y1="{top}" x2="{x(needed):.1f}" y2="{top + h}" stroke="#af3c43" stroke-dasharray="5 4"/>',
        f'<path d="{path}" fill="none" stroke="#26374a" stroke-width="3"/>',
    ]
    for t in (0, 0.2, 0.4, 0.6, 0.8, 1.0):
        parts.append(f'<text x="{left - 8}" y="{y(t) + 4:.1f}" font-size="12" text-anchor="end">{escape(_fmt(t, 1))}</text>')
    for t in _ticks(0, max_n, 4):
        parts.append(
            f'<text x="{x(t):.1f}" y="{top + h + 18}" font-size="12" text-anchor="middle">{escape(number_format(int(t), use_l10n=True, force_grouping=True))}</text>'
        )
    parts.append(f'<text x="{left + w / 2}" y="{top + h + 40}" font-size="13" text-anchor="middle">{escape(x_label)}</text>')
    parts.append(
        f'<text x="14" y="{top + h / 2}" font-size="13" text-anchor="middle" transform="rotate(-90 14 {top + h / 2})">{escape(y_label)}</text>'
    )
    parts.append("</svg>")
    return _scroll_box("".join(parts), f"{uid}-title")  # every text went through escape()
