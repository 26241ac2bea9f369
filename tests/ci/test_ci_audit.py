"""piscan audit over a folder with two good reports and one tampered; cross-submission counting."""

from __future__ import annotations

import json

from ci_helpers import RAW_CARD, RAW_ID, RAW_PHONE


def _enterprise(cli, tmp_path, name: str, text: str, audit_key, fp_key: str):
    data = tmp_path / f"data-{name}"
    data.mkdir()
    (data / "crm.log").write_text(text, encoding="utf-8")
    cli("keygen", "-o", tmp_path / "trusted" / f"{name}.key")
    out = tmp_path / "submissions" / f"{name}.json"
    r = cli("scan", data, "--format", "json", "-o", out, "--sign", tmp_path / "trusted" / f"{name}.key",
            "--audit-key", audit_key, "--organization", name, "--fail-on", "never",
            env={"PISCAN_FINGERPRINT_KEY": fp_key})  # each enterprise has its own fingerprint key
    assert r.returncode == 0, r.stderr
    return out


def test_audit_two_good_one_tampered(cli, tmp_path):
    (tmp_path / "trusted").mkdir()
    (tmp_path / "submissions").mkdir()
    audit_key = tmp_path / "regulator.key"
    audit_key.write_text("regulator-secret-2025\n", encoding="utf-8")
    _enterprise(cli, tmp_path, "acme", f"身份证 {RAW_ID}\n手机 {RAW_PHONE}\n", audit_key, "acme-key")
    _enterprise(cli, tmp_path, "beta", f"手机 {RAW_PHONE}\n卡号 {RAW_CARD}\n手机 13912345678\n", audit_key,
                "beta-key")
    gamma = _enterprise(cli, tmp_path, "gamma", f"身份证 {RAW_ID}\n手机 13712345678\n", audit_key, "g-key")
    doc = json.loads(gamma.read_text(encoding="utf-8"))
    doc["findings"] = [f for f in doc["findings"] if f["entity_type"] != "CN_RESIDENT_ID"]  # hide the ID
    gamma.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    # the two good reports do not share fingerprints (per-enterprise keys) ...
    subs = tmp_path / "submissions"
    fps = [{f["fingerprint"] for f in json.loads((subs / f"{n}.json").read_text())["findings"]}
           for n in ("acme", "beta")]
    assert not fps[0] & fps[1]

    out = tmp_path / "overview"
    r = cli("audit", tmp_path / "submissions", "--trusted-keys", tmp_path / "trusted", "-o", out,
            "--audit-key", audit_key)
    assert r.returncode == 0, r.stderr
    assert "gamma.json: NOT VERIFIED" in r.stdout and "2/3 verified" in r.stdout
    ov = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    ents = ov["enterprises"]
    assert [e["verified"] for e in ents] == [False, True, True]  # failed first
    assert ents[0]["file"] == "gamma.json" and "findings" in " ".join(ents[0]["problems"])
    assert "persons_by_category" not in ents[0]  # never aggregated
    assert ov["totals"]["findings"] == 2 + 3  # acme 2, beta 3: gamma excluded
    by_signer = {e["signer"]: e for e in ents if e["verified"]}
    assert by_signer["beta"]["persons_by_category"]["个人基本资料"] == 2
    # rated by the risk engine: full ID and full phone in a log line are both U-01 high (use dimension)
    assert by_signer["acme"]["findings_by_level_dimension"]["high"] == {"use": 2}
    assert by_signer["acme"]["top_risks"][0]["level"] == "high"
    # ... but the regulator-keyed fingerprints do: the shared phone is one person in two enterprises
    assert ov["cross_submission"]["persons_in_several_enterprises"] == 1
    assert ov["cross_submission"]["distinct_persons"] == 4  # id, phone (shared), card, second phone
    html = (out / "audit.html").read_text(encoding="utf-8")
    assert html.index("gamma.json") < html.index("acme.json")
    for raw in (RAW_ID, RAW_PHONE, RAW_CARD):
        assert raw not in html and raw not in (out / "audit.json").read_text(encoding="utf-8")
    assert cli("audit", tmp_path / "submissions", "--trusted-keys", tmp_path / "trusted", "-o", out,
               "--fail-on-unverified").returncode == 1
