"""Randomization: exact counts in every stratum, clusters kept whole, reproducible."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carrefour.stats import StatsError, complete_assignment, randomize


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 40), min_size=1, max_size=6),
    ratio=st.lists(st.integers(1, 3), min_size=2, max_size=4),
    seed=st.integers(0, 2**31),
)
def test_complete_assignment_counts_are_exact(
    sizes: list[int], ratio: list[int], seed: int
) -> None:
    strata = [f"s{i}" for i, size in enumerate(sizes) for _ in range(size)]
    arms = [f"a{k}" for k in range(len(ratio))]
    assignment = complete_assignment(strata, arms, ratio, seed)
    assert assignment == complete_assignment(strata, arms, ratio, seed)
    total = sum(ratio)
    for i, size in enumerate(sizes):
        counts = Counter(a for s, a in zip(strata, assignment, strict=True) if s == f"s{i}")
        for k, arm in enumerate(arms):
            exact = size * ratio[k] / total
            assert int(np.floor(exact + 1e-9)) <= counts.get(arm, 0) <= int(np.ceil(exact - 1e-9))


def test_remainders_are_spread_at_random() -> None:
    arms = ["c", "t"]
    firsts = Counter(complete_assignment(["x"], arms, [1, 1], seed)[0] for seed in range(400))
    assert 150 < firsts["c"] < 250


def test_randomize_file_is_reproducible_byte_for_byte(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "id": range(300),
            "region": rng.choice(["n", "s", "e"], 300),
            "age": rng.normal(40, 10, 300),
        }
    )
    data = tmp_path / "people.csv"
    df.to_csv(data, index=False)
    first = randomize(
        str(data), arms=["control", "treatment"], strata=["region"], seed=42, out=tmp_path / "a.csv"
    )
    randomize(
        str(data), arms=["control", "treatment"], strata=["region"], seed=42, out=tmp_path / "b.csv"
    )
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    other = randomize(str(data), arms=["control", "treatment"], strata=["region"], seed=43)
    assert other.assignment != first.assignment
    out = pd.read_csv(tmp_path / "a.csv")
    assert list(out["arm"]) == first.assignment
    for _, group in out.groupby("region"):
        counts = group["arm"].value_counts()
        assert abs(counts.get("control", 0) - counts.get("treatment", 0)) <= 1
    age = next(b for b in first.balance if b.column == "age")
    c, t = out.loc[out["arm"] == "control", "age"], out.loc[out["arm"] == "treatment", "age"]
    np.testing.assert_allclose(age.means["control"], c.mean(), rtol=1e-12)
    np.testing.assert_allclose(
        age.std_diff["treatment"],
        (t.mean() - c.mean()) / np.sqrt((t.var() + c.var()) / 2),
        rtol=1e-12,
    )


def test_cluster_randomization_keeps_clusters_whole(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    schools = rng.integers(0, 30, 600)
    df = pd.DataFrame({"school": schools, "district": schools % 3, "score": rng.normal(size=600)})
    data = tmp_path / "pupils.parquet"
    df.to_parquet(data, index=False)
    result = randomize(
        str(data),
        arms=["c", "t"],
        ratio=[1, 2],
        strata=["district"],
        cluster="school",
        seed=5,
        out=tmp_path / "o.parquet",
    )
    out = pd.read_parquet(tmp_path / "o.parquet")
    assert out.groupby("school")["arm"].nunique().max() == 1
    assert result.clusters == df["school"].nunique()
    per_cluster = out.drop_duplicates("school")
    for _, group in per_cluster.groupby("district"):
        counts = group["arm"].value_counts()
        assert abs(counts.get("t", 0) - 2 * counts.get("c", 0)) <= 2


def test_cluster_spanning_strata_is_refused(tmp_path: Path) -> None:
    df = pd.DataFrame({"school": [1, 1, 2, 2], "district": ["a", "b", "a", "a"]})
    data = tmp_path / "d.csv"
    df.to_csv(data, index=False)
    with pytest.raises(StatsError, match="spans more than one stratum"):
        randomize(str(data), arms=["c", "t"], strata=["district"], cluster="school", seed=1)
