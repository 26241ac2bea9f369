"""Risk levels: ordering and arithmetic (raise by n steps, cap, maximum)."""

from __future__ import annotations

from collections.abc import Iterable

LEVELS: tuple[str, ...] = ("info", "low", "medium", "high", "critical")
RANK: dict[str, int] = {lv: i for i, lv in enumerate(LEVELS)}


def raise_level(level: str, steps: int = 1, cap: str = "critical") -> str:
    """``level`` raised by ``steps`` but never above ``cap`` (and never lowered by the cap)."""
    r = RANK[level]
    target = min(r + steps, max(RANK[cap], r))
    return LEVELS[max(0, target)]


def lower_level(level: str, steps: int = 1) -> str:
    return LEVELS[max(0, RANK[level] - steps)]


def max_level(levels: Iterable[str], default: str = "info") -> str:
    best = None
    for lv in levels:
        if best is None or RANK[lv] > RANK[best]:
            best = lv
    return best or default


def at_least(level: str, floor: str) -> str:
    return level if RANK[level] >= RANK[floor] else floor
