"""Drawing a messy world's plan from a demo population: who is an agency, whose client, which
households share a browser, who has a relay address, whose website is a path."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hvc.generate import catalog as cat
from hvc.generate.messy.rates import (
    AGENCY_KINDS,
    ALIAS_FREE_MAIL,
    ALIAS_WORDS,
    GLOBAL_FREE_MAIL,
    PATH_HOSTS,
    REGIONAL_FREE_MAIL,
    REGIONAL_SHARE_AT_HOME,
    RELAY_DOMAIN,
    MessyRates,
)
from hvc.generate.messy.world import CrmContacts, MessyWorld
from hvc.generate.population import Population, first_names, last_names
from hvc.generate.util import ALNUM_LOWER, child_rng, join, lookup, rand_strings, where


def plan_messy(pop: Population, seed: int, rates: MessyRates) -> tuple[Population, MessyWorld]:
    """Draw the messy world's plan from a demo population.

    Returns the population with regional free-mail addresses (the truth's canonical emails
    change with them) and the plan every source module reads.
    """
    rng = child_rng(seed, "messy/plan")
    pop = _regional_free_mail(pop, child_rng(seed, "messy/population"), rates)
    world = MessyWorld(
        pop=pop,
        seed=seed,
        rates=rates,
        relationships=[],
        crm=CrmContacts(
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
            [],
            np.zeros(0, np.int64),
            pa.array([], pa.string()),
        ),
        partner=np.full(pop.m, -1, dtype=np.int64),
        relay=pa.nulls(pop.m, pa.string()),
        path_host=np.full(pop.n, -1, dtype=np.int64),
        path_site=pa.nulls(pop.n, pa.string()),
        browser_owner=np.zeros(0, np.int64),
        browser_pool=[],
        chat_owner=np.zeros(0, np.int64),
        chat_account=np.zeros(0, np.int64),
    )
    business = np.flatnonzero(pop.is_business)
    individual = np.flatnonzero(~pop.is_business)
    agencies, kinds, engagements = _agencies(rng, business, rates)
    parents, subsidiaries = _parents(rng, np.setdiff1d(business, agencies), rates)
    for code, kind in enumerate(AGENCY_KINDS):
        mine = kinds[engagements[:, 0]] == code
        world.relate(kind, agencies[engagements[mine, 0]], engagements[mine, 1])
    world.relate("parent_of", parents, subsidiaries)
    world.relate("subsidiary_of", subsidiaries, parents)
    world.crm = _crm_contacts(rng, pop, agencies, kinds, engagements, parents, subsidiaries, rates)
    world.aliases.append((world.crm.staff[world.crm.address == 2], _aliases(world.crm), "alias"))
    world.partner = _households(rng, pop, individual, rates)
    world.relay = _relay(rng, pop, rates)
    world.path_host, world.path_site = _path_sites(rng, pop, business, rates)
    regional = _regional_contacts(pop)
    world.plant(
        "regional_free_mail",
        None,
        pop.contact_customer[regional],
        pc.take(pop.email_domain, pa.array(regional)),
    )
    _shared_sessions(world, rng, agencies, engagements)
    return pop, world


def _regional_free_mail(pop: Population, rng: np.random.Generator, rates: MessyRates) -> Population:
    """Move a share of individuals to regional free-mail providers (their canonical address)."""
    individual = ~pop.is_business[pop.contact_customer]
    pick = individual & (rng.random(pop.m) < rates.regional_free_mail)
    region = pop.region[pop.contact_customer]
    at_home = rng.random(pop.m) < REGIONAL_SHARE_AT_HOME
    names = [r[0] for r in cat.REGIONS]
    lists = [_home_providers(name) for name in names]
    home = np.array([len(lists[r]) > 0 for r in range(len(names))])[region]
    use_home = at_home & home
    domains = np.empty(pop.m, dtype=object)
    for r, providers in enumerate(lists):
        rows = np.flatnonzero(use_home & (region == r))
        if len(rows):
            domains[rows] = np.asarray(providers, dtype=object)[_zipf(rng, len(providers), rows)]
    rest = np.flatnonzero(~use_home)
    domains[rest] = np.asarray(GLOBAL_FREE_MAIL, dtype=object)[
        _zipf(rng, len(GLOBAL_FREE_MAIL), rest)
    ]
    regional = pa.array(np.where(pick, domains, None), pa.string())
    return replace(
        pop,
        email_domain=pc.coalesce(regional, pop.email_domain),
        is_gmail=pop.is_gmail & ~pick,
    )


def _home_providers(region: str) -> tuple[str, ...]:
    if region.startswith("US ") or region == "Alaska":
        return REGIONAL_FREE_MAIL["US"]
    return REGIONAL_FREE_MAIL.get(region, ())


def _regional_contacts(pop: Population) -> np.ndarray:
    providers = {d for values in REGIONAL_FREE_MAIL.values() for d in values}
    providers |= set(GLOBAL_FREE_MAIL)
    found = pc.is_in(pop.email_domain, pa.array(sorted(providers)))
    return np.flatnonzero(found.to_numpy(zero_copy_only=False))


def _zipf(rng: np.random.Generator, k: int, rows: np.ndarray) -> np.ndarray:
    weights = 1.0 / np.arange(1, k + 1)
    return rng.choice(k, len(rows), p=weights / weights.sum())


def _agencies(
    rng: np.random.Generator, business: np.ndarray, rates: MessyRates
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Agencies, their kind codes and their engagements (agency position, client customer)."""
    n_agencies = round(rates.agency_share * len(business))
    if n_agencies == 0 or len(business) < 3:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, 2), np.int64)
    agencies = np.sort(rng.choice(business, n_agencies, replace=False))
    weights = np.asarray(rates.agency_kind_weights, dtype=float)
    kinds = rng.choice(len(AGENCY_KINDS), n_agencies, p=weights / weights.sum())
    low, high = rates.agency_clients
    clients_of = rng.integers(low, high + 1, n_agencies)
    pool = np.setdiff1d(business, agencies)
    owner = np.repeat(np.arange(n_agencies), clients_of)
    client = pool[rng.integers(0, len(pool), len(owner))]
    pairs = np.unique(np.stack([owner, client], axis=1), axis=0)
    return agencies, kinds, pairs


