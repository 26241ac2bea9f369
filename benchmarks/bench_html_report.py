"""Benchmark: risk-rate and render N findings (default 100,000) to HTML / SARIF / JSON.

Prints seconds, output size, MB/s of output and peak RSS; with the system chromium present also the time
until the HTML report's first table page is drawn in headless Chromium.
Usage: PYTHONPATH=src python benchmarks/bench_html_report.py [N]
"""

from __future__ import annotations

import hashlib
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from piscan.reports import outputs
from piscan.risk import assess, load_risk_pack
from piscan.testing.reports import report_document

ENTS = [
    ("CN_RESIDENT_ID", "CNPI001", "110105********002X"),
    ("CN_MOBILE_PHONE", "CNPI002", "138****5678"),
    ("CN_BANK_CARD", "CNPI003", "622202*********3446"),
]


def make_doc(n: int) -> dict:
    findings = []
    for i in range(n):
        ent, rule, ev = ENTS[i % 3]
        masked = i % 7 == 0
        f = {
            "rule_id": rule,
            "entity_type": ent,
            "path": f"logs/app-{i % 200:03d}.log",
            "line": i // 200 + 1,
            "start": 10,
            "end": 28,
            "masked": masked,
            "confidence": 0.9,
            "evidence": f"…2026-01-01 INFO user={i} value={ev}…",
            "fingerprint": hashlib.sha256(f"{ent}:{i % 40000}".encode()).hexdigest()[:32],
            "sensitive": ent != "CN_MOBILE_PHONE" and not masked,
        }
        if i % 5 == 0:
            f.update(path="dump.sql", table="shop.users", column=ent.lower(), row=str(i), line=i + 1)
        findings.append(f)
    findings.sort(key=lambda f: (f["path"], f.get("table") or "", f.get("column") or "", f["line"]))
    return report_document(findings, kinds={f["path"]: "sql" for f in findings if f["path"].endswith(".sql")})


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    doc = make_doc(n)
    t = time.perf_counter()
    assess(doc, load_risk_pack())
    print(f"risk engine: {n} findings in {time.perf_counter() - t:.2f}s")
    out_dir = Path(tempfile.mkdtemp(prefix="piscan-bench-"))
    for fmt in ("html", "sarif", "json", "md", "report"):
        t = time.perf_counter()
        text = outputs.render(doc, fmt, generated_at="bench")
        dt = time.perf_counter() - t
        path = out_dir / f"report.{fmt}"
        path.write_text(text, encoding="utf-8")
        size = path.stat().st_size
        print(f"{fmt:7s}: {dt:6.2f}s  {size / 1e6:7.2f} MB  {size / 1e6 / dt:6.1f} MB/s")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {rss:.0f} MB")
    from piscan.testing.browser import CHROMIUM, CHROMIUM_ARGS

    if os.path.exists(CHROMIUM):
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = b.new_page()
            t = time.perf_counter()
            page.goto((out_dir / "report.html").as_uri())
            page.wait_for_selector("#findings tbody tr")
            load = time.perf_counter() - t
            t = time.perf_counter()
            page.fill("#f-q", "user=4242")
            page.wait_for_function("document.querySelectorAll('#findings tbody tr').length < 100")
            search = time.perf_counter() - t
            t = time.perf_counter()
            page.click("th[data-key=path]")
            sort = time.perf_counter() - t
            print(f"chromium: load+first page {load:.2f}s, search {search:.2f}s, sort {sort:.2f}s")
            b.close()


if __name__ == "__main__":
    main()
