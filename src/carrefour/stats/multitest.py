"""Multiple-testing adjustments, as statsmodels ``multipletests`` computes them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

METHODS = ("holm", "bh", "none")


def adjust_p_values(p_values: Sequence[float], method: str) -> list[float]:
    """Return adjusted p-values: Holm (1979) step-down or Benjamini–Hochberg (1995) step-up.

    Equal to ``multipletests(p, method="holm" | "fdr_bh")[1]``; ``none`` returns them as is.
    """
    if method not in METHODS:
        raise ValueError(f"unknown adjustment {method!r}")
    p = np.asarray(p_values, dtype=float)
    m = p.size
    if m == 0 or method == "none":
        return [float(x) for x in p]
    order = np.argsort(p, kind="mergesort")
    ranked = p[order]
    if method == "holm":
        adjusted = np.maximum.accumulate(ranked * np.arange(m, 0, -1))
    else:
        ecdf = np.arange(1, m + 1) / m  # the same operations as statsmodels
        adjusted = np.minimum.accumulate((ranked / ecdf)[::-1])[::-1]
    adjusted = np.minimum(adjusted, 1.0)
    out = np.empty(m)
    out[order] = adjusted
    return [float(x) for x in out]
