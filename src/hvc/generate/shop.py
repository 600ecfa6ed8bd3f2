"""The web shop: Easy Digital Downloads payments and Google Analytics 4 events."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hvc.generate import catalog as cat
from hvc.generate import ga4_export
from hvc.generate.messy import MessyWorld, relation_pairs
from hvc.generate.pages import EDD_SALES
from hvc.generate.population import Population, first_names, last_names, messy_emails
from hvc.generate.util import (
    ALNUM_LOWER,
    ALNUM_UPPER,
    HEX,
    before,
    child_rng,
    join,
    lookup,
    rand_strings,
    rank_in_group,
    sorted_uniform_times,
    sql_datetime,
    strs,
    where,
)
from hvc.generate.writer import (
    BAD_NUMBER,
    BAD_TIME,
    MISSING_ID,
    Plan,
    RawWriter,
    grouped_records,
    per_row_records,
    plan_defects,
)

STATUSES = ["complete", "refunded", "revoked", "pending", "failed", "abandoned"]
STATUS_P = [0.88, 0.06, 0.015, 0.015, 0.02, 0.01]
GATEWAYS = ["stripe", "paypal", "manual"]
DISCOUNTS = [("SPRING20", 0.20), ("BLACKFRIDAY30", 0.30), ("WELCOME10", 0.10)]
EMEA_VAT_REGIONS = {"UK", "Germany", "France"}

EDD_SQL = f"""
select
    case when _bad = {MISSING_ID} then null else cast(payment_id as varchar) end as "ID",
    mode,
    status,
    transaction_id,
    key,
    subtotal::decimal(12, 2)::varchar as subtotal,
    tax::decimal(12, 2)::varchar as tax,
    case when _bad = {BAD_NUMBER} then 'N/A' else total::decimal(12, 2)::varchar end as total,
    'USD' as currency,
    gateway,
    cast(edd_customer_id as varchar) as customer_id,
    user_id,
    email,
    first_name,
    last_name,
    case when _bad = {BAD_TIME} then '0000-00-00 00:00:00'
        else {sql_datetime("ts")} end as date,
    case when _bad = {BAD_TIME} then '0000-00-00 00:00:00'
        else {sql_datetime("ts")} end as date_utc,
    case when discount_code is null then null
        else map([discount_code], [discount_amount]) end as discounts,
    products
