"""Marketing tools: Drip subscribers and email events, HubSpot companies, contacts, social."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hvc.generate import catalog as cat
from hvc.generate.messy import PATH_HOSTS, MessyWorld
from hvc.generate.pages import DRIP_SUBSCRIBERS
from hvc.generate.population import (
    Population,
    employee_range_labels,
    first_names,
    last_names,
    messy_emails,
    messy_websites,
)
from hvc.generate.util import (
    ALNUM_LOWER,
    before,
    child_rng,
    join,
    lookup,
    rand_strings,
    rank_in_group,
    sql_datetime,
    sql_iso,
    strs,
    where,
)
from hvc.generate.writer import (
    BAD_EMAIL,
    BAD_NUMBER,
    BAD_TIME,
    MISSING_ID,
    RawWriter,
    grouped_records,
    per_row_records,
    plan_defects,
)

DRIP_ACCOUNT = "9135027"
EVENTS = [
    "subscriber.received_email",
    "subscriber.opened_email",
    "subscriber.clicked_email",
    "subscriber.unsubscribed_all",
]

DRIP_SUBSCRIBERS_SQL = f"""
select
    case when _bad = {MISSING_ID} then null else id end as id,
    status,
    case when _bad = {BAD_EMAIL} then replace(email, '@', ' at ') else email end as email,
    first_name,
    last_name,
    time_zone,
    cast(utc_offset as varchar) as utc_offset,
    case when _bad = {BAD_TIME} then 'last tuesday'
        else {sql_iso("created_s")} end as created_at,
    tags,
    cast(lead_score as varchar) as lead_score
from src
"""

DRIP_EVENTS_SQL = f"""
select
    event,
    case when _bad = {MISSING_ID} then json_object(
            'account_id', '{DRIP_ACCOUNT}',
            'subscriber', json_object('email', email),
            'properties', json_object('delivery_id', delivery_id, 'email_id', email_id,
                                      'email_subject', email_subject, 'url', url))
        else to_json({{'account_id': '{DRIP_ACCOUNT}',
                      'subscriber': {{'id': subscriber_id, 'email': email}},
                      'properties': {{'delivery_id': delivery_id, 'email_id': email_id,
                                     'email_subject': email_subject, 'url': url}}}})
        end as data,
    case when _bad = {BAD_TIME} then '2024-02-30T25:61:00Z'
        else {sql_iso("ts")} end as occurred_at
