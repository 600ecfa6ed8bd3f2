"""A separate UK gift retailer in the UCI Online Retail format, driven by BG/NBD and Gamma-Gamma.

Per customer: purchase rate ``lambda`` ~ Gamma(r, 1/alpha) per week, dropout probability ``p``
~ Beta(a, b) after each repeat purchase, and a spend scale ``nu`` ~ Gamma(q, 1/gamma) with each
invoice's value ~ Gamma(p_spend, 1/nu). Wall-clock times are UK local.

A small share of customers change behaviour (``CHANGERS``), as the Insiders' history must
notice: a *riser* bought once, small, and some months before the data end became a frequent,
big buyer; a *faller* was a frequent, big buyer from the start and stopped over a year before
the end. Their change times are in the truth.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hvc.generate import catalog as cat
from hvc.generate.util import (
    child_rng,
    group_starts,
    join,
    lookup,
    rank_in_group,
    sorted_uniform_times,
    strs,
    where,
)
from hvc.generate.writer import (
    BAD_NUMBER,
    BAD_TIME,
    MISSING_ID,
    RawWriter,
    grouped_records,
    plan_defects,
)

BGNBD = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}
GAMMA_GAMMA = {"p": 6.0, "q": 4.0, "gamma": 150.0}
WEEK_S = 7 * 86_400
FIRST_CUSTOMER_ID = 12346
FIRST_INVOICE = 536365

#: Customers who change behaviour: shares of the retailer's customers; the weekly purchase
#: rate of their frequent spells, whose spend scale is a steady customer's from above this
#: quantile of mean spend (drawn, not one value: Gamma-Gamma still sees a spread of spends);
#: the spend quantile of a riser's single early purchase; and when the change happens (days
#: before the data end: a riser's within the last year's periods, a faller's over a year before).
CHANGERS = {
    "riser_share": 0.02,
    "faller_share": 0.02,
    "frequent_purchases_per_week": 0.6,
    "frequent_spend_above_quantile": 0.5,
    "riser_first_spend_quantile": 0.25,
    "riser_change_days_before_end": [180, 330],
    "faller_change_days_before_end": [420, 640],
}

RETAIL_SQL = f"""
select
    case when _bad = {MISSING_ID} then '' else invoice_no end as InvoiceNo,
    stock_code as StockCode,
    description as Description,
    case when _bad = {BAD_NUMBER} and bad_col = 0 then 'x' else cast(quantity as varchar) end
        as Quantity,
    case when _bad = {BAD_TIME} then '13/45/2024 99:99'
        else strftime(make_timestamp(ts * 1000000), '%-m/%-d/%Y %-H:%M') end as InvoiceDate,
    case when _bad = {BAD_NUMBER} and bad_col = 1 then 'n/a' else cast(unit_price as varchar) end
        as UnitPrice,
    cast(customer_id as varchar) as CustomerID,
    country as Country
from src
"""


def _catalog(rng: np.random.Generator, size: int = 400) -> tuple[pa.Array, pa.Array, np.ndarray]:
    codes = 20000 + rng.choice(75000, size, replace=False)
    letter = lookup(["", "", "", "A", "B", "C"], rng.integers(0, 6, size))
    stock = join(strs(codes), letter)
    desc = join(
        lookup(cat.RETAIL_WORDS_A, rng.integers(0, len(cat.RETAIL_WORDS_A), size)),
        " ",
        lookup(cat.RETAIL_WORDS_B, rng.integers(0, len(cat.RETAIL_WORDS_B), size)),
    )
    price = np.round(np.exp(rng.normal(np.log(2.5), 0.7, size)), 2).clip(0.19, 40)
    return stock, desc, price


def _frequent_times(
    rng: np.random.Generator, start: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Purchase times of a frequent spell per customer: a Poisson process at the changers'
    weekly rate on ``[start, end)``, at least one purchase. Returns (customer index, time)."""
    weeks = (end - start) / WEEK_S
    counts = np.maximum(1, rng.poisson(CHANGERS["frequent_purchases_per_week"] * weeks))
    times = sorted_uniform_times(rng, counts, start, end)
    return np.repeat(np.arange(len(counts)), counts), times


