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


def test_capped_statistics_equal_uncapped_for_logs_and_dumps(tmp_path):
    """Past the cap the scanner counts hits without building findings (scanner.count_unlisted): every
    statistic (entities, full/masked/weak-masked, distinct persons, samples, cells) must equal an uncapped
    scan's, for a log full of masked values and for a dump's columns."""
    from piscan.testing.generate import LineGen

    (tmp_path / "app.log").write_text("\n".join(ln.text for ln in LineGen(9).corpus(6000, 2)) + "\n",
                                      encoding="utf-8")
    v = ValueGen(random.Random(5))
    rows = ",\n".join(f"({i},'{v.mobile()}','{v.masked_id()[0]}','{v.card()}')" for i in range(3000))
    (tmp_path / "shop.sql").write_text(
        "CREATE TABLE `users` (\n  `id` int NOT NULL,\n  `mobile` varchar(20),\n  `id_card` varchar(20),\n"
        "  `bank_card` varchar(24),\n  PRIMARY KEY (`id`)\n);\n"
        f"INSERT INTO `users` VALUES {rows};\n", encoding="utf-8")
    listing = ("findings_listed", "truncated")

    def stats(cap):
        r = Scanner(ScanOptions(jobs=1, max_findings_per_asset=cap)).scan([str(tmp_path)])
        return [{k: a[k] for k in a if k not in listing} for a in r.assets], r

    capped, rc = stats(10)
    full, rf = stats(0)
    assert capped == full
    assert len(capped) == 4 and all(a["findings_total"] > 10 for a in capped)
    masked = sum(e["masked"] for a in capped for e in a["entities"].values())
    weak = sum(e["weak_masked"] for a in capped for e in a["entities"].values())
    assert masked > 1000 and weak > 10
    assert len(rc.findings) == 40 and len(rf.findings) == sum(a["findings_total"] for a in full)
