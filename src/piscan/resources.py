"""Locate data shipped with piscan (rule packs, templates, derived tables).

In a source checkout the data lives at the repository root (``rules/``, ``reports/templates/``);
in a wheel it is bundled under ``piscan/_bundled/``.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent
_REPO = _PKG.parent.parent


def _first_existing(*candidates: Path) -> Path:
    for c in candidates:
        if c.exists():
            return c
    return candidates[0]


def rules_dir() -> Path:
    """Directory holding the built-in rule packs (``*.yaml``)."""
    return _first_existing(_PKG / "_bundled" / "rules", _REPO / "rules")


def templates_dir() -> Path:
    """Directory holding the jinja2 report templates."""
    return _first_existing(_PKG / "_bundled" / "templates", _REPO / "reports" / "templates")


def data_dir() -> Path:
    """Directory holding derived data tables (region codes, mobile segments, BINs)."""
    return _PKG / "data"
