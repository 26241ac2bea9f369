"""Cost of the CI/signing layer: inline-ignore re-read, JCS + Ed25519 signing and verification.

    PYTHONPATH=src python benchmarks/bench_ci_signing.py [N_FINDINGS_LINES]

Prints MB/s of the inline-ignore pass, sign/verify seconds for the report and peak RSS.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time

os.environ.setdefault("PISCAN_FINGERPRINT_KEY", "bench")

from piscan.ci import inline
from piscan.reports.json_report import build
from piscan.scanner import Scanner, ScanOptions
from piscan.signing.keys import generate, load_private, load_public
from piscan.signing.sign import sign, verify


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "app.log")
        with open(path, "w", encoding="utf-8") as fh:
            filler = "2025-01-01 12:00:00 INFO request served in 12 ms path=/api/v1/items status=200\n" * 9
            for i in range(n):
                fh.write(filler)
                fh.write(f"user 手机 138{i % 10**8:08d} 身份证 11010519491231002X piscan:ignore CNPI002\n")
        size = os.path.getsize(path)
        t = time.perf_counter()
        result = Scanner(ScanOptions(jobs=1)).scan([path])
        scan_s = time.perf_counter() - t
        t = time.perf_counter()
        kept, dropped = inline.apply(result.findings, result.fs_paths)
        inl_s = time.perf_counter() - t
        result.findings = kept
        doc = build(result)
        generate(os.path.join(d, "k"))
        key = load_private(os.path.join(d, "k"))
        t = time.perf_counter()
        signed = sign(doc, key)
        sign_s = time.perf_counter() - t
        t = time.perf_counter()
        pub = load_public(os.path.join(d, "k.pub"))
        from piscan.signing.keys import key_id

        ok = verify(json.loads(json.dumps(signed)), {key_id(pub): ("k", pub)}).ok
        ver_s = time.perf_counter() - t
    mb = size / 1e6
    print(f"input {mb:.1f} MB, scan {scan_s:.2f}s ({mb / scan_s:.0f} MB/s)")
    print(f"inline-ignore pass: {inl_s:.2f}s ({mb / inl_s:.0f} MB/s), {dropped} suppressed, {len(kept)} kept")
    print(f"sign {len(kept)} findings: {sign_s:.2f}s; verify: {ver_s:.2f}s (ok={ok})")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
