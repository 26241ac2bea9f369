"""Dump throughput with column attribution: generate a realistic mysqldump (MariaDB extended-insert, one row
per line) and a pg_dump (COPY) in the exact formats, scan each single-core, print MB/s and peak RSS.

Mix per dump (by bytes, roughly): users with ID/mobile/bank card in every row (~15%), orders with 20-digit
order numbers that reach stage 2 but are not PI (~35%), events without PI (~50%). Peak RSS is measured in a
fresh child process per dump.

    PYTHONPATH=src python benchmarks/bench_dumps.py --mb 300 [--jobs 1 2] [--dir DIR]

``--jobs N`` (N > 1) runs the CLI with ``--jobs N``: a dump is then split into ranges scanned by N processes
(CLI default listing cap; one core is the issue's target, the in-process line is always one job).
``--oracle`` also writes and scans the same mysqldump in Oracle MySQL's layout: every row of an extended
INSERT on one line (``),(`` between rows), as Oracle MySQL's mysqldump writes it.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

from piscan.detection.validators import cn_resident_id, luhn


def _id(rng: random.Random) -> str:
    body = f"{rng.choice(['110105', '310101', '440305'])}{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}" \
           f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + cn_resident_id.calc_check_digit(body)


def _card(rng: random.Random) -> str:
    body = "622202" + "".join(str(rng.randint(0, 9)) for _ in range(12))
    return body + luhn.calc_check_digit(body)


def rows(rng: random.Random, table: str, n: int, start: int):
    for i in range(start, start + n):
        if table == "users":
            yield [i, f"用户{i}", _id(rng), f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
                   _card(rng),
                   "北京市朝阳区某某路" + str(i), None if i % 3 else "VIP"]
        elif table == "orders":
            yield [i, f"2023{rng.randint(10**15, 10**16 - 1)}", rng.randint(1, 10**6),
                   f"{rng.random() * 1000:.2f}",
                   "2023-05-01 12:00:00", None if i % 4 else "gift"]
        else:
            yield [i, "page_view", f"/product/{rng.randint(1, 99999)}?ref=home&utm=abc",
                   "Mozilla/5.0 (X11; Linux)",
                   "2023-05-01 12:00:00"]


COLS = {"users": ["id", "name", "id_card", "mobile", "bank_card", "address", "level"],
        "orders": ["id", "order_no", "user_id", "amount", "created_at", "remark"],
        "events": ["id", "kind", "url", "agent", "ts"]}
MIX = [("users", 0.15), ("orders", 0.35), ("events", 0.50)]


def _my(v) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("\\", "\\\\").replace("'", "\\'") + "'"


def _pg(v) -> str:
    return "\\N" if v is None else str(v)


def write_mysql(path: str, mb: int, oracle: bool = False) -> None:
    """A mysqldump of about ``mb`` MB: MariaDB's layout (one row per line), or with ``oracle`` Oracle
    MySQL's (all rows of a statement on one line)."""
    rng = random.Random(1)
    between = "," if oracle else ",\n"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("-- MySQL dump 10.13  Distrib 8.0.36\n" if oracle else
                 "-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB\n")
        for table, share in MIX:
            cols = ",\n".join(f"  `{c}` varchar(255) DEFAULT NULL" for c in COLS[table])
            fh.write(f"CREATE TABLE `{table}` (\n{cols},\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n")
            target = fh.tell() + int(mb * share * 1e6)
            i = 1
            while fh.tell() < target:
                batch = list(rows(rng, table, 2000, i))
                i += 2000
                fh.write(f"INSERT INTO `{table}` VALUES " +
                         between.join("(" + ",".join(_my(v) for v in r) + ")" for r in batch) + ";\n")


def write_pg(path: str, mb: int) -> None:
    rng = random.Random(2)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("--\n-- PostgreSQL database dump\n--\n")
        for table, share in MIX:
            cols = ",\n".join(f"    {c} text" for c in COLS[table])
            fh.write(f"CREATE TABLE public.{table} (\n{cols}\n);\n\n")
            fh.write(f"COPY public.{table} ({', '.join(COLS[table])}) FROM stdin;\n")
            target = fh.tell() + int(mb * share * 1e6)
            i = 1
            while fh.tell() < target:
                fh.write("".join("\t".join(_pg(v) for v in r) + "\n" for r in rows(rng, table, 2000, i)))
                i += 2000
            fh.write("\\.\n\n")


def child(path: str) -> None:
    from piscan.cli import tune_gc
    from piscan.scanner import Scanner, ScanOptions

    tune_gc()  # as the CLI does (the default collector thresholds cost ~15 % here)
    size = os.path.getsize(path)
    t0 = time.perf_counter()
    r = Scanner(ScanOptions(jobs=1, max_findings_per_asset=1000)).scan([path])
    dt = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cols = len({(f.table, f.column) for f in r.findings})
    print(f"{os.path.basename(path)} in process (no start-up, no report): {size / 1e6:.0f} MB in {dt:.1f} s = "
          f"{size / 1e6 / dt:.1f} MB/s, "
          f"peak RSS {rss:.0f} MB, {len(r.findings)} findings in {cols} columns, errors {len(r.errors)}, "
          f"engine {r.engine}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=300)
    ap.add_argument("--child")
    ap.add_argument("--dir", default=tempfile.gettempdir())
    ap.add_argument("--jobs", type=int, nargs="+", default=[1])
    ap.add_argument("--oracle", action="store_true", help="also the mysqldump in Oracle MySQL's one-line layout")
    a = ap.parse_args()
    if a.child:
        child(a.child)
        return
    dumps = [("bench_mysqldump.sql", write_mysql), ("bench_pg_dump.sql", write_pg)]
    if a.oracle:
        dumps.insert(1, ("bench_mysqldump_oracle.sql", functools.partial(write_mysql, oracle=True)))
    for name, writer in dumps:
        path = os.path.join(a.dir, name)
        if not os.path.exists(path) or abs(os.path.getsize(path) / 1e6 - a.mb) > a.mb * 0.1:
            writer(path, a.mb)
        # the real CLI path (scan, risk rating, JSON report), in a fresh process
        env = dict(os.environ, PISCAN_FINGERPRINT_KEY="bench")
        for jobs in a.jobs:
            t0 = time.perf_counter()
            r = subprocess.run([sys.executable, "-m", "piscan.cli", "scan", path, "--format", "json", "-o",
                                os.devnull, "--jobs", str(jobs), "--fail-on", "never"], env=env, capture_output=True,
                               text=True)
            dt = time.perf_counter() - t0
            rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            size = os.path.getsize(path)
            print(f"{name} via CLI, --jobs {jobs}: {size / 1e6:.0f} MB in {dt:.1f} s = {size / 1e6 / dt:.1f} MB/s, "
                  f"peak RSS (max of one process so far) {rss:.0f} MB, exit {r.returncode}")
        subprocess.run([sys.executable, __file__, "--child", path], check=True)


if __name__ == "__main__":
    main()
