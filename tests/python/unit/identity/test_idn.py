"""The one Unicode form of internationalised domains (hvc.identity.idn)."""

from __future__ import annotations

import pandas as pd
import pytest

from hvc.identity.idn import IDN_DOMAIN_COLUMNS, canonical_domain, canonical_domains


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("xn--bcher-kva.ch", "bücher.ch"),  # punycode decoded
        ("bücher.ch", "bücher.ch"),  # Unicode kept
        ("ｂüｃｈｅｒ.ch", "bücher.ch"),  # full-width letters mapped (UTS 46)
        ("xn--e1afmkfd.xn--p1ai", "пример.рф"),  # punycode top-level domain too
        ("xn--fa-hia.de", "faß.de"),  # non-transitional: ß stays
        ("gmail.com", "gmail.com"),  # ASCII unchanged
    ],
)
def test_canonical_domain(written: str, expected: str) -> None:
    assert canonical_domain(written) == expected


@pytest.mark.parametrize("refused", ["xn--zz.com", "😀.com", "a" * 64 + ".com"])
def test_a_domain_idna_refuses_is_kept_as_written(refused: str) -> None:
    assert canonical_domain(refused) == refused


def test_canonical_domains_one_row_per_distinct_domain() -> None:
    frame = canonical_domains(["xn--bcher-kva.ch", None, "bücher.ch", "xn--bcher-kva.ch", ""])
    assert list(frame.columns) == IDN_DOMAIN_COLUMNS
    assert frame.to_dict("records") == [
        {"domain_written": "bücher.ch", "domain": "bücher.ch"},
        {"domain_written": "xn--bcher-kva.ch", "domain": "bücher.ch"},
    ]


def test_canonical_domains_of_nothing_is_typed_text() -> None:
    frame = canonical_domains([])
    assert len(frame) == 0
    assert all(pd.api.types.is_string_dtype(dtype) for dtype in frame.dtypes)
