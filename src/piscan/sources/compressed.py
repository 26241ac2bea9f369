"""Transparent decompression: ``.gz``, ``.bz2``, ``.xz``, ``.zst``, ``.lz4`` streams and ``.zip`` members.

Compression is recognised by magic bytes (the extension only names the inner file), so a ``.log`` that is
really gzip is still read. Library choice: the standard library covers gzip/bz2/xz/zip; ``zstandard`` is the
reference binding of libzstd (one small wheel) and streams with bounded memory; ``lz4`` is the maintained
binding of liblz4 (LZ4 frame files: ``logrotate`` with ``compresscmd lz4``, pg_dump 16+ ``-Z lz4``).
"""

from __future__ import annotations

import bz2
import gzip
import lzma
from typing import Any, BinaryIO

MAGIC = {
    b"\x1f\x8b": "gz",
    b"BZh": "bz2",
    b"\xfd7zXZ\x00": "xz",
    b"\x28\xb5\x2f\xfd": "zst",
    b"\x04\x22\x4d\x18": "lz4",
    b"PK\x03\x04": "zip",
}
EXTENSIONS = {".gz": "gz", ".tgz": "gz", ".bz2": "bz2", ".xz": "xz", ".zst": "zst", ".lz4": "lz4", ".zip": "zip"}
#: the stream compressions (a zip is an archive of members, not a stream)
STREAMS = ("gz", "bz2", "xz", "zst", "lz4")


def fix_zip_names(zf: Any) -> Any:
    """Give the members of ``zf`` (a :class:`zipfile.ZipFile`) their names as written by a Chinese Windows
    zipper: names without the UTF-8 flag are GBK bytes, which :mod:`zipfile` decodes as CP437
    (``客户信息.csv`` shown as ``┐═╗º╨┼╧ó.csv``). A name is renamed only when its bytes decode as GB18030
    into text with a CJK character (a CP437 name such as ``café`` stays). Returns ``zf``.

    >>> import io, zipfile
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as z:
    ...     z.writestr("abcdefgh.csv", "tel")
    >>> gbk = buf.getvalue().replace(b"abcdefgh", "客户信息".encode("gbk"))  # the same length, no UTF-8 flag
    >>> zipfile.ZipFile(io.BytesIO(gbk)).namelist()
    ['┐═╗º╨┼╧ó.csv']
    >>> z = fix_zip_names(zipfile.ZipFile(io.BytesIO(gbk)))
    >>> z.namelist(), z.read("客户信息.csv")
    (['客户信息.csv'], b'tel')
    """
    for info in zf.infolist():
        name = info.filename
        if info.flag_bits & 0x800 or name.isascii():
            continue
        try:
            fixed = name.encode("cp437").decode("gb18030")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != name and any("\u4e00" <= c <= "\u9fff" for c in fixed):
            zf.NameToInfo.pop(name, None)
            info.filename = fixed
            zf.NameToInfo[fixed] = info
    return zf


def sniff_compression(head: bytes) -> str | None:
    for magic, kind in MAGIC.items():
        if head.startswith(magic):
            return kind
    return None


