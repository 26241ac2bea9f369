"""The database services tests run against (PostgreSQL 127.0.0.1:5432, MariaDB 127.0.0.1:3306)."""

from __future__ import annotations

import socket


def listening(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something accepts TCP connections on ``host:port`` (tests skip when a service is down)."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False
