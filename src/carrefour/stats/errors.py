"""The single error type of the statistics engine."""

from __future__ import annotations


class StatsError(Exception):
    """Report a problem with the input as one line that names it.

    The command line prints the message on stderr and exits with status 2. ``code`` and
    ``params`` say the same for a program: the platform shows its own translated sentence
    for each code, built from the parameters (column names, counts, line numbers), never
    the English message, which may name a file path or a command-line option.
    """

    def __init__(self, message: str, code: str = "invalid", **params: object) -> None:
        super().__init__(" ".join(message.split()))
        self.code = code
        self.params = params
