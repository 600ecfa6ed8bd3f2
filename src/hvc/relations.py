"""Reading a DuckDB relation a group at a time, for Python models whose input is too large to
hold whole (tens of millions of rows at 1 M customers) but whose work is per group."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import duckdb
import pandas as pd


def frames_by(
    relation: duckdb.DuckDBPyRelation, keys: Sequence[str], order: str = "customer_key"
) -> Iterator[pd.DataFrame]:
    """The rows of `relation`, one frame per distinct value of `keys` in their order, each frame
    ordered by `order`: one query per group, so that neither DuckDB nor pandas holds every group
    at once. Rows with a null key are left out, as a group-by of pandas leaves them out. The
    values go into the filter as DuckDB expressions, never as SQL text."""
    columns = [duckdb.ColumnExpression(key) for key in keys]
    present = columns[0].isnotnull()
    for column in columns[1:]:
        present = present & column.isnotnull()
    groups = relation.filter(present).select(*columns).distinct().order(", ".join(keys)).fetchall()
    for values in groups:
        same = None
        for column, value in zip(columns, values, strict=True):
            equal = column == duckdb.ConstantExpression(value)
            same = equal if same is None else same & equal
        yield relation.filter(same).order(order).df()


def groups_of(
    rows: pd.DataFrame | Iterable[pd.DataFrame], keys: Sequence[str]
) -> Iterator[pd.DataFrame]:
    """One frame per distinct value of `keys` in their order, from a whole frame (grouped here;
    rows with a null key left out) or from frames already one per group (`frames_by`'s,
    passed through): the functions that take either read their input through this."""
    if isinstance(rows, pd.DataFrame):
        for _, group in rows.groupby(list(keys), sort=True):
            yield group
    else:
        yield from rows
