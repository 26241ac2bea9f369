"""Allowlist (with expiry) and inline ignores, through the real CLI."""

from __future__ import annotations

import datetime as dt
import json

from ci_helpers import RAW_ID, RAW_PHONE


def _findings(proc) -> list[dict]:
    return json.loads(proc.stdout)["findings"]


def test_allowlist_by_rule_path_and_expiry(cli, tmp_path):
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "seed.sql").write_text(f"身份证 {RAW_ID}\n", encoding="utf-8")
    (tmp_path / "app.log").write_text(f"身份证 {RAW_ID}\n手机 {RAW_PHONE}\n", encoding="utf-8")
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    past = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    (tmp_path / ".piscan.yml").write_text(
        "allowlist:\n"
        f"  - path: 'fixtures/*'\n    reason: test data\n    expires: {future}\n"
        f"  - rule: CN_MOBILE_PHONE\n    reason: old exception\n    expires: {past}\n", encoding="utf-8")
    r = cli("scan", tmp_path, "--format", "json")
    got = {(f["path"], f["entity_type"]) for f in _findings(r)}
    # fixtures/ is allowlisted; the expired entry no longer applies
    assert got == {("app.log", "CN_RESIDENT_ID"), ("app.log", "CN_MOBILE_PHONE")}
    assert "allowlist entry 2" in r.stderr and f"expired on {past}" in r.stderr
    assert json.loads(r.stdout)["suppressed"]["allowlist"] == 1


def test_allowlist_by_fingerprint(cli, tmp_path):
    (tmp_path / "a.log").write_text(f"身份证 {RAW_ID}\n手机 {RAW_PHONE}\n", encoding="utf-8")
    first = _findings(cli("scan", tmp_path, "--format", "json"))
    fp = next(f["fingerprint"] for f in first if f["entity_type"] == "CN_RESIDENT_ID")
    (tmp_path / ".piscan.yml").write_text(f"allowlist:\n  - fingerprint: {fp}\n    reason: our test person\n",
                                          encoding="utf-8")
    r = cli("scan", tmp_path, "--format", "json")
    assert [f["entity_type"] for f in _findings(r)] == ["CN_MOBILE_PHONE"]
    assert r.returncode == 1  # the remaining full phone in a log is still high (U-01)
    assert "1 finding(s) at or above (1 high)" in r.stderr


def test_allowlist_by_asset_matches_table_column():
    from piscan.ci.allowlist import apply, parse
    from piscan.findings import Finding

    def f(table, column):
        return Finding("CNPI001", "CN_RESIDENT_ID", "dump.sql", 3, 0, 18, False, 1.0, "x", "fp",
                       table=table, column=column)

    entries = parse([{"asset": "users.id_card", "reason": "KYC table, encrypted at rest"}])
    kept, n = apply([f("users", "id_card"), f("orders", "id_card"), f(None, None)], entries)
    assert n == 1 and [x.table for x in kept] == ["orders", None]


def test_allowlist_unknown_entry_key(cli, tmp_path):
    (tmp_path / "a.log").write_text("x\n", encoding="utf-8")
    (tmp_path / ".piscan.yml").write_text("allowlist:\n  - value: '123'\n", encoding="utf-8")
    r = cli("scan", tmp_path)
    assert r.returncode == 2 and "unknown key 'value'" in r.stderr


def test_inline_ignore_text_and_sql(cli, tmp_path):
    (tmp_path / "app.log").write_text(
        f"身份证 {RAW_ID} # piscan:ignore\n"
        f"手机 {RAW_PHONE} 身份证 {RAW_ID} piscan:ignore CN_MOBILE_PHONE\n"
        f"手机 {RAW_PHONE}\n", encoding="utf-8")
    (tmp_path / "dump.sql").write_text(
        f"INSERT INTO users VALUES (1, '{RAW_ID}'); -- piscan:ignore\n"
        f"INSERT INTO users VALUES (2, '{RAW_ID}'); /* piscan:ignore CNPI002 */\n", encoding="utf-8")
    r = cli("scan", tmp_path, "--format", "json")
    got = sorted((f["path"], f["line"], f["entity_type"]) for f in _findings(r))
    assert got == [("app.log", 2, "CN_RESIDENT_ID"), ("app.log", 3, "CN_MOBILE_PHONE"),
                   ("dump.sql", 2, "CN_RESIDENT_ID")]
    assert json.loads(r.stdout)["suppressed"]["inline"] == 3
    r2 = cli("scan", tmp_path, "--format", "json", "--no-inline-ignore")
    assert len(_findings(r2)) == 6


def test_inline_ignore_marker_across_a_read_block(tmp_path):
    """Files without the marker are skipped after a block search; the search still sees a marker that
    straddles two 1 MiB blocks, and one past the first block, in plain and gzip files."""
    import gzip

    from piscan.ci import inline
    from piscan.findings import Finding

    pad = "x" * ((1 << 20) - 26) + "\n"  # line 2's marker starts 6 bytes before the first block ends
    lines = [pad, f"手机 {RAW_PHONE} piscan:ignore\n", f"手机 {RAW_PHONE}\n"]
    plain, packed, clean = tmp_path / "a.log", tmp_path / "b.log.gz", tmp_path / "c.log"
    plain.write_text("".join(lines), encoding="utf-8")
    packed.write_bytes(gzip.compress("".join(lines).encode("utf-8")))
    clean.write_text(pad + lines[2] * 2, encoding="utf-8")
    assert inline._has_marker(str(plain), 2) and inline._has_marker(str(packed), 2)
    assert not inline._has_marker(str(clean), 3)

    def found(path: str, line: int) -> Finding:
        return Finding("CNPI002", "CN_MOBILE_PHONE", path, line, 3, 14, False, 0.9, "手机 138****5678", "f" * 32)

    fs = {"a.log": str(plain), "b.log.gz": str(packed), "c.log": str(clean)}
    kept, n = inline.apply([found(p, k) for p in fs for k in (2, 3)], fs)
    assert n == 2
    assert sorted((f.path, f.line) for f in kept) == [("a.log", 3), ("b.log.gz", 3), ("c.log", 2), ("c.log", 3)]


def test_inline_ignore_search_stops_after_the_last_listed_line(tmp_path):
    """Only lines up to the last one a finding points at are searched for a marker: a marker in a later
    block is not looked for (the file's rest is not read again), one in the block of that line is."""
    from piscan.ci import inline
    from piscan.findings import Finding

    block_lines = (1 << 20) // 64  # 64-byte lines: 16,384 to a 1 MiB block
    body = [f"{k:063d}\n" for k in range(3 * block_lines)]
    body[2 * block_lines + 5] = "x" * 49 + " piscan:ignore\n"  # in the third block
    path = tmp_path / "big.log"
    path.write_text("".join(body), encoding="ascii")
    assert not inline._has_marker(str(path), 10)  # line 10 ends in the first block
    assert not inline._has_marker(str(path), 2 * block_lines)  # the last line of the second block
    assert inline._has_marker(str(path), 2 * block_lines + 1)  # needs the third block, which holds one
    assert inline._has_marker(str(path), 2 * block_lines + 6)

    def found(line: int) -> Finding:
        return Finding("CNPI002", "CN_MOBILE_PHONE", "big.log", line, 3, 14, False, 0.9, "e", "f" * 32)

    kept, n = inline.apply([found(10), found(2 * block_lines + 6)], {"big.log": str(path)})
    assert n == 1 and [f.line for f in kept] == [10]
    kept, n = inline.apply([found(10)], {"big.log": str(path)})
    assert n == 0 and len(kept) == 1
