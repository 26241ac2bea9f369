"""HTML tables that web systems export as "Excel" (``.xls``): ``<table>`` rows whose first row of column
names is the header, each value a cell attributed to its column, its ``row`` the data row's number and its
``line`` where the cell's text is in the file.

Chinese web back-ends (OA, CRM, government portals) answer "导出Excel" with an HTML page named
``.xls`` (often declaring ``charset=gb2312``): Excel opens it as a sheet, and before this reader piscan read
it as plain text, with no column. The page is parsed with the standard library's
:class:`html.parser.HTMLParser`, fed block by block from the decoded stream (GB18030 is detected as for any
text), so memory stays bounded. Each ``<table>`` is a table of its own (``table`` is ``table1``,
``table2`` …); a title row above the header (one filled cell, as a report's
name in a ``colspan`` cell) is scanned without a column, as for CSV exports. Columns count from where a
cell's text starts; a character reference before a value in the same cell (``&amp;``) shifts them.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from piscan.sources.base import Cell, Reader, SourceError
from piscan.sources.text import DecodedStream, stream_metadata


def _text_start(raw: str, line: int, col: int) -> tuple[int, int]:
    """Line and column of ``raw.strip()``, given those of ``raw``: past its leading whitespace."""
    lead = raw[:len(raw) - len(raw.lstrip())]
    if "\n" in lead:
        return line + lead.count("\n"), len(lead) - lead.rfind("\n") - 1
    return line, col + len(lead)


class _Tables(HTMLParser):
    """Rows of the tables of a page: each finished row as ``(table number, [(text, line, column), …])``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[int, list[tuple[str, int, int]]]] = []
        self.tables = 0
        self.depth = 0  # nested tables are read as cells of the outer one
        self.row: list[tuple[str, int, int]] | None = None
        self.cell: list[str] | None = None
        self.at = (0, 0)
        self.outside: list[tuple[str, int, int]] = []  # text outside any cell: a title, a note, a footer
        self.skip = 0  # inside <script>/<style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "table":
            self.depth += 1
            if self.depth == 1:
                self.tables += 1
        elif self.depth == 1 and tag == "tr":
            self._end_row()
            self.row = []
        elif self.depth == 1 and tag in ("td", "th") and self.row is not None:
            self._end_cell()
            self.cell = []
            self.at = self.getpos()
        elif tag == "br" and self.cell is not None:
            self.cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag == "table":
            if self.depth == 1:
                self._end_row()
            self.depth = max(0, self.depth - 1)
        elif self.depth == 1 and tag in ("td", "th"):
            self._end_cell()
        elif self.depth == 1 and tag == "tr":
            self._end_row()

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            if not self.cell:  # where the cell's text starts
                self.at = self.getpos()
            self.cell.append(data)
        elif data.strip() and not self.skip:
            self.outside.append((data.strip(), *_text_start(data, *self.getpos())))

    def _end_cell(self) -> None:
        if self.cell is not None and self.row is not None:
            raw = "".join(self.cell)
            self.row.append((raw.strip(), *_text_start(raw, *self.at)))
        self.cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self.row is not None:
            self.rows.append((self.tables, self.row))
        self.row = None


class HtmlTableReader(Reader):
    kind = "html_table"

    def __init__(self, path: str, display_path: str | None = None, *, opener: Any = None) -> None:
        super().__init__(path, display_path, opener=opener)
        self._ds: DecodedStream | None = None
        self.rows = 0
        self.counts: dict[tuple[str | None, str], int] = {}

    def items(self) -> Iterator[Cell]:
        from piscan.sources.csv_source import PREAMBLE_LOOKAHEAD, is_header, is_note

        fh = self.open_binary()
        self._ds = ds = DecodedStream(fh)
        parser = _Tables()
        state: dict[int, list[str] | None] = {}  # per table: its header (``None``: still looking for it)
        seen: dict[int, int] = {}  # rows looked at per table while looking for the header
        data_rows: dict[int, int] = {}
        faults: list[str] = []

        def cells() -> Iterator[Cell]:
            for text, line, col in parser.outside:  # the page's text around its tables: no column
                yield Cell(text, line=line, offset=col)
            parser.outside.clear()
            for t, row in parser.rows:
                table = f"table{t}"  # (how many tables the page holds is not known until its end)
                texts = [text for text, _, _ in row if text]
                if state.get(t) is None:
                    seen[t] = seen.get(t, 0) + 1
                    if len(texts) >= 2 and not is_note(texts) and is_header(texts):
                        state[t] = [text for text, _, _ in row]  # the header row
                        continue
                    if (len(texts) <= 1 or is_note(texts)) and seen[t] <= PREAMBLE_LOOKAHEAD:
                        for text, line, col in row:  # a title or a note above the header: no column
                            if text:
                                yield Cell(text, line=line, offset=col, table=table)
                        continue
                    state[t] = []  # no header row: columns by position, this row is data
                names = state[t] or []
                n = data_rows[t] = data_rows.get(t, 0) + 1
                self.rows += 1
                for i, (text, line, col) in enumerate(row):
                    if not text:
                        continue
                    column = (names[i] if i < len(names) else "") or f"col{i + 1}"
                    self.counts[(table, column)] = self.counts.get((table, column), 0) + 1
                    yield Cell(text, line=line, offset=col, table=table, column=column, row=str(n),
                               context=(column,))
            parser.rows.clear()

        try:
            for block, _first in ds.blocks():
                parser.feed(block.decode("utf-8", "replace"))
                yield from cells()
            parser.close()
            parser._end_row()
            yield from cells()
        except SourceError as exc:
            faults.append(exc.reason)
        finally:
            fh.close()
        if faults:
            raise SourceError("; ".join(faults))

    def column_values(self) -> dict[tuple[str | None, str], int]:
        return dict(self.counts)

    def metadata(self) -> dict[str, Any]:
        return {**stream_metadata(self._ds), "rows_scanned": self.rows}
