"""Corrupted exports beside a world's clean ones: each corruption adds a file to a raw table's
folder that breaks the way real exports break (a broken JSON line, a cut-off last line, bad
UTF-8, a NUL byte, a wrong number of CSV fields, an open quote, a truncated Parquet file, ...)
and says what the warehouse must make of it: the rows it must quarantine, with their reason,
file and line. Every readable row a corrupted file holds is an exact copy of a clean row (or is
quarantined), so a build with the corruptions must stage exactly what the clean build stages.

The files are added, not edited, so the clean files may be in any shape the project reads
(one record per line, API pages, gzipped CSV, daily Parquet files)."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Expected:
    """A row the build must quarantine: its table, file (name), line and reason."""

    source: str
    table: str
    file: str
    line: int
    reason: str


@dataclass(frozen=True)
class Table:
    """A raw table: its folder under raw/, the prefix of its files, and its format."""

    source: str
    table: str
    prefix: str
    format: str

    def clean_files(self, raw: Path) -> list[Path]:
        return sorted(
            path
            for path in (raw / self.source).glob(f"{self.prefix}*")
            if "-corrupt" not in path.name and path.stat().st_size > 0
        )


@dataclass
class Corruption:
    """One corrupted file added to a raw table's folder, and the kinds of damage it holds."""

    kind: str
    table: Table
    write: Callable[[Table, Path], list[Expected]]
    kinds: tuple[str, ...] = ()

    def apply(self, raw: Path) -> list[Expected]:
        return self.write(self.table, raw)


TABLES = [
    Table("edd", "payments", "payments", "json"),
    Table("helpscout", "conversations", "conversations", "json"),
    Table("intercom", "conversations", "conversations", "json"),
    Table("intercom", "contacts", "contacts", "json"),
    Table("drip", "subscribers", "subscribers", "json"),
    Table("drip", "events", "events", "json"),
    Table("hubspot", "contacts", "contacts", "csv"),
    Table("hubspot", "companies", "companies", "csv"),
    Table("hubspot", "social_impressions", "social_impressions", "csv"),
    Table("google_analytics", "events", "events", "parquet"),
    Table("mturk", "batch_results", "batch_results", "csv"),
    Table("online_retail", "invoice_lines", "", "csv"),
]

#: Where API pages keep their records (as the source YAMLs' records_path).
PAGE_KEYS = ("sales", "conversations", "data", "subscribers")


