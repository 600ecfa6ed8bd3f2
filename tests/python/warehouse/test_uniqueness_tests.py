"""The uniqueness data tests (`unique`, which the project's own block overrides, and
`unique_combination`) find repeats through hashes first (macro repeated_combinations): they
must still fail on exactly the repeated values, nulls in a combination counting as equal, and
pass on a table without repeats. Runs on a copy of the project with two small models."""

from __future__ import annotations

import json
from pathlib import Path

from helpers.project_copy import copy_project
from hvc import dbt

REPEATS = """select * from (values
    (1, 'a', 'x'), (1, 'a', 'y'), (2, null, 'x'), (2, null, 'x'), (3, 'b', 'x'), (null, 'c', 'x'),
    (null, 'c', 'x')
) as rows (id, part, other)
"""

DISTINCT = """select * from (values
    (1, 'a', 'x'), (2, 'a', 'x'), (3, null, 'x'), (null, 'c', 'x'), (null, 'd', 'x')
) as rows (id, part, other)
"""

MODELS_YAML = """version: 2

models:
  - name: {name}
    description: A table for the uniqueness tests.
    data_tests:
      - unique_combination:
          arguments:
            columns: [id, part]
      - unique_combination:
          arguments:
            columns: [id, part, other]
    columns:
      - name: id
        description: An id.
        data_tests: [unique]
"""


def test_uniqueness_tests_fail_on_exactly_the_repeats(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    folder = project / "models" / "uniqueness_checks"
    folder.mkdir()
    for name, sql in (("repeats", REPEATS), ("distinct_rows", DISTINCT)):
        (folder / f"{name}.sql").write_text(sql)
        (folder / f"_{name}.yml").write_text(MODELS_YAML.format(name=name))
    target = tmp_path / "target"
    run = dbt.run_dbt(
        ["build", "--select", "repeats", "distinct_rows"],
        project_dir=project,
        database=tmp_path / "warehouse.duckdb",
        target_path=target,
        log_path=tmp_path / "logs",
    )
    results = {
        result["unique_id"].split(".")[2]: (result["status"], result["failures"])
        for result in json.loads((target / "run_results.json").read_text())["results"]
        if result["unique_id"].startswith("test.")
    }
    failed = {name: count for name, (status, count) in results.items() if status == "fail"}
    assert run.returncode != 0
    # ids 1 and 2 repeat (a null id is no value); (1, a), (2, null) and (null, c) repeat;
    # of the three columns, (2, null, x) and (null, c, x)
    assert failed == {
        "unique_repeats_id": 2,
        "unique_combination_repeats_id__part": 3,
        "unique_combination_repeats_id__part__other": 2,
    }, results
    assert len(results) == 6
    assert all(status == "pass" for status, _ in results.values() if status != "fail")
