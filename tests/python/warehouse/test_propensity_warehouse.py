"""License-3 propensity in the built warehouse: no leakage, repeatable scores, and quality
graded against the generator's ground truth on the demo world."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from helpers.warehouse import World, run_dbt
from hvc.generate import generate_world
from hvc.propensity.metrics import expected_calibration_error

# The demo world (`hvc generate` defaults). The session world (600 customers) leaves about 120
# customers in the holdout, too few to compare AUCs within 5 %; 5,000 leaves a thousand.
DEMO_CUSTOMERS = 5000
DEMO_SEED = 42
# the propensity models, what they read, the customers mart their marts' tests refer to and
# the identity map the truth is joined through
# the features with everything upstream, and their descendants in the propensity folders
# only (a mart of another family that also reads the scores needs parents not built here)
PROPENSITY_MODELS = " ".join(
    [
        "+int_propensity__customer_features",
        *(
            f"int_propensity__customer_features+,path:{folder}/propensity"
            for folder in ("models/intermediate", "python_models", "models/marts")
        ),
        "customers",
        "+customer_identity_map",
        # the second configured target: its feature table and its models
        "+int_propensity__upgrade_features",
        "int_propensity__upgrade_features+",
    ]
)

FEATURES = "intermediate.int_propensity__customer_features"


def frame(database: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).df()


def true_customers(database: Path, truth: Path) -> pd.DataFrame:
    """Warehouse customer_key -> the true customer most of its shop payments belong to, with
    the truth's license-3 probability, outcome and first purchase."""
    keys = frame(
        database,
        f"""
        select map.customer_key, mode(records.customer_id) as customer_id
        from marts.customer_identity_map as map
        inner join read_parquet('{truth / "records.parquet"}') as records
            on records.source = map.source_name
            and records.table_name = map.table_name
            and records.record_id = map.record_id
        where map.source_name = 'edd' and records.customer_id is not null
        group by map.customer_key
        """,
    )
    customers = pd.read_parquet(truth / "customers.parquet")
    return keys.merge(customers, on="customer_id")


# --- the session world: structure, leakage, repeatability ----------------------------------


def test_one_score_per_software_customer(warehouse: Path) -> None:
    scores = frame(warehouse, "select * from marts.license_propensity")
    software = frame(
        warehouse,
        """
        select
            orders.customer_key,
            bool_or(lines.license_tier = 3) as has_license_3
        from marts.orders as orders
        left join marts.order_lines as lines on orders.order_id = lines.order_id
        where orders.source_name = 'edd'
        group by orders.customer_key
        """,
    )
    assert len(scores) == len(software) > 300
    merged = scores.merge(software, on="customer_key", suffixes=("", "_orders"))
    assert len(merged) == len(scores)
    assert (merged.has_license_3 == merged.has_license_3_orders.fillna(False)).all()
    retail_only = frame(
        warehouse,
        """
        select customer_key from marts.orders group by customer_key
        having bool_and(source_name = 'online_retail')
        """,
    )
    assert len(retail_only) > 0 and not set(retail_only.customer_key) & set(scores.customer_key)
    # deciles of equal size, highest probabilities first, flag at the stored threshold
    assert scores.groupby("propensity_decile").size().agg(np.ptp) <= 1
    by_rank = scores.sort_values("propensity_rank")
    assert by_rank.license_3_probability.is_monotonic_decreasing
    assert by_rank.propensity_decile.is_monotonic_increasing
    flagged = scores.license_3_probability >= scores.decision_threshold
    assert (scores.is_predicted_buyer == flagged).all()


