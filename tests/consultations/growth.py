"""More consultations, each with its paragraphs, for the query-count test."""

from __future__ import annotations

from tests.consultations.factories import ConsultationFactory


def grow(n: int) -> None:
    for _ in range(n):
        ConsultationFactory()
