"""Customer lifetime value in the built warehouse: the summary SQL reproduces the published
CDNOW summary from raw transactions, the demo's planted retail process is recovered, and the
marts hold what they promise, on the demo and on the real Online Retail file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from hvc import clv
from hvc.summary import summarise

# The generator's retail process (src/hvc/generate/retail.py): alpha is in weeks there.
DAYS_PER_WEEK = 7

CLV_SQL = ("int_value__customer_as_of", "int_clv__purchase_days", "int_clv__customer_summaries")


def query(database: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).df()


def compiled_sql(warehouse: Path, model: str) -> str:
    """The SQL dbt ran for `model` in the `warehouse` build (run_dbt keeps its target dir next
    to the database)."""
    models = warehouse.parent / "target" / "compiled" / "hvc" / "models" / "intermediate"
    (path,) = models.glob(f"*/{model}.sql")
    return path.read_text()


# --- the summary SQL against the published CDNOW summary -----------------------------------


@pytest.fixture(scope="module")
def cdnow_from_raw(warehouse: Path, shared_data: Path, tmp_path_factory) -> pd.DataFrame:
    """The warehouse's own purchase-day and summary SQL, run on the raw CDNOW sample as orders:
    each transaction an order, the calibration ending 1997-09-30 (as-of time 1997-10-01 00:00,
    the start of that day)."""
    sample = shared_data / "cdnow" / "CDNOW_sample.txt"
    if not sample.is_file():
        pytest.skip(f"{sample} not found")
    # the compiled SQL names the catalog after the warehouse file: "warehouse"
    transactions = pd.read_csv(
        sample,
        sep=r"\s+",
        header=None,
        names=["master_id", "sample_id", "purchase_date", "cds", "dollars"],
        dtype={"master_id": str, "purchase_date": str},
    )
    # the compiled SQL names the catalog after the warehouse file: "warehouse"
    database = tmp_path_factory.mktemp("cdnow") / "warehouse.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema intermediate")
        con.register("transactions", transactions)
        con.execute(
            """
            create table intermediate.int_sales__orders as
            select
                cast(sample_id as varchar) as customer_key,
                -- the customer's number in the build: any integer that is one per customer
                cast(sample_id as bigint) as customer_number,
                'cdnow' as source_name,
                strptime(purchase_date, '%Y%m%d') as ordered_at,
                false as is_return,
                false as is_refund,
                cast(dollars as decimal(18, 2)) as gross_amount
            from transactions
            """
        )
        con.execute(
            "create table intermediate.int_value__as_of as "
            "select business_line, timestamp '1997-10-01 00:00:00' as as_of_at "
            "from (values ('software'), ('retail')) as lines(business_line)"
        )
        for model in CLV_SQL:
            con.execute(f"create table intermediate.{model} as {compiled_sql(warehouse, model)}")
        return con.execute(
            """
            select * from intermediate.int_clv__customer_summaries
            where calibration = 'current'
            order by cast(customer_key as bigint)
            """
        ).df()


def test_summary_sql_rebuilds_the_published_cdnow_summary(
    cdnow_from_raw: pd.DataFrame, shared_data: Path
) -> None:
    """39-week calibration, same-day purchases as one, weeks: every customer's x, t_x, T and
    mean repeat spend as in the file (which rounds to cents and hundredths of a week)."""
    published = pd.read_csv(shared_data / "cdnow" / "cdnow_customers_summary_with_transactions.csv")
    ours = cdnow_from_raw
    assert ours["customer_key"].astype(int).tolist() == published["ID"].tolist()
    assert (ours["calibration_end_date"].astype(str) == "1997-09-30").all()
    assert ours["frequency"].tolist() == published["x"].tolist()
    weeks = DAYS_PER_WEEK
    assert np.abs(ours["recency_days"] / weeks - published["t_x"]).max() <= 0.005 + 1e-9
    assert np.abs(ours["age_days"] / weeks - published["T"]).max() <= 0.005 + 1e-9
    spend = ours["mean_repeat_purchase_amount"].fillna(0)
    assert np.abs(spend - published["zbar"]).max() <= 0.005 + 1e-9


def test_fits_on_the_rebuilt_summary_match_the_papers(cdnow_from_raw: pd.DataFrame) -> None:
    weeks = cdnow_from_raw.assign(
        recency_days=cdnow_from_raw["recency_days"] / DAYS_PER_WEEK,
        age_days=cdnow_from_raw["age_days"] / DAYS_PER_WEEK,
    )
    parameters = clv.fit_parameters(weeks).set_index("parameter")["estimate"]
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    published |= {"p": 6.25, "q": 3.74, "gamma": 15.44}
    for name, value in published.items():
        assert parameters[name] == pytest.approx(value, rel=0.01), name


# --- the demo warehouse --------------------------------------------------------------------


def test_clv_marts_cover_every_purchasing_customer(warehouse: Path) -> None:
    counts = query(
        warehouse,
        """
        select
            (select count(*) from marts.customer_lifetime_value) as valued,
            (
                select count(distinct customer_key) from intermediate.int_clv__purchase_days
                where purchase_date <= (
                    select max(calibration_end_date) from marts.customer_lifetime_value
                )
            ) as purchasing,
            (
                select count(*) from marts.customer_lifetime_value
                where clv_12_months is null or clv_12_months_lower is null
            ) as unpredicted,
            (
                select count(*) from marts.customer_lifetime_value
                where not (
                    expected_revenue_90_days_lower <= expected_revenue_90_days_upper
                    and clv_12_months_lower <= clv_12_months_upper
                    and expected_purchases_30_days <= expected_purchases_90_days
                    and expected_purchases_90_days <= expected_purchases_180_days
                )
            ) as disordered
        """,
    ).iloc[0]
    assert counts["valued"] == counts["purchasing"] > 0
    assert counts["unpredicted"] == 0
    assert counts["disordered"] == 0


def test_revenue_forecast_and_backtest_are_built(warehouse: Path) -> None:
    forecast = query(warehouse, "select * from marts.revenue_forecast")
    by = forecast.set_index(["segment", "month_number"]).sort_index()
    assert sorted(forecast["segment"].unique()) == ["All customers", "Insiders", "Other customers"]
    total = by.loc["All customers"]
    assert total.index.tolist() == [1, 2, 3, 4, 5, 6]
    assert (total["expected_revenue"] > 0).all()
    parts = by.loc["Insiders", "expected_revenue"] + by.loc["Other customers", "expected_revenue"]
    assert (total["expected_revenue"] - parts).abs().max() <= 0.02  # rounded to cents
    customers = query(warehouse, "select count(*) from marts.customer_lifetime_value")
    assert total["customer_count"].iloc[0] == customers.iloc[0, 0]
    lines = query(warehouse, "select distinct business_line from marts.clv_model_parameters")
    backtest = query(warehouse, "select * from marts.clv_backtest")
    assert len(backtest) == 2 * len(lines) == 4
    assert (backtest["holdout_days"] == 90).all()
    # each line's holdout ends where its current calibration ends (its as-of day's eve or day)
    ends = query(
        warehouse,
        "select distinct business_line, calibration_end_date from marts.customer_lifetime_value",
    ).set_index("business_line")["calibration_end_date"]
    assert ends.index.is_unique
    assert (backtest["holdout_end_date"] == backtest["business_line"].map(ends)).all()
    # the forecast's calendar months start with the first after the latest calibration end
    first_day = pd.Timestamp(forecast["period_start_date"].min())
    latest = pd.Timestamp(ends.max())
    assert first_day.day == 1 and latest < first_day <= latest + pd.offsets.MonthBegin(1)
    last_days = pd.to_datetime(forecast["period_end_date"])
    assert (last_days.dt.is_month_end).all()


@pytest.fixture(scope="module")
def retail_truth(world, warehouse: Path) -> pd.DataFrame:
    """The demo's retail customers: warehouse predictions beside the generator's truth."""
    truth = world.root / "truth" / "retail_customers.parquet"
    return query(
        warehouse,
        f"""
        with retail_ids as (
            select distinct
                order_lines.customer_key,
                cast(invoice_lines.customer_id as bigint) as retail_customer_id
            from marts.order_lines
            inner join staging.stg_online_retail__invoice_lines as invoice_lines
                on order_lines.order_line_id = 'online_retail:' || invoice_lines.invoice_line_id
        )
        select values.*, truth.lambda, truth.p_dropout, truth.mean_spend, truth.value_score,
            truth.behaviour
        from marts.customer_lifetime_value as values
        inner join retail_ids on values.customer_key = retail_ids.customer_key
        inner join '{truth}' as truth on truth."CustomerID" = retail_ids.retail_customer_id
        where values.business_line = 'online_retail'
        """,
    )


def test_demo_retail_fit_recovers_the_planted_parameters(world, warehouse: Path) -> None:
    """The retailer's purchases are drawn from BG/NBD (planted in the manifest): each planted
    BG/NBD value lies within the 99 % interval of its estimate (z = 2.576 on the log scale).

    Its invoice values are drawn from Gamma-Gamma, but then split into lines of whole units at
    catalogue prices, which adds spread within each customer: p, q and gamma are not what the
    warehouse sees, while the mean purchase value gamma p / (q - 1) survives. That mean is
    checked the same way (its log standard error by the delta method from the fit's
    covariance)."""
    planted = world.manifest["planted"]["online_retail"]
    bgnbd = dict(planted["bgnbd"])
    bgnbd["alpha"] *= DAYS_PER_WEEK
    fits = query(
        warehouse,
        "select * from intermediate.int_clv__parameters where business_line = 'online_retail'",
    ).set_index("parameter")
    for name, value in bgnbd.items():
        estimate, error = fits.loc[name, "estimate"], fits.loc[name, "standard_error"]
        assert not fits.loc[name, "is_at_bound"], name
        z = abs(np.log(estimate) - np.log(value)) / (error / estimate)
        assert z < 2.576, (name, estimate, value)
    spend = fits[fits["model"] == "gamma_gamma"].sort_values("parameter_index")
    p, q, gamma = spend["estimate"]
    covariance = np.array([list(row) for row in spend["log_covariance"]])
    gradient = np.array([1.0, -q / (q - 1), 1.0])  # d log(gamma p / (q - 1)) / d log(p, q, gamma)
    log_se = np.sqrt(gradient @ covariance @ gradient)
    gg = planted["gamma_gamma"]
    planted_mean = gg["gamma"] * gg["p"] / (gg["q"] - 1)
    z = abs(np.log(gamma * p / (q - 1)) - np.log(planted_mean)) / log_se
    assert z < 2.576, (gamma * p / (q - 1), planted_mean)


def _rank_correlation_gap(ranks: np.ndarray) -> float:
    """Pearson correlation of columns 0 and 2 minus that of columns 1 and 2 (on ranks: the
    fitted and the planted predictions' Spearman correlations with the truth, approximately,
    as resampled ranks keep their ties)."""
    correlation = np.corrcoef(ranks, rowvar=False)
    return float(correlation[0, 2] - correlation[1, 2])


def test_demo_predictions_rank_customers_as_well_as_the_planted_model(
    retail_truth: pd.DataFrame, world
) -> None:
    """Predictions from the fitted parameters rank the retail customers by their true purchase
    rate and spend as well as the same predictions from the planted parameters do: the fit
    loses nothing that matters against the truth. "As well" is up to sampling: with about 300
    customers the two Spearman correlations differ by a few hundredths from one world to the
    next, so the test asks that a paired bootstrap (customers resampled, fixed seed) cannot
    rule out that the fit is within 0.03 of the planted model, i.e. the upper 97.5 % bound of
    fitted minus planted is above -0.03. Graded on the customers the planted models drew
    (behaviour steady), not on those who change behaviour, whom neither model describes; the
    fit sees them all."""
    planted = world.manifest["planted"]["online_retail"]
    bg = planted["bgnbd"]
    bg_params = (bg["r"], bg["alpha"] * DAYS_PER_WEEK, bg["a"], bg["b"])
    gg = planted["gamma_gamma"]
    gg_params = (gg["p"], gg["q"], gg["gamma"])
    data = retail_truth.astype({"mean_repeat_purchase_amount": float, "clv_12_months": float})
    assert len(data) == world.manifest["n_retail_customers"]
    data = data[data["behaviour"] == "steady"].reset_index(drop=True)
    x, t_x, age = (
        data[c].astype(float)
        for c in (
            "repeat_purchase_count",
            "first_to_last_purchase_days",
            "days_since_first_purchase",
        )
    )
    spend = data["mean_repeat_purchase_amount"]
    oracle = {
        "expected_purchases_180_days": (
            clv.expected_purchases(bg_params, 180.0, x, t_x, age),
            "lambda",
        ),
        "expected_order_value": (clv.expected_spend(gg_params, x, spend), "mean_spend"),
    }
    rng = np.random.default_rng(0)
    samples = rng.integers(0, len(data), size=(1000, len(data)))
    for column, (planted_prediction, truth) in oracle.items():
        ranks = pd.DataFrame(
            {
                "fitted": data[column].astype(float),
                "planted": np.asarray(planted_prediction, dtype=float),
                "truth": data[truth].astype(float),
            }
        ).rank()
        best = ranks["planted"].corr(ranks["truth"])
        assert best > 0.2, column
        differences = [_rank_correlation_gap(ranks.to_numpy()[rows]) for rows in samples]
        upper = float(np.quantile(differences, 0.975))
        assert upper > -0.03, (column, upper, best)


# --- the real Online Retail file -------------------------------------------------------------


def test_real_online_retail_backtest(real_online_retail_build: Path) -> None:
    """Calibrated on invoices up to 2011-09-10 (the data end 2011-12-09, less 90 days), the
    models rank customers' holdout purchases and revenue better than each customer's past rate
    carried forward, and predict purchases with a smaller squared error. Totals fall short of
    the holdout: it is the run-up to Christmas, and neither method knows about seasons (the
    figures are reported, not asserted; so is revenue's squared error, where the naive rate
    at each customer's own mean spend does better on this file)."""
    backtest = query(real_online_retail_build, "select * from marts.clv_backtest").set_index(
        "method"
    )
    model, naive = backtest.loc["bg_nbd_gamma_gamma"], backtest.loc["naive"]
    assert str(model["calibration_end_date"])[:10] == "2011-09-10"
    assert str(model["holdout_end_date"])[:10] == "2011-12-09"
    assert model["customer_count"] == naive["customer_count"] > 3000
    assert model["purchases_correlation"] > naive["purchases_correlation"]
    assert model["purchases_rmse"] < naive["purchases_rmse"]
    assert model["revenue_correlation"] > naive["revenue_correlation"]
    # nine months of invoices do not identify the dropout law: a and b go to their limits, and
    # the table and the summary say so instead of showing the predictions as plain estimates
    assert {"a", "b"} <= set(model["parameters_at_bound"].split(", ")), model
    assert pd.isna(naive["parameters_at_bound"])
    assert "CLV fits to read with care" in summarise(real_online_retail_build)
    lifetime = query(
        real_online_retail_build,
        """
        select count(*) as customers, count(clv_12_months) as valued,
            min(probability_alive) as min_alive, max(probability_alive) as max_alive
        from marts.customer_lifetime_value
        """,
    ).iloc[0]
    assert lifetime["customers"] == lifetime["valued"] > 4000
    assert 0 <= lifetime["min_alive"] <= lifetime["max_alive"] <= 1
