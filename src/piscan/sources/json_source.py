"""JSON documents and JSON Lines: every scalar leaf becomes a :class:`Cell` whose ``column`` is its key
path (``profile.emergency_contact.phone``; array elements as ``contacts[].phone``), used as context.

JSON Lines are read line by line from the decoded stream (a line of any length is fine; memory is bounded by
the longest line). A JSON document is parsed whole up to ``MAX_DOCUMENT`` bytes; a larger one is scanned as
plain text (no key paths) with a note. A ``.json`` file holding one value per line (``mongoexport``, log
shippers) is read as JSON Lines. Invalid lines are scanned as text and reported as a scan error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from piscan.sources.base import Cell, Chunk, Reader, SourceError
from piscan.sources.text import DecodedStream, stream_metadata

MAX_DOCUMENT = 128 << 20


def leaves(obj: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(key path, text) of every non-null scalar leaf."""
    stack = [(path, obj)]
    while stack:
        p, o = stack.pop()
        if isinstance(o, dict):
            for k, v in reversed(list(o.items())):
                stack.append((f"{p}.{k}" if p else str(k), v))
        elif isinstance(o, list):
            for v in reversed(o):
                stack.append((f"{p}[]", v))
        elif o is None or isinstance(o, bool):
            continue
        else:
            yield p, o if isinstance(o, str) else repr(o) if isinstance(o, float) else str(o)


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
            except ValueError:
                return None
    return out


class JsonLinesReader(Reader):
    kind = "jsonl"

    def __init__(self, path: str, display_path: str | None = None, *, opener=None) -> None:
        super().__init__(path, display_path, opener=opener)
        self._ds: DecodedStream | None = None
        self.records = 0
        self.faults: list[str] = []

    def _cells(self, obj: Any, line: int | None, row: str | None) -> Iterator[Cell]:
        for path, text in leaves(obj):
            yield Cell(text, line=line, offset=0, column=path or "$", row=row, context=_context(path))

    def items(self) -> Iterator[Cell | Chunk]:
        fh = self.open_binary()
        self._ds = ds = DecodedStream(fh)
        bad = 0
        try:
            for block, first in ds.blocks():
                line = first
                for raw in block.split(b"\n"):
                    if raw.strip():
                        try:
                            obj = json.loads(raw)
                        except ValueError:
                            bad += 1
                            if bad <= 3:
                                self.faults.append(f"line {line}: invalid JSON (scanned as text)")
                            yield Chunk(raw + b"\n", line)
                        else:
                            self.records += 1
                            yield from self._cells(obj, line, str(self.records))
                    line += 1
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
                data = b"".join(parts)
                try:
                    obj = json.loads(data)
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