from src
"""


def edd_payments(
    pop: Population, writer: RawWriter, seed: int, messy: MessyWorld | None = None
) -> dict[str, np.ndarray]:
    """Write ``edd.payments``; return per-contact EDD customer ids and first license-3 times.

    In a messy world customers' addresses get relay, junk and formats; EDD keys its customers
    by email, so every payment with one junk address has that address's customer id.
    """
    rng = child_rng(seed, "edd.payments")
    n = pop.n
    eng = np.clip(pop.engagement, 0, None)
    pre = rng.poisson(0.7, n)
    post = rng.poisson(0.5 + 0.2 * eng, n)
    other = 1 + rng.poisson(0.7 + 0.3 * eng, n)
    count = np.where(pop.bought, pre + 1 + post, other)
    owner = np.repeat(np.arange(n), count)
    ts = sorted_uniform_times(rng, count, pop.signup_s, np.full(n, cat.END_S))
    rank = rank_in_group(count)
    first_l3 = pop.bought[owner] & (rank == pre[owner])
    after_l3 = pop.bought[owner] & (rank > pre[owner])
    k = len(owner)
    first_l3_s = np.full(n, -1, dtype=np.int64)
    first_l3_s[owner[first_l3]] = ts[first_l3]
    status = rng.choice(len(STATUSES), k, p=STATUS_P)
    status[first_l3 | (rank == 0)] = 0
    primary = rng.random(k) < 0.7
    within = np.where(primary, 0, (rng.random(k) * pop.n_contacts[owner]).astype(np.int64))
    contact = pop.first_contact[owner] + within
    tier_cap = np.where(after_l3, 3, 2)  # number of tiers allowed for the items
    mode_test = np.zeros(k, dtype=bool)

    # Test-mode website purchases by customers' contacts, and staff purchases (test and live).
    n_test = max(2, round(0.01 * k))
    n_staff_test = max(1, round(0.45 * n_test))
    n_cust_test = n_test - n_staff_test
    n_staff_live = max(2, round(0.0015 * k))
    t_cust = rng.integers(0, n, n_cust_test)
    t_ts = pop.signup_s[t_cust] + (rng.random(n_cust_test) * (cat.END_S - pop.signup_s[t_cust]))
    n_staff = n_staff_test + n_staff_live
    staff = rng.integers(0, len(cat.STAFF), n_staff)
    s_ts = rng.integers(cat.START_S, cat.END_S, n_staff)

    owner_all = np.concatenate([owner, t_cust, np.full(n_staff, -1)])
    contact_all = np.concatenate([contact, pop.first_contact[t_cust], np.full(n_staff, -1)])
    ts_all = np.concatenate([ts, t_ts.astype(np.int64), s_ts])
    status_all = np.concatenate(
        [
            status,
            rng.choice(len(STATUSES), n_test - n_staff_test, p=STATUS_P),
            np.zeros(n_staff, np.int64),
        ]
    )
    mode_test = np.concatenate(
        [mode_test, np.ones(n_cust_test + n_staff_test, bool), np.zeros(n_staff_live, bool)]
    )
    tier_cap = np.concatenate([tier_cap, np.full(n_cust_test, 2), np.full(n_staff, 3)])
    first_l3_all = np.concatenate([first_l3, np.zeros(n_cust_test + n_staff, bool)])
    total_n = len(owner_all)

    # Items: 1-3 distinct plugins per payment.
    n_items = 1 + (rng.random(total_n) < 0.25) + (rng.random(total_n) < 0.08)
    item_pay = np.repeat(np.arange(total_n), n_items)
    item_rank = rank_in_group(n_items)
    n_prod = len(cat.PRODUCTS)
    product = (rng.integers(0, n_prod, total_n)[item_pay] + item_rank) % n_prod
    tier_p = np.where(tier_cap[item_pay] == 3, 0, 1)
    u = rng.random(len(item_pay))
    tier = np.where(tier_p == 1, (u > 0.65).astype(np.int64), np.digitize(u, [0.35, 0.6]))
    tier[first_l3_all[item_pay] & (item_rank == 0)] = 2
    quantity = 1 + (rng.random(len(item_pay)) < 0.07)
    prices = np.array([p[2] for p in cat.PRODUCTS], dtype=float)
    price = prices[product, tier] * quantity
    subtotal = np.bincount(item_pay, weights=price, minlength=total_n)

    disc = rng.random(total_n) < 0.09
    disc_kind = rng.integers(0, len(DISCOUNTS), total_n)
    disc_amount = np.round(subtotal * np.array([d[1] for d in DISCOUNTS])[disc_kind], 2)
    disc_amount = np.where(disc, disc_amount, 0.0)
    vat_regions = np.array([r[0] in EMEA_VAT_REGIONS for r in cat.REGIONS])
    vat = np.zeros(total_n, dtype=bool)
    cust_rows = owner_all >= 0
    vat[cust_rows] = vat_regions[pop.region[owner_all[cust_rows]]]
    tax = np.where(vat, np.round(0.2 * (subtotal - disc_amount), 2), 0.0)
    total = np.round(subtotal - disc_amount + tax, 2)

    # Chronological payment numbers and EDD customer ids by first purchase.
    perm = np.argsort(ts_all, kind="stable")
    payment_id = np.empty(total_n, dtype=np.int64)
    payment_id[perm] = 1000 + np.arange(total_n)
    c_sorted = contact_all[perm]
    c_real = c_sorted >= 0
    uniq, first_at = np.unique(c_sorted[c_real], return_index=True)
    edd_id = np.zeros(pop.m, dtype=np.int64)
    edd_id[uniq[np.argsort(first_at, kind="stable")]] = 1 + np.arange(len(uniq))
    staff_edd = edd_id.max(initial=0) + 1 + np.arange(len(cat.STAFF))
    staff_idx = np.concatenate([np.zeros(k + n_cust_test, np.int64), staff])
    edd_customer = np.where(
        contact_all >= 0, edd_id[np.maximum(contact_all, 0)], staff_edd[staff_idx]
    )
    guest = rng.random(total_n) < 0.12
    user_id = where(guest, lookup(["0", ""], rng.integers(0, 2, total_n)), strs(edd_customer + 1))

    # Emails, names as typed.
    c_idx = np.maximum(contact_all, 0)
    cust_email = messy_emails(pop, c_idx, rng, junk_rate=0.006)
    staff_first = lookup([s[0] for s in cat.STAFF], staff_idx)
    staff_last = lookup([s[1] for s in cat.STAFF], staff_idx)
    staff_email = join(
        pc.utf8_lower(staff_first), ".", pc.utf8_lower(staff_last), "@", cat.SELLER_DOMAIN
    )
    staff_email = where(rng.random(total_n) < 0.2, pc.utf8_capitalize(staff_email), staff_email)
    is_staff = contact_all < 0
    email = where(is_staff, staff_email, cust_email)
    first = where(is_staff, staff_first, first_names(pop, c_idx))
    last = where(is_staff, staff_last, last_names(pop, c_idx))
    lower = rng.random(total_n) < 0.05
    first = where(lower, pc.utf8_lower(first), first)
    last = where(lower, pc.utf8_lower(last), last)
    if messy is not None:
        email, junk = messy.emails("edd.payments", email, c_idx, rows=~is_staff)
        junk_id = messy.junk_customer_ids("edd.payments", junk, int(staff_edd.max()) + 1, owner_all)
        edd_customer = np.where(junk >= 0, junk_id, edd_customer)
        user_id = where(junk >= 0, "0", user_id)

    gateway = rng.choice(3, total_n, p=[0.7, 0.28, 0.02])
    txn = where(
        gateway == 0,
        join("ch_", rand_strings(rng, total_n, 24, ALNUM_LOWER + ALNUM_UPPER)),
        where(gateway == 1, rand_strings(rng, total_n, 17, ALNUM_UPPER), strs(payment_id)),
    )
    items = pa.StructArray.from_arrays(
        [
            pa.array(np.arange(1, len(item_pay) + 1)),
            pa.array(np.array([p[1] for p in cat.PRODUCTS])[product]),
            pa.array(quantity.astype(np.int64)),
            lookup([p[0] for p in cat.PRODUCTS], product),
            pa.array(price),
            lookup(["License 1", "License 2", "License 3"], tier),
        ],
        names=["object_id", "id", "quantity", "name", "price", "price_name"],
    )
    offsets = np.zeros(total_n + 1, dtype=np.int32)
    np.cumsum(n_items, out=offsets[1:])
    products = pa.ListArray.from_arrays(pa.array(offsets), items)
    table = pa.table(
        {
            "payment_id": payment_id,
            "mode": where(mode_test, "test", "live"),
            "status": lookup(STATUSES, status_all),
            "transaction_id": txn,
            "key": rand_strings(rng, total_n, 32, HEX),
            "subtotal": subtotal,
            "tax": tax,
            "total": total,
            "gateway": lookup(GATEWAYS, gateway),
            "edd_customer_id": edd_customer,
            "user_id": user_id,
            "email": email,
            "first_name": first,
            "last_name": last,
            "ts": ts_all,
            "discount_code": where(
                disc, lookup([d[0] for d in DISCOUNTS], disc_kind), pa.scalar(None, pa.string())
            ),
            "discount_amount": disc_amount,
            "products": products,
        }
    )
    key = "edd.payments"
    reasons = ["missing_id", "unparseable_timestamp", "unparseable_number"]
    plan = plan_defects(rng, total_n, reasons)
    writer.write(
        key, table, plan, EDD_SQL, reasons, "payments.jsonl", row_order=perm, page=EDD_SALES
    )
    per_row_records(writer, key, strs(payment_id[perm]), owner_all[perm] + 1, plan)
    return {"edd_id": edd_id, "first_l3_s": first_l3_s}


def _dict(indices: np.ndarray, values: pa.Array) -> pa.Array:
    """Dictionary-encode ``values[indices]`` with distinct dictionary entries.

    A dictionary with repeated entries makes the Parquet writer's output bytes vary.
    """
    uniq, inverse = np.unique(np.asarray(values.to_pylist(), dtype=object), return_inverse=True)
    idx = pa.array(inverse.astype(np.int32)[np.asarray(indices)])
    return pa.DictionaryArray.from_arrays(idx, pa.array(uniq.tolist(), pa.string()))


GA_CHUNK_CONTACTS = 250_000
GA_EVENT_NAMES = ["session_start", "login", "page_view", "scroll", "view_item"]


def ga_events(
    pop: Population,
    edd_id: np.ndarray,
    writer: RawWriter,
    seed: int,
    messy: MessyWorld | None = None,
) -> None:
    """Write ``google_analytics.events``: devices of contacts plus anonymous visitors.

    Drawn and written in chunks of contacts to bound memory; each chunk has its own stream
    and its own planted defects. The real shape is GA4's BigQuery export, one Parquet file per
    daily table ``events_YYYYMMDD`` (a timestamp that cannot be read is a null INT64); the
    flat shape one ``events.parquet`` of flattened columns. Both hold the same events. A messy
    world adds a last chunk of shared browsers, whose sessions log into several customers'
    shop accounts.
    """
    key = "google_analytics.events"
    reasons = ["missing_id", "unparseable_timestamp"]
    first_day = cat.START_S // cat.DAY_S
    days = np.arange(first_day, cat.END_S // cat.DAY_S + 1).astype("datetime64[D]")
    daily = [f"events_{day.replace('-', '')}.parquet" for day in days.astype(str)]
    chunks = [
        (f"{key}/{i}", np.arange(lo, min(lo + GA_CHUNK_CONTACTS, pop.m)), None)
        for i, lo in enumerate(range(0, pop.m, GA_CHUNK_CONTACTS))
    ]
    if messy is not None and len(messy.browser_owner):
        chunks.append((f"{key}/messy", messy.browser_owner, _login_pool(pop, edd_id, messy)))
    for stream, contacts, login_pool in chunks:
        rng = child_rng(seed, stream)
        table, plan, e_dev, pseudo, dev_customer, events = _ga_chunk(
            pop, edd_id, contacts, rng, reasons, login_pool
        )
        visit, visit_id, visit_customer = _ga_visits(
            pop, edd_id, e_dev, pseudo, dev_customer, events["login_contact"]
        )
        if login_pool is not None:
            _plant_shared_browsers(pop, edd_id, messy, events)
        if writer.shape == "real":
            devices = ga4_export.draw_devices(child_rng(seed, f"{stream}/export"), len(pseudo))
            exported = ga4_export.event_table(table, events, devices)
            writer.append_parquet(
                key, exported, plan, reasons, daily, events["day"], compression="snappy"
            )
            del exported
        else:
            writer.append_parquet(key, table, plan, reasons, ["events.parquet"])
        del table
        grouped_records(writer, key, visit, visit_id, visit_customer, plan)
    writer.finish_parquet(key, reasons)


def _ga_visits(
    pop: Population,
    edd_id: np.ndarray,
    e_dev: np.ndarray,
    pseudo: pa.Array,
    dev_customer: np.ndarray,
    login_contact: np.ndarray,
) -> tuple[np.ndarray, pa.Array, np.ndarray]:
    """The truth's records of GA4 events: one per browser and account logged in (none for
    anonymous events), its id `user_pseudo_id|user_id` as written (`user_id` empty when
    anonymous) and its customer: the account's for a logged-in event (GA4's User-ID: the
    event is that account's, whoever sits at the browser), the browser owner's for an
    anonymous one. Returns per event its record code, and per code the id and customer."""
    pairs = np.stack([e_dev, login_contact], axis=1)
    unique, visit = np.unique(pairs, axis=0, return_inverse=True)
    device, login = unique[:, 0], unique[:, 1]
    account = np.where(login >= 0, edd_id[np.maximum(login, 0)], 0)
    account_id = where(login >= 0, strs(account), pa.scalar("", pa.string()))
    visit_id = join(pc.take(pseudo, pa.array(device)), "|", account_id)
    customer = np.where(
        login >= 0, pop.contact_customer[np.maximum(login, 0)] + 1, dev_customer[device]
    )
    return visit.reshape(-1), visit_id, customer


def _login_pool(
    pop: Population, edd_id: np.ndarray, messy: MessyWorld
) -> tuple[np.ndarray, np.ndarray]:
    """Per shared-browser owner, the contacts with a shop account who log in on it: the
    contacts of the customers in the owner's pool (CSR: offsets, contacts)."""
    pools = []
    for customers in messy.browser_pool:
        contacts = np.concatenate(
            [pop.first_contact[c] + np.arange(pop.n_contacts[c]) for c in customers]
        )
        pools.append(contacts[edd_id[contacts] > 0])
    offsets = np.zeros(len(pools) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in pools], out=offsets[1:])
    return offsets, np.concatenate(pools + [np.zeros(0, np.int64)])


