"""Experiment pages: thin views that parse HTTP, call a service or selector, and render.

One module per part of the workflow; this package re-exports the views `urls.py` names.
"""

from carrefour.experiments.views.analysis import (
    analysis_detail,
    analysis_retry,
    analysis_start,
    analysis_status,
    analysis_url,
    data,
    data_table,
    dataset_status,
)
from carrefour.experiments.views.evidence import what_works, what_works_group
from carrefour.experiments.views.lists import ExperimentListView, index
from carrefour.experiments.views.plan import create, detail, edit, power_preview
from carrefour.experiments.views.randomization import assignment_download, randomize
from carrefour.experiments.views.registration import (
    deviation_create,
    disclose,
    register,
    registration,
    registration_json,
)
from carrefour.experiments.views.results import publish, results, results_download

__all__ = [
    "ExperimentListView",
    "analysis_detail",
    "analysis_retry",
    "analysis_start",
    "analysis_status",
    "analysis_url",
    "assignment_download",
    "create",
    "data",
    "data_table",
    "dataset_status",
    "detail",
    "deviation_create",
    "disclose",
    "edit",
    "index",
    "power_preview",
    "publish",
    "randomize",
    "register",
    "registration",
    "registration_json",
    "results",
    "results_download",
    "what_works",
    "what_works_group",
]
