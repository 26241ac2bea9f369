"""Bad input, encodings, compression, CSV/JSON and folder walking."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import subprocess
import zipfile

import lz4.frame
import pytest
import zstandard

from piscan.scanner import Scanner, ScanOptions

ID = "11010519491231002X"
PHONE = "13812345678"
CARD = "6222020200112233446"
ENV = {**os.environ, "PYTHONPATH": "src"}

MYSQL = (f"CREATE TABLE `u` (\n  `id` int(11) NOT NULL,\n  `sfzh` char(18),\n  `tel` varchar(20),\n"
         f"  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\nINSERT INTO `u` VALUES (1,'{ID}','{PHONE}'),\n"
         f"(2,NULL,'a\\'b {PHONE}'),\n(3,_binary 'x','{PHONE}');\n")


def scan(*targets, **kw):
    kw.setdefault("jobs", 1)
    return Scanner(ScanOptions(**kw)).scan([str(t) for t in targets])


def cli(*args):
    return subprocess.run(["python", "-m", "piscan.cli", "scan", "--format", "json", *map(str, args)],
                          capture_output=True, text=True, env=ENV)


def cols(r):
    return sorted((f.table, f.column, f.row) for f in r.findings)


def test_mysql_dump_escapes_and_columns(tmp_path):
    p = tmp_path / "d.sql"
    p.write_text(MYSQL)
    r = scan(p)
    assert not r.errors
    assert cols(r) == [("u", "sfzh", "1"), ("u", "tel", "1"), ("u", "tel", "2"), ("u", "tel", "3")]
    assert {f.attributes.get("context") for f in r.findings if f.column == "sfzh"} == {"column"}


def test_dump_cut_mid_statement_reports_rows_before(tmp_path):
    p = tmp_path / "cut.sql"
    p.write_text(MYSQL[: MYSQL.index("(3,")] + f"(3,'{ID}")
    r = scan(p)
    assert r.failed and "cut" in r.errors[0].reason and r.errors[0].path == str(p)
    assert ("u", "sfzh", "1") in cols(r) and ("u", "tel", "2") in cols(r)
    out = cli(p)
    assert out.returncode == 2 and "Traceback" not in out.stderr and ID not in out.stderr


def test_unterminated_string_std(tmp_path):
    p = tmp_path / "s.sql"
    p.write_text(f"CREATE TABLE t (a text, b text);\nINSERT INTO \"t\" VALUES('{PHONE}','x');\n"
                 f"INSERT INTO \"t\" VALUES('{ID}','oops);\nINSERT INTO \"t\" VALUES('y','z');\n")
    r = scan(p, input_type="sqlite_dump")
    assert r.failed and "unterminated" in r.errors[0].reason
    assert cols(r) == [("t", "a", "1")]


def test_copy_wrong_column_count_and_truncated_gzip(tmp_path):
    body = (f"COPY public.p (id, mobile, note) FROM stdin;\n1\t{PHONE}\tx\n2\t{PHONE}\n3\t\\N\t{ID}\n\\.\n")
    p = tmp_path / "pg.sql"
    p.write_text("-- PostgreSQL database dump\n" + body)
    r = scan(p)
    assert r.failed and "expected 3" in r.errors[0].reason
    assert cols(r) == [("public.p", "mobile", "1"), ("public.p", "note", "3")]
    assert [a["values_scanned"] for a in r.assets] == [1, 2]  # mobile: one \\N; note: x and the ID
    gz = tmp_path / "pg.sql.gz"
    good = "".join(f"{i}\t{PHONE}\t{i * 7}\n" for i in range(20000))
    whole = f"COPY public.p (id, mobile, note) FROM stdin;\n{good}\\.\n".encode()
    gz.write_bytes(gzip.compress(whole)[:-300])
    r = scan(gz)
    assert r.failed and "truncated" in r.errors[0].reason and r.errors[0].path == str(gz)
    assert len(r.findings) > 100


def test_invalid_utf8_and_encodings(tmp_path):
    bad = tmp_path / "bad.log"
    bad.write_bytes(("正常 " * 30000).encode() + b"\n\xff\xfe broken\n" + f"tel {PHONE}\n".encode())
    r = scan(bad)
    assert r.failed and "invalid UTF-8" in r.errors[0].reason and len(r.findings) == 1
    gbk = tmp_path / "gbk.log"
    gbk.write_bytes(f"用户身份证号：{ID}，手机：{PHONE}\r\n".encode("gbk") * 3)
    r = scan(gbk)
    assert not r.errors and r.inputs[0]["encoding"] == "gb18030" and len(r.findings) == 6
    assert {f.line for f in r.findings} == {1, 2, 3}
    assert {f.start for f in r.findings if "ID" in f.entity_type} == {7}
    u16 = tmp_path / "u16.txt"
    u16.write_bytes(f"手机 {PHONE}\n".encode("utf-16"))
    assert len(scan(u16).findings) == 1


def test_compressed_streams_and_zip(tmp_path):
    line = f"x\nphone={PHONE}\n".encode()
    (tmp_path / "a.log.gz").write_bytes(gzip.compress(line))
    (tmp_path / "a.log.bz2").write_bytes(bz2.compress(line))
    (tmp_path / "a.log.xz").write_bytes(lzma.compress(line))
    (tmp_path / "a.log.zst").write_bytes(zstandard.ZstdCompressor().compress(line))
    (tmp_path / "a.log.lz4").write_bytes(lz4.frame.compress(line))
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as z:
        z.writestr("in/x.log", line)
        z.writestr("in/u.csv", f"name,mobile\n张三,{PHONE}\n")
    r = scan(tmp_path)
    assert not r.errors
    by_path = sorted((f.path, f.line, f.column) for f in r.findings)
    assert by_path == [("a.log.bz2", 2, None), ("a.log.gz", 2, None), ("a.log.lz4", 2, None), ("a.log.xz", 2, None),
                       ("a.log.zst", 2, None), ("a.zip!in/u.csv", 2, "mobile"), ("a.zip!in/x.log", 2, None)]


def test_truncated_lz4_keeps_what_was_read_and_hashes_the_file(tmp_path):
    import hashlib
    import random

    rng = random.Random(5)
    text = "".join(f"id={rng.getrandbits(64)} phone={PHONE}\n" for _ in range(20000)).encode()
    packed = lz4.frame.compress(text)
    cut = tmp_path / "cut.log.lz4"
    cut.write_bytes(packed[:len(packed) // 2])
    r = scan(cut)
    assert len(r.errors) == 1 and "truncated compressed stream" in r.errors[0].reason
    assert 0 < r.assets[0]["findings_total"] < 20000
    assert r.inputs[0]["sha256"] == hashlib.sha256(cut.read_bytes()).hexdigest()  # the file as stored


def test_damaged_compressed_data_is_a_scan_error_not_a_traceback(tmp_path):
    """Corrupt (not truncated) compressed data: each library raises its own error (zlib.error, LZMAError,
    ZstdError, lz4's RuntimeError), which stopped the scan with a traceback. Each is a scan error naming
    the file, the lines read before the damage are still scanned, and the scan goes on to the next input."""
    text = "".join(f"line {i} phone={PHONE}\n" for i in range(20000)).encode()
    packers = {"gz": lambda b: gzip.compress(b, mtime=0), "xz": lzma.compress, "bz2": bz2.compress,
               "zst": zstandard.ZstdCompressor(write_checksum=True).compress, "lz4": lz4.frame.compress}
    for ext, pack in packers.items():
        packed = pack(text)
        mid = len(packed) // 2
        (tmp_path / f"bad.log.{ext}").write_bytes(packed[:mid] + b"\xff" * 64 + packed[mid + 64:])
    inner = (tmp_path / "bad.log.zst").read_bytes()
    with zipfile.ZipFile(tmp_path / "bundle.zip", "w") as zf:
        zf.writestr("day.log.zst", inner)
    (tmp_path / "ok.log").write_text(f"phone={PHONE}\n")
    r = scan(tmp_path)
    errors = {e.path: e.reason for e in r.errors}
    assert set(errors) == {f"bad.log.{ext}" for ext in packers} | {"bundle.zip!day.log.zst"}, errors
    assert all("read error" in why for why in errors.values()), errors
    found = {a["asset"]: a["findings_total"] for a in r.assets}
    assert found["ok.log"] == 1
    assert all(0 < found[f"bad.log.{ext}"] < 20000 for ext in ("gz", "xz", "zst")), found


def test_csv_ragged_and_multiline(tmp_path):
    p = tmp_path / "u.csv"
    p.write_text(f'name,id_card,note\r\n张三,{ID},"多行\r\n{PHONE}"\r\nshort\r\n李四,{ID},x,extra {CARD}\r\n')
    r = scan(p)
    assert r.failed and "fields" in r.errors[0].reason
    got = [(f.column, f.line) for f in r.findings]
    # the phone is on the second line of its quoted field: its finding's line is that line, not the record's
    assert got == [("col4", 5), ("id_card", 2), ("id_card", 5), ("note", 3)]
    a = {x["asset"]: x for x in r.assets}
    assert a[f"{p}:id_card"]["values_scanned"] == 2 and a[f"{p}:id_card"]["distinct_persons"] == 1


def test_json_key_paths_and_long_line(tmp_path):
    doc = {"users": [{"profile": {"emergency_contact": {"phone": PHONE}}, "pad": "x" * 1_000_000}]}
    p = tmp_path / "big.json"
    p.write_text(json.dumps(doc))
    r = scan(p)
    assert not r.errors and [f.column for f in r.findings] == ["users[].profile.emergency_contact.phone"]
    jl = tmp_path / "e.jsonl"
    jl.write_text(json.dumps({"sfzh": ID}) + "\n{broken " + PHONE + "\n")
    r = scan(jl)
    assert r.failed and "line 2" in r.errors[0].reason
    assert sorted((f.column or "", f.line) for f in r.findings) == [("", 2), ("sfzh", 1)]


def test_walk_globs_gitignore_loops_sizes(tmp_path):
    root = tmp_path / "r"
    (root / "logs").mkdir(parents=True)
    (root / "logs" / "a.log").write_text(f"{PHONE}\n")
    (root / "logs" / "b.txt").write_text(f"{PHONE}\n")
    (root / "ignored.log").write_text(f"{PHONE}\n")
    (root / "big.log").write_text(f"{PHONE}\n" + "x" * 5000)
    (root / "bin.dat").write_bytes(b"\x00\x01" * 10 + PHONE.encode())
    (root / ".gitignore").write_text("ignored.log\n")
    os.symlink(root, root / "logs" / "loop")
    r = scan(root, include=["*.log", "*.dat"], gitignore=True, max_file_size=1000)
    assert sorted({f.path for f in r.findings}) == ["logs/a.log"]
    reasons = {e.path: (e.kind, e.reason) for e in r.errors}
    assert reasons["big.log"][0] == "skipped" and "max-file-size" in reasons["big.log"][1]
    assert reasons["bin.dat"][0] == "skipped" and "binary" in reasons["bin.dat"][1]
    assert ("loop" in reasons["logs/loop"][1] and not r.failed) or reasons["logs/loop"][0] == "error"
    r2 = scan(root, exclude=["logs"], max_file_size=1000)
    assert sorted({f.path for f in r2.findings}) == ["ignored.log"]
    out = cli(root, "--include", "*.log", "--gitignore")
    assert PHONE not in out.stdout


def test_max_file_size_bounds_what_compressed_inputs_expand_to(tmp_path):
    """A 1 MB gzip can hold gigabytes: --max-file-size also bounds the decompressed bytes of a compressed
    file and of each zip member. The scan reads up to the limit (findings there are kept), notes the rest
    as skipped naming the input, and goes on with the next input; the note holds no value."""
    first, late = "13812345678", "13912345670"
    body = (f"order ok mobile={first}\n" + "padding line without values\n" * 2000 + f"mobile={late}\n").encode()
    assert len(body) > 40_000
    (tmp_path / "app.log.gz").write_bytes(gzip.compress(body))
    with zipfile.ZipFile(tmp_path / "bundle.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("day1.log", body)
        zf.writestr("day2.log.xz", lzma.compress(body))
    (tmp_path / "small.log").write_text(f"mobile={late}\n")
    r = scan(tmp_path, max_file_size=20_000)
    found = {(f.path, f.line) for f in r.findings}
    for name in ("app.log.gz", "bundle.zip!day1.log", "bundle.zip!day2.log.xz"):
        assert (name, 1) in found and all(p != name or line == 1 for p, line in found), (name, found)
    assert ("small.log", 1) in found
    notes = {e.path: (e.kind, e.reason) for e in r.errors}
    assert set(notes) == {"app.log.gz", "bundle.zip!day1.log", "bundle.zip!day2.log.xz"}, notes
    for kind, reason in notes.values():
        assert kind == "skipped" and "decompressed content larger than --max-file-size (20000 bytes)" in reason
        assert first not in reason and late not in reason
    # without the limit, everything is read
    r2 = scan(tmp_path)
    assert not r2.errors and ("app.log.gz", 2002) in {(f.path, f.line) for f in r2.findings}


def test_invalid_utf8_line_is_exact_for_every_engine_and_the_parallel_path(tmp_path, monkeypatch):
    """The first line with invalid UTF-8 is named exactly whether the reader decodes to check (re, re2),
    Hyperscan checks in its own pass (the reader then skips the decode), or a large file is split across
    processes; invalid bytes never hide the findings around them."""
    from piscan.sources import text as text_mod

    monkeypatch.setattr(text_mod, "CHUNK_SIZE", 1 << 16)  # many blocks: the bad one is not the first
    lines = [f"第{i}行 正常 tel {PHONE}" if i % 50 == 0 else f"第{i}行 正常 order={i * 7919}" for i in range(1, 20001)]
    lines[12344] = "坏字节 \xff\xfe 之后 " + PHONE  # line 12345: placeholder, replaced by raw bytes below
    raw = "\n".join(lines).encode("utf-8").replace("\xff\xfe".encode(), b"\xff\xfe") + b"\n"
    bad = tmp_path / "bad.log"
    bad.write_bytes(raw)
    expected_findings = 20000 // 50 + 1
    for engine in ("hyperscan", "re2", "re"):
        r = scan(bad, engine=engine, jobs=1)
        assert [e.reason for e in r.errors] == [text_mod.invalid_utf8_reason(12345)], engine
        assert len(r.findings) == expected_findings, engine
    r = scan(bad, jobs=2, parallel_min_bytes=1)
    assert [e.reason for e in r.errors] == [text_mod.invalid_utf8_reason(12345)]
    assert len(r.findings) == expected_findings
    good = tmp_path / "good.log"
    good.write_bytes(raw.replace(b"\xff\xfe", b"ok"))
    for kw in ({"jobs": 1}, {"jobs": 2, "parallel_min_bytes": 1}):
        assert not scan(good, **kw).errors


def test_utf8_invalid_pattern_agrees_with_pythons_decoder():
    """engine.UTF8_INVALID matches exactly the byte strings Python's strict UTF-8 decoder rejects."""
    import random

    import pytest

    hyperscan = pytest.importorskip("hyperscan")
    from piscan.detection.engine import UTF8_INVALID

    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(expressions=[UTF8_INVALID], ids=[0], elements=1, flags=[0])
    scratch = hyperscan.Scratch(db)

    def flagged(b: bytes) -> bool:
        hits: list[int] = []
        db.scan(b, match_event_handler=lambda *a: hits.append(1), scratch=scratch)
        return bool(hits)

    rng = random.Random(7)
    chars = [c.encode() for c in "a1\n 中文＊é€😀\x7f\U0010ffff\u0800\uffff\u07ff"]
    for _ in range(40000):
        parts = []
        for _ in range(rng.randint(1, 8)):
            r = rng.random()
            c = rng.choice(chars)
            parts.append(c if r < 0.5 else bytes([rng.randrange(256)]) if r < 0.8 else c[:rng.randint(0, len(c))])
        b = b"".join(parts)
        try:
            b.decode("utf-8")
            valid = True
        except UnicodeDecodeError:
            valid = False
        assert flagged(b) == (not valid), b


def test_utf8_bom_files_get_the_invalid_byte_check(tmp_path):
    """UTF-8 with a BOM (Windows editors, Excel CSV exports) is checked like UTF-8: an invalid byte is a
    scan error naming its line (a decoder used to replace it silently); the BOM is hashed, never counted
    as a character."""
    import codecs
    import hashlib

    from piscan.sources import text as text_mod

    body = f"手机{PHONE}\nok\n坏 \xff 字节\n身份证{ID}\n".encode().replace("\xff".encode(), b"\xff")
    log = tmp_path / "bom.log"
    log.write_bytes(codecs.BOM_UTF8 + body)
    for engine in ("hyperscan", "re"):
        r = scan(log, engine=engine)
        assert [e.reason for e in r.errors] == [text_mod.invalid_utf8_reason(3)], engine
        assert [(f.line, f.start) for f in r.findings] == [(1, 2), (4, 3)], engine
        assert r.inputs[0]["encoding"] == "utf-8-sig"
        assert r.inputs[0]["sha256"] == hashlib.sha256(log.read_bytes()).hexdigest()
    good = tmp_path / "good.log"
    good.write_bytes(codecs.BOM_UTF8 + body.replace(b"\xff", b"x"))
    assert not scan(good).errors
    csv = tmp_path / "users.csv"
    csv.write_bytes(codecs.BOM_UTF8 + f"id,mobile\n1,{PHONE}\n2,\xff\n3,{PHONE}\n".encode("latin-1"))
    r = scan(csv)
    assert [e.reason for e in r.errors] == [text_mod.invalid_utf8_reason(3)]
    assert {f.column for f in r.findings} == {"mobile"} and len(r.findings) == 2


def test_undecodable_bytes_in_gb18030_and_utf16_are_reported(tmp_path):
    """Transcoded encodings report bytes they cannot decode too (a corrupted or cut GBK log), with the
    line, and the rest of the file is still scanned."""
    from piscan.sources import text as text_mod

    gbk = tmp_path / "gbk.log"
    good = [f"第{i}行 用户手机：{PHONE}\r\n".encode("gbk") for i in range(1, 200)]
    good[120] = "第121行 坏".encode("gbk") + b"\x81\x20" + " 结束\r\n".encode("gbk")  # a lead byte, no trail
    gbk.write_bytes(b"".join(good))
    r = scan(gbk)
    assert r.inputs[0]["encoding"] == "gb18030"
    assert [e.reason for e in r.errors] == [text_mod.invalid_utf8_reason(121, "gb18030")]
    assert len(r.findings) == 198 and {f.line for f in r.findings} == set(range(1, 200)) - {121}
    clean = tmp_path / "clean.log"
    clean.write_bytes(b"".join(f"第{i}行 手机：{PHONE}，符号\ufffd照旧\r\n".encode("gb18030") for i in range(50)))
    r = scan(clean)
    assert not r.errors and len(r.findings) == 50  # a U+FFFD written in the file is no decoding error
    u16 = tmp_path / "u16.log"
    u16.write_bytes(f"手机：{PHONE}\n".encode("utf-16") + "第二行\n".encode("utf-16-le") + b"\x00\xd8"
                    + "\n".encode("utf-16-le") + f"tel {PHONE}\n".encode("utf-16-le"))  # a lone surrogate
    r = scan(u16)
    assert [e.reason for e in r.errors] == [text_mod.invalid_utf8_reason(3, "utf-16")]
    assert len(r.findings) == 2


def test_several_folders_keep_their_files_apart(tmp_path, monkeypatch):
    """Two scanned folders holding a file of the same name: two files, two assets (a single folder keeps
    paths relative to it). They were both ``app.log``, merged into one asset."""
    from piscan.scanner import Scanner, ScanOptions

    for name, phone in (("a", "13812345678"), ("b", "13912345678")):
        (tmp_path / name / "logs").mkdir(parents=True)
        (tmp_path / name / "logs" / "app.log").write_text(f"手机 {phone}\n", encoding="utf-8")
        (tmp_path / name / "logs" / "gone.log").symlink_to(tmp_path / "missing")
    monkeypatch.chdir(tmp_path)
    r = Scanner(ScanOptions(jobs=1)).scan(["a", "./b/"])
    assert sorted(f.path for f in r.findings) == ["a/logs/app.log", "b/logs/app.log"]
    assert sorted(a["path"] for a in r.assets) == ["a/logs/app.log", "b/logs/app.log"]
    assert sorted(e.path for e in r.errors) == ["a/logs/gone.log", "b/logs/gone.log"]
    one = Scanner(ScanOptions(jobs=1)).scan(["a"])
    assert [f.path for f in one.findings] == ["logs/app.log"]
    mixed = Scanner(ScanOptions(jobs=1)).scan(["a", "b/logs/app.log"])
    assert sorted(f.path for f in mixed.findings) == ["a/logs/app.log", "b/logs/app.log"]


def test_deeply_nested_json_is_a_scan_error_not_a_traceback(tmp_path):
    """json.loads recurses: a document or a JSON Lines record nested thousands deep raised RecursionError
    out of the scan (a traceback, the scan lost). It is now that input's scan error; its text is still
    scanned, and the other inputs are read."""
    from piscan.scanner import Scanner, ScanOptions

    (tmp_path / "deep.json").write_text('{"a":' * 5000 + '"13812345678"' + "}" * 5000, encoding="utf-8")
    (tmp_path / "deep.jsonl").write_text("[" * 100000 + "]" * 100000 + '\n{"tel": "13912345678"}\n', encoding="utf-8")
    (tmp_path / "ok.log").write_text("手机 13712345678\n", encoding="utf-8")
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(tmp_path)])
    errors = {e.path: e for e in r.errors}
    assert set(errors) == {"deep.json", "deep.jsonl"}
    assert all("nested too deeply" in e.reason and e.kind == "error" for e in errors.values())
    assert sorted((f.path, f.value) for f in r.findings) == [
        ("deep.json", "13812345678"), ("deep.jsonl", "13912345678"), ("ok.log", "13712345678")]


