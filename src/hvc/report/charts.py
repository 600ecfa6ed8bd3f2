"""Charts as inline SVG text: matplotlib's SVG backend, with text kept as text (small, and
searchable in the page), no timestamp and fixed ids, so the same tables give the same bytes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

#: One palette for every chart (colour-blind safe, Okabe-Ito), the first the Insiders' colour.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]

STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "hvc-report",
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "figure.dpi": 96,
    "savefig.dpi": 110,
}


@contextmanager
def figure(width: float = 8.0, height: float = 3.2, ncols: int = 1) -> Iterator[tuple]:
    """A figure and its axes in the report's style; closed on exit."""
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, ncols, figsize=(width, height), squeeze=False)
        try:
            yield fig, list(axes[0])
        finally:
            plt.close(fig)


def to_svg(fig: Figure) -> str:
    """The figure as an inline `<svg>` element (no XML declaration, no date)."""
    buffer = io.StringIO()
    with plt.rc_context(STYLE):
        fig.tight_layout()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def money(value: float) -> str:
    """A money amount for captions and axes: 1,234 or 1.2 M."""
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:,.1f} M"
    return f"{value:,.0f}"
