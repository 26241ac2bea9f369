"""SQLite database files met on disk (``app.db``, ``data.sqlite``, a mobile app's database copied off a
device): read like a live ``sqlite:///`` URL, table by table with column and key, read-only.

A folder scan skipped them as binary files. They are recognised by the file header (``SQLite format 3``),
whatever their name, and read by :class:`piscan.sources.live_db.LiveDbReader` with the scan's ``--sample``
/ ``--full`` (the scanner sets :attr:`sample`). A database inside a zip or tarball is copied to a private
temporary file first (SQLite needs a file). The input records the file's size and sha256, so ``piscan
verify --inputs`` re-hashes it like any file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

from piscan.digest import sha256_file
from piscan.sources.base import Cell, SourceError
from piscan.sources.live_db import LiveDbReader, sqlite_readonly_engine
from piscan.sources.registry import SQLITE_MAGIC


class SqliteFileReader(LiveDbReader):
    kind = "sqlite_db"

    def __init__(self, path: str, display_path: str | None = None, *, opener=None) -> None:
        super().__init__(f"sqlite:///{os.path.abspath(path)}", display_path or path)
        self.path = path
        self.opener = opener  # (LiveDbReader takes none: a URL)
        self._file: str | None = None  # the database file read (a temporary copy for an archive member)
        self._meta: dict[str, Any] = {}

    def _engine(self) -> Any:
        return sqlite_readonly_engine(self._file or self.path)  # a file name is no URL: not parsed as one

    def _clean(self, exc: BaseException) -> str:
        return super()._clean(exc).replace(self._file or self.path, self.display_path)

    def items(self) -> Iterator[Cell]:
        tmp = None
        try:
            if self._is_database(self.path):
                self._file = self.path
            else:  # an archive member: SQLite reads files only
                tmp = tempfile.mkdtemp(prefix="piscan-sqlite-")
                self._file = os.path.join(tmp, "member.db")
                with self.open_binary() as src, open(self._file, "wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
            size = os.path.getsize(self._file)
            self._meta = {"size": size, "sha256": sha256_file(self._file)}
            yield from super().items()
        except OSError as exc:
            raise SourceError(f"cannot read SQLite database: {exc.strerror or exc}") from None
        finally:
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)

    @staticmethod
    def _is_database(path: str) -> bool:
        try:
            with open(path, "rb") as fh:
                return fh.read(16) == SQLITE_MAGIC
        except OSError:
            return False

    def metadata(self) -> dict[str, Any]:
        return {**self._meta, **super().metadata()}
