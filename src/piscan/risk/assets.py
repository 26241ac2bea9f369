"""Assets (a table.column or a file) for risk aggregation, and the fallback asset list.

The sources stage builds ``assets`` (docs/architecture.md). When it is empty — or a finding has no
matching asset — one is computed here from the findings: a column asset for findings with a
table/column, else one per file.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from piscan.findings import qualified_column

AssetKey = tuple[str, str | None, str | None]


def asset_key(f: dict[str, Any]) -> AssetKey:
    if f.get("table") or f.get("column"):
        return (f["path"], f.get("table"), f.get("column"))
    return (f["path"], None, None)


def key_of_asset(a: dict[str, Any]) -> AssetKey:
    if a.get("kind") == "column" or a.get("table") or a.get("column"):
        return (a.get("path", ""), a.get("table"), a.get("column"))
    return (a.get("path", a.get("asset", "")), None, None)


def entity_stats(findings: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    stats: dict[str, dict[str, Any]] = defaultdict(lambda: {"findings": 0, "full": 0, "masked": 0,
                                                            "weak_masked": 0, "distinct": set()})
    for f in findings:
        s = stats[f["entity_type"]]
        s["findings"] += 1
        if f.get("masked"):
            s["masked"] += 1
            if (f.get("attributes") or {}).get("weak_mask"):
                s["weak_masked"] += 1
        else:
            s["full"] += 1
            s["distinct"].add(f["fingerprint"])
    return {e: {**{k: v for k, v in s.items() if k != "distinct"}, "distinct": len(s["distinct"])}
            for e, s in sorted(stats.items())}


def fallback_asset(key: AssetKey, findings: list[dict[str, Any]], collection: bool) -> dict[str, Any]:
    path, table, column = key
    is_col = bool(table or column)
    ents = entity_stats(findings)
    samples: list[str] = []
    for f in findings:
        if f.get("masked") or collection:
            continue
        if f["evidence"] not in samples:
            samples.append(f["evidence"])
        if len(samples) == 3:
            break
    return {
        "asset": qualified_column(table, column) if is_col else path,
        "kind": "column" if is_col else ("manifest" if collection else "file"),
        "path": path, "table": table, "column": column,
        "entities": ents,
        "distinct_persons": max((e["distinct"] for e in ents.values()), default=0),
        "samples": samples,
        "derived": True,
    }
