"""hvc summary's text tables: numbers right-aligned on their units, text left, integers with
thousands separators, scores keeping their digits."""

from __future__ import annotations

from hvc.summary import _table


def test_columns_of_numbers_align_right_and_text_left() -> None:
    text = _table(
        [("retail", "a", 1_000, "1.0000", None), ("license_1", "bb", 17, "0.9999", "x")],
        ("line", "name", "customers", "precision", "note"),
    )
    header, rule, first, second = text.splitlines()
    assert first.startswith("retail     a   ") and second.startswith("license_1  bb  ")
    ends = {line.index("1,000") + 5 for line in (first,)} | {second.index("17") + 2}
    assert len(ends) == 1  # customers end in one column
    assert first.index("1.0000") == second.index("0.9999")
    assert header.rstrip().endswith("note") and second.rstrip().endswith("x")


def test_a_second_column_of_numbers_aligns_right_and_a_last_text_column_left() -> None:
    text = _table([("free_mail_domain", 7, "short"), ("placeholder", 1_041, "much longer")],
                  ("reason", "values", "note"))  # fmt: skip
    _, _, first, second = text.splitlines()
    assert first.index("7") + 1 == second.index("1,041") + 5
    assert first.index("short") == second.index("much longer")
