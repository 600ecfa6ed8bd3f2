"""A dbt process that crashes (a signal from compiled code, as DuckDB's occasional SIGSEGV) is
reported with its signal and run again; a model error is not. The dbt here is a stand-in
script that crashes the first times it runs, as many times as its file says."""

from __future__ import annotations

import signal
import stat
import sys
from pathlib import Path

import pytest

from hvc import dbt
from hvc.cli import main

STAND_IN = """\
import os, signal, sys
from pathlib import Path
runs = Path({runs!r})
runs.write_text(runs.read_text() + "run\\n")
crashes = int(Path({crashes!r}).read_text())
print("dbt output of run", len(runs.read_text().splitlines()))
if len(runs.read_text().splitlines()) <= crashes:
    os.kill(os.getpid(), signal.SIGSEGV)
sys.exit({exit_code})
"""


def stand_in_dbt(folder: Path, crashes: int, exit_code: int = 0) -> Path:
    """A `dbt` that crashes with SIGSEGV on its first `crashes` runs, then exits `exit_code`;
    it counts its runs in `runs.txt`."""
    (folder / "runs.txt").write_text("")
    (folder / "crashes.txt").write_text(str(crashes))
    script = folder / "dbt"
    script.write_text(
        f"#!{sys.executable}\n"
        + STAND_IN.format(
            runs=str(folder / "runs.txt"),
            crashes=str(folder / "crashes.txt"),
            exit_code=exit_code,
        )
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def runs(folder: Path) -> int:
    return len((folder / "runs.txt").read_text().splitlines())


@pytest.fixture
def crashing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setattr(dbt, "dbt_executable", lambda: str(tmp_path / "dbt"))
    return tmp_path


def test_a_crash_is_reported_and_the_command_runs_again(crashing: Path) -> None:
    stand_in_dbt(crashing, crashes=1)
    result = dbt.run_dbt(["build"], database=crashing / "w.duckdb")
    assert result.returncode == 0 and runs(crashing) == 2
    assert "hvc: dbt build crashed (SIGSEGV" in result.output
    assert "running the same command again (1 of 1)" in result.output
    # both runs' output is kept: the first one's shows where it crashed
    assert "dbt output of run 1" in result.output and "dbt output of run 2" in result.output


def test_a_second_crash_is_returned_with_what_to_do(crashing: Path) -> None:
    stand_in_dbt(crashing, crashes=5)
    result = dbt.run_dbt(["build"], database=crashing / "w.duckdb")
    assert result.returncode == -signal.SIGSEGV and runs(crashing) == 2
    assert result.output.rstrip().endswith(
        "if it crashes again on the same data, report it with the output above"
    )
    assert dbt.run_dbt(["build"], crash_retries=0).returncode == -signal.SIGSEGV
    assert runs(crashing) == 3


def test_a_failed_model_is_not_run_again(crashing: Path) -> None:
    stand_in_dbt(crashing, crashes=0, exit_code=1)
    result = dbt.run_dbt(["build"], database=crashing / "w.duckdb")
    assert result.returncode == 1 and runs(crashing) == 1
    assert "crashed" not in result.output


def test_hvc_build_on_the_terminal_says_so_and_runs_again(
    crashing: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in_dbt(crashing, crashes=1)
    monkeypatch.chdir(crashing)
    code = main(["build", "--warehouse", "w.duckdb", "--no-publish"])
    assert code == 0 and runs(crashing) == 2
    assert "hvc: dbt build crashed (SIGSEGV" in capsys.readouterr().err


def test_crash_signals_from_a_shell_or_a_kill() -> None:
    assert dbt.crash_signal(-11) == signal.SIGSEGV
    assert dbt.crash_signal(139) == signal.SIGSEGV
    assert dbt.crash_signal(134) == signal.SIGABRT
    assert dbt.crash_signal(-signal.SIGKILL) is None
    assert dbt.crash_signal(1) is None and dbt.crash_signal(2) is None
