"""hvc.propensity.features: shrunk ratios, pooled levels, shares for a missing source."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.propensity_facts import make_facts
from hvc.propensity import CandidateFeatures


def test_customers_without_evidence_get_the_population_ratio() -> None:
    facts = make_facts(400)
    facts.loc[:9, ["email_received_count", "email_open_count", "email_click_count"]] = 0
    features = CandidateFeatures(min_level_count=10).fit(facts)
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
    features = CandidateFeatures(min_level_count=10).fit(facts)
    design = features.transform(facts)
    assert "industry=Zoology" not in design.columns
    assert (design.loc[:4, "industry=other"] == 1).all()
    assert "industry=unknown" in design.columns
    # acquisition: a customer without a first visit gets the population's shares
    sources = [column for column in design.columns if column.startswith("acquisition_source=")]
    missing = facts.acquisition_source.isna().to_numpy()
    assert "acquisition_source=unknown" not in design.columns
    assert np.allclose(design.loc[missing, sources].sum(axis=1), 1.0)
    assert np.allclose(design.loc[missing, sources].mean(), design.loc[~missing, sources].mean())