def _parents(
    rng: np.random.Generator, business: np.ndarray, rates: MessyRates
) -> tuple[np.ndarray, np.ndarray]:
    """Parent and subsidiary customers, one pair per row; a subsidiary has one parent."""
    n_parents = round(rates.parent_share * len(business))
    if n_parents == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    shuffled = rng.permutation(business)
    parents = shuffled[:n_parents]
    per = rng.integers(1, 4, n_parents)
    subsidiaries = shuffled[n_parents : n_parents + int(per.sum())]
    owner = np.repeat(parents, per)[: len(subsidiaries)]
    return owner, subsidiaries


def _staffer(rng: np.random.Generator, pop: Population, customers: np.ndarray) -> np.ndarray:
    """A random contact of each customer."""
    within = (rng.random(len(customers)) * pop.n_contacts[customers]).astype(np.int64)
    return pop.first_contact[customers] + within


def _crm_contacts(
    rng: np.random.Generator,
    pop: Population,
    agencies: np.ndarray,
    kinds: np.ndarray,
    engagements: np.ndarray,
    parents: np.ndarray,
    subsidiaries: np.ndarray,
    rates: MessyRates,
) -> CrmContacts:
    """The client-filed HubSpot contacts of agencies' staff and of parents' and subsidiaries'."""
    agency = agencies[engagements[:, 0]]
    client = engagements[:, 1]
    kind = kinds[engagements[:, 0]]
    second = rng.random(len(agency)) < rates.agency_second_staffer
    a_rows = np.concatenate([np.arange(len(agency)), np.flatnonzero(second)])
    a_staff = _staffer(rng, pop, agency[a_rows])
    free = rates.agency_free_mail * np.where(kind[a_rows] == 1, 2.0, 1.0)
    u = rng.random(len(a_rows))
    address = np.where(u < free, 2, np.where(u < free + rates.agency_plus_address, 1, 0)).astype(
        np.int64
    )
    a_also = np.where(rng.random(len(a_rows)) < 0.3, agency[a_rows], -1)

    # each side of a parent and subsidiary: one or two staff filed under the other's company
    side_from = np.concatenate([parents, subsidiaries])
    side_to = np.concatenate([subsidiaries, parents])
    count = 1 + (rng.random(len(side_from)) < 0.4)
    p_from = np.repeat(side_from, count)
    p_to = np.repeat(side_to, count)
    p_staff = _staffer(rng, pop, p_from)
    staff = np.concatenate([a_staff, p_staff])
    company = np.concatenate([client[a_rows], p_to])
    pattern = np.array(
        ["agency_crm_contact"] * len(a_staff) + ["parent_subsidiary_crm_contact"] * len(p_staff)
    )
    order = np.lexsort((company, staff))
    crm = CrmContacts(
        staff=staff[order],
        company_customer=company[order],
        also_customer=np.concatenate([a_also, np.full(len(p_staff), -1)])[order],
        pattern=pattern[order].tolist(),
        address=np.concatenate([address, np.zeros(len(p_staff), np.int64)])[order],
        alias=pa.nulls(len(order), pa.string()),
    )
    crm.alias = _draw_aliases(rng, pop, crm)
    return crm


