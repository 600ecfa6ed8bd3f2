"""What the benchmark scripts share: running a command in its own process and measuring its
wall time and peak memory."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

# Runs a command and reports its peak resident memory (the largest of its process tree's
# waited-for processes) on stderr's last line.
PEAK_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(f'peak_kib={peak}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def timed(command: list[str], env: dict, log: Path, cwd: Path | None = None) -> tuple[float, float]:
    """Run `command`, return (seconds, peak MiB); exit with the log's tail on failure."""
    start = time.perf_counter()
    with log.open("w") as out:
        done = subprocess.run(
            [sys.executable, "-c", PEAK_WRAPPER, *command],
            env=env,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
        )
    seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(log.read_text()[-5000:] + done.stderr[-2000:])
    peak_kib = int(done.stderr.strip().splitlines()[-1].split("=")[1])
    return seconds, peak_kib / 1024
