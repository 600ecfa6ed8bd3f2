"""`hvc build`'s options: what reaches dbt (arguments, --vars) and its environment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from hvc import cli, dbt


class Recorded:
    """The dbt command `hvc build` ran: its arguments, environment and working folder."""

    def __init__(self) -> None:
        self.command: list[str] = []
        self.env: dict[str, str] = {}
        self.raw_files: list[str] | None = None
        self.published: list[tuple[Path, Path | None, Path]] = []

    def __call__(self, command: list[str], env: dict[str, str], cwd: Path) -> int:
        self.command, self.env = command, env
        raw_dir = Path(env["HVC_RAW_DIR"]) if "HVC_RAW_DIR" in env else None
        if raw_dir is not None and raw_dir.is_dir():
            self.raw_files = sorted(path.name for path in raw_dir.iterdir())
        return 0

    @property
    def args(self) -> list[str]:
        """dbt's arguments before the ones hvc.dbt appends (project folder, vars)."""
        return self.command[1 : self.command.index("--project-dir")]

    @property
    def vars(self) -> dict:
        """The `--vars` dbt was given, read as dbt reads them (YAML)."""
        if "--vars" not in self.command:
            return {}
        return yaml.safe_load(self.command[self.command.index("--vars") + 1])


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Recorded:
    """Run `hvc` without dbt: the dbt command is recorded instead, from `tmp_path`."""
    record = Recorded()
    monkeypatch.setattr(dbt.subprocess, "call", record)
    monkeypatch.setattr(
        cli, "publish", lambda *args, **kwargs: record.published.append(args[:3]) or 0
    )
    monkeypatch.delenv("HVC_RAW_DIR", raising=False)
    monkeypatch.delenv("HVC_DUCKDB_PATH", raising=False)
    monkeypatch.chdir(tmp_path)
    return record


def test_a_full_build_is_published_and_a_partial_one_is_not(
    recorded: Recorded, tmp_path: Path
) -> None:
    assert cli.main(["build", "--warehouse", "w.duckdb", "--target-path", "t"]) == 0
    # dbt runs in the project folder, so a relative target path is the project's
    assert recorded.published == [
        (tmp_path / "w.duckdb", tmp_path / "w.serving.duckdb", dbt.PROJECT_DIR / "t")
    ]
    assert cli.main(["build", "--warehouse", "w.duckdb", "--select", "customers"]) == 0
    assert cli.main(["build", "--warehouse", "w.duckdb", "--no-publish"]) == 0
    assert len(recorded.published) == 1


def retail_file(folder: Path, name: str = "Online_Retail.parquet") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"")
    return path


def test_dbt_arguments_pass_through_before_and_after_the_options(
    recorded: Recorded, tmp_path: Path
) -> None:
    code = cli.main(["build", "--select", "+customers", "--warehouse", "w.duckdb", "--fail-fast"])
    assert code == 0
    assert recorded.args == ["build", "--select", "+customers", "--fail-fast"]
    assert recorded.env["HVC_DUCKDB_PATH"] == str(tmp_path / "w.duckdb")
    assert recorded.env["DBT_PROFILES_DIR"] == str(dbt.PROJECT_DIR)
    assert "HVC_RAW_DIR" not in recorded.env
    assert recorded.vars == {}


def test_everything_after_a_double_dash_goes_to_dbt_without_it(
    recorded: Recorded, tmp_path: Path
) -> None:
    (tmp_path / "exports").mkdir()
    code = cli.main(["build", "--raw-dir", "exports", "--", "--select", "x", "--warehouse", "y"])
    assert code == 0
    assert recorded.args == ["build", "--select", "x", "--warehouse", "y"]
    assert recorded.env["HVC_RAW_DIR"] == str(tmp_path / "exports")
    assert "HVC_DUCKDB_PATH" not in recorded.env


def test_a_raw_file_is_its_tables_var_and_every_other_table_reads_an_empty_folder(
    recorded: Recorded, tmp_path: Path
) -> None:
    path = retail_file(tmp_path / "exports")
    code = cli.main(["build", "--raw-file", "online_retail.invoice_lines=exports/" + path.name])
    assert code == 0
    assert recorded.vars == {"raw_online_retail__invoice_lines": str(path)}
    assert recorded.raw_files == []  # the raw folder existed, empty, while dbt ran
    assert not Path(recorded.env["HVC_RAW_DIR"]).exists()  # and is removed after


def test_raw_files_with_a_raw_folder_read_the_other_tables_from_the_folder(
    recorded: Recorded, tmp_path: Path
) -> None:
    (tmp_path / "exports").mkdir()
    path = retail_file(tmp_path / "retail")
    payments = retail_file(tmp_path / "shop", "payments-2024.jsonl")
    code = cli.main(
        [
            "build",
            "--raw-dir",
            "exports",
            "--raw-file",
            f"online_retail.invoice_lines={path}",
            "--raw-file",
            f"edd.payments={tmp_path / 'shop'}/payments-*.jsonl",
        ]
    )
    assert code == 0
    assert recorded.env["HVC_RAW_DIR"] == str(tmp_path / "exports")
    assert recorded.vars == {
        "raw_online_retail__invoice_lines": str(path),
        "raw_edd__payments": str(payments.parent / "payments-*.jsonl"),
    }


