"""Audit of real dumps and live databases: defects found by dumping tricky schemas with the real clients
(MariaDB ``mysqldump``, ``pg_dump``, ``sqlite3``) and comparing the dump scan with a live scan of the same
tables. Each database object is prefixed ``audit_`` and dropped at the end of its test."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from collections import Counter

import pytest

from piscan.scanner import Scanner, ScanOptions
from piscan.testing.generate import ValueGen
from piscan.testing.services import listening, real_mysqldump

MARIADB = shutil.which("mysqldump") is not None and listening(3306)


def _scan(target: str, **kw):
    return Scanner(ScanOptions(jobs=1, show_values=True, full=True, **kw)).scan([target])


def _where(result) -> Counter:
    return Counter((f.table, f.column, f.value) for f in result.findings
                   if f.rule_id.startswith("CNPI") and not f.masked)


@pytest.mark.skipif(not MARIADB, reason="MariaDB/mysqldump unavailable")
def test_mysqldump_cut_inside_a_long_string_is_a_scan_error_not_a_hang(tmp_path):
    """Before: the value tokeniser's string pattern backtracked exponentially on a quote with no closing
    quote, so a dump cut inside a string value of a few dozen characters never finished."""
    v = ValueGen(random.Random(7))
    phone, rid = v.mobile(), v.resident_id()
    db = "audit_cut_long"
    sql = (f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db} CHARACTER SET utf8mb4; USE {db};"
           "CREATE TABLE t (id int primary key, memo text);"
           f"INSERT INTO t VALUES (1, '{phone}'), (2, CONCAT('{rid} ', REPEAT('长文本 abc ', 400)));")
    dump = real_mysqldump(sql, db, tmp_path / "d.sql")
    data = dump.read_bytes()
    cut = tmp_path / "cut.sql"
    half = "长文本 abc ".encode() * 200
    cut.write_bytes(data[:data.index(half) + len(half)])
    out = subprocess.run([sys.executable, "-m", "piscan.cli", "scan", str(cut), "--format", "json", "-o",
                          str(tmp_path / "r.json")], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": "src"})
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr and phone not in out.stderr and rid not in out.stderr
    r = _scan(str(cut))
    assert r.failed and r.errors[0].path == str(cut) and "cut" in r.errors[0].reason
    assert _where(r)[("t", "memo", phone)] == 1  # the row before the fault is still scanned


PG = shutil.which("pg_dump") is not None and listening(5432)


def _mysql_live_and_dump(tmp_path, db: str, setup: str, scan):
    """Create ``db`` with ``setup``, return ``scan`` of it live and the path of its real mysqldump; drop it."""
    from piscan.testing.services import MYSQL

    try:
        subprocess.run(MYSQL, input=setup, text=True, check=True)
        live = scan(f"mysql+pymysql://root@127.0.0.1:3306/{db}")
        with (tmp_path / "d.sql").open("wb") as fh:
            subprocess.run(["mysqldump", "-h127.0.0.1", "-uroot", db], stdout=fh, check=True)
    finally:
        subprocess.run(MYSQL, input=f"DROP DATABASE IF EXISTS {db};", text=True, check=False)
    return live, tmp_path / "d.sql"


def _mysql_live_vs_dump(tmp_path, db: str, setup: str) -> tuple[Counter, Counter]:
    """Counts per (table, column, value) of a live scan of ``db`` and of its real mysqldump."""
    live, dump = _mysql_live_and_dump(tmp_path, db, setup, _scan)
    dumped = _scan(str(dump))
    assert not live.errors, live.errors
    assert not dumped.errors, dumped.errors
    return _where(live), _where(dumped)


@pytest.mark.skipif(not MARIADB, reason="MariaDB/mysqldump unavailable")
def test_live_mysql_column_name_with_a_backtick(tmp_path):
    """Before: SQLAlchemy's MySQL reflection keeps the backtick of a column name doubled (``we``ird``), the
    query named a column that does not exist and the whole table was lost with a scan error."""
    v = ValueGen(random.Random(8))
    phone, rid = v.mobile(), v.resident_id()
    db = "audit_live_bt"
    live, dumped = _mysql_live_vs_dump(tmp_path, db, (
        f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db} CHARACTER SET utf8mb4; USE {db};"
        "CREATE TABLE `t``q` (`i``d` int primary key, `we``ird` varchar(40), memo text);"
        f"INSERT INTO `t``q` VALUES (1, '{phone}', '{rid}');"))
    assert live == dumped
    assert live == Counter({("t`q", "we`ird", phone): 1, ("t`q", "memo", rid): 1})


def _pg_live_vs_dump(tmp_path, schema: str, setup: str, flags: tuple[str, ...] = ()) -> tuple[Counter, Counter]:
    """Counts per (table, column, value) of a live scan of PostgreSQL ``test`` (tables of ``schema`` only) and
    of the real pg_dump of ``schema``."""
    from piscan.testing.services import PSQL

    try:
        subprocess.run(PSQL, input=setup, text=True, check=True)
        live = _scan("postgresql://postgres@127.0.0.1:5432/test")
        with (tmp_path / "d.sql").open("wb") as fh:
            subprocess.run(["pg_dump", "-h127.0.0.1", "-Upostgres", "-n", schema, *flags, "test"], stdout=fh,
                           check=True)
    finally:
        subprocess.run(PSQL, input=f"DROP SCHEMA IF EXISTS {schema} CASCADE;", text=True, check=False)
    dumped = _scan(str(tmp_path / "d.sql"))
    assert not [e for e in live.errors if schema in e.reason], live.errors
    assert not dumped.errors, dumped.errors
    mine = Counter({k: n for k, n in _where(live).items() if k[0].startswith(schema + ".")})
    return mine, _where(dumped)


@pytest.mark.skipif(not MARIADB, reason="MariaDB/mysqldump unavailable")
def test_live_mysql_scans_binary_columns_like_the_dump(tmp_path):
    """Before: BLOB / VARBINARY columns were not read by a live scan, while the dump of the same table shows
    their bytes (``_binary '…'`` or ``0x…``) and finds the PI in them."""
    v = ValueGen(random.Random(9))
    phone, rid = v.mobile(), v.resident_id()
    db = "audit_live_bin"
    live, dumped = _mysql_live_vs_dump(tmp_path, db, (
        f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db}; USE {db};"
        "CREATE TABLE t (id int primary key, raw blob, vb varbinary(64));"
        f"INSERT INTO t VALUES (1, CONCAT(X'00FF27', '{rid}'), '{phone}');"))
    assert live == dumped == Counter({("t", "raw", rid): 1, ("t", "vb", phone): 1})


@pytest.mark.skipif(not PG, reason="PostgreSQL/pg_dump unavailable")
def test_live_postgres_scans_bytea_like_the_dump(tmp_path):
    """Before: ``bytea`` columns were not read by a live scan; pg_dump writes them as ``\\x…`` hex, which the
    dump reader decodes and scans."""
    v = ValueGen(random.Random(10))
    rid = v.resident_id()
    s = "audit_live_bytea"
    live, dumped = _pg_live_vs_dump(tmp_path, s, (
        f"DROP SCHEMA IF EXISTS {s} CASCADE; CREATE SCHEMA {s};"
        f"CREATE TABLE {s}.t (id int primary key, raw bytea);"
        f"INSERT INTO {s}.t VALUES (1, '\\x00ff'::bytea || convert_to('{rid}', 'UTF8'));"))
    assert live == dumped == Counter({(f"{s}.t", "raw", rid): 1})


@pytest.mark.skipif(not PG, reason="PostgreSQL/pg_dump unavailable")
@pytest.mark.parametrize("flags", [(), ("--inserts",)])
def test_live_postgres_scans_arrays_like_the_dump(tmp_path, flags):
    """Before: array columns (``text[]``, ``bigint[]``) were not read by a live scan; pg_dump writes them as
    ``{…}`` literals and the dump reader finds the PI in them."""
    v = ValueGen(random.Random(11))
    phone, rid, phone2 = v.mobile(), v.resident_id(), v.mobile()
    while not rid[-1].isdigit():  # a bigint
        rid = v.resident_id()
    s = "audit_live_arr"
    live, dumped = _pg_live_vs_dump(tmp_path, s, (
        f"DROP SCHEMA IF EXISTS {s} CASCADE; CREATE SCHEMA {s};"
        f"CREATE TABLE {s}.t (id int primary key, tags text[], nums bigint[], amounts numeric(19)[]);"
        f"INSERT INTO {s}.t VALUES (1, ARRAY['{phone}', 'a,b\"c', NULL], ARRAY[{rid}, 7], ARRAY[1.5]),"
        f"(2, ARRAY['x\\y', '{phone2}'], NULL, NULL);"), flags)
    assert live == dumped == Counter({(f"{s}.t", "tags", phone): 1, (f"{s}.t", "tags", phone2): 1,
                                      (f"{s}.t", "nums", rid): 1})


@pytest.mark.skipif(not shutil.which("sqlite3"), reason="sqlite3 missing")
def test_live_sqlite_scans_integer_columns_like_the_dump(tmp_path):
    """Before: a live SQLite scan skipped INTEGER columns (read as 32-bit), but SQLite integers are 64-bit and
    hold phone and ID numbers, and any column (here a DATETIME) can hold text; ``.dump`` writes them and the
    dump reader finds them."""
    import sqlite3

    v = ValueGen(random.Random(12))
    phone, rid, phone2 = v.mobile(), v.resident_id(), v.mobile()
    while not rid[-1].isdigit():
        rid = v.resident_id()
    db = tmp_path / "audit.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE audit_t (id INTEGER PRIMARY KEY, tel INTEGER, idno INT, n SMALLINT, seen DATETIME)")
    con.execute("INSERT INTO audit_t VALUES (1, ?, ?, 3, ?)", (int(phone), int(rid), f"tel {phone2}"))
    con.commit()
    con.close()
    live = _scan(f"sqlite:///{db}")
    dump = tmp_path / "d.sql"
    with dump.open("wb") as fh:
        subprocess.run(["sqlite3", str(db), ".dump"], stdout=fh, check=True)
    dumped = _scan(str(dump))
    assert not live.errors and not dumped.errors
    assert _where(live) == _where(dumped) == Counter({("audit_t", "tel", phone): 1, ("audit_t", "idno", rid): 1,
                                                          ("audit_t", "seen", phone2): 1})


@pytest.mark.skipif(not PG, reason="PostgreSQL/pg_dump unavailable")
@pytest.mark.parametrize("flags", [("--inserts",), ("--column-inserts", "--rows-per-insert=2")])
def test_pg_dump_without_standard_conforming_strings(tmp_path, flags, monkeypatch):
    """A server with ``standard_conforming_strings = off``: pg_dump writes ``SET standard_conforming_strings =
    off;`` and then every backslash in a string literal doubled (``'\\\\x00ff…'``). Before: the strings were
    read as standard strings, so a ``bytea`` value was not recognised as hex and its PI was lost."""
    monkeypatch.setenv("PGOPTIONS", "-c standard_conforming_strings=off")
    v = ValueGen(random.Random(13))
    phone, rid, card = v.mobile(), v.resident_id(), v.card()
    s = "audit_pg_nonstd"
    live, dumped = _pg_live_vs_dump(tmp_path, s, (
        f"DROP SCHEMA IF EXISTS {s} CASCADE; CREATE SCHEMA {s};"
        f"CREATE TABLE {s}.t (id int primary key, memo text, raw bytea);"
        f"INSERT INTO {s}.t VALUES (1, E'back\\\\slash\\\\{phone}\\\\N',"
        f" E'\\\\x00ff'::bytea || convert_to('{rid}', 'UTF8')),"
        f"(2, E'tab\\t{card}', NULL);"), flags)
    assert "SET standard_conforming_strings = off;" in (tmp_path / "d.sql").read_text()
    assert live == dumped == Counter({(f"{s}.t", "memo", phone): 1, (f"{s}.t", "raw", rid): 1,
                                      (f"{s}.t", "memo", card): 1})


def _report_text(target: str) -> str:
    import json

    from piscan.reports.json_report import build

    r = Scanner(ScanOptions(jobs=1, full=True)).scan([target])
    assert not r.errors, r.errors
    return json.dumps(build(r), ensure_ascii=False)


@pytest.mark.skipif(not MARIADB, reason="MariaDB/mysqldump unavailable")
def test_primary_key_holding_a_phone_number_is_not_echoed_as_row_key(tmp_path):
    """Before: ``row`` was the primary-key value whenever it was an integer of up to 12 digits, so a table
    keyed by mobile number (common for user tables) put every raw number in the report as the row key, from
    the dump and from the live database, without ``--show-values``."""

    v = ValueGen(random.Random(14))
    phone, rid, phone2 = v.mobile(), v.resident_id(), v.mobile()
    db = "audit_pk_phone"
    setup = (f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db}; USE {db};"
             "CREATE TABLE users (mobile BIGINT PRIMARY KEY, idno varchar(20));"
             f"INSERT INTO users VALUES ({phone}, '{rid}'), ({phone2}, NULL);"
             "CREATE TABLE small (id INT PRIMARY KEY, idno varchar(20));"
             f"INSERT INTO small VALUES (1234567890, '{rid}');")
    live, dump = _mysql_live_and_dump(tmp_path, db, setup, _report_text)
    for text in (live, _report_text(str(dump))):
        assert phone not in text and phone2 not in text and rid not in text
        assert '"row": "1234567890"' in text  # a 10-digit key is still the key

    dbfile = tmp_path / "audit.db"
    import sqlite3

    con = sqlite3.connect(dbfile)
    con.execute("CREATE TABLE users (mobile INTEGER PRIMARY KEY, idno TEXT)")
    con.execute("INSERT INTO users VALUES (?, ?)", (int(phone), rid))
    con.commit()
    con.close()
    assert phone not in _report_text(f"sqlite:///{dbfile}")


@pytest.mark.skipif(not MARIADB, reason="MariaDB/mysqldump unavailable")
def test_last_statement_without_final_newline_is_complete(tmp_path):
    """Before: a ``mysqldump --compact`` (it ends with the last INSERT) whose final newline was stripped was
    reported as truncated (``not terminated by ';'``, exit 2) although every statement is complete."""
    v = ValueGen(random.Random(15))
    phone, rid = v.mobile(), v.resident_id()
    db = "audit_no_eol"
    sql = (f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db}; USE {db};"
           "CREATE TABLE t (id int primary key, memo text);"
           f"INSERT INTO t VALUES (1, '{phone}'), (2, '{rid}');")
    dump = real_mysqldump(sql, db, tmp_path / "d.sql", ["--compact"])
    stripped = tmp_path / "stripped.sql"
    stripped.write_bytes(dump.read_bytes().rstrip(b"\n"))
    r = _scan(str(stripped))
    assert not r.errors, r.errors
    assert _where(r) == _where(_scan(str(dump))) == Counter({("t", "memo", phone): 1, ("t", "memo", rid): 1})


@pytest.mark.skipif(not PG, reason="PostgreSQL/pg_dump unavailable")
@pytest.mark.parametrize("flags", [("--inserts",), ()])
def test_dump_cut_inside_an_insert_or_copy_header_is_a_scan_error(tmp_path, flags):
    """Before: a dump cut inside the header of its last statement (``INSERT INTO t VALU``, ``COPY t (id, m``)
    was read as a plain text line: no scan error, exit 0, though the rest of the table was missing."""
    from piscan.testing.services import real_pg_dump

    v = ValueGen(random.Random(16))
    phone, phone2 = v.mobile(), v.mobile()
    s = "audit_cut_hdr"
    sql = (f"DROP SCHEMA IF EXISTS {s} CASCADE; CREATE SCHEMA {s};"
           f"CREATE TABLE {s}.a (id int primary key, memo text); CREATE TABLE {s}.b (id int, memo text);"
           f"INSERT INTO {s}.a VALUES (1, '{phone}'); INSERT INTO {s}.b VALUES (1, '{phone2}');")
    dump = real_pg_dump(sql, s, tmp_path / "d.sql", flags)
    data = dump.read_bytes()
    head = f"INSERT INTO {s}.b VALU" if flags else f"COPY {s}.b (id, me"
    cut = tmp_path / "cut.sql"
    cut.write_bytes(data[:data.index(head.encode()[:-4]) + len(head)])
    r = _scan(str(cut))
    assert r.failed and r.errors[0].path == str(cut) and "truncated" in r.errors[0].reason, r.errors
    last_line = cut.read_bytes().count(b"\n") + 1
    assert f"line {last_line}:" in r.errors[0].reason
    assert _where(r) == Counter({(f"{s}.a", "memo", phone): 1})


@pytest.mark.skipif(not PG, reason="PostgreSQL/pg_dump unavailable")
@pytest.mark.parametrize("flags", [(), ("--column-inserts",)])
def test_quoted_column_names_with_comma_or_parenthesis(tmp_path, flags):
    """Before: the column list of a COPY or INSERT header was read up to the first ``)`` and split at every
    comma, so a quoted column name holding one (``"x)y"``, ``"a,b"``) made the header unreadable: the whole
    table was scanned as plain text, without table or column, and without an error."""
    v = ValueGen(random.Random(17))
    m1, m2, m3 = v.mobile(), v.mobile(), v.mobile()
    s = "audit_px"
    live, dumped = _pg_live_vs_dump(tmp_path, s, (
        f"DROP SCHEMA IF EXISTS {s} CASCADE; CREATE SCHEMA {s};"
        f'CREATE TABLE {s}.t (id int primary key, "a,b" text, "x)y" text, "q""(" text);'
        f"INSERT INTO {s}.t VALUES (1, '{m1}', '{m2}', '{m3}');"), flags)
    t = f"{s}.t"
    assert live == dumped == Counter({(t, "a,b", m1): 1, (t, "x)y", m2): 1, (t, 'q"(', m3): 1})


@pytest.mark.skipif(not MARIADB, reason="MariaDB/mysqldump unavailable")
def test_unquoted_unicode_names_in_a_column_list(tmp_path):
    """``mysqldump --skip-quote-names --complete-insert`` writes CJK table and column names bare; the header's
    column list must still be read (a bare identifier is an ASCII word or UTF-8)."""
    v = ValueGen(random.Random(18))
    phone, rid = v.mobile(), v.resident_id()
    db = "audit_bare_cjk"
    sql = (f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db} CHARACTER SET utf8mb4; USE {db};"
           "CREATE TABLE 用户 (id int primary key, 手机号 varchar(20), 证件 varchar(20));"
           f"INSERT INTO 用户 VALUES (1, '{phone}', '{rid}');")
    dump = real_mysqldump(sql, db, tmp_path / "d.sql", ["--skip-quote-names", "--complete-insert", "--no-create-info",
                                                         "--default-character-set=utf8mb4"])
    r = _scan(str(dump))
    assert not r.errors
    assert _where(r) == Counter({("用户", "手机号", phone): 1, ("用户", "证件", rid): 1})
