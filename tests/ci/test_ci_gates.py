"""Exit codes and gates, config files, through the real CLI."""

from __future__ import annotations

import json

from ci_helpers import RAW_CARD, RAW_ID, RAW_PHONE


def _tree(tmp_path, text: str):
    (tmp_path / "app.log").write_text(text, encoding="utf-8")
    return tmp_path


def test_fail_on_levels(cli, tmp_path):
    # full ID and full phone on separate log lines: both U-01 high (no identity kit, nothing critical)
    root = _tree(tmp_path, f"user 手机 {RAW_PHONE} ok\n身份证 {RAW_ID}\n")
    assert cli("scan", root).returncode == 1  # default gate high
    assert cli("scan", root, "--fail-on", "critical").returncode == 0
    assert cli("scan", root, "--fail-on", "never").returncode == 0
    r = cli("scan", root, "--fail-on", "high")
    assert "gate: --fail-on high: 2 finding(s) at or above (2 high)" in r.stderr
    # on one line they form an identity kit (S-08/U-08 raise): critical trips too
    kit = tmp_path / "kit"
    kit.mkdir()
    (kit / "a.log").write_text(f"手机 {RAW_PHONE} 身份证 {RAW_ID}\n", encoding="utf-8")
    assert cli("scan", kit, "--fail-on", "critical").returncode == 1


def test_phone_in_log_is_high_and_masked_is_low(cli, tmp_path):
    root = _tree(tmp_path, f"联系电话 {RAW_PHONE}\n")
    assert cli("scan", root).returncode == 1  # U-01: a full mobile number in a log line is high
    assert cli("scan", root, "--fail-on", "critical").returncode == 0
    masked = tmp_path / "m"
    masked.mkdir()
    (masked / "a.log").write_text("手机 138****5678\n", encoding="utf-8")
    assert cli("scan", masked, "--fail-on", "medium").returncode == 0
    assert cli("scan", masked, "--fail-on", "low").returncode == 1


def test_scan_error_exit_2_and_no_fail_on_errors(cli, tmp_path):
    root = _tree(tmp_path, "nothing\n")
    r = cli("scan", root, tmp_path / "missing.log")
    assert r.returncode == 2 and "missing.log" in r.stderr
    assert cli("scan", root, tmp_path / "missing.log", "--no-fail-on-errors").returncode == 0


def test_max_persons_per_asset(cli, tmp_path):
    phones = ["13812345678", "13912345678", "13712345678"]
    (tmp_path / "a.log").write_text("".join(f"手机 {p}\n" for p in phones) + f"again 手机 {phones[0]}\n",
                                    encoding="utf-8")
    (tmp_path / "b.log").write_text(f"手机 {phones[1]}\n", encoding="utf-8")
    # --fail-on never: only the persons gate decides
    assert cli("scan", tmp_path, "--max-persons", "3", "--fail-on", "never").returncode == 0  # 3 distinct, 4 findings
    r = cli("scan", tmp_path, "--max-persons", "2", "--fail-on", "never")
    assert r.returncode == 1
    assert "asset a.log holds 3 distinct persons" in r.stderr and "b.log" not in r.stderr


def test_config_file_keys_and_cli_override(cli, tmp_path):
    root = _tree(tmp_path, f"身份证 {RAW_ID}\n")
    (root / ".piscan.yml").write_text("fail-on: never\nformat: json\n", encoding="utf-8")
    r = cli("scan", root)
    assert r.returncode == 0
    report = json.loads(r.stdout)  # format: json came from the config
    assert report["config"]["path"].endswith(".piscan.yml") and len(report["config"]["sha256"]) == 64
    assert cli("scan", root, "--fail-on", "high").returncode == 1  # the command line wins


def test_pyproject_tool_piscan_and_explicit_config(cli, tmp_path):
    root = _tree(tmp_path, f"卡号 {RAW_CARD}\n")
    (root / "pyproject.toml").write_text('[tool.piscan]\nfail_on = "never"\n', encoding="utf-8")
    assert cli("scan", root).returncode == 0
    other = tmp_path / "strict.yml"
    other.write_text("fail_on: high\n", encoding="utf-8")
    assert cli("scan", root, "--config", other).returncode == 1


def test_unknown_config_key_is_an_error_naming_it(cli, tmp_path):
    root = _tree(tmp_path, "x\n")
    (root / ".piscan.yml").write_text("fail_on: high\nfail_onn: low\n", encoding="utf-8")
    r = cli("scan", root)
    assert r.returncode == 2 and "unknown key 'fail_onn'" in r.stderr


def test_every_scan_option_has_a_config_key():
    from piscan.ci.config import option_keys
    from piscan.cli import scan

    keys = option_keys(scan)
    longs = {o[2:].replace("-", "_") for p in scan.params for o in p.opts if o.startswith("--")}
    assert longs - {"config", "help"} <= set(keys) | {"no_fail_on_errors", "no_inline_ignore"}
    assert {"fail_on", "max_persons", "baseline", "format", "rules", "sign"} <= set(keys)


def test_fail_on_new_assets_requires_baseline(cli, tmp_path):
    root = _tree(tmp_path, "x\n")
    r = cli("scan", root, "--fail-on-new-assets")
    assert r.returncode == 2 and "--baseline" in r.stderr


def test_listing_cap_changes_no_count_no_level_no_gate(cli, tmp_path):
    """Past --max-findings-per-asset findings are counted, not listed. The persons gate, the criminal
    volume rule (V-01: 5,000 phone numbers in an export) and the report's person count read the listed
    findings: with the default cap of 1000 a 6,000-person export passed --max-persons 2000, rated medium
    instead of critical and reported 1000 persons (found by an independent export review)."""
    import random

    from piscan.testing.generate import ValueGen

    v = ValueGen(random.Random(3))
    phones = {v.mobile() for _ in range(6500)}
    rows = sorted(phones)[:6000]
    (tmp_path / "users.csv").write_text("姓名,手机号码\n" + "".join(f"用户{i},{p}\n" for i, p in enumerate(rows)),
                                        encoding="utf-8")
    docs = {}
    for cap in ("1000", "0"):
        r = cli("scan", tmp_path, "--max-findings-per-asset", cap, "--max-persons", "2000", "--fail-on", "never",
                "--format", "json", "-o", str(tmp_path.parent / f"out{cap}.json"))
        assert r.returncode == 1, (cap, r.stderr)  # the persons gate trips either way
        assert "asset users.csv#手机号码 holds 6000 distinct persons" in r.stderr
        docs[cap] = json.loads((tmp_path.parent / f"out{cap}.json").read_text(encoding="utf-8"))
    capped, full = docs["1000"], docs["0"]
    assert len(capped["findings"]) == 1000 and len(full["findings"]) == 6000
    assert capped["assets"][0]["risk"]["level"] == full["assets"][0]["risk"]["level"] == "critical"
    assert capped["summary"]["risk"]["persons"] == full["summary"]["risk"]["persons"] == 6000
