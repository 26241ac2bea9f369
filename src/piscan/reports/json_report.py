"""The JSON report: the contract every other format and tool consumes.

Documented by ``docs/schema/report.schema.json``. Keys are written in a fixed order and findings in the
deterministic order of :func:`piscan.findings.sort_findings`, so the same input gives the same report
apart from the timestamps and durations in ``scan``.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from piscan import __version__
from piscan.findings import SCHEMA_VERSION
from piscan.scanner import ScanResult


def summary(result: ScanResult) -> dict[str, Any]:
    by_entity: Counter[str] = Counter()
    by_rule: Counter[str] = Counter()
    masked = 0
    for f in result.findings:
        by_entity[f.entity_type] += 1
        by_rule[f.rule_id] += 1
        masked += f.masked
    return {
        "findings": len(result.findings),
        "masked": masked,
        "unmasked": len(result.findings) - masked,
        "by_entity": dict(sorted(by_entity.items())),
        "by_rule": dict(sorted(by_rule.items())),
        "distinct_values": len({(f.entity_type, f.fingerprint) for f in result.findings if not f.masked}),
        "inputs": len(result.inputs),
        "bytes_scanned": result.bytes_scanned,
        "errors": sum(e.kind == "error" for e in result.errors),
        "skipped": sum(e.kind != "error" for e in result.errors),
        # every finding found, listed or not (assets cap what is listed: --max-findings-per-asset)
        "findings_total": sum(a.get("findings_total", 0) for a in result.assets) or len(result.findings),
        "truncated_assets": sum(1 for a in result.assets if a.get("truncated")),
    }


def build(result: ScanResult) -> dict[str, Any]:
    used = {f.rule_id for f in result.findings}
    report = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "piscan", "version": __version__},
        "rule_packs": [{k: v for k, v in p.meta().items() if k != "rules"} for p in result.packs],
        "rules": [result.rules[r].meta() for r in sorted(used) if r in result.rules],
        "scan": {
            "started_at": result.started_at,
            "finished_at": result.finished_at,
            "seconds": round(result.seconds, 3),
            "roots": result.roots,
            "engine": result.engine,
            "fingerprint": {"algorithm": "HMAC-SHA256/128", "key_id": result.fingerprint_key_id},
            "options": result.options,
        },
        "inputs": sorted(result.inputs, key=lambda i: i.get("path", "")),
        "summary": summary(result),
        "findings": [f.to_dict() for f in result.findings],
        "assets": result.assets,
        "errors": [e.to_dict() for e in result.errors],
    }
    # optional sections added by CI/signing (config, baseline, suppressed, audit_fingerprint, organization)
    for k, v in result.extra.items():
        report.setdefault(k, v)
    return report


def dumps(report: dict[str, Any]) -> str:
    """Serialise a report: one top-level key per line, one finding / asset / error per line.

    Readable, diff-friendly, and fast: every value goes through the C encoder (``indent=`` would switch
    Python's json module to its pure-Python encoder, about ten times slower on 100k findings).
    """
    enc = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))
    parts = []
    for key, value in report.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            inner = ",\n    ".join(enc.encode(v) for v in value)
            parts.append(f'  {enc.encode(key)}: [\n    {inner}\n  ]')
        else:
            parts.append(f"  {enc.encode(key)}: {enc.encode(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def render(result: ScanResult) -> str:
    return dumps(build(result))
