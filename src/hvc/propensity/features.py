"""Candidate features of the license-3 propensity model, from the per-customer facts.

The warehouse (`int_propensity__customer_features`) counts what each customer did before their
cutoff: the first license-3 order, else the as-of time. Buyers' cutoffs come sooner than
everyone else's, so a buyer has been watched for less time. A feature whose value grows or
appears with the time watched (a count, a rate per day whose window starts before the
activity does, the tenure, whether any web visit happened yet) then tells buyers apart by
their cutoff instead of by who they are: on the demo, a mere "no web visit before the cutoff"
flag lifts a firmographics-only model's AUC from 0.64 to 0.68. The features are built so that
their expected value does not depend on the time watched:

- firmographics (industry, region, territory, employee range and count, business or not)
  describe the company and are taken as they are; a missing value is its own level,
  `unknown`, because whether it is known does not depend on the cutoff;
- activity is a ratio per unit of activity, never per day: email opens and clicks per email
  received, the log hours to close and the messages per closed Help Scout ticket. Each is
  shrunk towards the population's ratio by a prior worth a fixed amount of evidence
  (`RATIOS`): with no evidence a customer gets the population's ratio, with much evidence
  their own, and the expected value is the same however long they were watched. The ratios
  stay on their own scale; hours to close are averaged as logarithms per ticket (they are
  roughly log-normal), which keeps that property, where the log of a shrunk mean would not
  (Jensen);
- the acquisition source (traffic source of the first web visit before the cutoff) is known
  only for customers who visited before it, which buyers have had less time to do: a customer
  without one gets the population's shares of the sources instead of a level of their own.

This makes the features safe for the linear models, which use only their expected values. A
non-linear model can still single out the exact population value that customers without
evidence get, and with it short watching: the gradient-boosting benchmark is read with that
in mind.

Rare levels (fewer than `min_level_count` customers) are pooled into `other`. Each categorical
feature has a reference level, which gets no column: its most frequent level (ties: the first
in text order), or `false` for a yes/no feature, so that every level's effect is against one
stated level and a yes/no feature is always reported as the effect of `true`. Levels may be
text, whole numbers or booleans (read as `true` / `false`); a column of another type is
refused with its name. Numeric features are standardised (mean 0, standard deviation 1 on the
rows fitted); indicator columns (levels, `is_business`) stay 0/1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

#: Categorical features: name -> how a missing value is encoded. `level`: its own level
#: `unknown`; `shares`: the population's shares of the known levels.
CATEGORICAL_FEATURES: dict[str, str] = {
    "industry": "level",
    "region": "level",
    "territory": "level",
    "employee_range": "level",
    "acquisition_source": "shares",
}

#: Columns of the per-customer facts the features are built from.
FACT_COLUMNS = [
    *CATEGORICAL_FEATURES,
    "employee_count",
    "is_business",
    "email_received_count",
    "email_open_count",
    "email_click_count",
    "closed_ticket_count",
    "closed_ticket_log_hours",
    "closed_ticket_thread_count",
]


@dataclass(frozen=True)
class Ratio:
    """A shrunk ratio `(numerator + prior * population_ratio) / (denominator + prior)`."""

    numerator: str
    denominator: str
    prior: float
    description: str = ""


#: Numeric features built as shrunk ratios; the prior is in units of the denominator.
RATIOS: dict[str, Ratio] = {
    "email_open_rate": Ratio(
        "email_open_count", "email_received_count", 5.0, description="email opens per email"
    ),
    "email_click_rate": Ratio(
        "email_click_count", "email_received_count", 5.0, description="email clicks per email"
    ),
    "ticket_log_hours_to_close": Ratio(
        "closed_ticket_log_hours",
        "closed_ticket_count",
        2.0,
        description="mean natural log of the hours a Help Scout ticket took to close",
    ),
    "messages_per_ticket": Ratio(
        "closed_ticket_thread_count",
        "closed_ticket_count",
        2.0,
        description="messages (threads) per closed Help Scout ticket",
    ),
}

#: Numeric features that are not ratios.
OTHER_NUMERIC_FEATURES = {
    "log_employees": "log10 of the company's employees (1 for a customer that is not a business)",
}

NUMERIC_FEATURES = [*OTHER_NUMERIC_FEATURES, *RATIOS]

#: Yes/no features, kept 0/1.
INDICATOR_FEATURES = {
    "is_business": "the customer has a business email domain or website",
}


def feature_description(name: str) -> str:
    """What a numeric feature measures, in words."""
    if name in RATIOS:
        return RATIOS[name].description
    if name in INDICATOR_FEATURES:
        return INDICATOR_FEATURES[name]
    return OTHER_NUMERIC_FEATURES[name]


def column_name(group: str, level: str) -> str:
    """The design column of one level of a categorical feature."""
    return f"{group}={level}"


def split_column(column: str) -> tuple[str, str | None]:
    """`(feature group, level)` of a design column; level is None for a numeric column."""
    group, _, level = column.partition("=")
    return group, (level if level else None)


class CandidateFeatures(TransformerMixin, BaseEstimator):
    """Turn per-customer facts into the candidate design matrix (see the module docstring).

    Parameters
    ----------
    min_level_count
        Levels held by fewer customers than this (in the rows fitted) are pooled into `other`.
    """

    def __init__(self, min_level_count: int):
        self.min_level_count = min_level_count

    def fit(self, facts: pd.DataFrame, y=None) -> CandidateFeatures:
        """Learn the levels, population ratios and shares, and the scales, from the rows fitted."""
        self.levels_: dict[str, list[str]] = {}
        self.reference_levels_: dict[str, str | None] = {}
        self.shares_: dict[str, np.ndarray] = {}
        for group, missing in CATEGORICAL_FEATURES.items():
            values = _category_values(facts[group], group)
            counts = values.dropna().value_counts()
            kept = sorted(counts[counts >= self.min_level_count].index)
            levels = list(kept)
            if (counts < self.min_level_count).any():
                levels.append("other")
            if missing == "level" and values.isna().any():
                levels.append("unknown")
            pooled = self._pool_levels(levels, values)
            if missing == "level":
                pooled = pooled.fillna("unknown")
            reference = _reference_level(pooled.dropna())
            self.reference_levels_[group] = reference
            self.levels_[group] = [level for level in levels if level != reference]
            if missing == "shares":
                share = pooled.dropna().value_counts(normalize=True)
                self.shares_[group] = np.array(
                    [share.get(level, 0.0) for level in self.levels_[group]]
                )
        self.population_ratios_ = {}
        for name, ratio in RATIOS.items():
            numerator = float(facts[ratio.numerator].astype(float).sum())
            denominator = float(facts[ratio.denominator].astype(float).sum())
            self.population_ratios_[name] = numerator / denominator if denominator > 0 else 0.0
        known = _known_business_sizes(facts)
        self.business_log_employees_ = float(np.median(known)) if len(known) else 1.0
        numeric = self._numeric(facts)
        self.numeric_means_ = numeric.mean().to_numpy()
        sds = numeric.std(ddof=0).to_numpy()
        self.numeric_sds_ = np.where(sds > 0, sds, 1.0)
        self.feature_names_ = [
            column_name(group, level) for group, levels in self.levels_.items() for level in levels
        ] + [*INDICATOR_FEATURES, *NUMERIC_FEATURES]
        return self

    def transform(self, facts: pd.DataFrame) -> pd.DataFrame:
        """The design matrix: level indicators (or shares), indicators, standardised numbers."""
        blocks = []
        for group, levels in self.levels_.items():
            values = self._pool(group, _category_values(facts[group], group))
            if CATEGORICAL_FEATURES[group] == "level":
                values = values.fillna("unknown")
            block = (
                np.column_stack([(values == level).to_numpy(dtype=float) for level in levels])
                if levels
                else np.zeros((len(facts), 0))
            )
            if CATEGORICAL_FEATURES[group] == "shares":
                missing = values.isna().to_numpy()
                block[missing] = self.shares_[group]
            blocks.append(block)
        blocks.append(facts[list(INDICATOR_FEATURES)].fillna(False).astype(float).to_numpy())
        numeric = self._numeric(facts).to_numpy()
        blocks.append((numeric - self.numeric_means_) / self.numeric_sds_)
        return pd.DataFrame(np.hstack(blocks), columns=self.feature_names_, index=facts.index)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """The design matrix's column names."""
        return np.array(self.feature_names_, dtype=object)

    def reference_level(self, group: str) -> str | None:
        """The level of a categorical feature its columns are measured against."""
        return self.reference_levels_.get(group)

    def numeric_scale(self, name: str) -> float:
        """Standard deviation of a numeric feature, in its own units, in the rows fitted."""
        return float(self.numeric_sds_[NUMERIC_FEATURES.index(name)])

    def _pool(self, group: str, values: pd.Series) -> pd.Series:
        """Values of a categorical feature with rare levels pooled into `other`."""
        levels = [*self.levels_[group], self.reference_levels_[group]]
        return self._pool_levels([level for level in levels if level is not None], values)

    @staticmethod
    def _pool_levels(levels: list[str], values: pd.Series) -> pd.Series:
        """Values with those not among `levels` (bar `other` and `unknown`) pooled into
        `other`."""
        known = set(levels) - {"other", "unknown"}
        return values.where(values.isna() | values.isin(known), "other")

    def _numeric(self, facts: pd.DataFrame) -> pd.DataFrame:
        """The numeric features before standardising: log employees and the shrunk ratios."""
        columns = {}
        columns["log_employees"] = _log_employees(facts, self.business_log_employees_)
        for name, ratio in RATIOS.items():
            numerator = facts[ratio.numerator].fillna(0).astype(float).to_numpy()
            denominator = facts[ratio.denominator].fillna(0).astype(float).to_numpy()
            population = self.population_ratios_[name]
            columns[name] = (numerator + ratio.prior * population) / (
                np.maximum(denominator, 0) + ratio.prior
            )
        return pd.DataFrame(columns, index=facts.index)[NUMERIC_FEATURES]