def test_the_four_tables_describe_one_model(warehouse: Path) -> None:
    versions = {
        table: set(frame(warehouse, f"select distinct model_version from marts.{table}").iloc[:, 0])
        for table in ("license_propensity", "license_propensity_coefficients")
    }
    metrics = frame(warehouse, "select * from marts.license_propensity_metrics")
    calibration = frame(warehouse, "select * from marts.license_propensity_calibration")
    scoring = metrics[metrics.is_scoring_model]
    assert versions["license_propensity"] == versions["license_propensity_coefficients"]
    assert set(scoring.model_version) == versions["license_propensity"]
    assert set(calibration.model_version) == versions["license_propensity"]
    assert len(metrics) == 6 and set(metrics.evaluation) == {"out_of_fold", "holdout"}
    # the calibration table is the ECE's bins
    oof = scoring.set_index("evaluation").loc["out_of_fold"]
    gap = (calibration.customer_count * calibration.calibration_gap.abs()).sum()
    assert gap / calibration.customer_count.sum() == pytest.approx(oof.expected_calibration_error)
    assert calibration.customer_count.sum() == oof.customer_count
    threshold = frame(warehouse, "select distinct decision_threshold from marts.license_propensity")
    assert threshold.iloc[:, 0].tolist() == [pytest.approx(oof.threshold)]
    coefficients = frame(warehouse, "select * from marts.license_propensity_coefficients")
    assert len(coefficients) - 1 == oof.feature_count <= 20


def _truncate_after_cutoffs(database: Path) -> dict[str, int]:
    """Erase, in a copy of the warehouse, everything that happened at or after each software
    customer's cutoff (order lines after it; email events, web events and tickets from it on;
    tickets closed or updated from it on become unclosed, without a last update). Returns the
    rows removed or changed per table."""
    changed = {}
    with duckdb.connect(str(database)) as con:
        con.execute(f"create temp table cutoffs as select customer_key, cutoff_at from {FEATURES}")

        def replace_view(name: str, sql: str) -> None:
            before = con.execute(f"select count(*) from {name}").fetchone()[0]
            con.execute(f"create table {name}__kept as {sql}")
            con.execute(f"drop view {name}")
            con.execute(f"alter table {name}__kept rename to {name.split('.')[1]}")
            changed[name] = before - con.execute(f"select count(*) from {name}").fetchone()[0]

        def mapped(source: str, table: str, alias: str, key: str) -> str:
            return f"""
                left join marts.customer_identity_map as map
                    on map.source_name = '{source}' and map.table_name = '{table}'
                    and map.record_id = {alias}.{key}
                left join cutoffs on map.customer_key = cutoffs.customer_key
            """

        replace_view(
            "staging.stg_drip__events",
            "select events.* from staging.stg_drip__events as events"
            + mapped("drip", "events", "events", "event_id")
            + "where cutoffs.cutoff_at is null or events.occurred_at < cutoffs.cutoff_at",
        )
        replace_view(
            "staging.stg_google_analytics__events",
            "select events.* from staging.stg_google_analytics__events as events"
            + mapped("google_analytics", "events", "events", "event_id")
            + "where cutoffs.cutoff_at is null or events.event_at < cutoffs.cutoff_at",
        )
        replace_view(
            "staging.stg_helpscout__conversations",
            """
            select conversations.* replace (
                case when conversations.updated_at < cutoffs.cutoff_at
                    or cutoffs.cutoff_at is null then conversations.updated_at end as updated_at,
                case when conversations.updated_at < cutoffs.cutoff_at
                    or cutoffs.cutoff_at is null then conversations.thread_count end
                    as thread_count
            )
            from staging.stg_helpscout__conversations as conversations
            """
            + mapped("helpscout", "conversations", "conversations", "conversation_id")
            + "where cutoffs.cutoff_at is null or conversations.created_at < cutoffs.cutoff_at",
        )
        changed["marts.order_lines"] = con.execute(
            """
            delete from marts.order_lines using cutoffs
            where order_lines.customer_key = cutoffs.customer_key
                and order_lines.ordered_at > cutoffs.cutoff_at
            """
        ).fetchone()[0]
        changed["marts.support_tickets"] = con.execute(
            """
            delete from marts.support_tickets using cutoffs
            where support_tickets.customer_key = cutoffs.customer_key
                and support_tickets.opened_at >= cutoffs.cutoff_at
            """
        ).fetchone()[0]
        changed["marts.support_tickets (reopened)"] = con.execute(
            """
            update marts.support_tickets set closed_at = null, is_open = true
            from cutoffs
            where support_tickets.customer_key = cutoffs.customer_key
                and support_tickets.closed_at >= cutoffs.cutoff_at
            """
        ).fetchone()[0]
    return changed


