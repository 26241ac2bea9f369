"""keygen -> scan --sign -> verify; every kind of edit to a signed report fails verification."""

from __future__ import annotations

import copy
import json
import os
import stat

import pytest
from ci_helpers import RAW_ID, RAW_PHONE


@pytest.fixture
def signed(cli, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "app.log").write_text(f"身份证 {RAW_ID}\n手机 {RAW_PHONE}\n手机 138****5678\n", encoding="utf-8")
    (data / "clean.log").write_text("nothing\n", encoding="utf-8")
    keys = tmp_path / "keys"
    keys.mkdir()
    r = cli("keygen", "-o", keys / "acme.key")
    assert r.returncode == 0
    report = tmp_path / "report.json"
    r = cli("scan", data, "--format", "json", "-o", report, "--sign", keys / "acme.key",
            "--fail-on", "never", "--organization", "ACME 有限公司")
    assert r.returncode == 0, r.stderr
    doc = json.loads(report.read_text(encoding="utf-8"))
    return {"data": data, "keys": keys, "report": report, "doc": doc}


def test_keygen_modes_and_refuses_overwrite(cli, signed):
    priv = signed["keys"] / "acme.key"
    assert stat.S_IMODE(os.stat(priv).st_mode) == 0o600
    assert (signed["keys"] / "acme.key.pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert cli("keygen", "-o", priv).returncode == 2


def test_signed_report_content(signed):
    doc = signed["doc"]
    sig = doc["signature"]
    assert sig["alg"] == "Ed25519" and sig["canonicalization"] == "RFC8785-JCS" and len(sig["key_id"]) == 64
    assert {"findings", "summary", "inputs", "rule_packs", "config", "tool", "scan"} <= set(sig["sections"])
    assert all(len(i["sha256"]) == 64 for i in doc["inputs"])
    assert doc["rule_packs"][0]["sha256"] and doc["tool"]["version"] and doc["scan"]["finished_at"]


def test_verify_ok_with_pubkey_trusted_dir_and_inputs(cli, signed):
    pub = signed["keys"] / "acme.key.pub"
    r = cli("verify", signed["report"], "--pubkey", pub, "--inputs", signed["data"])
    assert r.returncode == 0, r.stdout
    assert "VERIFIED" in r.stdout and "input 'app.log': sha256 matches" in r.stdout
    r = cli("verify", signed["report"], "--trusted-keys", signed["keys"])
    assert r.returncode == 0 and "(acme)" in r.stdout


def test_verify_detects_changed_input_file(cli, signed):
    with open(signed["data"] / "clean.log", "a", encoding="utf-8") as fh:
        fh.write("edited\n")
    pub = signed["keys"] / "acme.key.pub"
    r = cli("verify", signed["report"], "--pubkey", pub, "--inputs", signed["data"])
    assert r.returncode == 1 and "input 'clean.log': sha256 differs" in r.stdout
    assert "input 'app.log': sha256 matches" in r.stdout


def test_verify_wrong_key(cli, signed, tmp_path):
    cli("keygen", "-o", tmp_path / "other.key")
    r = cli("verify", signed["report"], "--pubkey", tmp_path / "other.key.pub")
    assert r.returncode == 1 and "not a trusted" in r.stdout


def _remove_finding(d):
    d["findings"].pop(0)


def _lower_level(d):
    f = next(f for f in d["findings"] if f["entity_type"] == "CN_RESIDENT_ID")
    f["masked"] = True  # what a level is derived from without a risk engine: full -> masked = high -> low
    d["gate"]["fail_on"] = "critical"


def _change_count(d):
    d["summary"]["findings"] -= 1


def _change_input_hash(d):
    d["inputs"][0]["sha256"] = "0" * 64


def _change_rule_pack_hash(d):
    d["rule_packs"][0]["sha256"] = "f" * 64


def _change_config_hash(d):
    d["config"]["sha256"] = "e" * 64


def _change_tool_version(d):
    d["tool"]["version"] = "9.9.9"


def _change_time(d):
    d["scan"]["finished_at"] = "2020-01-01T00:00:00Z"


def _change_signed_digest_too(d):
    d["findings"].pop()
    d["signature"]["counts"]["findings"] -= 1


def _drop_signature(d):
    del d["signature"]


TAMPERS = {
    "remove-finding": (_remove_finding,
                       "section 'findings' changed after signing (signed with 3 entries, now 2)"),
    "lower-level": (_lower_level, "section 'findings' changed"),
    "change-count": (_change_count, "section 'summary' changed"),
    "input-hash": (_change_input_hash, "input entry 'app.log' changed after signing"),
    "rule-pack-hash": (_change_rule_pack_hash, "section 'rule_packs' changed"),
    "config-hash": (_change_config_hash, "section 'config' changed"),
    "tool-version": (_change_tool_version, "section 'tool' changed"),
    "time": (_change_time, "section 'scan' changed"),
    "edit-block-too": (_change_signed_digest_too, "signature does not match"),
    "unsigned": (_drop_signature, "not signed"),
}


@pytest.mark.parametrize("name", sorted(TAMPERS))
def test_tamper_fails(cli, signed, tmp_path, name):
    doc = copy.deepcopy(signed["doc"])
    edit, expect = TAMPERS[name]
    edit(doc)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    r = cli("verify", bad, "--pubkey", signed["keys"] / "acme.key.pub")
    assert r.returncode == 1, r.stdout
    assert expect in r.stdout and "NOT VERIFIED" in r.stdout


def test_reformatting_keeps_signature_valid(cli, signed, tmp_path):
    """JCS: whitespace and key order do not matter, only content."""
    doc = signed["doc"]
    out = tmp_path / "reformatted.json"
    out.write_text(json.dumps(dict(reversed(list(doc.items()))), ensure_ascii=True), encoding="utf-8")
    assert cli("verify", out, "--pubkey", signed["keys"] / "acme.key.pub").returncode == 0


def test_sign_needs_json(cli, signed):
    r = cli("scan", signed["data"], "--sign", signed["keys"] / "acme.key")
    assert r.returncode == 2 and "--format json" in r.stderr


def test_verify_inputs_of_compressed_files_and_zip_members(cli, tmp_path):
    """A compressed input records the sha256 of the file as stored (what ``sha256sum`` and ``verify
    --inputs`` hash), the decompressed content's as ``content_sha256``; zip and tarball members, nested
    too, are re-hashed inside their archive."""
    import gzip
    import hashlib
    import io
    import lzma
    import zipfile

    data = tmp_path / "data"
    data.mkdir()
    text = f"手机 {RAW_PHONE}\n".encode()
    (data / "app.log.gz").write_bytes(gzip.compress(text))
    (data / "old.log.xz").write_bytes(lzma.compress(text))
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("deep/x.log", text)
    with zipfile.ZipFile(data / "bundle.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("day1.log", text)
        z.writestr("day2.log.gz", gzip.compress(text))
        z.writestr("old.zip", inner.getvalue())
    import tarfile

    with tarfile.open(data / "week.tar.gz", "w:gz") as tf:  # tarball members are re-hashed in the stream
        info = tarfile.TarInfo("logs/day3.log")
        info.size = len(text)
        tf.addfile(info, io.BytesIO(text))
    keys = tmp_path / "keys"
    keys.mkdir()
    assert cli("keygen", "-o", keys / "k.key").returncode == 0
    report = tmp_path / "report.json"
    r = cli("scan", data, "--format", "json", "-o", report, "--sign", keys / "k.key", "--fail-on", "never")
    assert r.returncode == 0, r.stderr
    inputs = {i["path"]: i for i in json.loads(report.read_text(encoding="utf-8"))["inputs"]}
    assert set(inputs) == {"app.log.gz", "old.log.xz", "bundle.zip!day1.log", "bundle.zip!day2.log.gz",
                           "bundle.zip!old.zip!deep/x.log", "week.tar.gz!logs/day3.log"}
    content = hashlib.sha256(text).hexdigest()
    for name in ("app.log.gz", "old.log.xz"):
        stored = (data / name).read_bytes()
        assert inputs[name]["sha256"] == hashlib.sha256(stored).hexdigest() != content
        assert inputs[name]["size"] == len(stored) and inputs[name]["content_size"] == len(text)
        assert inputs[name]["content_sha256"] == content
    assert inputs["bundle.zip!day1.log"]["sha256"] == content and "content_sha256" not in inputs["bundle.zip!day1.log"]
    assert inputs["bundle.zip!day2.log.gz"]["content_sha256"] == content != inputs["bundle.zip!day2.log.gz"]["sha256"]
    pub = keys / "k.key.pub"
    r = cli("verify", report, "--pubkey", pub, "--inputs", data)
    assert r.returncode == 0, r.stdout
    for name in inputs:
        assert f"input {name!r}: sha256 matches" in r.stdout
    # one changed member fails, naming it; the others still match
    with zipfile.ZipFile(data / "bundle.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("day1.log", text + b"edited\n")
        z.writestr("day2.log.gz", gzip.compress(text))
        z.writestr("old.zip", inner.getvalue())
    r = cli("verify", report, "--pubkey", pub, "--inputs", data / "bundle.zip")
    assert r.returncode == 1
    assert "input 'bundle.zip!day1.log': sha256 differs" in r.stdout
    assert "input 'bundle.zip!old.zip!deep/x.log': sha256 matches" in r.stdout
    assert "input 'app.log.gz': not found" in r.stdout
