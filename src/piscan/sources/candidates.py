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
    from piscan.detection.detector import candidate_text

    cands = detector.candidates(block)
    line, pos = first, 0
    for frm, end, pid in zip(cands.starts, cands.ends, cands.pids, strict=True):
        p = end - 1  # (a report may end with the boundary character after its value, a newline too)
        if p > pos:
            line += block.count(b"\n", pos, p)
            pos = p
        exact = pid >= 0 and frm >= 0
        yield LineCandidate(line, end - (block.rfind(b"\n", 0, p) + 1), pid if exact else -1,
                            candidate_text(block, frm, end) if exact else None)