@pytest.fixture(scope="module")
def truncated(world: World, warehouse: Path, tmp_path_factory: pytest.TempPathFactory):
    """The propensity models rebuilt on a copy of the session warehouse from which everything
    after each customer's cutoff was erased."""
    workdir = tmp_path_factory.mktemp("propensity_truncated")
    copy = workdir / "warehouse.duckdb"
    shutil.copy(warehouse, copy)
    changed = _truncate_after_cutoffs(copy)
    run = run_dbt(["run", "--select", "int_propensity__customer_features+"], workdir, world.raw)
    assert run.returncode == 0, run.output[-6000:]
    return changed, run.database


def test_features_use_nothing_from_the_cutoff_on(warehouse: Path, truncated) -> None:
    changed, database = truncated
    # the erasure must have removed something from every dated source the features read
    assert all(count > 0 for count in changed.values()), changed
    before = frame(warehouse, f"select * from {FEATURES} order by customer_key")
    after = frame(database, f"select * from {FEATURES} order by customer_key")
    pd.testing.assert_frame_equal(before, after)


def test_same_data_gives_identical_scores(warehouse: Path, truncated) -> None:
    _, database = truncated
    for table, key in [
        ("license_propensity", "customer_key"),
        ("license_propensity_metrics", "model_name, evaluation"),
        ("license_propensity_coefficients", "feature"),
        ("license_propensity_calibration", "decile"),
    ]:
        sql = f"select * from marts.{table} order by {key}"
        pd.testing.assert_frame_equal(frame(warehouse, sql), frame(database, sql))


# --- the demo world: quality against the truth ---------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[World, Path]:
    """The demo world (5,000 customers, seed 42) and a warehouse built with only what the
    propensity models need."""
    root = tmp_path_factory.mktemp("propensity_demo")
    manifest = generate_world(root / "world", n_customers=DEMO_CUSTOMERS, seed=DEMO_SEED)
    world = World(root / "world", manifest)
    run = run_dbt(
        ["build", "--select", *PROPENSITY_MODELS.split(), "--indirect-selection", "cautious"],
        root / "build",
        world.raw,
    )
    assert run.returncode == 0, run.output[-6000:]
    return world, run.database


@pytest.fixture(scope="module")
def demo_truth(demo) -> pd.DataFrame:
    world, database = demo
    return true_customers(database, world.root / "truth")


def test_outcome_and_cutoff_match_the_truth(demo, demo_truth: pd.DataFrame) -> None:
    _, database = demo
    features = frame(database, f"select customer_key, has_license_3, cutoff_at from {FEATURES}")
    merged = features.merge(demo_truth, on="customer_key")
    assert len(merged) >= 0.98 * len(features)
    assert (merged.has_license_3 == merged.bought_license_3).mean() >= 0.99
    buyers = merged[merged.bought_license_3 & merged.has_license_3]
    assert (buyers.cutoff_at == buyers.first_license_3_at).mean() >= 0.99


def test_holdout_auc_is_within_5_percent_of_the_truth(demo, demo_truth: pd.DataFrame) -> None:
    _, database = demo
    holdout = frame(
        database,
        """
        select customer_key, has_license_3, probability
        from intermediate.int_propensity__predictions
        where model_name = 'logistic_regression' and evaluation = 'out_of_fold' and is_holdout
        """,
    ).merge(demo_truth, on="customer_key")
    assert len(holdout) >= 900
    model_auc = roc_auc_score(holdout.has_license_3, holdout.probability)
    truth_auc = roc_auc_score(holdout.has_license_3, holdout.true_license_3_probability)
    assert model_auc >= 0.95 * truth_auc, (model_auc, truth_auc)
    stored = frame(
        database,
        """
        select roc_auc from marts.license_propensity_metrics
        where is_scoring_model and evaluation = 'holdout'
        """,
    )
    assert stored.roc_auc.iloc[0] == pytest.approx(model_auc, abs=0.005)


