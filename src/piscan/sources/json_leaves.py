"""The leaves of parsed JSON values, compiled with mypyc (``piscan.native``): a JSON Lines export holds a
dozen leaves per record and millions of records, and walking them in interpreted Python took ~40% of such
a scan.

>>> list(leaves({"a": {"b": [1, None, "x"]}, "c": 2.5, "d": True}))
[('a.b[]', '1'), ('a.b[]', 'x'), ('c', '2.5')]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def leaves(obj: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(key path, text) of every non-null, non-boolean scalar leaf, in document order; array elements add
    ``[]`` to the path (``contacts[].phone``); floats as ``repr`` writes them."""
    stack: list[tuple[str, Any]] = [(path, obj)]
    while stack:
        p, o = stack.pop()
        if isinstance(o, dict):
            items = list(o.items())
            for k in range(len(items) - 1, -1, -1):
                key, v = items[k]
                stack.append((f"{p}.{key}" if p else str(key), v))
        elif isinstance(o, list):
            child = f"{p}[]"
            for k in range(len(o) - 1, -1, -1):
                stack.append((child, o[k]))
        elif o is None or isinstance(o, bool):
            continue
        elif isinstance(o, str):
            yield p, o
        elif isinstance(o, float):
            yield p, repr(o)
        else:
            yield p, str(o)


def collect(obj: Any, values: dict[str, tuple[int, ...]] | None, counts: dict[tuple[str | None, str], int],
            pending: dict[str, list[tuple[Any, ...]]], line: int, row: str) -> int:
    """Count every leaf of record ``obj`` per key path (``"$"`` for a bare scalar) in ``counts``, and queue
    in ``pending`` (per key path) the leaves that hold one of ``values`` (the record's validator-gated
    candidates, each with the patterns that reported it; ``None``: every leaf, any pattern) as ``(text,
    line, 0, row, patterns)``, ``patterns`` those of the values the leaf holds: a pattern that matches in
    a leaf reported its match, which the leaf then contains. Returns the characters of the leaves left out
    (no candidate in them: the values are ASCII, which JSON strings do not escape)."""
    unscanned = 0
    for path, text in leaves(obj):
        col = path or "$"
        key: tuple[str | None, str] = (None, col)
        counts[key] = counts.get(key, 0) + 1
        patterns: tuple[int, ...] | None = None
        if values is not None:
            held: list[int] = []
            for v, pids in values.items():
                if v in text:
                    for p in pids:
                        if p not in held:
                            held.append(p)
            if not held:
                unscanned += len(text)
                continue
            held.sort()
            patterns = tuple(held)
        queue = pending.get(col)
        if queue is None:
            queue = pending[col] = []
        queue.append((text, line, 0, row, patterns))
    return unscanned
