"""A raw table's records whatever the shape of its files: one JSON record per line or an API
list page per line (its records under the page's records path, e.g. ``sales`` or
``_embedded.conversations``), CSV (gzipped or not) or Parquet (one file or one a day)."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path


def page_records(value: object, records_path: str | None) -> list:
    """The records a parsed JSON line holds: a page's records at ``records_path``, else the
    line's value itself."""
    if records_path and isinstance(value, dict):
        found: object = value
        for key in records_path.split("."):
            found = found.get(key) if isinstance(found, dict) else None
        if isinstance(found, list):
            return found
    return [value]


def _open_text(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def json_records(paths: list[Path], records_path: str | None = None) -> list[dict]:
    """Every record of JSON-lines files, pages exploded, in file and line order."""
    records = []
    for path in paths:
        with _open_text(path) as handle:
            for line in handle:
                if line.strip():
                    records.extend(page_records(json.loads(line), records_path))
    return records


def count_records(paths: list[Path], records_path: str | None = None) -> int:
    """Records in a raw table's files, counted without DuckDB's readers or dbt."""
    total = 0
    for path in paths:
        name = path.name.removesuffix(".gz")
        if name.endswith(".parquet"):
            import pyarrow.parquet as pq

            total += pq.ParquetFile(path).metadata.num_rows
        elif name.endswith(".csv"):
            with _open_text(path) as handle:
                total += sum(1 for _ in csv.reader(handle)) - 1  # less the header
        else:
            total += len(json_records([path], records_path))
    return total


def records_relation(root: Path, entry: dict) -> str:
    """A DuckDB relation over a generated table's files (manifest ``entry``): the CSV or
    Parquet columns, or for JSON one column ``json`` per record, pages exploded."""
    files = ", ".join(f"'{root / name}'" for name in entry["files"])
    if entry["format"] == "csv":
        return f"read_csv([{files}], all_varchar = true, header = true)"
    if entry["format"] == "parquet":
        return f"read_parquet([{files}], union_by_name = true)"
    path = entry.get("records_path")
    if not path:
        return f"read_ndjson_objects([{files}])"
    return f"""(
        select unnest(
            case when json_type(json, '$.{path}') = 'ARRAY'
                then json_extract(json, '$.{path}[*]') else [json] end
        ) as json
        from read_ndjson_objects([{files}])
    )"""
