"""What is served, read from dbt's manifest: each model's `meta.serving` and each column's tags.

A model is served when its `meta.serving` is `business` (the marts, set in `dbt_project.yml`)
or `diagnostics` (the models' fit and backtest tables, set in their YAML); each goes to a
schema of its own in the serving store. A served table keeps only the columns its YAML
documents, in that order, less those tagged `pii` (people's addresses, names, identifiers) or
`tool_id` (a tool's own record id, kept in the build file for the data team). Descriptions
become table and column comments.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

#: The serving store's schema of each `meta.serving` role.
SERVING_SCHEMAS = {"business": "analytics", "diagnostics": "model_diagnostics"}
#: Column tags that keep a column out of every serving store.
UNSERVED_TAGS = frozenset({"pii", "tool_id"})


class CatalogError(ValueError):
    """The manifest cannot say what to serve: the message says what to do."""


@dataclass(frozen=True)
class ServedColumn:
    """A column of a served table and its description."""

    name: str
    description: str


@dataclass(frozen=True)
class ServedTable:
    """A served table: its schema and name in the store, the build file's relation it copies,
    its description and its served columns."""

    schema: str
    name: str
    source_schema: str
    source_name: str
    description: str
    columns: tuple[ServedColumn, ...]
    withheld: tuple[str, ...]


def load_manifest(target_path: Path) -> dict:
    """dbt's `manifest.json` in a target folder."""
    path = Path(target_path) / "manifest.json"
    if not path.is_file():
        raise CatalogError(f"{path} not found: run hvc build (or dbt build) first")
    return json.loads(path.read_text())


def served_tables(manifest: dict) -> list[ServedTable]:
    """The tables to serve, by schema and name.

    Raises
    ------
    CatalogError : a served model with no documented column to serve, an unknown
        `meta.serving` value, or two served models of one name.
    """
    tables: dict[tuple[str, str], ServedTable] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or not node["config"].get("enabled", True):
            continue
        role = (node["config"].get("meta") or {}).get("serving", "none")
        if role == "none":
            continue
        if role not in SERVING_SCHEMAS:
            raise CatalogError(
                f"model {node['name']}: meta.serving is {role!r}; one of "
                f"{', '.join([*SERVING_SCHEMAS, 'none'])}"
            )
        columns, withheld = [], []
        for column in node["columns"].values():
            tags = set(column.get("tags") or []) | set(
                (column.get("config") or {}).get("tags") or []
            )
            if tags & UNSERVED_TAGS:
                withheld.append(column["name"])
            else:
                columns.append(ServedColumn(column["name"], _text(column.get("description"))))
        if not columns:
            raise CatalogError(f"model {node['name']}: served, but its YAML documents no column")
        name = node["alias"] or node["name"]
        key = (SERVING_SCHEMAS[role], name)
        if key in tables:
            raise CatalogError(f"two served models are named {name}")
        tables[key] = ServedTable(
            schema=SERVING_SCHEMAS[role],
            name=name,
            source_schema=node["schema"],
            source_name=name,
            description=_text(node.get("description")),
            columns=tuple(columns),
            withheld=tuple(withheld),
        )
    return [tables[key] for key in sorted(tables)]


def _text(description: str | None) -> str:
    """A description as one line of text (YAML's folded newlines and spaces collapsed)."""
    return " ".join((description or "").split())
