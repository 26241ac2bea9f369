"""pg_dump archives (custom -Fc, directory -Fd, tar -Ft) made by the real pg_dump: every finding of the plain
dump of the same data, attributed to the same table, column and row; large objects; encodings; damage."""

from __future__ import annotations

import collections
import random
import shutil
import struct
import subprocess
import zlib

import pytest

from piscan.scanner import Scanner, ScanOptions
from piscan.signing.inputs import check as check_inputs
from piscan.signing.sign import Verification
from piscan.testing.generate import ValueGen
from piscan.testing.services import PSQL, listening

needs_pg = pytest.mark.skipif(not shutil.which("pg_dump") or not listening(5432),
                              reason="PostgreSQL/pg_dump unavailable")
PG_DUMP = ["pg_dump", "-h127.0.0.1", "-Upostgres"]


def _scan(path, **options):
    return Scanner(ScanOptions(jobs=1, max_findings_per_asset=0, **options)).scan([str(path)])


def _keys(result, keyed: tuple[str, ...] = ()) -> collections.Counter:
    """What locates a finding in a dump, but its line (an archive's text is laid out by piscan) and the row
    of a table in ``keyed`` (a plain dump shows row ordinals: it declares primary keys after the data)."""
    return collections.Counter((f.rule_id, f.table, f.column, None if f.table in keyed else f.row, f.fingerprint,
                                f.start, f.end, f.masked) for f in result.findings)


@pytest.fixture(scope="module")
def dumps(tmp_path_factory):
    """One schema -- a table with a Chinese quoted name, escapes, NULLs and 300 rows of PI; a table of
    order numbers and phones -- dumped in the plain format and as every kind of archive."""
    if not shutil.which("pg_dump") or not listening(5432):
        pytest.skip("PostgreSQL/pg_dump unavailable")
    out = tmp_path_factory.mktemp("pga")
    v = ValueGen(random.Random(7))
    planted = {}
    rows = []
    for i in range(300):
        rid, phone, card, tel = v.resident_id(), v.mobile(), v.card(), v.mobile()
        planted.update({rid: "身份证号", phone: "memo", card: "memo", tel: "tel"})
        rows.append(f"({i}, '{rid}', E'备注\\t{phone}\\n第二行\\\\ {card}', NULL, '{tel}')")
    sql = ('CREATE SCHEMA pga; CREATE TABLE pga."用户 信息" (id int primary key, "身份证号" text, memo text, '
           f"x text, tel varchar(20)); INSERT INTO pga.\"用户 信息\" VALUES {','.join(rows)};"
           "CREATE TABLE pga.orders (order_no bigint, phone text); INSERT INTO pga.orders "
           "SELECT 202300000000000000 + g, '1391234' || lpad(g::text, 4, '0') FROM generate_series(1, 500) g;")
    variants = {"plain.sql": [], "custom.dump": ["-Fc"], "custom-z0.dump": ["-Fc", "-Z0"], "tar.tar": ["-Ft"],
                "inserts.sql": ["--inserts"], "custom-inserts.dump": ["-Fc", "--inserts"]}
    try:
        subprocess.run(PSQL, input=sql, text=True, check=True)
        for name, flags in variants.items():
            with (out / name).open("wb") as fh:
                subprocess.run([*PG_DUMP, "-n", "pga", *flags, "test"], stdout=fh, check=True)
        subprocess.run([*PG_DUMP, "-n", "pga", "-Fd", "-f", str(out / "dir"), "test"], check=True)
    finally:
        subprocess.run(PSQL, input="DROP SCHEMA IF EXISTS pga CASCADE;", text=True, check=False)
    return out, planted


@needs_pg
@pytest.mark.parametrize("name, plain", [("custom.dump", "plain.sql"), ("custom-z0.dump", "plain.sql"),
                                         ("tar.tar", "plain.sql"), ("dir", "plain.sql"),
                                         ("custom-inserts.dump", "inserts.sql")])
def test_archive_reports_what_the_plain_dump_reports(dumps, name, plain):
    out, planted = dumps
    got, want = _scan(out / name), _scan(out / plain)
    assert not got.errors and not want.errors, (got.errors, want.errors)
    assert len(got.findings) == 1700
    assert _keys(got, ("pga.用户 信息",)) == _keys(want, ("pga.用户 信息",))
    assert _keys(got) != _keys(want)
    # an archive's TOC holds the primary key before the data: rows are shown by key (id 0..299), not ordinal
    assert {f.row for f in got.findings if f.table == "pga.用户 信息"} == {str(i) for i in range(300)}
    assert {f.row for f in want.findings if f.table == "pga.用户 信息"} == {str(i) for i in range(1, 301)}
    assert got.inputs[0]["type"] == "pg_archive" and got.inputs[0]["rows_scanned"] == 800
    valued = _scan(out / name, show_values=True)
    where = {f.value: f.column for f in valued.findings if f.table == "pga.用户 信息"}
    assert where == planted
    assert {f.column for f in valued.findings if f.table == "pga.orders"} == {"phone"}


