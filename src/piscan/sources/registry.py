"""Pick a reader for an input path (by content and extension; ``--type`` overrides)."""

from __future__ import annotations

from typing import Any

from piscan.sources.base import Reader
from piscan.sources.manifests.readers import MANIFEST_READERS, detect_manifest_kind
from piscan.sources.text import TextReader

#: ``--type`` values -> reader factory. Structured sources register here.
READERS: dict[str, type[Reader]] = {"text": TextReader, **MANIFEST_READERS}


def detect_kind(path: str) -> str:
    """The input type of ``path`` judged by extension and content (``text`` when nothing else fits)."""
    manifest = detect_manifest_kind(path)
    if manifest:
        return manifest
    return "text"


def open_reader(path: str, display_path: str, type_override: str | None = None,
                options: dict[str, Any] | None = None) -> Reader:
    """Open ``path`` with the reader of its kind.

    ``options`` (scan-wide settings such as ``fingerprinter`` and ``app_type``) reach only readers whose
    class sets ``accepts_options = True`` (the app-manifest readers); others are built as before.
    """
    kind = type_override or detect_kind(path)
    try:
        factory = READERS[kind]
    except KeyError:
        raise ValueError(f"unknown input type {kind!r} (known: {', '.join(sorted(READERS))})") from None
    if getattr(factory, "accepts_options", False):
        return factory(path, display_path, options=options or {})
    return factory(path, display_path)
