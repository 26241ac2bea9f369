"""Inline ignores: ``piscan:ignore`` or ``piscan:ignore RULE_OR_ENTITY[,…]`` on the line of a finding.

Works for text files and SQL dumps alike (``-- piscan:ignore`` / ``/* piscan:ignore */`` on the line of the
statement or row), because it checks the decoded line a finding points at. Only files with findings are
re-read, line by line and only up to the last line needed, so memory stays bounded by one line.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import re
from collections import defaultdict
from collections.abc import Iterator

from piscan.findings import Finding

MARKER = re.compile(r"piscan:ignore(?:[ \t]+([A-Z][A-Z0-9_]*(?:[ \t]*,[ \t]*[A-Z][A-Z0-9_]*)*))?")
_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
_MARK = b"piscan:ignore"  # what MARKER starts with, searched in bytes before a line is decoded


def _open(fs_path: str):
    opener = next((o for ext, o in _OPENERS.items() if fs_path.endswith(ext)), open)
    return opener(fs_path, "rb")


def _lines(fs_path: str) -> Iterator[bytes]:
    with _open(fs_path) as fh:
        yield from fh


def _has_marker(fs_path: str, last: int) -> bool:
    """Whether lines 1 to ``last`` of the file may hold ``piscan:ignore``: a search of 1 MiB blocks (most
    files have none, and walking their lines in Python cost more than the search) that stops after the
    block where line ``last`` ends (the listed findings of a large file point at its first lines; the
    bytes after them need not be read again). ``True`` may be a marker past line ``last`` in that block."""
    seam = len(_MARK) - 1  # a marker across two blocks has at most this many bytes in each
    tail = b""
    newlines = 0
    with _open(fs_path) as fh:
        while block := fh.read(1 << 20):
            if _MARK in tail + block[:seam] or _MARK in block:
                return True
            newlines += block.count(b"\n")
            if newlines >= last:  # line ``last`` ends in this block
                return False
            tail = block[-seam:]
    return False


def _scopes(line: str) -> list[set[str] | None]:
    """One entry per marker on the line: ``None`` = everything, else the named rule ids / entity types."""
    out: list[set[str] | None] = []
    for m in MARKER.finditer(line):
        out.append({x.strip() for x in m.group(1).split(",")} if m.group(1) else None)
    return out


def _ignored(f: Finding, scopes: list[set[str] | None]) -> bool:
    return any(s is None or f.rule_id in s or f.entity_type in s for s in scopes)


def apply(findings: list[Finding], fs_paths: dict[str, str]) -> tuple[list[Finding], int]:
    """Drop findings whose line carries a matching ``piscan:ignore``; return the rest and how many."""
    by_path: dict[str, set[int]] = defaultdict(set)
    for f in findings:
        if f.line is not None and f.path in fs_paths:
            by_path[f.path].add(f.line)
    ignored_lines: dict[tuple[str, int], list[set[str] | None]] = {}
    for path, wanted in by_path.items():
        last = max(wanted)
        try:
            if not _has_marker(fs_paths[path], last):
                continue
            for n, raw in enumerate(_lines(fs_paths[path]), 1):
                if n in wanted and _MARK in raw:
                    ignored_lines[(path, n)] = _scopes(raw.decode("utf-8", "replace"))
                if n >= last:
                    break
        except (OSError, EOFError, lzma.LZMAError):
            continue  # the scan already reported this input's fault
    if not ignored_lines:
        return findings, 0
    kept = [f for f in findings
            if not ((f.path, f.line) in ignored_lines and _ignored(f, ignored_lines[(f.path, f.line)]))]
    return kept, len(findings) - len(kept)
