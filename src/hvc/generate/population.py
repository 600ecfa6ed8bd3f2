"""The software company's customers and their contacts, with the planted license-3 propensity.

Also turns canonical emails and domains into the messy forms each tool records.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hvc.generate import catalog as cat
from hvc.generate.util import child_rng, group_starts, join, lookup, rank_in_group, strs, where

JUNK_EMAILS = ["test@test.com", "noreply@", "none", "", "-1"]
PLUS_TAGS = ["shop", "wp", "news", "support", "billing"]


@dataclass
class Population:
    """Customers (index ``i`` is customer ``i + 1``) and contacts (``j`` is contact ``j + 1``)."""

    n: int
    intercept: float
    # customers
    is_business: np.ndarray
    industry: np.ndarray
    region: np.ndarray
    employees: np.ndarray
    engagement: np.ndarray
    probability: np.ndarray
    bought: np.ndarray
    signup_s: np.ndarray
    acquisition: np.ndarray
    n_contacts: np.ndarray
    first_contact: np.ndarray
    domain: pa.Array
    company_name: pa.Array
    # contacts
    contact_customer: np.ndarray
    first_idx: np.ndarray
    last_idx: np.ndarray
    local_a: pa.Array
    sep: pa.Array
    local_b: pa.Array
    digits: pa.Array
    email_domain: pa.Array
    is_gmail: np.ndarray

    @property
    def m(self) -> int:
        """Number of contacts."""
        return len(self.contact_customer)

    def canonical_email(self) -> pa.Array:
        """Lower-case canonical email of every contact (gmail without dots)."""
        return join(self.local_a, self.sep, self.local_b, self.digits, "@", self.email_domain)


def _employee_range(employees: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.array(cat.EMPLOYEE_BOUNDS), employees, side="left")


def _tune_intercept(base: np.ndarray, target: float) -> float:
    lo, hi = -10.0, 10.0
    for _ in range(60):
        mid = (lo + hi) / 2
        rate = float(np.mean(1 / (1 + np.exp(-(mid + base)))))
        lo, hi = (mid, hi) if rate < target else (lo, mid)
    return (lo + hi) / 2


def _domains(rng: np.random.Generator, k: int) -> tuple[pa.Array, pa.Array]:
    """Return ``k`` distinct business domains and matching company names."""
    words_a, words_b = cat.COMPANY_WORDS_A, cat.COMPANY_WORDS_B
    sizes = (len(words_a), len(words_b), len(cat.COMPANY_SUFFIXES), len(cat.COMPANY_TLDS))
    space = int(np.prod(sizes))
    picks = rng.permutation(max(space, k))[:k] if k > space else rng.choice(space, k, replace=False)
    overflow = picks // space
    picks = picks % space
    ia, rest = picks % sizes[0], picks // sizes[0]
    ib, rest = rest % sizes[1], rest // sizes[1]
    isuf, itld = rest % sizes[2], rest // sizes[2]
    a, b = lookup(words_a, ia), lookup(words_b, ib)
    suffix = lookup(cat.COMPANY_SUFFIXES, isuf)
    has_suffix = isuf > 0
    number = where(overflow > 0, strs(overflow + 1), "")
    stem = join(a, b, where(has_suffix, join("-", suffix), ""), number)
    domain = join(stem, ".", lookup(cat.COMPANY_TLDS, itld))
    name = join(
        pc.utf8_capitalize(join(a, b)),
        where(has_suffix, join(" ", pc.utf8_capitalize(suffix)), ""),
        where(overflow > 0, join(" ", strs(overflow + 1)), ""),
    )
    return domain, name


def build_population(n: int, seed: int) -> Population:
    """Draw ``n`` customers with contacts and the planted license-3 outcome."""
    rng = child_rng(seed, "population")
    is_business = rng.random(n) < 0.70
    industry = rng.choice(len(cat.INDUSTRIES), n, p=_norm([r[1] for r in cat.INDUSTRIES]))
    region = rng.choice(len(cat.REGIONS), n, p=_norm([r[5] for r in cat.REGIONS]))
    employees = np.where(
        is_business,
        np.clip(np.round(np.exp(rng.normal(np.log(25), 1.5, n))), 2, 50_000),
        1,
    ).astype(np.int64)
    engagement = rng.normal(0.0, 1.0, n)
    ind_eff = np.array([r[2] for r in cat.INDUSTRIES])[industry]
    reg_eff = np.array([r[6] for r in cat.REGIONS])[region]
    base = (
        ind_eff + reg_eff + cat.SIZE_COEF * np.log10(employees) + cat.ENGAGEMENT_COEF * engagement
    )
    intercept = _tune_intercept(base, cat.LICENSE_3_TARGET_RATE)
    probability = 1 / (1 + np.exp(-(intercept + base)))
    bought = rng.random(n) < probability
    signup_s = rng.integers(cat.START_S, cat.END_S - 45 * cat.DAY_S, n)
    acquisition = rng.choice(len(cat.ACQUISITION), n, p=_norm([a[2] for a in cat.ACQUISITION]))

    extra = np.minimum(rng.poisson(0.8, n), 7)
    n_contacts = np.where(is_business, 1 + extra, 1).astype(np.int64)
    first_contact = group_starts(n_contacts)
    m = int(n_contacts.sum())
    contact_customer = np.repeat(np.arange(n), n_contacts)
    k = rank_in_group(n_contacts)

    biz_idx = np.flatnonzero(is_business)
    biz_domain, biz_name = _domains(rng, len(biz_idx))
    domain = pa.nulls(n, pa.string())
    company_name = pa.nulls(n, pa.string())
    pos = np.full(n, -1)
    pos[biz_idx] = np.arange(len(biz_idx))
    domain = pc.take(biz_domain, pa.array(np.where(pos >= 0, pos, 0)))
    domain = where(is_business, domain, pa.scalar(None, pa.string()))
    company_name = where(
        is_business,
        pc.take(biz_name, pa.array(np.where(pos >= 0, pos, 0))),
        pa.scalar(None, pa.string()),
    )

    nf, nl = len(cat.FIRST_NAMES), len(cat.LAST_NAMES)
    fbase = rng.integers(0, nf, n)
    lbase = rng.integers(0, nl, n)
    first_idx = (fbase[contact_customer] + 7 * k) % nf
    last_idx = (lbase[contact_customer] + 11 * k) % nl
    first_lc = lookup([f.lower() for f in cat.FIRST_NAMES], first_idx)
    last_lc = lookup([x.lower() for x in cat.LAST_NAMES], last_idx)

    # Business address styles: first.last, flast, first. Individuals: first[sep]last<digits>.
    style = rng.integers(0, 3, n)[contact_customer]
    c_biz = is_business[contact_customer]
    provider = rng.choice(len(cat.FREEMAIL), n, p=_norm([f[1] for f in cat.FREEMAIL]))
    c_provider = provider[contact_customer]
    is_gmail = ~c_biz & (c_provider == 0)
    ind_sep = np.where(is_gmail, 0, rng.integers(0, 3, m))
    local_a = where(c_biz & (style == 1), pc.utf8_slice_codeunits(first_lc, 0, 1), first_lc)
    sep = where(
        c_biz,
        where(style == 0, ".", ""),
        lookup(["", ".", "_"], ind_sep),
    )
    local_b = where(c_biz & (style == 2), "", last_lc)
    contact_ids = np.arange(1, m + 1)
    digits = where(c_biz, "", strs(contact_ids))
    email_domain = where(
        c_biz,
        pc.take(domain, pa.array(contact_customer)),
        lookup([f[0] for f in cat.FREEMAIL], c_provider),
    )
    return Population(
        n=n,
        intercept=intercept,
        is_business=is_business,
        industry=industry,
        region=region,
        employees=employees,
        engagement=engagement,
        probability=probability,
        bought=bought,
        signup_s=signup_s,
        acquisition=acquisition,
        n_contacts=n_contacts,
        first_contact=first_contact,
        domain=domain,
        company_name=company_name,
        contact_customer=contact_customer,
        first_idx=first_idx,
        last_idx=last_idx,
        local_a=local_a,
        sep=sep,
        local_b=local_b,
        digits=digits,
        email_domain=email_domain,
        is_gmail=is_gmail,
    )


def _norm(weights: list[float]) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


def employee_range_labels(employees: np.ndarray) -> pa.Array:
    """Return the employee-range label of each employee count."""
    return lookup(cat.EMPLOYEE_RANGES, _employee_range(employees))


def first_names(pop: Population, cidx: np.ndarray) -> pa.Array:
    """Proper-case first names of the given contacts."""
    return lookup(cat.FIRST_NAMES, pop.first_idx[cidx])


def last_names(pop: Population, cidx: np.ndarray) -> pa.Array:
    """Proper-case last names of the given contacts."""
    return lookup(cat.LAST_NAMES, pop.last_idx[cidx])


def messy_emails(
    pop: Population,
    cidx: np.ndarray,
    rng: np.random.Generator,
    junk_rate: float = 0.0,
    p_case: float = 0.08,
    p_space: float = 0.04,
    p_plus: float = 0.05,
) -> pa.Array:
    """Emails of contacts ``cidx`` as a tool records them: case, spaces, plus-tags, gmail forms.

    A ``junk_rate`` share is replaced by junk (``test@test.com``, ``noreply@<domain>``, ``none``,
    empty, ``-1``).
    """
    n = len(cidx)
    take = pa.array(cidx)
    gmail = pop.is_gmail[cidx]
    dotted = gmail & (rng.random(n) < 0.35)
    alias = gmail & (rng.random(n) < 0.15)
    plus = rng.random(n) < p_plus
    sep = where(dotted, ".", pc.take(pop.sep, take))
    domain = where(alias, "googlemail.com", pc.take(pop.email_domain, take))
    tag = join("+", lookup(PLUS_TAGS, rng.integers(0, len(PLUS_TAGS), n)))
    email = join(
        pc.take(pop.local_a, take),
        sep,
        pc.take(pop.local_b, take),
        pc.take(pop.digits, take),
        where(plus, tag, ""),
        "@",
        domain,
    )
    u = rng.random(n)
    email = where(u < p_case / 2, pc.utf8_upper(email), email)
    email = where((u >= p_case / 2) & (u < p_case), pc.utf8_capitalize(email), email)
    s = rng.random(n)
    email = where(s < p_space / 2, join(" ", email), email)
    email = where((s >= p_space / 2) & (s < p_space), join(email, " "), email)
    if junk_rate > 0:
        j = rng.random(n) < junk_rate
        kind = rng.integers(0, len(JUNK_EMAILS), n)
        junk = lookup(JUNK_EMAILS, kind)
        junk = where(kind == 1, join("noreply@", domain), junk)
        email = where(j, junk, email)
    return email


def messy_websites(domain: pa.Array, rng: np.random.Generator) -> pa.Array:
    """Websites for domains as typed into a CRM: scheme, www, trailing path and case vary."""
    n = len(domain)
    scheme = lookup(["", "http://", "https://", "https://"], rng.integers(0, 4, n))
    www = where(rng.random(n) < 0.45, "www.", "")
    path = lookup(["", "", "/", "/about", "/home/"], rng.integers(0, 5, n))
    site = join(scheme, www, domain, path)
    u = rng.random(n)
    site = where(u < 0.06, pc.utf8_upper(site), site)
    return where((u >= 0.06) & (u < 0.12), pc.utf8_capitalize(site), site)
