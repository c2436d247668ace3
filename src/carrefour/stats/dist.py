"""The few distribution functions the engine needs, straight from ``scipy.special``.

These are the functions ``scipy.stats`` itself calls (so results are identical), without
the second or more that importing ``scipy.stats`` costs every command-line run.
"""

from __future__ import annotations

from scipy import special


def t_sf(x: float, df: float) -> float:
    """Survival function of Student's t."""
    return float(special.stdtr(df, -x))


def t_isf(q: float, df: float) -> float:
    """Inverse survival function of Student's t."""
    return float(-special.stdtrit(df, q))


def t_ppf(q: float, df: float) -> float:
    """Quantile function of Student's t."""
    return float(special.stdtrit(df, q))


def f_sf(x: float, dfn: float, dfd: float) -> float:
    """Survival function of the F distribution."""
    return float(special.fdtrc(dfn, dfd, x))


def chi2_sf(x: float, df: float) -> float:
    """Survival function of the chi-square distribution."""
    return float(special.chdtrc(df, x))


def norm_sf(x: float) -> float:
    """Survival function of the standard normal."""
    return float(special.ndtr(-x))


def norm_cdf(x: float) -> float:
    """Distribution function of the standard normal."""
    return float(special.ndtr(x))


def norm_isf(q: float) -> float:
    """Inverse survival function of the standard normal."""
    return float(-special.ndtri(q))
