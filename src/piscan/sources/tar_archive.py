"""Tar archives (``.tar``, ``.tar.gz``/``.tgz``, ``.tar.bz2``, ``.tar.xz``, ``.tar.zst``, ``.tar.lz4``): one
input per member, ``bundle.tar.gz!logs/app.log``, as for zip archives.

Log bundles and backups travel as tarballs; before this reader a tarball was a binary file, skipped.
A compressed tarball has no index to seek in, so the archive is read once, as a stream (:mod:`tarfile`'s
``r|`` mode): each regular member is copied to a private temporary file named like the member and read
from there by the ordinary readers (:func:`piscan.sources.registry.open_readers`: a ``.gz`` member, a zip
or a workbook in the bundle, an app manifest -- judged by name and content, as any file), then deleted.
So the disk holds one member at a time, and memory stays bounded. A member's ``sha256`` is that of its
bytes in the archive (what ``tar -x`` writes), which ``piscan verify --inputs`` re-hashes by reading the
archive again (:func:`piscan.digest.sha256_member`).

A damaged or truncated archive is a scan error after the members read before the fault were scanned.
pg_dump's tar format (``-Ft``) is a tar too; it is recognised first and read as a dump.
"""

from __future__ import annotations

import os
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from piscan.sources.base import Reader, SourceError

#: archives inside archives are expanded this deep (``a.tar.gz!b.zip!c.log``); deeper ones are one member
MAX_DEPTH = 3


def _members(fh: BinaryIO) -> Iterator[tuple[tarfile.TarInfo, tarfile.TarFile]]:
    """The regular file members of the tar stream ``fh``, in archive order (``tarfile`` errors raised as
    :class:`SourceError`)."""
    try:
        with tarfile.open(fileobj=fh, mode="r|") as tf:
            for member in tf:
                if member.isfile():
                    yield member, tf
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise SourceError(f"cannot read tar archive: {type(exc).__name__}: {exc}") from None


def tar_readers(open_stream: Callable[[], BinaryIO], display_path: str, open_readers: Callable[..., Iterator[Reader]],
                options: dict[str, Any] | None, max_bytes: int | None) -> Iterator[Reader]:
    """Readers of each member of the tar stream ``open_stream()`` opens (decompressed), displayed as
    ``display_path!member``; ``open_readers`` is the registry's (passed in: it imports this module)."""
    depth = display_path.count("!")
    with tempfile.TemporaryDirectory(prefix="piscan-tar-") as tmp, open_stream() as fh:
        for member, tf in _members(fh):
            name = member.name
            # the member's own name (manifests, .gz, workbooks are judged by it) in a folder of its own
            folder = tempfile.mkdtemp(dir=tmp)
            local = os.path.join(folder, os.path.basename(name.rstrip("/")) or "member")
            try:
                src = tf.extractfile(member)
                if src is None:
                    continue
                with src, open(local, "wb") as out:
                    # past --max-file-size only one byte more is kept: the reader then reports the limit
                    limit = member.size if max_bytes is None else min(member.size, max_bytes + 1)
                    copy_bytes(src, out, limit)
            except (tarfile.TarError, EOFError, OSError) as exc:
                raise SourceError(f"cannot read tar member {name}: {type(exc).__name__}: {exc}") from None
            try:  # past the depth limit, a member is read as text (an archive in it: a binary file, skipped)
                kind = "text" if depth + 1 >= MAX_DEPTH else None
                yield from open_readers(local, f"{display_path}!{name}", kind, options, max_bytes)
            finally:
                shutil.rmtree(folder, ignore_errors=True)


def copy_bytes(src: BinaryIO, out: BinaryIO, n: int) -> None:
    """Copy exactly ``n`` bytes of ``src`` to ``out`` in 1 MiB blocks (``EOFError`` when ``src`` ends first:
    an archive member shorter than its header says)."""
    while n > 0:
        block = src.read(min(n, 1 << 20))
        if not block:
            raise EOFError("unexpected end of data")
        out.write(block)
        n -= len(block)
