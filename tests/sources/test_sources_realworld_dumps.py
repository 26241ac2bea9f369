"""Dumps written by the real tools, with the values the byte prefilter cannot see in the raw text:

* a value right after a backslash escape (``'addr\\n13800138000'`` in mysqldump, ``\\t…`` in a COPY row,
  ``replace('a\\n…',…)`` in SQLite ``.dump``): the digits follow a letter in the raw bytes;
* binary columns written in hex (``mysqldump --hex-blob`` ``0x…``, SQLite ``X'…'``, PostgreSQL ``bytea``
  ``\\x…`` in COPY and INSERT form): the digits only exist once the hex is decoded.

Each planted value must be found once, in its table and column, with no scan error. Columns carry neutral
names (``memo``, ``raw``) so the test pins the readers, not the detector's column-name context rules.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess

import pytest

from piscan.scanner import Scanner, ScanOptions
from piscan.testing.generate import ValueGen
from piscan.testing.services import MYSQL, listening, real_mydumper, real_mysqldump, real_pg_dump


def _values(seed: int) -> tuple[str, str, str, str, str]:
    v = ValueGen(random.Random(seed))
    return v.resident_id(), v.mobile(), v.card(), v.mobile(), v.resident_id()


def _found(path) -> dict[str, list[tuple[str | None, str | None]]]:
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(path)])
    assert not r.errors, r.errors
    out: dict[str, list] = {}
    for f in r.findings:
        if f.rule_id.startswith("CNPI") and not f.masked:
            out.setdefault(f.value, []).append((f.table, f.column))
    return out


def _assert_planted(path, planted: dict[str, tuple[str, str]]) -> None:
    found = _found(path)
    for value, where in planted.items():
        assert found.get(value) == [where], (value, where, found.get(value))



@pytest.mark.skipif(not shutil.which("mysqldump") or not listening(3306), reason="MariaDB/mysqldump unavailable")
@pytest.mark.parametrize("flags", [[], ["--hex-blob"], ["--hex-blob", "--skip-extended-insert", "--compact"]])
def test_mysqldump_escapes_and_hex_blobs(tmp_path, flags):
    rid, phone, card, phone2, rid2 = _values(len(flags))
    db = f"piscan_rw_{len(flags)}"
    sql = (f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db} CHARACTER SET utf8mb4; USE {db};"
           "CREATE TABLE t (id int primary key, memo text, raw blob);"
           f"INSERT INTO t VALUES (1, 'addr\\n{phone}\\t{rid}', CAST('{card}' AS BINARY)),"
           f"(2, 'x\\r\\n{phone2}', X'00FF{rid2.encode().hex()}00');")
    dump = real_mysqldump(sql, db, tmp_path / "d.sql", flags)
    _assert_planted(dump, {phone: ("t", "memo"), rid: ("t", "memo"), phone2: ("t", "memo"),
                           card: ("t", "raw"), rid2: ("t", "raw")})



@pytest.mark.skipif(not shutil.which("pg_dump") or not listening(5432), reason="PostgreSQL/pg_dump unavailable")
@pytest.mark.parametrize("flags", [[], ["--column-inserts"], ["--rows-per-insert=100"]])
def test_pg_dump_escapes_and_bytea(tmp_path, flags):
    rid, phone, card, phone2, rid2 = _values(10 + len(flags))
    schema = f"piscan_rw_{len(flags)}"
    sql = (f'DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};'
           f'CREATE TABLE {schema}."Users" (id int primary key, "memo text" text, raw bytea);'
           f"INSERT INTO {schema}.\"Users\" VALUES (1, E'\\t{phone}\\n{rid}', convert_to('{card}', 'UTF8')),"
           f"(2, E'a\\\\{phone2}', '\\x00ff'::bytea || convert_to('{rid2}', 'UTF8'));")
    dump = real_pg_dump(sql, schema, tmp_path / "d.sql", flags)
    t = f"{schema}.Users"
    _assert_planted(dump, {phone: (t, "memo text"), rid: (t, "memo text"), phone2: (t, "memo text"),
                           card: (t, "raw"), rid2: (t, "raw")})


@pytest.mark.skipif(not shutil.which("pg_dump") or not listening(5432), reason="PostgreSQL/pg_dump unavailable")
@pytest.mark.parametrize("flags", [["--inserts"], ["--column-inserts"], ["--rows-per-insert=10"]])
def test_pg_dump_inserts_into_identity_columns(tmp_path, flags):
    """A table with an identity column (``GENERATED … AS IDENTITY``, what ORMs create today) is dumped as
    ``INSERT INTO t OVERRIDING SYSTEM VALUE VALUES (…)``: its values must keep table, column and key."""
    rid, phone, _card, phone2, rid2 = _values(30 + len(flags[0]))
    schema = f"piscan_ident_{len(flags[0])}"
    sql = (f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};"
           f"CREATE TABLE {schema}.t (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, mobile text, idcard text);"
           f"INSERT INTO {schema}.t (mobile, idcard) VALUES ('{phone}', '{rid}'), ('{phone2}', '{rid2}');")
    dump = real_pg_dump(sql, schema, tmp_path / "d.sql", flags)
    assert "OVERRIDING SYSTEM VALUE" in dump.read_text(encoding="utf-8")
    t = f"{schema}.t"
    _assert_planted(dump, {phone: (t, "mobile"), rid: (t, "idcard"), phone2: (t, "mobile"), rid2: (t, "idcard")})


@pytest.mark.skipif(not shutil.which("sqlite3"), reason="sqlite3 missing")
def test_sqlite_dump_newline_escapes_and_blobs(tmp_path):
    rid, phone, card, phone2, rid2 = _values(20)
    db = tmp_path / "x.db"
    con = sqlite3.connect(db)
    con.execute('CREATE TABLE "user info" (id INTEGER PRIMARY KEY, [memo] TEXT, raw BLOB)')
    con.execute('INSERT INTO "user info" VALUES (1, ?, ?)', (f"a\n{phone}\r\n{rid}", card.encode()))
    con.execute('INSERT INTO "user info" VALUES (2, ?, ?)', (f"\n{phone2}", b"\x00\xff" + rid2.encode()))
    con.commit()
    con.close()
    dump = tmp_path / "d.sql"
    with dump.open("wb") as fh:
        subprocess.run(["sqlite3", str(db), ".dump"], stdout=fh, check=True)
    t = "user info"
    _assert_planted(dump, {phone: (t, "memo"), rid: (t, "memo"), phone2: (t, "memo"), card: (t, "raw"),
                           rid2: (t, "raw")})


def test_hex_of_digits_is_decoded_not_read_as_digits(tmp_path):
    """Before: the hex text of a digit string (``0x3631…``) is itself a digit run, read as a number."""
    rid = _values(30)[0]
    hexed = rid.encode().hex()
    dump = tmp_path / "d.sql"
    dump.write_text("-- MySQL dump 10.13\nCREATE TABLE `t` (\n  `id` int,\n  `raw` blob\n) ENGINE=InnoDB;\n"
                    f"INSERT INTO `t` VALUES (1,0x{hexed}),(2,0x{hexed[:-2]});\n", encoding="utf-8")
    found = _found(dump)
    assert found == {rid: [("t", "raw")]}


@pytest.mark.skipif(not shutil.which("mydumper") or not listening(3306), reason="MariaDB/mydumper unavailable")
@pytest.mark.parametrize("flags", [(), ("-c",)])  # plain, and gzip-compressed files
def test_mydumper_folder_takes_columns_from_schema_files(tmp_path, flags):
    """mydumper writes each table's rows (``db.t.sql``, INSERTs without column lists, strings in double
    quotes) apart from its ``CREATE TABLE`` (``db.t-schema.sql``). Before: columns were ``col1``…, the
    table had no database."""
    rid, phone, card, phone2, _ = _values(30)
    db = "piscan_myd"
    sql = (f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db};"
           f"CREATE TABLE {db}.users (id int primary key, name varchar(20), mobile varchar(11), idno char(18));"
           f"INSERT INTO {db}.users VALUES (7, '张三', '{phone}', '{rid}'), (9, 'a\"b', '{phone2}', NULL);"
           f"CREATE TABLE {db}.pay (memo text); INSERT INTO {db}.pay VALUES ('卡号 {card}');")
    out = real_mydumper(sql, db, tmp_path / "dump", flags)
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(out)])
    assert not r.errors, r.errors
    got = sorted((f.table, f.column, f.row, f.value) for f in r.findings if f.rule_id.startswith("CNPI"))
    assert got == sorted([(f"{db}.users", "mobile", "7", phone), (f"{db}.users", "idno", "7", rid),
                          (f"{db}.users", "mobile", "9", phone2), (f"{db}.pay", "memo", "1", card)])


@pytest.mark.skipif(not shutil.which("mydumper") or not listening(3306), reason="MariaDB/mydumper unavailable")
def test_mydumper_binary_names_are_read_as_bytes_not_gb18030(tmp_path):
    """mydumper declares ``SET NAMES binary`` and writes every value as its bytes: a BLOB's raw bytes beside
    UTF-8 text made a small file sniff as GB18030, and a GBK table's trail byte 0x5C is escaped as ``\\\\``;
    either way a decoded character swallowed an escape's backslash and the row's quotes came apart (found
    by an independent dump review: the rows were lost with a scan error)."""
    rid, phone, _card, phone2, _ = _values(31)
    db = "piscan_mydbin"
    sql = (f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db} CHARACTER SET utf8mb4;"
           f"CREATE TABLE {db}.users (id int primary key, remark varchar(50), avatar blob, mobile varchar(20));"
           f"INSERT INTO {db}.users VALUES (1, '说\"好\"', UNHEX('89504E47B0A1B0A1'), '{phone}'),"
           f" (2, '正常', NULL, '{phone2}');"
           f"CREATE TABLE {db}.kehu (id int primary key, addr varchar(50), sfz varchar(18)) CHARSET=gbk;"
           f"INSERT INTO {db}.kehu VALUES (1, '香港淺水灣', '{rid}');")
    out = real_mydumper(sql, db, tmp_path / "dump")
    assert b"SET NAMES binary" in (out / f"{db}.users.sql").read_bytes()
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(out)])
    assert not r.errors, r.errors
    got = sorted((f.table, f.column, f.row, f.value) for f in r.findings if f.rule_id.startswith("CNPI"))
    assert got == sorted([(f"{db}.users", "mobile", "1", phone), (f"{db}.users", "mobile", "2", phone2),
                          (f"{db}.kehu", "sfz", "1", rid)])


def test_mysql_strings_in_double_quotes(tmp_path):
    """MySQL reads "…" as a string (without ANSI_QUOTES) and mydumper writes every string so: a value with
    spaces was split into several and the row reported ragged."""
    from piscan.sources.sql_common import unescape_mysql

    assert unescape_mysql('"a""b \\"c\\" \'d\'"') == 'a"b "c" \'d\''
    assert unescape_mysql("'a\"\"b ''c'''") == 'a""b \'c\''  # a doubled quote of the other kind stays two
    assert unescape_mysql('_binary "x\\ny"') == "x\ny"
    rid, phone, card, phone2, _ = _values(31)
    rows = [f'INSERT INTO `t` VALUES (1,"身份证 {rid} , ok",\'x \\"{phone}\\"\'),',  # escaped as mysqldump does
            f'(2,"say \\"{phone2}\\" ""{card}""",NULL);']
    dump = tmp_path / "d.sql"
    dump.write_text("CREATE TABLE `t` (\n  `id` int NOT NULL,\n  `a` text,\n  `b` text,\n  PRIMARY KEY (`id`)\n);\n"
                    + "\n".join(rows) + "\n", encoding="utf-8")
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(dump)])
    assert not r.errors, r.errors
    got = sorted((f.column, f.row, f.line, f.start, f.value) for f in r.findings if f.rule_id.startswith("CNPI"))
    assert got == sorted([("a", "1", 7, rows[0].index(rid), rid), ("b", "1", 7, rows[0].index(phone), phone),
                          ("a", "2", 8, rows[1].index(phone2), phone2), ("a", "2", 8, rows[1].index(card), card)])


