"""Per-asset aggregation: one entry per table.column (or file) with counts per entity, masked vs full,
distinct values by keyed fingerprint (the unit regulators count is persons, not rows), the share of
non-null values that matched and up to three masked samples.

``values_scanned`` comes from the readers (non-null values per (path, table, column)); it is ``None`` for
plain-text files, where there are no cells to count.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from piscan.findings import Finding

MAX_SAMPLES = 3

ColumnKey = tuple[str, str | None, str | None]  # (path, table, column)


def asset_name(path: str, table: str | None, column: str | None) -> str:
    if column is None:
        return path
    if table:
        return f"{table}.{column}"
    return f"{path}:{column}"


def build(findings: list[Finding], values: dict[ColumnKey, int]) -> list[dict[str, Any]]:
    groups: dict[ColumnKey, list[Finding]] = defaultdict(list)
    for f in findings:
        key = (f.path, f.table, f.column) if f.column else (f.path, None, None)
        groups[key].append(f)
    out: list[dict[str, Any]] = []
    for (path, table, column), fs in groups.items():
        entities: dict[str, dict[str, int]] = {}
        distinct: dict[str, set[str]] = defaultdict(set)
        persons: set[str] = set()
        cells: set[tuple] = set()
        samples: list[str] = []
        for f in fs:
            e = entities.setdefault(f.entity_type, {"findings": 0, "full": 0, "masked": 0, "weak_masked": 0,
                                                    "distinct": 0})
            e["findings"] += 1
            if f.masked:
                e["masked"] += 1
                if f.attributes.get("weak_mask"):
                    e["weak_masked"] += 1
            else:
                e["full"] += 1
                distinct[f.entity_type].add(f.fingerprint)
                persons.add(f.fingerprint)
            cells.add((f.row, f.line) if f.row is not None else (f.line, f.start))
            if len(samples) < MAX_SAMPLES and f.evidence not in samples:
                samples.append(f.evidence)
        for ent, s in distinct.items():
            entities[ent]["distinct"] = len(s)
        kind = "column" if column else ("manifest" if fs[0].permission else "file")
        scanned = values.get((path, table, column)) if column else None
        out.append({
            "asset": asset_name(path, table, column),
            "kind": kind,
            "path": path,
            "table": table,
            "column": column,
            "entities": dict(sorted(entities.items())),
            "values_scanned": scanned,
            "match_ratio": round(len(cells) / scanned, 4) if scanned else None,
            "distinct_persons": len(persons),
            "samples": samples,
        })
    out.sort(key=lambda a: (a["path"], a["table"] or "", a["column"] or ""))
    return out
