"""Customer lifetime value: BG/NBD for purchases, Gamma-Gamma for spend, by maximum likelihood.

BG/NBD (Fader, Hardie & Lee 2005): while alive, a customer buys at rate ``lambda`` ~ Gamma(r,
alpha) and after each repeat purchase drops out with probability ``p`` ~ Beta(a, b).
Gamma-Gamma (Fader & Hardie 2013): a customer's purchase values are Gamma(p, nu) with ``nu`` ~
Gamma(q, gamma), independent of the purchase process. Per customer the inputs are the
frequency ``x`` (repeat purchases), recency ``t_x`` (first to last purchase), age ``T`` (first
purchase to the end of the calibration period) and the mean value of the repeat purchases.
Time is in whatever unit the inputs use (the warehouse uses days).

- `likelihood`: the per-customer log-likelihoods and their gradients;
- `fit`: maximum-likelihood fits, per customer arrays and per business line (`Fit`);
- `expectations`: P(alive), expected purchases and spend, discounted value;
- `predict`: per-customer predictions with intervals, and the revenue forecast;
- `settings`: `ClvSettings`, from the vars `clv_*`;
- `backtest`: fit before a holdout, predict it, and score against a naive rate;
- `tables`: the columns and Arrow schemas of the tables the dbt models return.
"""

from hvc import IMPORT_LOCK

# One package at a time: see hvc.IMPORT_LOCK.
with IMPORT_LOCK:
    from hvc.clv.backtest import backtest
    from hvc.clv.expectations import (
        customer_lifetime_value,
        expected_purchases,
        expected_purchases_if_alive,
        expected_purchases_new_customer,
        expected_spend,
        probability_alive,
    )
    from hvc.clv.fit import (
        ALPHA_BOUNDS,
        GAMMA_BOUNDS,
        MIN_CUSTOMERS,
        MIN_REPEAT_BUYERS,
        SHAPE_BOUNDS,
        Fit,
        fit_bgnbd,
        fit_gamma_gamma,
        fit_parameters,
        fits_from_parameters,
    )
    from hvc.clv.likelihood import (
        BGNBD,
        BGNBD_PARAMETERS,
        GAMMA_GAMMA,
        GAMMA_GAMMA_PARAMETERS,
        MODEL_PARAMETERS,
        bgnbd_loglikelihood,
        gamma_gamma_loglikelihood,
    )
    from hvc.clv.predict import calendar_months, forecast_revenue, predict_customers
    from hvc.clv.settings import ClvSettings
    from hvc.clv.tables import (
        BACKTEST_COLUMNS,
        BACKTEST_SCHEMA,
        FORECAST_COLUMNS,
        FORECAST_SCHEMA,
        PARAMETER_COLUMNS,
        PARAMETER_SCHEMA,
        PREDICTION_COLUMNS,
        PREDICTION_SCHEMA,
    )

__all__ = [
    "ALPHA_BOUNDS",
    "BACKTEST_COLUMNS",
    "BACKTEST_SCHEMA",
    "BGNBD",
    "BGNBD_PARAMETERS",
    "FORECAST_COLUMNS",
    "FORECAST_SCHEMA",
    "GAMMA_BOUNDS",
    "GAMMA_GAMMA",
    "GAMMA_GAMMA_PARAMETERS",
    "MIN_CUSTOMERS",
    "MIN_REPEAT_BUYERS",
    "MODEL_PARAMETERS",
    "PARAMETER_COLUMNS",
    "PARAMETER_SCHEMA",
    "PREDICTION_COLUMNS",
    "PREDICTION_SCHEMA",
    "SHAPE_BOUNDS",
    "ClvSettings",
    "Fit",
    "backtest",
    "bgnbd_loglikelihood",
    "calendar_months",
    "customer_lifetime_value",
    "expected_purchases",
    "expected_purchases_if_alive",
    "expected_purchases_new_customer",
    "expected_spend",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_parameters",
    "fits_from_parameters",
    "forecast_revenue",
    "gamma_gamma_loglikelihood",
    "predict_customers",
    "probability_alive",
]
