"""The single error type of the statistics engine."""

from __future__ import annotations


class StatsError(Exception):
    """Report a problem with the input as one line that names it.

    The command line prints the message on stderr and exits with status 2; the platform
    shows it to the person who asked for the analysis.
    """

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))
