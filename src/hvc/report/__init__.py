"""`hvc report`: one self-contained HTML page from the serving store, a section per business
question with its charts (inline SVG drawn by matplotlib: no script, no network, text kept as
text) and a caption carrying the numbers."""

from __future__ import annotations

import html
import os
import tempfile
from pathlib import Path

import duckdb

from hvc.report.sections import SECTIONS, Section, query

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto;
  max-width: 980px; padding: 1.5rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2.2rem; border-top: 1px solid #ddd; padding-top: 1rem; }
.build { color: #666; font-size: 0.9rem; }
nav ol { columns: 2; font-size: 0.95rem; }
figure { margin: 0.5rem 0; }
figure svg { max-width: 100%; height: auto; }
figcaption, .caption { font-size: 0.95rem; margin-top: 0.3rem; }
.no-data { color: #8a4b00; font-style: italic; }
"""


def _build_line(con: duckdb.DuckDBPyConnection) -> str:
    info = query(
        con,
        "select build_id, build_finished_at, published_at from analytics.build_info limit 1",
    )
    if info.empty:
        return "Built from the serving store."
    row = info.iloc[0]
    finished = f"{row['build_finished_at']:%Y-%m-%d %H:%M}"
    published = f"{row['published_at']:%Y-%m-%d %H:%M}"
    return (
        f"Build {html.escape(str(row['build_id']))}, finished {finished} UTC, "
        f"published {published} UTC."
    )


def _section_html(section: Section) -> str:
    parts = [f'<section id="{section.key}">', f"<h2>{html.escape(section.title)}</h2>"]
    if section.missing:
        parts.append(f'<p class="no-data">{html.escape(section.missing)}</p>')
    else:
        parts.append("<figure>")
        parts.extend(f'<div class="chart">{svg}</div>' for svg in section.charts)
        parts.append(f"<figcaption>{html.escape(section.caption)}</figcaption></figure>")
    parts.append("</section>")
    return "\n".join(parts)


def render(con: duckdb.DuckDBPyConnection) -> str:
    """The report page of the serving store open on `con`."""
    # a table missing from the store is missing, not a Python object of the same name
    con.execute("set python_enable_replacements = false")
    sections = [build(con) for build in SECTIONS]
    contents = "\n".join(
        f'<li><a href="#{s.key}">{html.escape(s.title)}</a>'
        + (" (no data)" if s.missing else "")
        + "</li>"
        for s in sections
    )
    body = "\n".join(_section_html(s) for s in sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Most valuable customers: report</title>\n"
        f"<style>{STYLE}</style></head>\n<body>\n"
        "<h1>Most valuable customers</h1>\n"
        f'<p class="build">{_build_line(con)}</p>\n'
        f"<nav><h2>Contents</h2><ol>\n{contents}\n</ol></nav>\n"
        f"{body}\n</body></html>\n"
    )


def write_report(serving: Path, out: Path) -> Path:
    """Write the report of the serving DuckDB file `serving` to `out` (written beside it and
    renamed into place); returns `out`."""
    serving, out = Path(serving), Path(out)
    if not serving.is_file():
        raise FileNotFoundError(f"{serving} not found: run hvc build (it publishes) first")
    with duckdb.connect(str(serving), read_only=True) as con:
        page = render(con)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=out.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(page)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
    os.replace(temporary, out)
    return out
