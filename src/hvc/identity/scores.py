"""Identity resolution scored: a clustering of records against the truth (pairwise, B-cubed,
over-merges), and the warehouse graded against the demo generator's ground truth (never read
by dbt).

Every score comes from one contingency table of (true customer, predicted customer) cells,
never from listing pairs: a few million records score in about a second.
`sklearn.metrics.cluster.pair_confusion_matrix` gives the same pair counts (the unit tests
check it) but builds its own contingency, about six times slower, and the B-cubed and merge
scores need the cells anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from hvc.identity.components import _distinct, component_labels

# Identifier kinds that can link a record to records of other tools. A record carrying none
# (an anonymous chat lead, a payment whose only email is junk) cannot be linked by any rule.
CROSS_TOOL_IDENTIFIERS = ("email", "domain", "edd_customer", "hubspot_company", "retail_customer")

#: The columns of `data_quality.identity_resolution_scores`, after `scope`.
SCORE_COLUMNS = (
    "precision",
    "recall",
    "f1",
    "bcubed_precision",
    "bcubed_recall",
    "bcubed_f1",
    "exact_share",
    "over_merged_customer_count",
    "largest_merge_size",
    "unexplained_business_merge_count",
    "items",
    "true_clusters",
    "predicted_clusters",
    "true_pairs",
    "predicted_pairs",
    "correct_pairs",
)

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
        user_pseudo_id || '|' || coalesce(user_id, '') as truth_key
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

# Each record's email addresses, as identity normalised them, that belong to a person of the
# truth (contact_emails.parquet of a messy world: every address a person uses; else each
# person's canonical address in contacts.parquet), with that person's customer.
_PERSON_EMAILS_SQL = """
select distinct
    records.record_key,
    'software:' || cast(people.customer_id as varchar) as person_customer
from intermediate.int_identity__record_identifiers as ids
inner join intermediate.int_identity__source_records as records
    on ids.identity_group_key = records.identity_group_key
inner join read_parquet('{people}') as people
    on ids.identifier_value = people.email
where ids.identifier_type = 'email' and ids.derived_from_node_key is null
"""

_RECORD_IDENTIFIERS_SQL = """
select
    chosen.record_key,
    ids.identifier_type,
    ids.identifier_value,
    ids.blocked_reason
from chosen
inner join intermediate.int_identity__source_records as records
    on chosen.record_key = records.record_key
inner join intermediate.int_identity__record_identifiers as ids
    on records.identity_group_key = ids.identity_group_key
