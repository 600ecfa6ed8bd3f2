"""Amazon Mechanical Turk: workers label each CRM company website with an industry."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hvc.generate import catalog as cat
from hvc.generate.messy import MessyWorld
from hvc.generate.population import Population
from hvc.generate.util import ALNUM_UPPER, child_rng, join, lookup, rand_strings, where
from hvc.generate.writer import BAD_TIME, MISSING_ID, RawWriter, per_row_records, plan_defects

TITLE = "Which industry is this company in? Visit the website and choose one category"


def _pacific(ts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return Pacific wall-clock seconds and whether daylight time applies (US rules)."""
    starts, ends = [], []
    for year in range(2022, 2027):
        march = dt.datetime(year, 3, 1, 10, tzinfo=dt.UTC)  # 02:00 PST = 10:00 UTC
        second_sunday = march + dt.timedelta(days=(6 - march.weekday()) % 7 + 7)
        nov = dt.datetime(year, 11, 1, 9, tzinfo=dt.UTC)  # 02:00 PDT = 09:00 UTC
        first_sunday = nov + dt.timedelta(days=(6 - nov.weekday()) % 7)
        starts.append(second_sunday.timestamp())
        ends.append(first_sunday.timestamp())
    edges = np.array(sorted(starts + ends))
    dst = np.searchsorted(edges, ts, side="right") % 2 == 1
    return ts + np.where(dst, -7, -8) * 3600, dst


def _mturk_time(ts: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    local, dst = _pacific(ts)
    return local, where(dst, "PDT", "PST")


MTURK_SQL = f"""
select
    hit_id as HITId,
    hit_type_id as HITTypeId,
    '{TITLE}' as Title,
    '$0.05' as Reward,
    {{t_creation}} as CreationTime,
    '3' as MaxAssignments,
    case when _bad = {MISSING_ID} then '' else assignment_id end as AssignmentId,
    worker_id as WorkerId,
    status as AssignmentStatus,
    {{t_accept}} as AcceptTime,
    case when _bad = {BAD_TIME} then 'Fri Jun 31 99:21:50 PDT 2024' else {{t_submit}} end
        as SubmitTime,
    cast(work_s as varchar) as WorkTimeInSeconds,
    website as "Input.website_url",
    answer as "Answer.category"
from src
"""


def _fmt(prefix: str) -> str:
    return (
        f"strftime(make_timestamp({prefix}_local * 1000000), '%a %b %d %H:%M:%S ') || {prefix}_tz"
        f" || strftime(make_timestamp({prefix}_local * 1000000), ' %Y')"
    )


def mturk(
    pop: Population,
    companies: pa.Table,
    writer: RawWriter,
    seed: int,
    messy: MessyWorld | None = None,
) -> None:
    """Write ``mturk.batch_results``: three assignments per CRM company website (in a messy
    world some are path-style, planted as such)."""
    rng = child_rng(seed, "mturk")
    customer = companies["customer"].to_numpy()
    h = len(customer)
    n_workers = max(30, h // 40)
    accuracy = rng.beta(9, 2, n_workers)
    worker_ids = join("A", rand_strings(rng, n_workers, 13, ALNUM_UPPER))
    batch = rng.integers(0, 18, h)
    batch_start = int(dt.datetime(2024, 1, 8, 17, tzinfo=dt.UTC).timestamp())
    creation = batch_start + batch * 30 * cat.DAY_S + rng.integers(0, 3600, h)
    hit_type = rand_strings(rng, 18, 30, ALNUM_UPPER)
    hit_ids = rand_strings(rng, h, 30, ALNUM_UPPER)

    a_hit = np.repeat(np.arange(h), 3)
    k = 3 * h
    j = np.tile(np.arange(3), h)
    w0 = rng.integers(0, n_workers, h)
    step1 = 1 + rng.integers(0, n_workers // 2 - 1, h)
    step2 = 1 + rng.integers(0, n_workers // 2 - 1, h)
    workers = np.stack([w0, (w0 + step1) % n_workers, (w0 + step1 + step2) % n_workers], axis=1)
    worker = workers.reshape(-1)
    accept = creation[a_hit] + rng.exponential(1.5 * cat.DAY_S, k).astype(np.int64) + 30 * j
    work = np.clip(np.round(np.exp(rng.normal(np.log(75), 0.6, k))), 8, 3600).astype(np.int64)
    submit = accept + work
    true_ind = pop.industry[customer[a_hit]]
    n_ind = len(cat.INDUSTRIES)
    right = rng.random(k) < accuracy[worker]
    wrong = (true_ind + 1 + rng.integers(0, n_ind - 1, k)) % n_ind
    answer = np.where(right, true_ind, wrong)
    status = rng.choice(3, k, p=[0.85, 0.10, 0.05])
    columns = {
        "hit_id": pc.take(hit_ids, pa.array(a_hit)),
        "hit_type_id": pc.take(hit_type, pa.array(batch[a_hit])),
        "assignment_id": rand_strings(rng, k, 30, ALNUM_UPPER),
        "worker_id": pc.take(worker_ids, pa.array(worker)),
        "status": lookup(["Approved", "Submitted", "Rejected"], status),
        "work_s": work,
        "website": pc.take(companies["website"].combine_chunks(), pa.array(a_hit)),
        "answer": lookup([i[0] for i in cat.INDUSTRIES], answer),
    }
    for name, ts in (("creation", creation[a_hit]), ("accept", accept), ("submit", submit)):
        local, tz = _mturk_time(ts)
        columns[f"{name}_local"] = local
        columns[f"{name}_tz"] = tz
    table = pa.table(columns)
    sql = MTURK_SQL.format(
        t_creation=_fmt("creation"), t_accept=_fmt("accept"), t_submit=_fmt("submit")
    )
    key = "mturk.batch_results"
    reasons = ["missing_id", "unparseable_timestamp"]
    plan = plan_defects(rng, k, reasons)
    writer.write(key, table, plan, sql, reasons, "batch_results.csv")
    per_row_records(writer, key, table["assignment_id"].combine_chunks(), customer[a_hit] + 1, plan)
    if messy is not None:
        path = messy.path_host[customer[a_hit]] >= 0
        messy.plant(
            "path_website",
            key,
            customer[a_hit][path],
            pc.filter(columns["website"], pa.array(path)),
        )
