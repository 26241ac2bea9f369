"""PostgreSQL ``pg_dump`` plain format: ``COPY … FROM stdin`` blocks (the default) and ``--inserts`` /
``--column-inserts`` (standard quoting, strings may span lines)."""

from __future__ import annotations

from piscan.sources.sql_dump import SqlDumpReader


class PgDumpReader(SqlDumpReader):
    kind = "pg_dump"
    dialect = "std"
    written = "std"
