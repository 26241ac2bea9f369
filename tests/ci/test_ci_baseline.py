"""Baseline round-trip: moved lines and reordered rows change nothing; new findings are new."""

from __future__ import annotations

import json

from ci_helpers import RAW_CARD, RAW_ID, RAW_PHONE


def _valid_id(prefix: str = "11010519900101123") -> str:
    from piscan.detection.validators.cn_resident_id import calc_check_digit

    return prefix + calc_check_digit(prefix)


def test_baseline_roundtrip_moved_lines_and_new_finding(cli, tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "app.log").write_text(f"身份证 {RAW_ID}\n手机 {RAW_PHONE}\n", encoding="utf-8")
    (root / "rows.sql").write_text(f"INSERT INTO t VALUES (1, '{RAW_CARD}');\n"
                                   f"INSERT INTO t VALUES (2, '{RAW_ID}');\n", encoding="utf-8")
    base = tmp_path / "baseline.json"
    r = cli("baseline", "create", root, "-f", base, "--owner", "dpo@example.cn", "--reason", "legacy logs")
    assert r.returncode == 0, r.stderr
    doc = json.loads(base.read_text(encoding="utf-8"))
    assert len(doc["entries"]) == 4
    assert all("line" not in e and e["owner"] == "dpo@example.cn" and e["status"] == "accepted"
               for e in doc["entries"])
    for raw in (RAW_ID, RAW_PHONE, RAW_CARD):
        assert raw not in base.read_text(encoding="utf-8")

    # move lines, add blank lines, reorder rows: nothing new
    (root / "app.log").write_text(f"\n\nheader\n手机 {RAW_PHONE}\n\n身份证   {RAW_ID}\n", encoding="utf-8")
    (root / "rows.sql").write_text(f"INSERT INTO t VALUES (2, '{RAW_ID}');\n-- comment\n"
                                   f"INSERT INTO t VALUES (1, '{RAW_CARD}');\n", encoding="utf-8")
    r = cli("scan", root, "--baseline", base, "--format", "json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["findings"] == [] and rep["baseline"]["unchanged"] == 4 and rep["baseline"]["absent"] == []

    # a new value fails the build and is the only finding, marked new
    new_id = _valid_id()
    with open(root / "app.log", "a", encoding="utf-8") as fh:
        fh.write(f"身份证 {new_id}\n")
    r = cli("scan", root, "--baseline", base, "--format", "json")
    assert r.returncode == 1
    rep = json.loads(r.stdout)
    assert [(f["path"], f["baseline_state"]) for f in rep["findings"]] == [("app.log", "new")]
    assert new_id not in r.stdout

    # the same accepted value in another file is new there (key includes the location)
    (root / "other.log").write_text(f"身份证 {RAW_ID}\n", encoding="utf-8")
    rep = json.loads(cli("scan", root, "--baseline", base, "--format", "json").stdout)
    assert sorted(f["path"] for f in rep["findings"]) == ["app.log", "other.log"]


def test_baseline_update_keeps_audit_fields_and_drops_fixed(cli, tmp_path):
    root = tmp_path / "r"
    root.mkdir()
    (root / "a.log").write_text(f"身份证 {RAW_ID}\n手机 {RAW_PHONE}\n", encoding="utf-8")
    base = tmp_path / "b.json"
    assert cli("baseline", "create", root, "-f", base, "--owner", "alice", "--reason", "r1").returncode == 0
    (root / "a.log").write_text(f"身份证 {RAW_ID}\n卡号 {RAW_CARD}\n", encoding="utf-8")
    r = cli("baseline", "update", root, "-f", base, "--owner", "bob", "--status", "false-positive")
    assert r.returncode == 0 and "1 added, 1 removed" in r.stderr
    entries = {e["entity_type"]: e for e in json.loads(base.read_text(encoding="utf-8"))["entries"]}
    assert set(entries) == {"CN_RESIDENT_ID", "CN_BANK_CARD"}
    assert entries["CN_RESIDENT_ID"]["owner"] == "alice" and entries["CN_RESIDENT_ID"]["reason"] == "r1"
    assert entries["CN_BANK_CARD"]["owner"] == "bob" and entries["CN_BANK_CARD"]["status"] == "false-positive"


def test_fail_on_new_assets(cli, tmp_path):
    root = tmp_path / "r"
    root.mkdir()
    (root / "a.log").write_text(f"手机 {RAW_PHONE}\n", encoding="utf-8")
    base = tmp_path / "b.json"
    cli("baseline", "create", root, "-f", base)
    (root / "b.log").write_text("手机 13912345678\n", encoding="utf-8")
    (root / "a.log").write_text("手机 13712345678\n", encoding="utf-8")
    r = cli("scan", root, "--baseline", base, "--fail-on-new-assets")
    assert r.returncode == 1
    assert "asset b.log held no PI" in r.stderr and "asset a.log" not in r.stderr
    # the new phones are findings the baseline does not hold, and a full phone in a log is high (U-01)
    assert cli("scan", root, "--baseline", base).returncode == 1
    assert cli("scan", root, "--baseline", base, "--fail-on", "critical").returncode == 0


def test_baseline_with_other_fingerprint_key_is_refused(cli, tmp_path):
    (tmp_path / "a.log").write_text(f"手机 {RAW_PHONE}\n", encoding="utf-8")
    base = tmp_path / "b.json"
    cli("baseline", "create", tmp_path / "a.log", "-f", base)
    r = cli("scan", tmp_path / "a.log", "--baseline", base, env={"PISCAN_FINGERPRINT_KEY": "another"})
    assert r.returncode == 2 and "fingerprint key" in r.stderr
