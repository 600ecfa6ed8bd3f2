"""Run dbt in this project: one place for the executable, the environment and the command line.

The CLI streams dbt's output to the terminal; tests and benchmarks capture it, usually against
their own DuckDB file (env var `HVC_DUCKDB_PATH`, read by `profiles.yml`), raw folder
(`HVC_RAW_DIR`) and target and log folders, so that builds never share files.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

#: The dbt project: `dbt_project.yml`, `profiles.yml`, models, seeds.
PROJECT_DIR = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class DbtResult:
    """The outcome of one dbt command: its exit code and, when captured, stdout + stderr."""

    returncode: int
    output: str


def dbt_executable() -> str:
    """The `dbt` of this Python environment, else the one on PATH."""
    candidate = Path(sys.executable).with_name("dbt")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("dbt")
    if found is None:
        raise SystemExit("hvc: the dbt command is not installed in this environment")
    return found


def dbt_env(
    database: Path | None = None,
    raw_dir: Path | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment of a dbt command: this process's, with the project's profile.

    Parameters
    ----------
    database : the DuckDB file to write (`HVC_DUCKDB_PATH`); it needs the project's profile,
        so `DBT_PROFILES_DIR` is then the project whatever it was, else only a default.
    raw_dir : the folder of raw exports (`HVC_RAW_DIR`).
    extra : further variables, set last.
    """
    env = dict(os.environ)
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    # One BLAS thread in the dbt process. The Python models limit their threads with
    # threadpoolctl, but OpenBLAS keeps one limit per process that only the first Python thread
    # can change, so a model running on dbt's other thread could get two; a sum split over
    # threads changes its last bits with their number, and at these sizes one thread is not
    # slower (hvc.propensity.models._one_thread). Set the variable to choose otherwise.
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    # A crash inside a compiled library (DuckDB) prints every Python thread's stack, so the
    # output shows which statement each dbt thread was running.
    env.setdefault("PYTHONFAULTHANDLER", "1")
    if database is not None:
        env["DBT_PROFILES_DIR"] = str(PROJECT_DIR)
        env["HVC_DUCKDB_PATH"] = str(database)
    else:
        env.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
    if raw_dir is not None:
        env["HVC_RAW_DIR"] = str(raw_dir)
    env.update(extra or {})
    return env


def dbt_command(
    args: Sequence[str],
    target_path: Path | None = None,
    log_path: Path | None = None,
    variables: Mapping[str, object] | None = None,
    project_dir: Path = PROJECT_DIR,
) -> list[str]:
    """The command line of `dbt <args>` in the project (or a copy of it, `project_dir`), with
    optional target and log folders and `--vars` (given as a mapping, passed as JSON)."""
    command = [dbt_executable(), *args, "--project-dir", str(project_dir)]
    if target_path is not None:
        command += ["--target-path", str(target_path)]
    if log_path is not None:
        command += ["--log-path", str(log_path)]
    if variables:
        command += ["--vars", vars_argument(variables)]
    return command


def vars_argument(variables: Mapping[str, object]) -> str:
    """dbt's `--vars` value for a mapping: JSON, which dbt reads as YAML, so that any path
    (spaces, quotes, backslashes) arrives as the same string."""
    return json.dumps(dict(variables))


#: Signals that end a process from inside compiled code: a crash, not a failed model.
CRASH_SIGNALS = (signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT, signal.SIGILL)


def crash_signal(returncode: int) -> signal.Signals | None:
    """The crash signal that ended a process with this exit code (negative: killed by it, or
    128 + its number from a shell), else None."""
    for number in (-returncode, returncode - 128):
        if number in CRASH_SIGNALS:
            return signal.Signals(number)
    return None


def run_dbt(
    args: Sequence[str],
    *,
    database: Path | None = None,
    raw_dir: Path | None = None,
    target_path: Path | None = None,
    log_path: Path | None = None,
    variables: Mapping[str, object] | None = None,
    env: Mapping[str, str] | None = None,
    capture: bool = True,
    project_dir: Path = PROJECT_DIR,
    crash_retries: int = 1,
    cwd: Path | None = None,
) -> DbtResult:
    """Run `dbt <args>` in the project directory.

    DuckDB 1.5.6 has been seen to crash (SIGSEGV) now and then, at random, in builds that
    passed when run again on the same data; dbt then dies with no error of its own. Such a
    crash is reported on stderr (or in the captured output) with its signal, and the same
    command runs again, up to `crash_retries` times: every dbt command here rebuilds what it
    selects from scratch, so a second run gives what an uninterrupted one would have.

    Parameters
    ----------
    args : the dbt command and its arguments, e.g. `["build", "--select", "staging"]`.
    database, raw_dir, env : see `dbt_env`.
    target_path, log_path, variables : see `dbt_command`.
    capture : keep stdout and stderr in the result (else they go to this process's).
    project_dir : the dbt project to run, the project itself unless a test changes a copy.
    crash_retries : how many times a command that crashed runs again (0: never).
    cwd : the folder dbt runs in (default the project's): a relative `database` is in it.

    Returns
    -------
    DbtResult with dbt's exit code (negative: the signal that ended it) and its output (empty
    when not captured), every run's output when it ran more than once.
    """
    command = dbt_command(args, target_path, log_path, variables, project_dir)
    environment = dbt_env(database, raw_dir, env)
    outputs = []
    for attempt in range(crash_retries + 1):
        if capture:
            done = subprocess.run(
                command,
                env=environment,
                cwd=cwd or project_dir,
                capture_output=True,
                text=True,
                check=False,
            )
            returncode = done.returncode
            outputs.append(done.stdout + done.stderr)
        else:
            returncode = subprocess.call(command, env=environment, cwd=cwd or project_dir)
        crash = crash_signal(returncode)
        if crash is None:
            break
        again = attempt < crash_retries
        message = (
            f"hvc: dbt {args[0] if args else ''} crashed ({crash.name}, inside DuckDB or "
            "another compiled library, not a model error); "
            + (
                f"running the same command again ({attempt + 1} of {crash_retries})"
                if again
                else "rerun the command; if it crashes again on the same data, report it "
                "with the output above"
            )
        )
        if capture:
            outputs.append(message + "\n")
        else:
            print(message, file=sys.stderr, flush=True)
        if not again:
            break
    return DbtResult(returncode, "".join(outputs))


def run_results(target_path: Path) -> list[dict]:
    """The results of the last dbt command that wrote to `target_path` (`run_results.json`):
    one dict per node with its `unique_id`, `status` and `execution_time` in seconds."""
    return json.loads((Path(target_path) / "run_results.json").read_text())["results"]


def node_seconds(results: list[dict]) -> dict[str, float]:
    """Execution seconds per node name (the last part of its `unique_id`)."""
    return {result["unique_id"].split(".")[-1]: result["execution_time"] for result in results}
