"""JSON documents and JSON Lines: every scalar leaf becomes a :class:`Cell` whose ``column`` is its key
path (``profile.emergency_contact.phone``; array elements as ``contacts[].phone``), used as context.

JSON Lines are read line by line from the decoded stream (a line of any length is fine; memory is bounded by
the longest line). A JSON document is parsed whole up to ``MAX_DOCUMENT`` bytes; a larger one is scanned as
plain text (no key paths) with a note. A ``.json`` file holding one value per line (``mongoexport``, log
shippers) is read as JSON Lines. Invalid lines are scanned as text and reported as a scan error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from piscan.sources.base import Cell, CellBatch, Chunk, Reader, SourceError
from piscan.sources.candidates import by_line
from piscan.sources.json_leaves import collect, leaves
from piscan.sources.json_positions import LeafFinder, line_and_column, raw_span
from piscan.sources.text import DecodedStream, stream_metadata

MAX_DOCUMENT = 128 << 20
_NO_VALUES: dict[str, tuple[int, ...]] = {}  # a line without candidates (never written to)


def _context(path: str) -> tuple[str, ...]:
    last = path.rsplit(".", 1)[-1].replace("[]", "")
    return (last, path) if last != path else (path,)


def _json_lines(data: bytes) -> list[tuple[int, Any]] | None:
    """``(line, value)`` of every non-blank line of ``data`` when each one is a JSON value, else ``None``."""
    out: list[tuple[int, Any]] = []
    for i, raw in enumerate(data.split(b"\n"), 1):
        if raw.strip():
            try:
                out.append((i, json.loads(raw)))
            except (ValueError, RecursionError):
                return None
    return out


_ESCAPED_DIGIT = re.compile(rb"\\u(?:[fF][fF]1|003)[0-9]")


class JsonLinesReader(Reader):
    kind = "jsonl"
    #: set by the scanner to its Detector: JSON Lines blocks go through the prefilter and its validator gate,
    #: and only the leaves of records (lines) with a candidate reach stage 2; the others are only counted
    prefilter: Any = None

    def __init__(self, path: str, display_path: str | None = None, *, opener=None) -> None:
        super().__init__(path, display_path, opener=opener)
        self._ds: DecodedStream | None = None
        self.records = 0
        self.faults: list[str] = []
        self.counts: dict[tuple[str | None, str], int] = {}  # leaves per key path
        self.unscanned = 0  # characters of leaves no prefilter report pointed at
        # where findings are written (json_positions): the raw lines of the block being read that hold
        # leaves handed over, a finder per line asked for; a document's text, its finder and line count
        self._raw: dict[int, bytes] = {}
        self._finders: dict[int, LeafFinder] = {}
        self._data: bytes | None = None
        self._lines: list[bytes] | None = None
        self._doc: LeafFinder | None = None
        self._at = [1, 0]

    def _candidate_lines(self, block: bytes, first: int) -> dict[int, dict[str, tuple[int, ...]] | None] | None:
        """For the lines of ``block`` with a validator-gated candidate: each candidate value and the patterns
        that reported it (``None``: a generic report or an escaped digit, every leaf may hold a value of any
        pattern). A leaf then gets the patterns of the values it holds (``json_leaves.collect``): a leaf
        that is one value of one pattern is read as a whole cell. ``None`` when there is no prefilter (every
        leaf is scanned)."""
        if self.prefilter is None:
            return None
        found: dict[int, dict[str, set[int]] | None] = {}  # line -> value -> patterns; None: any
        for c in by_line(self.prefilter, block, first):
            got = found.setdefault(c.line, {})
            if c.value is None:
                found[c.line] = None
            elif got is not None:
                got.setdefault(c.value, set()).add(c.pattern)
        # digits escaped by ensure_ascii (\uff11… full-width, \u0031…) become a value only once decoded: such
        # lines get every pattern on every leaf, as the decoded leaves did before the prefilter
        line, pos = first, 0
        for m in _ESCAPED_DIGIT.finditer(block):
            line += block.count(b"\n", pos, m.start())
            pos = m.start()
            found[line] = None
        return {ln: None if got is None else {v: tuple(sorted(pids)) for v, pids in got.items()}
                for ln, got in found.items()}

    def _cells(self, obj: Any, line: int | None, row: str | None) -> Iterator[Cell]:
        place = self._place_in_document if line is None else self._place_in_record
        for path, text in leaves(obj):
            yield Cell(text, line=line, offset=0, column=path or "$", row=row, context=_context(path),
                       written=place)

    def _place_in_record(self, text: str, hits: list[Any], column: str | None) -> None:
        """Move the hits of leaf ``text`` at key path ``column`` of the record on each hit's line from
        positions in the leaf to columns in the line as written."""
        for h in hits:
            finder = self._finders.get(h.line)
            if finder is None:
                raw = self._raw.get(h.line)
                if raw is None and self._data is not None and h.line is not None:  # JSON Lines in a .json
                    if self._lines is None:
                        self._lines = self._data.split(b"\n")
                    raw = self._lines[h.line - 1] if 0 < h.line <= len(self._lines) else None
                if raw is None:
                    continue
                finder = self._finders[h.line] = LeafFinder(raw.decode("utf-8", "replace"), forward=False)
            span = finder.find(column or "$", text)
            if span is not None:
                a, b = raw_span(finder.doc[span[0]:span[1]], h.start, h.end)
                h.start, h.end = span[0] + a, span[0] + b

    def _place_in_document(self, text: str, hits: list[Any], column: str | None) -> None:
        """Give the hits of leaf ``text`` at key path ``column`` of a JSON document their line and columns
        as written (leaves come in document order: one pass over the text for all of them)."""
        if self._doc is None:
            if self._data is None:
                return
            self._doc = LeafFinder(self._data.decode("utf-8", "replace"))
        span = self._doc.find(column or "$", text)
        if span is None:
            return
        for h in hits:
            a, b = raw_span(self._doc.doc[span[0]:span[1]], h.start, h.end)
            h.line, h.start = line_and_column(self._doc.doc, span[0] + a, self._at)
            h.end = h.start + b - a

    def column_values(self) -> dict[tuple[str | None, str], int] | None:
        return dict(self.counts)  # (some leaves are counted but never handed over)

    def unscanned_chars(self) -> int:
        return self.unscanned

    def items(self) -> Iterator[CellBatch | Chunk]:
        fh = self.open_binary()
        self._ds = ds = DecodedStream(fh)
        bad = 0
        try:
            counts = self.counts
            pending: dict[str, list[tuple]] = {}
            for block, first in ds.blocks():
                cands = self._candidate_lines(block, first)
                line = first
                self._raw.clear()
                self._finders.clear()
                for raw in block.split(b"\n"):
                    if raw.strip():
                        try:
                            obj = json.loads(raw)
                        except (ValueError, RecursionError) as exc:
                            bad += 1
                            if bad <= 3:
                                why = "nested too deeply to parse" if isinstance(exc, RecursionError) else "invalid"
                                self.faults.append(f"line {line}: {why} JSON (scanned as text)")
                            yield Chunk(raw + b"\n", line)
                        else:
                            self.records += 1
                            values = None if cands is None else cands.get(line, _NO_VALUES)
                            # every leaf counted; those without any of the line's candidate values hold nothing
                            # stage 2 could report and are left out (compiled: json_leaves.collect)
                            self.unscanned += collect(obj, values, counts, pending, line, str(self.records))
                            if values is None or values:
                                self._raw[line] = raw
                    line += 1
                for col, found in pending.items():  # one batch per key path and block
                    yield CellBatch(None, col, _context("" if col == "$" else col), found,
                                    written=self._place_in_record)
                pending.clear()
        except SourceError as exc:
            self.faults.append(exc.reason)
        finally:
            fh.close()
        if self.faults:
            raise SourceError("; ".join(self.faults))

    def metadata(self) -> dict[str, Any]:
        return {**stream_metadata(self._ds), "rows_scanned": self.records}


class JsonReader(JsonLinesReader):
    kind = "json"

    def column_values(self) -> None:
        return None  # a document hands over every leaf as a Cell, which the scanner counts

    def items(self) -> Iterator[Cell | Chunk]:
        fh = self.open_binary()
        self._ds = ds = DecodedStream(fh)
        parts: list[bytes] = []
        size = 0
        try:
            it = ds.blocks()
            for block, first in it:
                parts.append(block)
                size += len(block)
                if size > MAX_DOCUMENT:  # too big to parse whole: plain text from here on
                    self.faults.append(f"JSON document larger than {MAX_DOCUMENT >> 20} MiB scanned as text "
                                       "(no key paths)")
                    yield Chunk(b"".join(parts), 1)
                    line = first + block.count(b"\n")
                    parts = []
                    for b2, l2 in it:
                        yield Chunk(b2, l2)
                    del line
                    break
            if parts:
                self._data = data = b"".join(parts)
                try:
                    obj = json.loads(data)
                except RecursionError:  # (the json module parses recursively: [[[[… thousands deep)
                    self.faults.append("JSON nested too deeply to parse; scanned as text, without key paths")
                    yield Chunk(data, 1)
                except ValueError as exc:
                    records = _json_lines(data) if exc.msg == "Extra data" else None
                    if records is not None:  # JSON Lines under a .json name (mongoexport, log shippers)
                        for line, rec in records:
                            self.records += 1
                            yield from self._cells(rec, line, str(self.records))
                    else:
                        self.faults.append(f"invalid JSON ({exc.msg} at line {exc.lineno}); scanned as text")
                        yield Chunk(data, 1)
                else:
                    self.records = 1
                    yield from self._cells(obj, None, None)
        except SourceError as exc:
            self.faults.append(exc.reason)
        finally:
            fh.close()
        if self.faults:
            kind = "skipped" if all("scanned as text (no key paths)" in f for f in self.faults) else "error"
            raise SourceError("; ".join(self.faults), kind=kind)