from src
"""


def drip(
    pop: Population,
    edd_id: np.ndarray,
    writer: RawWriter,
    seed: int,
    messy: MessyWorld | None = None,
) -> None:
    """Write ``drip.subscribers`` and ``drip.events`` (email activity driven by engagement);
    a messy world's relay addresses and formats reach the events' subscriber email too."""
    rng = child_rng(seed, "drip")
    cust = pop.contact_customer
    eng = pop.engagement[cust]
    sub_contact = np.flatnonzero(rng.random(pop.m) < np.clip(0.5 + 0.1 * eng, 0.2, 0.9))
    s = len(sub_contact)
    s_cust = cust[sub_contact]
    s_eng = eng[sub_contact]
    ids = rand_strings(rng, s, 20, ALNUM_LOWER)
    status = rng.choice(3, s, p=[0.85, 0.10, 0.05])
    email = messy_emails(pop, sub_contact, rng, junk_rate=0.0, p_space=0.0)
    if messy is not None:
        email, _ = messy.emails("drip.subscribers", email, sub_contact)
    created = before(rng, pop.signup_s[s_cust], 90 * cat.DAY_S, cat.START_S)
    region = pop.region[s_cust]
    n_tags = rng.choice(3, s, p=[0.4, 0.4, 0.2])
    is_customer = edd_id[sub_contact] > 0
    t_owner = np.repeat(np.arange(s), n_tags)
    n_other = len(cat.DRIP_TAGS) - 1
    t_idx = 1 + (rng.integers(0, n_other, s)[t_owner] + rank_in_group(n_tags)) % n_other
    # Prepend "customer" for buyers: build the lists from per-subscriber counts.
    total_tags = n_tags + is_customer
    tag_owner = np.repeat(np.arange(s), total_tags)
    first_is_customer = np.repeat(is_customer, total_tags) & (rank_in_group(total_tags) == 0)
    tag_values = np.zeros(len(tag_owner), dtype=np.int64)
    tag_values[~first_is_customer] = t_idx
    offsets = np.zeros(s + 1, dtype=np.int32)
    np.cumsum(total_tags, out=offsets[1:])
    tags = pa.ListArray.from_arrays(pa.array(offsets), lookup(cat.DRIP_TAGS, tag_values))
    no_name = rng.random(s) < 0.1
    null = pa.scalar(None, pa.string())
    subscribers = pa.table(
        {
            "id": ids,
            "status": lookup(["active", "unsubscribed", "bounced"], status),
            "email": email,
            "first_name": where(no_name, null, first_names(pop, sub_contact)),
            "last_name": where(no_name, null, last_names(pop, sub_contact)),
            "time_zone": lookup([r[2] for r in cat.REGIONS], region),
            "utc_offset": (np.array([r[3] for r in cat.REGIONS])[region] * 60).astype(np.int64),
            "created_s": created,
            "tags": tags,
            "lead_score": np.clip(np.round(50 + 15 * s_eng + rng.normal(0, 10, s)), 0, 100).astype(
                np.int64
            ),
        }
    )
    perm = np.argsort(created, kind="stable")
    key = "drip.subscribers"
    reasons = ["missing_id", "unparseable_timestamp", "invalid_email"]
    plan = plan_defects(rng, s, reasons)
    writer.write(
        key,
        subscribers,
        plan,
        DRIP_SUBSCRIBERS_SQL,
        reasons,
        "subscribers.jsonl",
        perm,
        page=DRIP_SUBSCRIBERS,
    )
    per_row_records(writer, key, pc.take(ids, pa.array(perm)), s_cust[perm] + 1, plan)

    # Events: received emails, some opened, some of those clicked; unsubscribes.
    share = (cat.END_S - created) / (cat.END_S - cat.START_S)
    received = rng.poisson(6.0 * share * np.where(status == 2, 0.3, 1.0))
    r_sub = np.repeat(np.arange(s), received)
    k = len(r_sub)
    r_ts = created[r_sub] + (rng.random(k) * (cat.END_S - 2 * cat.DAY_S - created[r_sub])).astype(
        np.int64
    )
    campaign = rng.integers(0, len(cat.DRIP_SUBJECTS), k)
    delivery = 70_000_000 + np.arange(k)
    p_open = 1 / (1 + np.exp(-(-0.4 + 0.9 * s_eng[r_sub])))
    opened = rng.random(k) < p_open
    o_ts = r_ts + rng.exponential(6 * 3600, k).astype(np.int64) + 1
    p_click = 1 / (1 + np.exp(-(-1.6 + 0.7 * s_eng[r_sub])))
    clicked = opened & (rng.random(k) < p_click)
    c_ts = o_ts + rng.exponential(600, k).astype(np.int64) + 1
    unsub = np.flatnonzero(status == 1)
    u_ts = created[unsub] + (rng.random(len(unsub)) * (cat.END_S - 1 - created[unsub])).astype(
        np.int64
    )
    o_idx, c_idx = np.flatnonzero(opened), np.flatnonzero(clicked)
    ev_kind = np.concatenate(
        [
            np.zeros(k, np.int64),
            np.ones(len(o_idx), np.int64),
            np.full(len(c_idx), 2),
            np.full(len(unsub), 3),
        ]
    )
    ev_row = np.concatenate([np.arange(k), o_idx, c_idx, np.full(len(unsub), -1)])
    ev_sub = np.concatenate([r_sub, r_sub[o_idx], r_sub[c_idx], unsub])
    ev_ts = np.minimum(np.concatenate([r_ts, o_ts[o_idx], c_ts[c_idx], u_ts]), cat.END_S - 1)
    perm = np.lexsort((ev_kind, ev_ts))
    ev_kind, ev_row, ev_sub, ev_ts = ev_kind[perm], ev_row[perm], ev_sub[perm], ev_ts[perm]
    has_row = ev_row >= 0
    row = np.maximum(ev_row, 0)
    url_path = rng.integers(0, len(cat.SITE_PATHS), len(ev_row))
    url = join(cat.SELLER_SITE, lookup(cat.SITE_PATHS, url_path), "?utm_source=drip")
    events = pa.table(
        {
            "event": lookup(EVENTS, ev_kind),
            "subscriber_id": pc.take(ids, pa.array(ev_sub)),
            "email": pc.take(email, pa.array(ev_sub)),
            "delivery_id": pa.array(strs(delivery[row]), mask=~has_row),
            "email_id": pa.array(strs(5000 + campaign[row]), mask=~has_row),
            "email_subject": where(
                has_row, lookup(cat.DRIP_SUBJECTS, campaign[row]), pa.scalar(None, pa.string())
            ),
            "url": where(ev_kind == 2, url, pa.scalar(None, pa.string())),
            "ts": ev_ts,
        }
    )
    key = "drip.events"
    reasons = ["missing_id", "unparseable_timestamp"]
    plan = plan_defects(rng, len(ev_kind), reasons)
    writer.write(key, events, plan, DRIP_EVENTS_SQL, reasons, "events.jsonl")
    grouped_records(writer, key, ev_sub, ids, s_cust + 1, plan)


HUBSPOT_COMPANIES_SQL = f"""
select
    case when _bad = {MISSING_ID} then '' else cast(record_id as varchar) end as "Record ID",
    company_name as "Company name",
    domain as "Company Domain Name",
    website as "Website URL",
    industry as "Industry",
    cast(employees as varchar) as "Number of Employees",
    employee_range as "Employee Range",
    territory as "Territory",
    country as "Country/Region",
    time_zone as "Time Zone",
    case when _bad = {BAD_TIME} then '2024-31-31 99:99'
        else left({sql_datetime("created_s")}, 16) end as "Create Date",
    left({sql_datetime("modified_s")}, 16) as "Last Modified Date"
