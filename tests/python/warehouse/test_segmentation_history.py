"""The Insiders over time in the built warehouse: membership at every period end by the rules,
migration that sums to the population, and a history that a later build extends without
rewriting."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from helpers.warehouse import run_dbt

HISTORY_STEP = [
    "int_value__as_of",
    "int_value__customer_as_of",
    "int_segmentation__period_features",
    "int_segmentation__period_segments",
    "int_segmentation__insiders_membership",
    "insiders_membership_history",
]


def query(database: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).df()


def test_membership_follows_the_rules_period_by_period(warehouse: Path) -> None:
    history = query(
        warehouse,
        "select * from marts.insiders_membership_history "
        "order by business_line, customer_key, period_end_date",
    )
    segments = query(warehouse, "select * from intermediate.int_segmentation__period_segments")
    assert set(history["event"]) == {"entered", "stayed", "removed"}
    # every eligible customer who bought within the year is an Insider at that period end
    eligible = segments[segments["is_eligible"] & (segments["recency_days"] <= 365)]
    merged = eligible.merge(history, on=["business_line", "customer_key", "period_end_date"])
    assert len(merged) == len(eligible) and merged["is_insider"].all()
    assert not history.loc[history["event"] == "removed", "is_insider"].any()
    # a customer's events alternate: entered, then stayed..., then removed, then entered again
    for _, rows in history.groupby(["business_line", "customer_key"]):
        previous = None
        for event in rows["event"]:
            expected = {None: {"entered"}, "entered": {"stayed", "removed"}}
            expected |= {"stayed": {"stayed", "removed"}, "removed": {"entered"}}
            assert event in expected[previous]
            previous = event
    # segment 1 is the most valuable segment at every period end
    profile = query(warehouse, "select * from marts.segment_history")
    top = profile.loc[
        profile.groupby(["business_line", "period_end_date"])["median_adjusted_revenue"].idxmax()
    ]
    assert (top["segment_id"] == 1).all()


def test_the_history_finds_the_customers_who_rose_and_fell(world, warehouse: Path) -> None:
    """The generator plants retail customers who change behaviour (truth: behaviour,
    behaviour_changed_at): risers bought once, small, then became frequent big buyers some
    months before the end; fallers were frequent big buyers who stopped over a year before it.
    The history never counts a riser an Insider before the change and has most of them enter
    after it and be Insiders at the last period end; it has most fallers as Insiders while they
    still bought, and removes every one of them by the last period end."""
    truth = pd.read_parquet(world.root / "truth" / "retail_customers.parquet")
    changers = truth[truth["behaviour"] != "steady"].assign(
        customer_id=lambda t: t["CustomerID"].astype(str)
    )
    assert set(changers["behaviour"]) == {"riser", "faller"}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.register("changers", changers[["customer_id", "behaviour", "behaviour_changed_at"]])
        rows = con.execute(
            """
            with keys as (
                select distinct lines.customer_id, identity_map.customer_key
                from staging.stg_online_retail__invoice_lines as lines
                inner join marts.customer_identity_map as identity_map
                    on identity_map.source_name = 'online_retail'
                    and identity_map.record_id = lines.invoice_line_id
            )
            select changers.customer_id, changers.behaviour,
                cast(changers.behaviour_changed_at as date) as changed_on,
                history.period_end_date, history.event, history.is_insider
            from changers
            inner join keys on changers.customer_id = keys.customer_id
            left join marts.insiders_membership_history as history
                on history.customer_key = keys.customer_key
                and history.business_line = 'retail'
            order by all
            """
        ).df()
        last = con.execute(
            "select max(period_end_date) from marts.insiders_membership_history "
            "where business_line = 'retail'"
        ).fetchone()[0]
    assert rows["customer_id"].nunique() == len(changers)
    insider = rows["is_insider"].fillna(False).astype(bool)
    changed = pd.to_datetime(rows["changed_on"])
    ends = pd.to_datetime(rows["period_end_date"])
    last = pd.Timestamp(last)

    risers = rows["behaviour"] == "riser"
    assert not (risers & insider & (ends < changed)).any()
    entered_after = risers & (rows["event"] == "entered") & (ends >= changed)
    insider_at_end = risers & insider & (ends == last)
    riser_ids = rows.loc[risers, "customer_id"].unique()
    assert rows.loc[entered_after, "customer_id"].nunique() >= 0.8 * len(riser_ids)
    assert rows.loc[insider_at_end, "customer_id"].nunique() >= 0.8 * len(riser_ids)

    fallers = rows["behaviour"] == "faller"
    faller_ids = rows.loc[fallers, "customer_id"].unique()
    was_insider = rows.loc[fallers & insider, "customer_id"].unique()
    assert len(was_insider) >= 0.8 * len(faller_ids)
    assert not (fallers & insider & (ends == last)).any()
    removed = rows[fallers & (rows["event"] == "removed") & (ends > changed)]
    assert set(removed["customer_id"]) >= set(was_insider)


def test_migration_sums_to_the_customers_of_each_later_period(warehouse: Path) -> None:
    migration = query(warehouse, "select * from marts.segment_migration")
    population = query(
        warehouse,
        "select business_line, period_end_date, count(*) as customers "
        "from intermediate.int_segmentation__period_segments group by all",
    )
    sums = migration.groupby(["business_line", "period_end_date"], as_index=False)[
        "customer_count"
    ].sum()
    joined = sums.merge(population, on=["business_line", "period_end_date"], how="right")
    first = population.groupby("business_line")["period_end_date"].transform("min")
    later = joined[joined["period_end_date"] != first.loc[joined.index]]
    assert (later["customer_count"] == later["customers"]).all()
    assert len(later) == len(population) - population["business_line"].nunique()


def test_a_later_build_appends_periods_and_never_rewrites_earlier_ones(
    warehouse: Path, tmp_path: Path
) -> None:
    """Built at an as-of day one month earlier, then at the full data: the second build adds
    one period end per line, and every row of the first stays as the first build wrote it."""
    build = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, build)
    as_of = query(build, "select max(as_of_at) as at from intermediate.int_value__as_of")
    # the last day of the month before the latest as-of day: one month less of data
    month_earlier = (pd.Timestamp(as_of["at"].iloc[0]).replace(day=1) - pd.Timedelta(days=1)).date()
    workdir = build.parent
    first = run_dbt(
        ["build", "--select", *HISTORY_STEP, "--full-refresh"],
        workdir,
        raw_dir=None,
        variables={"as_of_date": month_earlier.isoformat()},
    )
    assert first.returncode == 0, first.output[-4000:]
    before = query(build, "select * from marts.insiders_membership_history")
    second = run_dbt(["build", "--select", *HISTORY_STEP], workdir, raw_dir=None)
    assert second.returncode == 0, second.output[-4000:]
    after = query(build, "select * from marts.insiders_membership_history")
    with duckdb.connect(str(build)) as con:
        con.register("before_rows", before)
        con.register("after_rows", after)
        earlier = (
            "select * from after_rows where (business_line, period_end_date) in "
            "(select (business_line, period_end_date) from before_rows)"
        )
        kept = con.execute(
            f"select count(*) from (select * from before_rows except all {earlier})"
        ).fetchone()[0]
        extra = con.execute(
            f"select count(*) from ({earlier} except all select * from before_rows)"
        ).fetchone()[0]
    assert kept == 0 and extra == 0 and len(before) > 0
    last = before.groupby("business_line")["period_end_date"].max()
    new = after[after["period_end_date"] > after["business_line"].map(last)]
    assert (new.groupby("business_line")["period_end_date"].nunique() == 1).all()
    # a line whose data end mid-month gains no complete month, the other one
    assert len(new) > 0 and set(new["business_line"]) <= set(last.index)
    assert before["published_by_build_id"].nunique() == 1
    assert (new["published_by_build_id"] != before["published_by_build_id"].iloc[0]).all()


@pytest.mark.parametrize("period", ["quarter"])
def test_quarterly_periods_end_on_quarter_ends(warehouse: Path, tmp_path: Path, period) -> None:
    build = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, build)
    run = run_dbt(
        ["run", "--select", "int_segmentation__period_features"],
        tmp_path,
        raw_dir=None,
        variables={"insiders_period": period, "insiders_history_periods": 3},
    )
    assert run.returncode == 0, run.output[-4000:]
    ends = query(
        build, "select distinct period_end_date from intermediate.int_segmentation__period_features"
    )["period_end_date"]
    dates = pd.to_datetime(ends)
    assert dates.dt.is_quarter_end.all() and dates.nunique() <= 6


def test_real_online_retail_has_a_monthly_history_over_2011(real_online_retail_build: Path) -> None:
    """The real Online Retail file (Dec 2010 to 9 Dec 2011): twelve complete months, each
    with customers entering, staying and leaving, and migration that sums to each month's
    population (the README quotes these figures)."""
    history = query(
        real_online_retail_build,
        """
        select period_end_date,
            count(*) filter (where event = 'entered') as entered,
            count(*) filter (where event = 'stayed') as stayed,
            count(*) filter (where event = 'removed') as removed,
            count(*) filter (where is_insider) as insiders
        from marts.insiders_membership_history
        group by all order by all
        """,
    )
    ends = pd.to_datetime(history["period_end_date"])
    assert ends.dt.strftime("%Y-%m").tolist() == ["2010-12"] + [
        f"2011-{month:02d}" for month in range(1, 12)
    ]
    assert (history["insiders"] == history["entered"] + history["stayed"]).all()
    assert (history["entered"].iloc[1:] > 0).all() and (history["removed"].iloc[2:] > 0).all()
    sums = query(
        real_online_retail_build,
        """
        select migration.period_end_date, sum(migration.customer_count) as moved,
            any_value(population.customers) as customers
        from marts.segment_migration as migration
        inner join (
            select period_end_date, count(*) as customers
            from intermediate.int_segmentation__period_segments group by all
        ) as population using (period_end_date)
        group by all
        """,
    )
    assert len(sums) == 11 and (sums["moved"] == sums["customers"]).all()


def test_the_experiment_holds_out_a_stable_random_share_and_reads_out_when_it_can(
    warehouse: Path,
) -> None:
    import hashlib
    import math

    groups = query(warehouse, "select * from marts.insiders_experiment_groups")
    entered = query(
        warehouse,
        "select count(*) as n from marts.insiders_membership_history where event = 'entered'",
    )["n"].iloc[0]
    assert len(groups) == entered > 0
    # the draw is the MD5 of customer and period: recomputed here, the same groups
    for row in groups.head(50).itertuples():
        text = f"{row.customer_key}:{pd.Timestamp(row.period_end_date).date().isoformat()}"
        draw = int(hashlib.md5(text.encode()).hexdigest()[:8], 16) / 2**32
        assert draw == pytest.approx(row.draw)
        assert row.experiment_group == ("control" if draw < 0.1 else "treatment")
    share = (groups["experiment_group"] == "control").mean()
    assert abs(share - 0.1) <= 4 * math.sqrt(0.1 * 0.9 / len(groups))
    experiment = query(warehouse, "select * from marts.insiders_experiment")
    waiting = experiment["status"] == "waiting for the outcome period"
    assert waiting.sum() == experiment["business_line"].nunique()  # each line's last period
    read = experiment[experiment["status"] == "read out"]
    assert read["revenue_difference"].notna().all()
    assert experiment.loc[experiment["status"] != "read out", "revenue_difference"].isna().all()
    assert (read["difference_ci_lower"] <= read["difference_ci_upper"]).all()
    assert (experiment["required_new_insider_count"] > 0).all()


def test_every_segment_has_an_action_and_the_audiences_hold_who_the_rules_say(
    warehouse: Path,
) -> None:
    actions = query(warehouse, "select * from marts.segment_actions")
    segments = query(
        warehouse,
        "select business_line, segment_id, count(*) as n from marts.customer_segments group by all",
    )
    by_segment = actions[actions["audience_type"] == "segment"].merge(
        segments, on=["business_line", "segment_id"], how="outer"
    )
    assert (by_segment["customer_count"] == by_segment["n"]).all()
    assert set(actions.loc[actions["audience"] == "Insiders", "recommended_action"]) == {
        "Early access and loyalty perks"
    }
    upsell = query(
        warehouse,
        """
        select count(*) as n from marts.license_propensity
        inner join marts.customer_segments using (customer_key)
        where is_predicted_buyer and not has_license_3
        """,
    )["n"].iloc[0]
    assert (
        actions.loc[actions["recommended_action"] == "License 3 upsell", "customer_count"].sum()
        == upsell
    )
    assert (actions["value_at_stake"] >= 0).all()


def test_macro_segments_never_put_one_time_buyers_with_regulars(warehouse: Path) -> None:
    macro = query(warehouse, "select * from marts.customer_macro_segments")
    customers = query(warehouse, "select customer_key from marts.customers")
    assert sorted(macro["customer_key"]) == sorted(customers["customer_key"])
    tier = pd.cut(macro["order_count"], [-1, 0, 1, 3, np.inf], labels=["0", "1", "2-3", "4+"])
    for column in ("loyalty_segment", "engagement_segment", "interest_segment", "value_segment"):
        mixed = tier.groupby(macro[column], observed=True).nunique()
        assert (mixed == 1).all(), mixed[mixed > 1]
