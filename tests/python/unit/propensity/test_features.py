"""hvc.propensity.features: shrunk ratios, pooled levels, shares for a missing source."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from helpers.propensity_facts import make_facts
from hvc.propensity import CandidateFeatures, PropensitySettings
from hvc.propensity.features import FeatureSpec

SPEC = PropensitySettings.from_project().features


def test_customers_without_evidence_get_the_population_ratio() -> None:
    facts = make_facts(400)
    facts.loc[:9, ["email_received_count", "email_open_count", "email_click_count"]] = 0
    features = CandidateFeatures(min_level_count=10, spec=SPEC).fit(facts)
    design = features.transform(facts)
    population = facts.email_open_count.sum() / facts.email_received_count.sum()
    assert features.population_ratios_["email_open_rate"] == pytest.approx(population)
    silent = design.loc[:9, "email_open_rate"]
    expected = (population - features.numeric_means_[1]) / features.numeric_sds_[1]
    assert np.allclose(silent, expected)
    # standardised numeric columns, 0/1 indicators
    assert design["email_open_rate"].mean() == pytest.approx(0.0, abs=1e-9)
    assert set(design["is_business"].unique()) <= {0.0, 1.0}


def test_rare_levels_pool_and_missing_values_are_unknown_or_shares() -> None:
    facts = make_facts(400)
    facts.loc[:4, "industry"] = "Zoology"
    features = CandidateFeatures(min_level_count=10, spec=SPEC).fit(facts)
    design = features.transform(facts)
    assert "industry=Zoology" not in design.columns
    assert (design.loc[:4, "industry=other"] == 1).all()
    # the most frequent level is the reference, without a column (here: unknown industry)
    industries = facts.industry.fillna("unknown").value_counts()
    assert features.reference_level("industry") == industries.index[0] == "unknown"
    assert "industry=unknown" not in design.columns
    columns = [f"industry={level}" for level in features.levels_["industry"]]
    assert (design.loc[facts.industry.isna().to_numpy(), columns] == 0).all(axis=None)
    # acquisition: a customer without a first visit gets the population's shares (of the
    # levels other than the reference)
    sources = [column for column in design.columns if column.startswith("acquisition_source=")]
    missing = facts.acquisition_source.isna().to_numpy()
    assert "acquisition_source=unknown" not in design.columns
    reference = features.reference_level("acquisition_source")
    share = (facts.acquisition_source.dropna() == reference).mean()
    assert np.allclose(design.loc[missing, sources].sum(axis=1), 1.0 - share)
    assert np.allclose(design.loc[missing, sources].mean(), design.loc[~missing, sources].mean())


def test_whole_numbers_and_booleans_are_levels_and_yes_no_is_reported_as_true() -> None:
    facts = make_facts(400)
    # a yes/no feature where "yes" is the more frequent: still measured against false
    facts["industry"] = np.arange(400) % 3 != 0
    facts["territory"] = (np.arange(400) % 4).astype(np.int64)
    facts["region"] = (np.arange(400) % 2).astype(float)
    features = CandidateFeatures(min_level_count=10, spec=SPEC).fit(facts)
    assert features.reference_level("industry") == "false"
    assert features.levels_["industry"] == ["true"]
    assert features.levels_["territory"] == ["1", "2", "3"]  # 0: the first of four tied
    assert features.levels_["region"] == ["1"]
    design = features.transform(facts)
    assert design["industry=true"].sum() == (np.arange(400) % 3 != 0).sum()


@pytest.mark.parametrize("dtype", ["str", "object"])
def test_text_levels_are_stripped_and_blank_text_is_unknown(dtype) -> None:
    facts = make_facts(400)
    clean = facts["industry"].copy()
    padded = facts["industry"].astype("object").copy()
    padded[::2] = "  " + padded[::2] + "\t"
    padded[1::10] = "   "
    padded[3::10] = ""
    facts["industry"] = padded.astype(dtype)
    expected = clean.astype("object").copy()
    expected[1::10] = None
    expected[3::10] = None
    design = CandidateFeatures(min_level_count=10, spec=SPEC).fit(facts).transform(facts)
    facts["industry"] = expected
    reference = CandidateFeatures(min_level_count=10, spec=SPEC).fit(facts).transform(facts)
    assert design.equals(reference)
    assert (design.loc[1::10, [c for c in design if c.startswith("industry=")]] == 0).all(None)


def test_a_column_of_another_type_is_refused_with_its_name() -> None:
    facts = make_facts(50)
    facts["territory"] = 0.5
    with pytest.raises(ValueError, match="propensity feature 'territory': 0.5 \\(float\\)"):
        CandidateFeatures(min_level_count=10, spec=SPEC).fit(facts)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"target": "y", "categorical": {"plan": "dummy"}}, "a missing value is encoded as"),
        ({"target": "y", "numerics": {"seats": ""}}, r"unknown keys \['numerics'\]"),
        ({"categorical": {"plan": "level"}}, "name the yes/no `target` column"),
        ({"target": "y", "ratios": {"r": {"numerator": "a"}}}, "give numerator, denominator"),
        ({"target": "y"}, "declare at least one feature"),
    ],
)
def test_a_feature_list_that_cannot_be_read_says_what_is_wrong(config, message) -> None:
    with pytest.raises(ValueError, match=message):
        FeatureSpec.from_config(config)


def test_the_project_s_feature_list_reads_from_the_var_text_as_from_its_mapping() -> None:
    # dbt hands the var to the Python model as text (the mapping's repr)
    assert FeatureSpec.from_config(str(dataclasses.asdict(SPEC))) == SPEC
