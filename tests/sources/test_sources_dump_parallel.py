"""``--jobs N`` on one large SQL dump: ranges scanned by several processes give exactly the serial scan.

The dumps come from the real mysqldump (MariaDB: one row per line) and pg_dump (COPY), plus handwritten ones
for the paths a real dump rarely takes: a fault in a middle range and a split state the structure pass got
wrong (both rescanned here from the last verified state). Blocks are shrunk to 64 KiB so dumps of a few
hundred KiB have many split points.
"""

from __future__ import annotations

import random
import shutil

import pytest

import piscan.sources.sql_dump as sql_dump
from piscan.scanner import Scanner, ScanOptions
from piscan.sources.sql_dump import SqlDumpReader
from piscan.testing.generate import ValueGen
from piscan.testing.reports import scan_state
from piscan.testing.services import listening, real_mysqldump, real_pg_dump


def _report(path, jobs: int, cap: int) -> dict:
    options = ScanOptions(jobs=jobs, parallel_min_bytes=1, max_findings_per_asset=cap)
    return scan_state(Scanner(options).scan([str(path)]))


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(sql_dump, "DUMP_BLOCK", 64 << 10)


def _split_used(monkeypatch) -> list[int]:
    seen: list[int] = []
    plan = SqlDumpReader.plan_split

    def spy(self, every):
        points = plan(self, every)
        seen.append(len(points or ()))
        return points

    monkeypatch.setattr(SqlDumpReader, "plan_split", spy)
    return seen


def _same_serial_and_parallel(path, monkeypatch) -> dict:
    """Serial and split scans agree with a small listing cap (the merge of per-range listings and samples)
    and with one above every asset's findings (every finding listed: rows and lines of every range)."""
    seen = _split_used(monkeypatch)
    for cap in (7, 10**6):
        serial = _report(path, 1, cap)
        parallel = _report(path, 2, cap)
        assert len(seen) == 1 and seen[0] >= 3, "the dump was not split"
        assert parallel == serial
        seen.clear()
    return serial


def _rows(seed: int, n: int) -> list[tuple]:
    v = ValueGen(random.Random(seed))
    return [(i, None if i % 5 == 0 else f"用户{i}", None if i % 7 == 0 else v.resident_id(),
             None if i % 3 == 0 else v.mobile(), None if i % 4 else f"备注 {v.card()}", "x" * (i % 13))
            for i in range(1, n + 1)]


def _sql(rows) -> str:
    def lit(x):
        return "NULL" if x is None else str(x) if isinstance(x, int) else "'" + x + "'"
    return ",".join("(" + ",".join(lit(x) for x in r) + ")" for r in rows)


TABLES = ("users", "guests")


@pytest.mark.skipif(not shutil.which("mysqldump") or not listening(3306), reason="MariaDB/mysqldump unavailable")
@pytest.mark.parametrize("flags", [[], ["--skip-extended-insert"]])
def test_real_mysqldump_split(tmp_path, monkeypatch, small_blocks, flags):
    db = f"piscan_par_{len(flags)}"
    sql = f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db} CHARACTER SET utf8mb4; USE {db};"
    for k, table in enumerate(TABLES):
        key = "id int primary key" if k == 0 else "id int"  # guests: no key, rows are ordinals
        sql += (f"CREATE TABLE {table} ({key}, name varchar(20), id_card varchar(20), mobile varchar(20),"
                f" memo text, pad text); INSERT INTO {table} VALUES {_sql(_rows(k, 2500))};")
    dump = real_mysqldump(sql, db, tmp_path / "d.sql", ["--net-buffer-length=16384", *flags])
    r = _same_serial_and_parallel(dump, monkeypatch)
    assert not r["errors"] and r["inputs"][0]["rows_scanned"] == 5000
    rows = {f["row"] for f in r["findings"] if f["table"] == "guests"}
    assert rows and all(x.isdigit() for x in rows)


@pytest.mark.skipif(not shutil.which("pg_dump") or not listening(5432), reason="PostgreSQL/pg_dump unavailable")
def test_real_pg_dump_split(tmp_path, monkeypatch, small_blocks):
    schema = "piscan_par"
    sql = f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};"
    for k, table in enumerate(TABLES):
        sql += (f"CREATE TABLE {schema}.{table} (id int, name text, id_card text, mobile text, memo text, pad text);"
                f"INSERT INTO {schema}.{table} VALUES {_sql(_rows(10 + k, 2500))};")
    dump = real_pg_dump(sql, schema, tmp_path / "d.sql")
    r = _same_serial_and_parallel(dump, monkeypatch)
    assert not r["errors"] and r["inputs"][0]["rows_scanned"] == 5000


def _handwritten(tmp_path, fault: bool = False) -> str:
    rows = _rows(30, 6000)
    lines = [_sql([r]) for r in rows]
    if fault:
        lines[3100] = "(3101,'x')"  # a ragged row in a middle range
    dump = tmp_path / "d.sql"
    dump.write_text("CREATE TABLE `t` (`id` int, `name` text, `idc` text, `tel` text, `memo` text, `pad` text);\n"
                    + "".join("INSERT INTO `t` VALUES " + ",\n".join(lines[k:k + 500]) + ";\n"
                              for k in range(0, len(lines), 500)), encoding="utf-8")
    return dump


def test_fault_in_a_middle_range_is_rescanned_serially(tmp_path, monkeypatch, small_blocks):
    r = _same_serial_and_parallel(_handwritten(tmp_path, fault=True), monkeypatch)
    assert len(r["errors"]) == 1 and "row with 2 values" in r["errors"][0]["reason"]


def test_wrong_split_state_is_caught(tmp_path, monkeypatch, small_blocks):
    dump = _handwritten(tmp_path)
    serial = _report(dump, 1, 7)
    plan = SqlDumpReader.plan_split

    def wrong(self, every):  # the third split point claims another column list
        points = plan(self, every)
        off, line, (mode, db, _tables, *rest) = points[2]
        points[2] = (off, line, (mode, db, {"t": (("a", "b", "c", "d", "e", "f"), ())}, *rest))
        return points

    monkeypatch.setattr(SqlDumpReader, "plan_split", wrong)
    assert _report(dump, 2, 7) == serial


def test_uncapped_and_compressed_dumps_stay_serial(tmp_path, monkeypatch, small_blocks):
    import gzip

    dump = _handwritten(tmp_path)
    seen = _split_used(monkeypatch)
    assert _report(dump, 2, 0) == _report(dump, 1, 0)
    gz = tmp_path / "d.sql.gz"
    gz.write_bytes(gzip.compress(dump.read_bytes()))
    _report(gz, 2, 7)
    assert seen == []