@needs_pg
def test_directory_archive_is_one_input_with_its_data_files_verified(dumps, tmp_path):
    out, _planted = dumps
    folder = tmp_path / "dir"
    shutil.copytree(out / "dir", folder)
    r = _scan(folder)
    assert [i["path"] for i in r.inputs] == ["toc.dat"]  # the data files are read through it, not as text
    files = r.inputs[0]["data_files"]
    assert len(files) == 2 and all(name.endswith(".dat.gz") for name in files)
    report = {"inputs": r.inputs}
    v = Verification()
    check_inputs(report, str(folder), v)
    assert v.ok and sum("data file" in m for m in v.held) == 2, v.lines()
    victim = folder / sorted(files)[0]
    victim.write_bytes(victim.read_bytes() + b"x")
    v = Verification()
    check_inputs(report, str(folder), v)
    assert not v.ok and any(sorted(files)[0] in m and "differs" in m for m in v.failed), v.lines()


@needs_pg
def test_large_objects_are_scanned_in_every_format(tmp_path):
    v = ValueGen(random.Random(8))
    phone, rid = v.mobile(), v.resident_id()
    sql = ("CREATE TABLE public.pga_lo (a text); INSERT INTO pga_lo VALUES ('none');"
           f"SELECT lo_from_bytea(0, convert_to(E'合同 {phone}\\n\\\\ {rid}', 'UTF8'));")
    try:
        made = subprocess.run([*PSQL, "-At"], input=sql, text=True, check=True, capture_output=True)
        oid = int(made.stdout.split()[-1])
        for name, flags in {"lo.dump": ["-Fc"], "lo.tar": ["-Ft"], "lo.sql": []}.items():
            with (tmp_path / name).open("wb") as fh:
                subprocess.run([*PG_DUMP, "-b", "-t", "pga_lo", *flags, "test"], stdout=fh, check=True)
        subprocess.run([*PG_DUMP, "-b", "-t", "pga_lo", "-Fd", "-f", str(tmp_path / "lodir"), "test"], check=True)
    finally:
        subprocess.run(PSQL, input="DROP TABLE IF EXISTS pga_lo; "
                       "SELECT lo_unlink(oid) FROM pg_largeobject_metadata;", text=True, check=False,
                       capture_output=True)
    for name in ("lo.dump", "lo.tar", "lodir", "lo.sql"):  # the plain format's lowrite calls too
        r = _scan(tmp_path / name, show_values=True)
        assert not r.errors, (name, r.errors)
        got = {(f.table, f.column, f.value) for f in r.findings}
        assert got == {("pg_catalog.pg_largeobject", "data", phone), ("pg_catalog.pg_largeobject", "data", rid)}, name
        assert {f.row for f in r.findings} == {str(oid)}, name  # the object's oid


@needs_pg
def test_truncated_archive_keeps_what_was_read(dumps, tmp_path):
    """A custom archive cut inside a table's data: a scan error naming the file, and the rows read before
    the cut are still reported."""
    out, _planted = dumps
    whole = (out / "custom-z0.dump").read_bytes()
    cut = tmp_path / "cut.dump"
    cut.write_bytes(whole[:whole.index(b"2023000000000000") + 4000])  # inside the order table's rows
    r = _scan(cut, show_values=True)
    assert len(r.errors) == 1 and "truncated" in r.errors[0].reason, r.errors
    assert r.errors[0].path.endswith("cut.dump")
    orders = [f for f in r.findings if f.table == "pga.orders"]
    assert 0 < len(orders) < 500
    assert not any(f.value in r.errors[0].reason for f in orders)


@needs_pg
def test_archive_of_an_euc_cn_database_is_transcoded(tmp_path):
    admin = [a if a != "test" else "postgres" for a in PSQL]
    subprocess.run(admin, input="DROP DATABASE IF EXISTS piscan_euc; CREATE DATABASE piscan_euc ENCODING 'EUC_CN' "
                   "LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;", text=True, check=True)
    try:
        db = [a if a != "test" else "piscan_euc" for a in PSQL]
        subprocess.run(db, input="CREATE TABLE 客户 (姓名 text, 联系方式 text); "
                       "INSERT INTO 客户 VALUES ('张三', '手机13812345678号');", text=True, check=True,
                       env={"PGCLIENTENCODING": "UTF8", "PATH": "/usr/bin:/bin"})
        with (tmp_path / "euc.dump").open("wb") as fh:
            subprocess.run([*PG_DUMP, "-Fc", "piscan_euc"], stdout=fh, check=True)
    finally:
        subprocess.run(admin, input="DROP DATABASE IF EXISTS piscan_euc;", text=True, check=False)
    r = _scan(tmp_path / "euc.dump")
    assert not r.errors
    assert [(f.table, f.column, f.evidence) for f in r.findings if f.rule_id.startswith("CNPI")] == [
        ("public.客户", "联系方式", "手机138****5678号")]


