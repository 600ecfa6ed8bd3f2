"""Per-customer predictions and the revenue forecast, for each fitted business line.

Prediction intervals are quantiles of a prediction over parameter sets drawn from the
estimates' asymptotic normal distribution (on the log scale): they show how uncertain the
*expectation* is, not the spread of what a customer will actually do. The forecast also
gives the predictive interval of the realised revenue (`realised_revenue_lower/upper`:
parameter draws plus simulated purchases and spend, `hvc.clv.simulate`).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd
from scipy.sparse import csr_array

from hvc.clv.expectations import expected_purchases_if_alive, expected_spend, probability_alive
from hvc.clv.fit import Fit, fits_from_parameters
from hvc.clv.settings import ClvSettings
from hvc.clv.tables import FORECAST_COLUMNS, PREDICTION_COLUMNS, customer_arrays, empty_frame

# Distinct customer histories predicted at a time: bounds the memory of the (draws x
# histories) arrays; the results do not depend on it.
CHUNK_SIZE = 20_000


def _chunks(n: int, size: int) -> Iterator[slice]:
    """Consecutive slices of at most `size` rows."""
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))


class _LinePredictor:
    """Predictions for one fitted business line at the estimates (row 0 of every draw axis)
    and at ``n_draws`` parameter sets drawn from their asymptotic law.

    Customers with the same (x, t_x, T, mean spend) share every prediction, customers without
    repeat purchases share all but T, so predictions are made once per distinct history
    (`self.row` maps customers to them). The hypergeometric part of the expectation depends on
    (x, T) only and is computed once per distinct (x, T), draw and horizon.
    """

    def __init__(
        self, rows: pd.DataFrame, bg: Fit, gg: Fit, n_draws: int, rng: np.random.Generator
    ):
        x, t_x, age, spend = customer_arrays(rows)
        # -1: no usable mean spend (the population mean applies); nulls would drop out of keys.
        spend = np.where((x > 0) & np.isfinite(spend) & (spend > 0), spend, -1.0)
        keys = pd.DataFrame({"x": x, "t_x": t_x, "age": age, "spend": spend})
        self.row = keys.groupby(["x", "t_x", "age", "spend"], sort=True).ngroup().to_numpy()
        first = np.unique(self.row, return_index=True)[1]
        self.x, self.t_x, self.age, self.spend = x[first], t_x[first], age[first], spend[first]
        self.n = len(first)
        self.count = np.bincount(self.row, minlength=self.n)
        pairs = pd.DataFrame({"x": self.x, "age": self.age})
        self.pair = pairs.groupby(["x", "age"], sort=True).ngroup().to_numpy()
        first_pair = np.unique(self.pair, return_index=True)[1]
        self.pair_x, self.pair_age = self.x[first_pair], self.age[first_pair]
        self.bg = self._draws(bg, n_draws, rng)
        self.gg = self._draws(gg, n_draws, rng)

    @staticmethod
    def _draws(fit: Fit, n_draws: int, rng: np.random.Generator) -> np.ndarray:
        """The estimates first, then the draws (the estimates again where the covariance is
        unusable, so that model's uncertainty is left out rather than the interval)."""
        n_draws = max(n_draws, 0)
        if not np.all(np.isfinite(fit.log_covariance)):
            return np.repeat(fit.params[None, :], n_draws + 1, axis=0)
        return np.vstack([fit.params, fit.draw(n_draws, rng)])

    @property
    def has_draws(self) -> bool:
        """Whether there are parameter draws besides the estimates."""
        return len(self.bg) > 1

    def if_alive(
        self,
        horizons: Sequence[float],
        draws: int | None = None,
        pairs: np.ndarray | None = None,
    ) -> np.ndarray:
        """(draws, horizons, pairs): expected purchases if alive, per distinct (x, T); of the
        pairs numbered `pairs` only, when given (a chunk's: memory follows the chunk)."""
        params = self.bg if draws is None else self.bg[:draws]
        x = self.pair_x if pairs is None else self.pair_x[pairs]
        age = self.pair_age if pairs is None else self.pair_age[pairs]
        out = np.empty((len(params), len(horizons), len(x)))
        for s, row in enumerate(params):
            for k, t in enumerate(horizons):
                out[s, k] = expected_purchases_if_alive(row, t, x, age)
        return out

    def chunk_pairs(self, part: slice) -> tuple[np.ndarray, np.ndarray]:
        """The pairs the histories of `part` use, and each history's index among them."""
        pairs, local = np.unique(self.pair[part], return_inverse=True)
        return pairs, local

    def alive_and_spend(self, part: slice) -> tuple[np.ndarray, np.ndarray]:
        """(draws, rows) P(alive) and expected spend for a slice of the distinct histories."""
        bg = tuple(self.bg[:, [j]] for j in range(4))
        gg = tuple(self.gg[:, [j]] for j in range(3))
        alive = probability_alive(bg, self.x[part], self.t_x[part], self.age[part])
        spend = expected_spend(gg, self.x[part], self.spend[part])
        return alive, spend


def _rng(random_state: int, line: str) -> np.random.Generator:
    """Draws per business line, independent of which other lines there are."""
    return np.random.default_rng([int(random_state), zlib.crc32(str(line).encode())])


def _months_after(end_date, months: int) -> list[pd.Timestamp]:
    """The same day of month, 1 to `months` calendar months after `end_date`."""
    end = pd.Timestamp(end_date)
    return [end + pd.DateOffset(months=k) for k in range(1, months + 1)]


def calendar_months(end_date, months: int) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The first and last day of `months` whole calendar months, from the first month that
    starts after `end_date` (the next day when that is the 1st, else the next month's 1st)."""
    first = pd.Timestamp(end_date).normalize() + pd.Timedelta(days=1)
    if first.day != 1:
        first = first + pd.offsets.MonthBegin(1)
    starts = [first + pd.DateOffset(months=k) for k in range(months)]
    return [(start, start + pd.offsets.MonthEnd(0)) for start in starts]


def _days_between(start, ends: list[pd.Timestamp]) -> np.ndarray:
    """Days from `start` to each of `ends`."""
    return np.array([(end - pd.Timestamp(start)).days for end in ends], dtype=float)


def _quantiles(values: np.ndarray, interval: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper quantiles over the draws (rows 1..) of ``values``."""
    low, high = np.quantile(values[1:], [(1 - interval) / 2, (1 + interval) / 2], axis=0)
    return low, high


def _finite(values) -> np.ndarray:
    """Values with infinities replaced by NaN (written as nulls)."""
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values), values, np.nan)


def predict_customers(
    summary: pd.DataFrame,
    parameters: pd.DataFrame,
    settings: ClvSettings,
    *,
    chunk_size: int = CHUNK_SIZE,
) -> pd.DataFrame:
    """Per-customer predictions with intervals, for each fitted business line.

    Parameters
    ----------
    summary : one row per customer: `customer_key`, `business_line`, `frequency`,
        `recency_days`, `age_days`, `mean_repeat_purchase_amount`, `calibration_end_date`
        (the last day observed; horizons start the day after).
    parameters : `fit_parameters` output. Customers of a line without a fit get nulls.
    settings : the draws, interval, discount rate and random state.
    chunk_size : distinct histories predicted at a time (memory, not results).

    Returns
    -------
    DataFrame with PREDICTION_COLUMNS in `summary` order: P(alive); expected purchases in the
    next 30, 90 and 180 days; expected order value (Gamma-Gamma); expected revenue in the next
    90 days; CLV over the next 12 calendar months, discounted monthly. Point values use the
    estimates; lower and upper bounds are quantiles of the same quantity over the draws.
    """
    summary = summary.reset_index(drop=True)
    out = pd.DataFrame(np.nan, index=summary.index, columns=PREDICTION_COLUMNS[2:])
    fits = fits_from_parameters(parameters)
    discount = (1 + settings.annual_discount_rate) ** (-np.arange(1, 13) / 12)
    for line, rows in summary.groupby("business_line", sort=True):
        if line not in fits:
            continue
        lp = _LinePredictor(rows, *fits[line], settings.draws, _rng(settings.random_state, line))
        end = rows["calibration_end_date"].iloc[0]
        months = _days_between(end, _months_after(end, 12))
        values = {column: np.empty(lp.n) for column in PREDICTION_COLUMNS[2:]}
        for part in _chunks(lp.n, chunk_size):
            alive, spend = lp.alive_and_spend(part)
            # the expectations of this chunk's (x, T) pairs only: memory follows the chunk,
            # not the number of distinct histories (continuous time: about one per customer)
            pairs, pair = lp.chunk_pairs(part)
            # The 30- and 180-day expectations have no interval: at the estimates only.
            short_long = lp.if_alive([30.0, 180.0], draws=1, pairs=pairs)[0]
            table = lp.if_alive(np.concatenate([[90.0], months]), pairs=pairs)
            monthly = np.diff(table[:, 1:], axis=1, prepend=0)
            clv_factor = np.einsum("k,skp->sp", discount, monthly)
            with np.errstate(invalid="ignore"):
                revenue_90 = alive * table[:, 0, pair] * spend
                clv = alive * clv_factor[:, pair] * spend
            block = {
                "probability_alive": alive[0],
                "expected_purchases_30_days": alive[0] * short_long[0, pair],
                "expected_purchases_90_days": alive[0] * table[0, 0, pair],
                "expected_purchases_180_days": alive[0] * short_long[1, pair],
                "expected_order_value": spend[0],
                "expected_revenue_90_days": revenue_90[0],
                "clv_12_months": clv[0],
            }
            if lp.has_draws:
                for name, draws in (
                    ("expected_revenue_90_days", revenue_90),
                    ("clv_12_months", clv),
                ):
                    block[f"{name}_lower"], block[f"{name}_upper"] = _quantiles(
                        draws, settings.interval
                    )
            for column in values:
                values[column][part] = block.get(column, np.nan)
        at = rows.index.to_numpy()
        for column, per_row in values.items():
            out.loc[at, column] = _finite(per_row)[lp.row]
    out.insert(0, "business_line", summary["business_line"])
    out.insert(0, "customer_key", summary["customer_key"])
    return out[PREDICTION_COLUMNS]


def forecast_revenue(
    summary: pd.DataFrame,
    parameters: pd.DataFrame,
    segments: pd.DataFrame,
    settings: ClvSettings,
    *,
    chunk_size: int = CHUNK_SIZE,
    total_segment: str = "All customers",
) -> pd.DataFrame:
    """Expected revenue from today's customers in each of the next calendar months, by segment.

    Parameters
    ----------
    summary : as for `predict_customers`.
    parameters : `fit_parameters` output; lines without a fit are left out.
    segments : `customer_key`, `segment`; customers without a row are "Unsegmented".
    settings : `forecast_months` (whole calendar months, from the first that starts after
        the latest calibration end; the days of a month already begun are in no period), the
        draws, interval and random state. Business lines whose data end on different days are
        forecast over the same months: a line's days between its calibration end and the
        first month are in neither its history nor the forecast.
    total_segment : name of the rows summing every segment (customers in a segment of that
        name count in the total only).

    Returns
    -------
    DataFrame with FORECAST_COLUMNS, one row per segment and month. The interval is over
    parameter draws of the segment's total (draws of different business lines are
    independent, as their fits are). Customers who have not bought yet are not forecast.
    """
    summary = summary.reset_index(drop=True)
    fits = fits_from_parameters(parameters)
    segment, code = _segment_codes(summary, segments, fits, total_segment)
    n_groups = len(code)
    months, n_draws = settings.forecast_months, settings.draws
    draws_total = 1 + (n_draws if n_draws > 0 else 0)
    revenue = np.zeros((draws_total, n_groups, months))
    purchases = np.zeros_like(revenue)
    customers = np.zeros(n_groups, dtype=np.int64)
    fitted = summary["business_line"].isin(list(fits))
    if not fitted.any():
        return empty_frame(FORECAST_COLUMNS)
    start = pd.Timestamp(summary.loc[fitted, "calibration_end_date"].max())
    realised = np.zeros((max(n_draws, 0), n_groups, months))
    has_draws = False
    for line, rows in summary.groupby("business_line", sort=True):
        if line not in fits:
            continue
        lp = _LinePredictor(rows, *fits[line], n_draws, _rng(settings.random_state, line))
        observed_until = pd.Timestamp(rows["calibration_end_date"].iloc[0])
        group = np.array([code[s] for s in segment[rows.index]], dtype=np.int64)
        line_revenue, line_purchases = _line_forecast(
            lp, group, n_groups, observed_until, start, months, chunk_size
        )
        revenue[: len(lp.bg)] += line_revenue
        purchases[: len(lp.bg)] += line_purchases
        simulated = _line_simulation(
            line, lp, group, n_groups, observed_until, start, months, settings
        )
        if simulated is not None:
            realised += simulated
        customers += np.bincount(group, minlength=n_groups)
        has_draws = has_draws or lp.has_draws
    total = code[total_segment]
    revenue[:, total] = revenue.sum(axis=1)
    purchases[:, total] = purchases.sum(axis=1)
    realised[:, total] = realised.sum(axis=1)
    customers[total] = customers.sum()
    return _forecast_frame(
        code,
        start,
        revenue,
        purchases,
        customers,
        settings.interval if has_draws else None,
        realised,
    )


def _unforecast_days(observed_until: pd.Timestamp, periods: list) -> int:
    """Days between a line's last observed day and the first forecast month (in no period)."""
    return (periods[0][0] - pd.Timedelta(days=1) - observed_until).days


def _line_simulation(
    line: str,
    lp: _LinePredictor,
    group: np.ndarray,
    n_groups: int,
    observed_until: pd.Timestamp,
    start: pd.Timestamp,
    months: int,
    settings: ClvSettings,
) -> np.ndarray | None:
    """One business line's simulated realised revenue in the calendar months after `start`,
    (draws, segments, months); the days between `observed_until` and the first month are
    simulated and left out, as in the expectation."""
    # simulate builds on this module's predictor: imported here, not at the top
    from hvc.clv.simulate import simulate_totals, simulation_rng

    periods = calendar_months(start, months)
    lengths = [float((last - first).days + 1) for first, last in periods]
    gap = _unforecast_days(observed_until, periods)
    simulated = simulate_totals(
        lp,
        np.array([float(gap), *lengths]),
        group,
        n_groups,
        simulation_rng(settings.random_state, line),
    )
    return None if simulated is None else simulated[1][:, :, 1:]


def _segment_codes(
    summary: pd.DataFrame,
    segments: pd.DataFrame,
    fits: dict[str, tuple[Fit, Fit]],
    total_segment: str,
) -> tuple[np.ndarray, dict[str, int]]:
    """Each customer's segment ("Unsegmented" without one), and a number for every segment of
    a fitted customer in name order, the total last."""
    named = segments[["customer_key", "segment"]].drop_duplicates("customer_key")
    segment = summary[["customer_key"]].merge(named, on="customer_key", how="left")["segment"]
    segment = segment.fillna("Unsegmented").astype(str).to_numpy()
    fitted = summary["business_line"].isin(list(fits)).to_numpy()
    names = sorted(set(segment[fitted]) - {total_segment})
    names.append(total_segment)
    return segment, {name: i for i, name in enumerate(names)}


def _line_forecast(
    lp: _LinePredictor,
    group: np.ndarray,
    n_groups: int,
    observed_until: pd.Timestamp,
    start: pd.Timestamp,
    months: int,
    chunk_size: int,
) -> tuple[np.ndarray, np.ndarray]:
    """One business line's expected revenue and purchases in the calendar months after `start`
    (`calendar_months`), (draws, segments, months); its customers are observed until
    `observed_until` (<= start)."""
    periods = calendar_months(start, months)
    ends = _days_between(observed_until, [last for _, last in periods])
    gap = _unforecast_days(observed_until, periods)
    horizons = np.concatenate([[gap], ends]) if gap else ends
    # Customers per (distinct history, segment): a history is nearly always in one segment,
    # so each segment sums its own histories' entries (in history order: the same bits every
    # run) instead of a product over every history and segment (a tenth of the model's time
    # at 1 M customers)
    membership = csr_array((np.ones(len(group)), (lp.row, group)), shape=(lp.n, n_groups))
    revenue = np.zeros((len(lp.bg), n_groups, months))
    purchases = np.zeros_like(revenue)
    for part in _chunks(lp.n, chunk_size):
        alive, spend = lp.alive_and_spend(part)
        # the expectations of this chunk's (x, T) pairs only: memory follows the chunk
        pairs, pair = lp.chunk_pairs(part)
        table = lp.if_alive(horizons, pairs=pairs)
        monthly = np.diff(table, axis=1) if gap else np.diff(table, axis=1, prepend=0)
        entries = membership[part].tocoo()
        order = np.lexsort((entries.row, entries.col))
        history, segment = entries.row[order], entries.col[order]
        first = np.flatnonzero(np.r_[True, segment[1:] != segment[:-1]])
        # (draws, months, entries): expected purchases of each entry's customers
        expected = monthly[:, :, pair[history]]
        expected *= (alive[:, history] * entries.data[order])[:, None, :]
        purchases[:, segment[first]] += np.add.reduceat(expected, first, axis=2).transpose(0, 2, 1)
        expected *= spend[:, history][:, None, :]
        revenue[:, segment[first]] += np.add.reduceat(expected, first, axis=2).transpose(0, 2, 1)
    return revenue, purchases


def _forecast_frame(
    code: dict[str, int],
    start: pd.Timestamp,
    revenue: np.ndarray,
    purchases: np.ndarray,
    customers: np.ndarray,
    interval: float | None,
    realised: np.ndarray,
) -> pd.DataFrame:
    """One row per segment and month from the (draws, segments, months) totals; intervals over
    the draws unless `interval` is None (no draws): of the expected revenue, and of the
    simulated realised revenue (`realised`, draws only)."""
    months = revenue.shape[2]
    periods = calendar_months(start, months)
    records = []
    for name, g in code.items():
        if interval is not None:
            low, high = _quantiles(revenue[:, g], interval)
            real_low, real_high = _finite(
                np.quantile(
                    np.where(np.isnan(realised[:, g]), np.inf, realised[:, g]),
                    [(1 - interval) / 2, (1 + interval) / 2],
                    axis=0,
                )
            )
        else:
            low = high = real_low = real_high = np.full(months, np.nan)
        for k, (period_start, period_end) in enumerate(periods):
            records.append(
                {
                    "segment": name,
                    "month_number": k + 1,
                    "period_start_date": period_start.date(),
                    "period_end_date": period_end.date(),
                    "customers": int(customers[g]),
                    "expected_purchases": purchases[0, g, k],
                    "expected_revenue": revenue[0, g, k],
                    "expected_revenue_lower": low[k],
                    "expected_revenue_upper": high[k],
                    "realised_revenue_lower": real_low[k],
                    "realised_revenue_upper": real_high[k],
                }
            )
    return pd.DataFrame(records, columns=FORECAST_COLUMNS)