def _read_bytes(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()


def clean_record(table: Table, raw: Path) -> dict:
    """A record of the table as its clean files hold it (the first)."""
    for line in _read_bytes(table.clean_files(raw)[0]).splitlines():
        value = json.loads(line.lstrip(BOM))
        if isinstance(value, dict) and "_embedded" in value:
            value = value["_embedded"]
        if isinstance(value, dict):
            for key in PAGE_KEYS:
                if isinstance(value.get(key), list) and value[key]:
                    return value[key][0]
            return value
        if isinstance(value, list) and value:
            return value[0]
    raise ValueError(f"no record in {table}")


def clean_csv_lines(table: Table, raw: Path) -> tuple[bytes, bytes]:
    """The header and the first data row of the table's first clean CSV file."""
    lines = _read_bytes(table.clean_files(raw)[0]).lstrip(BOM).splitlines()
    return lines[0], lines[1]


def _name(table: Table, kind: str, extension: str) -> str:
    return f"{table.prefix or table.table}-corrupt-{kind}.{extension}"


def _write(raw: Path, table: Table, name: str, lines: list[bytes], last_newline=True) -> None:
    data = b"\n".join(lines) + (b"\n" if last_newline else b"")
    (raw / table.source / name).write_bytes(data)


# --- JSON lines -----------------------------------------------------------------------------

#: Corrupted lines of a JSON-lines file, after one good (copied) line: kind and bytes.
BAD_JSON_LINES = {
    "invalid_json": b'{"id": "x1", "broken": ',
    "bad_utf8": b'{"id": "\xff\xfe\xfa"}',
    "nul_byte": b'{"id": "a\x00b"}',
    "array_of_numbers": b"[1, 2, 3]",
    "scalar": b'"just text"',
}


def json_bad_lines(table: Table, raw: Path) -> list[Expected]:
    """A file: a copied record, then one broken line of each kind, then a cut-off last line."""
    good = json.dumps(clean_record(table, raw)).encode()
    name = _name(table, "lines", "jsonl")
    lines = [good, *BAD_JSON_LINES.values(), good[: len(good) // 2]]
    _write(raw, table, name, lines, last_newline=False)
    return [
        Expected(table.source, table.table, name, number, "unreadable_line")
        for number in range(2, len(lines) + 1)
    ]


def json_bom_crlf_blank(table: Table, raw: Path) -> list[Expected]:
    """A byte-order mark, Windows line ends and blank lines around copied records: no loss."""
    good = json.dumps(clean_record(table, raw)).encode()
    (raw / table.source / _name(table, "bom", "jsonl")).write_bytes(
        BOM + good + b"\r\n\r\n  \r\n" + good + b"\r\n"
    )
    return []


def json_overlong_line(table: Table, raw: Path) -> list[Expected]:
    """A copied record carrying a 20 MiB field the source does not declare: read, a copy."""
    record = clean_record(table, raw)
    record["padding"] = "x" * (20 * 2**20)
    _write(raw, table, _name(table, "long", "jsonl"), [json.dumps(record).encode()])
    return []


def json_empty_file(table: Table, raw: Path) -> list[Expected]:
    (raw / table.source / _name(table, "empty", "jsonl")).write_bytes(b"")
    return []


def json_missing_required(column: str, id_key: str) -> Callable[[Table, Path], list[Expected]]:
    """A file whose records lack a required column: every row quarantined for it."""

    def write(table: Table, raw: Path) -> list[Expected]:
        record = clean_record(table, raw)
        rows = []
        for n in range(2):
            copy = {key: value for key, value in record.items() if key != column}
            copy[id_key] = f"{record.get(id_key)}-drift{n}"
            rows.append(json.dumps(copy).encode())
        name = _name(table, "drift", "jsonl")
        _write(raw, table, name, rows)
        return [
            Expected(table.source, table.table, name, n + 1, f"missing_column:{column}")
            for n in range(2)
        ]

    return write


def edd_implausible_total(table: Table, raw: Path) -> list[Expected]:
    """A payment of 99,999,999,999.99: a typo, never revenue."""
    record = clean_record(table, raw)
    record.update(ID=f"{record['ID']}-huge", total="99999999999.99", subtotal="99999999999.99")
    name = _name(table, "implausible", "jsonl")
    _write(raw, table, name, [json.dumps(record).encode()])
    return [Expected(table.source, table.table, name, 1, "implausible_amount")]


# --- CSV ------------------------------------------------------------------------------------


def csv_bad_rows(table: Table, raw: Path) -> list[Expected]:
    """A file: the header, a copied row, rows with a field too many, bad UTF-8 and a cut-off
    last row."""
    header, row = clean_csv_lines(table, raw)
    name = _name(table, "rows", "csv")
    lines = [
        header,
        row,
        row + b",surplus",
        b"\xff\xfe," + row.split(b",", 1)[1],
        row[: len(row) // 3],
    ]
    _write(raw, table, name, lines, last_newline=False)
    return [
        Expected(table.source, table.table, name, number, "unreadable_line")
        for number in range(3, len(lines) + 1)
    ]


def csv_open_quote(table: Table, raw: Path) -> list[Expected]:
    """An open quote runs on to the end of its file: one unreadable line."""
    header, row = clean_csv_lines(table, raw)
    name = _name(table, "quote", "csv")
    _write(raw, table, name, [header, b'"' + row])
    return [Expected(table.source, table.table, name, 2, "unreadable_line")]


def csv_garbage(table: Table, raw: Path) -> list[Expected]:
    """Bytes that are no CSV at all: one unreadable file."""
    name = _name(table, "garbage", "csv")
    (raw / table.source / name).write_bytes(bytes(range(256)) * 8)
    return [Expected(table.source, table.table, name, 1, "unreadable_file")]


def csv_bom_crlf_gzip(table: Table, raw: Path) -> list[Expected]:
    """A copied row in a gzipped file with a byte-order mark and Windows line ends: no loss."""
    header, row = clean_csv_lines(table, raw)
    target = raw / table.source / _name(table, "bom", "csv.gz")
    target.write_bytes(gzip.compress(BOM + header + b"\r\n" + row + b"\r\n", mtime=0))
    return []


def csv_empty_file(table: Table, raw: Path) -> list[Expected]:
    (raw / table.source / _name(table, "empty", "csv")).write_bytes(b"")
    return []


def retail_overflow(table: Table, raw: Path) -> list[Expected]:
    """A line of 1,000,000 units at 99,999.999: beyond any plausible sale (and the money type)."""
    header, row = clean_csv_lines(table, raw)
    names = [name.decode() for name in header.split(b",")]
    values = row.decode().split(",")
    values[names.index("Quantity")] = "1000000"
    values[names.index("UnitPrice")] = "99999.999"
    values[names.index("InvoiceNo")] = "999999"
    name = _name(table, "overflow", "csv")
    _write(raw, table, name, [header, ",".join(values).encode()])
    return [Expected(table.source, table.table, name, 2, "implausible_amount")]


# --- Parquet --------------------------------------------------------------------------------


def parquet_truncated(table: Table, raw: Path) -> list[Expected]:
    data = table.clean_files(raw)[0].read_bytes()
    name = _name(table, "truncated", "parquet")
    (raw / table.source / name).write_bytes(data[: len(data) // 2])
    return [Expected(table.source, table.table, name, 1, "unreadable_file")]


def parquet_not_parquet(table: Table, raw: Path) -> list[Expected]:
    name = _name(table, "not", "parquet")
    (raw / table.source / name).write_text("event_date,event_name\n20240101,page_view\n")
    return [Expected(table.source, table.table, name, 1, "unreadable_file")]


def parquet_missing_required(table: Table, raw: Path) -> list[Expected]:
    original = pq.read_table(table.clean_files(raw)[0])
    name = _name(table, "drift", "parquet")
    pq.write_table(original.slice(0, 2).drop_columns(["event_name"]), raw / table.source / name)
    return [
        Expected(table.source, table.table, name, n + 1, "missing_column:event_name")
        for n in range(2)
    ]


#: The kinds of damage each corrupted file holds.
KINDS = {
    "json_bad_lines": (
        "invalid_json",
        "bad_utf8",
        "nul_byte",
        "array_of_numbers",
        "scalar",
        "truncated_last_line",
    ),
    "json_bom_crlf_blank": ("json_byte_order_mark", "json_crlf", "blank_lines"),
    "json_empty_file": ("empty_json_file",),
    "json_overlong_line": ("20_mib_line",),
    "json_missing_required": ("missing_required_key",),
    "edd_implausible_total": ("implausible_total",),
    "csv_bad_rows": ("too_many_fields", "bad_utf8_field", "truncated_last_row"),
    "csv_open_quote": ("open_quote",),
    "csv_garbage": ("binary_garbage",),
    "csv_bom_crlf_gzip": ("csv_byte_order_mark", "csv_crlf", "gzipped_csv"),
    "csv_empty_file": ("empty_csv_file",),
    "retail_overflow": ("decimal_overflow",),
    "parquet_truncated": ("truncated_parquet",),
    "parquet_not_parquet": ("not_parquet",),
    "parquet_missing_required": ("missing_required_parquet_column",),
}


def every_corruption() -> list[Corruption]:
    """Every kind of corruption, for every raw table its format allows."""
    by_name = {(table.source, table.table): table for table in TABLES}
    planned: list[tuple[str, Table, Callable[[Table, Path], list[Expected]]]] = []
    for table in TABLES:
        if table.format == "json":
            kinds = [json_bad_lines, json_bom_crlf_blank, json_empty_file]
            if table.table == "payments":
                kinds.append(json_overlong_line)
        elif table.format == "csv":
            kinds = [csv_bad_rows, csv_open_quote, csv_garbage, csv_bom_crlf_gzip, csv_empty_file]
        else:
            kinds = [parquet_truncated, parquet_not_parquet, parquet_missing_required]
        planned += [(kind.__name__, table, kind) for kind in kinds]
    planned += [
        ("json_missing_required", by_name["edd", "payments"], json_missing_required("total", "ID")),
        ("edd_implausible_total", by_name["edd", "payments"], edd_implausible_total),
        ("retail_overflow", by_name["online_retail", "invoice_lines"], retail_overflow),
    ]
    return [Corruption(name, table, write, KINDS[name]) for name, table, write in planned]


def corrupt_copy(raw: Path, target: Path, corruptions: list[Corruption]) -> list[Expected]:
    """Copy the raw folder to `target` and add the corrupted files; return every row the build
    must quarantine."""
    shutil.copytree(raw, target)
    expected: list[Expected] = []
    for corruption in corruptions:
        expected += corruption.apply(target)
    return expected
