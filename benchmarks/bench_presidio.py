"""Throughput of piscan's scan path vs a Presidio AnalyzerEngine holding piscan's recognizers.

Same generated sample (tests/presidio/presidio_corpus.py: Chinese app logs, JSON with \\u escapes,
nginx lines with percent-encoded query strings, masked values, hard negatives), same rule pack.
Each mode runs in its own process so peak RSS is per mode.

    PYTHONPATH=src python benchmarks/bench_presidio.py [--lines 40000] [--repeat 3]

Modes: ``piscan`` = ``Scanner.scan`` (the CLI code path, one process, jobs=1);
``presidio-line`` = ``AnalyzerEngine.analyze`` per line (what the differential test compares);
``presidio-chunk`` = ``AnalyzerEngine.analyze`` per ~1 MB block of lines (fewer calls; context windows
may then cross line ends, so results are not line-exact).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "presidio"))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_mode(mode: str, path: str, repeat: int) -> dict:
    size = os.path.getsize(path)
    t0 = time.perf_counter()
    if mode == "piscan":
        from piscan.scanner import Scanner, ScanOptions

        setup = time.perf_counter() - t0
        best, n = float("inf"), 0
        for _ in range(repeat):
            t = time.perf_counter()
            res = Scanner(ScanOptions(jobs=1)).scan([path])
            best = min(best, time.perf_counter() - t)
            n = len(res.findings)
    else:
        from piscan.presidio import build_analyzer

        analyzer = build_analyzer()
        setup = time.perf_counter() - t0
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
        if mode == "presidio-line":
            units = lines
        else:
            units, buf, acc = [], [], 0
            for line in lines:
                buf.append(line)
                acc += len(line) + 1
                if acc >= 1 << 20:
                    units.append("\n".join(buf))
                    buf, acc = [], 0
            if buf:
                units.append("\n".join(buf))
        best, n = float("inf"), 0
        for _ in range(repeat):
            t = time.perf_counter()
            n = sum(len(analyzer.analyze(u, language="zh")) for u in units)
            best = min(best, time.perf_counter() - t)
    return {"mode": mode, "mb": size / 1e6, "seconds": best, "mb_s": size / 1e6 / best, "findings": n,
            "setup_s": setup, "peak_rss_mb": _rss_mb()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=40000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dilute", type=int, default=0, help="PI-free filler lines after each sample line "
                    "(25 gives the realistic ~1 PI line in 40)")
    ap.add_argument("--mode", help=argparse.SUPPRESS)
    ap.add_argument("--path", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.mode:
        print(json.dumps(run_mode(args.mode, args.path, args.repeat)))
        return
    import presidio_corpus

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "sample.log")
        corpus = presidio_corpus.generate_diluted(args.lines, args.dilute)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(corpus.text)
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        mb = os.path.getsize(path) / 1e6
        print(f"sample: {len(corpus.lines)} lines, {mb:.2f} MB, {corpus.planted} planted values")
        for mode in ("piscan", "presidio-line", "presidio-chunk"):
            out = subprocess.run([sys.executable, __file__, "--mode", mode, "--path", path,
                                  "--repeat", str(args.repeat)], env=env, capture_output=True, text=True,
                                 check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{r['mode']:15s} {r['mb_s']:8.2f} MB/s  ({r['seconds']:.2f} s best of {args.repeat}, "
                  f"{r['findings']} findings, setup/import {r['setup_s']:.2f} s, "
                  f"peak RSS {r['peak_rss_mb']:.0f} MB)")


if __name__ == "__main__":
    main()
