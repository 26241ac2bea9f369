"""``--jobs N`` on a folder of many small files: batches of whole files scanned by worker processes give
exactly the serial scan (findings, listing, assets, counts, inputs, errors, progress), for every kind of
input a folder holds: logs, a GBK log, gzip, a zip archive, CSV, JSON, JSON Lines, a SQL dump, a
truncated gzip (a scan error) and a binary file."""

from __future__ import annotations

import gzip
import random
import zipfile
from pathlib import Path

import pytest

import piscan.scanner as scanner_mod
from piscan.scanner import Scanner, ScanOptions
from piscan.testing.generate import ValueGen
from piscan.testing.reports import scan_state


def _folder(root: Path) -> int:
    v = ValueGen(random.Random(4))
    n = 0
    for d in range(3):
        sub = root / f"d{d}"
        sub.mkdir()
        for k in range(14):
            lines = [f"2026-11-28 10:00:{k:02d} INFO user {v.mobile()} id {v.resident_id()} card {v.card()}",
                     f"order_no={v.mobile()}{k} ok", "nothing here", f"masked 138****{k:04d}"]
            (sub / f"app{k:02d}.log").write_text("\n".join(lines * (1 + k % 3)) + "\n", encoding="utf-8")
            n += 1
    (root / "gbk.log").write_bytes(f"手机号码 {v.mobile()} 已登记\n".encode("gb18030") * 3)
    (root / "a.log.gz").write_bytes(gzip.compress(f"tel {v.mobile()}\n".encode() * 5))
    (root / "bad.log.gz").write_bytes(gzip.compress(f"tel {v.mobile()}\n".encode() * 500)[:-40])
    with zipfile.ZipFile(root / "logs.zip", "w") as z:
        z.writestr("inner/a.log", f"身份证 {v.resident_id()}\n")
        z.writestr("inner/b.csv", f"name,phone\n张三,{v.mobile()}\n")
    (root / "users.csv").write_text("id,mobile,id_card\n" + "".join(
        f"{i},{v.mobile()},{v.resident_id()}\n" for i in range(30)), encoding="utf-8")
    (root / "doc.json").write_text(f'{{"profile": {{"phone": "{v.mobile()}"}}}}', encoding="utf-8")
    (root / "events.jsonl").write_text("".join(
        f'{{"uid": {i}, "mobile": "{v.mobile()}"}}\n' for i in range(12)), encoding="utf-8")
    (root / "dump.sql").write_text(
        "-- MySQL dump 10.13\nCREATE TABLE `u` (\n  `id` int NOT NULL,\n  `tel` varchar(20)\n);\n"
        "INSERT INTO `u` VALUES " + ",".join(f"({i},'{v.mobile()}')" for i in range(40)) + ";\n",
        encoding="utf-8")
    (root / "blob.bin").write_bytes(bytes(range(256)) * 8)
    return n + 9


def _report(root: Path, jobs: int, cap: int) -> dict:
    seen: list[tuple[str, int]] = []
    r = Scanner(ScanOptions(jobs=jobs, max_findings_per_asset=cap, parallel_min_run_bytes=1,
                            progress=lambda d, n: seen.append((d, n)))).scan([str(root)])
    return {**scan_state(r), "progress": seen}


@pytest.mark.parametrize("cap", [2, 0])
def test_folder_scanned_by_workers_equals_the_serial_scan(tmp_path, monkeypatch, cap):
    files = _folder(tmp_path)
    batches: list[int] = []
    parallel_files = scanner_mod.Scanner._scan_files_parallel

    def counting(self, run, result):
        batches.append(len(run))
        return parallel_files(self, run, result)

    monkeypatch.setattr(scanner_mod.Scanner, "_scan_files_parallel", counting)
    serial = _report(tmp_path, 1, cap)
    assert not batches
    parallel = _report(tmp_path, 2, cap)
    assert batches == [files], "the folder was not scanned by the workers"
    assert parallel == serial
    assert any(e["path"] == "bad.log.gz" for e in serial["errors"])
    assert {i["path"] for i in serial["inputs"]} >= {"logs.zip!inner/a.log", "dump.sql", "gbk.log"}
    assert len(serial["progress"]) == files


def test_few_or_small_files_stay_in_process(tmp_path, monkeypatch):
    for k in range(3):
        (tmp_path / f"f{k}.log").write_text(f"tel 1381234567{k}\n", encoding="utf-8")
    monkeypatch.setattr(scanner_mod.Scanner, "_scan_files_parallel",
                        lambda *a: pytest.fail("the files went to the workers"))
    r = Scanner(ScanOptions(jobs=2, parallel_min_run_bytes=1)).scan([str(tmp_path)])
    assert len(r.findings) == 3  # three files: fewer than parallel_min_files
    for k in range(3, 12):
        (tmp_path / f"f{k}.log").write_text(f"tel 138123456{k:02d}\n", encoding="utf-8")
    r = Scanner(ScanOptions(jobs=2)).scan([str(tmp_path)])
    assert len(r.findings) == 12  # twelve files of a few bytes: less than parallel_min_run_bytes


def test_jobs_default_to_the_cpus_this_process_may_use(monkeypatch):
    monkeypatch.setattr(scanner_mod.os, "sched_getaffinity", lambda pid: {0, 3}, raising=False)
    assert scanner_mod.usable_cpus() == 2