@pytest.mark.skipif(not shutil.which("mysqldump") or not listening(3306), reason="MariaDB/mysqldump unavailable")
@pytest.mark.parametrize("flags", [(), ("--default-character-set=gbk",)])
def test_mysqldump_of_a_gbk_database_with_chinese_names(tmp_path, flags):
    """With ``--default-character-set=gbk`` mysqldump writes the rows in GBK but each ``CREATE TABLE`` in
    UTF-8. Before: read as GB18030, the Chinese column names did not match and columns were ``col1``…"""
    rid, phone, *_ = _values(32)
    db = "piscan_gbk"
    sql = (f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db} DEFAULT CHARSET gbk;"
           f"CREATE TABLE {db}.客户 (编号 int primary key, 姓名 varchar(20), 联系电话 varchar(40)) DEFAULT CHARSET=gbk;"
           f"INSERT INTO {db}.客户 VALUES (3, '张三', '手机{phone}'), (5, '李四', '身份证{rid}');")
    dump = real_mysqldump(sql, db, tmp_path / "d.sql", flags)
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(dump)])
    assert not r.errors, r.errors
    assert r.inputs[0]["encoding"] == ("gb18030" if flags else "utf-8")
    got = sorted((f.table, f.column, f.row, f.value, f.evidence[:2]) for f in r.findings
                 if f.rule_id.startswith("CNPI"))
    assert got == sorted([("客户", "联系电话", "3", phone, "手机"), ("客户", "联系电话", "5", rid, "身份")])


