"""The parts of a plan, their public labels, and the canonical JSON that registration hashes.

Canonical JSON: keys sorted, separators "," and ":", UTF-8 without escaping, no spaces —
the same bytes in any language, so anyone can re-hash the downloaded file with
`sha256sum` and compare it with the registered digest.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.utils.translation import gettext_lazy as _

SCHEMA = "carrefour/experiment-registration/1"

# key, label, can be withheld from the public version
PLAN_FIELDS: list[tuple[str, Any, bool]] = [
    ("title", _("Title"), False),
    ("classification", _("Intervention type, outcome domain and jurisdiction"), False),
    ("question", _("Question"), True),
    ("hypothesis", _("Hypothesis"), True),
    ("intervention", _("Intervention"), True),
    ("comparison", _("Comparison"), True),
    ("population", _("Population"), True),
    ("unit", _("Unit of randomization"), True),
    ("arms", _("Arms and allocation"), True),
    ("outcomes", _("Outcomes"), True),
    ("design", _("Covariates, strata and columns"), True),
    ("analysis_plan", _("Analysis plan"), True),
    ("power", _("Power calculation"), True),
    ("ethics", _("Ethics and privacy notes"), True),
]
PLAN_FIELD_KEYS = [key for key, _label, _switch in PLAN_FIELDS]
SWITCHABLE = [key for key, _label, switch in PLAN_FIELDS if switch]
TEXT_FIELDS = ["title", "question", "hypothesis", "intervention", "comparison", "population", "unit", "analysis_plan", "ethics"]


def plan_field_label(key: str) -> Any:
    for k, label, _switch in PLAN_FIELDS:
        if k == key:
            return label
    return key


def canonical_bytes(document: Any) -> bytes:
    """The canonical UTF-8 JSON of a document."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode(
        "utf-8"
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def plan_values(experiment: Any) -> dict[str, Any]:
    """Every part of the plan as JSON-safe values (both languages of each text)."""
    values: dict[str, Any] = {}
    for base in TEXT_FIELDS:
        values[base] = {"en": getattr(experiment, f"{base}_en") or "", "fr": getattr(experiment, f"{base}_fr") or ""}
    values["classification"] = {
        "intervention_type": experiment.intervention_type,
        "outcome_domain": experiment.outcome_domain,
        "jurisdiction": experiment.jurisdiction.code if experiment.jurisdiction_id else None,
        "team": experiment.team.slug if experiment.team_id else None,
    }
    values["arms"] = [
        {
            "label": a["label"],
            "name_en": a.get("name_en", ""),
            "name_fr": a.get("name_fr", ""),
            "allocation": a.get("allocation", 1),
        }
        for a in experiment.arms
    ]
    values["outcomes"] = [
        {
            "column": o["column"],
            "label_en": o.get("label_en", ""),
            "label_fr": o.get("label_fr", ""),
            "kind": o.get("kind", "continuous"),
            "primary": bool(o.get("primary")),
        }
        for o in experiment.outcomes
    ]
    values["design"] = {
        "unit_id_column": experiment.unit_id_column,
        "treatment_column": experiment.treatment_column,
        "covariates": list(experiment.covariates),
        "strata": list(experiment.strata),
        "cluster_column": experiment.cluster_column,
        "subgroup_column": experiment.subgroup_column,
        "adjust": experiment.adjust,
        "alpha": experiment.alpha,
    }
    values["power"] = {
        "outcome": experiment.power_outcome,
        "baseline": experiment.power_baseline,
        "sd": experiment.power_sd,
        "mde": experiment.power_mde,
        "power": experiment.power_target,
        "icc": experiment.power_icc,
        "cluster_size": experiment.power_cluster_size,
        "result": _finite(experiment.power_result or {}),
    }
    return values


def withheld_digest(salt: str, value: Any) -> str:
    """The digest that stands for a withheld part: SHA-256 of salt ":" canonical value."""
    return sha256_hex(salt.encode("utf-8") + b":" + canonical_bytes(value))


def registration_document(
    *, experiment_id: int, registered_at: str, plan: dict[str, Any], public_fields: list[str], salts: dict[str, str]
) -> dict[str, Any]:
    """The document whose canonical bytes are hashed: withheld parts replaced by digests."""
    shown: dict[str, Any] = {}
    for key in PLAN_FIELD_KEYS:
        if key in public_fields or key not in SWITCHABLE:
            shown[key] = plan[key]
        else:
            shown[key] = {"withheld_sha256": withheld_digest(salts[key], plan[key])}
    return {
        "schema": SCHEMA,
        "experiment": experiment_id,
        "registered_at": registered_at,
        "public_fields": sorted(set(public_fields) | {k for k in PLAN_FIELD_KEYS if k not in SWITCHABLE}),
        "plan": shown,
    }


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


finite = _finite