# ---------------------------------------------------------------- archives pg_dump 15 cannot write here

def _int(i: int) -> bytes:
    return bytes([1 if i < 0 else 0]) + struct.pack("<I", abs(i))


def _str(s: str | None) -> bytes:
    if s is None:
        return _int(-1)
    b = s.encode()
    return _int(len(b)) + b


def _archive(version: tuple[int, int, int], algorithm: int, compress, rows: bytes) -> bytes:
    """A custom-format archive written by the layout the module doc describes (pg_dump 16 writes 1.15
    with an algorithm byte, 17 writes 1.16 with relkind): an encoding entry, a table and its data."""
    out = b"PGDMP" + bytes(version) + bytes([4, 8, 1])
    out += bytes([algorithm]) if version[:2] >= (1, 15) else _int(-1 if algorithm else 0)
    out += b"".join(_int(x) for x in (0, 0, 12, 1, 0, 124, 0)) + _str("db") + _str("17.0") + _str("17.0")
    entries = [(1, "ENCODING", "ENCODING", "SET client_encoding = 'UTF8';\n", ""),
               (2, "t", "TABLE", "CREATE TABLE s.t (id int, phone text);\n", ""),
               (3, "t", "TABLE DATA", "", "COPY s.t (id, phone) FROM stdin;\n")]
    out += _int(len(entries))
    for dump_id, tag, desc, defn, copy in entries:
        out += _int(dump_id) + _int(1) + _str("0") + _str("0") + _str(tag) + _str(desc) + _int(2) + _str(defn)
        out += _str("") + _str(copy) + _str("s") + _str("")
        if version[:2] >= (1, 14):
            out += _str("heap" if desc == "TABLE" else "")
        if version[:2] >= (1, 16):
            out += _int(ord("r") if desc.startswith("TABLE") else 0)
        out += _str("postgres") + _str("false") + _str("1") + _str(None) + bytes([3]) + bytes(8)
    data = compress(rows)
    out += bytes([1]) + _int(3) + _int(len(data)) + data + _int(0)
    return out


@pytest.mark.parametrize("version, algorithm", [((1, 14, 0), 1), ((1, 15, 0), 0), ((1, 15, 0), 3),
                                                ((1, 16, 0), 1), ((1, 16, 0), 2), ((1, 16, 0), 3)])
def test_archive_versions_and_compressions(tmp_path, version, algorithm):
    import lz4.frame
    import zstandard

    compress = {0: lambda b: b, 1: zlib.compress, 2: lz4.frame.compress,
                3: zstandard.ZstdCompressor().compress}[algorithm]
    v = ValueGen(random.Random(9))
    phones = [v.mobile() for _ in range(3)]
    rows = "".join(f"{i}\t{p}\n" for i, p in enumerate(phones)).encode()
    path = tmp_path / "a.dump"
    path.write_bytes(_archive(version, algorithm, compress, rows))
    r = _scan(path, show_values=True)
    assert not r.errors, r.errors
    assert [(f.table, f.column, f.row, f.value) for f in r.findings] == [
        ("s.t", "phone", str(i + 1), p) for i, p in enumerate(phones)]


@pytest.mark.parametrize("damage, reason", [
    (lambda a: a[:5] + bytes([1, 9, 0]) + a[8:], "version 1.9.0 is not supported"),
    (lambda a: a[:5] + bytes([1, 17, 0]) + a[8:], "version 1.17.0 is not supported"),
    (lambda a: a[:-40] + bytes(30) + a[-10:], "damaged"),
    (lambda a: a[:60], "truncated"),
])
def test_damaged_archives_are_scan_errors(tmp_path, damage, reason):
    rows = b"1\t13812345678\n" * 50
    path = tmp_path / "bad.dump"
    path.write_bytes(damage(_archive((1, 14, 0), 1, zlib.compress, rows)))
    r = _scan(path)
    assert len(r.errors) == 1 and reason in r.errors[0].reason, r.errors
    assert "13812345678" not in r.errors[0].reason


@pytest.mark.parametrize("ragged", [False, True])  # rows read by position, or line by line
def test_copy_rows_of_a_table_with_an_inline_key_are_shown_by_key(tmp_path, ragged):
    v = ValueGen(random.Random(10))
    phones = [v.mobile() for _ in range(3)]
    rows = "".join(f"{k}\t{p}\n" for k, p in zip((7, 19, 23), phones, strict=True))
    extra = f"31\t{v.mobile()}\tx\n" if ragged else ""
    dump = tmp_path / "d.sql"
    dump.write_text("-- PostgreSQL database dump\nCREATE TABLE s.t (\n    id integer,\n    tel text,\n"
                    f"    PRIMARY KEY (id)\n);\nCOPY s.t (id, tel) FROM stdin;\n{rows}{extra}\\.\n", encoding="utf-8")
    r = _scan(dump, show_values=True)
    assert bool(r.errors) == ragged
    assert [(f.row, f.value) for f in r.findings] == list(zip(("7", "19", "23"), phones, strict=True))
