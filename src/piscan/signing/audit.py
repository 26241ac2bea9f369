"""``piscan audit``: verify every submitted report, then aggregate the verified ones for a regulator.

Reports that fail verification are listed first and never counted in the totals. Persons are counted per
enterprise with that enterprise's fingerprints (keyed per enterprise, so not comparable across them); across
enterprises only with ``audit_fingerprint`` made under the regulator's ``--audit-key`` (same key id).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from piscan.ci.assets import asset_key
from piscan.ci.levels import LEVELS, finding_level, rank
from piscan.signing.sign import Verification, verify

TOP_RISKS = 5


def _dimension(f: dict[str, Any]) -> str:
    risk = f.get("risk")
    return str(risk.get("dimension")) if isinstance(risk, dict) and risk.get("dimension") else "unassessed"


def _scope(doc: dict[str, Any]) -> dict[str, Any]:
    inputs = [i for i in doc.get("inputs") or [] if isinstance(i, dict)]
    scan = doc.get("scan") or {}
    return {"roots": scan.get("roots") or [], "started_at": scan.get("started_at"), "inputs": len(inputs),
            "bytes": sum(int(i.get("size") or 0) for i in inputs),
            "tables": sum(1 for i in inputs if "rows_scanned" in i),
            "rows": sum(int(i.get("rows_scanned") or 0) for i in inputs)}


def summarize(doc: dict[str, Any]) -> dict[str, Any]:
    """Per-enterprise aggregates of one report (no raw values exist in reports to begin with)."""
    findings = [f for f in doc.get("findings") or [] if isinstance(f, dict)]
    persons: dict[str, set[str]] = defaultdict(set)
    grid: dict[str, Counter[str]] = defaultdict(Counter)
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    apps = []
    for f in findings:
        lvl = finding_level(f)
        grid[lvl][_dimension(f)] += 1
        if not f.get("masked") and f.get("fingerprint"):
            persons[f.get("pi_category") or f.get("entity_type") or "?"].add(f"{f.get('entity_type')}:"
                                                                                f"{f['fingerprint']}")
        key = (lvl, str(f.get("rule_id")), asset_key(f))
        g = groups.setdefault(key, {"level": lvl, "rule_id": key[1], "asset": key[2], "findings": 0,
                                    "persons": set(), "reason": (f.get("risk") or {}).get("reason")})
        g["findings"] += 1
        if not f.get("masked"):
            g["persons"].add(f.get("fingerprint"))
        if f.get("permission"):
            apps.append({"path": f.get("path"), "platform": f.get("platform"),
                         "permission": f.get("permission"),
                         "purpose": f.get("purpose"), "level": lvl,
                         "necessary": (f.get("risk") or {}).get("necessary", (f.get("attributes") or {})
                                                                 .get("necessary"))})
    top = sorted(groups.values(), key=lambda g: (-rank(g["level"]), -len(g["persons"]), -g["findings"],
                                                 g["rule_id"], g["asset"]))[:TOP_RISKS]
    return {
        "scope": _scope(doc),
        "persons_by_category": {k: len(v) for k, v in sorted(persons.items())},
        "findings": len(findings),
        "findings_by_level_dimension": {lvl: dict(sorted(grid[lvl].items()))
                                        for lvl in sorted(grid, key=rank, reverse=True)},
        "top_risks": [{**g, "persons": len(g["persons"])} for g in top],
        "apps": apps or doc.get("apps") or [],
    }


def audit(files: list[Path], keys: dict, audit_key_id: str | None = None) -> dict[str, Any]:
    entries, cross_sets, cross_total = [], defaultdict(set), 0
    for path in files:
        entry: dict[str, Any] = {"file": path.name}
        try:
            import json

            doc = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(doc, dict):
                raise ValueError("not a JSON object")
        except (OSError, ValueError) as exc:
            v = Verification()
            v.fail(f"unreadable report: {exc.__class__.__name__}")
            entries.append({**entry, "verified": False, "problems": v.failed, "organization": None})
            continue
        v = verify(doc, keys)
        sig = doc.get("signature") if isinstance(doc.get("signature"), dict) else {}
        entry.update(organization=doc.get("organization"), signer=v.signer, key_id=sig.get("key_id"),
                     verified=v.ok, problems=v.failed, tool=(doc.get("tool") or {}).get("version"))
        if v.ok:
            entry.update(summarize(doc))
            akid = (doc.get("audit_fingerprint") or {}).get("key_id")
            entry["audit_key_id"] = akid
            if akid and (audit_key_id is None or akid == audit_key_id):
                name = v.signer or path.name
                for f in doc.get("findings") or []:
                    if isinstance(f, dict) and f.get("audit_fingerprint"):
                        cross_sets[f"{f.get('entity_type')}:{f['audit_fingerprint']}"].add(name)
                cross_total += 1
        entries.append(entry)
    entries.sort(key=lambda e: (e["verified"], str(e.get("signer") or e.get("organization") or e["file"])))
    good = [e for e in entries if e["verified"]]
    totals_persons: Counter[str] = Counter()
    totals_grid: dict[str, Counter[str]] = defaultdict(Counter)
    for e in good:
        totals_persons.update(e["persons_by_category"])
        for lvl, dims in e["findings_by_level_dimension"].items():
            totals_grid[lvl].update(dims)
    return {
        "generated_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "reports": len(entries),
        "verified": len(good),
        "failed": len(entries) - len(good),
        "levels": list(reversed(LEVELS)),
        "enterprises": entries,
        "totals": {  # verified reports only
            "findings": sum(e["findings"] for e in good),
            "persons_by_category_sum": dict(sorted(totals_persons.items())),
            "findings_by_level_dimension": {lvl: dict(sorted(totals_grid[lvl].items()))
                                            for lvl in sorted(totals_grid, key=rank, reverse=True)},
        },
        "cross_submission": {
            "audit_key_id": audit_key_id,
            "reports_with_audit_fingerprints": cross_total,
            "distinct_persons": len(cross_sets),
            "persons_in_several_enterprises": sum(1 for s in cross_sets.values() if len(s) > 1),
        },
    }
