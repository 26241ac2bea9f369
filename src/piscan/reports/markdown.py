"""Markdown summary for PR comments and CI job summaries (compact; tables capped at 10 rows)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from piscan.reports.common import (
    DIMENSIONS,
    LEVELS_DESC,
    citations_by_id,
    dim_label,
    entity_label,
    level_label,
    risk_rules_by_id,
    timestamp,
    top_assets,
)

ICON = {"critical": "🟥", "high": "🟧", "medium": "🟨", "low": "🟦", "info": "⬜"}


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render(doc: dict[str, Any], *, generated_at: str | None = None, **_: Any) -> str:
    s = doc.get("summary", {})
    risk = s.get("risk") or {}
    highest = risk.get("highest")
    out = ["## piscan — 个人信息扫描摘要 / PI scan summary", ""]
    head = (f"**最高风险 Highest risk: {ICON.get(highest or '', '')} {level_label(highest)} / "
            f"{level_label(highest, 'en')}**")
    out.append(head if highest else "**未发现个人信息 / No personal information found**")
    out.append("")
    out.append(f"{s.get('findings', 0)} findings ({s.get('unmasked', 0)} full, "
               f"{s.get('masked', 0)} masked) · "
               f"{risk.get('persons', 0)} distinct persons · {s.get('inputs', 0)} inputs · "
               f"{s.get('errors', 0)} errors · {s.get('skipped', 0)} skipped")
    out.append("")
    matrix = risk.get("matrix") or {}
    out.append("| 维度 Dimension | " + " | ".join(f"{ICON[lv]} {level_label(lv)} {level_label(lv, 'en')}"
                                                 for lv in LEVELS_DESC) + " |")
    out.append("|---|" + "---:|" * len(LEVELS_DESC))
    for d in DIMENSIONS:
        row = matrix.get(d, {})
        cells = " | ".join(str(row.get(lv, 0)) for lv in LEVELS_DESC)
        out.append(f"| {dim_label(d)} {dim_label(d, 'en')} | {cells} |")
    out.append("")
    assets = top_assets(doc, 10)
    if assets:
        out += ["### 高风险资产 Top assets", "", "| Asset | Level | Rule | Findings | Persons |",
                "|---|---|---|---:|---:|"]
        for a in assets:
            r = a["risk"]
            out.append(f"| `{_cell(a.get('asset'))}` | {ICON[r['level']]} {r['level']} | {r['rule_id']} | "
                       f"{r.get('findings', 0)} | {r.get('persons', 0)} |")
        out.append("")
    counts: Counter[tuple[str, str]] = Counter()
    for f in doc.get("findings", []):
        r = f.get("risk")
        if r:
            counts[(r["rule_id"], f["entity_type"])] += 1
    if counts:
        rr = risk_rules_by_id(doc)
        out += ["### 按规则 By rule", "", "| Rule | Entity | Title | Findings |", "|---|---|---|---:|"]
        for (rid, ent), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]:
            title = rr.get(rid, {}).get("title_en", rid)
            out.append(f"| {rid} | {entity_label(ent, 'en')} | {_cell(title)} | {n} |")
        out.append("")
    errors = doc.get("errors", [])
    if errors:
        out += ["### 扫描错误 Scan errors", ""]
        for e in errors[:10]:
            out.append(f"- {e.get('kind')}: `{_cell(e.get('path'))}`: {_cell(e.get('reason'))}")
        if len(errors) > 10:
            out.append(f"- … {len(errors) - 10} more")
        out.append("")
    cites = citations_by_id(doc)
    used = sorted({c for f in doc.get("findings", []) for c in (f.get("risk") or {}).get("basis", [])})
    if used:
        out += ["<details><summary>法律依据 Legal basis</summary>", ""]
        for c in used:
            if c in cites:
                cc = cites[c]
                out.append(f"- **{c}** {cc['cite_en']} — {cc['title_en']} {cc['confidence']}")
        out += ["", "</details>", ""]
    tool = doc.get("tool", {})
    out.append(f"<sub>piscan {tool.get('version', '')} · generated {timestamp(generated_at)} · "
               "no raw values are shown</sub>")
    return "\n".join(out) + "\n"
