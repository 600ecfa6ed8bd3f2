"""The configurable propensity model on a real public table it was not built for, against a
plain statsmodels logit on the same features and the same train / validation split.

The table: Fair's 1974 survey of 6,366 married women (Fair 1978, "A Theory of Extramarital
Affairs", Journal of Political Economy; shipped with statsmodels as `datasets.fair`). Outcome:
any affair (32.2 %); features: marriage rating, age, years married, children, religiousness,
education (numeric) and her and her husband's occupation (six classes stored as whole-number
floats: categorical). 70 % trains both models, 30 % (stratified, fixed seed) validates."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import statsmodels.api as sm
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split

from hvc.propensity import SCORING_MODEL, FeatureSpec, PropensitySettings, build_model
from hvc.propensity.metrics import expected_calibration_error, lift_at

NUMERIC = ["rate_marriage", "age", "yrs_married", "children", "religious", "educ"]
CATEGORICAL = ["occupation", "occupation_husb"]


def _table() -> pd.DataFrame:
    data = sm.datasets.fair.load_pandas().data
    return data.assign(
        respondent=[f"r{i:05d}" for i in range(len(data))], had_affair=data["affairs"] > 0
    ).drop(columns="affairs")


def _plain_logit(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    """statsmodels' Logit on the numeric columns and one-hot occupations (the most frequent
    class the reference, as in the project's model)."""

    def design(frame: pd.DataFrame) -> pd.DataFrame:
        columns = [frame[NUMERIC]]
        for name in CATEGORICAL:
            reference = train[name].value_counts().idxmax()
            levels = sorted(set(train[name]) - {reference})
            columns.append(
                pd.DataFrame(
                    {f"{name}={level:g}": (frame[name] == level).astype(float) for level in levels}
                )
            )
        return sm.add_constant(pd.concat(columns, axis=1), has_constant="add")

    fit = sm.Logit(train["had_affair"].astype(float), design(train)).fit(disp=False)
    return np.asarray(fit.predict(design(test)))


def test_the_configured_model_matches_a_plain_logit_on_a_real_table() -> None:
    table = _table()
    train, test = train_test_split(
        table, test_size=0.3, stratify=table["had_affair"], random_state=0
    )
    spec = FeatureSpec.from_config(
        {
            "id_column": "respondent",
            "target": "had_affair",
            "categorical": dict.fromkeys(CATEGORICAL, "level"),
            "numeric": {name: name.replace("_", " ") for name in NUMERIC},
        }
    )
    settings = dataclasses.replace(PropensitySettings.from_project(), features=spec)
    model = build_model(SCORING_MODEL, settings).fit(train, train["had_affair"].to_numpy())
    ours = model.predict_proba(test)[:, 1]
    # the occupations (whole-number floats) are levels, not one `unknown`
    levels = model.named_steps["features"].levels_
    assert len(levels["occupation"]) == 5 and len(levels["occupation_husb"]) == 5, levels
    plain = _plain_logit(train, test)
    outcome = test["had_affair"].to_numpy(dtype=float)
    keys = test["respondent"].to_numpy()
    figures = {
        name: {
            "roc_auc": roc_auc_score(outcome, p),
            "pr_auc": average_precision_score(outcome, p),
            "lift_top_10": lift_at(p, outcome, 0.1, keys),
            "lift_top_20": lift_at(p, outcome, 0.2, keys),
            "ece": expected_calibration_error(p, outcome, keys),
        }
        for name, p in (("ours", ours), ("plain_logit", plain))
    }
    print(figures)
    assert figures["plain_logit"]["roc_auc"] > 0.65  # the table holds signal
    assert abs(figures["ours"]["roc_auc"] - figures["plain_logit"]["roc_auc"]) <= 0.01
    assert abs(figures["ours"]["pr_auc"] - figures["plain_logit"]["pr_auc"]) <= 0.01
    assert figures["ours"]["ece"] <= 0.05
