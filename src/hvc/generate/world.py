"""Orchestrates one demo world: raw source files, ground truth and the manifest."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from hvc.generate import catalog as cat
from hvc.generate.marketing import drip, hubspot
from hvc.generate.messy import PROFILES, MessyRates, MessyWorld, plan_messy
from hvc.generate.mturk import mturk
from hvc.generate.population import Population, build_population, employee_range_labels
from hvc.generate.retail import BGNBD, CHANGERS, GAMMA_GAMMA, online_retail
from hvc.generate.shop import edd_payments, ga_events
from hvc.generate.support import helpscout_conversations, intercom
from hvc.generate.util import join, lookup
from hvc.generate.writer import SHAPES, RawWriter

Progress = Callable[[str, int, int], None]

STEPS = [
    "population",
    "edd.payments",
    "google_analytics.events",
    "helpscout.conversations",
    "intercom",
    "drip",
    "hubspot",
    "mturk.batch_results",
    "online_retail.invoice_lines",
    "sources written",
    "truth",
    "manifest",
]

TRUTH_README = """# Ground truth of the demo world

Written by the generator next to `raw/`; the warehouse never reads it. It is the answer key the
identity, propensity and value stages are graded against. Seed {seed}, {n_customers} customers,
history {start} to {as_of}.

- `customers.parquet`: one row per customer of the software company: `kind` (business or
  individual), `domain`, firmographics, `region`, latent `engagement`, and the planted
  `true_license_3_probability`, the drawn `bought_license_3` and `first_license_3_at` (UTC).
- `contacts.parquet`: one row per person: `contact_id`, `customer_id`, the canonical `email`
  (lower case, no plus-tag, gmail without dots) and `name`.
- `records.parquet`: the true `customer_id` behind every raw record that has an id
  (`source`, `table_name`, `record_id` as written in the raw file). Per-row ids for payments,
  conversations, contacts, subscribers, HubSpot records and MTurk assignments;
  `user_pseudo_id|user_id` for GA events (the browser and the account logged in, `user_id`
  empty for anonymous events), the subscriber id for Drip events, `Company ID|Month` for
  social impressions and `InvoiceNo` for retail lines (customer_id there is the retail
  `CustomerID`). Rows whose id was blanked on purpose have a null `record_id` and
  `record_issue = missing_id`; otherwise `record_issue` is null, `duplicate` or the malformed
  reason of that row (per-row ids only).
  A null `customer_id` means no customer: staff purchases, anonymous visitors, guest invoices.