@pytest.mark.skipif(not shutil.which("mysqldump") or not listening(3306), reason="MariaDB/mysqldump unavailable")
def test_mysqldump_xml_hex_blob_fields_are_decoded(tmp_path):
    """``mysqldump --xml --hex-blob`` writes a BLOB as ``<field xsi:type="xs:hexBinary">E7AD…</field>``: its
    hex digits were scanned as text and the value in it was lost (found by the independent dump review)."""
    rid, phone, _card, _phone2, _rid2 = _values(34)
    db = "piscan_xmlhex"
    sql = (f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db};"
           f"CREATE TABLE {db}.waybill (id int primary key, sign_blob blob, note varbinary(64));"
           f"INSERT INTO {db}.waybill VALUES (1, '签收人电话:{phone}', '身份证 {rid}'), (2, NULL, 0x00ff);")
    dump = real_mysqldump(sql, db, tmp_path / "d.xml", ["--xml", "--hex-blob", "--default-character-set=utf8mb4"])
    assert b'xsi:type="xs:hexBinary"' in dump.read_bytes()
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(dump)])
    assert not r.errors, r.errors
    got = sorted((f.column, f.row, f.value) for f in r.findings if f.rule_id.startswith("CNPI"))
    assert got == sorted([("sign_blob", "1", phone), ("note", "1", rid)])


