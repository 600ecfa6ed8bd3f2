"""Plants duplicate and malformed rows, writes raw files with DuckDB, and records the truth.

Every table goes through :meth:`RawWriter.write`: the table's clean rows come in as an Arrow
table plus a ``_bad`` column (0 = clean, else a reason code the table's SQL turns into exactly
one defect); planted duplicates are extra copies placed right after their original.

The writer's ``shape`` is ``real`` (the tools' own export shapes: API list pages, one per line,
for tables that come from a list endpoint; GA4's daily Parquet files) or ``flat`` (one record
per line, one file per table). Both write the same records in the same order.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from hvc.generate.pages import PageShape, paged_sql

SHAPES = ("real", "flat")
REASONS = ["missing_id", "unparseable_timestamp", "unparseable_number", "invalid_email"]
MISSING_ID, BAD_TIME, BAD_NUMBER, BAD_EMAIL = 1, 2, 3, 4
DUPLICATE_RATE = 0.005
MALFORMED_RATE = 0.001


@dataclass
class Plan:
    """Where a table's defects go: per clean row a reason code, and the rows to duplicate."""

    bad: np.ndarray
    duplicated: np.ndarray
    order: np.ndarray

    def counts(self, reasons: list[str]) -> dict[str, int]:
        """Malformed rows per reason code."""
        return {r: int(np.sum(self.bad == REASONS.index(r) + 1)) for r in reasons}


def plan_defects(rng: np.random.Generator, n: int, reasons: list[str]) -> Plan:
    """Choose disjoint rows to break (one reason each) and rows to write twice."""
    per_reason = max(2, round(MALFORMED_RATE * n / len(reasons)))
    n_dup = max(2, round(DUPLICATE_RATE * n))
    n_bad = per_reason * len(reasons)
    if n < n_bad + n_dup:
        raise ValueError(f"table of {n} rows is too small to plant {n_bad + n_dup} defects")
    picks = rng.choice(n, n_bad + n_dup, replace=False)
    bad = np.zeros(n, dtype=np.int8)
    for i, r in enumerate(reasons):
        bad[picks[i * per_reason : (i + 1) * per_reason]] = REASONS.index(r) + 1
    duplicated = np.zeros(n, dtype=bool)
    duplicated[picks[n_bad:]] = True
    order = np.sort(np.concatenate([np.arange(n), picks[n_bad:]]), kind="stable")
    return Plan(bad=bad, duplicated=duplicated, order=order)


