"""Human-readable text output: one line per finding, then a summary and the scan errors."""

from __future__ import annotations

from piscan.reports.json_report import summary
from piscan.scanner import ScanResult


def _where(f) -> str:
    loc = f.path
    if f.table or f.column:
        loc += " [" + ".".join(x for x in (f.table, f.column) if x) + (f" row={f.row}" if f.row else "") + "]"
    if f.line is not None:
        loc += f":{f.line}"
        if f.start is not None:
            loc += f":{f.start + 1}"
    return loc


def render(result: ScanResult) -> str:
    out = []
    for f in result.findings:
        tag = "masked" if f.masked else "FULL"
        val = f" value={f.value}" if f.value else ""
        out.append(f"{_where(f)}: {f.rule_id} {f.entity_type} {tag} conf={f.confidence:.2f} {f.evidence}{val}")
    s = summary(result)
    out.append("")
    ents = ", ".join(f"{k}={v}" for k, v in s["by_entity"].items()) or "none"
    out.append(f"{s['findings']} finding(s) ({s['unmasked']} full, {s['masked']} masked): {ents}; "
               f"{s['inputs']} input(s), {s['bytes_scanned']} bytes in {result.seconds:.2f}s [{result.engine}]")
    for e in result.errors:
        out.append(f"{e.kind}: {e.path}: {e.reason}")
    return "\n".join(out) + "\n"
