"""Customer conversations: Help Scout tickets and Intercom contacts and conversations."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hvc.generate import catalog as cat
from hvc.generate.messy import MessyWorld, relation_pairs
from hvc.generate.pages import HELPSCOUT_CONVERSATIONS, INTERCOM_CONTACTS, INTERCOM_CONVERSATIONS
from hvc.generate.population import Population, first_names, last_names, messy_emails
from hvc.generate.util import (
    HEX,
    before,
    child_rng,
    join,
    lookup,
    rand_strings,
    rank_in_group,
    sorted_uniform_times,
    sql_iso,
    strs,
    where,
)
from hvc.generate.writer import BAD_TIME, MISSING_ID, RawWriter, per_row_records, plan_defects

HS_STATUS = ["closed", "active", "pending", "spam"]
HS_TYPES = ["email", "chat", "phone"]

HELPSCOUT_SQL = f"""
select
    case when _bad = {MISSING_ID} then null else cast(conv_id as varchar) end as id,
    cast(number as varchar) as number,
    cast(threads as varchar) as threads,
    type,
    status,
    state,
    subject,
    cast(mailbox_id as varchar) as mailboxId,
    case when _bad = {BAD_TIME} then 'not a date'
        else {sql_iso("created_s")} end as createdAt,
    {sql_iso("closed_s")} as closedAt,
    {sql_iso("updated_s")} as userUpdatedAt,
    {{'id': customer_hs_id, 'first': first_name, 'last': last_name, 'email': email}}
        as primaryCustomer,
    tags,
    {{'type': type, 'via': via}} as source
