"""The `hvc` command: generate the demo company, build the warehouse, summarise it."""

from __future__ import annotations

import argparse
import glob
import os
import shlex
import shutil
import sys
import tempfile
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from hvc import __version__, dbt
from hvc.settings import project_vars

DEFAULT_DEMO_DIR = Path("data/demo")
BUILD_EXAMPLES = """

examples:
  hvc build --raw-dir /exports
  hvc build --raw-file online_retail.invoice_lines=/exports/Online_Retail.parquet
  hvc build --raw-dir /exports --warehouse /tmp/hvc.duckdb --select +customer_value
"""


def warehouse_path() -> Path:
    """The DuckDB file dbt writes, as profiles.yml resolves it."""
    default = (
        "warehouse/ci.duckdb" if os.environ.get("HVC_TARGET") == "ci" else "warehouse/hvc.duckdb"
    )
    return Path(os.environ.get("HVC_DUCKDB_PATH", default))


def serving_path(database: Path | None = None) -> Path:
    """The serving DuckDB file `hvc publish` writes: env var HVC_SERVING_PATH, else
    `serving.duckdb` beside the default build file, else `<build file>.serving.duckdb`."""
    if os.environ.get("HVC_SERVING_PATH"):
        return Path(os.environ["HVC_SERVING_PATH"])
    database = database or warehouse_path()
    if database.name == "hvc.duckdb":
        return database.with_name("serving.duckdb")
    return database.with_name(database.stem + ".serving.duckdb")


def report_path(serving: Path | None = None) -> Path:
    """The report `hvc report` writes by default: `report.html` beside the serving file."""
    serving = serving or serving_path()
    name = "report.html" if serving.name == "serving.duckdb" else serving.stem + ".report.html"
    return serving.with_name(name)


def check_unlocked(database: Path) -> bool:
    """Whether a build can open its file; if not, print the one line naming the holder."""
    from hvc.serving.lock import lock_holder, locked_message

    holder = lock_holder(database)
    if holder is None:
        return True
    print(locked_message(database, holder, serving_path(database)), file=sys.stderr)
    return False


def run_dbt(
    args: list[str],
    raw_dir: Path | None = None,
    database: Path | None = None,
    variables: Mapping[str, object] | None = None,
) -> int:
    """Run a dbt command in the project, its output on this terminal; returns dbt's exit code.

    `raw_dir` and `database` set HVC_RAW_DIR and HVC_DUCKDB_PATH, `variables` dbt's `--vars`.
    """
    settings = [f"{name}={value}" for name, value in _env(raw_dir, database).items()]
    command = [dbt.dbt_executable(), *args]
    if variables:
        command += ["--vars", dbt.vars_argument(variables)]
    print("hvc: " + shlex.join([*settings, *command]), file=sys.stderr, flush=True)
    return dbt.run_dbt(
        args, database=database, raw_dir=raw_dir, variables=variables, capture=False
    ).returncode


def _env(raw_dir: Path | None, database: Path | None) -> dict[str, str]:
    """The environment variables a build sets (shown on the terminal)."""
    names = {"HVC_RAW_DIR": raw_dir, "HVC_DUCKDB_PATH": database}
    return {name: str(value) for name, value in names.items() if value is not None}


def cmd_generate(ns: argparse.Namespace) -> int:
    """`hvc generate`: write a world's raw exports and truth to a folder."""
    from hvc.generate import Volume, generate_world
    from hvc.progress import StderrProgress

    out = Path(ns.out)
    try:
        volume = Volume(
            order_lines=getattr(ns, "order_lines_volume", 1.0),
            tickets=getattr(ns, "tickets_volume", 1.0),
        )
    except ValueError as error:
        print(f"hvc generate: {error}", file=sys.stderr)
        return 2
    if out.exists() and any(out.iterdir()):
        if not ns.force:
            print(f"hvc: {out} is not empty; pass --force to replace it", file=sys.stderr)
            return 2
        shutil.rmtree(out)
    manifest = generate_world(
        out,
        n_customers=ns.customers,
        seed=ns.seed,
        shape=getattr(ns, "shape", "real"),
        profile=getattr(ns, "profile", "demo"),
        progress=StderrProgress(),
        volume=volume,
    )
    rows = sum(table["rows"] for table in manifest["tables"].values())
    print(f"hvc: wrote {rows:,} raw rows for {ns.customers:,} customers to {out}", file=sys.stderr)
    return 0


