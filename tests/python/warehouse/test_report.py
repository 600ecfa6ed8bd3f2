"""`hvc report`: the HTML page a person opens, from the serving store, checked in headless
Chromium with no network: every section present, every chart drawn, no console message; and a
retail-only company's report, whose license sections say they have no data."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.browser import chromium, render
from hvc.dbt import dbt_env

HVC = str(Path(sys.executable).with_name("hvc"))
SECTIONS = [
    "revenue",
    "license",
    "patterns",
    "propensity",
    "firmographics",
    "segments",
    "history",
    "forecast",
    "data-quality",
]
#: Sections a company with only the retailer has no data for.
SOFTWARE_ONLY = {"license", "propensity", "firmographics"}


def hvc(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [HVC, *args], capture_output=True, text=True, timeout=600, env=dbt_env(), check=False
    )


def publish_and_report(build_file: Path, folder: Path) -> Path:
    """Publish a build to a serving file in `folder`, and write its report there."""
    serving = folder / "serving.duckdb"
    done = hvc(
        "publish", "--warehouse", str(build_file), "--serving", str(serving),
        "--target-path", str(build_file.parent / "target"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = folder / "report.html"
    written = hvc("report", "--serving", str(serving), "--out", str(report))
    assert written.returncode == 0, written.stderr
    assert str(report) in written.stdout
    return report


def sections(dom: str) -> dict[str, str]:
    """Each section's HTML by its id."""
    found = re.findall(r'<section id="([^"]+)">(.*?)</section>', dom, flags=re.S)
    return dict(found)


def drawn(section: str) -> bool:
    """A chart with something drawn: an SVG holding paths, text or an image."""
    charts = re.findall(r"<svg.*?</svg>", section, flags=re.S)
    return bool(charts) and all(re.search(r"<(path|text|image|use)\b", chart) for chart in charts)


def check_page(report: Path, screenshot: Path) -> dict[str, str]:
    """The page as Chromium shows it offline: no console message, no resource fetched from
    anywhere, a screenshot; returns its sections."""
    binary = chromium()
    if binary is None:
        pytest.skip("chromium not found: install Debian's chromium (.ci/run does)")
    page = render(binary, report, screenshot)
    assert page.console == []
    assert not re.search(r'\b(src|href)="(https?:)?//', page.dom)
    assert screenshot.is_file() and screenshot.stat().st_size > 10_000
    found = sections(page.dom)
    assert list(found) == SECTIONS
    assert re.findall(r'<a href="#([^"]+)">', page.dom) == SECTIONS
    return found


@pytest.fixture(scope="module")
def demo_report(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return publish_and_report(warehouse, tmp_path_factory.mktemp("report"))


def test_the_demo_report_draws_a_chart_for_every_question(demo_report: Path) -> None:
    found = check_page(demo_report, demo_report.with_suffix(".png"))
    for key, html in found.items():
        assert drawn(html), key
        assert "no-data" not in html, key
        caption = re.search(r"<figcaption>(.*?)</figcaption>", html, flags=re.S)
        assert caption and re.search(r"\d", caption.group(1)), key
    # light enough to open at once, and the same tables give the same bytes
    assert demo_report.stat().st_size < 2_000_000
    again = demo_report.with_name("again.html")
    rewritten = hvc("report", "--serving", str(demo_report.with_name("serving.duckdb")),
                    "--out", str(again))  # fmt: skip
    assert rewritten.returncode == 0, rewritten.stderr
    assert again.read_bytes() == demo_report.read_bytes()


def test_a_console_error_fails_the_check(demo_report: Path, tmp_path: Path) -> None:
    """The browser check can fail: a page whose script logs an error does."""
    broken = tmp_path / "broken.html"
    broken.write_text(
        demo_report.read_text().replace("</body>", '<script>console.error("x")</script></body>')
    )
    with pytest.raises(AssertionError):
        check_page(broken, tmp_path / "broken.png")


def test_without_a_serving_store_the_report_says_what_to_do(tmp_path: Path) -> None:
    done = hvc("report", "--serving", str(tmp_path / "none.duckdb"))
    assert done.returncode == 1
    assert "not found: run hvc build" in done.stderr and "Traceback" not in done.stderr


def test_a_retail_only_report_renders_and_says_what_it_lacks(
    real_online_retail_build: Path, tmp_path: Path
) -> None:
    """The real Online Retail file alone: the license sections say in one line that there is
    no software data; every other section draws its charts."""
    report = publish_and_report(real_online_retail_build, tmp_path)
    found = check_page(report, tmp_path / "retail.png")
    for key, html in found.items():
        if key in SOFTWARE_ONLY:
            assert 'class="no-data"' in html and "<svg" not in html, key
        else:
            assert drawn(html), key
