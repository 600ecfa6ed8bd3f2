"""Progress reporting for long-running jobs."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class StderrProgress:
    """Print ``[done/total] step (elapsed s)`` lines to stderr as steps finish."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.start = time.perf_counter()

    def __call__(self, step: str, done: int, total: int) -> None:
        """Report that ``step`` finished, ``done`` of ``total``."""
        elapsed = time.perf_counter() - self.start
        print(f"[{done}/{total}] {step} ({elapsed:.1f} s)", file=self.stream, flush=True)
