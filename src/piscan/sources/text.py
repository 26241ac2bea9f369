"""Plain text streams (logs, any text) as newline-aligned UTF-8 chunks.

Encodings: UTF-8 (with or without BOM), UTF-16 with BOM, and GB18030/GBK (detected when the start of the
file is mostly not UTF-8 but decodes as GB18030, or, after an all-ASCII start, when the text from the first
non-ASCII byte on does; GBK logs often open with kilobytes of ASCII start-up lines); non-UTF-8 input is
transcoded to UTF-8 on the fly so the byte engines see one encoding.
Line numbers count LF in the decoded text (CRLF counts once).

:class:`DecodedStream` is shared by every line-based reader (text, SQL dumps, CSV, JSON Lines): it yields
line-aligned UTF-8 blocks with the number of their first line, counts bytes and hashes them.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from collections.abc import Generator, Iterator
from typing import Any, BinaryIO

from piscan.sources.base import Chunk, Reader, SourceError

# bytes per block (up to a line end): 1 MiB blocks are taken from and given back to the heap, while 8 MiB
# ones were mapped fresh for every read -- half the page faults of a scan (24.5k -> 11.9k per 100 MB)
CHUNK_SIZE = 1 << 20
SNIFF = 64 << 10
MAX_LINE = 512 << 20


def sniff_encoding(head: bytes) -> str | None:
    """Return a codec name for ``head`` (the first bytes of a file), or ``None`` for binary data."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if b"\x00" in head:
        return _sniff_with_nul(head)
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut at the sniff boundary
            return "utf-8"
    # Mostly-valid UTF-8 with a few bad bytes stays UTF-8 (and is reported); GBK text is nearly all
    # invalid as UTF-8.
    nonascii = sum(1 for b in head if b >= 0x80)
    bad = head.decode("utf-8", "replace").count("\ufffd")
    if bad * 20 < nonascii:
        return "utf-8"
    # GB18030 the same way: a few undecodable sequences (a corrupted or cut GBK log) keep the encoding,
    # and the stream reports them, instead of mangling every Chinese character as invalid UTF-8
    if head.decode("gb18030", "replace").count("\ufffd") * 20 < nonascii:
        return "gb18030"
    return "utf-8"  # decoded with replacement, reported


_DECLARED = re.compile(rb"SET NAMES\s+'?([A-Za-z0-9_]+)|SET client_encoding = '([A-Za-z0-9_]+)'")
_DECLARED_CODECS = {b"binary": "utf-8", b"utf8": "utf-8", b"utf8mb4": "utf-8", b"utf8mb3": "utf-8",
                    b"gbk": "gb18030", b"gb2312": "gb18030", b"gb18030": "gb18030"}


def declared_encoding(head: bytes) -> str | None:
    """The encoding a SQL dump declares in its head (``SET NAMES utf8mb4``, pg_dump's ``SET
    client_encoding = 'GB18030'``), when it is one piscan reads; ``None`` otherwise (sniff it).

    mydumper declares ``SET NAMES binary``: every value is written as its bytes, so a BLOB's raw bytes
    beside UTF-8 text must not make the file look like GB18030 (a UTF-8 byte then pairs with the
    ``\\`` of an escape and the row's quotes come apart); binary is read as UTF-8 with replacement.

    >>> declared_encoding(b"/*!40101 SET NAMES binary*/;"), declared_encoding(b"SET client_encoding = 'GBK';")
    ('utf-8', 'gb18030')
    """
    m = _DECLARED.search(head)
    if m is None:
        return None
    return _DECLARED_CODECS.get((m.group(1) or m.group(2)).lower())


def gb18030_after_ascii(sample: bytes) -> bool:
    """Whether ``sample`` -- a file's bytes from its first non-ASCII byte on, in a file whose ASCII head
    sniffed as UTF-8 -- is GB18030/GBK text: a Chinese log on a GBK system often starts with kilobytes
    of ASCII (start-up lines, a banner) before its first Chinese character."""
    return sniff_encoding(sample) == "gb18030"


_HIGH = re.compile(rb"[\x80-\xff]")


def _first_high(data: bytes) -> int:
    """Offset of the first non-ASCII byte of ``data`` (which has one)."""
    m = _HIGH.search(data)
    return m.start() if m else len(data)


