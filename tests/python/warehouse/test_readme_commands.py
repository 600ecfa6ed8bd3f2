"""Every command the README shows a reader runs as printed: the `hvc` commands and shell lines
against a built warehouse and its serving store, the SQL examples against the serving store,
and the `hvc explain` example against the demo company itself (5,000 customers, seed 42, whose
identity the module builds), since its identifiers are the demo's.

Left out, each tested elsewhere or a placeholder: `hvc build` of `/exports` (a folder of the
reader's), the Online Retail recipe (test_online_retail_real.py runs it word for word), `mf
query` (test_serving.py), `hvc publish --postgres` (test_serving.py), and `make` targets."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from helpers.warehouse import run_dbt
from hvc.dbt import dbt_env

ROOT = Path(__file__).resolve().parents[3]
README = (ROOT / "README.md").read_text()
BIN = Path(sys.executable).parent
DEMO_CUSTOMERS, DEMO_SEED = 5000, 42


def shell_lines() -> list[str]:
    """The lines of the README's sh blocks, continuation lines joined, comments left out."""
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", README, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line and not line.startswith("#"):
                lines.append(line)
    return lines


def inline_hvc() -> list[str]:
    """The `hvc ...` commands written inline, as one string each (line breaks joined)."""
    found = re.findall(r"`(hvc [^`]+)`", README.replace("\n", " "))
    return [re.sub(r"\s+", " ", command) for command in found]


def sql_examples() -> list[str]:
    """The statements of the README's sql blocks."""
    statements = []
    for block in re.findall(r"```sql\n(.*?)```", README, flags=re.S):
        text = "\n".join(line for line in block.splitlines() if not line.startswith("--"))
        statements += [part.strip() for part in text.split(";") if part.strip()]
    return statements


def run(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    argv = shlex.split(command)
    if argv[0] == "hvc":
        argv[0] = str(BIN / "hvc")
    elif argv[0].startswith(".venv/bin/"):
        argv[0] = str(BIN / argv[0].removeprefix(".venv/bin/"))
    return subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, timeout=300, env=env, check=False
    )


@pytest.fixture(scope="module")
def reader(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A folder laid out as after `make demo` (warehouse/hvc.duckdb, its target, the serving
    store), built from the test world, and the environment that points hvc at it."""
    folder = tmp_path_factory.mktemp("readme")
    (folder / "warehouse").mkdir()
    build = folder / "warehouse" / "hvc.duckdb"
    shutil.copy(warehouse, build)
    shutil.copytree(warehouse.parent / "target", folder / "target")
    env = dbt_env(extra={"HVC_DUCKDB_PATH": str(build)})
    env.pop("HVC_SERVING_PATH", None)
    published = subprocess.run(
        [str(BIN / "hvc"), "publish", "--target-path", str(folder / "target")],
        cwd=folder, capture_output=True, text=True, timeout=300, env=env, check=False,
    )  # fmt: skip
    assert published.returncode == 0, published.stderr
    assert (folder / "warehouse" / "serving.duckdb").is_file()
    return folder, env


def test_the_readme_sql_examples_run_on_the_serving_store(reader) -> None:
    folder, _ = reader
    statements = sql_examples()
    assert len(statements) >= 3
    with duckdb.connect(str(folder / "warehouse" / "serving.duckdb"), read_only=True) as con:
        for statement in statements:
            con.execute(statement).fetchall()


def test_the_readme_commands_run_on_a_built_warehouse(reader) -> None:
    folder, env = reader
    ran = []
    for command in shell_lines() + inline_hvc():
        words = command.split()
        runnable = (
            words[:2] == ["hvc", "summary"]
            or words[:2] == ["hvc", "report"]
            and "[--serving" not in command
            or command.endswith("--help")
            or words[0] == ".venv/bin/python"
        )
        if not runnable:
            continue
        done = run(command, folder, env)
        assert done.returncode == 0, (command, done.stderr[-2000:])
        assert "Traceback" not in done.stderr, command
        ran.append(command)
    assert {"hvc summary", "hvc build --help"} <= set(ran)
    assert any(c.startswith(".venv/bin/python") for c in ran)
    done = run("hvc report", folder, env)
    assert done.returncode == 0 and (folder / "warehouse" / "report.html").is_file()


@pytest.fixture(scope="module")
def demo_identity(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo company's identity graph: the world `make demo` generates, built up to the
    customers of its identifiers (no data tests: the full build tests them)."""
    from hvc.generate import generate_world

    root = tmp_path_factory.mktemp("demo")
    generate_world(root, n_customers=DEMO_CUSTOMERS, seed=DEMO_SEED)
    built = run_dbt(
        [
            "build",
            "--select",
            "+int_identity__node_customers",
            "+identity_merge_audit",
            "--exclude",
            "resource_type:test",
            "resource_type:unit_test",
        ],
        root / "build",
        root / "raw",
    )
    assert built.returncode == 0, built.output[-4000:]
    return built.database


def test_the_readme_explain_example_links_on_the_demo(demo_identity: Path) -> None:
    # the examples: two identifiers given (a mention of the command alone is no example)
    examples = [
        c for c in inline_hvc() if c.split()[:2] == ["hvc", "explain"] and len(c.split()) == 4
    ]
    examples = [c for c in examples if "KIND" not in c]
    assert examples
    env = dbt_env(extra={"HVC_DUCKDB_PATH": str(demo_identity)})
    for command in examples:
        done = run(command, demo_identity.parent, env)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        hops = re.search(r"(\d+) link\(s\)", done.stdout)
        assert hops and int(hops.group(1)) >= 2, done.stdout
        assert "Traceback" not in done.stderr