from src
"""


def helpscout_conversations(
    pop: Population,
    writer: RawWriter,
    seed: int,
    messy: MessyWorld | None = None,
    volume: float = 1.0,
) -> None:
    """Write ``helpscout.conversations``: license-3 buyers file more and wait longer.

    In a messy world addresses get relay, junk and formats; Help Scout keys its customer
    profiles by email, so one junk address is one Help Scout customer.
    """
    rng = child_rng(seed, "helpscout.conversations")
    n = pop.n
    lam = (
        0.35
        * volume
        * np.exp(0.25 * pop.engagement)
        * np.where(pop.bought, 2.4, 1.0)
        * (1 + 0.25 * (pop.n_contacts - 1))
    )
    count = rng.poisson(lam)
    owner = np.repeat(np.arange(n), count)
    k = len(owner)
    created = sorted_uniform_times(rng, count, pop.signup_s, np.full(n, cat.END_S - 3600))
    contact = pop.first_contact[owner] + (rng.random(k) * pop.n_contacts[owner]).astype(np.int64)
    hours = np.exp(rng.normal(np.log(6.0) + 1.1 * pop.bought[owner], 1.1, k))
    closed_s = created + np.maximum(60, (hours * 3600).astype(np.int64))
    # closed or spam; a ticket is still open (active/pending) only when it is recent: its
    # closing time falls after the as-of date, or it came in during the last two weeks
    status = np.where(rng.random(k) < 0.04, 3, 0)
    recent = created >= cat.END_S - 14 * cat.DAY_S
    still_open = (status == 0) & ((closed_s >= cat.END_S) | (recent & (rng.random(k) < 0.5)))
    status[still_open] = np.where(rng.random(k)[still_open] < 0.5, 1, 2)
    is_closed = status == 0
    updated = np.where(
        is_closed,
        closed_s,
        created
        + (rng.random(k) * np.maximum(1, np.minimum(closed_s, cat.END_S - 1) - created)).astype(
            np.int64
        ),
    )
    perm = np.argsort(created, kind="stable")
    conv_id = np.empty(k, dtype=np.int64)
    conv_id[perm] = 1_200_000_000 + np.arange(k) * 17 + rng.integers(0, 17, k)
    number = np.empty(k, dtype=np.int64)
    number[perm] = 1001 + np.arange(k)
    n_tags = rng.choice(3, k, p=[0.5, 0.35, 0.15])
    t_owner = np.repeat(np.arange(k), n_tags)
    t_idx = (rng.integers(0, len(cat.HELPSCOUT_TAGS), k)[t_owner] + rank_in_group(n_tags)) % len(
        cat.HELPSCOUT_TAGS
    )
    tag_struct = pa.StructArray.from_arrays(
        [
            pa.array(9000 + t_idx),
            lookup([t[1] for t in cat.HELPSCOUT_TAGS], t_idx),
            lookup([t[0] for t in cat.HELPSCOUT_TAGS], t_idx),
        ],
        names=["id", "color", "tag"],
    )
    offsets = np.zeros(k + 1, dtype=np.int32)
    np.cumsum(n_tags, out=offsets[1:])
    hs_customer = 300_000_000 + contact * 3 + 1
    table = pa.table(
        {
            "conv_id": conv_id,
            "number": number,
            "threads": 1 + rng.poisson(1.5 + 1.0 * pop.bought[owner]),
            "type": lookup(HS_TYPES, rng.choice(3, k, p=[0.65, 0.25, 0.10])),
            "status": lookup(HS_STATUS, status),
            "state": lookup(
                ["published", "draft", "deleted"], rng.choice(3, k, p=[0.98, 0.01, 0.01])
            ),
            "subject": lookup(
                cat.HELPSCOUT_SUBJECTS, rng.integers(0, len(cat.HELPSCOUT_SUBJECTS), k)
            ),
            "mailbox_id": rng.choice([40211, 40212], k, p=[0.8, 0.2]),
            "created_s": created,
            "closed_s": pa.array(closed_s, mask=~is_closed),
            "updated_s": updated,
            "customer_hs_id": hs_customer,
            "first_name": first_names(pop, contact),
            "last_name": last_names(pop, contact),
            "email": messy_emails(pop, contact, rng, junk_rate=0.015),
            "tags": pa.ListArray.from_arrays(pa.array(offsets), tag_struct),
            "via": where(rng.random(k) < 0.95, "customer", "user"),
        }
    )
    key = "helpscout.conversations"
    if messy is not None:
        email, junk = messy.emails(key, table["email"].combine_chunks(), contact)
        junk_id = messy.junk_customer_ids(key, junk, 300_000_000 + 3 * pop.m + 2, owner)
        table = _set(table, "email", email)
        table = _set(table, "customer_hs_id", pa.array(np.where(junk >= 0, junk_id, hs_customer)))
    reasons = ["missing_id", "unparseable_timestamp"]
    plan = plan_defects(rng, k, reasons)
    writer.write(
        key,
        table,
        plan,
        HELPSCOUT_SQL,
        reasons,
        "conversations.jsonl",
        perm,
        page=HELPSCOUT_CONVERSATIONS,
    )
    per_row_records(writer, key, strs(conv_id[perm]), owner[perm] + 1, plan)


def _nth_sunday(year: np.ndarray, month: int, n: int) -> np.ndarray:
    """Date of the n-th Sunday (n = -1: the last) of `month` in each year."""
    first = (year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (month - 1)
    if n < 0:
        first = first + 1
    first_day = first.astype("datetime64[D]")
    weekday = (first_day.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday (3); Monday 0
    to_sunday = (6 - weekday) % 7
    if n < 0:
        return first_day - 7 + to_sunday
    return first_day + to_sunday + 7 * (n - 1)


def local_offset_hours(region: np.ndarray, ts: np.ndarray) -> np.ndarray:
    """UTC offset in hours of each region's zone at the given Unix seconds. Northern summer
    time by the US rule (second Sunday of March to first Sunday of November) in the Americas
    and the EU rule (last Sunday of March to last Sunday of October) elsewhere; southern
    summer time October to March (month level)."""
    day = ts.astype("datetime64[s]").astype("datetime64[D]")
    year = day.astype("datetime64[Y]").astype(np.int64) + 1970
    month = day.astype("datetime64[M]").astype(np.int64) % 12 + 1
    std = np.array([r[3] for r in cat.REGIONS])[region]
    rule = np.array([r[7] for r in cat.REGIONS])[region]
    americas = np.char.startswith(np.array([r[2] for r in cat.REGIONS])[region], "America/")
    us_summer = (day >= _nth_sunday(year, 3, 2)) & (day < _nth_sunday(year, 11, 1))
    eu_summer = (day >= _nth_sunday(year, 3, -1)) & (day < _nth_sunday(year, 10, -1))
    summer_n = np.where(americas, us_summer, eu_summer)
    summer_s = (month >= 10) | (month <= 3)
    return std + np.where(rule == "north", summer_n, np.where(rule == "south", summer_s, 0))


INTERCOM_CONTACTS_SQL = f"""
select
    'contact' as type,
    case when _bad = {MISSING_ID} then null else ic_id end as id,
    cast(external_id as varchar) as external_id,
    role,
    email,
    name,
    case when _bad = {BAD_TIME} then 'abc' else cast(created_s as varchar) end as created_at,
    cast(updated_s as varchar) as updated_at,
    cast(last_seen_s as varchar) as last_seen_at,
    {{'type': 'location', 'country': country, 'region': state, 'city': city}} as location,
    {{'utc_offset': utc_offset}} as custom_attributes
