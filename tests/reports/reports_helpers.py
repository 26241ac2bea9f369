"""Shared constants and helpers of the report tests: a fixed scan, hand-built findings in the contract's shape.

Imported as ``from reports_helpers import ...`` (a unique module name: ``from conftest import`` would
resolve to whichever folder's conftest.py was imported first). Fixtures stay in conftest.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from piscan.reports.json_report import build
from piscan.risk import assess, load_risk_pack
from piscan.scanner import Scanner, ScanOptions
from piscan.testing.reports import report_document

HERE = Path(__file__).parent
GOLDEN_LOG = HERE / "data" / "golden.log"
PLANTED = ("13812345678", "11010519491231002X", "6222020200112233446", "13900001111")
SCAN_DATE = dt.date(2026, 1, 2)
NOW = "2026-01-02T12:00:00Z"


def normalise(doc: dict[str, Any]) -> dict[str, Any]:
    """Blank what legitimately varies between runs/machines (timestamps, durations, absolute paths)."""
    doc["scan"].update(
        started_at="2026-01-02T11:59:00Z", finished_at="2026-01-02T11:59:01Z", seconds=1.0, engine="-"
    )
    for p in doc["rule_packs"]:
        p["path"] = f"rules/{p['id']}.yaml"
        p["sha256"] = "0" * 64
    doc["risk"]["sha256"] = "0" * 64
    return doc


def scan_doc(path: Path | str = GOLDEN_LOG, show_values: bool = False, **policy: Any) -> dict[str, Any]:
    result = Scanner(ScanOptions(today=SCAN_DATE, show_values=show_values, jobs=1)).scan([str(path)])
    doc = build(result)
    return assess(doc, load_risk_pack(overrides=policy or None), scan_date=SCAN_DATE.isoformat())


def fp(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def finding(
    entity: str = "CN_RESIDENT_ID",
    *,
    path: str = "app.log",
    line: int | None = 1,
    masked: bool = False,
    value_id: str | int = 1,
    table: str | None = None,
    column: str | None = None,
    row: str | None = None,
    attributes: dict[str, Any] | None = None,
    rule_id: str | None = None,
    sensitive: bool | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A finding dict in the contract's shape (no raw value: evidence is a masked placeholder)."""
    rules = {
        "CN_RESIDENT_ID": ("CNPI001", "CNPI101", True),
        "CN_MOBILE_PHONE": ("CNPI002", "CNPI102", False),
        "CN_BANK_CARD": ("CNPI003", "CNPI103", True),
    }
    full, mrule, sens = rules.get(entity, ("X", "X", False))
    d: dict[str, Any] = {
        "rule_id": rule_id or (mrule if masked else full),
        "entity_type": entity,
        "path": path,
        "line": line,
        "start": 0 if line is not None else None,
        "end": 4 if line is not None else None,
        "masked": masked,
        "confidence": 0.9,
        "evidence": "***",
        "fingerprint": fp(f"{entity}:{value_id}"),
        "sensitive": (False if masked else sens) if sensitive is None else sensitive,
    }
    for k, v in (("table", table), ("column", column), ("row", row)):
        if v is not None:
            d[k] = v
    if attributes:
        d["attributes"] = attributes
    d.update(extra)
    return d


def rate(
    findings: list[dict[str, Any]],
    kinds: dict[str, str] | None = None,
    assets: list | None = None,
    **policy: Any,
) -> dict[str, Any]:
    return assess(report_document(findings, kinds, assets), load_risk_pack(overrides=policy or None))
