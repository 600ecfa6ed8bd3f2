"""The report's sections: one per business question, each a chart (or a few) drawn from the
served tables and a caption carrying the numbers. A section whose tables hold no rows says so
in one line (`Section.missing`), and the rest of the report still renders: a retail-only
company has no licenses, a software-only one no retail history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import matplotlib.patches
import numpy as np
import pandas as pd
from matplotlib.ticker import NullFormatter

from hvc.report.charts import PALETTE, figure, money, to_svg

LINE_NAMES = {"software": "Software shop", "retail": "Retailer"}
BACKTEST_LINES = {"edd": "software", "online_retail": "retail"}


def line_name(line: str) -> str:
    """A business line as a person reads it (the CLV backtest names lines by source)."""
    line = BACKTEST_LINES.get(line, line)
    return LINE_NAMES.get(line, line)


@dataclass
class Section:
    """One question: its anchor, title, charts (inline SVG), a caption, or why it is empty."""

    key: str
    title: str
    charts: list[str] = field(default_factory=list)
    caption: str = ""
    missing: str = ""


def query(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """Rows of a query on the serving store, or none when a table it reads is not served."""
    try:
        return con.execute(sql).df()
    except duckdb.CatalogException:
        return pd.DataFrame()


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def revenue_distribution(con: duckdb.DuckDBPyConnection) -> Section:
    section = Section("revenue", "How is revenue spread over customers?")
    rows = query(
        con,
        "select cast(net_revenue as double) as revenue from analytics.customer_value "
        "where order_count > 0 and net_revenue > 0 order by revenue desc",
    )
    if rows.empty:
        section.missing = "No customer has a purchase in this build."
        return section
    revenue = rows["revenue"].to_numpy()
    total = revenue.sum()
    cumulative = np.cumsum(revenue) / total
    top10 = cumulative[max(0, int(np.ceil(0.1 * len(revenue))) - 1)]
    with figure(ncols=2) as (fig, (hist, curve)):
        bins = np.logspace(np.log10(revenue.min()), np.log10(revenue.max()) + 1e-9, 40)
        hist.hist(revenue, bins=bins, color=PALETTE[0])
        hist.set_xscale("log")
        hist.set(
            title="Customers by net revenue", xlabel="net revenue (log scale)", ylabel="customers"
        )
        share = np.arange(1, len(revenue) + 1) / len(revenue)
        step = max(1, len(revenue) // 400)  # a smooth curve needs no more points
        curve.plot(100 * share[::step], 100 * cumulative[::step], color=PALETTE[1])
        curve.axvline(10, color="#999999", linewidth=0.8, linestyle="--")
        curve.set(
            title="Share of revenue from the top customers",
            xlabel="% of customers, largest first",
            ylabel="% of net revenue",
        )
        section.charts.append(to_svg(fig))
    section.caption = (
        f"{len(revenue):,} customers with net revenue {money(total)} in all; the median "
        f"customer brought {money(float(np.median(revenue)))}. The top 10 % of customers "
        f"brought {_pct(top10)} of net revenue."
    )
    return section


def value_by_license(con: duckdb.DuckDBPyConnection) -> Section:
    section = Section("license", "Revenue, support and adjusted revenue by license")
    rows = query(
        con,
        "select license_group, customer_count, cast(net_revenue as double) as net_revenue, "
        "cast(support_cost as double) as support_cost, "
        "cast(adjusted_revenue as double) as adjusted_revenue, "
        "cast(mean_adjusted_revenue as double) as mean_adjusted_revenue "
        "from analytics.value_by_license where license_group like 'license%' "
        "order by license_group",
    )
    if rows.empty:
        section.missing = "No software licenses in this build (a company with only the retailer)."
        return section
    labels = rows["license_group"].str.replace("license_", "License ", regex=False)
    with figure(ncols=2) as (fig, (totals, means)):
        x = np.arange(len(rows))
        for offset, (column, label) in enumerate(
            [
                ("net_revenue", "net revenue"),
                ("support_cost", "support cost"),
                ("adjusted_revenue", "adjusted"),
            ]
        ):
            totals.bar(x + (offset - 1) * 0.27, rows[column], width=0.27, label=label)
        totals.set_xticks(x, labels)
        totals.set(title="Totals by highest license", ylabel="amount")
        totals.legend(frameon=False)
        means.bar(labels, rows["mean_adjusted_revenue"], color=PALETTE[2])
        means.set(title="Adjusted revenue per customer", ylabel="per customer")
        section.charts.append(to_svg(fig))
    best = rows.loc[rows["mean_adjusted_revenue"].idxmax()]
    costly = rows.loc[(rows["support_cost"] / rows["customer_count"]).idxmax()]
    best_name = str(best["license_group"]).replace("license_", "License ")
    costly_name = str(costly["license_group"]).replace("license_", "License ")
    cost = money(costly["support_cost"] / costly["customer_count"])
    value = (
        f"{money(best['mean_adjusted_revenue'])} adjusted revenue a customer "
        f"({int(best['customer_count']):,} customers)"
    )
    if best_name == costly_name:
        section.caption = (
            f"{best_name} customers cost the most support ({cost} a customer) and are still "
            f"the most valuable after it: {value}."
        )
    else:
        section.caption = (
            f"{costly_name} customers cost the most support ({cost} a customer); "
            f"{best_name} customers are the most valuable after it: {value}."
        )
    return section


def purchase_patterns(con: duckdb.DuckDBPyConnection) -> Section:
    section = Section("patterns", "Many small or few large purchases, little or much support?")
    rows = query(
        con,
        "select purchase_pattern, customer_count, "
        "cast(adjusted_revenue_per_customer as double) as per_customer "
        "from analytics.value_by_purchase_pattern order by per_customer",
    )
    if rows.empty:
        section.missing = "No purchases to split into patterns in this build."
        return section
    with figure(height=3.0) as (fig, (axis,)):
        bars = axis.barh(rows["purchase_pattern"], rows["per_customer"], color=PALETTE[0])
        for bar, count in zip(bars, rows["customer_count"], strict=True):
            axis.annotate(
                f"{int(count):,} customers",
                (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
        axis.set(title="Adjusted revenue per customer", xlabel="per customer")
        section.charts.append(to_svg(fig))
    best, worst = rows.iloc[-1], rows.iloc[0]
    section.caption = (
        f"Best: {best['purchase_pattern']}, {money(best['per_customer'])} a customer "
        f"({int(best['customer_count']):,} customers). Least: {worst['purchase_pattern']}, "
        f"{money(worst['per_customer'])} ({int(worst['customer_count']):,})."
    )
    return section


def license_drivers(con: duckdb.DuckDBPyConnection) -> Section:
    section = Section("propensity", "What drives License 3, and can the scores be trusted?")
    odds = query(
        con,
        "select feature, odds_ratio, odds_ratio_lower_95, odds_ratio_upper_95 "
        "from model_diagnostics.license_propensity_coefficients "
        "where odds_ratio is not null order by importance_rank limit 12",
    )
    calibration = query(
        con,
        "select decile, mean_predicted_probability, observed_rate, lift "
        "from model_diagnostics.license_propensity_calibration order by decile",
    )
    metrics = query(
        con,
        "select roc_auc, lift_top_10_percent, base_rate, customer_count "
        "from model_diagnostics.license_propensity_metrics "
        "where is_scoring_model and evaluation = 'out_of_fold'",
    )
    if odds.empty or calibration.empty:
        why = query(
            con,
            "select fit_status from model_diagnostics.license_propensity_metrics "
            "where evaluation = 'not_fitted'",
        )
        section.missing = "No License 3 model in this build " + (
            f"({why['fit_status'].iloc[0]})."
            if not why.empty
            else "(no software customers, or too few buyers)."
        )
        return section
    with figure(height=3.6, ncols=2) as (fig, (forest, calib)):
        odds = odds.iloc[::-1].reset_index(drop=True)
        y = np.arange(len(odds))
        lower = odds["odds_ratio"] - odds["odds_ratio_lower_95"]
        upper = odds["odds_ratio_upper_95"] - odds["odds_ratio"]
        forest.errorbar(
            odds["odds_ratio"], y, xerr=[lower, upper], fmt="o", color=PALETTE[0], markersize=4
        )
        forest.axvline(1, color="#999999", linewidth=0.8)
        forest.set_xscale("log")
        forest.xaxis.set_minor_formatter(NullFormatter())
        forest.set_yticks(y, odds["feature"].str.slice(0, 34))
        forest.set(title="Odds ratios, 95 % intervals", xlabel="odds ratio (log scale)")
        calib.plot([0, 1], [0, 1], color="#999999", linewidth=0.8, linestyle="--")
        calib.plot(
            calibration["mean_predicted_probability"],
            calibration["observed_rate"],
            marker="o",
            color=PALETTE[1],
        )
        calib.set(
            title="Calibration by decile (out of fold)",
            xlabel="mean predicted probability",
            ylabel="observed License 3 rate",
        )
        section.charts.append(to_svg(fig))
    top = odds.iloc[-1]
    caption = (
        f"Strongest driver: {top['feature']} (odds ratio {top['odds_ratio']:.2f}, "
        f"{top['odds_ratio_lower_95']:.2f} to {top['odds_ratio_upper_95']:.2f})."
    )
    if not metrics.empty:
        m = metrics.iloc[0]
        caption += (
            f" Out of fold on {int(m['customer_count']):,} customers: ROC AUC "
            f"{m['roc_auc']:.3f}; the top 10 % by score buy at {m['lift_top_10_percent']:.1f}x "
            f"the base rate of {_pct(m['base_rate'])}."
        )
    section.caption = caption
    return section


def top_tier_by_firmographics(con: duckdb.DuckDBPyConnection) -> Section:
    section = Section("firmographics", "Who buys the top tier: territory, industry, size, reach")
    rows = query(
        con,
        """
        select
            coalesce(territory, 'unknown') as territory,
            coalesce(industry, 'unknown') as industry,
            coalesce(employee_range, 'unknown') as employee_range,
            case
                when coalesce(social_impression_count, 0) = 0 then '0'
                when social_impression_count < 100 then '1-99'
                when social_impression_count < 1000 then '100-999'
                else '1,000+'
            end as social_impressions,
            highest_license_tier = 3 as has_top_tier
        from analytics.customer_value
        where highest_license_tier is not null
        """,
    )
    if rows.empty:
        section.missing = "No software customers with a license in this build."
        return section
    columns = ["territory", "industry", "employee_range", "social_impressions"]
    with figure(width=9.0, height=3.4, ncols=4) as (fig, axes):
        for axis, column in zip(axes, columns, strict=True):
            rates = rows.groupby(column)["has_top_tier"].mean().sort_values()
            axis.barh(rates.index.astype(str).str.slice(0, 22), 100 * rates, color=PALETTE[2])
            axis.axvline(100 * rows["has_top_tier"].mean(), color="#999999", linewidth=0.8)
            axis.set(
                title=column.replace("_", " ").replace("social ", ""), xlabel="% with License 3"
            )
        section.charts.append(to_svg(fig))
    industry = rows.groupby("industry")["has_top_tier"].mean().sort_values()
    section.caption = (
        f"{_pct(rows['has_top_tier'].mean())} of {len(rows):,} licensed customers hold License "
        f"3 (grey line); the highest industry rate is {industry.index[-1]} "
        f"({_pct(industry.iloc[-1])}), the lowest {industry.index[0]} "
        f"({_pct(industry.iloc[0])})."
    )
    return section


def segments(con: duckdb.DuckDBPyConnection) -> Section:
    section = Section("segments", "Which segments, and how large are the Insiders?")
    rows = query(
        con,
        """
        select segments.business_line, segments.segment_id, segments.is_insider,
            cast(value.net_revenue as double) as net_revenue, value.order_count,
            cast(value.average_order_value as double) as average_order_value,
            value.recency_days, value.tenure_days, cast(value.ticket_open_days as double)
                as ticket_open_days
        from analytics.customer_segments as segments
        inner join analytics.customer_value as value using (customer_key)
        order by segments.business_line, segments.customer_key
        """,
    )
    if rows.empty:
        section.missing = "No segmented customers in this build."
        return section
    from sklearn.decomposition import PCA

    lines = sorted(rows["business_line"].unique())
    features = [
        "net_revenue",
        "order_count",
        "average_order_value",
        "recency_days",
        "tenure_days",
        "ticket_open_days",
    ]
    with figure(height=3.6, ncols=len(lines)) as (fig, axes):
        for axis, line in zip(axes, lines, strict=True):
            part = rows[rows["business_line"] == line]
            values = np.log1p(part[features].astype(float).clip(lower=0).fillna(0).to_numpy())
            spread = values.std(axis=0)
            scaled = (values - values.mean(axis=0)) / np.where(spread > 0, spread, 1)
            points = PCA(n_components=2, random_state=0).fit_transform(scaled)
            for n, segment_id in enumerate(sorted(part["segment_id"].unique())):
                mask = (part["segment_id"] == segment_id).to_numpy()
                axis.scatter(
                    points[mask, 0],
                    points[mask, 1],
                    s=4,
                    alpha=0.6,
                    rasterized=True,  # thousands of points: one small image, not SVG shapes
                    color=PALETTE[n % len(PALETTE)],
                    label="Insiders" if segment_id == 1 else f"segment {segment_id}",
                )
            axis.set(
                title=f"{line_name(line)}: customers on two principal axes",
                xlabel="component 1",
                ylabel="component 2",
            )
            axis.legend(frameon=False, fontsize=7, markerscale=2)
        section.charts.append(to_svg(fig))
    profiles = query(
        con,
        "select business_line, segment_id, share_of_customers, share_of_net_revenue, "
        "insider_count, customer_count from analytics.segment_profiles "
        "order by business_line, segment_id",
    )
    parts = []
    if not profiles.empty:
        with figure(height=3.0, ncols=len(lines)) as (fig, axes):
            for axis, line in zip(axes, lines, strict=True):
                part = profiles[profiles["business_line"] == line]
                x = np.arange(len(part))
                axis.bar(x - 0.2, 100 * part["share_of_customers"], width=0.4, label="customers")
                axis.bar(
                    x + 0.2, 100 * part["share_of_net_revenue"], width=0.4, label="net revenue"
                )
                axis.set_xticks(x, [str(s) for s in part["segment_id"]])
                axis.set(
                    title=f"{line_name(line)}: share by segment (1: Insiders)",
                    xlabel="segment",
                    ylabel="%",
                )
                axis.legend(frameon=False)
            section.charts.append(to_svg(fig))
        for line in lines:
            insiders = profiles[(profiles["business_line"] == line) & (profiles["segment_id"] == 1)]
            if not insiders.empty:
                row = insiders.iloc[0]
                parts.append(
                    f"{line_name(line)}: the Insiders are "
                    f"{int(row['customer_count']):,} customers ({_pct(row['share_of_customers'])}) "
                    f"with {_pct(row['share_of_net_revenue'])} of net revenue."
                )
    section.caption = " ".join(parts) or f"{len(rows):,} customers segmented."
    return section


def insiders_over_time(con: duckdb.DuckDBPyConnection) -> Section:
    section = Section("history", "How do the Insiders change from period to period?")
    rows = query(
        con,
        """
        select business_line, period_end_date,
            count(*) filter (where event = 'entered') as entered,
            count(*) filter (where event = 'removed') as removed,
            count(*) filter (where is_insider) as insiders
        from analytics.insiders_membership_history
        group by all order by business_line, period_end_date
        """,
    )
    if rows.empty:
        section.missing = "No Insiders history in this build (no complete period yet)."
        return section
    lines = sorted(rows["business_line"].unique())
    with figure(height=3.2, ncols=len(lines)) as (fig, axes):
        for axis, line in zip(axes, lines, strict=True):
            part = rows[rows["business_line"] == line]
            ends = pd.to_datetime(part["period_end_date"])
            axis.bar(ends, part["entered"], width=12, color=PALETTE[2], label="entered")
            axis.bar(ends, -part["removed"], width=12, color=PALETTE[5], label="removed")
            axis.plot(ends, part["insiders"], marker="o", color=PALETTE[0], label="Insiders")
            axis.axhline(0, color="#999999", linewidth=0.6)
            axis.set(title=f"{line_name(line)}: membership", ylabel="customers")
            axis.tick_params(axis="x", labelrotation=45)
            axis.legend(frameon=False, fontsize=7)
        section.charts.append(to_svg(fig))
    migration = query(
        con,
        """
        select business_line, from_segment_id, to_segment_id, customer_count
        from analytics.segment_migration
        where (business_line, period_end_date) in (
            select (business_line, max(period_end_date))
            from analytics.segment_migration group by business_line
        )
        """,
    )
    if not migration.empty:
        with figure(height=3.2, ncols=len(lines)) as (fig, axes):
            for axis, line in zip(axes, lines, strict=True):
                part = migration[migration["business_line"] == line]
                matrix = part.pivot_table(
                    index="from_segment_id",
                    columns="to_segment_id",
                    values="customer_count",
                    aggfunc="sum",
                    fill_value=0,
                )
                axis.imshow(matrix.to_numpy(), cmap="Blues", aspect="auto")
                axis.set_xticks(range(matrix.shape[1]), [str(c) for c in matrix.columns])
                axis.set_yticks(range(matrix.shape[0]), [str(i) for i in matrix.index])
                for (i, j), value in np.ndenumerate(matrix.to_numpy()):
                    if value:
                        axis.text(j, i, f"{value:,}", ha="center", va="center", fontsize=7)
                axis.set(
                    title=f"{line_name(line)}: moves into the last period",
                    xlabel="to segment",
                    ylabel="from segment (0: new buyers)",
                )
            section.charts.append(to_svg(fig))
    parts = []
    for line in lines:
        last = rows[rows["business_line"] == line].iloc[-1]
        parts.append(
            f"{line_name(line)} at {last['period_end_date']:%Y-%m-%d}: "
            f"{int(last['insiders']):,} Insiders, {int(last['entered']):,} entered, "
            f"{int(last['removed']):,} removed."
        )
    section.caption = " ".join(parts)
    return section


def forecast(con: duckdb.DuckDBPyConnection) -> Section:
    section = Section("forecast", "What revenue can we expect, and how good was the forecast?")
    rows = query(
        con,
        "select segment, period_start_date, cast(expected_revenue as double) as expected, "
        "cast(realised_revenue_lower as double) as lower, "
        "cast(realised_revenue_upper as double) as upper "
        "from analytics.revenue_forecast order by segment, month_number",
    )
    backtest = query(
        con,
        "select business_line, method, cast(actual_revenue as double) as actual, "
        "cast(predicted_revenue as double) as predicted, holdout_days "
        "from model_diagnostics.clv_backtest order by business_line, method",
    )
    if rows.empty:
        section.missing = "No revenue forecast in this build (no repeat purchases to fit)."
        return section
    with figure(height=3.2, ncols=2 if not backtest.empty else 1) as (fig, axes):
        axis = axes[0]
        for n, (segment, part) in enumerate(rows.groupby("segment", sort=True)):
            months = pd.to_datetime(part["period_start_date"])
            color = PALETTE[n % len(PALETTE)]
            axis.plot(months, part["expected"], marker="o", color=color, label=segment)
            axis.fill_between(months, part["lower"], part["upper"], color=color, alpha=0.2)
        axis.set(title="Expected revenue by month, 80 % predictive interval", ylabel="revenue")
        axis.tick_params(axis="x", labelrotation=45)
        axis.legend(frameon=False, fontsize=7)
        if not backtest.empty:
            axis = axes[1]
            methods = {"bg_nbd_gamma_gamma": "model", "naive": "naive rate"}
            labels = [
                f"{line_name(line)}\n{methods.get(method, method)}"
                for line, method in zip(backtest["business_line"], backtest["method"], strict=True)
            ]
            x = np.arange(len(backtest))
            axis.bar(x - 0.2, backtest["actual"], width=0.4, label="actual")
            axis.bar(x + 0.2, backtest["predicted"], width=0.4, label="predicted")
            axis.set_xticks(x, labels, fontsize=7)
            axis.set(title="Backtest: holdout revenue", ylabel="revenue")
            axis.legend(frameon=False)
        section.charts.append(to_svg(fig))
    total = rows[rows["segment"] == "All customers"]
    total = total if not total.empty else rows
    caption = (
        f"Next {total['period_start_date'].nunique()} months: {money(total['expected'].sum())} "
        f"expected; each month's band is where its revenue should fall 8 times in 10 "
        f"(simulated purchases over parameter draws), {money(total['lower'].iloc[0])} to "
        f"{money(total['upper'].iloc[0])} for the first."
    )
    model = backtest[backtest["method"] == "bg_nbd_gamma_gamma"]
    for _, row in model.iterrows():
        line = line_name(row["business_line"])
        caption += (
            f" {line}: over a {int(row['holdout_days'])}-day holdout the model predicted "
            f"{money(row['predicted'])} against {money(row['actual'])} actual."
        )
    section.caption = caption
    return section


def data_quality(con: duckdb.DuckDBPyConnection) -> Section:
    section = Section("data-quality", "What was kept out of the warehouse, and why?")
    rows = query(
        con,
        "select area, source_name, item_name, reason, row_count "
        "from analytics.data_quality_summary order by row_count desc, area, source_name, "
        "item_name, reason",
    )
    if rows.empty:
        section.missing = "Nothing was kept out: no quarantined row, duplicate or junk identifier."
        return section
    top = rows.head(15).iloc[::-1]
    colors = {
        "quarantined_rows": PALETTE[5],
        "duplicate_rows": PALETTE[7],
        "identifiers_kept_out": PALETTE[4],
        "links_refused": PALETTE[3],
    }
    with figure(height=3.8) as (fig, (axis,)):
        labels = top["source_name"] + " " + top["item_name"] + ": " + top["reason"].str.slice(0, 40)
        axis.barh(
            labels,
            top["row_count"],
            color=[colors[area] for area in top["area"]],
        )
        axis.set_xscale("log")
        axis.set(title="The largest reasons", xlabel="rows or records (log scale)")
        handles = [
            matplotlib.patches.Patch(color=color, label=label)
            for color, label in [
                (colors["quarantined_rows"], "quarantined rows"),
                (colors["duplicate_rows"], "duplicates"),
                (colors["identifiers_kept_out"], "identifiers kept out"),
                (colors["links_refused"], "merges refused"),
            ]
        ]
        axis.legend(handles=handles, frameon=False, loc="lower right")
        section.charts.append(to_svg(fig))
    totals = rows.groupby("area")["row_count"].sum()
    section.caption = (
        f"{int(totals.get('quarantined_rows', 0)):,} raw rows quarantined with a reason, "
        f"{int(totals.get('duplicate_rows', 0)):,} exact duplicates removed, and "
        f"{int(totals.get('identifiers_kept_out', 0)):,} source records carrying an identifier "
        "that identity kept out (junk, shared domains, or links to too many customers), and "
        f"{int(totals.get('links_refused', 0)):,} carrying a link identity refused to merge two "
        "customers on (kept as a relationship). Nothing is dropped silently: "
        "data_quality.quarantined_rows holds every row."
    )
    return section


#: The sections in the report's order.
SECTIONS: list[Callable[[duckdb.DuckDBPyConnection], Section]] = [
    revenue_distribution,
    value_by_license,
    purchase_patterns,
    license_drivers,
    top_tier_by_firmographics,
    segments,
    insiders_over_time,
    forecast,
    data_quality,
]