from src
"""

HUBSPOT_CONTACTS_SQL = f"""
select
    case when _bad = {MISSING_ID} then '' else cast(record_id as varchar) end as "Record ID",
    first_name as "First Name",
    last_name as "Last Name",
    email as "Email",
    company_name as "Company Name",
    website as "Website URL",
    lifecycle as "Lifecycle Stage",
    case when _bad = {BAD_TIME} then 'yesterday'
        else left({sql_datetime("created_s")}, 16) end as "Create Date",
    left({sql_datetime("modified_s")}, 16) as "Last Modified Date",
    company_ids as "Associated Company IDs"
from src
"""

SOCIAL_SQL = f"""
select
    case when _bad = {MISSING_ID} then '' else cast(company_id as varchar) end as "Company ID",
    case when _bad = {BAD_TIME} then bad_month else month end as "Month",
    case when _bad = {BAD_NUMBER} and bad_col = 0 then 'n/a' else cast(fb as varchar) end
        as "Facebook Impressions",
    case when _bad = {BAD_NUMBER} and bad_col = 1 then 'n/a' else cast(ig as varchar) end
        as "Instagram Impressions",
    case when _bad = {BAD_NUMBER} and bad_col = 2 then 'n/a' else cast(x as varchar) end
        as "X Impressions"
