"""Time the demo-data generator at several sizes, each in a fresh subprocess.

Prints wall time, peak resident memory and rows written per size. Not a test: run it by hand,
e.g. ``.venv/bin/python scripts/benchmark_generator.py --sizes 5000 100000 1000000``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, resource, sys, time
from hvc.generate import generate_world
start = time.perf_counter()
manifest = generate_world(sys.argv[1], n_customers=int(sys.argv[2]), seed=int(sys.argv[3]))
print(json.dumps({
    "seconds_in_generate": time.perf_counter() - start,
    "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "raw_rows": sum(t["rows"] for t in manifest["tables"].values()),
    "truth_rows": sum(manifest["truth"]["rows"].values()),
}))
"""


def run(n_customers: int, seed: int, out_root: Path) -> dict:
    """Generate one world in a subprocess and return its measurements."""
    out = out_root / f"world_{n_customers}"
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(out), str(n_customers), str(seed)],
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = wall
    result["disk_mib"] = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 2**20
    return result


def main() -> None:
    """Run the benchmark and print one line per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=None, help="keep the worlds here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hvc-bench-") as tmp:
        out_root = args.out or Path(tmp)
        print(
            f"{'customers':>10} {'wall s':>8} {'peak RSS MiB':>13} {'raw rows':>12} "
            f"{'truth rows':>11} {'disk MiB':>9}"
        )
        for n in args.sizes:
            r = run(n, args.seed, out_root)
            print(
                f"{n:>10,} {r['wall_seconds']:>8.1f} {r['peak_rss_kib'] / 1024:>13,.0f} "
                f"{r['raw_rows']:>12,} {r['truth_rows']:>11,} {r['disk_mib']:>9,.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
