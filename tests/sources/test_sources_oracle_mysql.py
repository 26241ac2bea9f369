"""Oracle MySQL's mysqldump writes all rows of an extended INSERT on one line: column attribution and
offsets must hold, and time must stay linear in the line length (it was quadratic)."""

from __future__ import annotations

import random
import time

from piscan.scanner import Scanner, ScanOptions
from piscan.testing.generate import ValueGen


def _dump(path, n: int) -> list[tuple[str, str]]:
    v = ValueGen(random.Random(n))
    rows, values = [], []
    for i in range(n):
        rid, phone = v.resident_id(), v.mobile()
        values.append((rid, phone))
        rows.append(f"({i},'用户{i}','{rid}','{phone}')")
    path.write_text(
        "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n"
        "CREATE TABLE `users` (\n  `id` int NOT NULL,\n  `name` varchar(32),\n  `id_card` varchar(18),\n"
        "  `phone` varchar(11),\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n"
        "INSERT INTO `users` VALUES " + ",".join(rows) + ";\n", encoding="utf-8")
    return values


def _scan(path):
    t0 = time.perf_counter()
    r = Scanner(ScanOptions(jobs=1)).scan([str(path)])
    return r, time.perf_counter() - t0


def test_single_line_extended_insert(tmp_path):
    small, big = tmp_path / "small.sql", tmp_path / "big.sql"
    _dump(small, 2000)
    values = _dump(big, 8000)
    _r_small, t_small = _scan(small)
    r_big, t_big = _scan(big)
    ids = [f for f in r_big.findings if f.column == "id_card" and f.entity_type == "CN_RESIDENT_ID"
           and f.rule_id == "CNPI001"]
    phones = [f for f in r_big.findings if f.column == "phone"]
    assert len(ids) == len(phones) == 8000 and not r_big.errors
    line = big.read_text(encoding="utf-8").splitlines()[ids[0].line - 1]
    for f, (rid, _phone) in zip(ids[:50] + ids[-50:], values[:50] + values[-50:], strict=True):
        assert line[f.start:f.end] == rid and f.table == "users" and f.row is not None
    for f, (_rid, phone) in zip(phones[-50:], values[-50:], strict=True):
        assert line[f.start:f.end] == phone
    # 4x the rows on one line: linear time is ~4x; quadratic was ~16x
    assert t_big < 8 * max(t_small, 0.05), (t_small, t_big)
