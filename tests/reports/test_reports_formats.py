"""Golden, schema and no-leak tests for every report format."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from reports_helpers import GOLDEN_LOG, HERE, NOW, PLANTED, finding, rate, scan_doc

from piscan.reports import outputs
from piscan.reports.sarif import build as sarif_build
from piscan.resources import rules_dir
from piscan.risk.citations import load_citations
from piscan.risk.policy import load_risk_pack

REPO = Path(__file__).resolve().parents[2]
GOLDEN = HERE / "golden"
FORMATS = {
    "json": "report.json",
    "sarif": "report.sarif",
    "md": "report.md",
    "html": "report.html",
    "report": "special.html",
}
REPORT_SCHEMA = json.loads((REPO / "docs" / "schema" / "report.schema.json").read_text(encoding="utf-8"))
SARIF_SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def render(doc, fmt):
    return outputs.render(copy.deepcopy(doc), fmt, generated_at=NOW, org={"name": "测试单位"})


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_golden(golden_doc, fmt):
    text = render(golden_doc, fmt)
    assert text == render(golden_doc, fmt)  # deterministic
    path = GOLDEN / FORMATS[fmt]
    if os.environ.get("UPDATE_GOLDEN") or not path.exists():
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{path.name} changed; UPDATE_GOLDEN=1 to accept"


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_no_raw_values_in_any_format(fmt):
    text = render(scan_doc(), fmt)
    assert "138****5678" in text or fmt in ("md", "report", "sarif")  # masked evidence is shown
    assert len(text) > 1000
    leaks = [v for v in PLANTED if v in text]
    assert leaks == []


def test_show_values_only_json_and_html_carry_values():
    doc = scan_doc(show_values=True)
    assert any(v in render(doc, "json") for v in PLANTED)
    assert any(v in render(doc, "html") for v in PLANTED)
    for fmt in ("sarif", "md", "report"):
        assert [v for v in PLANTED if v in render(doc, fmt)] == [], fmt


def test_json_report_matches_schema_and_keeps_contract_keys():
    doc = json.loads(render(scan_doc(), "json"))
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(doc)
    for k in (
        "schema_version",
        "tool",
        "rule_packs",
        "rules",
        "scan",
        "inputs",
        "summary",
        "findings",
        "assets",
        "errors",
        "risk",
        "citations",
        "risk_rules",
    ):
        assert k in doc
    assert all("risk" in f for f in doc["findings"]) and all("risk" in a for a in doc["assets"])


def test_schema_rejects_a_broken_report():
    doc = json.loads(render(scan_doc(), "json"))
    doc["findings"][0]["risk"]["level"] = "catastrophic"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(doc)


def test_sarif_valid_taxonomy_fingerprints_logical_locations():
    doc = rate(
        [
            finding("CN_BANK_CARD", path="dump.sql", line=3, table="shop.users", column="card", row="1"),
            finding("CN_RESIDENT_ID", path="日志/app log.txt", line=2),
        ],
        {"dump.sql": "sql"},
    )
    sarif = sarif_build(doc)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    run = sarif["runs"][0]
    res = {r["ruleId"]: r for r in run["results"]}
    assert res["CNPI003"]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "shop.users.card"
    assert res["CNPI003"]["partialFingerprints"]["piscanValue/v1"].startswith(
        doc["findings"][0]["fingerprint"]
    )
    assert {t["id"] for t in res["CNPI003"]["taxa"]} >= {"PIPL-51", "PIPL-28"}
    taxa = {t["id"] for t in run["taxonomies"][0]["taxa"]}
    assert {t["id"] for r in run["results"] for t in r["taxa"]} <= taxa
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["CNPI003"]["properties"]["security-severity"] == "8.0"
    assert "help" in rules["CNPI001"] and rules["CNPI001"]["help"]["text"].startswith("# CNPI001")
    assert res["CNPI001"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(
        "app%20log.txt"
    )


def test_sarif_fingerprints_stable_when_lines_move(tmp_path):
    moved = tmp_path / "golden.log"
    moved.write_text("\n\nheader line\n" + GOLDEN_LOG.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "a").mkdir()
    orig = tmp_path / "a" / "golden.log"
    orig.write_text(GOLDEN_LOG.read_text(encoding="utf-8"), encoding="utf-8")
    a = sarif_build(scan_doc(orig))["runs"][0]["results"]
    b = sarif_build(scan_doc(moved))["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in a] != [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in b
    ]
    assert [r["partialFingerprints"] for r in a] == [r["partialFingerprints"] for r in b]


def test_sarif_cap_keeps_most_severe_and_says_so():
    doc = rate(
        [finding("CN_MOBILE_PHONE", line=i + 1, value_id=i, masked=True) for i in range(5)]
        + [finding("CN_BANK_CARD", line=10, value_id=99)]
    )
    sarif = sarif_build(doc, max_results=2)
    run = sarif["runs"][0]
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    assert len(run["results"]) == 2 and run["properties"]["piscan"]["truncated"] is True
    assert "CNPI003" in [r["ruleId"] for r in run["results"]]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("capped at 2 of 6" in n["message"]["text"] for n in notes)


def test_every_rule_and_citation_id_exists_and_is_documented():
    cites = load_citations()
    pack = load_risk_pack()
    from piscan.detection.rules import load_packs

    det = [r for p in load_packs([]) for r in p.rules]
    assert det, "no detection rules loaded"
    for r in det:
        assert [c for c in r.legal_basis if c not in cites] == [], r.id
        assert (rules_dir() / "docs" / f"{r.id}.md").is_file(), r.id
    for rid, r in pack.rules.items():
        assert [c for c in r["basis"] if c not in cites] == [], rid
        assert (rules_dir() / "docs" / f"{rid}.md").is_file(), rid
    for c in cites.values():
        if c["law"] == "CSL":
            assert c["article_2017"] and c["article_2026"] and "renumbering_uncertain" in c


def test_csl_citations_name_both_numberings(golden_doc):
    csl = [c for c in golden_doc["citations"] if c["law"] == "CSL"]
    assert csl and all("2017" in c["cite_en"] and "2026" in c["cite_en"] for c in csl)
    assert any("⚠" in c["cite_en"] for c in csl)  # uncertain mappings stay marked


def cli(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.run(
        [sys.executable, "-m", "piscan.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def test_cli_multi_format_and_report_rerender(tmp_path):
    out = {f: tmp_path / n for f, n in FORMATS.items()}
    args = ["scan", str(GOLDEN_LOG), "--scan-date", "2026-01-02", "--now", NOW, "-j", "1"]
    for f, p in out.items():
        args += ["--format", f, "--output", str(p)]
    p = cli(*args)
    assert p.returncode == 1, p.stderr  # the golden log holds critical/high findings: the default gate trips
    assert "gate: --fail-on high" in p.stderr
    for f, path in out.items():
        text = path.read_text(encoding="utf-8")
        assert text and not [v for v in PLANTED if v in text], f
    r = cli(
        "report",
        str(out["json"]),
        "--format",
        "md",
        "--now",
        NOW,
        "--format",
        "sarif",
        "-o",
        "-",
        "-o",
        str(tmp_path / "again.sarif"),
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout == out["md"].read_text(encoding="utf-8")
    assert (tmp_path / "again.sarif").read_text(encoding="utf-8") == out["sarif"].read_text(encoding="utf-8")
    r = cli("report", str(out["json"]), "--format", "json", "--sensitive-id-view", "gbt45574-2025")
    doc = json.loads(r.stdout)
    assert doc["risk"]["policy"]["id_number_sensitive"] is False
    assert len(doc["findings"]) == len(json.loads(out["json"].read_text(encoding="utf-8"))["findings"])


def test_cli_errors_are_one_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    r = cli("report", str(bad), "--format", "md")
    assert r.returncode == 2 and "Traceback" not in r.stderr and "not a readable JSON report" in r.stderr
    r = cli("scan", str(GOLDEN_LOG), "--format", "json", "--format", "md")
    assert r.returncode == 2 and "--output" in r.stderr and "Traceback" not in r.stderr


def test_sarif_manifest_results_name_their_permission():
    # an APK's findings have no line: without the permission in the message a dozen alerts look alike
    manifest = REPO / "tests" / "manifests" / "fixtures" / "android" / "shop" / "app" / "src" / "main" / \
        "AndroidManifest.xml"
    doc = scan_doc(manifest)
    perms = [f for f in doc["findings"] if f.get("permission")]
    assert len(perms) >= 3
    results = sarif_build(doc)["runs"][0]["results"]
    by_text = [r["message"]["text"] for r in results if r["ruleId"].startswith("APP-")]
    for f in perms:
        assert any(f"`{f['permission']}`" in t for t in by_text), f["permission"]