def _changers(
    rng: np.random.Generator, n_steady: int, n_rise: int, n_fall: int, nu: np.ndarray
) -> dict[str, np.ndarray]:
    """The purchases of the customers who change behaviour (indices ``n_steady`` on: risers,
    then fallers) and their truth: ``owner``, ``ts``, ``value`` per purchase; ``behaviour``,
    ``changed_at`` (seconds), ``first``, ``repeats``, ``lambda`` (weekly rate now),
    ``p_dropout`` and ``mean_spend`` per changer."""
    spend_of = GAMMA_GAMMA["p"] / nu[:n_steady]
    above = np.sort(
        spend_of[spend_of > np.quantile(spend_of, CHANGERS["frequent_spend_above_quantile"])]
    )
    big = rng.choice(above, n_rise + n_fall)
    small = float(np.quantile(spend_of, CHANGERS["riser_first_spend_quantile"]))
    lo, hi = CHANGERS["riser_change_days_before_end"]
    rise_at = cat.END_S - rng.integers(lo, hi, n_rise) * cat.DAY_S  # a midnight
    rise_first = rng.integers(cat.START_S, rise_at - 120 * cat.DAY_S)
    rise_owner, rise_ts = _frequent_times(rng, rise_at, np.full(n_rise, cat.END_S))
    lo, hi = CHANGERS["faller_change_days_before_end"]
    fall_at = cat.END_S - rng.integers(lo, hi, n_fall) * cat.DAY_S  # a midnight
    fall_first = rng.integers(cat.START_S, cat.START_S + 90 * cat.DAY_S, n_fall)
    fall_owner, fall_ts = _frequent_times(rng, fall_first, fall_at)
    # a faller's spell starts with its first purchase
    fall_ts[group_starts(np.bincount(fall_owner, minlength=n_fall))] = fall_first
    owner = np.concatenate([np.arange(n_rise), rise_owner, n_rise + fall_owner]) + n_steady
    frequent = np.concatenate([np.zeros(n_rise, bool), np.ones(len(owner) - n_rise, bool)])
    spend = np.where(frequent, big[owner - n_steady], small)
    value = rng.gamma(GAMMA_GAMMA["p"], spend / GAMMA_GAMMA["p"])
    n_frequent = np.concatenate(
        [np.bincount(rise_owner, minlength=n_rise), np.bincount(fall_owner, minlength=n_fall)]
    )
    rate = CHANGERS["frequent_purchases_per_week"]
    return {
        "owner": owner,
        "ts": np.concatenate([rise_first, rise_ts, fall_ts]),
        "value": value,
        "behaviour": np.array(["riser"] * n_rise + ["faller"] * n_fall),
        "changed_at": np.concatenate([rise_at, fall_at]),
        "first": np.concatenate([rise_first, fall_first]),
        "repeats": np.concatenate([n_frequent[:n_rise], n_frequent[n_rise:] - 1]),
        "lambda": np.concatenate([np.full(n_rise, rate), np.zeros(n_fall)]),
        "p_dropout": np.concatenate([np.full(n_rise, 0.01), np.ones(n_fall)]),
        "mean_spend": big,
    }


