#!/usr/bin/env python3
"""Precision / recall of piscan's detection core on a generated, realistic evaluation corpus.

The corpus (piscan.testing.generate) mixes Chinese app logs, JSON logs (some with ensure_ascii \\u
escapes, phones as JSON numbers), nginx access logs with percent-encoded query strings, English lines,
full-width digits, masked values, and hard negatives (epoch-ms timestamps, snowflake/order ids,
checksum-valid IDs with impossible dates/provinces, USCC codes, IMEIs, ICCIDs, hex/UUID ids, IPs,
amounts, decimal look-alikes, long digit runs, unallocated-segment uids, Luhn-valid trace ids).

It is scanned through the real code path (Scanner on a file), then matched to the ground truth.

Usage: python benchmarks/eval_precision_recall.py [--lines 200000] [--pi-every 4] [--seed 7] [--show]
"""

from __future__ import annotations

import argparse
import os
import tempfile

from piscan.scanner import Scanner, ScanOptions
from piscan.testing.evaluate import score
from piscan.testing.generate import LineGen


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=200_000)
    ap.add_argument("--pi-every", type=int, default=4)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--show", action="store_true", help="print false-positive/negative samples (masked)")
    args = ap.parse_args()
    os.environ.setdefault("PISCAN_FINGERPRINT_KEY", "eval")
    lines = LineGen(args.seed).corpus(args.lines, args.pi_every)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "eval.log")
        with open(path, "w", encoding="utf-8") as fh:
            for ln in lines:
                fh.write(ln.text + "\n")
        result = Scanner(ScanOptions(jobs=1)).scan([path])
    planted = sum(len(ln.planted) for ln in lines)
    print(f"lines={len(lines)} planted={planted} findings={len(result.findings)} engine={result.engine}")
    print(f"{'entity':18} {'kind':7} {'tp':>7} {'fp':>5} {'fn':>5} {'precision':>9} {'recall':>7} {'exact':>6}")
    for label, masked in (("full", False), ("masked", True)):
        for ent, s in sorted(score(lines, result.findings, masked=masked).items()):
            exact = s.exact_span / s.tp if s.tp else 1.0
            print(f"{ent:18} {label:7} {s.tp:7d} {s.fp:5d} {s.fn:5d} {s.precision:9.4f} {s.recall:7.4f} {exact:6.3f}")
            if args.show:
                for x in s.fp_samples[:8]:
                    print("   FP", x)
                for x in s.fn_samples[:8]:
                    print("   FN", x)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
