"""hvc.report on hand-made serving stores: an empty store renders every section as "no data",
and a section with rows draws its chart with the numbers in its caption."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from hvc.report import render, write_report
from hvc.report.sections import SECTIONS


def test_an_empty_store_says_no_data_in_every_section() -> None:
    with duckdb.connect() as con:
        page = render(con)
    keys = re.findall(r'<section id="([^"]+)">', page)
    assert len(keys) == len(SECTIONS)
    assert page.count('class="no-data"') == len(SECTIONS)
    assert "<svg" not in page


def test_value_by_license_draws_and_captions_the_numbers(tmp_path: Path) -> None:
    store = tmp_path / "serving.duckdb"
    with duckdb.connect(str(store)) as con:
        con.execute("create schema analytics")
        con.execute(
            "create table analytics.value_by_license as select * from (values "
            "('license_1', 10, 1000.0, 100.0, 900.0, 90.0), "
            "('license_3', 5, 2000.0, 250.0, 1750.0, 350.0), "
            "('retail', 7, 700.0, 0.0, 700.0, 100.0)) as t(license_group, customer_count, "
            "net_revenue, support_cost, adjusted_revenue, mean_adjusted_revenue)"
        )
    out = write_report(store, tmp_path / "report.html")
    page = out.read_text()
    section = re.search(r'<section id="license">(.*?)</section>', page, flags=re.S).group(1)
    assert "<svg" in section and "no-data" not in section
    assert "License 3 customers cost the most support (50 a customer)" in section
    assert "350 adjusted revenue a customer (5 customers)" in section
    assert 'id="revenue">' in page and page.count('class="no-data"') == len(SECTIONS) - 1
    assert out.stat().st_mode & 0o044  # readable by others, as an ordinary file


def test_a_missing_store_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="run hvc build"):
        write_report(tmp_path / "none.duckdb", tmp_path / "report.html")


def test_business_lines_read_as_people_name_them() -> None:
    from hvc.report.sections import line_name

    assert line_name("retail") == line_name("online_retail") == "Retailer"
    assert line_name("edd") == "Software shop" and line_name("wholesale") == "wholesale"
