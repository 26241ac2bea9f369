"""SQL Server scripts (T-SQL): what SQL Server Management Studio's "Generate Scripts" (schema and data)
and Navicat or DBeaver for SQL Server write.

``INSERT [dbo].[t] ([id], [name]) VALUES (1, N'张三')`` with or without ``INTO`` and ``;``, batches ended by
``GO`` lines, ``CREATE TABLE [dbo].[t](…)`` ended by ``GO`` with the key in a ``CONSTRAINT … PRIMARY KEY
CLUSTERED ([id] ASC)`` clause, ``N'…'`` strings with doubled quotes (no backslash escapes), dates and
decimals as ``CAST(N'…' AS DateTime)`` / ``CAST(12.50 AS Decimal(18, 2))``, and ``USE [db]``. Management
Studio saves scripts as UTF-16 ("Unicode") by default; the stream reader transcodes them, and line numbers
count lines of the decoded text.
"""

from __future__ import annotations

import re

from piscan.sources.sql_dump import _TRAIL, SqlDumpReader

# an INSERT's last row closes at a line end, ``;`` optional
_TSQL_INSERT_END = re.compile(rb"\);?" + _TRAIL)
# a CREATE TABLE ends with ``;`` at a line end or at the ``GO`` line that ends its batch
_TSQL_DDL_END = re.compile(rb";" + _TRAIL + rb"|\r?\n[ \t]*GO[ \t]*(?:\d+[ \t]*)?\r?\n", re.I)


class MssqlScriptReader(SqlDumpReader):
    kind = "mssql_script"
    dialect = "std"
    written = "std"
    _insert_end = _TSQL_INSERT_END
    _ddl_end = _TSQL_DDL_END
