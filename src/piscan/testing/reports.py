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