from src
"""

LIFECYCLE = [
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
]


def hubspot(
    pop: Population,
    edd_id: np.ndarray,
    writer: RawWriter,
    seed: int,
    messy: MessyWorld | None = None,
) -> pa.Table:
    """Write the three HubSpot tables; return the companies as written (for the MTurk task).

    A messy world adds path-style websites (the company's domain then HubSpot's reading of
    it: the shared host, or blank), contacts of agencies', parents' and subsidiaries' staff
    filed under another customer's company, and relay, junk and formats in addresses.
    """
    rng = child_rng(seed, "hubspot")
    null = pa.scalar(None, pa.string())
    biz = np.flatnonzero(pop.is_business & (rng.random(pop.n) < 0.92))
    b = len(biz)
    created = before(rng, pop.signup_s[biz], 120 * cat.DAY_S, cat.START_S)
    perm = np.argsort(created, kind="stable")
    biz, created = biz[perm], created[perm]
    record_id = 5_100_000_000 + np.arange(b) * 11 + rng.integers(0, 11, b)
    company_of = np.zeros(pop.n, dtype=np.int64)
    company_of[biz] = record_id
    domain = pc.take(pop.domain, pa.array(biz))
    website = messy_websites(domain, rng)
    dom_u = rng.random(b)
    domain_written = where(dom_u < 0.05, "", where(dom_u < 0.08, join("www.", domain), domain))
    name = pc.take(pop.company_name, pa.array(biz))
    name = where(rng.random(b) < 0.03, pc.utf8_upper(name), name)
    region = pop.region[biz]
    no_size = rng.random(b) < 0.1
    companies = pa.table(
        {
            "record_id": record_id,
            "company_name": name,
            "domain": domain_written,
            "website": website,
            "industry": where(
                rng.random(b) < 0.08, "", lookup([i[0] for i in cat.INDUSTRIES], pop.industry[biz])
            ),
            "employees": pa.array(pop.employees[biz], mask=no_size),
            "employee_range": where(no_size, null, employee_range_labels(pop.employees[biz])),
            "territory": lookup([r[4] for r in cat.REGIONS], region),
            "country": lookup([r[1] for r in cat.REGIONS], region),
            "time_zone": lookup([r[2] for r in cat.REGIONS], region),
            "created_s": created,
            "modified_s": created + (rng.random(b) * (cat.END_S - 1 - created)).astype(np.int64),
        }
    )
    key = "hubspot.companies"
    if messy is not None:
        companies, website = _path_websites(companies, biz, messy, child_rng(seed, f"{key}/messy"))
    reasons = ["missing_id", "unparseable_timestamp"]
    plan = plan_defects(rng, b, reasons)
    writer.write(key, companies, plan, HUBSPOT_COMPANIES_SQL, reasons, "companies.csv")
    per_row_records(writer, key, strs(record_id), biz + 1, plan)

    # Contacts.
    cust = pop.contact_customer
    cons = np.flatnonzero(rng.random(pop.m) < 0.8)
    c = len(cons)
    c_cust = cust[cons]
    c_created = before(rng, pop.signup_s[c_cust], 60 * cat.DAY_S, cat.START_S)
    perm = np.argsort(c_created, kind="stable")
    cons, c_cust, c_created = cons[perm], c_cust[perm], c_created[perm]
    c_record = 801 + np.arange(c) * 3 + rng.integers(0, 3, c)
    comp = company_of[c_cust]
    linked = (comp > 0) & (rng.random(c) < 0.9)
    second = linked & (rng.random(c) < 0.03)
    other = record_id[rng.integers(0, max(b, 1), c)] if b else np.zeros(c, np.int64)
    company_ids = where(linked, strs(comp), "")
    company_ids = where(second, join(company_ids, ";", strs(other)), company_ids)
    c_biz = pop.is_business[c_cust]
    with_site = c_biz & (rng.random(c) < 0.6)
    c_domain = pc.take(pop.domain, pa.array(c_cust))
    site = messy_websites(where(c_biz, c_domain, "x"), rng)
    lifecycle = np.where(edd_id[cons] > 0, 5, rng.choice([0, 1, 2, 3, 4, 7], c))
    contacts = pa.table(
        {
            "record_id": c_record,
            "first_name": first_names(pop, cons),
            "last_name": last_names(pop, cons),
            "email": messy_emails(pop, cons, rng, junk_rate=0.012),
            "company_name": where(c_biz, pc.take(pop.company_name, pa.array(c_cust)), ""),
            "website": where(with_site, site, ""),
            "lifecycle": lookup(LIFECYCLE, lifecycle),
            "created_s": c_created,
            "modified_s": c_created
            + (rng.random(c) * (cat.END_S - 1 - c_created)).astype(np.int64),
            "company_ids": company_ids,
        }
    )
    key = "hubspot.contacts"
    if messy is not None:
        extra, staff = _crm_contacts(
            pop, edd_id, messy, company_of, c_record, child_rng(seed, f"{key}/messy")
        )
        path_rows = (messy.path_host[c_cust] >= 0) & with_site
        if path_rows.any():
            sites = messy.websites(c_cust, child_rng(seed, f"{key}/messy/websites"))
            contacts = _set(contacts, "website", where(path_rows, sites, contacts["website"]))
            messy.plant(
                "path_website", key, c_cust[path_rows], pc.filter(sites, pa.array(path_rows))
            )
        contacts = pa.concat_tables([contacts, extra]).combine_chunks()
        cons = np.concatenate([cons, staff])
        c_cust = np.concatenate([c_cust, pop.contact_customer[staff]])
        c_record = np.concatenate([c_record, extra["record_id"].to_numpy()])
        c = len(cons)
        email, _ = messy.emails(key, contacts["email"].combine_chunks(), cons)
        contacts = _set(contacts, "email", email)
    plan = plan_defects(rng, c, reasons)
    writer.write(key, contacts, plan, HUBSPOT_CONTACTS_SQL, reasons, "contacts.csv")
    per_row_records(writer, key, strs(c_record), c_cust + 1, plan)

    # Monthly social impressions for companies with social accounts.
    social = np.flatnonzero(rng.random(b) < 0.3)
    start_month = _month_index(np.maximum(created[social], cat.START_S))
    end_month = _month_index(np.array([cat.END_S - 1]))[0]
    months = end_month - start_month + 1
    s_owner = np.repeat(social, months)
    month = np.repeat(start_month, months) + rank_in_group(months)
    n_rows = len(s_owner)
    scale = np.exp(rng.normal(7.0, 1.2, b))[s_owner]
    season = 1 + 0.25 * np.sin(2 * np.pi * (month % 12) / 12)
    label = _month_label(month)
    bad_label = join(strs(month // 12), "-", strs(month % 12 + 13))
    table = pa.table(
        {
            "company_id": record_id[s_owner],
            "month": label,
            "bad_month": bad_label,
            "bad_col": rng.integers(0, 3, n_rows),
            "fb": rng.poisson(scale * season),
            "ig": rng.poisson(0.6 * scale * season),
            "x": rng.poisson(0.3 * scale),
        }
    )
    key = "hubspot.social_impressions"
    reasons3 = ["missing_id", "unparseable_timestamp", "unparseable_number"]
    plan = plan_defects(rng, n_rows, reasons3)
    writer.write(key, table, plan, SOCIAL_SQL, reasons3, "social_impressions.csv")
    written_month = where(plan.bad == BAD_TIME, bad_label, label)
    ids = join(strs(record_id[s_owner]), "|", written_month)
    per_row_records(writer, key, ids, biz[s_owner] + 1, plan)
    return pa.table({"customer": biz, "website": website})


def _month_index(ts: np.ndarray) -> np.ndarray:
    """Months since year 0 (year * 12 + month - 1) of Unix seconds."""
    months = ts.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
    return months + 1970 * 12


def _month_label(month_index: np.ndarray) -> pa.Array:
    mm = month_index % 12 + 1
    return join(strs(month_index // 12), "-", where(mm < 10, "0", ""), strs(mm))


def _set(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    """``table`` with column ``name`` replaced."""
    return table.set_column(table.column_names.index(name), name, values)


def _path_websites(
    companies: pa.Table, biz: np.ndarray, messy: MessyWorld, rng: np.random.Generator
) -> tuple[pa.Table, pa.Array]:
    """Companies whose website is a page on a shared host: HubSpot reads the host as the
    company's domain (or leaves it blank). Returns the table and its websites."""
    host = messy.path_host[biz]
    rows = host >= 0
    website = companies["website"].combine_chunks()
    if not rows.any():
        return companies, website
    sites = messy.websites(biz, rng)
    website = where(rows, sites, website)
    hosts = lookup([h for h, _ in PATH_HOSTS], np.maximum(host, 0))
    domain = where(rows, where(rng.random(len(biz)) < 0.7, hosts, ""), companies["domain"])
    messy.plant("path_website", "hubspot.companies", biz[rows], pc.filter(sites, pa.array(rows)))
    companies = _set(_set(companies, "website", website), "domain", domain)
    return companies, website


