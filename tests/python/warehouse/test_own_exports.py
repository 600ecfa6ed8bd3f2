"""Your data, only your data: a table's own files never mix silently with the demo's folder."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from hvc import dbt

REFUSAL = (
    "Your files would be mixed with the demo's: var raw_online_retail__invoice_lines names "
    "your files, but every other table still reads the demo's data/demo/raw (HVC_RAW_DIR is "
    "not set). Set HVC_RAW_DIR (or hvc build --raw-dir DIR) to the folder of your exports, or "
    "build from your files alone with hvc build --raw-file online_retail.invoice_lines=PATH; "
    "var allow_demo_mix: true mixes them on purpose."
)


def demo_folder_dbt(args: list[str], workdir: Path, variables: dict) -> dbt.DbtResult:
    """dbt with the raw folder left at the demo's (no HVC_RAW_DIR), in its own files."""
    return dbt.run_dbt(
        args,
        database=workdir / "warehouse.duckdb",
        target_path=workdir / "target",
        log_path=workdir / "logs",
        variables=variables,
    )


@pytest.fixture
def no_raw_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HVC_RAW_DIR", raising=False)


@pytest.mark.usefixtures("no_raw_dir")
def test_a_tables_files_beside_the_demo_folder_stop_the_build_in_one_line(
    tmp_path: Path,
) -> None:
    """The README's former recipe: one table's file, every other table the demo's."""
    run = demo_folder_dbt(
        ["build"],
        tmp_path,
        {"raw_online_retail__invoice_lines": str(tmp_path / "Online_Retail.parquet")},
    )
    assert run.returncode != 0
    said = [line.strip() for line in run.output.splitlines() if "mixed with the demo" in line]
    assert said == [REFUSAL]
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        built = con.execute(
            "select count(*) from information_schema.tables where table_schema <> 'main'"
        ).fetchone()
    assert built == (0,)  # refused before any model ran


@pytest.mark.usefixtures("no_raw_dir")
def test_var_allow_demo_mix_lets_the_mix_through(tmp_path: Path) -> None:
    run = demo_folder_dbt(
        ["seed", "--select", "us_time_zone_regions"],
        tmp_path,
        {
            "raw_online_retail__invoice_lines": str(tmp_path / "Online_Retail.parquet"),
            "allow_demo_mix": True,
        },
    )
    assert run.returncode == 0, run.output[-3000:]
    assert "mixed with the demo" not in run.output
