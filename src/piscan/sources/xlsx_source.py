"""Excel workbooks (``.xlsx``/``.xlsm``): every sheet a table, its header row the column names (after any
title rows of a report: a name, a date, a blank row; none when the first row is data), each value a cell
attributed to ``sheet`` / header column, its ``row`` the sheet row number.

Chinese enterprises keep and pass on personal information in Excel exports above all; read as a zip
archive, a workbook gave findings in ``xl/sharedStrings.xml`` with no column and no row. openpyxl (the
maintained reader of the format, read-only mode) streams the rows of each sheet with bounded memory.

Numbers are as Excel stores them: a phone number typed into a number cell is the integer it shows; an
18-digit ID typed as a number has already lost its last digits in Excel (15 significant digits) and is
not a valid ID any more -- which is also what a recipient of the file would see.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from piscan.detection.detector import may_hold_value
from piscan.sources.base import Cell, Reader, SourceError


def cell_text(value: Any) -> str:
    """A cell value as text: whole floats without ``.0`` (Excel stores every number as a float), and as
    Excel shows them: to 15 significant digits. A card number typed into a number cell has lost its
    last digits in Excel; the float's exact binary value would invent others that are nowhere in the file.

    >>> cell_text(13812345678.0), cell_text(6.228482104087201e18), cell_text(2.5)
    ('13812345678', '6228482104087200000', '2.5')
    """
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e20:
        if abs(value) < 1e15:
            return str(int(value))
        from decimal import Decimal

        return str(int(Decimal(format(value, ".15g"))))
    return str(value)


def sheet_row_cells(counts: dict[tuple[str, str], int], table: str, header: list[str], r: int,
                    values: Sequence[Any], letter: Callable[[int], str]) -> Iterator[Cell]:
    """The cells of sheet row ``r`` (1-based) that may hold a value, attributed to the sheet (``table``) and
    header column (its letter where the header has no name), with ``row``/``line`` the sheet row; every
    non-empty value is counted per column in ``counts``. ``None`` is an empty cell."""
    for ci, value in enumerate(values):
        if value is None:
            continue
        column = (header[ci] if ci < len(header) else "") or letter(ci + 1)
        counts[(table, column)] = counts.get((table, column), 0) + 1
        text = cell_text(value)
        if may_hold_value(text):
            yield Cell(text, line=r, offset=0, table=table, column=column, row=str(r), context=(column,))


def header_of(values: Sequence[Any]) -> list[str] | None:
    """A sheet's header from its first row with a non-empty value (``None`` for an empty row)."""
    if any(v is not None and str(v).strip() for v in values):
        return [cell_text(v).strip() if v is not None else "" for v in values]
    return None


def _filled(values: Sequence[Any]) -> list[str]:
    return [cell_text(v) for v in values if v is not None and str(v).strip()]



class WorkbookReader(Reader):
    """What the workbook readers share: per-column value counts, rows and sheets read, the file's size and
    digest (``_meta``, set when the workbook is read)."""

    def __init__(self, path: str, display_path: str | None = None, *, opener=None) -> None:
        super().__init__(path, display_path, opener=opener)
        self.counts: dict[tuple[str, str], int] = {}
        self.rows = 0
        self.sheets = 0
        self._meta: dict[str, Any] = {}

    def metadata(self) -> dict[str, Any]:
        return {**self._meta, "sheets": self.sheets, "rows_scanned": self.rows}

    def _sheet(self, table: str, rows: Iterator[tuple[int, Sequence[Any]]], letter: Callable[[int], str]
               ) -> Iterator[Cell]:
        """The cells of one sheet, ``rows`` its ``(row number, values)``. The header is the first row with
        two or more column names when only title rows (at most one filled cell: a report's name, a date, a
        merged title) come before it; else the first filled row, if it reads as column names. Title rows'
        cells are scanned without a column; without a header, columns are letters and the first row is data."""
        from piscan.sources.csv_source import PREAMBLE_LOOKAHEAD, header_index, is_header

        ahead = list(itertools.islice(rows, PREAMBLE_LOOKAHEAD))
        titles = header_index([_filled(values) for _r, values in ahead])  # (as a CSV export's preamble)
        header: list[str] | None = None
        for k, (r, values) in enumerate(itertools.chain(ahead, rows)):
            if k < titles:
                for text in _filled(values):  # a title, a note: a value in it has no column
                    if may_hold_value(text):
                        yield Cell(text, line=r, offset=0, table=table, row=str(r))
                continue
            if header is None:
                filled = _filled(values)
                if not filled:
                    continue
                if is_header(filled):
                    header = header_of(values)
                    continue
                header = []  # no header row: columns by letter, this row is data
            self.rows += 1
            yield from sheet_row_cells(self.counts, table, header, r, values, letter)

    def column_values(self) -> dict[tuple[str, str], int]:
        return dict(self.counts)


class XlsxReader(WorkbookReader):
    kind = "xlsx"

    def items(self) -> Iterator[Cell]:
        import openpyxl
        from openpyxl.utils import get_column_letter

        from piscan.digest import sha256_stream

        raw = self.open_binary()
        fh = raw
        try:
            if not raw.seekable():  # the format needs a seekable file
                import shutil
                import tempfile

                fh = tempfile.SpooledTemporaryFile(max_size=64 << 20)  # noqa: SIM115 - closed below
                shutil.copyfileobj(raw, fh, 1 << 20)
            fh.seek(0)
            size, sha = sha256_stream(fh)
            self._meta = {"size": size, "sha256": sha}
            fh.seek(0)
            try:
                book = openpyxl.load_workbook(fh, read_only=True, data_only=True)
            except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException: not a workbook
                raise SourceError(f"cannot read Excel workbook: {type(exc).__name__}: {exc}") from None
            try:
                for ws in book.worksheets:
                    self.sheets += 1
                    table = ws.title
                    try:
                        yield from self._sheet(table, enumerate(ws.iter_rows(values_only=True), 1),
                                               get_column_letter)
                    except Exception as exc:  # a damaged sheet: the sheets read so far are reported
                        raise SourceError(f"sheet {table!r}: cannot read row data: {type(exc).__name__}") from None
            finally:
                book.close()
        finally:
            if fh is not raw:
                fh.close()
            raw.close()


