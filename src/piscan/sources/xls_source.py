"""Legacy Excel workbooks (``.xls``, Excel 97-2003 BIFF8, and WPS ``.et`` files in that format): every sheet a
table, its header row the column names (after title rows), each value a cell attributed to ``sheet`` /
header column, its ``row`` the sheet row number -- as :mod:`piscan.sources.xlsx_source` reads ``.xlsx``.

Chinese government and enterprise spreadsheets (rosters, customer lists, bank exports) are still often
``.xls``; without a reader they were skipped as binary files. xlrd (the maintained reader of the format,
BSD) parses the compound file in memory -- a BIFF8 sheet holds at most 65,536 rows of 256 columns, so
a workbook is small -- and loads one sheet at a time (``on_demand``). Dates and booleans are not text a
person's number could be written in and are skipped; numbers are as Excel stores them (see xlsx_source).
"""

from __future__ import annotations

from collections.abc import Iterator

from piscan.sources.base import Cell, SourceError
from piscan.sources.registry import OLE2_MAGIC
from piscan.sources.xlsx_source import WorkbookReader


def _letter(n: int) -> str:
    """Column letter of 1-based column ``n`` (``A``, ``AA``…)."""
    import xlrd

    return str(xlrd.colname(n - 1))


class XlsReader(WorkbookReader):
    kind = "xls"

    def items(self) -> Iterator[Cell]:
        import hashlib

        import xlrd
        from xlrd.biffh import XL_CELL_NUMBER, XL_CELL_TEXT

        with self.open_binary() as fh:
            data = fh.read()
        self._meta = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        if not data.startswith(OLE2_MAGIC):
            raise SourceError("not an Excel 97-2003 workbook (no OLE2 compound file header)")
        try:
            book = xlrd.open_workbook(file_contents=data, on_demand=True)
        except Exception as exc:  # XLRDError (encrypted, not BIFF), CompDocError (damaged), struct.error
            raise SourceError(f"cannot read Excel 97-2003 workbook: {type(exc).__name__}: {exc}") from None
        del data
        try:
            for i in range(book.nsheets):
                name = book.sheet_names()[i]
                try:
                    ws = book.sheet_by_index(i)
                except Exception as exc:  # a damaged sheet: the sheets read so far are reported
                    raise SourceError(f"sheet {name!r}: cannot read: {type(exc).__name__}") from None
                self.sheets += 1
                # text and numbers; empty, blank, date, boolean and error cells read as empty
                rows = ((r + 1, [v if t == XL_CELL_NUMBER or (t == XL_CELL_TEXT and v != "") else None
                                 for t, v in zip(ws.row_types(r), ws.row_values(r), strict=True)])
                        for r in range(ws.nrows))
                yield from self._sheet(name, rows, _letter)
                book.unload_sheet(i)
        finally:
            book.release_resources()
