"""A short, human-readable summary of a built warehouse."""

from __future__ import annotations

import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import duckdb
from tabulate import tabulate


def _table(rows: list[tuple], header: tuple[str, ...]) -> str:
    """Rows as an aligned text table under `header` (tabulate): a column of numbers right,
    text left; integers with thousands separators, other cells as the query wrote them (a
    score keeps its digits), None empty."""
    cells = [tuple(_cell(value) for value in row) for row in rows]
    numeric = [
        all(_is_number(row[i]) for row in rows if row[i] is not None) for i in range(len(header))
    ]
    return tabulate(
        cells,
        headers=header,
        tablefmt="simple",
        disable_numparse=True,
        colalign=["right" if flag and rows else "left" for flag in numeric],
    )


def _is_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | Decimal):
        return True
    try:
        float(str(value).replace(",", "").rstrip("%"))
    except ValueError:
        return False
    return True


def _cell(value: object) -> str:
    """A cell as text: integers with thousands separators, None empty."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "" if value is None else str(value)


# The rows each part of the summary shows: a query, and the table it reads when that table
# may be missing (a build without the demo's truth, or of only some models); None: always there.
_QUERIES: dict[str, tuple[tuple[str, str] | None, str]] = {
    "reconciliation": (
        None,
        """
        select source_name, table_name, rows_in, rows_staged, rows_quarantined,
            duplicates_removed, rows_unaccounted
        from data_quality.source_reconciliation
        order by source_name, table_name
        """,
    ),
    "reasons": (
        None,
        """
        select source_name, quarantine_reason, count(*)
        from data_quality.quarantined_rows
        group by all
        order by source_name, quarantine_reason
        """,
    ),
    "held": (
        None,
        "select reason, count(*), sum(record_count) from data_quality.identity_quarantine "
        "group by all order by reason",
    ),
    "scores": (
        ("data_quality", "identity_resolution_scores"),
        "select scope, precision, recall, f1 from data_quality.identity_resolution_scores "
        "order by scope",
    ),
    "by_license": (
        ("marts", "value_by_license"),
        """
        select license_group, customer_count, round(net_revenue, 0)::bigint,
            round(support_cost, 0)::bigint, round(adjusted_revenue, 0)::bigint,
            round(mean_adjusted_revenue, 0)::bigint
        from marts.value_by_license order by license_group
        """,
    ),
    "by_pattern": (
        ("marts", "value_by_purchase_pattern"),
        """
        select purchase_pattern, customer_count, round(adjusted_revenue, 0)::bigint,
            round(adjusted_revenue_per_customer, 0)::bigint
        from marts.value_by_purchase_pattern order by adjusted_revenue_per_customer desc
        """,
    ),
    "propensity": (
        ("marts", "license_propensity_metrics"),
        """
        select model_name, round(roc_auc, 3), round(pr_auc, 3), round(f1_at_threshold, 3),
            round(lift_top_20_percent, 2), round(expected_calibration_error, 3)
        from marts.license_propensity_metrics
        where evaluation = 'out_of_fold'
        order by is_scoring_model desc, model_name
        """,
    ),
    "insiders": (
        ("marts", "insiders_summary"),
        """
        select business_line, question, answer
        from marts.insiders_summary
        where metric in ('insider_count', 'share_of_net_revenue')
        order by business_line, question_order
        """,
    ),
    "history": (
        ("marts", "insiders_membership_history"),
        """
        with latest as (
            select business_line, max(period_end_date) as period_end_date
            from marts.insiders_membership_history group by all
        )
        select history.business_line, history.period_end_date,
            count(*) filter (where event = 'entered'),
            count(*) filter (where event = 'stayed'),
            count(*) filter (where event = 'removed'),
            count(*) filter (where is_insider)
        from marts.insiders_membership_history as history
        inner join latest using (business_line, period_end_date)
        group by all order by all
        """,
    ),
    "rules": (
        ("marts", "insiders_rules"),
        "select rule_kind, description from marts.insiders_rules order by rule_order",
    ),
    "actions": (
        ("marts", "segment_actions"),
        """
        select business_line, audience, recommended_action, customer_count,
            round(value_at_stake, 0)::bigint
        from marts.segment_actions
        order by value_at_stake desc, business_line, audience
        limit 6
        """,
    ),
    "experiment": (
        ("marts", "insiders_experiment"),
        """
        select business_line, count(*) filter (where status = 'read out'),
            count(*) filter (where status = 'read out'
                and difference_ci_lower <= 0 and 0 <= difference_ci_upper),
            max(required_new_insider_count)
        from marts.insiders_experiment
        group by all order by all
        """,
    ),
    # CLV fits that did not converge or rest on a parameter's limit: the current fit
    # (clv_model_parameters) and the backtest's (clv_backtest)
    "clv_fits": (
        ("marts", "clv_backtest"),
        """
        select business_line, fit, is_converged, coalesce(parameters_at_bound, '')
        from (
            select business_line, 'current' as fit, bool_and(is_converged) as is_converged,
                string_agg(parameter, ', ' order by model, parameter_index)
                    filter (where is_at_bound) as parameters_at_bound
            from marts.clv_model_parameters
            group by business_line
            union all
            select business_line, 'backtest', is_converged, parameters_at_bound
            from marts.clv_backtest
            where method = 'bg_nbd_gamma_gamma'
        )
        where not is_converged or parameters_at_bound is not null
        order by business_line, fit
        """,
    ),
    "forecast": (
        ("marts", "revenue_forecast"),
        """
        select segment, max(customer_count),
            round(sum(expected_revenue) filter (where month_number = 1), 0)::bigint,
            round(sum(realised_revenue_lower) filter (where month_number = 1), 0)::bigint,
            round(sum(realised_revenue_upper) filter (where month_number = 1), 0)::bigint,
            round(sum(expected_revenue), 0)::bigint
        from marts.revenue_forecast
        group by segment
        order by segment
        """,
    ),
}

_CUSTOMERS_SQL = """
select count(*), count(*) filter (where is_business), count(*) filter (where has_orders)
from marts.customers
"""

_RECORDS_SQL = """
select count(*), count(*) filter (where customer_key is null)
from marts.customer_identity_map
"""


def summarise(database: Path, serving: Path | None = None) -> str:
    """Describe the warehouse in `database`: rows per raw table and where they went, and
    where to read it (`serving`, the serving store, named at the end)."""
    serving = serving or database
    with duckdb.connect(str(database), read_only=True) as con:
        rows = {
            name: con.execute(sql).fetchall() if table is None or _has_table(con, *table) else []
            for name, (table, sql) in _QUERIES.items()
        }
        customers = con.execute(_CUSTOMERS_SQL).fetchone()
        records = con.execute(_RECORDS_SQL).fetchone()
        build = _build_line(con)
    reconciliation = rows["reconciliation"]
    parts = [
        f"Warehouse: {database}",
        build,
        "",
        "Raw rows and where they went:",
        _table(
            reconciliation,
            ("source", "table", "rows in", "staged", "quarantined", "duplicates", "unaccounted"),
        ),
    ]
    if rows["reasons"]:
        parts += [
            "",
            "Quarantined rows by reason:",
            _table(rows["reasons"], ("source", "reason", "rows")),
        ]
    parts += _identity_parts(rows, customers, records)
    parts += _value_parts(rows)
    parts += _model_parts(rows)
    unaccounted = sum(row[-1] for row in reconciliation)
    parts += [
        "",
        "Every raw row is accounted for."
        if unaccounted == 0
        else f"{unaccounted:,} raw rows are unaccounted for: this is a bug.",
        "Read it: hvc report writes the HTML report; BI and SQL read the serving store hvc "
        "publish writes",
        f"  (python: duckdb.connect('{serving}', read_only=True); the build file {database} "
        "is for dbt).",
    ]
    return "\n".join(parts)


def _build_line(con: duckdb.DuckDBPyConnection) -> str:
    """The last build of the warehouse (data_quality.build_runs), or why it is not one to
    publish: killed midway (its tables mix two builds), partial, or with errors."""
    from hvc.serving.build_info import NotPublishable, last_build

    catalog = con.execute("select current_database()").fetchone()[0]
    try:
        run = last_build(con, f'"{catalog}"')
    except NotPublishable as problem:
        return f"Last build: {problem}."
    return (
        f"Last build: {run.build_id}, finished {run.finished_at:%Y-%m-%d %H:%M:%S} UTC "
        f"({run.models_built:,} models, {run.tests_passed:,} tests passed, "
        f"{run.tests_warned:,} warned)."
    )


def _identity_parts(rows: dict[str, list[tuple]], customers: tuple, records: tuple) -> list[str]:
    """Customers and records resolved, identifiers held back, scores against the truth."""
    parts = [
        "",
        f"Customers and prospects: {customers[0]:,} ({customers[2]:,} with orders, "
        f"{customers[0] - customers[2]:,} known only from support, email, CRM or web visits; "
        f"{customers[1]:,} businesses); {records[0]:,} source records, {records[1]:,} with no "
        "usable identifier.",
    ]
    if rows["held"]:
        parts += [
            "Identifiers kept out of the identity graph:",
            _table(rows["held"], ("reason", "values", "records")),
        ]
    if rows["scores"]:
        parts += [
            "Identity resolution against the demo's ground truth (pairwise):",
            _table(
                [(scope, f"{p:.4f}", f"{r:.4f}", f"{f:.4f}") for scope, p, r, f in rows["scores"]],
                ("scope", "precision", "recall", "f1"),
            ),
        ]
    return parts


def _value_parts(rows: dict[str, list[tuple]]) -> list[str]:
    """Value by highest license and by purchase pattern."""
    parts = []
    if rows["by_license"]:
        parts += [
            "",
            "Value by highest license (support cost = open ticket days x the daily rate):",
            _table(
                rows["by_license"],
                ("license", "customers", "net revenue", "support cost", "adjusted", "mean adj."),
            ),
        ]
    if rows["by_pattern"]:
        parts += [
            "Value by purchase pattern:",
            _table(
                rows["by_pattern"], ("pattern", "customers", "adjusted revenue", "per customer")
            ),
        ]
    return parts


def _model_parts(rows: dict[str, list[tuple]]) -> list[str]:
    """Propensity metrics, the Insiders and the revenue forecast."""
    parts = []
    if rows["propensity"]:
        parts += [
            "",
            "License 3 propensity, out of fold (first row: the scoring model):",
            _table(rows["propensity"], ("model", "ROC AUC", "PR AUC", "F1", "lift top 20%", "ECE")),
        ]
    if rows["insiders"]:
        parts += ["", "Insiders:", _table(rows["insiders"], ("line", "question", "answer"))]
    if rows["rules"]:
        parts += ["", "Who is an Insider over time (insiders_rules):"]
        parts += [
            textwrap.fill(
                f"{kind}: {text}", width=96, initial_indent="  ", subsequent_indent="    "
            )
            for kind, text in rows["rules"]
        ]
    if rows["history"]:
        parts += [
            "The Insiders at the last period end (insiders_membership_history):",
            _table(
                rows["history"],
                ("line", "period end", "entered", "stayed", "removed", "Insiders"),
            ),
        ]
    if rows["experiment"]:
        parts += [
            "The Insiders experiment (insiders_experiment; on past data an A/A check):",
            _table(
                rows["experiment"],
                ("line", "periods read out", "interval holds 0", "new Insiders needed"),
            ),
        ]
    if rows["actions"]:
        parts += [
            "",
            "What marketing can do, by value at stake (segment_actions):",
            _table(rows["actions"], ("line", "audience", "action", "customers", "at stake")),
        ]
    if rows["forecast"]:
        parts += [
            "",
            "Expected revenue from today's customers (next month with the 80 % predictive "
            "interval of what may come; all forecast months):",
            _table(
                rows["forecast"],
                ("segment", "customers", "next month", "lower", "upper", "all months"),
            ),
        ]
    if rows["clv_fits"]:
        parts += [
            "",
            "CLV fits to read with care (an estimate on its limit rests on the limit, not on "
            "the data; clv_model_parameters, clv_backtest):",
            _table(rows["clv_fits"], ("line", "fit", "converged", "estimates on a limit")),
        ]
    return parts


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    """Whether the warehouse has this table (or view)."""
    return bool(
        con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def print_summary(database: Path, serving: Path | None = None) -> int:
    """Print the summary; returns a process exit code."""
    if not database.exists():
        print(f"hvc: no warehouse at {database}; run `make demo` first", file=sys.stderr)
        return 2
    print(summarise(database, serving))
    return 0
