"""A finding in a dump value points at the value as the dump writes it: its line, start and end select
the value in the file, also when escapes (``\\n``, ``\\'``, ``\\"`` in mysqldump, ``\\t`` in a COPY row,
``''`` in standard SQL) stand before it in the value, and on the next line when pg_dump ``--inserts``
writes a newline inside the string as it is.

Dumps come from the real tools; enough rows that the readers' by-position paths run as well as the
value-by-value tokeniser (the first statement of each table has few rows).
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from piscan.scanner import Scanner, ScanOptions
from piscan.testing.generate import ValueGen
from piscan.testing.services import listening, real_mysqldump, real_pg_dump


def _rows(seed: int, n: int = 120) -> list[tuple[int, str, str]]:
    """``(id, memo, phone)``: memos hold a value after characters each dump escapes, some plain."""
    v = ValueGen(random.Random(seed))
    out = []
    for i in range(1, n + 1):
        pi = (v.mobile(), v.resident_id(), v.card())[i % 3]
        memo = (f"O'Brien \\ tab\there {pi}", f"line1\nline2 手机{pi}", f'{{"k": "{pi}", "n": 1}}',
                f"plain {pi}", f"a\r\nb ''{pi}'' end")[i % 5]
        out.append((i, memo, v.mobile()))
    return out


def _sql_literal(s: str) -> str:
    """A MySQL / PostgreSQL E'' string body for ``s``."""
    return (s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
            .replace("\t", "\\t"))


def _check(dump: Path, rows: list[tuple[int, str, str]]) -> int:
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(dump)])
    assert not r.errors, r.errors
    lines = dump.read_text(encoding="utf-8").split("\n")
    checked = 0
    for f in r.findings:
        if f.masked:
            continue
        written = lines[f.line - 1][f.start:f.end]
        assert written == f.value, (f.column, f.line, f.start, f.end, f.value, written)
        checked += 1
    assert checked >= len(rows) * 2  # every memo value and every phone
    return checked


@pytest.mark.skipif(not shutil.which("mysqldump") or not listening(3306), reason="MariaDB/mysqldump unavailable")
@pytest.mark.parametrize("flags", [[], ["--skip-extended-insert"]])
def test_mysqldump_positions_count_escapes(tmp_path, flags):
    rows = _rows(1)
    db = f"piscan_pos_{len(flags)}"
    values = ",".join(f"({i}, '{_sql_literal(m)}', '{p}')" for i, m, p in rows)
    sql = (f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db} CHARACTER SET utf8mb4; USE {db};"
           "CREATE TABLE t (id int primary key, memo text, phone varchar(20));"
           f"INSERT INTO t VALUES {values};")
    _check(real_mysqldump(sql, db, tmp_path / "d.sql", flags), rows)


@pytest.mark.skipif(not shutil.which("pg_dump") or not listening(5432), reason="PostgreSQL/pg_dump unavailable")
@pytest.mark.parametrize("flags", [[], ["--inserts"], ["--rows-per-insert=50"]])
def test_pg_dump_positions_count_escapes_and_newlines(tmp_path, flags):
    rows = _rows(2)
    schema = f"piscan_pos_{len(flags)}_{len(flags[0]) if flags else 0}"
    values = ",".join(f"({i}, E'{_sql_literal(m)}', '{p}')" for i, m, p in rows)
    sql = (f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};"
           f"CREATE TABLE {schema}.t (id int primary key, memo text, phone varchar(20));"
           f"INSERT INTO {schema}.t VALUES {values};")
    _check(real_pg_dump(sql, schema, tmp_path / "d.sql", flags), rows)


@pytest.mark.skipif(not shutil.which("sqlite3"), reason="sqlite3 missing")
def test_sqlite_dump_positions_count_escapes(tmp_path):
    rows = _rows(3)
    db = tmp_path / "x.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, memo TEXT, phone TEXT)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
    con.commit()
    con.close()
    dump = tmp_path / "d.sql"
    with dump.open("wb") as fh:
        subprocess.run(["sqlite3", str(db), ".dump"], stdout=fh, check=True)
    _check(dump, rows)
