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
  (`FeatureSpec.ratios`): with no evidence a customer gets the population's ratio, with much
  evidence their own, and the expected value is the same however long they were watched. The ratios
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

from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
import yaml
from sklearn.base import BaseEstimator, TransformerMixin


@dataclass(frozen=True)
class Ratio:
    """A shrunk ratio `(numerator + prior * population_ratio) / (denominator + prior)`."""

    numerator: str
    denominator: str
    prior: float
    description: str = ""


#: How a categorical feature encodes a missing value: `level`, its own level `unknown`;
#: `shares`, the population's shares of the known levels.
MISSING_ENCODINGS = ("level", "shares")


@dataclass(frozen=True)
class FeatureSpec:
    """What the propensity model reads from its feature table (var `propensity_features`,
    declared in dbt_project.yml with the License-3 model's own list).

    Attributes
    ----------
    id_column : one row per value (the customer).
    target : yes/no outcome to predict.
    categorical : column -> `level` or `shares` (how a missing value is encoded).
    indicators : yes/no column -> what it means (kept 0/1).
    numeric : plain numeric column -> what it measures (standardised; missing: the mean).
    ratios : feature -> `Ratio` of two count columns, shrunk towards the population's.
    log_employees : add log10 of `employee_count` (1 for a non-business, `is_business`; the
        median business when unknown).
    """

    id_column: str
    target: str
    categorical: dict[str, str]
    indicators: dict[str, str]
    numeric: dict[str, str]
    ratios: dict[str, Ratio]
    log_employees: bool

    @classmethod
    def from_config(cls, value: object) -> FeatureSpec:
        """From the var's mapping, or its YAML / JSON text; a clear error on what is wrong."""
        config = yaml.safe_load(str(value)) if isinstance(value, str) else value
        if not isinstance(config, Mapping):
            raise ValueError("propensity_features must be a mapping (see dbt_project.yml)")
        known = {field.name for field in fields(cls)}
        unknown = sorted(set(config) - known)
        if unknown:
            raise ValueError(f"propensity_features: unknown keys {unknown}; use {sorted(known)}")
        categorical = {str(k): str(v) for k, v in (config.get("categorical") or {}).items()}
        wrong = {k: v for k, v in categorical.items() if v not in MISSING_ENCODINGS}
        if wrong:
            raise ValueError(
                f"propensity_features.categorical: {wrong}: a missing value is encoded as "
                f"one of {list(MISSING_ENCODINGS)}"
            )
        ratios = {}
        for name, ratio in (config.get("ratios") or {}).items():
            try:
                ratios[str(name)] = Ratio(
                    numerator=str(ratio["numerator"]),
                    denominator=str(ratio["denominator"]),
                    prior=float(ratio["prior"]),
                    description=str(ratio.get("description", "")),
                )
            except (KeyError, TypeError, ValueError) as error:
                raise ValueError(
                    f"propensity_features.ratios.{name}: give numerator, denominator and prior "
                    f"({error})"
                ) from error
        spec = cls(
            id_column=str(config.get("id_column") or "customer_key"),
            target=str(config.get("target") or ""),
            categorical=categorical,
            indicators={str(k): str(v) for k, v in (config.get("indicators") or {}).items()},
            numeric={str(k): str(v) for k, v in (config.get("numeric") or {}).items()},
            ratios=ratios,
            log_employees=bool(config.get("log_employees", False)),
        )
        if not spec.target:
            raise ValueError("propensity_features: name the yes/no `target` column")
        if not spec.feature_groups:
            raise ValueError("propensity_features: declare at least one feature")
        return spec

    @property
    def numeric_features(self) -> list[str]:
        """The standardised numeric design columns, in order."""
        return [*(["log_employees"] if self.log_employees else []), *self.numeric, *self.ratios]

    @property
    def feature_groups(self) -> list[str]:
        """Every feature before one-hot encoding."""
        return [*self.categorical, *self.indicators, *self.numeric_features]

    @property
    def fact_columns(self) -> list[str]:
        """The columns of the feature table the features are built from."""
        columns = [*self.categorical, *self.indicators, *self.numeric]
        if self.log_employees:
            columns += ["employee_count", "is_business"]
        for ratio in self.ratios.values():
            columns += [ratio.numerator, ratio.denominator]
        return list(dict.fromkeys(columns))

    def description(self, name: str) -> str:
        """What a numeric or yes/no feature measures, in words."""
        if name in self.ratios:
            return self.ratios[name].description or name.replace("_", " ")
        if name in self.indicators:
            return self.indicators[name]
        if name in self.numeric:
            return self.numeric[name] or name.replace("_", " ")
        if name == "log_employees" and self.log_employees:
            return "log10 of the company's employees (1 for a customer that is not a business)"
        raise KeyError(name)


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
    spec
        The features to build (`FeatureSpec`).
    """

    def __init__(self, min_level_count: int, spec: FeatureSpec):
        self.min_level_count = min_level_count
        self.spec = spec

    def fit(self, facts: pd.DataFrame, y=None) -> CandidateFeatures:
        """Learn the levels, population ratios and shares, and the scales, from the rows fitted."""
        self.levels_: dict[str, list[str]] = {}
        self.reference_levels_: dict[str, str | None] = {}
        self.shares_: dict[str, np.ndarray] = {}
        for group, missing in self.spec.categorical.items():
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
        for name, ratio in self.spec.ratios.items():
            numerator = float(facts[ratio.numerator].astype(float).sum())
            denominator = float(facts[ratio.denominator].astype(float).sum())
            self.population_ratios_[name] = numerator / denominator if denominator > 0 else 0.0
        known = _known_business_sizes(facts) if self.spec.log_employees else np.zeros(0)
        self.business_log_employees_ = float(np.median(known)) if len(known) else 1.0
        # a plain numeric feature's missing values read as its mean in the rows fitted
        self.numeric_fill_ = {
            name: _mean_or_zero(_numbers(facts[name], name)) for name in self.spec.numeric
        }
        numeric = self._numeric(facts)
        self.numeric_means_ = numeric.mean().to_numpy()
        sds = numeric.std(ddof=0).to_numpy()
        self.numeric_sds_ = np.where(sds > 0, sds, 1.0)
        self.feature_names_ = [
            column_name(group, level) for group, levels in self.levels_.items() for level in levels
        ] + [*self.spec.indicators, *self.spec.numeric_features]
        return self

    def transform(self, facts: pd.DataFrame) -> pd.DataFrame:
        """The design matrix: level indicators (or shares), indicators, standardised numbers."""
        blocks = []
        for group, levels in self.levels_.items():
            values = self._pool(group, _category_values(facts[group], group))
            if self.spec.categorical[group] == "level":
                values = values.fillna("unknown")
            block = (
                np.column_stack([(values == level).to_numpy(dtype=float) for level in levels])
                if levels
                else np.zeros((len(facts), 0))
            )
            if self.spec.categorical[group] == "shares":
                missing = values.isna().to_numpy()
                block[missing] = self.shares_[group]
            blocks.append(block)
        blocks.append(
            np.column_stack(
                [_yes_no(facts[name], name) for name in self.spec.indicators]
                or [np.zeros((len(facts), 0))]
            )
        )
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
        return float(self.numeric_sds_[self.spec.numeric_features.index(name)])

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
        """The numeric features before standardising: log employees, the plain numbers and
        the shrunk ratios."""
        columns = {}
        if self.spec.log_employees:
            columns["log_employees"] = _log_employees(facts, self.business_log_employees_)
        for name in self.spec.numeric:
            columns[name] = _numbers(facts[name], name).fillna(self.numeric_fill_[name]).to_numpy()
        for name, ratio in self.spec.ratios.items():
            numerator = facts[ratio.numerator].fillna(0).astype(float).to_numpy()
            denominator = facts[ratio.denominator].fillna(0).astype(float).to_numpy()
            population = self.population_ratios_[name]
            columns[name] = (numerator + ratio.prior * population) / (
                np.maximum(denominator, 0) + ratio.prior
            )
        return pd.DataFrame(columns, index=facts.index)[self.spec.numeric_features]


def _category_values(values: pd.Series, name: str) -> pd.Series:
    """The levels of a categorical feature as text: text stripped, whole numbers as digits,
    booleans as `true` / `false`; empty values become None. Any other type is refused with
    the column's name (a date or a fraction is no level: bin it in the feature model)."""
    if pd.api.types.infer_dtype(values, skipna=True) == "string":
        # text, the usual column: stripped in one pass, not with a call per customer (which
        # was a sixth of the License-3 model's time at 300 k customers)
        stripped = values.astype("str").str.strip()
        return stripped.where(stripped != "")
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


def _numbers(values: pd.Series, name: str) -> pd.Series:
    """A numeric feature's values as floats (booleans as 0/1); text or dates are refused with
    the column's name."""
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        return values.astype("float64")
    converted = pd.to_numeric(values, errors="coerce")
    bad = values.notna() & converted.isna()
    if bad.any():
        raise ValueError(
            f"propensity feature {name!r}: {values[bad].iloc[0]!r} is not a number; declare "
            "the column under `categorical` or cast it in the feature model"
        )
    return converted.astype("float64")


def _mean_or_zero(values: pd.Series) -> float:
    """The mean of the known values, 0 without any."""
    mean = values.mean()
    return float(mean) if pd.notna(mean) else 0.0


def _yes_no(values: pd.Series, name: str) -> np.ndarray:
    """A yes/no feature as 0/1 (missing: 0); anything but booleans or 0/1 is refused."""
    numbers = _numbers(values.astype("object").where(values.notna(), None), name).fillna(0.0)
    if not numbers.isin([0.0, 1.0]).all():
        raise ValueError(f"propensity feature {name!r} is declared yes/no but holds other values")
    return numbers.to_numpy()


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