def _plant_shared_browsers(
    pop: Population, edd_id: np.ndarray, messy: MessyWorld, events: dict
) -> None:
    """Record the browsers whose events carry another customer's shop user id: the
    relationship, and per browser owner each such user id."""
    login, owner = events["login_contact"], events["owner_contact"]
    rows = (login >= 0) & (owner >= 0)
    owner_customer = pop.contact_customer[owner[rows]]
    login_customer = pop.contact_customer[login[rows]]
    pairs = relation_pairs(owner_customer, login_customer)
    messy.relate("shares_browser", pairs[:, 0], pairs[:, 1])
    foreign = owner_customer != login_customer
    shared = np.unique(
        np.stack([owner_customer[foreign], edd_id[login[rows][foreign]]], axis=1), axis=0
    )
    messy.plant("shared_browser", "google_analytics.events", shared[:, 0], strs(shared[:, 1]))


def _ga_chunk(
    pop: Population,
    edd_id: np.ndarray,
    contacts: np.ndarray,
    rng: np.random.Generator,
    reasons: list[str],
    login_pool: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[pa.Table, Plan, np.ndarray, pa.Array, np.ndarray, dict[str, np.ndarray]]:
    """One chunk of devices of ``contacts`` and anonymous visitors, and their events.

    With ``login_pool`` (per contact, the contacts whose shop accounts log in on its devices:
    offsets and contacts), each logged-in session is one of those accounts instead of the
    device owner's own.
    """
    per_contact = 1 + (rng.random(len(contacts)) < 0.4)
    dev_contact = np.repeat(contacts, per_contact)
    n_anon = round(0.35 * len(dev_contact))
    dev_contact = np.concatenate([dev_contact, np.full(n_anon, -1)])
    d = len(dev_contact)
    known = dev_contact >= 0
    dc = np.maximum(dev_contact, 0)
    dev_cust = pop.contact_customer[dc]
    dev_customer = np.where(known, dev_cust + 1, 0)
    created = np.where(
        known,
        before(rng, pop.signup_s[dev_cust], 60 * cat.DAY_S, cat.START_S),
        rng.integers(cat.START_S, cat.END_S - cat.DAY_S, d),
    )
    pseudo = join(strs(rng.integers(100_000_000, 2_147_483_647, d)), ".", strs(created))
    eng = np.clip(pop.engagement[dev_cust], 0, None)
    sessions = 1 + rng.poisson(np.where(known, 0.45 + 0.4 * eng, 0.2))
    s_dev = np.repeat(np.arange(d), sessions)
    s_start = sorted_uniform_times(rng, sessions, created, np.full(d, cat.END_S - 3600))
    if login_pool is None:
        has_account = known & (edd_id[dc] > 0)
        logged_in = has_account[s_dev] & (rng.random(len(s_dev)) < 0.5)
    else:
        offsets, pool = login_pool
        position = np.repeat(np.arange(len(contacts)), per_contact)
        position = np.concatenate([position, np.zeros(n_anon, np.int64)])
        size = np.where(known, np.diff(offsets)[position], 0)
        logged_in = (size > 0)[s_dev] & (rng.random(len(s_dev)) < 0.7)
        pick = offsets[position][s_dev] + (rng.random(len(s_dev)) * size[s_dev]).astype(np.int64)
        login_contact = np.where(logged_in, pool[np.minimum(pick, max(len(pool) - 1, 0))], -1)
    n_ev = 2 + rng.poisson(0.8, len(s_dev))
    e_sess = np.repeat(np.arange(len(s_dev)), n_ev)
    e_rank = rank_in_group(n_ev)
    gaps = rng.integers(5_000_000, 120_000_000, len(e_sess))
    gaps[e_rank == 0] = rng.integers(0, 1_000_000, int(np.sum(e_rank == 0)))
    ts_us = s_start[e_sess] * 1_000_000 + _cumsum_in_group(gaps, n_ev)
    del gaps
    e_dev = s_dev[e_sess]
    e_login = logged_in[e_sess]
    name = np.where(
        e_rank == 0,
        0,
        np.where(e_login & (e_rank == 1), 1, rng.choice([2, 2, 2, 3, 4], len(e_sess))),
    )
    page = rng.integers(0, len(cat.SITE_PATHS), len(e_sess))
    page[name == 1] = cat.SITE_PATHS.index("/account/")
    region = np.where(known, pop.region[dev_cust], rng.integers(0, len(cat.REGIONS), d))
    acq = np.where(
        known & (rng.random(d) < 0.8),
        pop.acquisition[dev_cust],
        rng.integers(0, len(cat.ACQUISITION), d),
    )
    plan = plan_defects(rng, len(e_sess), reasons)
    first_day = cat.START_S // cat.DAY_S
    days = np.arange(first_day, cat.END_S // cat.DAY_S + 1).astype("datetime64[D]")
    day_labels = pc.replace_substring(pa.array(days.astype(str)), "-", "")
    day = ts_us // 86_400_000_000 - first_day
    pseudo_idx = e_dev.copy()
    pseudo_idx[plan.bad == MISSING_ID] = d
    user_ids = strs(np.concatenate([edd_id, [0]]))
    if login_pool is None:
        user_idx = pa.array(np.where(e_login, dev_contact[e_dev], pop.m), mask=~e_login)
    else:
        user_idx = pa.array(np.where(e_login, login_contact[e_sess], pop.m), mask=~e_login)
    table = pa.table(
        {
            "event_date": _dict(day, day_labels),
            "event_timestamp": where(plan.bad == BAD_TIME, "not-a-timestamp", strs(ts_us)),
            "event_name": _dict(name, pa.array(GA_EVENT_NAMES)),
            "user_pseudo_id": pc.take(
                pa.concat_arrays([pseudo, pa.array([""])]), pa.array(pseudo_idx)
            ),
            "user_id": pc.take(user_ids, user_idx),
            "ga_session_id": s_start[e_sess],
            "page_location": _dict(page, pa.array([cat.SELLER_SITE + p for p in cat.SITE_PATHS])),
            "geo_country": _dict(region[e_dev], pa.array([r[1] for r in cat.REGIONS])),
            "traffic_source_source": _dict(acq[e_dev], pa.array([a[0] for a in cat.ACQUISITION])),
            "traffic_source_medium": _dict(acq[e_dev], pa.array([a[1] for a in cat.ACQUISITION])),
        }
    )
    # what the export adds (GA4's nested layout): per event, from the same draws
    events = {
        "day": day,
        "timestamp_us": np.where(plan.bad == BAD_TIME, -1, ts_us),
        "page": page,
        "session_number": (rank_in_group(sessions) + 1)[e_sess],
        "engagement_ms": np.where(e_rank == 0, -1, np.diff(ts_us, prepend=0) // 1000),
        "device": e_dev,
        "region": region[e_dev],
        "acquisition": acq[e_dev],
        "first_touch_us": created[e_dev] * 1_000_000,
    }
    if login_pool is None:
        events["login_contact"] = np.where(e_login, dev_contact[e_dev], -1)
    else:
        events["login_contact"] = np.where(e_login, login_contact[e_sess], -1)
        events["owner_contact"] = dev_contact[e_dev]
    return table, plan, e_dev, pseudo, dev_customer, events


def _cumsum_in_group(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    total = np.cumsum(values)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    before = np.concatenate([[0], total])[starts]
    return total - np.repeat(before, counts)
