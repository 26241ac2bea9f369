"""Asset keys shared by gates, allowlists and baselines.

``path`` for files, ``path#table.column`` for columns.
"""

from __future__ import annotations

from typing import Any

from piscan.findings import column_of


def asset_key(finding: Any) -> str:
    col = column_of(finding)
    path = get(finding, "path") or ""
    return f"{path}#{col}" if col else path


def get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)