def raw_tables() -> list[str]:
    """Every raw table as `source.table`: the vars `raw_<source>__<table>` of dbt_project.yml."""
    return [
        name[len("raw_") :].replace("__", ".", 1)
        for name in project_vars()
        if name.startswith("raw_") and "__" in name
    ]


class BuildError(ValueError):
    """`hvc build` options that cannot be built: the message says what to change."""


@dataclass(frozen=True)
class BuildPlan:
    """What `hvc build` runs: dbt's arguments, the raw folder, the DuckDB file and the vars.

    `raw_dir` is None when the environment's HVC_RAW_DIR (else the demo) stays; with
    `--raw-file` and no `--raw-dir` it is an empty folder, so that only the given files are read.
    """

    args: list[str]
    raw_dir: Path | None = None
    database: Path | None = None
    variables: dict[str, object] = field(default_factory=dict)


def build_plan(ns: argparse.Namespace, empty_dir: Path) -> BuildPlan:
    """The dbt build of `hvc build`'s options (`ns`): paths made absolute (dbt runs in the
    project folder), each `--raw-file` as its table's var, dbt's own arguments passed on.

    Parameters
    ----------
    ns : the parsed options: `raw_dir`, `raw_files` (`source.table=PATH` each), `warehouse`
        and `dbt_args` (anything else, for dbt; a first `--` is dropped).
    empty_dir : an empty folder, the raw folder when files are given without `--raw-dir`.

    Raises
    ------
    BuildError : an unknown table, a path that matches no file, a missing raw folder, or a
        table given both as `--raw-file` and in dbt's `--vars`.
    """
    dbt_args = list(ns.dbt_args)
    if dbt_args[:1] == ["--"]:
        dbt_args = dbt_args[1:]
    raw_dir = None
    if ns.raw_dir is not None:
        raw_dir = _absolute(ns.raw_dir)
        if not raw_dir.is_dir():
            raise BuildError(f"--raw-dir {ns.raw_dir}: no such folder")
    variables = _raw_file_vars(ns.raw_files)
    if variables:
        dbt_args, given = _take_vars(dbt_args)
        both = sorted(set(given) & set(variables))
        if both:
            raise BuildError(f"{both[0]} is set by --raw-file and by --vars: keep one")
        variables = given | variables
        if raw_dir is None:
            raw_dir = empty_dir
    database = _absolute(ns.warehouse) if ns.warehouse is not None else None
    return BuildPlan(["build", *dbt_args], raw_dir, database, variables)


def _absolute(path: str) -> Path:
    """A path from the command line, absolute (globs kept, `~` expanded, links not resolved)."""
    return Path(os.path.abspath(os.path.expanduser(path)))


def _raw_file_vars(specs: Sequence[str]) -> dict[str, object]:
    """`source.table=PATH` options as the tables' vars `raw_<source>__<table>`."""
    tables = raw_tables()
    variables: dict[str, object] = {}
    for spec in specs:
        table, separator, path = spec.partition("=")
        if not separator or not path:
            raise BuildError(f"--raw-file {spec}: expected TABLE=PATH, e.g. {tables[-1]}=FILE")
        if table not in tables:
            raise BuildError(
                f"--raw-file {spec}: unknown table {table}; one of {', '.join(tables)}"
            )
        name = "raw_" + table.replace(".", "__", 1)
        if name in variables:
            raise BuildError(f"--raw-file {table} is given twice: use one glob")
        location = _absolute(path)
        if not glob.glob(str(location), recursive=True):
            raise BuildError(f"--raw-file {spec}: no file matches {location}")
        variables[name] = str(location)
    return variables


