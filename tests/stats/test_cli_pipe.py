"""The command line behaves like a Unix tool when its reader stops early."""

from __future__ import annotations

import subprocess
import sys

import numpy as np


def test_json_piped_into_a_reader_that_stops_early_is_not_an_error(tmp_path):
    rng = np.random.default_rng(3)
    rows = ["arm,y"] + [f"{i % 2},{rng.normal():.6f}" for i in range(400)]
    data = tmp_path / "data.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "carrefour.stats.cli", "analyze", str(data), "--treatment", "arm",
         "--outcome", "y", "--control", "0", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    # The reader goes away before the analysis has printed anything (like `| head -0`).
    process.stdout.close()
    stderr = process.stderr.read()
    process.wait(timeout=60)
    assert process.returncode == 0
    assert b"error" not in stderr
