"""Re-hash the inputs a report names (``piscan verify --inputs PATH``)."""

from __future__ import annotations

import os
import tarfile
import zipfile
from typing import Any

from piscan.digest import sha256_file, sha256_member
from piscan.signing.sign import Verification


def _locate(base: str, name: str) -> str | None:
    for cand in (os.path.join(base, name), os.path.join(base, os.path.basename(name))):
        if os.path.isfile(cand):
            return cand
    return None


def check(report: dict[str, Any], base: str, v: Verification) -> None:
    """Compare each input's recorded sha256 with the file under ``base`` (a folder, or the single file)."""
    inputs = [i for i in report.get("inputs") or [] if isinstance(i, dict)]
    single = os.path.isfile(base)
    for entry in inputs:
        name, want = str(entry.get("path")), entry.get("sha256")
        if not want:
            v.held.append(f"input {name!r}: no file hash recorded (live source: "
                          f"{entry.get('rows_scanned', '?')} rows), not re-hashed")
            continue
        # an archive member: "a.zip!dir/m.log", "b.tar.gz!logs/m.log", nested "a.zip!b.zip!m.log"
        archive, *members = name.split("!")
        if single and (len(inputs) == 1 or os.path.basename(archive) == os.path.basename(base)):
            path: str | None = base
        else:
            path = _locate(base, archive if members else name)
        if path is None:
            v.fail(f"input {name!r}: not found under {base}")
            continue
        try:
            got = sha256_member(path, members) if members else sha256_file(path)
        except (OSError, EOFError, KeyError, zipfile.BadZipFile, tarfile.TarError) as exc:
            v.fail(f"input {name!r}: cannot read it in {path}: {exc}")
            continue
        if got == want:
            v.held.append(f"input {name!r}: sha256 matches")
        else:
            v.fail(f"input {name!r}: sha256 differs (report {want[:16]}…, file {got[:16]}…)")
        _check_data_files(entry, name, path, v)


def _check_data_files(entry: dict[str, Any], name: str, path: str, v: Verification) -> None:
    """A pg_dump directory archive (its ``toc.dat`` is the input): the data files read beside it."""
    files = entry.get("data_files")
    if not isinstance(files, dict) or "!" in name:
        return
    folder = os.path.dirname(path)
    for fname, meta in sorted(files.items()):
        want = meta.get("sha256") if isinstance(meta, dict) else None
        fpath = os.path.join(folder, os.path.basename(str(fname)))
        if not want:
            continue
        if not os.path.isfile(fpath):
            v.fail(f"input {name!r}: data file {fname!r} not found beside it")
        elif sha256_file(fpath) == want:
            v.held.append(f"input {name!r}: data file {fname!r} sha256 matches")
        else:
            v.fail(f"input {name!r}: data file {fname!r} sha256 differs")