def first_non_ascii(fh: BinaryIO, pos: int) -> int | None:
    """Offset of the first byte >= 0x80 at or after ``pos`` in the seekable file ``fh`` (``None``: none)."""
    fh.seek(pos)
    while True:
        block = fh.read(1 << 20)
        if not block:
            return None
        if not block.isascii():
            return pos + _first_high(block)
        pos += len(block)


#: file types that hold NUL bytes and some text but are not text (SQLite, ELF, images, archives, Java class)
_BINARY_MAGIC = (b"SQLite format 3\x00", b"\x7fELF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\xca\xfe\xba\xbe",
                 b"MZ", b"%PDF", b"\xd0\xcf\x11\xe0", b"Rar!", b"7z\xbc\xaf", b"dex\n", b"\x00asm",
                 b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")
_NUL_RUN = re.compile(rb"\x00+")
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r\f\v\x1b")


def _sniff_with_nul(head: bytes) -> str | None:
    """Text with NUL bytes is common in real inputs: a log rotated with ``copytruncate`` starts with NUL
    padding, mysqldump ``--xml`` writes BLOBs raw, UTF-16 without a BOM is half NULs. Only data that is
    binary apart from its NULs (a magic number, or many control bytes) is ``None``."""
    if head.startswith(_BINARY_MAGIC):
        return None
    n = len(head)
    nuls = head.count(0)
    even = head[0::2].count(0)
    if nuls * 5 >= n * 2 and n >= 4:  # ASCII-range UTF-16: a NUL in every other byte
        if even * 10 <= nuls and head[1::2].count(0) * 10 >= n * 4:
            return "utf-16-le"
        if even * 10 >= n * 4 and head[1::2].count(0) * 10 <= nuls:
            return "utf-16-be"
    rest = head.replace(b"\x00", b"")
    if not rest:
        return "utf-8"  # all padding so far
    # scattered NULs and control bytes mark binary data (compiled files, databases); text has few runs
    # of NULs (padding, a raw BLOB) among thousands of characters
    controls = len(rest) - len(rest.translate(None, _CONTROL)) + len(_NUL_RUN.findall(head))
    if controls > max(4, len(rest) // 50):
        return None
    bad = rest.decode("utf-8", "replace").count("\ufffd")
    if bad * 5 > len(rest):  # neither UTF-8 text nor (checked below) GB18030
        try:
            rest[:-4].decode("gb18030")
        except UnicodeDecodeError:
            return None
        return "gb18030"
    return "utf-8"


def _read_at(fh: BinaryIO, pos: int, n: int) -> bytes:
    fh.seek(pos)
    return fh.read(n)


def stream_metadata(ds: DecodedStream | None, encoding: str | None = None) -> dict[str, Any]:
    """``size``, ``sha256`` and ``encoding`` of a read stream, for ``Reader.metadata()``."""
    if ds is None:
        return {"size": 0, "sha256": None, "encoding": encoding}
    return {"size": ds.size, "sha256": ds.sha256, "encoding": ds.encoding}


def first_invalid_line(data: bytes, line: int) -> int | None:
    """The line of the first invalid UTF-8 in ``data`` (whose first line is ``line``); ``None`` if valid."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return line + data.count(b"\n", 0, exc.start)
    return None


def invalid_utf8_reason(line: int, encoding: str = "UTF-8") -> str:
    return f"invalid {encoding} from line {line} (bytes replaced with U+FFFD; the rest of the file was scanned)"


class _Undecodable:
    """How many byte sequences the transcoding decoders (GB18030, UTF-16) could not decode: they replace
    them through the ``piscan-replace`` error handler, which counts, so the stream can report the first."""

    count = 0


def _replace_and_count(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _Undecodable.count += 1
    return "\ufffd", exc.end


codecs.register_error("piscan-replace", _replace_and_count)


class DecodedStream:
    """Line-aligned UTF-8 blocks of a binary stream, with encoding detection and bookkeeping.

    ``strict``: UTF-8 input with invalid bytes is decoded with replacement and, at the end, reported as a
    :class:`SourceError` naming the first bad line (everything is still scanned). SQL dumps pass
    ``strict=False``: ``_binary`` strings legitimately hold arbitrary bytes.
    """

    def __init__(self, fh: BinaryIO, encoding: str | None = None, *, strict: bool = True,
                 block_size: int | None = None, allow_binary: bool = False, verify_utf8: bool = True) -> None:
        self.fh = fh
        self.encoding = encoding
        self.strict = strict
        # False: the consumer's byte engine checks UTF-8 in its own pass and calls note_invalid() for a
        # block it found invalid (then the block is scanned as read; stage 2 decodes lines with U+FFFD)
        self.verify_utf8 = verify_utf8
        self.block_size = block_size if block_size is not None else CHUNK_SIZE  # read now: tests shrink it
        self.allow_binary = allow_binary
        self.size = 0
        self.sha256: str | None = None
        self.bad_line: int | None = None
        # the newlines of the block just yielded, when its consumer counted them (see Chunk.newlines)
        self.newlines_hint: int | None = None

    def blocks(self) -> Iterator[tuple[bytes, int]]:
        fh = self.fh
        digest = hashlib.sha256()
        plain_file = type(fh) is io.BufferedReader and fh.seekable()
        try:
            base = fh.tell() if plain_file else 0
            head = fh.read(SNIFF)
            enc = self.encoding or (None if self.strict else declared_encoding(head)) or sniff_encoding(head)
            if enc is None:
                if not self.allow_binary:
                    raise SourceError("binary file (NUL bytes in the first 64 KiB), skipped", kind="skipped")
                enc = "utf-8"
            # sniffed from an all-ASCII head: the first non-ASCII byte decides between UTF-8 and GB18030
            # (not in SQL dumps, ``strict=False``: their first non-ASCII bytes may be a raw binary string)
            ascii_head = self.strict and self.encoding is None and enc == "utf-8" and head.isascii()
            self.encoding = enc
            decoder = None if self._utf8 else codecs.getincrementaldecoder(enc)("piscan-replace")
            line = 1
            rest = b""
            buf = head
            start = 0
            if enc == "utf-8-sig" and head.startswith(codecs.BOM_UTF8):
                digest.update(codecs.BOM_UTF8)
                self.size += len(codecs.BOM_UTF8)
                start = len(codecs.BOM_UTF8)
                buf = head[start:]
                if not buf:  # a file that is only a BOM: read on, or an empty first block ends the loop
                    buf = fh.read(self.block_size)
            if decoder is None and plain_file:
                # a plain file: line-aligned reads (up to the line where GB18030 starts, if it does)
                line = yield from self._file_blocks(fh, base + start, digest, ascii_head)
                if self.encoding == "gb18030":
                    ascii_head = False
                    enc = "gb18030"
                    decoder = codecs.getincrementaldecoder(enc)("piscan-replace")
                    buf = fh.read(self.block_size)
            if decoder is not None or not plain_file:
                while True:
                    if ascii_head and buf and not buf.isascii():
                        ascii_head = False
                        i = _first_high(buf)
                        if gb18030_after_ascii(buf[i:i + SNIFF]):
                            self.encoding = enc = "gb18030"
                            decoder = codecs.getincrementaldecoder(enc)("piscan-replace")
                    digest.update(buf)
                    self.size += len(buf)
                    eof = not buf
                    if decoder is not None:
                        seen = _Undecodable.count
                        text = decoder.decode(buf, final=eof)
                        if _Undecodable.count != seen and self.bad_line is None and self.strict:
                            # ``rest`` holds no newline: the first replacement's line counts from ``line``
                            self.bad_line = line + text.count("\n", 0, max(0, text.find("\ufffd")))
                        data = rest + text.encode("utf-8")
                    else:
                        data = rest + buf
                    if eof:
                        if data:
                            yield self._check(data, line), line
                        break
                    cut = data.rfind(b"\n")
                    if cut == -1:
                        rest = data
                        if len(rest) > MAX_LINE:
                            raise SourceError(f"line {line} longer than 512 MiB; scan stopped")
                    else:
                        out, rest = data[:cut + 1], data[cut + 1:]
                        yield self._check(out, line), line
                        line += self._newlines(out)
                    buf = fh.read(self.block_size)
        except OSError as exc:
            raise SourceError(f"read error: {exc.strerror or exc}") from None
        except EOFError as exc:
            raise SourceError(f"truncated compressed stream: {exc}") from None
        self.sha256 = digest.hexdigest()
        if self.bad_line is not None:
            raise SourceError(invalid_utf8_reason(self.bad_line, "UTF-8" if self._utf8 else self.encoding or "?"))

    def _file_blocks(self, fh: io.BufferedReader, pos: int, digest: Any,
                     ascii_head: bool = False) -> Generator[tuple[bytes, int], None, int]:
        """Blocks of a plain UTF-8 file read straight to a line end: each block is one ``read`` of exactly
        its bytes (find the first newline past ``block_size``, then read up to it), so no block is built by
        joining a carried-over partial line to the next read and slicing it off again (two copies of
        every byte).

        ``ascii_head``: the encoding was sniffed from an all-ASCII head; when the first non-ASCII byte
        starts GB18030 text, the blocks end at the start of its line, ``fh`` is left there,
        ``self.encoding`` becomes ``gb18030`` and the number of that line is returned (the caller
        transcodes the rest)."""
        line = 1
        while True:
            end = self._line_end(fh, pos, pos + self.block_size, line)
            fh.seek(pos)
            data = fh.read(end - pos) if end > pos else b""
            if ascii_head and not data.isascii():
                ascii_head = False
                i = _first_high(data)
                if gb18030_after_ascii(_read_at(fh, pos + i, SNIFF)):
                    self.encoding = "gb18030"
                    data = data[:data.rfind(b"\n", 0, i) + 1]
                    fh.seek(pos + len(data))
            if not data:
                return line
            digest.update(data)
            self.size += len(data)
            yield self._check(data, line), line
            line += self._newlines(data)
            pos += len(data)
            if self.encoding == "gb18030":
                return line

    def _newlines(self, data: bytes) -> int:
        """The newlines in ``data``, the block just yielded: its consumer's count if it left one."""
        n, self.newlines_hint = self.newlines_hint, None
        return data.count(b"\n") if n is None else n

    @staticmethod
    def _line_end(fh: io.BufferedReader, pos: int, target: int, line: int) -> int:
        """Offset just past the first newline at or after ``target`` (the file's end if none)."""
        fh.seek(target)
        at = target
        while True:
            probe = fh.read(1 << 16)
            if not probe:
                return at
            nl = probe.find(b"\n")
            if nl != -1:
                return at + nl + 1
            at += len(probe)
            if at - pos > MAX_LINE:
                raise SourceError(f"line {line} longer than 512 MiB; scan stopped")

    @property
    def _utf8(self) -> bool:
        """UTF-8 with a BOM is UTF-8 after its first three bytes: it gets the same invalid-byte check (a
        decoder would replace bad bytes silently); the BOM is hashed but is no character."""
        return self.encoding in ("utf-8", "utf-8-sig")

    def note_invalid(self, data: bytes, line: int) -> None:
        """The block ``data`` starting at ``line`` holds invalid UTF-8: remember the first bad line."""
        if self.bad_line is not None or not self._utf8 or not self.strict:
            return
        self.bad_line = first_invalid_line(data, line)

    def _check(self, data: bytes, line: int) -> bytes:
        if not self._utf8 or not self.strict or not self.verify_utf8:
            return data
        bad = first_invalid_line(data, line)
        if bad is None:
            return data
        if self.bad_line is None:
            self.bad_line = bad
        return data.decode("utf-8", "replace").encode("utf-8")


class TextReader(Reader):
    kind = "text"

    def __init__(self, path: str, display_path: str | None = None, *, stream: BinaryIO | None = None,
                 encoding: str | None = None, opener=None) -> None:
        super().__init__(path, display_path, opener=opener)
        self._stream = stream
        self.encoding = encoding
        self._ds: DecodedStream | None = None
        self.utf8_checked_elsewhere = False  # set by a scanner whose prefilter validates UTF-8

    def note_invalid_utf8(self, chunk: Chunk) -> None:
        """The scanner's prefilter found invalid UTF-8 in ``chunk`` (see ``Prefilter.invalid_utf8``)."""
        if self._ds is not None:
            self._ds.note_invalid(chunk.data, chunk.first_line)

    def items(self) -> Iterator[Chunk]:
        fh = self._stream if self._stream is not None else self.open_binary()
        self._ds = ds = DecodedStream(fh, self.encoding, verify_utf8=not self.utf8_checked_elsewhere)
        try:
            for data, line in ds.blocks():
                chunk = Chunk(data, line)
                yield chunk
                ds.newlines_hint = chunk.newlines
        finally:
            self.encoding = ds.encoding
            if self._stream is None:
                fh.close()

    def metadata(self) -> dict:
        return stream_metadata(self._ds, self.encoding)