where ids.identifier_value is not null
"""


@dataclass(frozen=True)
class Contingency:
    """The cells of true x predicted clusters over the scored items.

    Items with a null true cluster are left out; an item with a null predicted cluster is a
    cluster of its own. Clusters are numbered `0 .. n-1`.

    Attributes
    ----------
    true_sizes, predicted_sizes : items per true and per predicted cluster.
    cell_true, cell_predicted, cell_sizes : per non-empty cell, its clusters and items.
    """

    true_sizes: np.ndarray
    predicted_sizes: np.ndarray
    cell_true: np.ndarray
    cell_predicted: np.ndarray
    cell_sizes: np.ndarray

    @property
    def items(self) -> int:
        """Scored items."""
        return int(self.true_sizes.sum())

    @classmethod
    def of(
        cls, truth: pd.Series | np.ndarray | list, predicted: pd.Series | np.ndarray | list
    ) -> Contingency:
        """The contingency table of a clustering (see the class)."""
        truth_codes, _ = pd.factorize(pd.Series(truth, copy=False))
        predicted_codes, _ = pd.factorize(pd.Series(predicted, copy=False))
        if len(truth_codes) != len(predicted_codes):
            raise ValueError("truth and predicted differ in length")
        unassigned = predicted_codes < 0
        predicted_codes[unassigned] = (
            predicted_codes.max(initial=-1) + 1 + np.arange(unassigned.sum())
        )
        scored = truth_codes >= 0
        truth_codes = truth_codes[scored].astype(np.int64)
        predicted_codes, _ = pd.factorize(predicted_codes[scored])
        predicted_codes = predicted_codes.astype(np.int64)
        n_true = int(truth_codes.max(initial=-1)) + 1
        n_predicted = int(predicted_codes.max(initial=-1)) + 1
        cells, cell_sizes = _distinct(truth_codes * n_predicted + predicted_codes)
        cell_true, cell_predicted = np.divmod(cells, max(n_predicted, 1))
        return cls(
            true_sizes=np.bincount(truth_codes, minlength=n_true),
            predicted_sizes=np.bincount(predicted_codes, minlength=n_predicted),
            cell_true=cell_true,
            cell_predicted=cell_predicted,
            cell_sizes=cell_sizes,
        )


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
    return _pairwise(Contingency.of(truth, predicted))


def _pairwise(table: Contingency) -> dict:
    true_pairs = _pairs(table.true_sizes)
    predicted_pairs = _pairs(table.predicted_sizes)
    correct_pairs = _pairs(table.cell_sizes)
    precision = correct_pairs / predicted_pairs if predicted_pairs else 1.0
    recall = correct_pairs / true_pairs if true_pairs else 1.0
    n_true = len(table.true_sizes)
    exact = (table.cell_sizes == table.true_sizes[table.cell_true]) & (
        table.cell_sizes == table.predicted_sizes[table.cell_predicted]
    )
    return {
        "precision": float(precision),
        "recall": float(recall),
        "f1": _f1(precision, recall),
        "exact_share": float(exact.sum() / n_true) if n_true else float("nan"),
        "items": table.items,
        "true_clusters": n_true,
        "predicted_clusters": len(table.predicted_sizes),
        "true_pairs": true_pairs,
        "predicted_pairs": predicted_pairs,
        "correct_pairs": correct_pairs,
    }


def bcubed_scores(truth: pd.Series | np.ndarray, predicted: pd.Series | np.ndarray) -> dict:
    """B-cubed precision, recall and F1 of a clustering (Bagga and Baldwin, 1998).

    Per item, precision is the share of its predicted cluster (itself included) that shares its
    true cluster, recall the share of its true cluster that shares its predicted cluster; each
    is averaged over the items, and F1 is their harmonic mean. Unlike pairwise scores, a large
    cluster weighs by its items, not by the square of them. Items as in `pairwise_scores`;
    with no items both are 1.

    Returns
    -------
    dict with `bcubed_precision`, `bcubed_recall`, `bcubed_f1`.
    """
    return _bcubed(Contingency.of(truth, predicted))


def _bcubed(table: Contingency) -> dict:
    items = table.items
    if items == 0:
        return {"bcubed_precision": 1.0, "bcubed_recall": 1.0, "bcubed_f1": 1.0}
    squares = table.cell_sizes.astype(np.float64) ** 2
    precision = float((squares / table.predicted_sizes[table.cell_predicted]).sum() / items)
    recall = float((squares / table.true_sizes[table.cell_true]).sum() / items)
    return {
        "bcubed_precision": precision,
        "bcubed_recall": recall,
        "bcubed_f1": _f1(precision, recall),
    }


def merge_scores(truth: pd.Series | np.ndarray, predicted: pd.Series | np.ndarray) -> dict:
    """How much a clustering over-merges: predicted clusters joining several true ones.

    Returns
    -------
    dict with `over_merged_customer_count` (predicted clusters whose items have more than one
    true cluster) and `largest_merge_size` (the most true clusters in one predicted cluster;
    1 when nothing is over-merged, 0 without items).
    """
    return _merges(Contingency.of(truth, predicted))


def _merges(table: Contingency) -> dict:
    true_per_predicted = np.bincount(table.cell_predicted, minlength=len(table.predicted_sizes))
    return {
        "over_merged_customer_count": int((true_per_predicted > 1).sum()),
        "largest_merge_size": int(true_per_predicted.max(initial=0)),
    }


def clustering_scores(truth: pd.Series | np.ndarray, predicted: pd.Series | np.ndarray) -> dict:
    """Pairwise, B-cubed and merge scores of a clustering, from one contingency table: the
    keys of `pairwise_scores`, `bcubed_scores` and `merge_scores`."""
    table = Contingency.of(truth, predicted)
    return {**_pairwise(table), **_bcubed(table), **_merges(table)}


def _pairs(sizes: np.ndarray) -> int:
    """Pairs within clusters of these sizes."""
    sizes = sizes.astype(np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def _f1(precision: float, recall: float) -> float:
    return float(2 * precision * recall / (precision + recall)) if precision + recall else 0.0


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def identity_items(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> pd.DataFrame:
    """One row per source record with a true customer: predicted and true cluster."""
    sql = _TRUTH_ITEMS_SQL.format(
        truth=_sql_path(Path(truth_dir) / "records.parquet"),
        kinds=str(CROSS_TOOL_IDENTIFIERS),
    )
    return con.execute(sql).df()


def person_groups(
    con: duckdb.DuckDBPyConnection, truth_dir: Path, items: pd.DataFrame
) -> pd.Series:
    """Groups of true customers linked by person-level records.

    A record links its true customer to the customer of every person whose email address it
    carries (as identity read the address: a record holding two addresses links both people's
    customers). A person's addresses are the truth's (`contact_emails.parquet` where the world
    has it, else each contact's canonical address); junk and shared addresses are nobody's.
    Account ids (a shop customer, a web visitor, a chat contact), CRM company associations and
    websites are not person-level: an agency in its client's shop account, a shared browser or a
    contact filed under a client's company link two customers without one person being both.

    Returns
    -------
    Series indexed by true customer (as in `items.true_customer`): its group, the smallest
    customer of the connected component the links form (customers without links: their own).
    """
    people = Path(truth_dir) / "contact_emails.parquet"
    if not people.exists():
        people = Path(truth_dir) / "contacts.parquet"
    carried = con.execute(_PERSON_EMAILS_SQL.format(people=_sql_path(people))).df()
    owners = items[["record_key", "true_customer"]]
    links = carried.merge(owners, on="record_key", how="left")
    anchor = links.groupby("record_key").person_customer.transform("min")
    links["anchor"] = links.true_customer.fillna(anchor)
    customers = pd.Index(
        pd.concat([items.true_customer, links.person_customer, links.anchor]).dropna().unique()
    ).sort_values()
    low = customers.get_indexer(links.anchor)
    high = customers.get_indexer(links.person_customer)
    labels = component_labels(len(customers), low, high)
    return pd.Series(customers[labels], index=customers, name="person_group")


def unexplained_business_merges(
    con: duckdb.DuckDBPyConnection,
    truth_dir: Path,
    items: pd.DataFrame | None = None,
    groups: pd.Series | None = None,
) -> pd.DataFrame:
    """Predicted customers holding true business customers that no person-level record links.

    A predicted customer is listed when the true business customers of its records (kind
    `business` in `customers.parquet`) fall in two or more `person_groups`: no chain of records,
    each carrying a person's email address, connects them, so only account, session, CRM or
    website evidence put them together. Two businesses joined because one person's address sits
    in records of both are not listed: no rule could keep them apart.

    Parameters
    ----------
    con : the warehouse.
    truth_dir : the world's `truth/`.
    items : `identity_items`, or a subset of them (a scope); default all.
    groups : `person_groups` over all items (computed when not given).

    Returns
    -------
    One row per listed predicted customer: `customer_key`, `business_customer_count`,
    `unlinked_group_count` (person groups among its businesses), `true_customer_count` and
    `business_customers` (the true ids, sorted), most business customers first.
    """
    all_items = items if items is not None else identity_items(con, truth_dir)
    if groups is None:
        groups = person_groups(con, truth_dir, identity_items(con, truth_dir))
    customers = pd.read_parquet(Path(truth_dir) / "customers.parquet", columns=["customer_id"])
    kinds = pd.read_parquet(Path(truth_dir) / "customers.parquet", columns=["kind"])
    business = set("software:" + customers.customer_id[kinds.kind == "business"].astype(str))
    pairs = all_items[["predicted", "true_customer"]].drop_duplicates()
    counts = pairs.groupby("predicted").true_customer.nunique().rename("true_customer_count")
    held = pairs[pairs.true_customer.isin(business)].copy()
    held["group"] = held.true_customer.map(groups).fillna(held.true_customer)
    summary = held.groupby("predicted").agg(
        business_customer_count=("true_customer", "nunique"),
        unlinked_group_count=("group", "nunique"),
        business_customers=("true_customer", lambda ids: sorted(ids, key=_customer_number)),
    )
    listed = summary[summary.unlinked_group_count > 1].join(counts)
    listed = listed.rename_axis("customer_key").reset_index()
    columns = [
        "customer_key",
        "business_customer_count",
        "unlinked_group_count",
        "true_customer_count",
        "business_customers",
    ]
    return (
        listed[columns]
        .sort_values(["business_customer_count", "customer_key"], ascending=[False, True])
        .reset_index(drop=True)
    )


def _customer_number(true_customer: str) -> tuple[str, int]:
    kind, _, number = true_customer.partition(":")
    return kind, int(number)


def worst_merges(items: pd.DataFrame, limit: int = 5) -> pd.DataFrame:
    """The predicted customers joining the most true customers.

    Returns
    -------
    Up to `limit` rows of `customer_key`, `true_customer_count`, `record_count`, and
    `largest_share` (the share of its records that its largest true customer holds), most true
    customers first; only predicted customers joining more than one.
    """
    per = items.groupby("predicted").agg(
        true_customer_count=("true_customer", "nunique"), record_count=("record_key", "size")
    )
    largest = items.groupby(["predicted", "true_customer"]).size().groupby(level=0).max()
    per["largest_share"] = largest / per.record_count
    per = per[per.true_customer_count > 1].rename_axis("customer_key").reset_index()
    per = per.sort_values(
        ["true_customer_count", "record_count", "customer_key"], ascending=[False, False, True]
    )
    return per.head(limit).reset_index(drop=True)


def merge_bridges(
    con: duckdb.DuckDBPyConnection, items: pd.DataFrame, customer_keys: list[str]
) -> pd.DataFrame:
    """The usable identifiers inside the given predicted customers that records of more than
    one true customer carry: what joined them.

    Returns
    -------
    One row per predicted customer and identifier: `customer_key`, `identifier_type`,
    `identifier_value`, `true_customer_count`, `record_count` and `true_customers` (sorted),
    most true customers first.
    """
    chosen = items[items.predicted.isin(customer_keys)][
        ["record_key", "predicted", "true_customer"]
    ]
    con.register("chosen", chosen)
    try:
        carried = con.execute(_RECORD_IDENTIFIERS_SQL).df()
    finally:
        con.unregister("chosen")
    carried = carried[carried.blocked_reason.isna()].merge(chosen, on="record_key")
    bridges = (
        carried.groupby(["predicted", "identifier_type", "identifier_value"])
        .agg(
            true_customer_count=("true_customer", "nunique"),
            record_count=("record_key", "size"),
            true_customers=("true_customer", lambda ids: sorted(set(ids), key=_customer_number)),
        )
        .reset_index()
        .rename(columns={"predicted": "customer_key"})
    )
    bridges = bridges[bridges.true_customer_count > 1]
    return bridges.sort_values(
        ["customer_key", "true_customer_count", "record_count"], ascending=[True, False, False]
    ).reset_index(drop=True)


def identity_scores(database: Path, truth_dir: Path, write: bool = True) -> pd.DataFrame:
    """Identity resolution against the truth, per scope: pairwise and B-cubed precision,
    recall and F1, exact share, over-merges and unexplained business merges.

    Two rows: every record with a true customer (`all_records`), and the records that carry a
    cross-tool identifier (`records_with_cross_tool_identifier`, the ones any rule could link).
    Columns: `scope` and `SCORE_COLUMNS` (see `clustering_scores`; an unexplained business merge
    is a predicted customer of `unexplained_business_merges`). With `write`, the table is stored
    as `data_quality.identity_resolution_scores` in the warehouse.
    """
    with duckdb.connect(str(database), read_only=not write) as con:
        items = identity_items(con, truth_dir)
        groups = person_groups(con, truth_dir, items)
        rows = []
        for scope, subset in (
            ("all_records", items),
            ("records_with_cross_tool_identifier", items[items.has_cross_tool_identifier]),
        ):
            scores = clustering_scores(subset.true_customer.to_numpy(), subset.predicted.to_numpy())
            unexplained = unexplained_business_merges(con, truth_dir, subset, groups)
            scores["unexplained_business_merge_count"] = len(unexplained)
            rows.append({"scope": scope, **{name: scores[name] for name in SCORE_COLUMNS}})
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
