"""Tar archives, compressed or not: one input per member (``bundle.tar.gz!logs/app.log``), each member read by
the reader its name and content call for (a ``.gz`` log, a CSV with columns, a zip in the bundle), and its
``sha256`` the member's bytes, which ``sha256_member`` (``piscan verify --inputs``) finds again. Before,
a tarball was a binary file, skipped with exit 0."""

from __future__ import annotations

import gzip
import io
import random
import tarfile
import zipfile
from pathlib import Path

import pytest

from piscan.digest import sha256_member
from piscan.scanner import Scanner, ScanOptions
from piscan.testing.generate import ValueGen


def _add(tf: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tf.addfile(info, io.BytesIO(data))


def _bundle(path: Path, mode: str, values: list[str]) -> None:
    phone, rid, card, phone2 = values
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("deep/x.log", f"bind card={card}\n")
    with tarfile.open(path, mode) as tf:
        d = tarfile.TarInfo("logs")
        d.type = tarfile.DIRTYPE
        tf.addfile(d)
        _add(tf, "logs/app.log", f"2026-11-28 10:00:00 INFO 注册 mobile={phone}\n".encode())
        _add(tf, "logs/app.log.1.gz", gzip.compress(f"实名 身份证号 {rid}\n".encode(), mtime=0))
        _add(tf, "exports/users.csv", f"name,手机号\n张三,{phone2}\n".encode())
        _add(tf, "old.zip", inner.getvalue())
        link = tarfile.TarInfo("logs/current.log")
        link.type = tarfile.SYMTYPE
        link.linkname = "app.log"
        tf.addfile(link)


@pytest.mark.parametrize(("name", "mode"), [("bundle.tar.gz", "w:gz"), ("bundle.tar", "w"),
                                           ("bundle.tar.xz", "w:xz"), ("bundle.tgz", "w:gz")])
def test_tar_members_are_inputs_read_by_their_own_readers(tmp_path, name, mode):
    v = ValueGen(random.Random(len(name)))
    values = [v.mobile(), v.resident_id(), v.card(), v.mobile()]
    path = tmp_path / name
    _bundle(path, mode, values)
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(path)])
    assert not r.errors, r.errors
    got = {(f.path.replace(str(tmp_path) + "/", ""), f.column, f.value) for f in r.findings}
    assert got == {(f"{name}!logs/app.log", None, values[0]), (f"{name}!logs/app.log.1.gz", None, values[1]),
                   (f"{name}!old.zip!deep/x.log", None, values[2]), (f"{name}!exports/users.csv", "手机号", values[3])}
    inputs = {i["path"].replace(str(tmp_path) + "/", ""): i for i in r.inputs}
    assert inputs[f"{name}!exports/users.csv"]["type"] == "csv"
    # what verify --inputs re-hashes: the member's bytes in the archive (the .gz member as stored)
    for shown, entry in inputs.items():
        archive, *members = shown.split("!")
        assert sha256_member(tmp_path / archive, members) == entry["sha256"], shown
    assert inputs[f"{name}!logs/app.log.1.gz"]["content_sha256"] != inputs[f"{name}!logs/app.log.1.gz"]["sha256"]


def test_tarball_inside_a_zip(tmp_path):
    v = ValueGen(random.Random(9))
    values = [v.mobile(), v.resident_id(), v.card(), v.mobile()]
    _bundle(tmp_path / "b.tar.gz", "w:gz", values)
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as zf:
        zf.write(tmp_path / "b.tar.gz", "2026-11/b.tar.gz")
    (tmp_path / "b.tar.gz").unlink()
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(tmp_path / "export.zip")])
    assert not r.errors, r.errors
    shown = "export.zip!2026-11/b.tar.gz!logs/app.log"
    assert {(f.path.replace(str(tmp_path) + "/", ""), f.value) for f in r.findings} >= {(shown, values[0])}
    assert len(r.findings) == 4
    entry = next(i for i in r.inputs if i["path"].endswith(shown))
    assert sha256_member(tmp_path / "export.zip", ["2026-11/b.tar.gz", "logs/app.log"]) == entry["sha256"]


def test_truncated_tarball_is_a_scan_error_after_the_members_before_the_cut(tmp_path):
    v = ValueGen(random.Random(3))
    phones = [v.mobile() for _ in range(3)]
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tf:
        for i, p in enumerate(phones):
            _add(tf, f"d{i}.log", (f"mobile={p}\n" + "x" * 5000 + "\n").encode())
    data = gzip.compress(raw.getvalue(), mtime=0)
    with tarfile.open(fileobj=io.BytesIO(raw.getvalue())) as whole:
        third = whole.getmember("d2.log").offset_data  # cut inside the third member's data
    cut = gzip.compress(raw.getvalue()[:third + 100], mtime=0)
    (tmp_path / "cut.tar.gz").write_bytes(cut)
    (tmp_path / "ok.tar.gz").write_bytes(data)
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(tmp_path / "cut.tar.gz")])
    assert len(r.errors) == 1 and "cut.tar.gz" in r.errors[0].path and "tar" in r.errors[0].reason
    assert sorted(f.value for f in r.findings) == sorted(phones[:2])
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(tmp_path / "ok.tar.gz")])
    assert not r.errors and sorted(f.value for f in r.findings) == sorted(phones)


def test_pg_dump_tar_archives_stay_dumps(tmp_path):
    """pg_dump -Ft writes a tar whose first member is toc.dat: it is a dump, not a bundle of files."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tf:
        _add(tf, "toc.dat", b"PGDMP" + b"\x01" * 600)
    from piscan.sources.registry import is_tar

    assert not is_tar(raw.getvalue()[:1024])
    plain = io.BytesIO()
    with tarfile.open(fileobj=plain, mode="w") as tf:
        _add(tf, "a.log", b"x")
    assert is_tar(plain.getvalue()[:1024])
