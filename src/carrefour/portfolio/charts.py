"""Geometry for the server-rendered SVG charts (templates draw them; data tables accompany them)."""

from __future__ import annotations

from typing import Any

# Shades of the GC blue, light to dark; text switches to white on the darker half.
SHADES = ["#f1f2f3", "#d7e5f5", "#a9c9ec", "#6fa3da", "#26649f", "#1c3f63"]
STATUS_COLOURS = ["#26649f", "#b3590c", "#a62a1e", "#33701c"]  # on track, at risk, blocked, done


def _n(value: float) -> str:
    """A coordinate as SVG reads it. Templates localize floats: in French "235,0" is, to SVG, the
    list "235 0", one x per letter, and the labels scatter. A string is printed as it is."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def matrix_chart(matrix: dict[str, Any]) -> dict[str, Any]:
    label_w, cell_w, cell_h, head_h = 190, 92, 40, 34
    peak = matrix["max"] or 1
    rows = []
    for r, row in enumerate(matrix["rows"]):
        cells = []
        for c, value in enumerate(row["cells"]):
            level = 0 if value == 0 else 1 + min(4, int((value / peak) * 4.999))
            cells.append({
                "x": label_w + c * cell_w, "y": head_h + r * cell_h, "w": cell_w - 2, "h": cell_h - 2,
                "value": value, "fill": SHADES[level], "text": "#ffffff" if level >= 4 else "#1c1c1c",
                "tx": _n(label_w + c * cell_w + (cell_w - 2) / 2), "ty": _n(head_h + r * cell_h + cell_h / 2 + 5),
            })
        rows.append({"label": row["facet"].name.plain, "y": _n(head_h + r * cell_h + cell_h / 2 + 5), "cells": cells})
    heads = [{"label": str(s), "x": _n(label_w + c * cell_w + (cell_w - 2) / 2)} for c, s in enumerate(matrix["stages"])]
    return {"width": label_w + len(heads) * cell_w, "height": head_h + len(rows) * cell_h + 4, "rows": rows,
            "heads": heads, "head_y": head_h - 12}


def breakdown_chart(breakdown: list[dict[str, Any]], status_labels: list[str]) -> dict[str, Any]:
    label_w, bar_h, gap, width = 230, 22, 8, 420
    peak = max((row["total"] for row in breakdown), default=0) or 1
    bars = []
    for i, row in enumerate(breakdown):
        y = 10 + i * (bar_h + gap)
        x = label_w
        segments = []
        for s, value in enumerate(row["counts"]):
            w = value * width / peak
            if value:
                segments.append({"x": _n(x), "w": _n(w), "fill": STATUS_COLOURS[s], "label": status_labels[s], "value": value})
            x += w
        bars.append({"label": row["jurisdiction"].name.plain, "y": y, "ty": _n(y + bar_h / 2 + 5), "h": bar_h,
                     "segments": segments, "total": row["total"], "end": _n(x + 6)})
    legend_y = 10 + len(bars) * (bar_h + gap) + 8
    legend = [{"x": label_w + i * 110, "label": label, "fill": STATUS_COLOURS[i]} for i, label in enumerate(status_labels)]
    return {"width": label_w + width + 50, "height": legend_y + 26, "bars": bars, "legend": legend, "legend_y": legend_y}


def facet_bars(orientation: dict[str, float], actual: dict[str, float], facets: list[Any]) -> dict[str, Any]:
    """Two bars per facet: the self-assessed orientation and the actual mix of initiatives."""
    label_w, bar_h, width = 200, 16, 360
    groups = []
    for i, facet in enumerate(facets):
        y = 10 + i * 52
        o = orientation.get(facet.code, 0.0)
        a = actual.get(facet.code, 0.0)
        groups.append({"label": facet.name.plain, "y": y, "ty": y + bar_h + 4,
                       "o_w": _n(o * width), "a_w": _n(a * width), "o_y": y, "a_y": y + bar_h + 2,
                       "o": o, "a": a, "o_tx": _n(label_w + o * width + 6), "a_tx": _n(label_w + a * width + 6)})
    return {"width": label_w + width + 60, "height": 10 + len(facets) * 52 + 30, "groups": groups,
            "label_w": label_w, "legend_y": 10 + len(facets) * 52 + 10, "bar_h": bar_h}