- `retail_customers.parquet`: per retail CustomerID the BG/NBD `lambda` (purchases per week)
  and `p_dropout`, the Gamma-Gamma `spend_p` and `spend_nu` (`mean_spend = spend_p / spend_nu`),
  and a `value_tier` (top 5 % / high 15 % / medium 30 % / low 50 % of
  `value_score = lambda * mean_spend / p_dropout`). A few customers change behaviour
  (`behaviour`: `riser` or `faller`, `steady` for the rest; shares and rates in
  `manifest.json` key `planted.online_retail.changers`): a riser bought once, small, and became
  a frequent big buyer at `behaviour_changed_at` (within the last year); a faller was a
  frequent big buyer from early on and stopped at `behaviour_changed_at` (over a year before
  the end). Their `lambda` is the rate now (a faller's 0, `p_dropout` 1) and `value_tier`
  follows; the BG/NBD and Gamma-Gamma draws describe the steady customers only.

Planted license-3 model (log-odds): see `manifest.json` key `planted`.
"""

MESSY_README = """
## The messy profile

This world was generated with `--profile messy`: on top of the demo's patterns it plants what
real CRM, shop and chat exports hold (shares in `manifest.json` key `messy.rates`, counts in
`messy.relationships` and `messy.planted_values`). Regional free-mail addresses are people's
canonical addresses in `contacts.parquet`. Three more files:

- `relationships.parquet`: `from_customer_id`, `to_customer_id`, `kind`: `agency_of`,
  `consultant_of`, `reseller_of` (a business customer's staff have HubSpot contacts filed under
  the client's company), `parent_of` and `subsidiary_of` (each side's staff filed under the
  other's company), `shares_browser` (a GA4 browser of the first customer's person carries the
  second's shop user id) and `shares_chat_contact` (an Intercom contact of the first customer's
  person has the second's shop customer id as `external_id`). Separate true customers: a
  record keeps the customer of the person behind it (a browser's anonymous events its owner's,
  a chat contact with an address the chatting person's, a CRM contact the staffer's), except
  that a record whose only identity is a shop account is that account's: a GA4 event logged
  in (GA4's User-ID) and a chat contact with no address of its own, which Intercom knows only
  by the account's `external_id`.
- `planted.parquet`: every planted value: `pattern`, `source`, `table_name`, `customer_id` (the
  true customer of the record) and `value` (`agency_crm_contact` and
  `parent_subsidiary_crm_contact`: the company id it is filed under; `shared_browser`: a
  shop user id (`user_id`) of another customer on the person's browser; `shared_chat_contact`:
  the `external_id`; `regional_free_mail`: the
  provider; `apple_relay`, `junk_email`: the address; `junk_tool_customer`: the id EDD or Help
  Scout gives a junk address; `path_website`: the URL; `email_format`: the format and the
  text written).
- `contact_emails.parquet`: every address a person uses, as identity reads it (lower case,
  no `+tag`, Gmail without dots): `contact_id`, `customer_id`, `email`, `kind` (`primary`, the
  canonical address of `contacts.parquet`; `apple_relay`; `alias`, a staffer's free-mail
  address on a client's CRM contact). Junk addresses are nobody's.
"""


def generator_fingerprint() -> str:
    """A short SHA-256 of the generator's own source (every module of `hvc.generate`): two
    worlds with the same seed, size and fingerprint are the same bytes, so a folder written by
    an older generator is told from a current one."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _customers_truth(pop: Population, first_l3_s: np.ndarray) -> pa.Table:
    regions = cat.REGIONS
    return pa.table(
        {
            "customer_id": np.arange(1, pop.n + 1),
            "kind": lookup(["individual", "business"], pop.is_business.astype(np.int64)),
            "domain": pop.domain,
            "company_name": pop.company_name,
            "industry": lookup([i[0] for i in cat.INDUSTRIES], pop.industry),
            "employees": pop.employees,
            "employee_range": employee_range_labels(pop.employees),
            "territory": lookup([r[4] for r in regions], pop.region),
            "country": lookup([r[1] for r in regions], pop.region),
            "timezone": lookup([r[2] for r in regions], pop.region),
            "utc_offset": np.array([r[3] for r in regions])[pop.region],
            "region": lookup([r[0] for r in regions], pop.region),
            "acquisition_source": lookup([a[0] for a in cat.ACQUISITION], pop.acquisition),
            "acquisition_medium": lookup([a[1] for a in cat.ACQUISITION], pop.acquisition),
            "signup_at": pa.array(pop.signup_s * 1_000_000, pa.timestamp("us")),
            "engagement": pop.engagement,
            "true_license_3_probability": pop.probability,
            "bought_license_3": pop.bought,
            "first_license_3_at": pa.array(
                first_l3_s * 1_000_000, pa.timestamp("us"), mask=first_l3_s < 0
            ),
        }
    )


def _contacts_truth(pop: Population) -> pa.Table:
    return pa.table(
        {
            "contact_id": np.arange(1, pop.m + 1),
            "customer_id": pop.contact_customer + 1,
            "email": pop.canonical_email(),
            "name": join(
                lookup(cat.FIRST_NAMES, pop.first_idx), " ", lookup(cat.LAST_NAMES, pop.last_idx)
            ),
        }
    )


def _planted(pop: Population) -> dict:
    return {
        "license_3_model": {
            "intercept": round(pop.intercept, 6),
            "industry": {i[0]: i[2] for i in cat.INDUSTRIES},
            "region": {r[0]: r[6] for r in cat.REGIONS},
            "log10_employees": cat.SIZE_COEF,
            "engagement": cat.ENGAGEMENT_COEF,
            "target_rate": cat.LICENSE_3_TARGET_RATE,
            "realised_rate": round(float(pop.bought.mean()), 6),
        },
        "online_retail": {"bgnbd": BGNBD, "gamma_gamma": GAMMA_GAMMA, "changers": CHANGERS},
    }


@dataclass(frozen=True)
class Volume:
    """How much every customer does, against the demo company (1 = as it does): a knob for
    benchmarks at a real company's volume. The customers, their purchases and what they are
    worth are the same whatever the volume: `order_lines` scales the lines of a shop invoice
    (its value is split over more lines), `tickets` the Help Scout and Intercom conversations
    each customer starts. At 1 M customers, `Volume(order_lines=3.4, tickets=1.55)` gives
    about 20 M order lines and 2 M tickets."""

    order_lines: float = 1.0
    tickets: float = 1.0

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not 0 < value <= 100:
                raise ValueError(f"volume {name} must be above 0 and at most 100, not {value}")


def _write_sources(
    pop: Population,
    writer: RawWriter,
    seed: int,
    n_customers: int,
    step: Callable[[str], None],
    messy: MessyWorld | None,
    volume: Volume,
) -> tuple[dict, pa.Table, pa.Table]:
    edd = edd_payments(pop, writer, seed, messy)
    step("edd.payments")
    ga_events(pop, edd["edd_id"], writer, seed, messy)
    step("google_analytics.events")
    helpscout_conversations(pop, writer, seed, messy, volume.tickets)
    step("helpscout.conversations")
    intercom(pop, edd["edd_id"], writer, seed, messy, volume.tickets)
    step("intercom")
    drip(pop, edd["edd_id"], writer, seed, messy)
    step("drip")
    companies = hubspot(pop, edd["edd_id"], writer, seed, messy)
    step("hubspot")
    mturk(pop, companies, writer, seed, messy)
    step("mturk.batch_results")
    retail = online_retail(max(300, n_customers // 5), writer, seed, volume.order_lines)
    step("online_retail.invoice_lines")
    return edd, companies, retail


def generate_world(
    out_dir: str | Path,
    n_customers: int = 5000,
    seed: int = 42,
    progress: Progress | None = None,
    shape: str = "real",
    profile: str = "demo",
    rates: MessyRates | None = None,
    volume: Volume | None = None,
) -> dict:
    """Generate the demo world's raw files, ground truth and manifest under ``out_dir``.

    Replaces ``<out_dir>/raw`` and ``<out_dir>/truth``. The same ``seed``, ``n_customers``,
    ``shape``, ``profile`` and ``rates`` give byte-identical files; the two shapes hold the
    same records and truth.

    Parameters
    ----------
    out_dir
        Folder to write ``raw/<source>/...``, ``truth/`` and ``manifest.json`` into.
    n_customers
        Customers of the software company; the retailer gets ``max(300, n_customers // 5)``.
    seed
        Seed of every random draw.
    progress
        Optional ``callable(step, done, total)`` called as each step finishes.
    shape
        ``real`` (default): the tools' export shapes, API list pages one per line (EDD sales,
        Help Scout conversations, Intercom conversations and contacts, Drip subscribers) and
        GA4's daily ``events_YYYYMMDD.parquet`` files, nested. ``flat``: one record per line,
        GA4 flattened into one ``events.parquet``.
    profile
        ``demo`` (default): the demo company. ``messy``: the demo's patterns plus what real
        CRM, shop and chat exports hold (agencies, parents and subsidiaries, shared browsers
        and chat contacts, regional free-mail and relay addresses, shared junk, path-style
        websites, formatted emails: ``hvc.generate.messy``), with three more truth files.
    rates
        The messy profile's shares (default ``MessyRates()``); only with ``profile="messy"``.
    volume
        Order lines and tickets per customer against the demo's (default ``Volume()``: the
        demo's); a world with another volume says so in its manifest (key ``volume``).

    Returns
    -------
    dict
        The manifest, also written to ``<out_dir>/manifest.json``.
    """
    if n_customers < 100:
        raise ValueError("n_customers must be at least 100")
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {', '.join(SHAPES)}, not {shape!r}")
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}, not {profile!r}")
    if rates is not None and profile != "messy":
        raise ValueError("rates apply to the messy profile only")
    out = Path(out_dir)
    for sub in ("raw", "truth"):
        shutil.rmtree(out / sub, ignore_errors=True)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    total = len(STEPS)
    done = 0

    def step(name: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(name, done, total)

    pop = build_population(n_customers, seed)
    messy = None
    if profile == "messy":
        pop, messy = plan_messy(pop, seed, rates or MessyRates())
    step("population")
    writer = RawWriter(out, shape=shape)
    try:
        edd, companies, retail = _write_sources(
            pop, writer, seed, n_customers, step, messy, volume or Volume()
        )
    finally:
        writer.close()
    step("sources written")

    truth = {
        "customers": _customers_truth(pop, edd["first_l3_s"]),
        "contacts": _contacts_truth(pop),
        "retail_customers": retail,
    }
    if messy is not None:
        truth |= messy.truth_tables()
    truth_rows = {name: t.num_rows for name, t in truth.items()}
    truth_rows["records"] = writer.record_rows
    truth_files = ["truth/records.parquet"]
    for name, table in truth.items():
        path = out / "truth" / f"{name}.parquet"
        pq.write_table(table, path, compression="zstd", row_group_size=1_000_000)
        truth_files.append(str(path.relative_to(out)))
    manifest = {
        "generator": generator_fingerprint(),
        "seed": seed,
        "n_customers": n_customers,
        "shape": shape,
        "n_retail_customers": len(retail),
        "history_start_date": cat.HISTORY_START.isoformat(),
        "as_of_date": cat.AS_OF_DATE.isoformat(),
        "tables": writer.tables,
        "truth": {
            "files": sorted(truth_files),
            "rows": dict(sorted(truth_rows.items())),
        },
        "planted": _planted(pop),
    }
    if volume is not None and volume != Volume():
        manifest["volume"] = asdict(volume)
    if messy is not None:
        manifest["profile"] = profile
        manifest["messy"] = messy.manifest_entry(truth)
    readme = TRUTH_README.format(
        seed=seed, n_customers=n_customers, start=cat.HISTORY_START, as_of=cat.AS_OF_DATE
    )
    if messy is not None:
        readme += MESSY_README
    (out / "truth" / "README.md").write_text(readme)
    step("truth")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    step("manifest")
    return manifest