from src
"""

INTERCOM_CONVERSATIONS_SQL = f"""
select
    'conversation' as type,
    case when _bad = {MISSING_ID} then null else cast(conv_id as varchar) end as id,
    case when _bad = {BAD_TIME} then 'abc' else cast(created_s as varchar) end as created_at,
    cast(updated_s as varchar) as updated_at,
    state,
    state = 'open' as open,
    {{'type': source_type, 'id': cast(message_id as varchar), 'delivered_as': 'customer_initiated',
      'author': {{'type': role, 'id': ic_id, 'name': name, 'email': author_email}}}} as source,
    {{'type': 'contact.list',
      'contacts': [{{'type': 'contact', 'id': ic_id,
                     'external_id': cast(external_id as varchar)}}]}}
        as contacts
from src
"""


def _set(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    """``table`` with column ``name`` replaced."""
    return table.set_column(table.column_names.index(name), name, values)


def intercom(
    pop: Population,
    edd_id: np.ndarray,
    writer: RawWriter,
    seed: int,
    messy: MessyWorld | None = None,
    volume: float = 1.0,
) -> None:
    """Write ``intercom.contacts`` and ``intercom.conversations``.

    A messy world adds the contacts of people chatting from another customer's shop account
    (``external_id`` that account's, email and name their own), and relay, junk and formats in
    addresses.
    """
    rng = child_rng(seed, "intercom")
    m = pop.m
    cust = pop.contact_customer
    eng = pop.engagement[cust]
    has = rng.random(m) < np.clip(0.45 + 0.1 * eng, 0.1, 0.9)
    per = np.where(has, 1 + (rng.random(m) < 0.15), 0)
    rec_contact = np.repeat(np.arange(m), per)
    r = len(rec_contact)
    last_of_contact = rank_in_group(per) == per[rec_contact] - 1
    account = edd_id[rec_contact]
    is_user = last_of_contact & (account > 0) & (rng.random(r) < 0.75)
    facebook = ~is_user & (rng.random(r) < 0.25)
    has_email = is_user | (~facebook & (rng.random(r) < 0.6))
    email = messy_emails(pop, rec_contact, rng, junk_rate=0.015)
    email = where(has_email, email, pa.scalar(None, pa.string()))
    full = join(first_names(pop, rec_contact), " ", last_names(pop, rec_contact))
    fb_name = join(
        first_names(pop, rec_contact),
        " ",
        pc.utf8_slice_codeunits(last_names(pop, rec_contact), 0, 1),
        ".",
    )
    anonymous = ~is_user & ~facebook & ~has_email & (rng.random(r) < 0.5)
    name = where(facebook, fb_name, where(anonymous, pa.scalar(None, pa.string()), full))
    signup = pop.signup_s[cust[rec_contact]]
    created = before(rng, signup, 30 * cat.DAY_S, cat.START_S)
    created = np.minimum(created, cat.END_S - 2 * cat.DAY_S)
    updated = created + (rng.random(r) * (cat.END_S - 1 - created)).astype(np.int64)
    last_seen = created + (rng.random(r) * (updated - created)).astype(np.int64)
    region = pop.region[cust[rec_contact]]
    city = rng.integers(0, 3, r)
    regions = cat.REGIONS
    flat = lambda j: [x for reg in regions for x in reg[j]]  # noqa: E731
    ic_id = rand_strings(rng, r, 24, HEX)
    external = pa.array(account, mask=~is_user)
    role = where(is_user, "user", "lead")
    table = pa.table(
        {
            "ic_id": ic_id,
            "external_id": external,
            "role": role,
            "email": email,
            "name": name,
            "created_s": created,
            "updated_s": updated,
            "last_seen_s": last_seen,
            "country": lookup([reg[1] for reg in regions], region),
            "state": lookup(flat(9), region * 3 + city),
            "city": lookup(flat(8), region * 3 + city),
            "utc_offset": local_offset_hours(region, last_seen),
        }
    )
    key = "intercom.contacts"
    rec_customer = cust[rec_contact] + 1
    if messy is not None:
        extra, columns = _chat_contacts(pop, edd_id, messy, child_rng(seed, f"{key}/messy"))
        # a chat contact is its person's; one without an address of its own has only the
        # shop account it carries, and is that account's
        chat_customer = np.where(
            columns["has_email"], cust[columns["contact"]], columns["account_customer"]
        )
        rec_customer = np.concatenate([rec_customer, chat_customer + 1])
        table = pa.concat_tables([table, extra]).combine_chunks()
        rec_contact = np.concatenate([rec_contact, columns["contact"]])
        created = np.concatenate([created, extra["created_s"].to_numpy()])
        facebook = np.concatenate([facebook, np.zeros(extra.num_rows, dtype=bool)])
        has_email = np.concatenate([has_email, columns["has_email"]])
        name, ic_id, external, role = (
            table[column].combine_chunks() for column in ("name", "ic_id", "external_id", "role")
        )
        r = len(rec_contact)
        email, _ = messy.emails(key, table["email"].combine_chunks(), rec_contact)
        table = _set(table, "email", email)
    perm = np.argsort(created, kind="stable")
    reasons = ["missing_id", "unparseable_timestamp"]
    plan = plan_defects(rng, r, reasons)
    writer.write(
        key,
        table,
        plan,
        INTERCOM_CONTACTS_SQL,
        reasons,
        "contacts.jsonl",
        perm,
        page=INTERCOM_CONTACTS,
    )
    per_row_records(writer, key, pc.take(ic_id, pa.array(perm)), rec_customer[perm], plan)

    # Conversations started by those contacts.
    bought = pop.bought[cust[rec_contact]]
    count = rng.poisson(0.7 * volume * np.where(bought, 1.7, 1.0) * np.exp(0.2 * eng[rec_contact]))
    owner = np.repeat(np.arange(r), count)
    k = len(owner)
    c_created = sorted_uniform_times(rng, count, created, np.full(r, cat.END_S - 3600))
    c_updated = c_created + (
        rng.random(k) * np.minimum(5 * cat.DAY_S, cat.END_S - 1 - c_created)
    ).astype(np.int64)
    src_type = np.where(facebook[owner], 1, np.where(rng.random(k) < 0.8, 0, 2))
    author_email = messy_emails(pop, rec_contact[owner], rng, junk_rate=0.015)
    author_ok = has_email[owner] & (src_type != 1) & (rng.random(k) < 0.85)
    perm = np.argsort(c_created, kind="stable")
    conv_id = np.empty(k, dtype=np.int64)
    conv_id[perm] = 18_000_000_000 + np.arange(k) * 13 + rng.integers(0, 13, k)
    take = pa.array(owner)
    conversations = pa.table(
        {
            "conv_id": conv_id,
            "created_s": c_created,
            "updated_s": c_updated,
            # only conversations of the last week are still open or snoozed
            "state": lookup(
                ["closed", "open", "snoozed"],
                np.where(
                    c_created >= cat.END_S - 7 * cat.DAY_S,
                    rng.choice(3, k, p=[0.4, 0.4, 0.2]),
                    0,
                ),
            ),
            "source_type": lookup(["conversation", "facebook", "email"], src_type),
            "message_id": rng.integers(100_000_000, 999_999_999, k),
            "role": pc.take(role, take),
            "ic_id": pc.take(ic_id, take),
            "name": pc.take(name, take),
            "author_email": where(author_ok, author_email, pa.scalar(None, pa.string())),
            "external_id": pc.take(external, take),
        }
    )
    key = "intercom.conversations"
    if messy is not None:
        author, _ = messy.emails(
            key, conversations["author_email"].combine_chunks(), rec_contact[owner]
        )
        conversations = _set(conversations, "author_email", author)
    plan = plan_defects(rng, k, reasons)
    writer.write(
        key,
        conversations,
        plan,
        INTERCOM_CONVERSATIONS_SQL,
        reasons,
        "conversations.jsonl",
        perm,
        page=INTERCOM_CONVERSATIONS,
    )
    per_row_records(writer, key, strs(conv_id[perm]), rec_customer[owner][perm], plan)


def _chat_contacts(
    pop: Population, edd_id: np.ndarray, messy: MessyWorld, rng: np.random.Generator
) -> tuple[pa.Table, dict[str, np.ndarray]]:
    """Intercom users of people chatting from another customer's shop account.

    The messenger boots with the logged-in account's id (``external_id``), the person types
    their own address (or none) and name. Returns the contact rows (the columns of
    ``intercom``'s contact table) and per row the chatting contact, whether it has an email
    and the customer of the account it carries.
    """
    owner, account_customer = messy.chat_owner, messy.chat_account
    first = pop.first_contact[account_customer]
    size = pop.n_contacts[account_customer]
    # the account's first contact with a shop account, if any
    account = np.full(len(owner), -1, dtype=np.int64)
    for step in range(int(size.max(initial=0))):
        candidate = first + step
        ok = (account < 0) & (step < size) & (edd_id[np.minimum(candidate, pop.m - 1)] > 0)
        account[ok] = candidate[ok]
    keep = account >= 0
    owner, account, account_customer = owner[keep], account[keep], account_customer[keep]
    r = len(owner)
    owner_customer = pop.contact_customer[owner]
    pairs = relation_pairs(owner_customer, account_customer)
    messy.relate("shares_chat_contact", pairs[:, 0], pairs[:, 1])
    has_email = rng.random(r) < 0.7
    email = messy_emails(pop, owner, rng)
    email = where(has_email, email, pa.scalar(None, pa.string()))
    start = np.maximum(pop.signup_s[owner_customer], pop.signup_s[account_customer])
    created = np.minimum(
        start + (rng.random(r) * 120 * cat.DAY_S).astype(np.int64), cat.END_S - 2 * cat.DAY_S
    )
    updated = created + (rng.random(r) * (cat.END_S - 1 - created)).astype(np.int64)
    last_seen = created + (rng.random(r) * (updated - created)).astype(np.int64)
    region = pop.region[owner_customer]
    city = rng.integers(0, 3, r)
    regions = cat.REGIONS
    flat = lambda j: [x for reg in regions for x in reg[j]]  # noqa: E731
    external = pa.array(edd_id[account])
    ic_id = rand_strings(rng, r, 24, HEX)
    messy.plant("shared_chat_contact", "intercom.contacts", owner_customer, strs(edd_id[account]))
    table = pa.table(
        {
            "ic_id": ic_id,
            "external_id": external,
            "role": pa.repeat(pa.scalar("user"), r),
            "email": email,
            "name": join(first_names(pop, owner), " ", last_names(pop, owner)),
            "created_s": created,
            "updated_s": updated,
            "last_seen_s": last_seen,
            "country": lookup([reg[1] for reg in regions], region),
            "state": lookup(flat(9), region * 3 + city),
            "city": lookup(flat(8), region * 3 + city),
            "utc_offset": local_offset_hours(region, last_seen),
        }
    )
    return table, {"contact": owner, "has_email": has_email, "account_customer": account_customer}
