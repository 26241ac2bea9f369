"""PostgreSQL ``pg_dump`` archives -- custom (``-Fc``, the format most backups use), directory (``-Fd``) and
tar (``-Ft``) -- read as the plain format the :class:`~piscan.sources.pg_dump.PgDumpReader` parses, so every
value is attributed to its table and column exactly as in a plain dump.

An archive is a header, a table of contents (TOC) and the data of its ``TABLE DATA`` entries: rows in the
text format of ``COPY`` (or ``INSERT`` statements for a dump made with ``--inserts``), per entry compressed
with gzip (zlib), lz4 or zstd or not at all. The layout is PostgreSQL's (``src/bin/pg_dump``:
``pg_backup_archiver.c`` ``ReadHead``/``ReadToc``, ``pg_backup_custom.c``, ``pg_backup_directory.c``,
``pg_backup_tar.c``), archive versions 1.12 (pg_dump 9.0) to 1.16 (pg_dump 17 and later):

* integers: a sign byte, then ``int_size`` bytes little-endian; strings: an integer length (``-1``: NULL),
  then the bytes; offsets: a state byte, then ``off_size`` bytes;
* header: ``PGDMP``, version (3 bytes), ``int_size``, ``off_size``, format (1 custom, 3 tar, 5 directory),
  the compression (an integer level before 1.15, an algorithm byte from 1.15: 0 none, 1 gzip, 2 lz4,
  3 zstd), the creation time (7 integers), database name, server and pg_dump versions;
* TOC entry: dump id, had-dumper, table oid, oid, tag, desc, section, definition, drop statement, COPY
  statement, schema, tablespace, table access method (1.14+), relkind (1.16+), owner, with-oids, the
  dependency ids (strings up to a NULL), then the format's own field: the data offset (custom) or the
  data file name (directory, tar);
* custom-format data, after the TOC: per entry a block type byte (1 table data, 3 large objects), the dump
  id, then chunks (an integer length, the bytes) up to a zero length; large objects are an oid and their
  chunks, up to oid 0. Blocks are read in file order, so archives written to a pipe (no offsets) work too;
* directory format: ``toc.dat`` plus a file per entry (``3344.dat``, ``3344.dat.gz`` …) beside it;
* tar format: a tar of ``toc.dat``, the entries' ``NNNN.dat`` files and ``restore.sql``.

The text handed to the pg_dump reader is, in this order: the archive's ``SET`` statements for encoding,
``standard_conforming_strings`` and search path; each table's ``CREATE TABLE`` (column names for INSERT
data without a column list); then per ``TABLE DATA`` entry in archive order its ``COPY … FROM stdin;``,
its rows and ``\\.``. A finding's ``line`` counts lines in that text (the rows of each table are
consecutive, as ``pg_restore --data-only -f -`` prints them); ``table``, ``column`` and ``row`` are what a
finding in the archive is located by. The data is transcoded to UTF-8 from the archive's encoding. Large
objects are the rows of a pseudo-table ``pg_catalog.pg_largeobject`` (``loid`` its key, so a finding's
``row`` is the object's oid; ``data`` their bytes), as the plain format's ``lowrite`` calls are read.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import tarfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, BinaryIO

from piscan.digest import sha256_opened
from piscan.sources.base import SourceError
from piscan.sources.pg_dump import PgDumpReader
from piscan.sources.sql_dump import LARGE_OBJECTS as LARGE_OBJECTS_TABLE

MAGIC = b"PGDMP"
MIN_VERSION = (1, 12)  # pg_dump 9.0
MAX_VERSION = (1, 16)  # pg_dump 17 to 19 write 1.16.0; 1.16.x revisions keep the layout
FORMATS = {1: "custom", 3: "tar", 5: "directory"}  # (a directory archive's toc.dat says 3 too)
COMPRESSION = {0: None, 1: "gzip", 2: "lz4", 3: "zstd"}
BLK_DATA, BLK_BLOBS = 1, 3
#: PostgreSQL server encodings -> Python codecs (the archive's ``ENCODING`` entry names one); another
#: encoding is read as UTF-8 with invalid bytes replaced
ENCODINGS = {"UTF8": "utf-8", "SQL_ASCII": "utf-8", "EUC_CN": "gb2312", "GBK": "gbk", "GB18030": "gb18030",
             "BIG5": "big5", "LATIN1": "latin-1", "WIN1252": "cp1252", "EUC_JP": "euc_jp", "EUC_KR": "euc_kr",
             "SJIS": "shift_jis"}


class _In:
    """The archive's integers, strings and offsets over a binary stream, read through a buffer of its own
    (an uncompressed archive holds a chunk per row: two small reads each cost more than the row's scan);
    a short read is a truncated archive."""

    BUFFER = 1 << 18

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.int_size = 4
        self.off_size = 8
        self._buf = b""
        self._pos = 0

    def read(self, n: int) -> bytes:
        """Up to ``n`` bytes (fewer only at the end of the stream)."""
        buf, pos = self._buf, self._pos
        if pos + n <= len(buf):
            self._pos = pos + n
            return buf[pos:pos + n]
        out = buf[pos:]
        more = self.fh.read(max(n - len(out), self.BUFFER))
        if len(more) >= n - len(out):
            take = n - len(out)
            self._buf, self._pos = more, take
            return out + more[:take]
        self._buf, self._pos = b"", 0
        return out + more

    def bytes(self, n: int) -> bytes:
        b = self.read(n)
        if len(b) != n:
            raise SourceError("pg_dump archive truncated (ends inside its table of contents or data)")
        return b

    def byte(self) -> int:
        return self.bytes(1)[0]

    def int(self) -> int:
        b = self.bytes(1 + self.int_size)
        value = int.from_bytes(b[1:], "little")
        return -value if b[0] else value

    def str(self) -> str | None:
        n = self.int()
        if n < 0:
            return None
        if n > 1 << 30:
            raise SourceError(f"pg_dump archive damaged (a string of {n} bytes in its table of contents)")
        return self.bytes(n).decode("latin-1")  # as bytes: _Layout decodes them in the archive's encoding

    def offset(self) -> int:
        state = self.byte()
        self.bytes(self.off_size)
        return state


@dataclass(slots=True)
class Header:
    version: tuple[int, int, int]
    format: str
    compression: str | None


@dataclass(slots=True)
class TocEntry:
    dump_id: int
    desc: str
    tag: str
    namespace: str
    defn: str
    copy_stmt: str
    filename: str | None  # directory and tar formats: the entry's data file


def read_header(inp: _In) -> Header:
    if inp.read(5) != MAGIC:
        raise SourceError("not a pg_dump archive (no PGDMP header)")
    version = (inp.byte(), inp.byte(), inp.byte())
    if not MIN_VERSION <= version[:2] <= MAX_VERSION:
        raise SourceError(f"pg_dump archive version {'.'.join(map(str, version))} is not supported "
                          f"(piscan reads 1.12 to 1.16: pg_dump 9.0 and later)")
    inp.int_size, inp.off_size = inp.byte(), inp.byte()
    if not (1 <= inp.int_size <= 8 and 1 <= inp.off_size <= 16):
        raise SourceError("pg_dump archive damaged (impossible integer sizes in its header)")
    fmt = inp.byte()
    if fmt not in FORMATS:
        raise SourceError(f"pg_dump archive of format {fmt} is not supported (custom, directory or tar)")
    if version[:2] >= (1, 15):
        algorithm = inp.byte()
        if algorithm not in COMPRESSION:
            raise SourceError(f"pg_dump archive compressed with unknown algorithm {algorithm}")
        compression = COMPRESSION[algorithm]
    else:
        compression = "gzip" if inp.int() != 0 else None
    for _ in range(7):  # creation time: sec, min, hour, mday, mon, year, isdst
        inp.int()
    for _ in range(3):  # database name, server version, pg_dump version
        inp.str()
    return Header(version, FORMATS[fmt], compression)


def read_toc(inp: _In, header: Header) -> list[TocEntry]:
    entries = []
    count = inp.int()
    if not 0 <= count < 1 << 26:
        raise SourceError("pg_dump archive damaged (impossible table-of-contents size)")
    v = header.version[:2]
    for _ in range(count):
        dump_id = inp.int()
        inp.int()  # had dumper
        inp.str()  # table oid
        inp.str()  # oid
        tag, desc = inp.str() or "", inp.str() or ""
        inp.int()  # section
        defn = inp.str() or ""
        inp.str()  # drop statement
        copy_stmt = inp.str() or ""
        namespace = inp.str() or ""
        inp.str()  # tablespace
        if v >= (1, 14):
            inp.str()  # table access method
        if v >= (1, 16):
            inp.int()  # relkind
        inp.str()  # owner
        inp.str()  # with oids
        while inp.str() is not None:  # dependencies
            pass
        filename = None
        if header.format == "custom":
            inp.offset()
        else:
            filename = inp.str()
        entries.append(TocEntry(dump_id, desc, tag, namespace, defn, copy_stmt, filename))
    return entries


def _decompressor(compression: str | None) -> Callable[[bytes], bytes] | None:
    """A function decompressing one entry's data stream piece by piece (``None``: stored as is)."""
    if compression is None:
        return None
    if compression == "gzip":
        return zlib.decompressobj(zlib.MAX_WBITS | 32).decompress  # zlib or gzip wrapping
    if compression == "zstd":
        import zstandard

        return zstandard.ZstdDecompressor().decompressobj().decompress
    import lz4.frame

    return lz4.frame.LZ4FrameDecompressor().decompress


def _entry_text(entry: TocEntry) -> bytes:
    """What precedes an entry's rows in the plain format: its ``COPY … FROM stdin;`` (empty for INSERT
    data)."""
    stmt = entry.copy_stmt.strip()
    return (stmt + "\n").encode("utf-8") if stmt else b""


class ArchiveText(io.RawIOBase):
    """The plain-format text of an archive (see the module doc), produced while it is read."""

    def __init__(self, pieces: Iterator[bytes], close: Callable[[], None]) -> None:
        super().__init__()
        self._pieces = pieces
        self._buf = b""
        self._close = close

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not self._buf:
            piece = next(self._pieces, None)
            if piece is None:
                return 0
            self._buf = piece
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n

    def close(self) -> None:
        if not self.closed:
            self._close()
        super().close()


class _Layout:
    """Turns an archive's TOC and entry data into the plain-format text, transcoded to UTF-8."""

    def __init__(self, header: Header, entries: list[TocEntry], faults: list[str]) -> None:
        self.header = header
        self.entries = entries
        self.by_id = {e.dump_id: e for e in entries}
        self.faults = faults
        enc = next((e.defn for e in entries if e.desc == "ENCODING"), "")
        m = re.search(r"client_encoding\s*=\s*'([^']+)'", enc)
        name = m.group(1).upper() if m else "UTF8"
        self.codec = ENCODINGS.get(name, "utf-8")
        for e in entries:  # TOC strings are in the database's encoding too (a Chinese column name)
            e.tag, e.namespace, e.defn, e.copy_stmt = (self._text(e.tag), self._text(e.namespace),
                                                       self._text(e.defn), self._text(e.copy_stmt))

    def _text(self, raw: str) -> str:
        """A TOC string read as bytes (latin-1), decoded in the archive's encoding."""
        if raw.isascii():
            return raw
        return raw.encode("latin-1").decode(self.codec, "replace")

    def preamble(self) -> bytes:
        kinds = {"ENCODING", "STDSTRINGS", "SEARCHPATH"}
        lines = [f"-- PostgreSQL database dump: pg_dump {self.header.format}-format archive "
                 f"{'.'.join(map(str, self.header.version))}, read by piscan\n"]
        lines += [e.defn.strip() + "\n" for e in self.entries if e.desc in kinds and e.defn.strip()]
        keys = primary_keys(self.entries)
        lines += [with_key(e.defn, keys) for e in self.entries if e.desc == "TABLE" and e.defn.strip()]
        return "".join(lines).encode("utf-8")

    def large_object(self, oid: int | str, raw: Iterator[bytes], compression: str | None = "archive"
                     ) -> Iterator[bytes]:
        """Large object ``oid`` as a row of :data:`LARGE_OBJECTS` (its bytes as they are: a document's text
        in any encoding is still searched for digits)."""
        yield f"{oid}\t".encode("ascii", "replace")
        decompress = _decompressor(self.header.compression if compression == "archive" else compression)
        for piece in raw:
            if decompress is not None:
                piece = decompress(piece)
            yield piece.replace(b"\\", b"\\\\").replace(b"\n", b"\\n").replace(b"\r", b"\\r").replace(b"\t", b"\\t")
        yield b"\n"

    def entry(self, entry: TocEntry, raw: Iterator[bytes], compression: str | None = "archive") -> Iterator[bytes]:
        """An entry's text: its COPY statement, its data (decompressed, transcoded), the end marker.
        ``compression``: of ``raw`` when not the archive's."""
        yield _entry_text(entry)
        decompress = _decompressor(self.header.compression if compression == "archive" else compression)
        decoder = None if self.codec == "utf-8" else codecs.getincrementaldecoder(self.codec)("replace")
        last = b"\n"
        for piece in raw:
            if decompress is not None:
                piece = decompress(piece)
            if decoder is not None:
                piece = decoder.decode(piece).encode("utf-8")
            if piece:
                last = piece
                yield piece
        if decoder is not None:
            tail = decoder.decode(b"", final=True).encode("utf-8")
            if tail:
                last = tail
                yield tail
        if entry.copy_stmt.strip():
            # old archives end COPY data with the marker themselves
            yield (b"" if last.endswith(b"\n") else b"\n") + (b"" if _ends_with_marker(last) else b"\\.\n") + b"\n"
        elif not last.endswith(b"\n"):
            yield b"\n"


#: large objects are scanned as the rows of one column: one row per object, its bytes in COPY's escapes
#: (keyed by oid, so a finding's ``row`` is the object's oid: ``SELECT lo_get(oid)`` shows it)
LARGE_OBJECTS = (f"CREATE TABLE {LARGE_OBJECTS_TABLE} (loid oid PRIMARY KEY, data bytea);\n"
                 f"COPY {LARGE_OBJECTS_TABLE} (loid, data) FROM stdin;\n").encode()


_QNAME = r'(?:"(?:[^"]|"")*"|[^\s."(]+)(?:\.(?:"(?:[^"]|"")*"|[^\s."(]+))*'
_PK_CONSTRAINT = re.compile(rf"ALTER TABLE (?:ONLY )?({_QNAME})\s+ADD CONSTRAINT {_QNAME} PRIMARY KEY \(([^)]*)\)")
_CREATE_TABLE = re.compile(rf"CREATE (?:UNLOGGED )?TABLE ({_QNAME}) \(")


def primary_keys(entries: list[TocEntry]) -> dict[str, str]:
    """Table name as pg_dump writes it -> its primary-key columns, from the archive's constraints (a plain
    dump declares them after the data; an archive's TOC holds them before any data is read)."""
    keys = {}
    for e in entries:
        if e.desc == "CONSTRAINT":
            m = _PK_CONSTRAINT.match(e.defn)
            if m:
                keys[m.group(1)] = m.group(2)
    return keys


def with_key(defn: str, keys: dict[str, str]) -> str:
    """A ``CREATE TABLE`` with its primary key declared inline, so that rows are shown by key.

    >>> with_key('CREATE TABLE s.t (\\n    id integer NOT NULL,\\n    a text\\n);\\n', {"s.t": "id"})
    'CREATE TABLE s.t (\\n    id integer NOT NULL,\\n    a text\\n, PRIMARY KEY (id));\\n'
    """
    defn = defn.strip()
    m = _CREATE_TABLE.match(defn)
    cols = keys.get(m.group(1)) if m else None
    if cols and defn.endswith(");"):
        defn = f"{defn[:-2]}, PRIMARY KEY ({cols}));"
    return defn + "\n"


def _ends_with_marker(piece: bytes) -> bool:
    return piece.endswith(b"\n\\.\n") or piece == b"\\.\n"


def _chunks(inp: _In, gather: int = 1 << 18) -> Iterator[bytes]:
    """The data of one custom-format data stream (chunks up to the zero length that ends it), in pieces of
    at least ``gather`` bytes (uncompressed, pg_dump writes a chunk per row)."""
    pieces: list[bytes] = []
    size = 0
    try:
        while True:
            n = inp.int()
            if n <= 0:
                break
            piece = inp.bytes(n)
            if n >= gather and not pieces:
                yield piece
                continue
            pieces.append(piece)
            size += n
            if size >= gather:
                yield b"".join(pieces)
                pieces, size = [], 0
    except SourceError:  # a truncated archive: what was read before the cut is still scanned
        if pieces:
            yield b"".join(pieces)
        raise
    if pieces:
        yield b"".join(pieces)


def custom_text(fh: BinaryIO, faults: list[str]) -> Iterator[bytes]:
    inp = _In(fh)
    header = read_header(inp)
    if header.format != "custom":
        raise SourceError(f"a {header.format}-format pg_dump archive read as the custom format")
    layout = _Layout(header, read_toc(inp, header), faults)
    yield layout.preamble()
    while True:
        kind = inp.read(1)
        if not kind:
            break
        dump_id = inp.int()
        if kind[0] == BLK_DATA:
            entry = layout.by_id.get(dump_id)
            if entry is None:
                raise SourceError(f"pg_dump archive damaged (data block for unknown entry {dump_id})")
            yield from layout.entry(entry, _chunks(inp))
        elif kind[0] == BLK_BLOBS:  # large objects: an oid and its own data stream each, up to oid 0
            yield LARGE_OBJECTS
            oid = inp.int()
            while oid != 0:
                yield from layout.large_object(oid, _chunks(inp))
                oid = inp.int()
            yield b"\\.\n\n"
        else:
            raise SourceError(f"pg_dump archive damaged (unknown data block type {kind[0]})")


def _file_pieces(fh: BinaryIO, record: Callable[[int, str], None] | None = None,
                 size: int = 1 << 20) -> Iterator[bytes]:
    """The bytes of ``fh`` in pieces; ``record(size, sha256)`` once all were read."""
    import hashlib

    digest = hashlib.sha256()
    n = 0
    with fh:
        while piece := fh.read(size):
            digest.update(piece)
            n += len(piece)
            yield piece
    if record is not None:
        record(n, digest.hexdigest())


_DATA_FILE = re.compile(r"^\d+\.dat(?:\.gz|\.lz4|\.zst)?$|^blobs(?:_\d+)?\.toc$|^blob_\d+\.dat(?:\.gz|\.lz4|\.zst)?$")


_BLOB_FILE = re.compile(r"^blob_\d+\.dat$")


def is_directory_member(name: str) -> bool:
    """Whether ``name`` is a data file of a directory-format archive (read through its ``toc.dat``)."""
    return _DATA_FILE.match(name) is not None


def directory_text(toc: BinaryIO, folder: str | None, faults: list[str],
                   files: dict[str, dict[str, Any]] | None = None) -> Iterator[bytes]:
    """The text of a directory-format archive from its ``toc.dat`` and the data files in ``folder``;
    ``files`` receives each data file's name -> ``{size, sha256}`` as read."""
    inp = _In(toc)
    header = read_header(inp)
    layout = _Layout(header, read_toc(inp, header), faults)
    yield layout.preamble()
    if folder is None:
        faults.append("directory-format pg_dump archive read without its folder: table data not scanned")
        return
    suffix = {"gzip": ".gz", "lz4": ".lz4", "zstd": ".zst"}.get(header.compression or "", "")

    def data_file(name: str, what: str) -> tuple[Iterator[bytes], str | None] | None:
        """The pieces of a data file (``name`` or, compressed, ``name`` + suffix) and their compression."""
        path = os.path.join(folder, os.path.basename(name))
        compression = None
        if not os.path.exists(path) and suffix and os.path.exists(path + suffix):
            path, compression = path + suffix, header.compression
        try:
            fh = open(path, "rb")  # noqa: SIM115 - closed by _file_pieces
        except OSError as exc:
            faults.append(f"{name}: data file of {what} missing ({exc.strerror or exc})")
            return None
        base = os.path.basename(path)

        def record(size: int, sha: str) -> None:
            if files is not None:
                files[base] = {"size": size, "sha256": sha}

        return _file_pieces(fh, record), compression

    for entry in layout.entries:
        if not entry.filename:
            continue
        if entry.desc == "TABLE DATA":
            got = data_file(entry.filename, f"{entry.namespace}.{entry.tag}")
            if got is not None:
                yield from layout.entry(entry, *got)
        elif entry.desc == "BLOBS":  # blobs.toc: a line "oid blob_oid.dat" per large object
            got = data_file(entry.filename, "large objects")
            if got is None:
                continue
            listing = b"".join(got[0]).decode("ascii", "replace").split()
            yield LARGE_OBJECTS
            for oid, name in zip(listing[0::2], listing[1::2], strict=False):
                blob = data_file(name, "a large object")
                if blob is not None and oid.isdigit():
                    yield from layout.large_object(oid, *blob)
            yield b"\\.\n\n"


def tar_text(fh: BinaryIO, faults: list[str]) -> Iterator[bytes]:
    layout: _Layout | None = None
    try:
        with tarfile.open(fileobj=fh, mode="r|") as tar:
            by_file: dict[str, TocEntry] = {}
            in_blobs = False
            for member in tar:
                data = tar.extractfile(member) if member.isfile() else None
                if data is None:
                    continue
                name = os.path.basename(member.name)
                if name == "toc.dat":  # first in the tar; its entries name the data members
                    inp = _In(data)  # type: ignore[arg-type]
                    header = read_header(inp)
                    layout = _Layout(header, read_toc(inp, header), faults)
                    by_file = {e.filename: e for e in layout.entries if e.desc == "TABLE DATA" and e.filename}
                    yield layout.preamble()
                elif layout is not None and _BLOB_FILE.match(name):  # a large object (a tar stores it plain)
                    if not in_blobs:
                        in_blobs = True
                        yield LARGE_OBJECTS
                    oid = name[5:-4]  # blob_<oid>.dat
                    yield from layout.large_object(oid, _file_pieces(data), None)  # type: ignore[arg-type]
                    continue
                elif layout is not None and name in by_file:
                    # (a tar's members are stored uncompressed)
                    yield from layout.entry(by_file[name], _file_pieces(data), None)  # type: ignore[arg-type]
                if in_blobs:
                    in_blobs = False
                    yield b"\\.\n\n"
            if in_blobs:
                yield b"\\.\n\n"
        if layout is None:
            raise SourceError("tar archive without a pg_dump toc.dat")
    except tarfile.TarError as exc:
        raise SourceError(f"pg_dump tar archive damaged: {exc}") from None
    except (EOFError, zlib.error) as exc:
        raise SourceError(f"pg_dump archive data damaged: {exc}") from None


def archive_format(head: bytes) -> str | None:
    """``custom``, ``directory`` or ``tar`` when ``head`` starts a pg_dump archive. The ``toc.dat`` of the
    directory format starts like a custom archive; pg_dump writes it with the tar format's byte (3), as
    in a tar's own ``toc.dat``."""
    if head.startswith(MAGIC) and len(head) > 10:
        return {1: "custom", 3: "directory", 5: "directory"}.get(head[10])
    if len(head) > 512 and head[257:262] == b"ustar" and head[:8] == b"toc.dat\0" and head[512:517] == MAGIC:
        return "tar"
    return None


class PgArchiveReader(PgDumpReader):
    """A pg_dump custom, directory (its ``toc.dat``) or tar archive, scanned as the plain dump it holds."""

    kind = "pg_archive"

    def __init__(self, path: str, display_path: str | None = None, *, opener=None) -> None:
        super().__init__(path, display_path, opener=opener)
        self.stored = partial(sha256_opened, self._raw)
        self.archive_format: str | None = None
        #: directory format: the data files read beside toc.dat -> ``{size, sha256}``
        self.data_files: dict[str, dict[str, Any]] = {}

    def _raw(self) -> BinaryIO:
        return PgDumpReader.open_binary(self)

    def open_binary(self) -> BinaryIO:
        fh = self._raw()
        head = fh.read(1024)
        fmt = archive_format(head)
        if fmt is None:
            fh.close()
            raise SourceError("not a pg_dump archive (no PGDMP header)")
        self.archive_format = fmt
        whole: Any = _Rejoined(head, fh)
        faults = self.faults  # reported with the dump reader's own at the end of the scan
        if fmt == "custom":
            pieces = custom_text(whole, faults)
        elif fmt == "tar":
            pieces = tar_text(whole, faults)
        else:
            # the data files lie beside toc.dat on disk (not inside a zip holding a toc.dat)
            on_disk = os.path.basename(self.path) == "toc.dat" and "!" not in str(self.display_path)
            folder = os.path.dirname(os.path.abspath(self.path)) if on_disk else None
            pieces = directory_text(whole, folder, faults, self.data_files)
        return io.BufferedReader(ArchiveText(_guarded(pieces, faults), fh.close), 1 << 20)  # type: ignore[return-value]

    def metadata(self) -> dict[str, Any]:
        meta = {**super().metadata(), "archive_format": self.archive_format}
        if self.data_files:
            meta["data_files"] = dict(sorted(self.data_files.items()))
        return meta


def _guarded(pieces: Iterator[bytes], faults: list[str]) -> Iterator[bytes]:
    """The text's pieces up to a fault (a truncated or damaged archive), which becomes one of ``faults``:
    the text read before it is still scanned (an exception from a read would lose the buffered part)."""
    try:
        yield from pieces
    except SourceError as exc:
        faults.append(exc.reason)
    except (zlib.error, EOFError, tarfile.TarError) as exc:
        faults.append(f"pg_dump archive data damaged: {exc}")
    except Exception as exc:  # zstandard.ZstdError, lz4's RuntimeError: damaged compressed data
        faults.append(f"pg_dump archive data damaged: {exc}")


class _Rejoined:
    """``head`` followed by the rest of ``fh``: the stream as it was before its head was read to sniff it
    (all the readers of an archive -- :class:`_In`, ``tarfile``'s stream mode -- ask it for ``read``)."""

    def __init__(self, head: bytes, fh: BinaryIO) -> None:
        self._head = head
        self._fh = fh

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            out = self._head + self._fh.read()
            self._head = b""
            return out
        if self._head:
            out, self._head = self._head[:size], self._head[size:]
            if len(out) < size:
                out += self._fh.read(size - len(out))
            return out
        return self._fh.read(size)
