"""The open-data catalogue: each domain registers its public lists as datasets.

A dataset is a list page whose `?format=csv|json` versions pass through the visibility
rule; the catalogue publishes them as DCAT (JSON-LD) for CKAN-style harvesters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Dataset:
    key: str
    title: Any  # lazy translated
    description: Any
    url_name: str  # the list page; exports are ?format=csv and ?format=json
    keywords: tuple[str, ...] = ()


_DATASETS: dict[str, Dataset] = {}


def register_dataset(dataset: Dataset) -> None:
    _DATASETS[dataset.key] = dataset


def datasets() -> list[Dataset]:
    return sorted(_DATASETS.values(), key=lambda d: d.key)
