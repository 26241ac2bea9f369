"""Inputs from a real-world audit of text sources: files as exporters and log shippers write them.
Every planted value is found once, where it is, with no scan error."""

from __future__ import annotations

import json
import random

from piscan.scanner import Scanner, ScanOptions
from piscan.testing.generate import ValueGen


def _scan(path, **kw):
    return Scanner(ScanOptions(**{"jobs": 1, "show_values": True, **kw})).scan([str(path)])


def _vals(seed: int):
    v = ValueGen(random.Random(seed))
    return v.resident_id(), v.mobile(), v.card()


def _pi(r):
    return sorted((f.value, f.line, f.column, f.start, f.end) for f in r.findings
                  if f.rule_id.startswith("CNPI"))


def test_json_lines_under_a_json_name_are_json_lines(tmp_path):
    # mongoexport (default), filebeat, Docker and many log shippers write one object per line to *.json
    rid, phone, card = _vals(101)
    p = tmp_path / "export.json"
    p.write_text(json.dumps({"_id": {"$oid": "65657a1b2c"}, "mobile": phone}) + "\n"
                 + json.dumps({"user": {"idCard": rid}, "ts": 1701136800123}) + "\n\n"
                 + json.dumps({"bank": {"cardNo": int(card)}}) + "\n", encoding="utf-8")
    r = _scan(p)
    assert not r.errors
    lines = p.read_text(encoding="utf-8").split("\n")
    want = []
    for value, line, column in ((phone, 1, "mobile"), (rid, 2, "user.idCard"), (card, 4, "bank.cardNo")):
        at = lines[line - 1].index(value)  # columns in the line as written
        want.append((value, line, column, at, at + len(value)))
    assert _pi(r) == sorted(want)
    assert r.inputs[0]["rows_scanned"] == 3


def test_invalid_json_document_is_still_an_error(tmp_path):
    _rid, phone, _card = _vals(102)
    p = tmp_path / "broken.json"
    p.write_text('{"mobile": "' + phone + '"\n{"a": 1}\n', encoding="utf-8")
    r = _scan(p)
    assert [e.reason for e in r.errors] and "invalid JSON" in r.errors[0].reason
    assert [f.value for f in r.findings if f.rule_id.startswith("CNPI")] == [phone]


def _late_gbk_log(tmp_path, rid, phone, name="app.log"):
    # a GBK Java log on a Chinese Windows server: 64 KiB+ of ASCII start-up lines, then Chinese
    lines = [f"2023-11-28 10:00:00.{k % 1000:03d} INFO  [main] o.s.b.StartupInfoLogger - bean {k} ready"
             for k in range(1200)]
    lines.append(f"2023-11-28 10:00:01.000 INFO  [main] c.e.UserService - 用户注册 手机号码：{phone}，身份证：{rid}")
    p = tmp_path / name
    p.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    pre = lines[-1].index(phone)
    return p, len(lines), pre


def test_gbk_log_with_a_long_ascii_head_is_gbk(tmp_path):
    rid, phone, _card = _vals(103)
    p, line, pre = _late_gbk_log(tmp_path, rid, phone)
    assert len(p.read_bytes().split("用户".encode("gbk"))[0]) > 64 << 10
    for kw in ({"jobs": 1}, {"jobs": 2, "parallel_min_bytes": 1}):
        r = _scan(p, **kw)
        assert not r.errors, kw
        assert r.inputs[0]["encoding"] == "gb18030", kw
        assert _pi(r) == sorted([(phone, line, None, pre, pre + 11), (rid, line, None, pre + 16, pre + 34)]), kw
        assert {f.attributes.get("context") for f in r.findings if f.rule_id.startswith("CNPI")} == {"line"}


def test_gbk_log_with_a_long_ascii_head_compressed(tmp_path):
    import gzip

    rid, phone, _card = _vals(104)
    p, line, pre = _late_gbk_log(tmp_path, rid, phone)
    gz = tmp_path / "app.log.gz"
    gz.write_bytes(gzip.compress(p.read_bytes()))
    p.unlink()
    r = _scan(gz)
    assert not r.errors
    assert _pi(r) == sorted([(phone, line, None, pre, pre + 11), (rid, line, None, pre + 16, pre + 34)])


def test_utf8_log_with_a_long_ascii_head_stays_utf8(tmp_path):
    _rid, phone, _card = _vals(105)
    lines = ["INFO ready"] * 9000 + [f"用户注册 手机号码：{phone}", "bad \xff byte"]
    p = tmp_path / "u.log"
    p.write_bytes("\n".join(lines[:-1]).encode() + b"\nbad \xff byte\n")
    r = _scan(p)
    assert r.inputs[0]["encoding"] == "utf-8"
    assert _pi(r) == [(phone, 9001, None, 10, 21)]
    assert [e.reason for e in r.errors] == [
        "invalid UTF-8 from line 9002 (bytes replaced with U+FFFD; the rest of the file was scanned)"]


def test_zip_inside_a_zip_is_expanded(tmp_path):
    import io
    import zipfile

    rid, phone, _card = _vals(106)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("2023-11-28/app.log", f"INFO register mobile={phone}\n")
        deeper = io.BytesIO()
        with zipfile.ZipFile(deeper, "w") as z2:
            z2.writestr("users.csv", f"name,身份证号\n张三,{rid}\n")
        z.writestr("old.zip", deeper.getvalue())
    p = tmp_path / "export.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("logs/day.zip", inner.getvalue())
        z.writestr("readme.txt", "no PI here\n")
    r = _scan(p)
    assert not r.errors
    got = sorted((f.path.split("export.zip")[1], f.value, f.line) for f in r.findings if f.rule_id.startswith("CNPI"))
    assert got == sorted([("!logs/day.zip!2023-11-28/app.log", phone, 1),
                          ("!logs/day.zip!old.zip!users.csv", rid, 2)])