def online_retail(
    n_retail: int, writer: RawWriter, seed: int, lines_volume: float = 1.0
) -> pa.Table:
    """Write ``online_retail.invoice_lines``; return the retail customers' true parameters.
    `lines_volume` scales the lines per invoice (each invoice's value is the same)."""
    rng = child_rng(seed, "online_retail")
    n = n_retail
    n_rise = round(CHANGERS["riser_share"] * n)
    n_fall = round(CHANGERS["faller_share"] * n)
    n_steady = n - n_rise - n_fall
    customer_id = FIRST_CUSTOMER_ID + np.arange(n)
    lam = rng.gamma(BGNBD["r"], 1 / BGNBD["alpha"], n)
    p_drop = rng.beta(BGNBD["a"], BGNBD["b"], n)
    nu = rng.gamma(GAMMA_GAMMA["q"], 1 / GAMMA_GAMMA["gamma"], n)
    mean_spend = GAMMA_GAMMA["p"] / nu
    first = rng.integers(cat.START_S, cat.END_S - 8 * WEEK_S, n)
    t_weeks = (cat.END_S - first) / WEEK_S
    arrivals = rng.poisson(lam * t_weeks)
    allowed = rng.geometric(p_drop)  # the repeat purchase after which the customer drops out
    repeats = np.minimum(arrivals, allowed)
    # Repeat times: the first `repeats` of `arrivals` uniform points on (0, T).
    a_owner = np.repeat(np.arange(n), arrivals)
    u = rng.random(len(a_owner))
    order = np.lexsort((u, a_owner))
    u = u[order]
    keep = rank_in_group(arrivals) < repeats[a_owner]
    r_owner, r_weeks = a_owner[keep], u[keep] * t_weeks[a_owner[keep]]
    steady = r_owner < n_steady
    r_owner, r_weeks = r_owner[steady], r_weeks[steady]
    tx_owner = np.concatenate([np.arange(n_steady), r_owner])
    tx_ts = np.concatenate([first[:n_steady], first[r_owner] + (r_weeks * WEEK_S).astype(np.int64)])
    value = rng.gamma(GAMMA_GAMMA["p"], 1 / nu[tx_owner])
    changers = _changers(child_rng(seed, "online_retail.changers"), n_steady, n_rise, n_fall, nu)
    tx_owner = np.concatenate([tx_owner, changers["owner"]])
    tx_ts = np.concatenate([tx_ts, changers["ts"]])
    value = np.concatenate([value, changers["value"]])
    tx_ts = (tx_ts // cat.DAY_S) * cat.DAY_S + 8 * 3600 + rng.integers(0, 10 * 3600, len(tx_ts))
    n_known = len(tx_owner)
    # Guest invoices without a CustomerID.
    n_guest = round(0.08 * n_known)
    inv_owner = np.concatenate([tx_owner, np.full(n_guest, -1)])
    inv_ts = np.concatenate([tx_ts, rng.integers(cat.START_S, cat.END_S - 86_400, n_guest)])
    inv_value = np.concatenate([value, rng.gamma(2.0, 60.0, n_guest)])
    n_inv = len(inv_owner)
    country_idx = rng.choice(
        len(cat.RETAIL_COUNTRIES),
        n,
        p=np.array([c[1] for c in cat.RETAIL_COUNTRIES]) / sum(c[1] for c in cat.RETAIL_COUNTRIES),
    )
    inv_country = np.where(inv_owner >= 0, country_idx[np.maximum(inv_owner, 0)], 0)

    stock, desc, unit_price = _catalog(rng)
    n_prod = len(unit_price)
    lines = np.minimum(1 + rng.poisson(6 * lines_volume, n_inv), n_prod // 7)
    l_inv = np.repeat(np.arange(n_inv), lines)
    l_rank = rank_in_group(lines)
    product = (rng.integers(0, n_prod, n_inv)[l_inv] + 7 * l_rank) % n_prod
    weight = rng.exponential(1.0, len(l_inv))
    share = weight / np.bincount(l_inv, weights=weight)[l_inv]
    price = unit_price[product].copy()
    quantity = np.maximum(1, np.round(inv_value[l_inv] * share / price)).astype(np.int64)
    price[rng.random(len(price)) < 0.0005] = 0.0

    # Non-product lines: postage abroad, dotcom postage on guest invoices, manual, bank charges.
    special_codes = [s[0] for s in cat.RETAIL_SPECIAL]
    post = np.flatnonzero((inv_country > 0) & (rng.random(n_inv) < 0.5))
    dot = np.flatnonzero((inv_owner < 0) & (rng.random(n_inv) < 0.5))
    manual = np.flatnonzero(rng.random(n_inv) < 0.003)
    bank = np.flatnonzero(rng.random(n_inv) < 0.001)
    s_inv = np.concatenate([post, dot, manual, bank])
    s_code = np.concatenate(
        [
            np.full(len(post), 0),
            np.full(len(dot), 4),
            np.full(len(manual), 2),
            np.full(len(bank), 3),
        ]
    )
    s_price = np.array([s[2] for s in cat.RETAIL_SPECIAL])[s_code] * (
        0.8 + 0.4 * rng.random(len(s_code))
    )

    # Cancellations: a later C-invoice returning part of an earlier invoice.
    cancelled = np.flatnonzero((inv_owner >= 0) & (rng.random(n_inv) < 0.02))
    c_n = len(cancelled)
    c_ts = np.minimum(inv_ts[cancelled] + rng.integers(3600, 10 * 86_400, c_n), cat.END_S - 60)
    first_line = group_starts(lines)[cancelled]
    # One returned product line per cancellation, plus a discount or Amazon fee line now and then.
    c_line = first_line + (rng.random(c_n) * lines[cancelled]).astype(np.int64)
    c_extra = rng.random(c_n)

    extra = np.flatnonzero(c_extra < 0.1)
    extra_special = np.where(c_extra[extra] < 0.05, 5, 1)  # AMAZONFEE or D(iscount)
    extra_price = np.where(extra_special == 5, 900.0, 10.0) * (0.8 + 0.4 * rng.random(len(extra)))

    # Assemble all lines; invoice keys 0..n_inv-1 sales, n_inv.. cancellations.
    n_extra = len(extra)
    inv_key = np.concatenate([l_inv, s_inv, n_inv + np.arange(c_n), n_inv + extra])
    code_idx = np.concatenate(
        [product, np.full(len(s_inv), -1), product[c_line], np.full(n_extra, -1)]
    )
    special = np.concatenate([np.full(len(l_inv), -1), s_code, np.full(c_n, -1), extra_special])
    qty = np.concatenate(
        [quantity, np.ones(len(s_inv), np.int64), -quantity[c_line], -np.ones(n_extra, np.int64)]
    )
    line_price = np.round(np.concatenate([price, s_price, price[c_line], extra_price]), 2)
    key_owner = np.concatenate([inv_owner, inv_owner[cancelled]])
    key_ts = np.concatenate([inv_ts, c_ts])
    key_cancel = np.concatenate([np.zeros(n_inv, bool), np.ones(c_n, bool)])
    key_country = np.concatenate([inv_country, inv_country[cancelled]])
    # Chronological invoice numbers.
    key_order = np.argsort(key_ts, kind="stable")
    number = np.empty(len(key_ts), dtype=np.int64)
    number[key_order] = FIRST_INVOICE + np.arange(len(key_ts))
    invoice_no = join(where(key_cancel, "C", ""), strs(number))
    line_order = np.lexsort((np.arange(len(inv_key)), number[inv_key]))
    inv_key, code_idx, special, qty, line_price = (
        a[line_order] for a in (inv_key, code_idx, special, qty, line_price)
    )
    is_special = special >= 0
    stock_code = where(
        is_special,
        lookup(special_codes, np.maximum(special, 0)),
        lookup(stock.to_pylist(), np.maximum(code_idx, 0)),
    )
    description = where(
        is_special,
        lookup([s[1] for s in cat.RETAIL_SPECIAL], np.maximum(special, 0)),
        lookup(desc.to_pylist(), np.maximum(code_idx, 0)),
    )
    owner = key_owner[inv_key]
    cust_col = pa.array(customer_id[np.maximum(owner, 0)], mask=owner < 0)
    table = pa.table(
        {
            "invoice_no": pc.take(invoice_no, pa.array(inv_key)),
            "stock_code": stock_code,
            "description": description,
            "quantity": qty,
            "ts": key_ts[inv_key],
            "unit_price": line_price,
            "customer_id": cust_col,
            "country": lookup([c[0] for c in cat.RETAIL_COUNTRIES], key_country[inv_key]),
            "bad_col": rng.integers(0, 2, len(inv_key)),
        }
    )
    key = "online_retail.invoice_lines"
    reasons = ["missing_id", "unparseable_timestamp", "unparseable_number"]
    plan = plan_defects(rng, len(inv_key), reasons)
    writer.write(key, table, plan, RETAIL_SQL, reasons, "invoice_lines.csv")
    key_customer = np.where(key_owner >= 0, customer_id[np.maximum(key_owner, 0)], 0)
    grouped_records(writer, key, inv_key, invoice_no, key_customer, plan)

    changed = slice(n_steady, n)
    behaviour = np.full(n, "steady", dtype=object)
    changed_at = np.full(n, -1, dtype=np.int64)
    for name, array in (
        ("behaviour", behaviour),
        ("changed_at", changed_at),
        ("first", first),
        ("repeats", repeats),
        ("lambda", lam),
        ("p_dropout", p_drop),
        ("mean_spend", mean_spend),
    ):
        array[changed] = changers[name]
    nu[changed] = GAMMA_GAMMA["p"] / mean_spend[changed]
    score = lam * mean_spend / p_drop
    cut = np.quantile(score, [0.5, 0.8, 0.95])
    tier = lookup(["low", "medium", "high", "top"], np.searchsorted(cut, score, side="right"))
    return pa.table(
        {
            "CustomerID": customer_id,
            "lambda": lam,
            "p_dropout": p_drop,
            "spend_p": np.full(n, GAMMA_GAMMA["p"]),
            "spend_nu": nu,
            "mean_spend": mean_spend,
            "first_purchase_at": pa.array(first * 1_000_000, pa.timestamp("us")),
            "repeat_purchases": repeats,
            "value_score": score,
            "value_tier": tier,
            "behaviour": pa.array(behaviour, pa.string()),
            "behaviour_changed_at": pa.array(
                changed_at * 1_000_000, pa.timestamp("us"), mask=changed_at < 0
            ),
        }
    )