def test_an_unforeseen_fault_is_that_inputs_error(tmp_path, monkeypatch):
    # a bug in one reader must not end the scan or print a traceback: the input gets a scan error naming
    # the exception's type only (its message could quote the input), and the other inputs are read
    from piscan.scanner import Scanner, ScanOptions
    from piscan.sources import csv_source

    def boom(self):
        raise KeyError("13812345678")
        yield

    monkeypatch.setattr(csv_source.CsvReader, "items", boom)
    (tmp_path / "a.csv").write_text("tel\n13812345678\n", encoding="utf-8")
    (tmp_path / "b.log").write_text("手机 13712345678\n", encoding="utf-8")
    r = Scanner(ScanOptions(jobs=1)).scan([str(tmp_path)])
    assert [(e.path, e.reason) for e in r.errors] == [
        ("a.csv", "internal error while reading this input (KeyError); please report it")]
    assert [f.path for f in r.findings] == ["b.log"]
    # the same in the workers that scan a folder of many small files (forked: they see the patch)
    for i in range(6):
        (tmp_path / f"c{i}.log").write_text("手机 13612345678\n", encoding="utf-8")
    r = Scanner(ScanOptions(jobs=2, parallel_min_files=2, parallel_min_run_bytes=1)).scan([str(tmp_path)])
    assert [e.path for e in r.errors] == ["a.csv"] and len(r.findings) == 7


@pytest.mark.parametrize("kind", ["gz", "xz"])  # (bzip2 decompresses whole 900 kB blocks: a cut one gives nothing)
def test_a_small_truncated_archive_keeps_what_decompresses(tmp_path, kind):
    """A truncated .gz smaller than one read block lost every line: the buffered read of a block raised
    EOFError and dropped the pieces it had already decompressed (found by the export review: 0 of 699
    recoverable values). Reads now go piece by piece and the fault comes after the data."""
    from piscan.scanner import Scanner, ScanOptions

    text = "".join(f"{i} 手机 1381234{i:04d}\n" for i in range(2000)).encode()
    packed = {"gz": gzip.compress, "xz": lzma.compress}[kind](text)
    p = tmp_path / f"app.log.{kind}"
    p.write_bytes(packed[:len(packed) * 2 // 3])
    r = Scanner(ScanOptions(jobs=1, max_findings_per_asset=0)).scan([str(p)])
    assert len(r.errors) == 1 and r.errors[0].kind == "error"
    lines = sorted(f.line for f in r.findings)
    assert len(lines) > 900 and lines == list(range(1, len(lines) + 1))  # a prefix, in order, none lost