def _take_vars(args: list[str]) -> tuple[list[str], dict[str, object]]:
    """dbt's arguments without `--vars`, and the vars they gave (YAML, as dbt reads them)."""
    rest: list[str] = []
    given: dict[str, object] = {}
    position = 0
    while position < len(args):
        arg = args[position]
        if arg == "--vars" and position + 1 < len(args):
            text, position = args[position + 1], position + 2
        elif arg.startswith("--vars="):
            text, position = arg[len("--vars=") :], position + 1
        else:
            rest.append(arg)
            position += 1
            continue
        given |= yaml.safe_load(text) or {}
    return rest, given


def cmd_build(ns: argparse.Namespace) -> int:
    """`hvc build`: dbt build of the given raw files or folder into the given DuckDB file,
    other arguments passed on to dbt."""
    with tempfile.TemporaryDirectory(prefix="hvc-no-raw-files-") as empty:
        try:
            plan = build_plan(ns, Path(empty))
        except BuildError as error:
            print(f"hvc build: {error}", file=sys.stderr)
            return 2
        if plan.raw_dir == Path(empty):
            print(
                "hvc: tables without --raw-file read nothing (an empty raw folder)",
                file=sys.stderr,
            )
        database = plan.database or warehouse_path()
        database.parent.mkdir(parents=True, exist_ok=True)
        if not check_unlocked(database):
            return 2
        code = run_dbt(plan.args, plan.raw_dir, plan.database, plan.variables)
    if code or ns.no_publish:
        return code
    if _selects(plan.args):
        print(
            "hvc: a partial build (--select, --exclude, --selector) is not published; "
            "publish after a full build",
            file=sys.stderr,
        )
        return 0
    return publish(database, serving_path(database), _target_path(plan.args))


def _selects(args: Sequence[str]) -> bool:
    """Whether dbt arguments build part of the project."""
    options = ("--select", "-s", "--exclude", "--selector", "--resource-type", "-m", "--models")
    return any(arg in options or arg.startswith(tuple(o + "=" for o in options)) for arg in args)


def _target_path(args: Sequence[str]) -> Path:
    """dbt's target folder for these arguments (`--target-path`, else env var
    DBT_TARGET_PATH, else the project's `target`)."""
    from hvc.dbt import PROJECT_DIR

    for position, arg in enumerate(args):
        if arg == "--target-path" and position + 1 < len(args):
            return PROJECT_DIR / args[position + 1]
        if arg.startswith("--target-path="):
            return PROJECT_DIR / arg.split("=", 1)[1]
    return PROJECT_DIR / os.environ.get("DBT_TARGET_PATH", "target")


def publish(
    database: Path,
    serving: Path | None,
    target_path: Path,
    postgres_url: str | None = None,
    grant_to: str | None = None,
) -> int:
    """Publish the build file's served tables to the serving DuckDB file (unless None) and
    to Postgres (when a URL is given); prints one line per store, returns an exit code."""
    import time

    from hvc.serving.build_info import NotPublishable
    from hvc.serving.catalog import CatalogError, load_manifest, served_tables

    try:
        tables = served_tables(load_manifest(target_path))
        if serving is not None:
            from hvc.serving.duckdb_store import publish_duckdb

            started = time.perf_counter()
            run = publish_duckdb(database, serving, tables)
            print(
                f"hvc: published build {run.build_id} ({len(tables)} tables) to {serving} "
                f"in {time.perf_counter() - started:.1f} s",
                file=sys.stderr,
            )
        if postgres_url:
            from hvc.serving.postgres import PostgresError, publish_postgres

            started = time.perf_counter()
            try:
                run = publish_postgres(database, postgres_url, tables, grant_to)
            except PostgresError as error:
                print(f"hvc publish: Postgres: {error}", file=sys.stderr)
                return 1
            print(
                f"hvc: published build {run.build_id} ({len(tables)} tables) to Postgres "
                f"in {time.perf_counter() - started:.1f} s",
                file=sys.stderr,
            )
    except (NotPublishable, CatalogError) as error:
        print(f"hvc publish: {error}", file=sys.stderr)
        return 1
    return 0


