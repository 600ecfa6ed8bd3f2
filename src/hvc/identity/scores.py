"""Identity resolution scored: pairwise precision and recall of a clustering, and the
warehouse graded against the demo generator's ground truth (never read by dbt)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from hvc.identity.components import _distinct

# Identifier kinds that can link a record to records of other tools. A record carrying none
# (an anonymous chat lead, a payment whose only email is junk) cannot be linked by any rule.
CROSS_TOOL_IDENTIFIERS = ("email", "domain", "edd_customer", "hubspot_company", "retail_customer")

# Truth keys each table's records by its own id, except where one truth row stands for a group
# of records: then the SQL below says which staging column carries the truth's key.
_TRUTH_ITEMS_SQL = """
with
truth as (
    select
        source, table_name, record_id,
        case when source = 'online_retail' then 'retail:' else 'software:' end
            || cast(customer_id as varchar) as true_customer
    from read_parquet('{truth}')
    where record_id is not null and customer_id is not null
),
grouped_keys as (
    select 'google_analytics' as source, 'events' as table_name, event_id as record_id,
        user_pseudo_id as truth_key
    from staging.stg_google_analytics__events
    union all
    select 'drip', 'events', event_id, subscriber_id from staging.stg_drip__events
    union all
    select 'hubspot', 'social_impressions', social_impression_id,
        company_id || '|' || strftime(month_start_date, '%Y-%m')
    from staging.stg_hubspot__social_impressions
    union all
    select 'online_retail', 'invoice_lines', invoice_line_id, invoice_no
    from staging.stg_online_retail__invoice_lines
),
grouped_items as (
    select map.record_key, map.source_name, map.table_name, map.customer_key,
        truth.true_customer
    from marts.customer_identity_map as map
    inner join grouped_keys
        on map.source_name = grouped_keys.source and map.table_name = grouped_keys.table_name
        and map.record_id = grouped_keys.record_id
    inner join truth
        on grouped_keys.source = truth.source and grouped_keys.table_name = truth.table_name
        and grouped_keys.truth_key = truth.record_id
),
record_items as (
    select map.record_key, map.source_name, map.table_name, map.customer_key,
        truth.true_customer
    from marts.customer_identity_map as map
    inner join truth
        on map.source_name = truth.source and map.table_name = truth.table_name
        and map.record_id = truth.record_id
    where (map.source_name, map.table_name) not in (
        select distinct source, table_name from grouped_keys
    )
),
items as (
    select * from grouped_items
    union all
    select * from record_items
),
cross_tool as (
    select distinct records.record_key
    from intermediate.int_identity__record_identifiers as ids
    inner join intermediate.int_identity__source_records as records
        on ids.identity_group_key = records.identity_group_key
    where ids.blocked_reason is null and ids.identifier_type in {kinds}
)
select items.record_key, items.source_name, items.table_name,
    coalesce(items.customer_key, 'unresolved:' || items.record_key) as predicted,
    items.true_customer,
    cross_tool.record_key is not null as has_cross_tool_identifier
from items
left join cross_tool on items.record_key = cross_tool.record_key
where items.true_customer is not null
order by items.record_key
"""


def pairwise_scores(truth: pd.Series | np.ndarray, predicted: pd.Series | np.ndarray) -> dict:
    """Pairwise precision, recall and F1 of a clustering of items against the truth.

    A pair of items is a true pair when both have the same true cluster and a predicted pair
    when both have the same predicted cluster. Counts come from the contingency table
    (n * (n - 1) / 2 per cell, row and column), never by listing pairs. Items with a null true
    cluster belong to no customer and are left out; an item with a null predicted cluster is
    a cluster of its own. With no predicted (true) pairs, precision (recall) is 1.

    Parameters
    ----------
    truth : true cluster per item.
    predicted : predicted cluster per item, same length.

    Returns
    -------
    dict with `precision`, `recall`, `f1`, `exact_share` (share of true clusters whose items
    are exactly one predicted cluster's items, among the scored items), `items`,
    `true_clusters`, `predicted_clusters`, `true_pairs`, `predicted_pairs`, `correct_pairs`.
    """
    truth_codes, _ = pd.factorize(pd.Series(truth, copy=False))
    predicted_codes, _ = pd.factorize(pd.Series(predicted, copy=False))
    if len(truth_codes) != len(predicted_codes):
        raise ValueError("truth and predicted differ in length")
    unassigned = predicted_codes < 0
    predicted_codes[unassigned] = predicted_codes.max(initial=-1) + 1 + np.arange(unassigned.sum())

    scored = truth_codes >= 0
    truth_codes = truth_codes[scored].astype(np.int64)
    predicted_codes, _ = pd.factorize(predicted_codes[scored])
    predicted_codes = predicted_codes.astype(np.int64)
    n_true = int(truth_codes.max(initial=-1)) + 1
    n_predicted = int(predicted_codes.max(initial=-1)) + 1
    true_sizes = np.bincount(truth_codes, minlength=n_true)
    predicted_sizes = np.bincount(predicted_codes, minlength=n_predicted)
    cells, cell_sizes = _distinct(truth_codes * n_predicted + predicted_codes)
    cell_true, cell_predicted = np.divmod(cells, max(n_predicted, 1))

    true_pairs = _pairs(true_sizes)
    predicted_pairs = _pairs(predicted_sizes)
    correct_pairs = _pairs(cell_sizes)
    precision = correct_pairs / predicted_pairs if predicted_pairs else 1.0
    recall = correct_pairs / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    exact = (cell_sizes == true_sizes[cell_true]) & (cell_sizes == predicted_sizes[cell_predicted])
    return {
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "exact_share": float(exact.sum() / n_true) if n_true else float("nan"),
        "items": int(len(truth_codes)),
        "true_clusters": n_true,
        "predicted_clusters": n_predicted,
        "true_pairs": true_pairs,
        "predicted_pairs": predicted_pairs,
        "correct_pairs": correct_pairs,
    }


def _pairs(sizes: np.ndarray) -> int:
    """Pairs within clusters of these sizes."""
    sizes = sizes.astype(np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def identity_items(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> pd.DataFrame:
    """One row per source record with a true customer: predicted and true cluster."""
    sql = _TRUTH_ITEMS_SQL.format(
        truth=str(Path(truth_dir) / "records.parquet").replace("'", "''"),
        kinds=str(CROSS_TOOL_IDENTIFIERS),
    )
    return con.execute(sql).df()


def identity_scores(database: Path, truth_dir: Path, write: bool = True) -> pd.DataFrame:
    """Pairwise precision, recall and F1 of identity resolution against the truth.

    Two rows: every record with a true customer, and the records that carry a cross-tool
    identifier (the ones any rule could link). With `write`, the table is stored as
    `data_quality.identity_resolution_scores` in the warehouse.
    """
    with duckdb.connect(str(database), read_only=not write) as con:
        items = identity_items(con, truth_dir)
        rows = []
        for scope, subset in (
            ("all_records", items),
            ("records_with_cross_tool_identifier", items[items.has_cross_tool_identifier]),
        ):
            scores = pairwise_scores(subset.true_customer.to_numpy(), subset.predicted.to_numpy())
            rows.append({"scope": scope, **scores})
        table = pd.DataFrame(rows)
        if write:
            con.execute("create schema if not exists data_quality")
            con.register("scores", table)
            con.execute(
                "create or replace table data_quality.identity_resolution_scores as "
                "select * from scores"
            )
            con.unregister("scores")
    return table
