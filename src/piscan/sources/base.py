"""The reader interface: sources turn inputs into *located text* for the detectors.

Two shapes of located text exist, because the hot path and structured data want different things:

* :class:`Chunk` — newline-aligned UTF-8 bytes of a text stream (logs, any text). The detector scans
  raw bytes with a multi-pattern engine and only decodes the few lines around a hit, which is what
  makes 100+ MB/s possible. ``first_line`` is the 1-based number of the chunk's first line in the
  decoded, decompressed text.
* :class:`Cell` — one value with a structured location (SQL dump cell, CSV field, JSON leaf, live
  database value). ``context`` carries the column name / key path, which recognizers use as context
  words (``id_card`` makes an 18-digit value likelier to be an ID, ``order_no`` less likely).

A :class:`Reader` yields either (or both). A reader that hits a fault raises :class:`SourceError`
*after* yielding everything it could read, so nothing readable is lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO


class SourceError(Exception):
    """A fault while reading an input. The message names what went wrong, never a raw value."""

    def __init__(self, reason: str, *, path: str | None = None, kind: str = "error") -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = path
        self.kind = kind


#: how an input writes a value (:attr:`Cell.written`): a style name of
#: :func:`piscan.sources.sql_common.as_written`, or a reader's own placer, called with ``(text, hits,
#: column)`` for the hits found in value ``text`` of ``column``, which it moves to where the input writes
#: them (line and columns; the JSON readers: :mod:`piscan.sources.json_positions`)
Written = str | Callable[[str, list[Any], str | None], None] | None


@dataclass(slots=True)
class Chunk:
    data: bytes  # UTF-8, ends at a line boundary (or at end of input)
    first_line: int  # 1-based line number of the first line in ``data``
    # the newlines in ``data``, set by a consumer that counted them while scanning: the reader numbers the
    # next chunk from it instead of counting them again (a pass over every byte)
    newlines: int | None = None


@dataclass(slots=True)
class Cell:
    text: str
    line: int | None = None  # 1-based line in the decoded input, when the source has lines
    offset: int | None = None  # 0-based code-point offset of ``text`` within that line, if known
    table: str | None = None
    column: str | None = None
    row: str | None = None  # primary-key value or row ordinal, when known
    context: tuple[str, ...] = ()  # extra context words (column name, key path, header)
    extra: dict[str, Any] = field(default_factory=dict)
    patterns: tuple[int, ...] | None = None  # rule patterns a prefilter reported for it (None = all)
    #: how the input writes ``text`` when not as it is (a dump's escaped strings: ``as_written`` styles in
    #: :mod:`piscan.sources.sql_common`; see :data:`Written`); a finding's columns then count the escapes
    #: before it
    written: Written = None


#: a primary key of at most this many digits is shown as a finding's ``row``; a longer one may itself be PI
#: (a table keyed by mobile number), so the row ordinal is shown instead (dump and live readers alike)
MAX_ROW_KEY_DIGITS = 10
#: a key value shown as ``row``: an integer of at most :data:`MAX_ROW_KEY_DIGITS` digits (as text, as bytes)
SAFE_ROW_KEY = re.compile(rf"-?\d{{1,{MAX_ROW_KEY_DIGITS}}}")
SAFE_ROW_KEY_BYTES = re.compile(SAFE_ROW_KEY.pattern.encode())


@dataclass(slots=True)
class CellBatch:
    """Cells of one column, in input order, without an object per value: the same as one :class:`Cell` per
    entry of ``values`` with this ``table``, ``column`` and ``context`` (SQL dump readers yield these; a
    dump holds millions of candidate values, and a per-value object was a measurable share of the scan).

    ``values``: ``(text, line, offset, row, patterns)`` tuples, the :class:`Cell` fields of each value.

    ``locate``: when set, the values' ``line``, ``offset`` and ``row`` are ``None`` and ``locate(i)`` returns
    those of ``values[i]``. A PI-dense column holds far more values than a report lists (the rest are only
    counted), so a reader that can say where a value is on demand leaves that work to the few listed ones.
    """

    table: str | None
    column: str | None
    context: tuple[str, ...]
    values: list[tuple[str, int | None, int | None, Any, tuple[int, ...] | None]]
    locate: Callable[[int], tuple[int | None, int | None, Any]] | None = None
    #: when set, per value the gate's verdict of its one report when that report's candidate is the whole
    #: text, else ``None`` (``Detector.whole_cells`` then reads the value without validating it again)
    verdicts: list[Any] | None = None
    #: :attr:`Cell.written` of every value
    written: Written = None

    def where(self, i: int) -> tuple[int | None, int | None, Any]:
        """``(line, offset, row)`` of ``values[i]``."""
        if self.locate is not None:
            return self.locate(i)
        v = self.values[i]
        return v[1], v[2], v[3]

    def cells(self) -> Iterator[Cell]:
        t, c, ctx = self.table, self.column, self.context
        for i, v in enumerate(self.values):
            line, offset, row = self.where(i)
            text, patterns = v[0], v[4]
            yield Cell(text, line=line, offset=offset, table=t, column=c, row=row, context=ctx, patterns=patterns,
                       written=self.written)


class Reader:
    """Base class for readers. Subclasses set ``kind`` and implement :meth:`items`."""

    kind: str = "text"

    def __init__(self, path: str, display_path: str | None = None, *,
                 opener: Callable[[], BinaryIO] | None = None) -> None:
        self.path = path
        self.display_path = display_path or path
        self.opener = opener  # how to get the (decompressed) bytes; default: the file, decompressed
        #: ``(size, sha256)`` of the input as stored, when that is not what the reader reads (a compressed
        #: file, a compressed zip member): set by :func:`piscan.sources.registry.open_readers`, so that a
        #: report's ``inputs`` name the bytes ``sha256sum`` (or ``unzip``, then ``sha256sum``) sees
        self.stored: Callable[[], tuple[int, str]] | None = None

    def open_binary(self) -> BinaryIO:
        """The input's bytes, decompressed when the file is gzip/bz2/xz/zstd (by magic bytes)."""
        from piscan.sources.compressed import STREAMS, compression_of, open_decompressed

        try:
            if self.opener is not None:
                return self.opener()
            kind = compression_of(self.path)
            if kind in STREAMS:
                return open_decompressed(self.path, kind)
            return open(self.path, "rb")
        except OSError as exc:
            raise SourceError(f"cannot open: {exc.strerror or exc}") from None

    def items(self) -> Iterator[Chunk | Cell | CellBatch]:  # pragma: no cover - interface
        raise NotImplementedError

    def metadata(self) -> dict[str, Any]:
        """Facts about the input for the report (size, sha256, rows scanned…)."""
        return {}

    def unscanned_chars(self) -> int:
        """Characters of values the reader read but did not hand over because no prefilter report points
        at them (they count in ``bytes_scanned`` like the values it handed over)."""
        return 0

    def column_values(self) -> dict[tuple[str, str], int] | None:
        """Non-null values read per (table, column), for readers that do not yield a Cell per value.

        ``None`` (the default) means: the scanner counts the non-empty Cells it receives instead.
        """
        return None
