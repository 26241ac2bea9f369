"""Pick a reader for an input path (by content and extension; ``--type`` overrides)."""

from __future__ import annotations

from piscan.sources.base import Reader
from piscan.sources.text import TextReader

#: ``--type`` values -> reader factory. Structured sources register here.
READERS: dict[str, type[Reader]] = {"text": TextReader}


def detect_kind(path: str) -> str:
    """The input type of ``path`` judged by extension and content (``text`` when nothing else fits)."""
    return "text"


def open_reader(path: str, display_path: str, type_override: str | None = None) -> Reader:
    kind = type_override or detect_kind(path)
    try:
        factory = READERS[kind]
    except KeyError:
        raise ValueError(f"unknown input type {kind!r} (known: {', '.join(sorted(READERS))})") from None
    return factory(path, display_path)
