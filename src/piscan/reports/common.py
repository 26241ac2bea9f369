"""Shared helpers for the renderers: labels (zh/en), locations, ordering, rule docs, timestamps.

Renderers work on the JSON report *document* (``json_report.build`` + ``risk.assess``), so a saved
report re-renders exactly like a fresh scan. None of them prints a raw value: they use the masked
``evidence``; only the HTML detail view shows ``value`` and only when the scan ran with --show-values.
"""

from __future__ import annotations

import datetime as _dt
import functools
from typing import Any

from piscan.findings import column_of
from piscan.resources import rules_dir
from piscan.risk.levels import RANK

LEVEL_LABELS = {
    "critical": ("严重", "Critical"), "high": ("高", "High"), "medium": ("中", "Medium"),
    "low": ("低", "Low"), "info": ("提示", "Info"),
}
DIMENSION_LABELS = {
    "collection": ("收集", "Collection"), "storage": ("存储", "Storage"), "use": ("使用", "Use"),
}
ENTITY_LABELS = {
    "CN_RESIDENT_ID": ("身份证号", "Resident ID"),
    "CN_MOBILE_PHONE": ("手机号", "Mobile number"),
    "CN_BANK_CARD": ("银行卡号", "Bank card"),
}
LEVEL_COLOURS = {
    "critical": "#8b0000", "high": "#d9381e", "medium": "#e8a317", "low": "#3b7dd8", "info": "#7a8793",
}
LEVELS_DESC = ("critical", "high", "medium", "low", "info")
DIMENSIONS = ("collection", "storage", "use")


def level_label(level: str | None, lang: str = "zh") -> str:
    pair = LEVEL_LABELS.get(level or "", (level or "-", level or "-"))
    return pair[0] if lang == "zh" else pair[1]


def dim_label(dim: str | None, lang: str = "zh") -> str:
    pair = DIMENSION_LABELS.get(dim or "", (dim or "-", dim or "-"))
    return pair[0] if lang == "zh" else pair[1]


def entity_label(entity: str, lang: str = "zh") -> str:
    pair = ENTITY_LABELS.get(entity)
    if pair is None:
        return entity
    return pair[0] if lang == "zh" else pair[1]


def where(f: dict[str, Any]) -> str:
    """``path [table.column row=…]:line:column`` of a finding (1-based column)."""
    loc = f.get("path") or ""
    if f.get("table") or f.get("column"):
        loc += " [" + (column_of(f) or "")
        loc += (f" row={f['row']}" if f.get("row") else "") + "]"
    if f.get("line") is not None:
        loc += f":{f['line']}"
        if f.get("start") is not None:
            loc += f":{f['start'] + 1}"
    return loc


def level_of(f: dict[str, Any]) -> str:
    return (f.get("risk") or {}).get("level") or "info"


def by_severity(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings most severe first; ties keep the deterministic report order (stable sort)."""
    return sorted(findings, key=lambda f: -RANK[level_of(f)])


@functools.lru_cache(maxsize=256)
def rule_doc(rule_id: str) -> str:
    """The Markdown doc page of a detection or risk rule (``rules/docs/<id>.md``), or ''."""
    p = rules_dir() / "docs" / f"{rule_id}.md"
    try:
        return p.read_text(encoding="utf-8")
    except OSError:
        return ""


def timestamp(generated_at: str | None) -> str:
    """The report's generation time: injected (``--now``, golden tests) or now (UTC)."""
    if generated_at:
        return generated_at
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def citations_by_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in doc.get("citations", [])}


def risk_rules_by_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in doc.get("risk_rules", [])}


def rules_by_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in doc.get("rules", [])}


def top_assets(doc: dict[str, Any], n: int = 20) -> list[dict[str, Any]]:
    assets = [a for a in doc.get("assets", []) if a.get("risk")]
    assets.sort(key=lambda a: (-RANK[a["risk"]["level"]], -(a["risk"].get("persons") or 0),
                               -(a["risk"].get("findings") or 0), a.get("asset", "")))
    return assets[:n]