def test_probabilities_are_calibrated(demo) -> None:
    _, database = demo
    oof = frame(
        database,
        """
        select customer_key, has_license_3, probability
        from intermediate.int_propensity__predictions
        where model_name = 'logistic_regression' and evaluation = 'out_of_fold'
        """,
    )
    ece = expected_calibration_error(
        oof.probability.to_numpy(), oof.has_license_3.to_numpy(float), oof.customer_key.to_numpy()
    )
    assert ece <= 0.03
    metrics = frame(
        database,
        "select * from marts.license_propensity_metrics where is_scoring_model "
        "and evaluation = 'out_of_fold'",
    )
    assert metrics.expected_calibration_error.iloc[0] == pytest.approx(ece)
    assert metrics.mean_predicted_probability.iloc[0] == pytest.approx(
        metrics.base_rate.iloc[0], abs=0.01
    )


def test_planted_drivers_lead_with_their_sign(demo, demo_truth: pd.DataFrame) -> None:
    world, database = demo
    planted = world.manifest["planted"]["license_3_model"]
    coefficients = frame(database, "select * from marts.license_propensity_coefficients")
    features = frame(database, f"select customer_key, industry, region from {FEATURES}")
    people = features.merge(demo_truth, on="customer_key", suffixes=("", "_true"))

    def drivers(group: str) -> dict[str, float]:
        """Warehouse level -> the planted effect of the true level it stands for (the true
        level of at least 80 % of its customers), less the population's mean effect: a
        coefficient compares a level with all the others."""
        mean = people[f"{group}_true"].map(planted[group]).mean()
        out = {}
        for level, true_levels in people.groupby(group)[f"{group}_true"]:
            shares = true_levels.value_counts(normalize=True)
            if shares.iloc[0] >= 0.8:
                out[level] = planted[group][shares.index[0]] - mean
        return out

    strong = {
        f"{group}={level}": effect
        for group in ("industry", "region")
        for level, effect in drivers(group).items()
        if abs(effect) >= 0.8
    }
    assert len(strong) >= 5, strong
    selected = coefficients.set_index("feature")
    # every strong planted driver is kept, with the planted sign
    for feature, effect in strong.items():
        assert feature in selected.index, (feature, sorted(selected.index))
        assert np.sign(selected.loc[feature, "coefficient"]) == np.sign(effect), feature
    # and they lead: at least four of them among the ten most important features
    top = selected.dropna(subset=["importance_rank"]).sort_values("importance_rank").index[:10]
    assert len(set(top) & set(strong)) >= 4, list(top)
    # no kept industry or region level contradicts a planted effect of 0.5 or more
    for group in ("industry", "region"):
        for level, effect in drivers(group).items():
            feature = f"{group}={level}"
            if abs(effect) >= 0.5 and feature in selected.index:
                assert np.sign(selected.loc[feature, "coefficient"]) == np.sign(effect), feature


def test_selection_costs_little_against_all_features(demo) -> None:
    _, database = demo
    metrics = frame(
        database,
        "select * from marts.license_propensity_metrics where evaluation = 'out_of_fold'",
    ).set_index("model_name")
    selected = metrics.loc["logistic_regression"]
    everything = metrics.loc["logistic_regression_all_features"]
    assert selected.feature_count <= 20 < everything.feature_count
    assert selected.roc_auc >= everything.roc_auc - 0.02
    assert "gradient_boosting" in metrics.index


def test_a_second_configured_target_fits_on_the_demo(demo) -> None:
    """var propensity_upgrade_features points the same code at another feature table: who
    upgrades from a first License 1 or 2 to License 3 within a year. Its outputs carry that
    table's outcome name, the first license (whole numbers) is a level against the most
    frequent one, and its scores rank above chance out of fold."""
    _, database = demo
    metrics = frame(
        database,
        "select * from intermediate.int_propensity__upgrade_metrics "
        "where model_name = 'logistic_regression' and evaluation = 'out_of_fold'",
    ).iloc[0]
    assert metrics["fit_status"] == "fitted" and metrics["buyers"] >= 50
    assert metrics["roc_auc"] > 0.55
    columns = frame(database, "select * from intermediate.int_propensity__upgrade_predictions")
    assert "upgraded_to_license_3" in columns and "has_license_3" not in columns
    coefficients = frame(
        database, "select * from intermediate.int_propensity__upgrade_coefficients"
    ).set_index("feature")
    assert coefficients.loc["first_license_tier=2", "reference_level"] == "1"
