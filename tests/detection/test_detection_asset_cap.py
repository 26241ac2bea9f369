"""Listing cap per asset: reports list at most N findings per asset, assets still count every one."""

from __future__ import annotations

import random

from piscan.reports.outputs import document
from piscan.risk.policy import load_risk_pack
from piscan.scanner import Scanner, ScanOptions
from piscan.testing.generate import ValueGen


def test_cap_keeps_counts_and_persons_exact(tmp_path):
    v = ValueGen(random.Random(4))
    phones = [v.mobile() for _ in range(2500)]
    rows = [f"{i},{p}" for i, p in enumerate(phones + phones[:500])]  # 3000 rows, 2500 distinct persons
    (tmp_path / "users.csv").write_text("id,mobile\n" + "\n".join(rows) + "\n", encoding="utf-8")
    capped = Scanner(ScanOptions(jobs=1, max_findings_per_asset=100)).scan([str(tmp_path)])
    full = Scanner(ScanOptions(jobs=1)).scan([str(tmp_path)])
    assert len(full.findings) == 3000 and len(capped.findings) == 100
    asset = next(a for a in capped.assets if a["column"] == "mobile")
    assert asset["findings_total"] == 3000 and asset["findings_listed"] == 100 and asset["truncated"]
    assert asset["distinct_persons"] == 2500 == next(a for a in full.assets if a["column"] == "mobile")[
        "distinct_persons"]
    assert asset["entities"]["CN_MOBILE_PHONE"]["distinct"] == 2500
    assert asset["match_ratio"] == 1.0
    pack = load_risk_pack()
    d_capped, d_full = document(capped, pack), document(full, pack)
    a_c = next(a for a in d_capped["assets"] if a["column"] == "mobile")
    a_f = next(a for a in d_full["assets"] if a["column"] == "mobile")
    # volume rules see the exact persons, so the rating is the same with and without the cap
    assert a_c["risk"]["persons"] == a_f["risk"]["persons"] == 2500
    assert a_c["risk"]["level"] == a_f["risk"]["level"]
    assert d_capped["summary"]["findings_total"] == 3000 and d_capped["summary"]["truncated_assets"] == 1
