"""Risk rules fire as specified in rules/risk.yaml (legal.md §5)."""

from __future__ import annotations

import copy

import pytest
from reports_helpers import finding, rate

from piscan.risk import load_risk_pack
from piscan.risk.policy import RiskPackError


def risk(doc, i=0):
    return doc["findings"][i]["risk"]


def test_log_levels_full_masked_weak():
    doc = rate(
        [
            finding(line=1),
            finding(line=2, masked=True, value_id=2),
            finding(line=3, masked=True, value_id=3, attributes={"weak_mask": True}),
        ]
    )
    assert [(r["rule_id"], r["level"]) for r in (risk(doc, 0), risk(doc, 1), risk(doc, 2))] == [
        ("U-01", "high"),
        ("U-04", "low"),
        ("U-03", "medium"),
    ]
    assert all(r["dimension"] == "use" for r in (risk(doc, i) for i in range(3)))
    assert "CSL-42" in risk(doc, 0)["basis"]


def test_storage_levels_and_id_view():
    sql = {"d.sql": "sql"}
    rows = [
        finding("CN_BANK_CARD", path="d.sql", table="u", column="card", row="1"),
        finding("CN_MOBILE_PHONE", path="d.sql", table="u", column="phone", row="2"),
        finding("CN_RESIDENT_ID", path="d.sql", table="u", column="idno", row="3"),
        finding("CN_RESIDENT_ID", path="d.sql", table="u", column="idno", row="4", masked=True, value_id=9),
        finding(
            "CN_BANK_CARD",
            path="d.sql",
            table="u",
            column="card2",
            row="5",
            masked=True,
            value_id=8,
            attributes={"weak_mask": True},
        ),
    ]
    rows_fresh = copy.deepcopy(rows)
    doc = rate(rows, sql)
    got = [(risk(doc, i)["rule_id"], risk(doc, i)["level"]) for i in range(5)]
    assert got == [
        ("S-01", "high"),
        ("S-03", "medium"),
        ("S-01", "high"),
        ("S-06", "info"),
        ("S-12", "medium"),
    ]
    assert all(risk(doc, i)["dimension"] == "storage" for i in range(5))
    # GB/T 45574-2025 view: a standalone ID number is not sensitive
    doc = rate(copy.deepcopy(rows_fresh), sql, sensitive_id_view="gbt45574-2025")
    assert (risk(doc, 2)["rule_id"], risk(doc, 2)["level"]) == ("S-03", "medium")
    assert (risk(doc, 0)["rule_id"]) == "S-01"  # cards stay sensitive under both views
    assert doc["risk"]["policy"]["id_number_sensitive"] is False


def test_dimension_fallbacks_and_preset_risk_respected():
    preset = {
        "dimension": "collection",
        "level": "high",
        "rule_id": "C-04",
        "reason": "bg location",
        "basis": ["PIPL-28"],
        "tags": [],
    }
    doc = rate(
        [
            finding("CN_MOBILE_PHONE", path="x.bin", table="t", column="c", row="1"),
            finding(
                "LOCATION",
                path="AndroidManifest.xml",
                line=3,
                permission="ACCESS_BACKGROUND_LOCATION",
                platform="android",
                risk=dict(preset),
            ),
            finding(
                "CONTACTS", path="AndroidManifest.xml", line=4, permission="READ_CONTACTS", platform="android"
            ),
        ],
        {"x.bin": "weird"},
    )
    assert risk(doc, 0)["dimension"] == "storage"
    assert risk(doc, 1) == preset  # manifest risk kept as is
    assert (risk(doc, 2)["dimension"], risk(doc, 2)["rule_id"]) == ("collection", "C-00")


def test_identity_kit_same_line_raises_other_lines_do_not():
    doc = rate(
        [
            finding("CN_RESIDENT_ID", line=1),
            finding("CN_MOBILE_PHONE", line=1),
            finding("CN_RESIDENT_ID", line=2, value_id=2),
            finding("CN_MOBILE_PHONE", line=3, value_id=3),
        ]
    )
    assert risk(doc, 0)["level"] == "critical" and "U-10" in risk(doc, 0)["modifiers"]
    assert "identity_kit" in risk(doc, 1)["tags"]
    assert risk(doc, 2)["level"] == "high" and "modifiers" not in risk(doc, 2)
    assert risk(doc, 3)["level"] == "high"