@dataclass
class RawWriter:
    """Writes raw tables under ``<out>/raw`` and collects manifest entries and truth records.

    Files are written on one background thread (one file at a time, DuckDB single-threaded),
    so the next table is drawn while the previous one is written; at most one write is pending.
    """

    out_dir: Path
    shape: str = "real"
    con: duckdb.DuckDBPyConnection = field(init=False)
    tables: dict[str, dict] = field(default_factory=dict)
    record_rows: int = 0
    _pool: ThreadPoolExecutor = field(init=False)
    _pending: Future | None = field(init=False, default=None)
    _records: pq.ParquetWriter | None = field(init=False, default=None)
    _parquet: dict[str, tuple[dict[str, pq.ParquetWriter], list[Plan]]] = field(
        default_factory=dict
    )

    def __post_init__(self) -> None:
        if self.shape not in SHAPES:
            raise ValueError(f"shape must be one of {', '.join(SHAPES)}, not {self.shape!r}")
        self.con = duckdb.connect()
        self.con.execute("set threads = 1; set preserve_insertion_order = true")
        self.con.execute("set enable_progress_bar = false; set TimeZone = 'UTC'")
        self._pool = ThreadPoolExecutor(max_workers=1)

    def _submit(self, fn, *args) -> None:
        self.wait()
        self._pending = self._pool.submit(fn, *args)

    def wait(self) -> None:
        """Block until the pending write (if any) is on disk; re-raise its error."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def close(self) -> None:
        """Finish pending writes; close the files, the thread and the DuckDB connection."""
        try:
            self.wait()
        finally:
            self._pool.shutdown()
            self.con.close()
            if self._records is not None:
                self._records.close()
            for sinks, _ in self._parquet.values():
                for sink in sinks.values():
                    sink.close()

    def _path(self, key: str, file_name: str) -> Path:
        folder = self.out_dir / "raw" / key.split(".", 1)[0]
        folder.mkdir(parents=True, exist_ok=True)
        return folder / file_name

    def write(
        self,
        key: str,
        data: pa.Table,
        plan: Plan,
        select_sql: str,
        reasons: list[str],
        file_name: str,
        row_order: np.ndarray | None = None,
        page: PageShape | None = None,
    ) -> int:
        """Write ``select_sql`` over ``data`` with DuckDB.

        Clean row ``i`` is ``data`` row ``row_order[i]`` (identity when omitted); ``plan`` is
        over clean rows. ``select_sql`` reads the relation ``src`` with an extra ``_bad``
        column (the reason code) and lists the file's columns (a record's fields). With a
        ``page`` and the real shape, each line is one API list page of those records. Returns
        the rows (records) written.
        """
        path = self._path(key, file_name)
        bad = plan.bad
        take = plan.order
        if row_order is not None:
            bad = np.empty_like(plan.bad)
            bad[row_order] = plan.bad
            take = row_order[plan.order]
        data = data.append_column("_bad", pa.array(bad)).take(pa.array(take))
        options = {
            ".jsonl": "format json",
            ".csv": "format csv, header true",
        }[path.suffix]
        paged = page is not None and self.shape == "real"
        sql = paged_sql(select_sql, page) if paged else select_sql
        self._submit(self._copy, data, sql, path, options)
        self._register(key, [path], plan, reasons)
        if paged:
            self.tables[key]["records_path"] = page.records_path
            self.tables[key]["lines"] = -(-len(plan.order) // page.size)
        return len(plan.order)

    def _copy(self, data: pa.Table, select_sql: str, path: Path, options: str) -> None:
        self.con.register("src", data)
        try:
            self.con.execute(f"copy ({select_sql}) to '{path}' ({options})")
        finally:
            self.con.unregister("src")

    def append_parquet(
        self,
        key: str,
        data: pa.Table,
        plan: Plan,
        reasons: list[str],
        file_names: list[str],
        file_of_row: np.ndarray | None = None,
        compression: str = "zstd",
    ) -> None:
        """Append one chunk (defects already applied to its clean rows) to Parquet files.

        Row ``i`` of ``data`` goes to ``file_names[file_of_row[i]]`` (all to the first when
        omitted), the rows of each file in the order ``plan.order`` gives them. A table may
        arrive in several chunks, each with its own plan; call :meth:`finish_parquet` after the
        last one.
        """
        if key not in self._parquet:
            self._parquet[key] = ({}, [])
        sinks, plans = self._parquet[key]
        plans.append(plan)
        order = plan.order
        if file_of_row is None:
            parts = [(file_names[0], order)]
        else:
            files = file_of_row[order]
            by_file = np.argsort(files, kind="stable")
            bounds = np.flatnonzero(np.diff(files[by_file])) + 1
            parts = [
                (file_names[files[rows[0]]], order[rows])
                for rows in np.split(by_file, bounds)
                if len(rows)
            ]
        paths = {name: self._path(key, name) for name, _ in parts}
        self._submit(self._write_chunk, sinks, paths, data, parts, compression)

    @staticmethod
    def _write_chunk(
        sinks: dict[str, pq.ParquetWriter],
        paths: dict[str, Path],
        data: pa.Table,
        parts: list[tuple[str, np.ndarray]],
        compression: str,
    ) -> None:
        step = 1_000_000
        for name, order in parts:
            if name not in sinks:
                sinks[name] = pq.ParquetWriter(paths[name], data.schema, compression=compression)
            for start in range(0, len(order), step):
                sinks[name].write_table(data.take(pa.array(order[start : start + step])))

    def finish_parquet(self, key: str, reasons: list[str]) -> None:
        """Close the Parquet files written in chunks and record their manifest entry."""
        sinks, plans = self._parquet.pop(key)
        self.wait()
        for sink in sinks.values():
            sink.close()
        merged = Plan(
            bad=np.concatenate([p.bad for p in plans]),
            duplicated=np.concatenate([p.duplicated for p in plans]),
            order=np.concatenate([p.order for p in plans]),
        )
        paths = [Path(sinks[name].where) for name in sorted(sinks)]
        self._register(key, paths, merged, reasons)

    def _register(self, key: str, paths: list[Path], plan: Plan, reasons: list[str]) -> None:
        self.tables[key] = {
            "format": paths[0].suffix.lstrip("."),
            "files": [str(path.relative_to(self.out_dir)) for path in paths],
            "rows": len(plan.order),
            "duplicate_rows": int(plan.duplicated.sum()),
            "malformed_rows": plan.counts(reasons),
        }

    def add_records(
        self,
        key: str,
        record_id: pa.Array,
        customer_id: np.ndarray,
        issue: pa.Array,
    ) -> None:
        """Add truth rows: the true customer of each raw record id (null id = id-less row)."""
        source, table = key.split(".", 1)
        n = len(record_id)
        chunk = pa.table(
            {
                "source": pa.repeat(pa.scalar(source), n),
                "table_name": pa.repeat(pa.scalar(table), n),
                "record_id": record_id.cast(pa.string()),
                "customer_id": pa.array(customer_id, pa.int64()),
                "record_issue": issue.cast(pa.string()),
            }
        )
        if self._records is None:
            path = self.out_dir / "truth" / "records.parquet"
            self._records = pq.ParquetWriter(path, chunk.schema, compression="zstd")
        self._records.write_table(chunk, row_group_size=1_000_000)
        self.record_rows += n


def row_issue(plan: Plan) -> pa.Array:
    """Per clean row: null, ``duplicate`` or the malformed reason."""
    labels = np.array([None, *REASONS], dtype=object)[plan.bad]
    labels[plan.duplicated] = "duplicate"
    return pa.array(labels, pa.string())


def per_row_records(
    writer: RawWriter, key: str, ids: pa.Array, customer: np.ndarray, plan: Plan
) -> None:
    """Truth for a table keyed by one id per row; ``customer`` holds customer ids (0 = none)."""
    ids = pc.if_else(
        pa.array(plan.bad == MISSING_ID), pa.scalar(None, pa.string()), ids.cast(pa.string())
    )
    writer.add_records(key, ids, _nullable(customer), row_issue(plan))


def grouped_records(
    writer: RawWriter,
    key: str,
    keys: np.ndarray,
    id_of_key: pa.Array,
    customer_of_key: np.ndarray,
    plan: Plan,
) -> None:
    """Truth for a table whose id repeats over rows (one truth row per distinct raw id).

    ``keys`` are integer codes per clean row, ``id_of_key`` and ``customer_of_key`` map a code
    to the id written and the true customer. Rows whose id was blanked (``missing_id``) get one
    truth row each with a null id.
    """
    keep = plan.bad != MISSING_ID
    present = np.unique(keys[keep])
    blank = keys[~keep]
    ids = pa.concat_arrays(
        [pc.take(id_of_key, pa.array(present)).cast(pa.string()), pa.nulls(len(blank), pa.string())]
    )
    cust = np.concatenate([customer_of_key[present], customer_of_key[blank]])
    issue = pa.concat_arrays(
        [pa.nulls(len(present), pa.string()), pa.repeat(pa.scalar("missing_id"), len(blank))]
    )
    writer.add_records(key, ids, _nullable(cust), issue)


def _nullable(customer: np.ndarray) -> pa.Array:
    customer = np.asarray(customer, dtype=np.int64)
    return pa.array(customer, pa.int64(), mask=customer <= 0)
