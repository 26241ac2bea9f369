"""Legal citations (``rules/citations*.yaml``): loading, validation and display.

Cybersecurity Law ids use the 2017 numbering and carry the 2026 number; :func:`cite` renders both, e.g.
``CSL Art. 42 (2017 text; Art. 44 in the 2026 text ⚠)`` — the ⚠ marks an inferred, unverified mapping.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from piscan import yamlio
from piscan.resources import rules_dir

REQUIRED = ("id", "law", "title_zh", "title_en", "article", "paraphrase", "confidence")
CONFIDENCE = ("✅", "◐", "⚠")


class CitationError(ValueError):
    """A citations file is malformed (message names the file and the entry)."""


def citation_files(directory: Path | None = None) -> list[Path]:
    d = directory or rules_dir()
    return sorted(d.glob("citations*.yaml"))


def load_citations(directory: Path | None = None) -> dict[str, dict[str, Any]]:
    """All citations from every ``citations*.yaml`` in the rules directory, keyed by id."""
    out: dict[str, dict[str, Any]] = {}
    for path in citation_files(directory):
        data = yamlio.load(path.read_text(encoding="utf-8"), cached=True) or {}
        entries = data.get("citations")
        if not isinstance(entries, list):
            raise CitationError(f"{path.name}: expected a top-level 'citations' list")
        for entry in entries:
            cid = entry.get("id") if isinstance(entry, dict) else None
            missing = [k for k in REQUIRED if not entry.get(k)] if isinstance(entry, dict) else list(REQUIRED)
            if missing:
                raise CitationError(f"{path.name}: citation {cid!r} lacks {', '.join(missing)}")
            if entry["confidence"] not in CONFIDENCE:
                raise CitationError(f"{path.name}: citation {cid}: confidence must be one of {CONFIDENCE}")
            if entry["law"] == "CSL" and not (entry.get("article_2017") and entry.get("article_2026")):
                raise CitationError(f"{path.name}: citation {cid}: CSL citations need article_2017 and "
                                    "article_2026")
            if cid in out:
                raise CitationError(f"{path.name}: duplicate citation id {cid}")
            out[cid] = {**entry, "source": path.name}
    return out


def cite(c: dict[str, Any], lang: str = "en") -> str:
    """One-line citation naming the law and article (both CSL numberings)."""
    if c.get("article_2017"):
        mark = " ⚠" if c.get("renumbering_uncertain") else ""
        if lang == "zh":
            return (f"《{c.get('law_zh', c['law'])}》第{c['article_2017']}条（2017年文本；"
                    f"2026年文本第{c['article_2026']}条{mark}）")
        return f"CSL Art. {c['article_2017']} (2017 text; Art. {c['article_2026']} in the 2026 text{mark})"
    if lang == "zh":
        return f"《{c.get('law_zh', c['law'])}》{c['article']}"
    return f"{c['law']} {c['article']}"


def digest(directory: Path | None = None) -> str:
    h = hashlib.sha256()
    for p in citation_files(directory):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()
