"""Per-customer facts with a planted license-3 signal, for the propensity tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hvc.propensity import PropensitySettings

INDUSTRIES = ["Retail", "Software", "Education", "Media"]
REGIONS = ["US Eastern", "Brazil", "Germany", "India"]


def make_facts(n: int = 800, seed: int = 0) -> pd.DataFrame:
    """Customers whose license-3 odds rise for Retail and engaged readers, fall in Brazil."""
    rng = np.random.default_rng(seed)
    industry = rng.choice(INDUSTRIES, n)
    region = rng.choice(REGIONS, n)
    engagement = rng.normal(size=n)
    logit = -1.2 + 1.5 * (industry == "Retail") - 1.5 * (region == "Brazil") + 0.8 * engagement
    bought = rng.random(n) < 1 / (1 + np.exp(-logit))
    received = rng.poisson(6, n)
    opens = rng.binomial(received, 1 / (1 + np.exp(-(-0.4 + 1.2 * engagement))))
    closed = rng.poisson(1.0, n)
    business = rng.random(n) < 0.7
    return pd.DataFrame(
        {
            "customer_key": [f"c{i:05d}" for i in range(n)],
            "has_license_3": bought,
            "industry": np.where(business, industry, None),
            "region": region,
            "territory": np.select(
                [region == "Germany", region == "India"], ["EMEA", "APAC"], "Americas"
            ),
            "employee_range": np.where(business, rng.choice(["1-10", "11-50", "51-200"], n), None),
            "acquisition_source": np.where(
                rng.random(n) < 0.7, rng.choice(["google", "facebook", "youtube"], n), None
            ),
            "employee_count": np.where(business, rng.integers(2, 500, n), np.nan),
            "is_business": business,
            "email_received_count": received,
            "email_open_count": opens,
            "email_click_count": rng.binomial(opens, 0.2),
            "closed_ticket_count": closed,
            "closed_ticket_log_hours": closed * np.log(6.0) + rng.normal(0, 0.5, n),
            "closed_ticket_thread_count": closed * 2,
        }
    )


# Small and quick: three folds, three penalties.
SMALL = PropensitySettings.from_project(
    max_features=6, folds=3, random_state=7, min_level_count=10, penalties=(0.03, 0.3, 3.0)
)
