"""Canonical bytes of a report: RFC 8785 JSON Canonicalization Scheme (JCS), via the ``rfc8785`` package."""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785

CANONICALIZATION = "RFC8785-JCS"


def canonical(obj: Any) -> bytes:
    return rfc8785.dumps(obj)


def digest(obj: Any) -> str:
    return hashlib.sha256(canonical(obj)).hexdigest()


def section_digests(report: dict[str, Any]) -> dict[str, str]:
    """sha256(JCS(value)) for every top-level key except ``signature`` (lets verify name what changed)."""
    return {k: digest(v) for k, v in sorted(report.items()) if k != "signature"}


def input_digests(report: dict[str, Any]) -> dict[str, str]:
    """sha256(JCS(entry)) per input path (lets verify name the input entry that changed)."""
    out = {}
    for i, entry in enumerate(report.get("inputs") or []):
        name = entry.get("path") if isinstance(entry, dict) else None
        out[str(name) if name is not None else f"#{i}"] = digest(entry)
    return out
