"""SHA-256 of files, streamed: the input digests in reports, and ``piscan verify --inputs``."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from typing import BinaryIO

BLOCK = 8 << 20


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file, read in 8 MiB blocks (``hashlib`` releases the GIL on large blocks)."""
    with open(path, "rb") as fh:
        return sha256_stream(fh)[1]


def sha256_stream(fh: BinaryIO) -> tuple[int, str]:
    """``(size, hex SHA-256)`` of what is left to read in ``fh`` (a file, or a member of a zip archive)."""
    digest = hashlib.sha256()
    size = 0
    while block := fh.read(BLOCK):
        digest.update(block)
        size += len(block)
    return size, digest.hexdigest()


def sha256_opened(opener: Callable[[], BinaryIO]) -> tuple[int, str]:
    """``(size, hex SHA-256)`` of the whole stream ``opener()`` opens (a file, a zip member), closed after."""
    with opener() as fh:
        return sha256_stream(fh)


def sha256_member(path: str | os.PathLike[str], members: list[str]) -> str:
    """Hex SHA-256 of a zip member as stored in the archive ``path`` (``members``: its name, after the
    names of the zips holding it when zips are nested: ``a.zip!b.zip!c.log`` is ``["b.zip", "c.log"]``):
    the bytes ``unzip`` extracts, which is what a report's ``inputs`` record for ``a.zip!c.log``."""
    import shutil
    import tempfile
    import zipfile

    zf = zipfile.ZipFile(path)
    try:
        for name in members[:-1]:  # an inner zip, spooled to disk past 64 MiB as the scan does
            spool = tempfile.SpooledTemporaryFile(max_size=64 << 20)  # noqa: SIM115 - owned by the ZipFile
            with zf.open(name) as fh:
                shutil.copyfileobj(fh, spool, 1 << 20)
            zf.close()
            zf = zipfile.ZipFile(spool)
        with zf.open(members[-1]) as fh:
            return sha256_stream(fh)[1]
    finally:
        zf.close()
