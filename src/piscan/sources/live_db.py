"""Live databases through SQLAlchemy URLs: ``postgresql://``, ``mysql+pymysql://``, ``sqlite:///path.db``.

* Enumerates schemas, tables and the columns that can hold PI as text: string/text/char/enum, JSON, binary
  (BLOB/bytea, decoded as UTF-8 like a dump's binary values), and integer/numeric columns wide enough for an
  11–19 digit number (BIGINT, NUMERIC(≥11,0)); SQLite: every column (its types are only affinities).
* Reads a deterministic sample per table — the first ``sample`` rows ordered by primary key (or by the
  scanned columns when there is none); ``sample=None`` (``--full``) reads every row.
* Read-only: PostgreSQL sessions run with ``default_transaction_read_only``, MySQL sessions with
  ``SET SESSION TRANSACTION READ ONLY``, SQLite files are opened with ``mode=ro``.
* Streaming: server-side cursors (``stream_results``/``yield_per``), so memory stays flat.
* Credentials never appear in output: the display path is the URL without the password, and error messages
  are stripped of it.

Table names: PostgreSQL ``schema.table``; MySQL ``table`` when the URL names a database (as in a
``mysqldump`` of that database), else ``db.table``; SQLite ``table``. ``row`` is the primary-key value when
the table has a one-column integer key of at most 10 digits (a longer one may be PI), else the ordinal within
the sample.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from piscan.sources.base import SAFE_ROW_KEY, Cell, Reader, SourceError

DEFAULT_SAMPLE = 1000
_SYSTEM_SCHEMAS = {"information_schema", "pg_catalog", "pg_toast", "mysql", "performance_schema", "sys"}


def safe_url(url: str) -> str:
    """The URL with any password removed (for display and errors)."""
    try:
        from sqlalchemy.engine import URL, make_url

        u = make_url(url)
        clean = URL.create(u.drivername, username=u.username, password=None, host=u.host, port=u.port,
                           database=u.database, query=u.query)
        return clean.render_as_string(hide_password=False)
    except Exception:
        return re.sub(r"(//[^:/@]*):[^@]*@", r"\1@", url)


def _password(url: str) -> str | None:
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).password
    except Exception:
        m = re.search(r"//[^:/@]*:([^@]*)@", url)
        return m.group(1) if m else None


def _scannable(coltype: Any) -> bool:
    from sqlalchemy import types as st

    base = getattr(coltype, "data_type", None)  # a PostgreSQL DOMAIN (CREATE DOMAIN phone_t AS varchar)
    if base is not None and not isinstance(coltype, st.String | st.JSON | st.NullType | st.Enum):
        return _scannable(base)
    if isinstance(coltype, st.String | st.JSON | st.NullType | st.Enum):
        return True
    if isinstance(coltype, st.Double):  # DOUBLE / float8 hold any 11-19 digit number up to 2**53 exactly
        return True
    # BLOB, VARBINARY, BINARY, bytea (all derive from the private _Binary): a dump of the table shows their bytes
    # and its reader finds the PI in them, so a live scan reads them too (decoded as UTF-8, like the dump)
    if isinstance(coltype, st._Binary):
        return True
    if isinstance(coltype, st.ARRAY):  # PostgreSQL text[], bigint[]…: read as the JSON list of its items
        return _scannable(coltype.item_type)
    if isinstance(coltype, st.BigInteger):
        return True
    if isinstance(coltype, st.Numeric) and not isinstance(coltype, st.Float):
        prec, scale = getattr(coltype, "precision", None), getattr(coltype, "scale", None)
        return (prec is None or prec >= 11) and not scale
    return False


def _pg_table_kinds(conn: Any) -> dict[tuple[str, str], str]:
    """PostgreSQL tables whose rows a plain ``SELECT`` mixes with other tables': ``"partitioned"`` (a
    declaratively partitioned table: its partitions hold the rows) and ``"parent"`` (others inherit from
    it: ``SELECT`` also returns theirs)."""
    import sqlalchemy as sa

    rows = conn.execute(sa.text(
        "SELECT n.nspname, c.relname, c.relkind::text, "
        "EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhparent = c.oid) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')"))
    out: dict[tuple[str, str], str] = {}
    for schema, name, kind, parent in rows:
        if kind == "p":
            out[(schema, name)] = "partitioned"
        elif parent:
            out[(schema, name)] = "parent"
    return out


def _same(name: str) -> str:
    return name


def _mysql_name(name: str) -> str:
    return name.replace("``", "`")


def _reflected_name(backend: str) -> Callable[[str], str]:
    """The real name of a reflected column: SQLAlchemy's MySQL reflection reads the names out of ``SHOW CREATE
    TABLE`` and keeps a backtick inside a name doubled (`` `we``ird` `` -> ``we``ird``); querying that name
    fails (unknown column) and loses the table."""
    return _mysql_name if backend in ("mysql", "mariadb") else _same


def sqlite_readonly_engine(path: str) -> Any:
    """A SQLAlchemy engine that opens the SQLite file ``path`` read-only (an SQLite URI: a ``?``, ``#`` or
    ``%`` in the file name is quoted, not read as URI syntax)."""
    import sqlite3
    import urllib.parse

    import sqlalchemy as sa

    uri = f"file:{urllib.parse.quote(path)}?mode=ro"
    return sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))


class LiveDbReader(Reader):
    kind = "database"

    def __init__(self, url: str, display_path: str | None = None, *, sample: int | None = DEFAULT_SAMPLE,
                 opener=None) -> None:
        super().__init__(url, display_path or safe_url(url))
        self.url = url
        self.sample = sample
        self.tables = 0
        self.rows = 0
        self.faults: list[str] = []

    def _clean(self, exc: BaseException) -> str:
        orig = getattr(exc, "orig", None) or exc
        msg = str(orig).strip().splitlines()[0] if str(orig).strip() else orig.__class__.__name__
        pw = _password(self.url)
        if pw:
            msg = msg.replace(pw, "***")
        return msg.replace(self.url, self.display_path)

    def _engine(self):
        import sqlalchemy as sa

        u = sa.engine.make_url(self.url)
        backend = u.get_backend_name()
        if backend == "sqlite":
            db = u.database or ""
            if not db or db == ":memory:":
                raise SourceError("sqlite URL needs a database file")
            return sqlite_readonly_engine(db)
        if backend == "postgresql":
            return sa.create_engine(u, connect_args={"connect_timeout": 10,
                                                     "options": "-c default_transaction_read_only=on"})
        if backend in ("mysql", "mariadb"):
            return sa.create_engine(u, connect_args={"connect_timeout": 10,
                                                     "init_command": "SET SESSION TRANSACTION READ ONLY"})
        return sa.create_engine(u)

    def items(self) -> Iterator[Cell]:
        import sqlalchemy as sa

        try:
            engine = self._engine()
        except SourceError:
            raise
        except Exception as exc:  # unknown dialect, missing driver
            raise SourceError(f"cannot open database URL: {self._clean(exc)}") from None
        try:
            try:
                conn = engine.connect()
            except Exception as exc:
                raise SourceError(f"cannot connect: {self._clean(exc)}") from None
            with conn:
                try:
                    insp = sa.inspect(conn)
                    backend = engine.dialect.name
                    url_db = engine.url.database
                    if backend == "sqlite":
                        schemas: list[str | None] = [None]
                    elif backend in ("mysql", "mariadb") and url_db:
                        schemas = [None]
                    else:
                        schemas = [s for s in insp.get_schema_names() if s not in _SYSTEM_SCHEMAS
                                   and not s.startswith("pg_temp") and not s.startswith("pg_toast")]
                    tables = {schema: sorted(insp.get_table_names(schema=schema)) for schema in schemas}
                    kinds = _pg_table_kinds(conn) if backend == "postgresql" else {}
                except Exception as exc:  # a damaged SQLite file ("file is not a database"), no privilege
                    raise SourceError(f"cannot list tables: {self._clean(exc)}") from None
                for schema in sorted(schemas, key=lambda s: s or ""):
                    for tname in tables[schema]:
                        display = tname if schema is None else f"{schema}.{tname}"
                        kind = kinds.get((schema, tname))
                        if kind == "partitioned":  # its rows are its partitions', scanned as tables of their own
                            continue
                        try:
                            yield from self._table(conn, insp, schema, tname, display, only=kind == "parent")
                        except Exception as exc:
                            conn.rollback()
                            self.faults.append(f"table {display}: {self._clean(exc)}")
        finally:
            engine.dispose()
        if self.faults:
            raise SourceError("; ".join(self.faults[:5]))

    def _table(self, conn, insp, schema: str | None, tname: str, display: str, only: bool = False
               ) -> Iterator[Cell]:
        """The cells of one table; ``only``: a PostgreSQL table that others inherit from, read without
        their rows (``FROM ONLY``: each child is a table of its own, as a dump writes it)."""
        import sqlalchemy as sa
        from sqlalchemy import types as st

        cols = insp.get_columns(tname, schema=schema)
        fix = _reflected_name(conn.dialect.name)
        types = {fix(c["name"]): c["type"] for c in cols}
        # SQLite types are only affinities: an INTEGER is 64-bit and any column can hold text, so every column
        # is read (untyped, as stored), as its .dump shows it
        scan = [fix(c["name"]) for c in cols if conn.dialect.name == "sqlite" or _scannable(c["type"])]
        if not scan:
            return
        pk = [fix(n) for n in insp.get_pk_constraint(tname, schema=schema).get("constrained_columns") or []]
        names = list(dict.fromkeys([*pk, *scan]))
        postgres = conn.dialect.name == "postgresql"
        if only:
            prep = conn.dialect.identifier_preparer
            source: Any = sa.text(f"ONLY {prep.quote_schema(schema)}.{prep.quote(tname)}" if schema
                                  else f"ONLY {prep.quote(tname)}")
            column: Callable[[str], Any] = sa.column
        else:
            tbl = sa.table(tname, *[sa.column(n) for n in names], schema=schema)
            source, column = tbl, lambda n: tbl.c[n]

        def unsortable(n: str) -> bool:  # json, xml (reflected untyped), arrays: PostgreSQL cannot order them
            return postgres and isinstance(types.get(n), st.JSON | st.NullType | st.ARRAY)

        def selected(n: str) -> Any:
            # PostgreSQL json as its text: the driver's dict would drop a duplicate key and the escapes as written
            t = types.get(n)
            if postgres and isinstance(t, st.JSON) and type(t).__name__ != "JSONB":
                return sa.cast(column(n), sa.Text).label(n)
            return column(n)

        order = [sa.cast(column(n), sa.Text) if unsortable(n) else column(n) for n in (pk or scan)]
        q = sa.select(*[selected(n) for n in names]).select_from(source).order_by(*order)
        if self.sample is not None:
            q = q.limit(self.sample)
        self.tables += 1
        result = conn.execution_options(stream_results=True, yield_per=500).execute(q)
        scan_idx = [(names.index(c), c) for c in scan]
        pk_i = names.index(pk[0]) if len(pk) == 1 else None
        ordinal = 0
        for rec in result:
            ordinal += 1
            self.rows += 1
            key = str(ordinal)
            if pk_i is not None and SAFE_ROW_KEY.fullmatch(str(rec[pk_i])):
                key = str(rec[pk_i])
            for i, c in scan_idx:
                v = rec[i]
                if v is None:
                    continue
                if isinstance(v, dict | list):
                    text = json.dumps(v, ensure_ascii=False, default=str)  # numeric[] items are Decimals
                elif isinstance(v, bytes | memoryview):
                    text = bytes(v).decode("utf-8", "replace")
                elif isinstance(v, float) and v.is_integer() and abs(v) < 1e19:
                    text = str(int(v))  # a DOUBLE holding 13812345678 reads 13812345678.0; a dump writes it whole
                else:
                    text = str(v)
                yield Cell(text, line=None, offset=0, table=display, column=c, row=key, context=(c,))

    def metadata(self) -> dict[str, Any]:
        return {"tables": self.tables, "rows_scanned": self.rows, "sample": self.sample}