def test_identity_kit_masked_values_do_not_count():
    doc = rate([finding("CN_RESIDENT_ID", line=1), finding("CN_MOBILE_PHONE", line=1, masked=True)])
    assert "modifiers" not in risk(doc, 0)


def test_identity_kit_in_row_storage_is_capped_at_high():
    sql = {"d.sql": "sql"}
    doc = rate(
        [
            finding("CN_RESIDENT_ID", path="d.sql", table="u", column="idno", row="7"),
            finding("CN_MOBILE_PHONE", path="d.sql", table="u", column="tel", row="7"),
        ],
        sql,
    )
    assert risk(doc, 0)["level"] == "high"  # S-01 high, raise capped at high for storage
    assert (risk(doc, 1)["level"], risk(doc, 1)["modifiers"]) == ("high", ["S-08"])  # S-03 medium → high


@pytest.mark.parametrize(
    ("entity", "n", "level"),
    [
        ("CN_MOBILE_PHONE", 4999, "high"),
        ("CN_MOBILE_PHONE", 5000, "critical"),
        ("CN_BANK_CARD", 49, "high"),
        ("CN_BANK_CARD", 50, "critical"),
    ],
)
def test_criminal_thresholds_in_logs_count_distinct_persons(entity, n, level):
    fs = [finding(entity, line=i + 1, value_id=i) for i in range(n)]
    fs += [finding(entity, line=n + 1 + i, value_id=0) for i in range(100)]  # repeats: same person
    doc = rate(fs)
    assert {f["risk"]["level"] for f in doc["findings"]} == {level}
    assert doc["findings"][0]["risk"]["persons"] == n
    assert ("V-01" in doc["findings"][0]["risk"].get("modifiers", [])) == (level == "critical")


def test_volume_tiers_storage_tags_and_cap():
    sql = {"d.sql": "sql"}
    cards = [
        finding("CN_BANK_CARD", path="d.sql", table="u", column="card", row=str(i), value_id=i)
        for i in range(10_000)
    ]
    doc = rate(cards, sql)
    r = risk(doc)
    assert r["level"] == "high" and "V-02" in r["modifiers"] and "xborder_assessment_if_exported" in r["tags"]
    doc = rate(cards[:9_999], sql)
    assert "modifiers" not in risk(doc)
    phones = [
        finding("CN_MOBILE_PHONE", path="d.sql", table="u", column="tel", row=str(i), value_id=i)
        for i in range(100_000)
    ]
    doc = rate(phones, sql)
    r = risk(doc)
    assert (r["rule_id"], r["level"]) == ("S-03", "high") and r["modifiers"] == ["V-03"]
    assert "xborder_contract_if_exported" in r["tags"]
    assert doc["assets"][0]["distinct_persons"] == 100_000


def test_minor_gets_separate_finding():
    doc = rate(
        [
            finding(line=1, attributes={"minor": True}),
            finding(line=2, value_id=2, attributes={"minor": False}),
            finding(line=3, masked=True, value_id=3, attributes={"minor": True}),
        ]
    )
    rules = [f["rule_id"] for f in doc["findings"]]
    assert rules == ["CNPI001", "U-09", "CNPI001", "CNPI101"]
    minor = doc["findings"][1]
    assert minor["risk"]["rule_id"] == "U-09" and minor["risk"]["level"] == "critical"
    assert "PIPL-31" in minor["risk"]["basis"] and minor["attributes"]["derived_from"] == "CNPI001"
    assert "minor" in doc["findings"][0]["risk"]["tags"]
    assert doc["summary"]["findings"] == 4 and doc["summary"]["by_rule"]["U-09"] == 1
    sql = rate(
        [finding(path="d.sql", table="k", column="id", row="1", attributes={"minor": True})], {"d.sql": "sql"}
    )
    assert [f["risk"]["rule_id"] for f in sql["findings"]] == ["S-01", "S-09"]
    # the minors finding is S-01's level raised one step (at least high)
    assert sql["findings"][1]["risk"]["level"] == "critical"


