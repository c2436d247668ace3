"""Upload handling: files stream to a temporary file on disk, never whole into memory.

The handler also stops reading a file as soon as it passes `settings.UPLOAD_MAX_BYTES`, so
an oversized upload is refused with a clear message instead of filling the disk. Errors of
the statistics engine about a file reach people through `engine_message`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Write each chunk to a temporary file; stop past the size limit and flag the request."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        limit = int(settings.UPLOAD_MAX_BYTES)
        # The body includes the other fields and multipart boundaries: allow a little slack.
        if content_length and content_length > limit + 64 * 1024:
            self.request.upload_too_large = True
        return None

    def new_file(self, *args, **kwargs):
        self.received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if getattr(self.request, "upload_too_large", False) or self.received > int(settings.UPLOAD_MAX_BYTES):
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)


def use_streaming_upload(request) -> None:
    """Call before touching request.POST/FILES (the view must be csrf_exempt, then csrf_protect)."""
    request.upload_handlers = [LimitedTemporaryFileUploadHandler(request)]


# What a person reads for each error code of carrefour.stats: translated, built from the
# error's parameters only, so no server path, command-line option or engine text shows.
ENGINE_MESSAGES = {
    "file_missing": _("The data file is missing from storage."),
    "file_empty": _("The file is empty."),
    "not_data_file": _("The file is not a CSV or Parquet file."),
    "no_rows": _("The file has no rows."),
    "too_many_columns": _("The file has %(columns)s columns; at most %(limit)s are accepted."),
    "line_too_long": _("Line %(line)s of the file is longer than %(limit)s bytes."),
    "unclosed_quote": _("Line %(line)s of the file opens a quotation mark that is never closed."),
    "wrong_field_count": _("Line %(line)s of the file does not have as many fields as its header."),
    "malformed_line": _("Line %(line)s of the file cannot be read as CSV."),
    "not_utf8": _("Line %(line)s of the file is not UTF-8 text: save the file as “CSV UTF-8”."),
    "time_limit": _("Reading the file took longer than %(seconds)s seconds; nothing was stored."),
    "unreadable": _("The file cannot be read as CSV or Parquet."),
    "column_missing": _("The data has no column named “%(column)s”."),
    "not_numeric": _("Column “%(column)s” holds text, not numbers, so it cannot be an outcome or a covariate."),
    "no_complete_rows": _("No row is complete: every row has a missing value in a column the analysis uses."),
    "one_arm": _("Column “%(column)s” has only one arm (“%(arm)s”); at least two are needed."),
    "arm_without_rows": _("Arm “%(arm)s” has no complete rows."),
    "arm_too_small": _("Arm “%(arm)s” has fewer than 2 complete rows."),
    "control_unknown": _("The control arm “%(control)s” is not an arm of the data."),
    "allocation": _("The planned allocation does not match the arms of the data."),
    "constant_covariate": _("Covariate “%(column)s” is constant, so it cannot adjust anything; remove it."),
    "collinear_covariate": _("Covariate “%(column)s” is a combination of other covariates; remove one of them."),
    "too_few_clusters": _("Cluster-robust errors need at least 2 clusters."),
    "singular": _("The design cannot be estimated: some arm, stratum or subgroup has too few distinct rows."),
    "proportion": _("A proportion must be strictly between 0 and 1."),
    "design": _("The power calculation cannot be done with these inputs."),
    # Failures of a background run that are not the engine's: the database of a table, or
    # anything unexpected (its detail is logged, never shown).
    "database_unreachable": _(
        "The database “%(database)s” cannot be reached; ask an administrator to check its configuration."
    ),
    "database_unknown": _("No database named “%(name)s” is configured for analysis."),
    "table_unreadable": _("The database “%(database)s” has no table “%(table)s” that Carrefour can read."),
    "internal": _("The analysis stopped on an unexpected error, so no result was kept. You can retry it."),
    # The checks of an uploaded file against the plan, run by the task worker.
    "columns_missing": _("The file has no column named %(missing)s (its columns are: %(columns)s)."),
    "table_columns_missing": _("The table has no column named %(missing)s (its columns are: %(columns)s)."),
    "arms_unknown": _(
        "Column “%(column)s” has arm labels that are not in the plan: %(unknown)s (the plan's arms are %(arms)s)."
    ),
    "ids_duplicated": _("Unit IDs in column “%(column)s” must be unique; duplicated: %(examples)s."),
    "ids_missing": _("%(count)s rows have no unit ID in column “%(column)s”."),
    "check_stopped": _(
        "The checks of this file stopped before they finished (the worker running them stopped), so the file "
        "was not kept. Upload it again."
    ),
    "check_internal": _(
        "The checks of this file stopped on an unexpected error, so the file was not kept. Upload it again."
    ),
}


def engine_message(error) -> str:
    """Return the translated sentence for a `carrefour.stats.StatsError` (no path, no flag)."""
    return engine_text(getattr(error, "code", ""), getattr(error, "params", {}))


def engine_error(error) -> tuple[str, dict]:
    """The code and JSON-safe parameters to store for an engine error, translated on display."""
    code = getattr(error, "code", "")
    params = getattr(error, "params", {}) or {}
    if code not in ENGINE_MESSAGES:
        return "engine", {}  # shown as "The statistics engine could not use this data."
    return code, {k: v if isinstance(v, int | float | bool | None) else str(v) for k, v in params.items()}


def engine_text(code: str, params: dict | None = None) -> str:
    """The translated sentence for an error code and its parameters, in the active language."""
    template = ENGINE_MESSAGES.get(code or "")
    params = dict(params or {})
    if template is None:
        return str(_("The statistics engine could not use this data."))
    # Counts and limits are numbers in the reader's locale; a line number is a plain label.
    shown = {}
    for key, value in params.items():
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        number = isinstance(value, int | float) and not isinstance(value, bool)
        shown[key] = number_format(value, force_grouping=True) if number and key != "line" else value
    try:
        return str(template) % shown
    except (KeyError, TypeError, ValueError):
        return str(_("The statistics engine could not use this data."))