def cmd_publish(ns: argparse.Namespace) -> int:
    """`hvc publish`: publish the last complete build to the serving stores."""
    database = _absolute(ns.warehouse) if ns.warehouse else warehouse_path()
    if not database.is_file():
        print(f"hvc publish: {database} not found: run hvc build first", file=sys.stderr)
        return 1
    serving = (
        None if ns.no_duckdb else (_absolute(ns.serving) if ns.serving else serving_path(database))
    )
    postgres_url = ns.postgres or os.environ.get("HVC_POSTGRES_URL")
    target = _absolute(ns.target_path) if ns.target_path else _target_path([])
    return publish(database, serving, target, postgres_url, ns.grant_to)


def cmd_report(ns: argparse.Namespace) -> int:
    """`hvc report`: write the HTML report of the serving store."""
    from hvc.report import write_report

    serving = _absolute(ns.serving) if ns.serving else serving_path()
    if not serving.is_file():
        print(
            f"hvc report: {serving} not found: run hvc build (a full build publishes it) "
            "or hvc publish first",
            file=sys.stderr,
        )
        return 1
    out = _absolute(ns.out) if ns.out else report_path(serving)
    write_report(serving, out)
    print(f"hvc: report written to {out} (open it in a browser; it needs no network)")
    return 0


def cmd_summary(ns: argparse.Namespace) -> int:
    """`hvc summary`: print the warehouse's summary."""
    from hvc.summary import print_summary

    return print_summary(warehouse_path(), serving_path())


def cmd_explain(ns: argparse.Namespace) -> int:
    """`hvc explain`: print the chain of links between two identifiers of one customer, or,
    for two customers, the links refused between them and their relationship."""
    import duckdb

    from hvc.identity import explain_link

    database = warehouse_path()
    if not database.is_file():
        print(
            f"hvc explain: {database} not found: run make demo or hvc build first",
            file=sys.stderr,
        )
        return 1
    with duckdb.connect(str(database), read_only=True) as con:
        kinds = [
            row[0]
            for row in con.execute(
                "select distinct split_part(node_id, ':', 1) from "
                "intermediate.int_identity__node_customers order by 1"
            ).fetchall()
        ]
        keys = {}
        for node in (ns.first, ns.second):
            kind = node.split(":", 1)[0] if ":" in node else ""
            if kind not in kinds:
                print(
                    f"hvc explain: {node!r} is not KIND:VALUE with a kind of this warehouse: "
                    f"{', '.join(kinds)} (e.g. email:ann@example.com, edd_customer:17)",
                    file=sys.stderr,
                )
                return 2
            found = con.execute(
                "select customer_key from intermediate.int_identity__node_customers "
                "where node_id = ?",
                [node],
            ).fetchone()
            if found is None:
                print(
                    f"hvc: {node} links to nothing: no record carries it, or identity kept it "
                    "out (see data_quality.identity_quarantine)"
                )
                return 1
            keys[node] = found[0]
        if keys[ns.first] != keys[ns.second]:
            return _explain_apart(con, ns.first, ns.second, keys)
        edges = con.execute(
            "select node_a, node_b, evidence, record_count, example_source_name, "
            "example_table_name, example_record_id from data_quality.identity_merge_audit "
            "where customer_key = ? order by node_a, node_b",
            [keys[ns.first]],
        ).df()
    path = explain_link(edges, ns.first, ns.second)
    print(f"customer {keys[ns.first]}: {len(path)} link(s)")
    for row in path.itertuples(index=False):
        print(
            f"  {row.hop}. {row.from_node} -- {row.to_node}: {row.evidence}, "
            f"{row.record_count} record(s), "
            f"e.g. {row.example_source_name}.{row.example_table_name} {row.example_record_id}"
        )
    return 0


