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
    """Hex SHA-256 of a member as stored in the archive ``path``, a zip or a tar (compressed or not)
    (``members``: its name, after the names of the archives holding it when archives are nested:
    ``a.zip!b.tar.gz!c.log`` is ``["b.tar.gz", "c.log"]``): the bytes ``unzip`` or ``tar -x`` extracts,
    which is what a report's ``inputs`` record for ``a.zip!c.log``."""
    import shutil
    import tempfile

    src: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed below
    try:
        for name in members[:-1]:  # an inner archive, spooled to disk past 64 MiB as the scan does
            spool = tempfile.SpooledTemporaryFile(max_size=64 << 20)  # noqa: SIM115 - closed below
            with _open_member(src, name) as fh:
                shutil.copyfileobj(fh, spool, 1 << 20)
            spool.seek(0)
            src.close()
            src = spool  # type: ignore[assignment]
        with _open_member(src, members[-1]) as fh:
            return sha256_stream(fh)[1]
    finally:
        src.close()


def _open_member(fh: BinaryIO, name: str) -> BinaryIO:
    """The stored bytes of member ``name`` of the zip or tar archive open in ``fh`` (``KeyError``: none)."""
    import tarfile
    import zipfile

    from piscan.sources.compressed import STREAMS, decompress_stream, sniff_compression

    comp = sniff_compression(fh.read(8))
    fh.seek(0)
    if comp == "zip":
        from piscan.sources.compressed import fix_zip_names

        return fix_zip_names(zipfile.ZipFile(fh)).open(name)  # type: ignore[no-any-return]
    tf = tarfile.open(fileobj=decompress_stream(fh, comp) if comp in STREAMS else fh, mode="r|")  # noqa: SIM115
    for member in tf:
        if member.name == name and member.isfile():
            out = tf.extractfile(member)
            if out is not None:
                return out  # type: ignore[return-value]
    raise KeyError(f"no member {name!r}")
