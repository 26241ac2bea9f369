"""MariaDB/MySQL ``mysqldump`` output: extended INSERTs (MariaDB one row per line, Oracle MySQL one line per
statement), ``--skip-extended-insert``, ``--complete-insert``; backslash escapes, ``_binary`` and hex
literals.
Columns come from the INSERT column list or the ``CREATE TABLE`` earlier in the dump; ``USE `db``` qualifies
table names."""

from __future__ import annotations

from piscan.sources.sql_dump import SqlDumpReader


class MysqlDumpReader(SqlDumpReader):
    kind = "mysqldump"
    dialect = "mysql"