def compression_of(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            return sniff_compression(fh.read(8))
    except OSError:
        return None


def inner_name(name: str) -> str:
    """``dump.sql.gz`` -> ``dump.sql`` (the name the inner stream is judged by)."""
    low = name.lower()
    for ext in EXTENSIONS:
        if low.endswith(ext) and ext != ".zip":
            return name[: -len(ext)]
    return name


class _Checked:
    """A decompressing stream whose damaged-data errors are :class:`OSError`: each library has its own
    (``zlib.error``, ``lzma.LZMAError``, ``zstandard.ZstdError``, lz4's ``RuntimeError``), none of which the
    readers knew, so a corrupt ``.gz`` or ``.zst`` stopped the scan with a traceback. A truncated stream
    still raises :class:`EOFError`; everything else is the inner stream's."""

    def __init__(self, fh: Any, kind: str) -> None:
        self._fh = fh
        self._kind = kind
        self._fault: BaseException | None = None  # met while reading ahead: raised by the next read

    def _call(self, method: Any, *args: Any) -> Any:
        try:
            return method(*args)
        except (OSError, EOFError):
            raise
        except Exception as exc:
            raise OSError(f"damaged {self._kind} data: {exc}") from None

    def read(self, n: int = -1) -> bytes:
        """Up to ``n`` bytes (all with ``n < 0``), read in 64 KiB pieces: when the data ends early or is
        damaged, the bytes decompressed before the fault are returned first and the fault is raised by
        the next read (one read of a whole block would drop them: a small truncated .gz lost everything)."""
        if self._fault is not None:
            fault, self._fault = self._fault, None
            raise fault
        pieces: list[bytes] = []
        got = 0
        # read1: at most one read of the compressed data (a buffered read of 64 KiB would drop the pieces it
        # already holds when the data ends inside it)
        read = getattr(self._fh, "read1", self._fh.read)
        try:
            while n < 0 or got < n:
                piece = self._call(read, 65536 if n < 0 else min(65536, n - got))
                if not piece:
                    break
                pieces.append(piece)
                got += len(piece)
        except (OSError, EOFError) as exc:
            if not pieces:
                raise
            self._fault = exc
        return b"".join(pieces)

    def readinto(self, b: Any) -> int:
        return self._call(self._fh.readinto, b)  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fh, name)

    def __enter__(self) -> _Checked:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()


def open_decompressed(path: str, kind: str) -> BinaryIO:
    """A binary stream of the decompressed content of ``path`` (``kind`` from :func:`sniff_compression`)."""
    return _Checked(_open_decompressed(path, kind), kind)  # type: ignore[return-value]


def _open_decompressed(path: str, kind: str) -> Any:
    if kind == "gz":
        return gzip.open(path, "rb")
    if kind == "bz2":
        return bz2.open(path, "rb")
    if kind == "xz":
        return lzma.open(path, "rb")
    if kind == "zst":
        import zstandard

        fh = open(path, "rb")  # noqa: SIM115 - owned by the returned reader
        return zstandard.ZstdDecompressor().stream_reader(fh, closefd=True)
    if kind == "lz4":
        import lz4.frame

        return lz4.frame.open(path, "rb")  # type: ignore[return-value]
    raise ValueError(f"not a stream compression: {kind}")


class SizeLimited:
    """A read-only binary stream that ends the scan of an input once ``limit`` bytes have come out of it
    (``--max-file-size`` for what a compressed file or zip member expands to: the size on disk says
    little about a 1 MB gzip of 5 GB). Reads return bytes up to the limit; the next read raises
    :class:`SourceError`, so what came before is still scanned."""

    def __init__(self, fh: BinaryIO, limit: int) -> None:
        self._fh = fh
        self._limit = limit
        self._total = 0

    def read(self, n: int = -1) -> bytes:
        from piscan.sources.base import SourceError

        room = self._limit - self._total
        if room <= 0:
            if self._fh.read(1):
                raise SourceError(f"decompressed content larger than --max-file-size ({self._limit} bytes): "
                                  "scanned up to there, the rest skipped", kind="skipped")
            return b""
        data = self._fh.read(room if n is None or n < 0 else min(n, room))
        self._total += len(data)
        return data

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> SizeLimited:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def decompress_stream(fh: BinaryIO, kind: str) -> BinaryIO:
    """A binary stream of the decompressed content of the open stream ``fh`` (a zip member, say)."""
    return _Checked(_decompress_stream(fh, kind), kind)  # type: ignore[return-value]


def _decompress_stream(fh: BinaryIO, kind: str) -> Any:
    if kind == "gz":
        return gzip.GzipFile(fileobj=fh, mode="rb")
    if kind == "bz2":
        return bz2.BZ2File(fh, "rb")
    if kind == "xz":
        return lzma.LZMAFile(fh, "rb")
    if kind == "zst":
        import zstandard

        return zstandard.ZstdDecompressor().stream_reader(fh, closefd=True)
    if kind == "lz4":
        import lz4.frame

        return lz4.frame.LZ4FrameFile(fh, "rb")  # type: ignore[return-value]
    raise ValueError(f"not a stream compression: {kind}")

