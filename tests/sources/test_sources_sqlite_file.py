"""SQLite database files found on disk are read like a ``sqlite:///`` URL (table, column, key; the scan's
``--sample``/``--full``), whatever their name, also inside a zip; a folder scan skipped them as binary."""

from __future__ import annotations

import random
import sqlite3
import zipfile

from piscan.digest import sha256_file
from piscan.scanner import Scanner, ScanOptions
from piscan.testing.generate import ValueGen


def _db(path, n: int, seed: int = 1) -> list[tuple[int, str, str]]:
    v = ValueGen(random.Random(seed))
    rows = [(i, v.mobile(), v.resident_id()) for i in range(1, n + 1)]
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, mobile TEXT, memo TEXT)")
    con.executemany("INSERT INTO users VALUES (?, ?, ?)", [(i, m, f"身份证 {r}") for i, m, r in rows])
    con.execute("CREATE TABLE log (msg TEXT)")  # no key: rows are ordinals
    con.execute("INSERT INTO log VALUES (?)", (f"call {rows[0][1]}",))
    con.commit()
    con.close()
    return rows


def test_sqlite_file_in_a_folder_is_read_as_a_database(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    rows = _db(data / "cache.bin", 1200)  # the name says nothing: the header does
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(data)])
    assert not r.errors, r.errors
    (entry,) = r.inputs
    assert entry["type"] == "sqlite_db" and entry["sample"] == 1000 and entry["rows_scanned"] == 1001
    assert entry["sha256"] == sha256_file(data / "cache.bin")
    got = {(f.table, f.column, f.row, f.value) for f in r.findings}
    # the default sample: the first 1,000 rows by key
    assert got == ({("users", "mobile", str(i), m) for i, m, _r in rows[:1000]}
                   | {("users", "memo", str(i), rid) for i, _m, rid in rows[:1000]}
                   | {("log", "msg", "1", rows[0][1])})
    full = Scanner(ScanOptions(jobs=1, full=True)).scan([str(data)])
    assert full.inputs[0]["rows_scanned"] == 1201 and len(full.findings) == 2 * 1200 + 1


def test_sqlite_file_in_a_zip_and_a_damaged_one(tmp_path):
    _db(tmp_path / "app.db", 5)
    with zipfile.ZipFile(tmp_path / "backup.zip", "w") as zf:
        zf.write(tmp_path / "app.db", "device/app.db")
    good = Scanner(ScanOptions(jobs=1)).scan([str(tmp_path / "backup.zip")])
    assert not good.errors and len(good.findings) == 11
    assert good.inputs[0]["path"].endswith("backup.zip!device/app.db") and good.inputs[0]["type"] == "sqlite_db"
    raw = (tmp_path / "app.db").read_bytes()
    (tmp_path / "bad.db").write_bytes(raw[:100] + b"\xff" * (len(raw) - 100))  # header kept, pages destroyed
    bad = Scanner(ScanOptions(jobs=1)).scan([str(tmp_path / "bad.db")])
    assert len(bad.errors) == 1 and "bad.db" in bad.errors[0].path
    assert str(tmp_path) not in bad.errors[0].reason.replace(str(tmp_path / "bad.db"), "")
