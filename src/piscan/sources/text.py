"""Plain text streams (logs, any text) as newline-aligned UTF-8 chunks.

Encodings: UTF-8 (with or without BOM), UTF-16 with BOM, and GB18030/GBK (detected when the start of the
file is not UTF-8 but decodes as GB18030); non-UTF-8 input is transcoded to UTF-8 on the fly so the byte
engines see one encoding. Line numbers count LF in the decoded text.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Iterator
from typing import BinaryIO

from piscan.sources.base import Chunk, Reader, SourceError

CHUNK_SIZE = 8 << 20
SNIFF = 64 << 10


def sniff_encoding(head: bytes) -> str | None:
    """Return a codec name for ``head`` (the first bytes of a file), or ``None`` for binary data."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut at the sniff boundary
            return "utf-8"
    try:
        head.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:
            return "gb18030"
    return "utf-8"  # mostly UTF-8 with some invalid bytes: decoded with replacement, reported


class TextReader(Reader):
    kind = "text"

    def __init__(self, path: str, display_path: str | None = None, *, stream: BinaryIO | None = None,
                 encoding: str | None = None) -> None:
        super().__init__(path, display_path)
        self._stream = stream
        self.encoding = encoding
        self.sha256: str | None = None
        self.size = 0
        self.invalid_bytes = False

    def _open(self) -> BinaryIO:
        if self._stream is not None:
            return self._stream
        try:
            return open(self.path, "rb")
        except OSError as exc:
            raise SourceError(f"cannot open: {exc.strerror or exc}") from None

    def items(self) -> Iterator[Chunk]:
        fh = self._open()
        digest = hashlib.sha256()
        try:
            head = fh.read(SNIFF)
            enc = self.encoding or sniff_encoding(head)
            self.encoding = enc
            if enc is None:
                raise SourceError("binary file (NUL bytes in the first 64 KiB), skipped", kind="skipped")
            decoder = None if enc == "utf-8" else codecs.getincrementaldecoder(enc)("replace")
            line = 1
            rest = b""
            buf = head
            while True:
                digest.update(buf)
                self.size += len(buf)
                eof = not buf
                if decoder is not None:
                    data = rest + decoder.decode(buf, final=eof).encode("utf-8")
                else:
                    data = rest + buf
                if eof:
                    if data:
                        yield Chunk(data, line)
                    break
                cut = data.rfind(b"\n")
                if cut == -1:
                    rest = data
                    if len(rest) > 64 * CHUNK_SIZE:
                        raise SourceError("line longer than 512 MiB; scan stopped")
                else:
                    out, rest = data[:cut + 1], data[cut + 1:]
                    yield Chunk(out, line)
                    line += out.count(b"\n")
                buf = fh.read(CHUNK_SIZE)
        except OSError as exc:
            raise SourceError(f"read error: {exc.strerror or exc}") from None
        finally:
            if self._stream is None:
                fh.close()
        self.sha256 = digest.hexdigest()

    def metadata(self) -> dict:
        return {"size": self.size, "sha256": self.sha256, "encoding": self.encoding}