def _category_values(values: pd.Series, name: str) -> pd.Series:
    """The levels of a categorical feature as text: text stripped, whole numbers as digits,
    booleans as `true` / `false`; empty values become None. Any other type is refused with
    the column's name (a date or a fraction is no level: bin it in the feature model)."""
    objects = values.astype("object")
    objects = objects.where(objects.notna(), None)
    return objects.map(lambda value: _level(value, name))


def _level(value: object, name: str) -> str | None:
    """One categorical value as its level's text (see `_category_values`)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    raise ValueError(
        f"propensity feature {name!r}: {value!r} ({type(value).__name__}) cannot be a level of "
        "a categorical feature; give text, whole numbers or booleans (bin other values in the "
        "feature model)"
    )


def _reference_level(values: pd.Series) -> str | None:
    """The level without a column: `false` for a yes/no feature, else the most frequent
    (ties: the first in text order); None without values."""
    counts = values.value_counts()
    if counts.empty:
        return None
    if set(counts.index) <= {"false", "true", "unknown"} and "false" in counts.index:
        return "false"
    most = counts.max()
    return sorted(counts[counts == most].index)[0]


def _known_business_sizes(facts: pd.DataFrame) -> np.ndarray:
    """log10 employees of the businesses whose size the CRM knows."""
    count = facts["employee_count"].astype(float)
    business = facts["is_business"].fillna(False).astype(bool)
    known = count.notna() & (count > 0) & business
    return np.log10(count[known].to_numpy())


def _log_employees(facts: pd.DataFrame, business_default: float) -> np.ndarray:
    """log10 employees: the CRM's count; 1 person for a customer that is not a business; the
    median business when a business's size is unknown."""
    count = facts["employee_count"].astype(float).to_numpy()
    business = facts["is_business"].fillna(False).astype(bool).to_numpy()
    known = ~np.isnan(count) & (count > 0)
    return np.where(
        known,
        np.log10(np.where(known, count, 1.0)),
        np.where(business, business_default, 0.0),
    )
