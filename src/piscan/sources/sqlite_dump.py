"""SQLite ``.dump`` output: ``INSERT INTO "t" VALUES(…)`` with doubled quotes and the
``replace('…\\n…','\\n',char(10))`` forms newer sqlite3 shells write for strings with newlines."""

from __future__ import annotations

from piscan.sources.sql_dump import SqlDumpReader


class SqliteDumpReader(SqlDumpReader):
    kind = "sqlite_dump"
    dialect = "std"
    written = "sqlite"