def _crm_contacts(
    pop: Population,
    edd_id: np.ndarray,
    messy: MessyWorld,
    company_of: np.ndarray,
    c_record: np.ndarray,
    rng: np.random.Generator,
) -> tuple[pa.Table, np.ndarray]:
    """Contacts of staff filed under another customer's HubSpot company: that company's
    name, website and association (primary; sometimes the staffer's own company second),
    the staffer's address, a per-client plus address or a free-mail alias. Returns the rows
    (the columns of ``hubspot``'s contact table) and each row's staffer (contact)."""
    crm = messy.crm
    rows = company_of[crm.company_customer] > 0
    staff = crm.staff[rows]
    client = crm.company_customer[rows]
    also = crm.also_customer[rows]
    address = crm.address[rows]
    pattern = np.asarray(crm.pattern, dtype=object)[rows]
    alias = pc.filter(crm.alias, pa.array(rows))
    n = len(staff)
    own = pop.contact_customer[staff]
    client_domain = pc.take(pop.domain, pa.array(client))
    stem = pc.replace_substring_regex(client_domain, r"\..*$", "")
    take = pa.array(staff)
    plus = join(
        pc.take(pop.local_a, take),
        pc.take(pop.sep, take),
        pc.take(pop.local_b, take),
        pc.take(pop.digits, take),
        "+",
        stem,
        "@",
        pc.take(pop.email_domain, take),
    )
    email = messy_emails(pop, staff, rng)
    email = where(address == 1, plus, where(address == 2, alias, email))
    ids = strs(company_of[client])
    second = (also >= 0) & (company_of[np.maximum(also, 0)] > 0)
    company_ids = where(second, join(ids, ";", strs(company_of[np.maximum(also, 0)])), ids)
    path = messy.path_host[client] >= 0
    site = where(
        path,
        messy.websites(client, rng),
        messy_websites(pc.fill_null(client_domain, "x"), rng),
    )
    start = np.maximum(pop.signup_s[own], pop.signup_s[client])
    created = np.minimum(
        start + (rng.random(n) * 180 * cat.DAY_S).astype(np.int64), cat.END_S - 2 * cat.DAY_S
    )
    record_id = int(c_record.max(initial=800)) + 3 + np.arange(n) * 3 + rng.integers(0, 3, n)
    lifecycle = np.where(edd_id[staff] > 0, 5, rng.choice([1, 2, 3, 4, 7], n))
    table = pa.table(
        {
            "record_id": record_id,
            "first_name": first_names(pop, staff),
            "last_name": last_names(pop, staff),
            "email": email,
            "company_name": pc.take(pop.company_name, pa.array(client)),
            "website": where(rng.random(n) < 0.8, site, ""),
            "lifecycle": lookup(LIFECYCLE, lifecycle),
            "created_s": created,
            "modified_s": created + (rng.random(n) * (cat.END_S - 1 - created)).astype(np.int64),
            "company_ids": company_ids,
        }
    )
    for name in ("agency_crm_contact", "parent_subsidiary_crm_contact"):
        mine = pattern == name
        messy.plant(name, "hubspot.contacts", own[mine], pc.filter(ids, pa.array(mine)))
    return table, staff
