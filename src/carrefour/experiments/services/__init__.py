"""Experiment writes: plan, registration, deviations, randomization, data, analysis, publication.

One module per concern; this package re-exports their public names, so
`from carrefour.experiments import services` keeps working. Every write goes through
`carrefour.core.services` (audited). Registered plans are frozen, and registrations,
randomizations, datasets, analyses and publications are append-only. Statistics are
computed by `carrefour.stats` only.
"""

from carrefour.experiments import plan as plan_module
from carrefour.experiments.services.analysis import (
    LeaseLost,
    analyses_expire_stale,
    analysis_expire_if_stale,
    analysis_is_stale,
    analysis_lease,
    analysis_options,
    analysis_request,
    analysis_request_from_table,
    analysis_retry,
    analysis_run,
)
from carrefour.experiments.services.checks import (
    dataset_check,
    dataset_expire_if_stale,
    dataset_is_stale,
    datasets_expire_stale,
)
from carrefour.experiments.services.data import dataset_upload, planned_columns
from carrefour.experiments.services.files import (
    CHUNK,
    DATA_SUFFIXES,
    _limit_message,
    experiment_files_remove,
    private_files_unreferenced,
    private_root,
    store_file,
)
from carrefour.experiments.services.plan import (
    FREE_FIELDS,
    PLAN_MODEL_FIELDS,
    experiment_create,
    experiment_set_commitments,
    experiment_update,
    power_calculate,
    power_curve,
)
from carrefour.experiments.services.publication import publication_create
from carrefour.experiments.services.randomization import randomization_run
from carrefour.experiments.services.registration import (
    deviation_declare,
    experiment_register,
    plan_field_disclose,
    registration_verify,
)
from carrefour.experiments.services.tables import (
    TABLE_NAME,
    _open_table,
    analysis_table_name_check,
    table_checksum,
)

__all__ = [
    "CHUNK",
    "DATA_SUFFIXES",
    "LeaseLost",
    "FREE_FIELDS",
    "PLAN_MODEL_FIELDS",
    "TABLE_NAME",
    "_limit_message",
    "_open_table",
    "analyses_expire_stale",
    "analysis_expire_if_stale",
    "analysis_is_stale",
    "analysis_lease",
    "analysis_options",
    "analysis_request",
    "analysis_request_from_table",
    "analysis_retry",
    "analysis_run",
    "analysis_table_name_check",
    "dataset_check",
    "dataset_expire_if_stale",
    "dataset_is_stale",
    "dataset_upload",
    "datasets_expire_stale",
    "deviation_declare",
    "experiment_create",
    "experiment_files_remove",
    "experiment_register",
    "experiment_set_commitments",
    "experiment_update",
    "plan_field_disclose",
    "plan_module",
    "planned_columns",
    "power_calculate",
    "power_curve",
    "private_files_unreferenced",
    "private_root",
    "publication_create",
    "randomization_run",
    "registration_verify",
    "store_file",
    "table_checksum",
]