@pytest.mark.skipif(not shutil.which("mysqldump") or not listening(3306), reason="MariaDB/mysqldump unavailable")
def test_mysqldump_xml_gives_table_column_and_key(tmp_path):
    """``mysqldump --xml``: before, read as plain text (no table, no column)."""
    rid, phone, card, phone2, rid2 = _values(33)
    db = "piscan_xml"
    sql = (f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db};"
           f"CREATE TABLE {db}.用户 (编号 int primary key, 备注 text, tel varchar(20), raw blob);"
           f"INSERT INTO {db}.用户 VALUES (11, 'a<b & \"c\" {phone}', '{phone2}', NULL),"
           f"(12, NULL, NULL, CONCAT(0x00ff, '{rid}'));"
           f"CREATE TABLE {db}.pay (memo text); INSERT INTO {db}.pay VALUES ('卡 {card}'), ('{rid2}');")
    dump = real_mysqldump(sql, db, tmp_path / "d.xml", ["--xml", "--default-character-set=utf8mb4"])
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(dump)])
    assert not r.errors, r.errors
    assert r.inputs[0]["type"] == "mysql_xml" and r.inputs[0]["rows_scanned"] == 4
    got = sorted((f.table, f.column, f.row, f.value) for f in r.findings if f.rule_id.startswith("CNPI"))
    t, p = f"{db}.用户", f"{db}.pay"
    assert got == sorted([(t, "备注", "11", phone), (t, "tel", "11", phone2), (t, "raw", "12", rid),
                          (p, "memo", "1", card), (p, "memo", "2", rid2)])
    lines = dump.read_text(encoding="utf-8", errors="replace").splitlines()
    for f in r.findings:
        if f.rule_id.startswith("CNPI"):
            assert f.value in lines[f.line - 1], (f.line, f.value)
    # a cut file (inside the second table): what was read before the cut is reported, and the fault is a
    # scan error
    cut = tmp_path / "cut.xml"
    data = dump.read_bytes()
    cut.write_bytes(data[:data.index(b"</table_data>") + 5])
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(cut)])
    assert len(r.errors) == 1 and "not well-formed" in r.errors[0].reason
    assert {f.value for f in r.findings if f.rule_id.startswith("CNPI")} == {card, rid2}  # pay comes first


def test_xml_with_a_doctype_is_refused(tmp_path):
    bomb = tmp_path / "b.xml"
    bomb.write_text('<?xml version="1.0"?>\n<!DOCTYPE mysqldump [<!ENTITY a "13812345678">'
                    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<mysqldump><database name="d">'
                    '<table_data name="t"><row><field name="x">&b;</field></row></table_data>'
                    "</database></mysqldump>\n", encoding="utf-8")
    r = Scanner(ScanOptions(jobs=1)).scan([str(bomb)])
    assert len(r.errors) == 1 and "DTD" in r.errors[0].reason and not r.findings


