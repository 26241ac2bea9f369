"""Human-readable text output: one line per finding (with its risk level), a summary, the scan errors.

Rendered from the rated report document, so levels match every other format.
"""

from __future__ import annotations

from typing import Any

from piscan.reports.common import where
from piscan.scanner import ScanResult


def _what(f: dict[str, Any]) -> str:
    if f.get("permission"):
        return f"{f['entity_type']} {f['permission']}"
    return f"{f['entity_type']} {'masked' if f.get('masked') else 'FULL'}"


def render(result: ScanResult, doc: dict[str, Any]) -> str:
    out = []
    for f in doc["findings"]:
        risk = f.get("risk") or {}
        level = f"[{risk.get('level', '?')}/{risk.get('dimension', '?')}]"
        val = f" value={f['value']}" if f.get("value") else ""
        out.append(f"{where(f)}: {level} {f['rule_id']} {_what(f)} conf={f.get('confidence', 0):.2f} "
                   f"{f.get('evidence', '')}{val}")
    s = doc["summary"]
    out.append("")
    ents = ", ".join(f"{k}={v}" for k, v in s["by_entity"].items()) or "none"
    levels = ", ".join(f"{k}={v}" for k, v in ((s.get("risk") or {}).get("by_level") or {}).items() if v)
    out.append(f"{s['findings']} finding(s) ({s['unmasked']} full, {s['masked']} masked): {ents}")
    if levels:
        out.append(f"risk: {levels}")
    out.append(f"{s['inputs']} input(s), {s['bytes_scanned']} bytes in {result.seconds:.2f}s [{result.engine}]")
    for e in result.errors:
        out.append(f"{e.kind}: {e.path}: {e.reason}")
    return "\n".join(out) + "\n"
