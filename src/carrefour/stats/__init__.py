"""Carrefour's statistics engine: design, randomization, estimation and meta-analysis.

Pure Python (numpy, scipy, DuckDB, SQLGlot); it knows nothing of Django. The platform
calls :func:`analyze`, :func:`power`, :func:`randomize` and :func:`meta_analysis`; the
command line ``carrefour`` (:mod:`carrefour.stats.cli`) exposes the same functions.
"""

from __future__ import annotations

from .analysis import SRM, AnalysisResult, OutcomeResult, SubgroupResult, analyze
from .design import PowerResult, power
from .errors import StatsError
from .estimate import Effect
from .meta import MetaResult, Pooled, meta_analysis
from .multitest import adjust_p_values
from .randomize import BalanceRow, RandomizationResult, complete_assignment, randomize
from .sources import DuckDBSource, PostgresSource, Source, SparkSource, open_source

__version__ = "1.0.0"

__all__ = [
    "SRM",
    "AnalysisResult",
    "BalanceRow",
    "PowerResult",
    "RandomizationResult",
    "DuckDBSource",
    "Effect",
    "MetaResult",
    "OutcomeResult",
    "Pooled",
    "PostgresSource",
    "Source",
    "SparkSource",
    "StatsError",
    "SubgroupResult",
    "__version__",
    "adjust_p_values",
    "analyze",
    "complete_assignment",
    "meta_analysis",
    "open_source",
    "power",
    "randomize",
]