def _explain_apart(con, first: str, second: str, keys: dict[str, str]) -> int:
    """Two identifiers of two customers: the links refused between the customers, and the
    relationships they stand for."""
    pair = [keys[first], keys[second], keys[second], keys[first]]
    refused = con.execute(
        "select from_node, to_node, evidence, refused_reason, record_count, "
        "example_source_name, example_table_name, example_record_id "
        "from data_quality.identity_refused_links "
        "where (from_customer_key = ? and to_customer_key = ?) "
        "or (from_customer_key = ? and to_customer_key = ?) "
        "order by record_count desc, from_node, to_node",
        pair,
    ).fetchall()
    related = con.execute(
        "select from_customer_key, relationship, to_customer_key, record_count "
        "from marts.customer_relationships "
        "where (from_customer_key = ? and to_customer_key = ?) "
        "or (from_customer_key = ? and to_customer_key = ?) "
        "order by from_customer_key, relationship",
        pair,
    ).fetchall()
    print(
        f"hvc: {first} (customer {keys[first]}) and {second} (customer {keys[second]}) "
        "are two customers"
    )
    for frm, to, evidence, reason, records, source, table, record in refused:
        print(
            f"  refused: {frm} -- {to}: {evidence}, {reason}, {records} record(s), "
            f"e.g. {source}.{table} {record}"
        )
    for frm, relationship, to, records in related:
        print(f"  relationship: {frm} {relationship} {to} ({records} record(s))")
    if not refused:
        print("  no link between them was refused: nothing in the data joins them")
    return 1


def cmd_demo(ns: argparse.Namespace) -> int:
    """`hvc demo`: generate (or reuse) the demo, build it, score identity, summarise. The demo
    data are reused when the same size, seed, shape and profile were written by this very
    generator, else regenerated."""
    from hvc.generate.world import generator_fingerprint

    out = DEFAULT_DEMO_DIR
    manifest = out / "manifest.json"
    if (
        ns.force
        or _manifest_world(manifest) != (ns.customers, ns.seed, "real")
        or _manifest_profile(manifest) != "demo"
        or _manifest_generator(manifest) != generator_fingerprint()
    ):
        ns.out, ns.force = str(out), True
        code = cmd_generate(ns)
        if code:
            return code
    else:
        print(f"hvc: reusing the demo data in {out} (--force to regenerate)", file=sys.stderr)
    warehouse_path().parent.mkdir(parents=True, exist_ok=True)
    if not check_unlocked(warehouse_path()):
        return 2
    code = run_dbt(["build"], raw_dir=out / "raw")
    if code:
        print("hvc: dbt build failed; see the log above", file=sys.stderr)
        return code
    code = publish(warehouse_path(), serving_path(), _target_path([]))
    if code:
        return code
    from hvc.identity import identity_scores

    identity_scores(warehouse_path(), out / "truth")
    code = cmd_summary(ns)
    if code:
        return code
    from hvc.report import write_report

    report = write_report(serving_path(), report_path())
    print(f"Report: {report} (open it in a browser)")
    return 0


def _manifest_world(manifest: Path) -> tuple[int, int, str] | None:
    """(customers, seed, shape) of the generated world in a folder, or None (a world written
    before shapes existed is flat)."""
    import json

    try:
        written = json.loads(manifest.read_text())
        return int(written["n_customers"]), int(written["seed"]), written.get("shape", "flat")
    except (OSError, KeyError, ValueError):
        return None