def _draw_aliases(rng: np.random.Generator, pop: Population, crm: CrmContacts) -> pa.Array:
    """A free-mail alias per client-filed contact (used where ``address`` is 2)."""
    n = len(crm.staff)
    first = pc.utf8_lower(first_names(pop, crm.staff))
    last = pc.utf8_lower(last_names(pop, crm.staff))
    sep = lookup(["", ".", "_"], rng.integers(0, 3, n))
    word = lookup(list(ALIAS_WORDS), rng.integers(0, len(ALIAS_WORDS), n))
    domain = lookup(list(ALIAS_FREE_MAIL), rng.integers(0, len(ALIAS_FREE_MAIL), n))
    return join(first, sep, last, where(pc.equal(word, ""), "", join(".", word)), "@", domain)


def _aliases(crm: CrmContacts) -> pa.Array:
    return pc.filter(crm.alias, pa.array(crm.address == 2))


def _households(
    rng: np.random.Generator, pop: Population, individual: np.ndarray, rates: MessyRates
) -> np.ndarray:
    """Per contact, the contact of the individual customer they share a home with, or -1."""
    partner = np.full(pop.m, -1, dtype=np.int64)
    pairs = round(rates.household_share * len(individual) / 2)
    if pairs == 0:
        return partner
    chosen = rng.choice(individual, 2 * pairs, replace=False)
    a, b = pop.first_contact[chosen[:pairs]], pop.first_contact[chosen[pairs:]]
    partner[a], partner[b] = b, a
    return partner


def _relay(rng: np.random.Generator, pop: Population, rates: MessyRates) -> pa.Array:
    """One random relay address per relay user (individuals; business staff a quarter as
    often), null for everyone else."""
    business = pop.is_business[pop.contact_customer]
    share = np.where(business, rates.apple_relay / 4, rates.apple_relay)
    user = rng.random(pop.m) < share
    local = rand_strings(rng, pop.m, 10, ALNUM_LOWER)
    return where(user, join(local, "@", RELAY_DOMAIN), pa.scalar(None, pa.string()))


def _path_sites(
    rng: np.random.Generator, pop: Population, business: np.ndarray, rates: MessyRates
) -> tuple[np.ndarray, pa.Array]:
    """Per customer the shared host of its path-style website (-1: none) and the URL."""
    host = np.full(pop.n, -1, dtype=np.int64)
    chosen = business[rng.random(len(business)) < rates.path_website]
    host[chosen] = _zipf(rng, len(PATH_HOSTS), chosen)
    name = pc.replace_substring(pc.fill_null(pop.company_name, ""), " ", "")
    slug = pc.utf8_lower(name)
    site = pa.nulls(pop.n, pa.string())
    for code, (_, pattern) in enumerate(PATH_HOSTS):
        before, after = pattern.split("{", 1)
        placeholder, rest = after.split("}", 1)
        url = join(before, name if placeholder == "name" else slug, rest)
        site = where(host == code, url, site)
    return host, site


def _shared_sessions(
    world: MessyWorld,
    rng: np.random.Generator,
    agencies: np.ndarray,
    engagements: np.ndarray,
) -> None:
    """Who shares a browser (agency staff, households) and who chats from whose account."""
    pop, rates = world.pop, world.rates
    n_agencies = len(agencies)
    browsing = np.flatnonzero(rng.random(n_agencies) < rates.agency_browser_share)
    owners, pools = [], []
    starts = np.flatnonzero(np.diff(engagements[:, 0], prepend=-1))
    parts = np.split(engagements[:, 1], starts[1:]) if len(starts) else []
    clients = {int(engagements[start, 0]): part for start, part in zip(starts, parts, strict=True)}
    for position in browsing:
        owners.append(_staffer(rng, pop, agencies[[position]])[0])
        pools.append(np.concatenate([[agencies[position]], clients.get(int(position), [])]))
    partner = world.partner
    home = np.flatnonzero(partner >= 0)
    home = home[home < partner[home]]
    shared_home = home[rng.random(len(home)) < rates.household_browser_share]
    for contact in shared_home:
        owners.append(contact)
        pools.append(pop.contact_customer[[contact, partner[contact]]])
    world.browser_owner = np.asarray(owners, dtype=np.int64)
    world.browser_pool = [np.asarray(p, dtype=np.int64) for p in pools]

    chatting = np.flatnonzero(rng.random(n_agencies) < rates.agency_chat_share)
    chat_owner, chat_account = [], []
    for position in chatting:
        mine = clients.get(int(position), np.zeros(0, np.int64))
        if len(mine) == 0:
            continue
        picked = rng.choice(mine, min(len(mine), int(rng.integers(1, 4))), replace=False)
        chat_owner.extend(_staffer(rng, pop, np.full(len(picked), agencies[position])))
        chat_account.extend(picked)
    chat_home = home[rng.random(len(home)) < rates.household_chat_share]
    chat_owner.extend(partner[chat_home])
    chat_account.extend(pop.contact_customer[chat_home])
    world.chat_owner = np.asarray(chat_owner, dtype=np.int64)
    world.chat_account = np.asarray(chat_account, dtype=np.int64)
