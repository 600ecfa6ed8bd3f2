"""``MessyWorld``: the messy plan, each table's part of it (addresses, websites), and the truth
of what was planted."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hvc.generate.messy.rates import (
    JUNK_EMAILS,
    JUNK_TABLES,
    RELATIONSHIP_KINDS,
    RELAY_USE,
    SEPARATORS,
    SPACES,
    TABLE_FORMATS,
    MessyRates,
)
from hvc.generate.population import Population, first_names, last_names
from hvc.generate.util import child_rng, join, lookup, strs, where

PLANTED_SCHEMA = pa.schema(
    [
        ("pattern", pa.string()),
        ("source", pa.string()),
        ("table_name", pa.string()),
        ("customer_id", pa.int64()),
        ("value", pa.string()),
    ]
)


@dataclass
class CrmContacts:
    """HubSpot contacts of one customer's staff filed under another customer's company.

    Per contact: the staffer (contact index), the customer whose company it is filed under, a
    second associated customer or -1, the pattern, and how the address is written (0 the
    staffer's own, 1 a per-client plus address, 2 a free-mail alias in ``alias``).
    """

    staff: np.ndarray
    company_customer: np.ndarray
    also_customer: np.ndarray
    pattern: list[str]
    address: np.ndarray
    alias: pa.Array


@dataclass
class MessyWorld:
    """What a messy world plants, drawn once from the population; sources ask for their part.

    Customers are 0-based indices here (truth ids are ``index + 1``), contacts too.
    """

    pop: Population
    seed: int
    rates: MessyRates
    relationships: list[tuple[np.ndarray, np.ndarray, str]]
    crm: CrmContacts
    partner: np.ndarray
    relay: pa.Array
    path_host: np.ndarray
    path_site: pa.Array
    browser_owner: np.ndarray
    browser_pool: list[np.ndarray]
    chat_owner: np.ndarray
    chat_account: np.ndarray
    planted: list[pa.Table] = field(default_factory=list)
    aliases: list[tuple[np.ndarray, pa.Array, str]] = field(default_factory=list)

    # -- bookkeeping -------------------------------------------------------------------------

    def plant(
        self,
        pattern: str,
        key: str | None,
        customers: np.ndarray,
        values: pa.Array | str,
    ) -> None:
        """Record planted values: the pattern, table (``source.table``), true customer."""
        n = len(customers)
        if n == 0:
            return
        source, table = key.split(".", 1) if key else (None, None)
        if isinstance(values, str):
            values = pa.repeat(pa.scalar(values), n)
        self.planted.append(
            pa.table(
                {
                    "pattern": pa.repeat(pa.scalar(pattern), n),
                    "source": pa.repeat(pa.scalar(source, pa.string()), n),
                    "table_name": pa.repeat(pa.scalar(table, pa.string()), n),
                    "customer_id": pa.array(np.asarray(customers, dtype=np.int64) + 1),
                    "value": values.cast(pa.string()),
                },
                schema=PLANTED_SCHEMA,
            )
        )

    def relate(self, kind: str, source: np.ndarray, target: np.ndarray) -> None:
        """Record relationships ``source`` -> ``target`` (customer indices) of one kind."""
        if kind not in RELATIONSHIP_KINDS:
            raise ValueError(f"unknown relationship kind {kind!r}")
        keep = source != target
        self.relationships.append((source[keep], target[keep], kind))

    # -- emails ------------------------------------------------------------------------------

    def emails(
        self,
        key: str,
        email: pa.Array,
        contacts: np.ndarray,
        rows: np.ndarray | None = None,
    ) -> tuple[pa.Array, np.ndarray]:
        """A table's emails with relay addresses, shared junk and formats planted.

        Parameters
        ----------
        key : the table, ``source.table``.
        email : the addresses as the demo writes them, one per row.
        contacts : the contact (person) of each row.
        rows : rows that may change (default all), e.g. customers' payments, not staff's.

        Returns
        -------
        The emails, and per row the index into ``JUNK_EMAILS`` of its junk address or -1.
        """
        rng = child_rng(self.seed, f"messy/{key}/emails")
        n = len(email)
        may = np.ones(n, dtype=bool) if rows is None else np.asarray(rows, dtype=bool)
        customers = self.pop.contact_customer[contacts]
        has_address = may & _has_address(email)

        # Apple relay: a relay user's records in this table carry the relay address
        share = RELAY_USE.get(key, 0.0)
        relay_user = ~pc.is_null(self.relay).to_numpy(zero_copy_only=False)
        uses = rng.random(self.pop.m) < share
        relay_rows = has_address & relay_user[contacts] & uses[contacts]
        if relay_rows.any():
            relay = pc.take(self.relay, pa.array(contacts))
            email = where(relay_rows, relay, email)
            self.plant(
                "apple_relay", key, customers[relay_rows], pc.filter(email, pa.array(relay_rows))
            )

        # shared junk typed instead of the address
        junk = np.full(n, -1, dtype=np.int64)
        if key in JUNK_TABLES:
            junk_rows = has_address & ~relay_rows & (rng.random(n) < self.rates.junk_email)
            weights = 1.0 / np.arange(1, len(JUNK_EMAILS) + 1)
            kind = rng.choice(len(JUNK_EMAILS), n, p=weights / weights.sum())
            junk[junk_rows] = kind[junk_rows]
            if junk_rows.any():
                email = where(junk_rows, lookup(list(JUNK_EMAILS), np.maximum(junk, 0)), email)
                self.plant(
                    "junk_email",
                    key,
                    customers[junk_rows],
                    lookup(list(JUNK_EMAILS), junk[junk_rows]),
                )

        # formats
        formats = TABLE_FORMATS.get(key, ())
        fmt_rows = np.flatnonzero(
            has_address & (junk < 0) & (rng.random(n) < self.rates.email_format)
        )
        if formats and len(fmt_rows):
            email = self._format(key, email, contacts, fmt_rows, formats, rng)
        return email, junk

    def _format(
        self,
        key: str,
        email: pa.Array,
        contacts: np.ndarray,
        rows: np.ndarray,
        formats: tuple[str, ...],
        rng: np.random.Generator,
    ) -> pa.Array:
        """Write the addresses of ``rows`` in one of ``formats`` each."""
        picked = np.asarray(formats)[rng.integers(0, len(formats), len(rows))]
        second = self._second_address(contacts[rows])
        picked = np.where((picked == "two_addresses") & (second < 0), "upper", picked)
        values = pc.take(email, pa.array(rows)).to_pylist()
        first = first_names(self.pop, contacts[rows]).to_pylist()
        last = last_names(self.pop, contacts[rows]).to_pylist()
        others = self.pop.canonical_email()
        other_values = pc.take(others, pa.array(np.maximum(second, 0))).to_pylist()
        space = rng.integers(0, len(SPACES), len(rows))
        side = rng.integers(0, 3, len(rows))
        sep = rng.integers(0, len(SEPARATORS), len(rows))
        out = []
        for i, (value, how) in enumerate(zip(values, picked, strict=True)):
            address = value.strip()
            if how == "whitespace":
                pad = SPACES[space[i]]
                out.append((pad if side[i] != 1 else "") + address + (pad if side[i] else ""))
            elif how == "display_name":
                out.append(f"{first[i]} {last[i]} <{address}>")
            elif how == "display_name_quoted":
                out.append(f'"{last[i]}, {first[i]}" <{address}>')
            elif how == "mailto":
                out.append(f"mailto:{address}")
            elif how == "two_addresses":
                out.append(f"{address}{SEPARATORS[sep[i]]}{other_values[i]}")
            elif how == "upper":
                out.append(address.upper())
            else:
                out.append(address + ".")
        mask = np.zeros(len(email), dtype=bool)
        mask[rows] = True
        customers = self.pop.contact_customer[contacts[rows]]
        self.plant(
            "email_format",
            key,
            customers,
            pa.array([f"{how}: {text}" for how, text in zip(picked, out, strict=True)]),
        )
        return pc.replace_with_mask(email, pa.array(mask), pa.array(out, pa.string()))

    def _second_address(self, contacts: np.ndarray) -> np.ndarray:
        """A second person whose address may share a field: a colleague, else a partner."""
        customer = self.pop.contact_customer[contacts]
        size = self.pop.n_contacts[customer]
        first = self.pop.first_contact[customer]
        colleague = np.where(size > 1, first + (contacts - first + 1) % np.maximum(size, 1), -1)
        return np.where(colleague >= 0, colleague, self.partner[contacts])

    # -- tools -------------------------------------------------------------------------------

    def junk_customer_ids(
        self, key: str, junk: np.ndarray, start: int, customers: np.ndarray
    ) -> np.ndarray:
        """The id a tool that keys its customers by email gives each junk address: one per
        address, from ``start``; -1 on rows without junk. Planted as ``junk_tool_customer``."""
        ids = np.where(junk >= 0, start + junk, -1)
        rows = junk >= 0
        self.plant("junk_tool_customer", key, customers[rows], strs(ids[rows]))
        return ids

    def websites(self, customers: np.ndarray, rng: np.random.Generator) -> pa.Array:
        """Path-style websites of customers (null where the customer has its own site), written
        the ways people copy them: with or without scheme and www, in any case."""
        site = pc.take(self.path_site, pa.array(customers))
        n = len(customers)
        bare = rng.random(n) < 0.3
        stripped = pc.replace_substring_regex(site, r"^https://(www\.)?", "")
        site = where(bare, stripped, site)
        ends = pc.fill_null(pc.ends_with(site, "/"), True).to_numpy(zero_copy_only=False)
        slash = (rng.random(n) < 0.2) & ~ends
        site = where(slash, join(site, "/"), site)
        return where(rng.random(n) < 0.1, pc.utf8_lower(site), site)

    # -- truth -------------------------------------------------------------------------------

    def truth_tables(self) -> dict[str, pa.Table]:
        """``relationships``, ``planted`` and ``contact_emails`` as written to ``truth/``."""
        return {
            "relationships": self._relationships_table(),
            "planted": self._planted_table(),
            "contact_emails": self._contact_emails_table(),
        }

    def _relationships_table(self) -> pa.Table:
        source = np.concatenate([s for s, _, _ in self.relationships] + [np.zeros(0, np.int64)])
        target = np.concatenate([t for _, t, _ in self.relationships] + [np.zeros(0, np.int64)])
        kind = np.concatenate(
            [np.full(len(s), RELATIONSHIP_KINDS.index(k)) for s, _, k in self.relationships]
            + [np.zeros(0, np.int64)]
        )
        order = np.lexsort((kind, target, source))
        keys = np.stack([source[order], target[order], kind[order]], axis=1)
        keep = np.ones(len(order), dtype=bool)
        keep[1:] = np.any(keys[1:] != keys[:-1], axis=1)
        keys = keys[keep]
        return pa.table(
            {
                "from_customer_id": pa.array(keys[:, 0] + 1, pa.int64()),
                "to_customer_id": pa.array(keys[:, 1] + 1, pa.int64()),
                "kind": lookup(list(RELATIONSHIP_KINDS), keys[:, 2]),
            }
        )

    def _planted_table(self) -> pa.Table:
        table = pa.concat_tables([PLANTED_SCHEMA.empty_table(), *self.planted])
        table = table.group_by(table.column_names, use_threads=False).aggregate([])
        return table.sort_by(
            [(name, "ascending") for name in ("pattern", "source", "table_name", "customer_id")]
            + [("value", "ascending")]
        )

    def _contact_emails_table(self) -> pa.Table:
        pop = self.pop
        parts = [(np.arange(pop.m), pop.canonical_email(), "primary")]
        relay_user = np.flatnonzero(~pc.is_null(self.relay).to_numpy(zero_copy_only=False))
        parts.append((relay_user, pc.take(self.relay, pa.array(relay_user)), "apple_relay"))
        parts.extend(self.aliases)
        contact = np.concatenate([c for c, _, _ in parts])
        email = pa.concat_arrays([pc.utf8_lower(e) for _, e, _ in parts])
        kind = pa.concat_arrays([pa.repeat(pa.scalar(k), len(c)) for c, _, k in parts])
        table = pa.table(
            {
                "contact_id": pa.array(contact + 1, pa.int64()),
                "customer_id": pa.array(pop.contact_customer[contact] + 1, pa.int64()),
                "email": _canonical(email),
                "kind": kind,
            }
        )
        table = table.group_by(table.column_names, use_threads=False).aggregate([])
        return table.sort_by([("contact_id", "ascending"), ("kind", "ascending")])

    def manifest_entry(self, truth: dict[str, pa.Table]) -> dict:
        """The manifest's ``messy`` entry: the rates, and what was planted, counted."""
        kinds = pc.value_counts(truth["relationships"]["kind"]).to_pylist()
        patterns = pc.value_counts(truth["planted"]["pattern"]).to_pylist()
        return {
            "rates": {
                name: list(value) if isinstance(value, tuple) else value
                for name, value in asdict(self.rates).items()
            },
            "relationships": {
                row["values"]: row["counts"] for row in sorted(kinds, key=lambda row: row["values"])
            },
            "planted_values": {
                row["values"]: row["counts"]
                for row in sorted(patterns, key=lambda row: row["values"])
            },
        }


def _has_address(email: pa.Array) -> np.ndarray:
    """Rows whose value looks like an address (not null, empty or a placeholder)."""
    found = pc.match_substring(pc.fill_null(email, ""), "@")
    return found.to_numpy(zero_copy_only=False)


def _canonical(email: pa.Array) -> pa.Array:
    """Addresses as identity reads them: lower case, no +tag, Gmail without dots."""
    local = pc.replace_substring_regex(email, r"\+[^@]*@", "@")
    gmail = pc.match_substring_regex(local, r"@(gmail|googlemail)\.com$")
    undotted = join(
        pc.replace_substring(pc.replace_substring_regex(local, "@.*$", ""), ".", ""),
        "@gmail.com",
    )
    return pc.if_else(gmail, undotted, local)


def relation_pairs(owner_customers: np.ndarray, other_customers: np.ndarray) -> np.ndarray:
    """Distinct (owner, other) customer pairs with ``owner != other``, as an (n, 2) array."""
    pairs = np.stack([owner_customers, other_customers], axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return np.unique(pairs, axis=0) if len(pairs) else pairs.reshape(0, 2)