def _manifest_generator(manifest: Path) -> str | None:
    """The fingerprint of the generator that wrote the world in a folder (None when it
    records none: an older generator's, regenerated)."""
    import json

    try:
        return json.loads(manifest.read_text()).get("generator")
    except (OSError, ValueError, AttributeError):
        return None


def _manifest_profile(manifest: Path) -> str | None:
    """The generator profile of the world in a folder (`demo` when the manifest names none),
    or None without a readable manifest."""
    import json

    try:
        return json.loads(manifest.read_text()).get("profile", "demo")
    except (OSError, ValueError, AttributeError):
        return None


def build_parser() -> argparse.ArgumentParser:
    """The `hvc` command line and its subcommands."""
    parser = argparse.ArgumentParser(prog="hvc", description=__doc__)
    parser.add_argument("--version", action="version", version=f"hvc {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="write the demo company's raw exports and ground truth")
    gen.add_argument("--out", default=str(DEFAULT_DEMO_DIR), help="output folder (data/demo)")
    gen.add_argument("--customers", type=int, default=5000, help="number of customers (5000)")
    gen.add_argument("--seed", type=int, default=42, help="random seed (42)")
    gen.add_argument("--force", action="store_true", help="replace a non-empty output folder")
    gen.add_argument(
        "--shape",
        choices=["real", "flat"],
        default="real",
        help="real: the tools' own export shapes (API pages, GA4's daily nested tables); "
        "flat: one record a line, GA4 flattened (real)",
    )
    gen.add_argument(
        "--profile",
        choices=["demo", "messy"],
        default="demo",
        help="demo: the demo company; messy: the demo plus what real CRM, shop and chat "
        "exports hold (agencies, shared browsers and chat contacts, regional free-mail, relay "
        "and junk addresses, path-style websites, formatted emails), with truth of the "
        "relationships between customers (demo)",
    )
    gen.add_argument(
        "--order-lines-volume",
        type=float,
        default=1.0,
        metavar="X",
        help="shop invoice lines per invoice, times the demo's (1); a benchmark knob: at 1 M "
        "customers 3.4 gives about 20 M order lines",
    )
    gen.add_argument(
        "--tickets-volume",
        type=float,
        default=1.0,
        metavar="X",
        help="Help Scout and Intercom conversations per customer, times the demo's (1); at "
        "1 M customers 1.55 gives about 2 M tickets",
    )
    gen.set_defaults(func=cmd_generate)

    build = sub.add_parser(
        "build",
        help="run dbt build on your raw exports (extra arguments go to dbt)",
        usage="hvc build [-h] [--raw-dir DIR] [--raw-file TABLE=PATH ...] [--warehouse PATH] "
        "[dbt arguments ...]",
        description=textwrap.fill(
            "dbt build of the warehouse. Arguments hvc does not know (--select, --vars, "
            "--full-refresh, ...) go to dbt, and everything after `--` goes to dbt as it is. "
            "Without --raw-dir or --raw-file every table reads the folder in env var "
            "HVC_RAW_DIR, else the demo's data/demo/raw."
        ),
        epilog=textwrap.fill("TABLE is one of: " + ", ".join(raw_tables())) + BUILD_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    build.add_argument(
        "--raw-dir",
        metavar="DIR",
        help="the folder of your exports, every source laid out like data/demo/raw/ "
        "(sets HVC_RAW_DIR)",
    )
    build.add_argument(
        "--raw-file",
        dest="raw_files",
        metavar="TABLE=PATH",
        action="append",
        default=[],
        help="read one table from a file or glob (.csv, .csv.gz, .jsonl, .json, .ndjson, "
        ".parquet); repeat for more tables. Tables not named read nothing (or their files in "
        "--raw-dir), never the demo's",
    )
    build.add_argument(
        "--warehouse",
        metavar="PATH",
        help="the DuckDB file to write (sets HVC_DUCKDB_PATH; default: HVC_DUCKDB_PATH, else "
        "warehouse/hvc.duckdb)",
    )
    build.add_argument(
        "--no-publish",
        action="store_true",
        help="do not publish the build to the serving store (a full build without errors "
        "is published by default)",
    )
    build.set_defaults(func=cmd_build, dbt_args=[])

    pub = sub.add_parser(
        "publish",
        help="publish the last complete build's marts to the serving DuckDB file (and Postgres)",
        description=textwrap.fill(
            "Copy the BI-facing marts (no column tagged pii or tool_id) of the last finished, "
            "complete build into the serving DuckDB file, written beside it and renamed into "
            "place, and with --postgres into fresh Postgres schemas swapped in with one "
            "transaction. Readers never see a partial or mixed build, and never block a build."
        ),
    )
    pub.add_argument("--warehouse", metavar="PATH", help="the build file (as hvc build)")
    pub.add_argument(
        "--serving",
        metavar="PATH",
        help="the serving DuckDB file (env var HVC_SERVING_PATH, else warehouse/serving.duckdb)",
    )
    pub.add_argument(
        "--no-duckdb", action="store_true", help="publish to Postgres only, not the DuckDB file"
    )
    pub.add_argument(
        "--postgres",
        metavar="URL",
        help="also publish to this Postgres database (env var HVC_POSTGRES_URL), e.g. "
        "postgresql://hvc@localhost:5432/analytics",
    )
    pub.add_argument(
        "--grant-to", metavar="ROLE", help="Postgres role given read access (e.g. metabase)"
    )
    pub.add_argument(
        "--target-path", metavar="DIR", help="dbt's target folder of the build (target)"
    )
    pub.set_defaults(func=cmd_publish)

    report = sub.add_parser(
        "report",
        help="write the HTML report (a chart per business question) from the serving store",
        description=textwrap.fill(
            "Write one self-contained HTML page from the published serving store: a section "
            "per business question with its charts (inline SVG, no script, opens without "
            "network) and a caption carrying the numbers. A section without data says so."
        ),
    )
    report.add_argument(
        "--serving",
        metavar="PATH",
        help="the serving DuckDB file to read (env var HVC_SERVING_PATH, else "
        "warehouse/serving.duckdb)",
    )
    report.add_argument(
        "--out", metavar="FILE", help="the HTML file to write (report.html beside the store)"
    )
    report.set_defaults(func=cmd_report)

    summary = sub.add_parser("summary", help="print row counts and data quality of the warehouse")
    summary.set_defaults(func=cmd_summary)

    explain = sub.add_parser(
        "explain",
        help="show the chain of records that put two identifiers in one customer, or the "
        "links refused between two customers and their relationship",
    )
    explain.add_argument(
        "first",
        help="an identifier KIND:VALUE, e.g. email:ann@example.com (kinds: email, "
        "domain, edd_customer, hubspot_company, ga_visitor, ...)",
    )
    explain.add_argument("second", help="another identifier, e.g. edd_customer:17")
    explain.set_defaults(func=cmd_explain)

    demo = sub.add_parser("demo", help="generate the demo data, build the warehouse, summarise")
    demo.add_argument("--customers", type=int, default=5000, help="number of customers (5000)")
    demo.add_argument("--seed", type=int, default=42, help="random seed (42)")
    demo.add_argument("--force", action="store_true", help="regenerate the demo data")
    demo.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the `hvc` command; returns its exit code. `hvc build` passes the arguments it does
    not know on to dbt; every other command refuses them."""
    parser = build_parser()
    ns, unknown = parser.parse_known_args(argv)
    if unknown and ns.command != "build":
        parser.error("unrecognized arguments: " + " ".join(unknown))
    if ns.command == "build":
        ns.dbt_args = unknown
    return ns.func(ns)


if __name__ == "__main__":
    raise SystemExit(main())
