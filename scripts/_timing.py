"""What the benchmark scripts share: running a command in its own process and measuring its
wall time and peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

# Runs a command and reports its peak resident memory (the largest of its process tree's
# waited-for processes) and the CPU seconds they used on stderr's last line.
PEAK_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(f'peak_kib={usage.ru_maxrss} cpu_seconds={usage.ru_utime + usage.ru_stime}',"
    " file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def timed(
    command: list[str],
    env: dict,
    log: Path,
    cwd: Path | None = None,
    rss_samples: list[tuple[float, float]] | None = None,
    machine: dict[str, float] | None = None,
) -> tuple[float, float]:
    """Run `command`, return (seconds, peak MiB); exit with the log's tail on failure.

    With `rss_samples`, appends to it every half second (epoch seconds, MiB): the resident
    memory of the command's process tree at that moment (Linux `/proc`). With `machine`, fills
    it with what the machine did meanwhile, to tell a slow run from a busy machine: the
    command's CPU seconds, and the shares of all CPUs' time spent busy, waiting for disk and
    taken by other virtual machines (`/proc/stat`: `busy`, `iowait`, `steal`).
    """
    before = _cpu_jiffies()
    start = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", PEAK_WRAPPER, *command],
            env=env,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
        )
        if rss_samples is not None:
            threading.Thread(target=_sample_rss, args=(process, rss_samples), daemon=True).start()
        _, stderr = process.communicate()
    seconds = time.perf_counter() - start
    if process.returncode:
        sys.exit(log.read_text()[-5000:] + stderr[-2000:])
    report = dict(item.split("=") for item in stderr.strip().splitlines()[-1].split())
    if machine is not None:
        after = _cpu_jiffies()
        spent = {name: after[name] - before[name] for name in after}
        total = sum(spent.values()) or 1
        machine["cpu_seconds"] = float(report["cpu_seconds"])
        machine["busy"] = (total - spent["idle"] - spent["iowait"] - spent["steal"]) / total
        machine["iowait"] = spent["iowait"] / total
        machine["steal"] = spent["steal"] / total
    return seconds, int(report["peak_kib"]) / 1024


def _cpu_jiffies() -> dict[str, int]:
    """All CPUs' time so far by kind (the first line of /proc/stat; zeros where it cannot be
    read): user, nice, system, idle, iowait, irq, softirq, steal."""
    names = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1 : 1 + len(names)]
    except OSError:
        fields = []
    values = [int(field) for field in fields] + [0] * (len(names) - len(fields))
    return dict(zip(names, values, strict=True))


def _sample_rss(process: subprocess.Popen, samples: list[tuple[float, float]]) -> None:
    """Until `process` ends, append its tree's resident MiB every half second."""
    while process.poll() is None:
        samples.append((time.time(), _tree_rss_kib(process.pid) / 1024))
        time.sleep(0.5)


def _tree_rss_kib(root: int) -> int:
    """Resident KiB of `root` and its descendants, from /proc (0 where it cannot be read)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total
