"""Live scans vs. dumps made by the real mysqldump / pg_dump / sqlite3: same table.column counts."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import uuid
from collections import Counter

import pytest

from piscan.detection.validators import cn_resident_id
from piscan.scanner import Scanner, ScanOptions

MYSQL = ["mysql", "-h127.0.0.1", "-uroot"]
PSQL = ["psql", "-q", "-h127.0.0.1", "-Upostgres", "-v", "ON_ERROR_STOP=1"]


def _ids(n: int) -> list[str]:
    out = []
    for i in range(n):
        body = f"110105199{i % 10}0101{100 + i:03d}"
        out.append(body + cn_resident_id.calc_check_digit(body))
    return out


def _rows(n: int = 6) -> list[tuple]:
    ids = _ids(n)
    rows = []
    for i in range(n):
        phone = f"1381234{5600 + i:04d}" if i % 3 else None
        rows.append((i + 1, f"用户{i}", ids[i] if i % 2 == 0 else None, phone,
                     f"it's line one\nline two 联系 {ids[i]}" if i == 4 else "备注"))
    return rows


def _counts(result) -> Counter:
    return Counter((f.table.split(".")[-1], f.column, f.entity_type) for f in result.findings)


def _scan(target: str):
    return Scanner(ScanOptions(jobs=1)).scan([target])


def _sql_values(rows) -> str:
    def lit(v):
        if v is None:
            return "NULL"
        if isinstance(v, int):
            return str(v)
        return "'" + v.replace("'", "''") + "'"
    return ",".join("(" + ",".join(lit(v) for v in r) + ")" for r in rows)


def _pg_live_and_dump(sql: str, schema: str, tmp_path, flags, full: bool = False):
    """Run ``sql`` (it creates ``schema``) in the local PostgreSQL, scan the database live, dump ``schema``
    with the real pg_dump and ``flags`` and scan the dump, dropping the schema whatever happens: the live
    result, its ``schema``'s counts per table.column and entity, and the dump's result."""
    try:
        subprocess.run([*PSQL, "test"], input=sql, text=True, check=True)
        live = Scanner(ScanOptions(jobs=1, full=full)).scan(["postgresql://postgres@127.0.0.1:5432/test"])
        dump = tmp_path / "pg.sql"
        with open(dump, "wb") as fh:
            subprocess.run(["pg_dump", "-h127.0.0.1", "-Upostgres", "-n", schema, *flags, "test"], stdout=fh,
                           check=True)
        dumped = _scan(str(dump))
    finally:
        subprocess.run([*PSQL, "test", "-c", f"DROP SCHEMA IF EXISTS {schema} CASCADE"], check=False)
    mine = Counter((f.table.split(".")[-1], f.column, f.entity_type) for f in live.findings
                   if f.table.startswith(schema + "."))
    return live, mine, dumped


def _available(cmd: str) -> bool:
    return shutil.which(cmd) is not None


@pytest.mark.skipif(not _available("mysqldump"), reason="mysqldump missing")
@pytest.mark.parametrize("flags", [[], ["--skip-extended-insert", "--complete-insert"]])
def test_mysql_live_equals_dump(tmp_path, flags):
    db = "pis_" + uuid.uuid4().hex[:10]
    rows = _rows()
    ddl = (f"CREATE DATABASE {db}; USE {db}; CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(40), "
           f"id_card CHAR(18), mobile VARCHAR(20), note TEXT); INSERT INTO users VALUES {_sql_values(rows)};")
    try:
        subprocess.run([*MYSQL, "-e", ddl.replace("''", "\\'")], check=True)
        live = _scan(f"mysql+pymysql://root@127.0.0.1:3306/{db}")
        dump = tmp_path / "my.sql"
        with open(dump, "wb") as fh:
            subprocess.run(["mysqldump", "-h127.0.0.1", "-uroot", *flags, db], stdout=fh, check=True)
        dumped = _scan(str(dump))
    finally:
        subprocess.run([*MYSQL, "-e", f"DROP DATABASE IF EXISTS {db}"], check=False)
    assert not live.errors and not dumped.errors
    assert dumped.inputs[0]["type"] == "mysqldump"
    assert _counts(live) == _counts(dumped)
    assert _counts(dumped)[("users", "id_card", "CN_RESIDENT_ID")] == 3
    assert _counts(dumped)[("users", "note", "CN_RESIDENT_ID")] == 1
    a = {x["asset"]: x for x in dumped.assets}
    assert a["users.id_card"]["values_scanned"] == 3 and a["users.id_card"]["match_ratio"] == 1.0
    assert a["users.mobile"]["values_scanned"] == 4


@pytest.mark.skipif(not _available("pg_dump"), reason="pg_dump missing")
@pytest.mark.parametrize("flags", [[], ["--inserts"], ["--column-inserts"]])
def test_postgres_live_equals_dump(tmp_path, flags):
    schema = "pis_" + uuid.uuid4().hex[:10]
    rows = _rows()
    sql = (f"CREATE SCHEMA {schema}; CREATE TABLE {schema}.users (id INT PRIMARY KEY, name VARCHAR(40), "
           f"id_card CHAR(18), mobile TEXT, note TEXT); "
           f"INSERT INTO {schema}.users VALUES {_sql_values(rows)};")
    _live, mine, dumped = _pg_live_and_dump(sql, schema, tmp_path, flags)
    assert not dumped.errors
    assert dumped.inputs[0]["type"] == "pg_dump"
    assert mine == _counts(dumped)
    assert _counts(dumped)[("users", "mobile", "CN_MOBILE_PHONE")] == 4
    a = {x["asset"]: x for x in dumped.assets}
    assert a[f"{schema}.users.id_card"]["values_scanned"] == 3


@pytest.mark.skipif(not _available("sqlite3"), reason="sqlite3 missing")
def test_sqlite_live_equals_dump(tmp_path):
    dbfile = tmp_path / "app.db"
    con = sqlite3.connect(dbfile)
    con.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, id_card TEXT, mobile TEXT, "
                "note TEXT)")
    con.executemany("INSERT INTO users VALUES (?,?,?,?,?)", _rows())
    con.commit()
    con.close()
    live = _scan(f"sqlite:///{dbfile}")
    dump = tmp_path / "app.sql"
    with open(dump, "wb") as fh:
        subprocess.run(["sqlite3", str(dbfile), ".dump"], stdout=fh, check=True)
    gz = tmp_path / "app.sql.gz"
    subprocess.run(f"gzip -c {dump} > {gz}", shell=True, check=True)
    for target in (dump, gz):
        dumped = _scan(str(target))
        assert not dumped.errors
        assert dumped.inputs[0]["type"] == "sqlite_dump"
        assert _counts(live) == _counts(dumped)
    assert _counts(live)[("users", "note", "CN_RESIDENT_ID")] == 1


def test_wrong_password_and_unreachable_never_leak(tmp_path):
    secret = "S3cretPw" + uuid.uuid4().hex[:6]
    r = _scan(f"postgresql://nobody:{secret}@127.0.0.1:5432/test")
    r2 = _scan(f"mysql+pymysql://root:{secret}@127.0.0.1:1/test")
    for res in (r, r2):
        assert res.failed and res.errors[0].kind == "error"
        text = repr([e.to_dict() for e in res.errors]) + repr(res.inputs) + repr(res.roots)
        assert secret not in text
        assert "127.0.0.1" in res.errors[0].path
    out = subprocess.run(["python", "-m", "piscan.cli", "scan", f"mysql+pymysql://root:{secret}@127.0.0.1:1/x"],
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": "src"})
    assert out.returncode == 2 and secret not in out.stdout + out.stderr and "Traceback" not in out.stderr


@pytest.mark.skipif(not _available("pg_dump"), reason="pg_dump missing")
@pytest.mark.parametrize("flags", [[], ["--inserts"]])  # --inserts: the INHERITS child's rows have no column list
def test_postgres_awkward_tables_live_equal_dump(tmp_path, flags):
    """Tables an independent review found the live scan got wrong, against the real pg_dump: no primary
    key with a json/xml column (the whole table was lost: json cannot be ordered), a domain-typed and a
    float8 column (skipped), a partitioned table and an INHERITS parent (rows counted twice), and json
    with a duplicate key (the driver's dict kept one)."""
    s = "pis_" + uuid.uuid4().hex[:10]
    sql = f"""CREATE SCHEMA {s};
    CREATE DOMAIN {s}.phone_t AS varchar(20);
    CREATE TABLE {s}.nopk (no varchar(20), receiver json, note xml, remark text);
    INSERT INTO {s}.nopk VALUES ('A1', '{{"tel": "13812345600", "tel": "13812345601"}}',
                                 '<c><m>13812345608</m></c>', '联系 13812345602'),
                                ('A2', NULL, NULL, '无');
    CREATE TABLE {s}.dom (id int PRIMARY KEY, phone {s}.phone_t, backup float8);
    INSERT INTO {s}.dom VALUES (1, '13812345603', 13812345604);
    CREATE TABLE {s}.orders (id int, mobile text, created date) PARTITION BY RANGE (created);
    CREATE TABLE {s}.orders_2024 PARTITION OF {s}.orders FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
    INSERT INTO {s}.orders VALUES (1, '13812345605', '2024-05-01');
    CREATE TABLE {s}.person (id int PRIMARY KEY, mobile text);
    CREATE TABLE {s}.staff (dept text) INHERITS ({s}.person);
    INSERT INTO {s}.person VALUES (1, '13812345606');
    INSERT INTO {s}.staff VALUES (2, '13812345607', 'IT');
    """
    live, mine, dumped = _pg_live_and_dump(sql, s, tmp_path, flags, full=True)
    assert not [e for e in live.errors if s in e.reason or s in e.path]
    assert not dumped.errors
    want = Counter({("nopk", "receiver", "CN_MOBILE_PHONE"): 2, ("nopk", "note", "CN_MOBILE_PHONE"): 1,
                    ("nopk", "remark", "CN_MOBILE_PHONE"): 1, ("dom", "phone", "CN_MOBILE_PHONE"): 1,
                    ("dom", "backup", "CN_MOBILE_PHONE"): 1, ("orders_2024", "mobile", "CN_MOBILE_PHONE"): 1,
                    ("person", "mobile", "CN_MOBILE_PHONE"): 1, ("staff", "mobile", "CN_MOBILE_PHONE"): 1})
    assert _counts(dumped) == want
    assert mine == want


@pytest.mark.skipif(not _available("mysqldump"), reason="mysqldump missing")
def test_mysql_double_column_live_equals_dump(tmp_path):
    # a phone kept in a DOUBLE column: mysqldump writes 13812345604, the live scan skipped the column
    db = "pis_" + uuid.uuid4().hex[:10]
    ddl = (f"CREATE DATABASE {db}; USE {db}; CREATE TABLE t (id INT PRIMARY KEY, backup DOUBLE, ratio DOUBLE); "
           f"INSERT INTO t VALUES (1, 13812345604, 0.5), (2, NULL, 13812345605.25);")
    try:
        subprocess.run([*MYSQL, "-e", ddl], check=True)
        live = _scan(f"mysql+pymysql://root@127.0.0.1:3306/{db}")
        dump = tmp_path / "my.sql"
        with open(dump, "wb") as fh:
            subprocess.run(["mysqldump", "-h127.0.0.1", "-uroot", db], stdout=fh, check=True)
        dumped = _scan(str(dump))
    finally:
        subprocess.run([*MYSQL, "-e", f"DROP DATABASE IF EXISTS {db}"], check=False)
    assert not live.errors and not dumped.errors
    assert _counts(live) == _counts(dumped) == Counter({("t", "backup", "CN_MOBILE_PHONE"): 1})
