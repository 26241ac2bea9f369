"""The database services tests run against (PostgreSQL 127.0.0.1:5432, MariaDB 127.0.0.1:3306), and dumps
made from them by the real ``mysqldump`` / ``pg_dump``."""

from __future__ import annotations

import socket
from collections.abc import Sequence
from pathlib import Path


def listening(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something accepts TCP connections on ``host:port`` (tests skip when a service is down)."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


MYSQL = ["mysql", "-h127.0.0.1", "-uroot", "--default-character-set=utf8mb4"]
PSQL = ["psql", "-h127.0.0.1", "-Upostgres", "-q", "-v", "ON_ERROR_STOP=1", "test"]


def real_mysqldump(setup_sql: str, db: str, out: Path, flags: Sequence[str] = ()) -> Path:
    """Run ``setup_sql`` in the local MariaDB (it creates database ``db``), dump ``db`` to ``out`` with the
    real ``mysqldump`` and ``flags``, and drop ``db`` whatever happens."""
    import subprocess

    try:
        subprocess.run(MYSQL, input=setup_sql, text=True, check=True)
        with out.open("wb") as fh:
            subprocess.run(["mysqldump", "-h127.0.0.1", "-uroot", *flags, db], stdout=fh, check=True)
    finally:
        subprocess.run(MYSQL, input=f"DROP DATABASE IF EXISTS {db};", text=True, check=False)
    return out


def real_mydumper(setup_sql: str, db: str, out: Path, flags: Sequence[str] = ()) -> Path:
    """As :func:`real_mysqldump`, with the real ``mydumper`` writing its folder of files to ``out``."""
    import subprocess

    try:
        subprocess.run(MYSQL, input=setup_sql, text=True, check=True)
        subprocess.run(["mydumper", "-h", "127.0.0.1", "-u", "root", "-B", db, "-o", str(out), *flags], check=True,
                       capture_output=True)
    finally:
        subprocess.run(MYSQL, input=f"DROP DATABASE IF EXISTS {db};", text=True, check=False)
    return out


def real_pg_dump(setup_sql: str, schema: str, out: Path, flags: Sequence[str] = ()) -> Path:
    """Run ``setup_sql`` in the local PostgreSQL database ``test`` (it creates ``schema``), dump the schema
    to ``out`` with the real ``pg_dump`` and ``flags``, and drop it whatever happens."""
    import subprocess

    try:
        subprocess.run(PSQL, input=setup_sql, text=True, check=True)
        with out.open("wb") as fh:
            subprocess.run(["pg_dump", "-h127.0.0.1", "-Upostgres", "-n", schema, *flags, "test"], stdout=fh,
                           check=True)
    finally:
        subprocess.run(PSQL, input=f"DROP SCHEMA IF EXISTS {schema} CASCADE;", text=True, check=False)
    return out
