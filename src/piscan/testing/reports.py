"""Report documents built by hand in the JSON contract's shape (docs/schema/report.schema.json), for tests
and benchmarks that feed the risk engine and the renderers without running a scan."""

from __future__ import annotations

from typing import Any


def report_document(
    findings: list[dict[str, Any]],
    kinds: dict[str, str] | None = None,
    assets: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A report holding ``findings``; ``kinds``: input type per path (default ``text``)."""
    kinds = kinds or {}
    paths = sorted({f["path"] for f in findings} | set(kinds))
    return {
        "schema_version": "1.0",
        "tool": {"name": "piscan", "version": "0.0.0"},
        "rule_packs": [],
        "rules": [],
        "scan": {
            "started_at": "",
            "finished_at": "",
            "seconds": 0,
            "roots": paths,
            "fingerprint": {"algorithm": "HMAC-SHA256/128", "key_id": "test"},
            "options": {},
        },
        "inputs": [{"path": p, "type": kinds.get(p, "text")} for p in paths],
        "summary": {
            "findings": len(findings),
            "masked": sum(f["masked"] for f in findings),
            "unmasked": sum(not f["masked"] for f in findings),
            "by_entity": {},
            "by_rule": {},
        },
        "findings": findings,
        "assets": assets or [],
        "errors": [],
    }


def scan_state(result: Any) -> dict[str, Any]:
    """What a :class:`~piscan.scanner.ScanResult` says, in a form two scans can be compared by: findings,
    assets, values read per column, inputs, errors and characters scanned (no timings)."""
    return {
        "findings": [f.to_dict() for f in result.findings],
        "assets": result.assets,
        "values": result.column_values,
        "inputs": result.inputs,
        "errors": [e.to_dict() for e in result.errors],
        "bytes": result.bytes_scanned,
    }
