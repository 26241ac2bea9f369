"""Manifest scanning speed: scans the test fixtures N times; prints manifests/s, MB/s and peak RSS."""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from piscan.scanner import Scanner, ScanOptions

FIX = Path(__file__).resolve().parents[1] / "tests" / "manifests" / "fixtures"


def main(rounds: int = 20) -> None:
    scanner = Scanner(ScanOptions(jobs=1, app_type="6"))
    files = [p for p in FIX.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    t0 = time.perf_counter()
    n = 0
    for _ in range(rounds):
        r = scanner.scan([str(FIX)])
        n += sum(1 for i in r.inputs if i.get("platform"))
    dt = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{n / dt:.0f} manifests/s, {size * rounds / dt / 1e6:.2f} MB/s, peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
