"""Validator-gated prefilter candidates of a decoded block, located by line, for the structured readers
that cannot map byte offsets to values themselves (CSV, JSON Lines): which lines hold a candidate, where
it ends in its line, which pattern reported it and its value."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple


class LineCandidate(NamedTuple):
    line: int  # absolute line number
    end: int  # byte offset in the line just past the report (it may include one boundary character)
    pattern: int  # -1: a generic report (any pattern may apply)
    value: str | None  # the candidate as its validator took it; None for a generic report


def by_line(detector: Any, block: bytes, first: int) -> Iterator[LineCandidate]:
    """The candidates of ``block`` (newline-aligned UTF-8 whose first line is number ``first``), in order."""
    cands = detector.candidates(block)
    line, pos = first, 0
    for end, pid, value in zip(cands.ends, cands.pids, cands.texts, strict=True):
        p = end - 1  # (a report may end with the boundary character after its value, a newline too)
        if p > pos:
            line += block.count(b"\n", pos, p)
            pos = p
        yield LineCandidate(line, end - (block.rfind(b"\n", 0, p) + 1), pid if value is not None else -1, value)