def test_paths_with_spaces_and_quotes_reach_dbt_unchanged(
    recorded: Recorded, tmp_path: Path
) -> None:
    folder = tmp_path / 'it\'s a "quoted" folder'
    path = retail_file(folder, "Online Retail \\ 2011.parquet")
    database = folder / "my warehouse.duckdb"
    code = cli.main(
        [
            "build",
            "--raw-file",
            f"online_retail.invoice_lines={path}",
            "--warehouse",
            str(database),
            "--vars",
            "{as_of_date: '2011-09-10'}",
        ]
    )
    assert code == 0
    assert recorded.vars == {
        "raw_online_retail__invoice_lines": str(path),
        "as_of_date": "2011-09-10",
    }
    assert recorded.command.count("--vars") == 1  # the given vars merged into one
    assert recorded.env["HVC_DUCKDB_PATH"] == str(database)
    assert json.loads(dbt.vars_argument({"p": str(path)})) == {"p": str(path)}


def test_given_vars_pass_through_untouched_without_raw_files(recorded: Recorded) -> None:
    assert cli.main(["build", "--vars={as_of_date: '2011-09-10'}"]) == 0
    assert recorded.args == ["build", "--vars={as_of_date: '2011-09-10'}"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--raw-file", "retail.lines=exports/Online_Retail.parquet"], "unknown table"),
        (["--raw-file", "online_retail.invoice_lines"], "expected TABLE=PATH"),
        (["--raw-file", "online_retail.invoice_lines=exports/none*.csv"], "no file matches"),
        (["--raw-dir", "no-such-folder"], "no such folder"),
        (
            [
                "--raw-file",
                "online_retail.invoice_lines=exports/Online_Retail.parquet",
                "--raw-file",
                "online_retail.invoice_lines=exports/Online_Retail.parquet",
            ],
            "given twice",
        ),
        (
            [
                "--raw-file",
                "online_retail.invoice_lines=exports/Online_Retail.parquet",
                "--vars",
                "{raw_online_retail__invoice_lines: other.csv}",
            ],
            "set by --raw-file and by --vars",
        ),
    ],
)
def test_options_that_cannot_build_stop_before_dbt(
    recorded: Recorded,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    message: str,
) -> None:
    retail_file(tmp_path / "exports")
    assert cli.main(["build", *arguments]) == 2
    assert message in capsys.readouterr().err
    assert recorded.command == []


def test_other_commands_refuse_unknown_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main(["summary", "--select", "x"])
    assert stopped.value.code == 2
    assert "unrecognized arguments: --select x" in capsys.readouterr().err


def test_build_help_lists_the_options_and_the_tables(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["build", "--help"])
    text = capsys.readouterr().out
    for option in ["--raw-dir DIR", "--raw-file TABLE=PATH", "--warehouse PATH", "dbt arguments"]:
        assert option in text
    assert "online_retail.invoice_lines" in text and "edd.payments" in text


def test_generate_writes_the_real_shapes_unless_told_flat() -> None:
    parser = cli.build_parser()
    assert parser.parse_args(["generate"]).shape == "real"
    assert parser.parse_args(["generate", "--shape", "flat"]).shape == "flat"
    with pytest.raises(SystemExit):
        parser.parse_args(["generate", "--shape", "xml"])


def test_a_demo_folder_of_the_old_flat_files_is_not_reused(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"n_customers": 5000, "seed": 42}))
    assert cli._manifest_world(manifest) == (5000, 42, "flat")
    manifest.write_text(json.dumps({"n_customers": 5000, "seed": 42, "shape": "real"}))
    assert cli._manifest_world(manifest) == (5000, 42, "real")


def test_generate_writes_the_demo_profile_unless_told_messy() -> None:
    parser = cli.build_parser()
    assert parser.parse_args(["generate"]).profile == "demo"
    assert parser.parse_args(["generate", "--profile", "messy"]).profile == "messy"
    with pytest.raises(SystemExit):
        parser.parse_args(["generate", "--profile", "clean"])


def test_a_demo_folder_of_a_messy_world_is_not_reused(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    assert cli._manifest_profile(manifest) is None
    manifest.write_text(json.dumps({"n_customers": 5000, "seed": 42, "shape": "real"}))
    assert cli._manifest_profile(manifest) == "demo"
    manifest.write_text(
        json.dumps({"n_customers": 5000, "seed": 42, "shape": "real", "profile": "messy"})
    )
    assert cli._manifest_profile(manifest) == "messy"


def test_a_demo_folder_of_an_older_generator_is_not_reused(tmp_path: Path) -> None:
    """The manifest records the generator's fingerprint (a hash of its source): a folder
    written before a change to the generator, or before fingerprints, is regenerated."""
    from hvc.generate.world import generator_fingerprint

    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"n_customers": 5000, "seed": 42, "shape": "real"}))
    assert cli._manifest_generator(manifest) is None
    current = generator_fingerprint()
    assert len(current) == 16 and current == generator_fingerprint()
    manifest.write_text(json.dumps({"generator": current}))
    assert cli._manifest_generator(manifest) == current