@pytest.mark.skipif(not shutil.which("pg_dumpall") or not listening(5432), reason="PostgreSQL/pg_dumpall unavailable")
def test_pg_dumpall_keeps_databases_apart(tmp_path):
    """pg_dumpall writes every database after a ``\\connect``: two databases' ``public.users`` were one table
    (findings merged, row ordinals running on). Now the table is ``db.schema.table``."""
    from piscan.testing.services import PSQL

    admin = [a if a != "test" else "postgres" for a in PSQL]
    _rid, phone, _card, phone2, _ = _values(34)
    dbs = ("piscan_da1", "piscan_da2")
    try:
        for db, rows in zip(dbs, ([phone], [phone2, phone]), strict=True):
            subprocess.run(admin, input=f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db};", text=True, check=True)
            values = ",".join(f"({i}, '{p}')" for i, p in enumerate(rows, 1))
            subprocess.run([a if a != "test" else db for a in PSQL], text=True, check=True,
                           input=f"CREATE TABLE users (id int primary key, tel text); "
                                 f"INSERT INTO users VALUES {values};")
        dump = tmp_path / "all.sql"
        with dump.open("wb") as fh:
            subprocess.run(["pg_dumpall", "-h127.0.0.1", "-Upostgres"], stdout=fh, check=True)
    finally:
        for db in dbs:
            subprocess.run(admin, input=f"DROP DATABASE IF EXISTS {db};", text=True, check=False)
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(dump)])
    assert not r.errors, r.errors
    got = sorted((f.table, f.row, f.value) for f in r.findings
                 if f.rule_id.startswith("CNPI") and (f.table or "").startswith("piscan_da"))
    assert got == sorted([("piscan_da1.public.users", "1", phone), ("piscan_da2.public.users", "1", phone2),
                          ("piscan_da2.public.users", "2", phone)])


@pytest.mark.skipif(not shutil.which("mysqldump") or not listening(3306), reason="MariaDB/mysqldump unavailable")
def test_mysqldump_tab_export_gives_table_column_and_key():
    """``mysqldump --tab``: per table ``t.sql`` (CREATE TABLE) and ``t.txt`` (rows as LOAD DATA reads them:
    a tab, newline or backslash in a value escaped by a backslash). Before: the ``.txt`` was plain text."""
    rid, phone, card, phone2, rid2 = _values(35)
    db = "piscan_tab"
    import tempfile
    from pathlib import Path

    # the server (user mysql) writes the .txt files: not under pytest's tmp_path (mode 0700)
    out = Path(tempfile.mkdtemp(prefix="piscan-tab-"))
    out.chmod(0o777)
    sql = (f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db};"
           f"CREATE TABLE {db}.用户 (编号 int primary key, 备注 text, tel varchar(20));"
           f"INSERT INTO {db}.用户 VALUES (41, 'a\\tb\\n第二行 {phone} \\\\ {rid}', '{phone2}'), (42, NULL, '{card}');"
           f"CREATE TABLE {db}.t2 (x text); INSERT INTO {db}.t2 VALUES ('{rid2}');")
    try:
        subprocess.run(MYSQL, input=sql, text=True, check=True)
        made = subprocess.run(["mysqldump", "-h127.0.0.1", "-uroot", "--default-character-set=utf8mb4",
                               f"--tab={out}", db], capture_output=True, text=True)
    finally:
        subprocess.run(MYSQL, input=f"DROP DATABASE IF EXISTS {db};", text=True, check=False)
    try:
        _check_tab_export(out, made, db, rid, phone, card, phone2, rid2)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _check_tab_export(out, made, db, rid, phone, card, phone2, rid2):
    if made.returncode != 0:
        pytest.skip(f"the server cannot write --tab files here: {made.stderr.strip()[:200]}")
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(out)])
    assert not r.errors, r.errors
    # (MySQL names the files of a Chinese table in its filename encoding: @7528@6237.txt)
    assert {i["type"] for i in r.inputs if i["path"].endswith(".txt")} == {"mysql_tab"}
    got = sorted((f.table, f.column, f.row, f.value) for f in r.findings if f.rule_id.startswith("CNPI"))
    t = f"{db}.用户"
    assert got == sorted([(t, "备注", "41", phone), (t, "备注", "41", rid), (t, "tel", "41", phone2),
                          (t, "tel", "42", card), (f"{db}.t2", "x", "1", rid2)])
    for f in r.findings:
        if f.rule_id.startswith("CNPI"):
            lines = (out / f.path).read_text(encoding="utf-8").split("\n")
            assert lines[f.line - 1][f.start:f.end] == f.value, (f.line, f.start, f.value)
