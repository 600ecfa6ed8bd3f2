"""Internationalised domain names in one form: the Unicode form of IDNA 2008 (UTS #46).

`bücher.ch`, `BÜCHER.ch`, `ｂüｃｈｅｒ.ch` and its punycode `xn--bcher-kva.ch` are one domain;
identity keeps the Unicode form, so an address typed in either way is one identifier. SQL
finds the domains written with non-ASCII letters or punycode labels
(`int_identity__idn_domain_candidates`); this module gives each its form, with the `idna`
package (pinned in pyproject.toml: the mapping tables follow Unicode's).
"""

from __future__ import annotations

from collections.abc import Iterable

import idna
import pandas as pd

__all__ = ["IDN_DOMAIN_COLUMNS", "canonical_domain", "canonical_domains"]

#: The columns of `canonical_domains`' frame: the domain as SQL wrote it, and its one form.
IDN_DOMAIN_COLUMNS = ["domain_written", "domain"]


def canonical_domain(domain: str) -> str:
    """The Unicode form of a domain under UTS #46 (non-transitional) and IDNA 2008.

    Punycode labels are decoded, Unicode labels mapped (case, width, compatibility forms) and
    composed. A domain IDNA refuses (a symbol or emoji, a label over 63 characters, a broken
    punycode label) is returned as written: it stays an identifier, only not merged with
    another spelling.

    Parameters
    ----------
    domain : a domain, lower case, without trailing dot.

    Returns
    -------
    str, the Unicode form (lower case).
    """
    try:
        return idna.decode(idna.encode(domain, uts46=True))
    except (idna.IDNAError, UnicodeError, ValueError):
        return domain


def canonical_domains(written: Iterable[str | None]) -> pd.DataFrame:
    """One row per distinct domain written, with its Unicode form (`canonical_domain`).

    Parameters
    ----------
    written : domains as SQL normalised them (lower case, NFC); nulls and repeats are dropped.

    Returns
    -------
    DataFrame with `domain_written` and `domain` (text), sorted by `domain_written`.
    """
    values = sorted({value for value in written if isinstance(value, str) and value})
    return pd.DataFrame(
        {
            "domain_written": pd.Series(values, dtype="string"),
            "domain": pd.Series([canonical_domain(value) for value in values], dtype="string"),
        },
        columns=IDN_DOMAIN_COLUMNS,
    )
