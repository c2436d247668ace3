"""Build experiments through the real services, and small synthetic files to upload."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile

from carrefour.directory.models import Jurisdiction
from carrefour.experiments import services
from carrefour.experiments.models import Experiment
from tests.directory.factories import JurisdictionFactory, TeamFactory


def plan_data(**overrides: Any) -> dict[str, Any]:
    jurisdiction = overrides.pop("jurisdiction", None) or JurisdictionFactory(code="on")
    data = {
        "title_en": "Reminder letters",
        "title_fr": "Lettres de rappel",
        "question_en": "Do reminders help?",
        "question_fr": "Les rappels aident-ils?",
        "intervention_en": "A secret letter design",
        "intervention_fr": "Une lettre confidentielle",
        "intervention_type": "reminder",
        "outcome_domain": "tax_compliance",
        "jurisdiction": jurisdiction,
        "visibility": "public",
        "arms": [
            {"label": "control", "name_en": "Control", "name_fr": "Témoin", "allocation": 1},
            {"label": "treatment", "name_en": "Letter", "name_fr": "Lettre", "allocation": 1},
        ],
        "outcomes": [{"column": "paid", "label_en": "Paid", "label_fr": "Payé", "kind": "binary", "primary": True}],
        "covariates": ["age"],
        "strata": ["region"],
        "power_outcome": "binary",
        "power_baseline": 0.5,
        "power_mde": 0.05,
        "power_target": 0.8,
    }
    data.update(overrides)
    return data


def make_experiment(owner, *, register: bool = False, team=None, **overrides: Any) -> Experiment:
    if team is None:
        team = TeamFactory()
    experiment = services.experiment_create(actor=owner, data=plan_data(team=team, **overrides))
    if register:
        services.experiment_register(
            experiment=experiment, actor=owner, public_fields=[k for k in services.plan_module.SWITCHABLE if k != "intervention"]
        )
        experiment.refresh_from_db()
    return experiment


def units_csv(n: int = 200, seed: int = 1, *, duplicate: bool = False, extra: str = "") -> SimpleUploadedFile:
    rng = np.random.default_rng(seed)
    lines = ["unit_id,region,age" + (f",{extra}" if extra else "")]
    for i in range(n):
        uid = 1 if duplicate and i == 1 else i + 1
        lines.append(f"{uid},{rng.choice(['north', 'south'])},{int(rng.integers(18, 80))}" + (",x" if extra else ""))
    return SimpleUploadedFile("units.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv")


def outcomes_csv(
    n: int = 400,
    seed: int = 2,
    *,
    effect: float = 0.1,
    arms: tuple[str, ...] = ("control", "treatment"),
    drop_column: str | None = None,
    duplicate: bool = False,
    name: str = "outcomes.csv",
) -> SimpleUploadedFile:
    rng = np.random.default_rng(seed)
    columns = ["unit_id", "arm", "paid", "age", "region"]
    if drop_column:
        columns.remove(drop_column)
    out = io.StringIO()
    out.write(",".join(columns) + "\n")
    for i in range(n):
        arm = arms[i % len(arms)]
        age = int(rng.integers(18, 80))
        p = 0.5 + (effect if arm != arms[0] else 0) + 0.002 * (age - 50)
        row = {
            "unit_id": 1 if duplicate and i == 1 else i + 1,
            "arm": arm,
            "paid": int(rng.random() < p),
            "age": age,
            "region": rng.choice(["north", "south"]),
        }
        out.write(",".join(str(row[c]) for c in columns) + "\n")
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


def jurisdiction(code: str) -> Jurisdiction:
    return JurisdictionFactory(code=code)


def upload_checked(*, experiment: Experiment, actor, file, **kwargs: Any):
    """Upload a file and run its checks at once, as the task worker does after the request commits."""
    dataset = services.dataset_upload(experiment=experiment, actor=actor, file=file, enqueue=False, **kwargs)
    return services.dataset_check(dataset_id=dataset.pk)
