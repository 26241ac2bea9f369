"""``mysqldump --xml`` output: every value a ``<field name="column">`` of a ``<row>`` in a
``<table_data name="table">`` of a ``<database name="db">``, read as cells with table, column and row.

Binary values (mysqldump writes a BLOB's bytes raw, which XML forbids) are read with U+FFFD in place of
the bytes XML cannot hold. The XML is streamed through expat (the standard library's parser:
incremental, line numbers of its own), with document type declarations refused (mysqldump writes none;
a DTD is how entity-expansion bombs
come in). NULL is ``xsi:nil="true"``; ``<table_structure>`` gives each table's primary key
(``Key="PRI"``), whose value names a finding's ``row`` (short digits only, as for SQL dumps; else the
row ordinal). A finding's ``line`` is where its field's text starts; its columns count from the start of
that text as decoded (XML escapes such as ``&quot;`` undone).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from xml.parsers import expat

from piscan.detection.detector import may_hold_value
from piscan.sources.base import SAFE_ROW_KEY, Cell, Reader, SourceError
from piscan.sources.sql_common import decode_hex_literal
from piscan.sources.text import DecodedStream, stream_metadata

_NIL = "http://www.w3.org/2001/XMLSchema-instance nil"
_TYPE = "http://www.w3.org/2001/XMLSchema-instance type"  # xs:hexBinary: a BLOB dumped with --hex-blob
#: what XML 1.0 forbids but mysqldump --xml writes as it is: the raw bytes of a BLOB (NUL, control bytes,
#: invalid UTF-8); each becomes U+FFFD before the parser sees it, as the SQL dump reader reads such bytes
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _well_formed(block: bytes) -> bytes:
    if block.isascii() and not _XML_INVALID.search(block.decode("ascii")):
        return block
    return _XML_INVALID.sub("\ufffd", block.decode("utf-8", "replace")).encode("utf-8")


class _Refused(Exception):
    pass


class MysqlXmlReader(Reader):
    kind = "mysql_xml"
    #: set by the scanner to its Detector: each block goes through its prefilter and validator gate, and
    #: only fields holding a surviving report become cells (with the patterns that reported them)
    prefilter: Any = None

    def __init__(self, path: str, display_path: str | None = None, *, opener=None) -> None:
        super().__init__(path, display_path, opener=opener)
        self.counts: dict[tuple[str, str], int] = {}
        self.rows: dict[str, int] = {}
        self.unscanned = 0  # characters of fields no report pointed at
        self._ds: DecodedStream | None = None

    def items(self) -> Iterator[Cell]:
        fh = self.open_binary()
        self._ds = ds = DecodedStream(fh, strict=False, allow_binary=True)
        state = _State(self)
        # (the stream hands over UTF-8 whatever the file's encoding, so a declared encoding is overridden)
        parser = expat.ParserCreate(encoding="UTF-8", namespace_separator=" ")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = _refuse_doctype
        parser.EntityDeclHandler = _refuse_doctype
        parser.StartElementHandler = state.start
        parser.EndElementHandler = state.end
        parser.CharacterDataHandler = state.text
        state.parser = parser
        fault = None
        try:
            base = 0
            for block, _line in ds.blocks():
                block = _well_formed(block)
                state.block(base, self.prefilter.candidates(block) if self.prefilter is not None else None)
                parser.Parse(block, False)
                base += len(block)
                yield from state.take()
            parser.Parse(b"", True)
            yield from state.take()
        except expat.ExpatError as exc:
            yield from state.take()
            fault = f"XML not well-formed: {expat.ErrorString(exc.code)} at line {exc.lineno} (file cut?)"
        except _Refused:
            fault = "XML with a document type declaration (DTD) refused: mysqldump --xml writes none"
        finally:
            fh.close()
        if fault:
            raise SourceError(fault)

    def metadata(self) -> dict[str, Any]:
        return {**stream_metadata(self._ds), "dialect": self.kind, "tables": len(self.rows),
                "rows_scanned": sum(self.rows.values())}

    def column_values(self) -> dict[tuple[str, str], int]:
        return dict(self.counts)

    def unscanned_chars(self) -> int:
        return self.unscanned


def _refuse_doctype(*_args: Any) -> None:
    raise _Refused


class _State:
    """Where the parser is: database, table, row, field, and the cells of finished rows."""

    def __init__(self, reader: MysqlXmlReader) -> None:
        self.reader = reader
        self.parser: Any = None
        self.db: str | None = None
        self.table: str | None = None  # inside <table_data>
        self.structure: str | None = None  # inside <table_structure>
        self.keys: dict[str, str] = {}  # table -> its one-column primary key
        self.field: str | None = None  # inside <field name=…> of a row
        self.parts: list[str] = []
        self.line = 0  # where the field's text starts
        self.row: list[tuple[str, str, int, Any]] = []  # (column, text, line, patterns) of the current row
        self.out: list[Cell] = []
        self.base = 0  # stream offset of the block being parsed
        self.cands: Any = None  # its gated prefilter reports (None: every field is a candidate)
        self.byte_start = 0  # stream offset of the current field's text
        self.hex = False  # the current field is xs:hexBinary

    def block(self, base: int, cands: Any) -> None:
        self.base, self.cands = base, cands

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "field":
            if self.table is not None:
                if attrs.get(_NIL) != "true":
                    self.field = attrs.get("name", "")
                    self.parts = []
                    self.line = self.parser.CurrentLineNumber
                    self.hex = attrs.get(_TYPE) == "xs:hexBinary"
            elif self.structure is not None and attrs.get("Key") == "PRI":
                # a second key column: not a one-column key
                self.keys[self.structure] = "" if self.structure in self.keys else attrs.get("Field", "")
        elif name == "row":
            self.row = []
        elif name == "table_data":
            self.table = self._qualified(attrs.get("name", ""))
        elif name == "table_structure":
            self.structure = self._qualified(attrs.get("name", ""))
        elif name == "database":
            self.db = attrs.get("name")

    def _qualified(self, table: str) -> str:
        return f"{self.db}.{table}" if self.db else table

    def text(self, data: str) -> None:
        if self.field is not None:
            if not self.parts:
                self.line = self.parser.CurrentLineNumber
                self.byte_start = self.parser.CurrentByteIndex
            self.parts.append(data)

    def _patterns(self, start: int, end: int) -> tuple[int, ...] | bool | None:
        """The patterns reported inside the field text at stream bytes ``[start, end)``: ``False`` when
        none (the field is only counted), ``None`` when any may apply (a generic report, no prefilter, or a
        field that began in an earlier block)."""
        cands = self.cands
        if cands is None or start < self.base:
            return None
        lo, hi = start - self.base, end - self.base
        pats = cands.between(lo, hi + 1)  # (a report may consume the "<" after the value)
        return False if pats == () else pats

    def end(self, name: str) -> None:
        if name == "field" and self.field is not None:
            text = "".join(self.parts)
            pats = self._patterns(self.byte_start, self.parser.CurrentByteIndex) if text else False
            if self.hex and text:  # the bytes, read as UTF-8 like a dump's binary strings (any pattern)
                decoded = decode_hex_literal("0x" + text.strip())
                if decoded is not None:
                    text, pats = decoded, None
            self.row.append((self.field, text, self.line, pats))
            self.field = None
        elif name == "row" and self.table is not None:
            self._flush_row(self.table)
        elif name == "table_data":
            self.table = None
        elif name == "table_structure":
            self.structure = None

    def _flush_row(self, table: str) -> None:
        reader = self.reader
        n = reader.rows[table] = reader.rows.get(table, 0) + 1
        key = self.keys.get(table) or None
        row_key = str(n)
        if key is not None:
            for column, text, _line, _pats in self.row:
                if column == key and SAFE_ROW_KEY.fullmatch(text):
                    row_key = text
        counts = reader.counts
        for column, text, line, pats in self.row:
            counts[(table, column)] = counts.get((table, column), 0) + 1
            if pats is False or (pats is None and not may_hold_value(text)):
                reader.unscanned += len(text)
                continue
            self.out.append(Cell(text, line=line, offset=0, table=table, column=column, row=row_key,
                                 context=(column,), patterns=pats))

    def take(self) -> list[Cell]:
        out, self.out = self.out, []
        return out