def test_low_match_ratio_lowers_s01():
    asset = {
        "asset": "u.note",
        "kind": "column",
        "path": "d.sql",
        "table": "u",
        "column": "note",
        "match_ratio": 0.1,
        "entities": {},
    }
    doc = rate(
        [finding("CN_BANK_CARD", path="d.sql", table="u", column="note", row="1")], {"d.sql": "sql"}, [asset]
    )
    assert risk(doc)["level"] == "medium" and "low_match_ratio" in risk(doc)["tags"]
    assert doc["assets"] == [asset] and asset["risk"]["level"] == "medium"


def test_fallback_assets_and_escalation():
    doc = rate(
        [
            finding("CN_RESIDENT_ID", path="a.log", line=1),
            finding("CN_BANK_CARD", path="a.log", line=2),
            finding("CN_MOBILE_PHONE", path="a.log", line=3),
            finding("CN_MOBILE_PHONE", path="b.log", line=1, masked=True),
        ]
    )
    assets = {a["asset"]: a for a in doc["assets"]}
    assert set(assets) == {"a.log", "b.log"}
    a = assets["a.log"]
    assert a["kind"] == "file" and a["risk"]["level"] == "critical" and a["risk"]["modifiers"] == ["A-01"]
    assert a["entities"]["CN_BANK_CARD"]["full"] == 1 and a["distinct_persons"] == 1
    assert assets["b.log"]["risk"]["level"] == "low" and assets["b.log"]["samples"] == []


def test_disabled_rule_falls_through():
    doc = rate([finding(masked=True, attributes={"weak_mask": True})], disabled_rules=["U-03"])
    assert risk(doc)["rule_id"] == "U-04"


def test_bad_policy_is_a_clear_error():
    with pytest.raises(RiskPackError, match="unknown key"):
        load_risk_pack(overrides={"no_such_knob": 1})
    with pytest.raises(RiskPackError, match="sensitive_id_view"):
        load_risk_pack(sensitive_id_view="gbt0")


def test_rerating_is_idempotent_with_derived_findings():
    from piscan.risk import assess, load_risk_pack

    doc = rate([finding(line=1, attributes={"minor": True}), finding("CN_MOBILE_PHONE", line=2)])
    before = copy.deepcopy(doc)
    assess(doc, load_risk_pack())
    assert doc == before
    assert doc["summary"]["findings"] == 3 and doc["summary"]["by_rule"]["U-09"] == 1


def test_findings_total_counts_derived_findings(tmp_path):
    """summary.findings_total (every finding, listed or not) includes the derived minors' findings, so it
    is never below summary.findings, and a re-rating leaves it as it was."""
    from piscan.detection.validators.cn_resident_id import calc_check_digit
    from piscan.reports.json_report import build
    from piscan.risk import assess, load_risk_pack
    from piscan.risk.engine import strip_risk
    from piscan.scanner import Scanner, ScanOptions

    adult, minor = (first17 + calc_check_digit(first17) for first17 in ("11010519800101123", "11010520200101123"))
    log = tmp_path / "a.log"
    log.write_text(f"sfz {adult}\nsfz {minor}\n手机 13812345678\n", encoding="utf-8")
    doc = build(Scanner(ScanOptions(jobs=1)).scan([str(log)]))
    assert doc["summary"]["findings_total"] == doc["summary"]["findings"] == 3
    assess(doc, load_risk_pack())
    assert doc["summary"]["by_rule"].get("U-09") == 1
    assert doc["summary"]["findings_total"] == doc["summary"]["findings"] == 4
    rated = copy.deepcopy(doc)
    strip_risk(doc)
    assert doc["summary"]["findings_total"] == doc["summary"]["findings"] == 3
    assess(doc, load_risk_pack())
    assert doc == rated
