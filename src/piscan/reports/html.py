"""The HTML report: one self-contained file (inline CSS/JS/SVG, no network), Chinese UI with English.

The dashboard (counts by level × dimension, by entity, top assets, inline SVG charts) is rendered on the
server; the findings table is rendered in the browser from a compact embedded JSON payload (string table +
row arrays) one page at a time, so 100,000 findings stay usable. Raw values are never embedded unless
the scan ran with ``--show-values``.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import jinja2

from piscan.findings import column_of
from piscan.reports.common import (
    DIMENSIONS,
    LEVEL_COLOURS,
    LEVELS_DESC,
    citations_by_id,
    dim_label,
    entity_label,
    level_label,
    risk_rules_by_id,
    rule_doc,
    rules_by_id,
    timestamp,
    top_assets,
)
from piscan.resources import templates_dir
from piscan.risk.levels import LEVELS

PAGE_SIZE = 100


def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir())),
                              autoescape=jinja2.select_autoescape(["html", "j2"]), trim_blocks=True,
                              lstrip_blocks=True, keep_trailing_newline=True)


class _Strings:
    """String table: each distinct string stored once, rows refer to it by index."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.items: list[str] = []

    def __call__(self, s: str | None) -> int:
        if s is None:
            return -1
        i = self.index.get(s)
        if i is None:
            i = self.index[s] = len(self.items)
            self.items.append(s)
        return i


def payload(doc: dict[str, Any]) -> dict[str, Any]:
    """The compact data the browser table works on."""
    S = _Strings()
    kinds = {i.get("path"): i.get("type") or "-" for i in doc.get("inputs", [])}
    show_values = bool((doc.get("scan", {}).get("options") or {}).get("show_values"))
    rows = []
    for f in doc.get("findings", []):
        r = f.get("risk") or {}
        loc = column_of(f)
        attrs = f.get("attributes") or {}
        rows.append([
            S(f["path"]), f.get("line"), None if f.get("start") is None else f["start"] + 1,
            S(f["entity_type"]), S(f["rule_id"]), LEVELS.index(r.get("level", "info")),
            S(r.get("dimension", "-")), 1 if f.get("masked") else 0, f.get("evidence", ""),
            round(float(f.get("confidence") or 0), 2), S(r.get("rule_id", "-")), S(loc),
            S(",".join(r.get("modifiers", []))), S(",".join(r.get("basis", []))),
            S(",".join(r.get("tags", []))),
            S(json.dumps(attrs, ensure_ascii=False, sort_keys=True)) if attrs else -1,
            S(kinds.get(f["path"], "-")), S(f.get("row")),
            f.get("value") if show_values and f.get("value") else None,
        ])
    rules = {rid: {"title": r.get("title") or rid, "cat": r.get("pi_category", ""),
                   "cat_en": r.get("pi_category_en", ""), "doc": rule_doc(rid)}
             for rid, r in rules_by_id(doc).items()}
    risk_rules = {}
    for rid, r in risk_rules_by_id(doc).items():
        risk_rules[rid] = {k: r.get(k, "") for k in ("title_zh", "title_en", "reason_zh", "reason_en",
                                                      "remediation_zh", "remediation_en")}
        risk_rules[rid]["doc"] = rule_doc(rid)
        rules.setdefault(rid, {"title": f"{r['title_zh']} / {r['title_en']}", "cat": "", "cat_en": "",
                               "doc": rule_doc(rid)})
    cites = {cid: {k: c.get(k, "") for k in ("cite_zh", "cite_en", "title_zh", "title_en", "paraphrase",
                                             "confidence")}
             for cid, c in citations_by_id(doc).items()}
    return {"S": S.items, "rows": rows, "rules": rules, "riskRules": risk_rules, "cites": cites,
            "levels": list(LEVELS), "pageSize": PAGE_SIZE, "showValues": show_values}


def _bar_chart(items: list[tuple[str, str, int, str]], width: int = 420) -> str:
    """Horizontal bar chart as inline SVG. items: (label_zh, label_en, value, colour)."""
    bar_h, gap, label_w = 22, 8, 110
    h = max(1, len(items)) * (bar_h + gap) + gap
    top = max((v for _, _, v, _ in items), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {h}" '
             f'width="{width}" height="{h}" role="img">']
    for i, (zh, en, v, colour) in enumerate(items):
        y = gap + i * (bar_h + gap)
        w = int((width - label_w - 70) * v / top)
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" data-zh="{_esc(zh)}" '
                     f'data-en="{_esc(en)}">{_esc(zh)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{max(w, 1)}" height="{bar_h}" fill="{colour}" '
                     'rx="3"/>')
        parts.append(f'<text x="{label_w + max(w, 1) + 6}" y="{y + 16}">{v}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _stacked_chart(matrix: dict[str, dict[str, int]], width: int = 420) -> str:
    bar_h, gap, label_w = 26, 10, 110
    h = len(DIMENSIONS) * (bar_h + gap) + gap
    total_max = max((sum(matrix.get(d, {}).values()) for d in DIMENSIONS), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {h}" '
             f'width="{width}" height="{h}" role="img">']
    for i, d in enumerate(DIMENSIONS):
        y = gap + i * (bar_h + gap)
        parts.append(f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end" data-zh="{dim_label(d)}" '
                     f'data-en="{dim_label(d, "en")}">{dim_label(d)}</text>')
        x = float(label_w)
        row = matrix.get(d, {})
        for lv in LEVELS_DESC:
            n = row.get(lv, 0)
            if not n:
                continue
            w = (width - label_w - 60) * n / total_max
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{max(w, 1):.1f}" height="{bar_h}" '
                         f'fill="{LEVEL_COLOURS[lv]}"><title>{lv}: {n}</title></rect>')
            x += max(w, 1)
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 18}">{sum(row.values())}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _esc(s: str) -> str:
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))


def context(doc: dict[str, Any], generated_at: str | None) -> dict[str, Any]:
    s = doc.get("summary", {})
    risk = s.get("risk") or {}
    by_level = risk.get("by_level") or {}
    ents = Counter(f["entity_type"] for f in doc.get("findings", []))
    data = json.dumps(payload(doc), ensure_ascii=False, separators=(",", ":"))
    data = data.replace("</", "<\\/").replace("<!--", "<\\!--")
    return {
        "doc": doc, "summary": s, "risk": risk, "generated_at": timestamp(generated_at),
        "levels": LEVELS_DESC, "dimensions": DIMENSIONS, "level_label": level_label, "dim_label": dim_label,
        "entity_label": entity_label, "colours": LEVEL_COLOURS,
        "chart_levels": _bar_chart([(level_label(lv), level_label(lv, "en"), by_level.get(lv, 0),
                                     LEVEL_COLOURS[lv]) for lv in LEVELS_DESC]),
        "chart_entities": _bar_chart([(entity_label(e), entity_label(e, "en"), n, "#4a6fa5")
                                      for e, n in sorted(ents.items(), key=lambda kv: (-kv[1], kv[0]))[:8]]),
        "chart_dimensions": _stacked_chart(risk.get("matrix") or {}),
        "assets": top_assets(doc, 20), "data_json": data,
        "show_values": bool((doc.get("scan", {}).get("options") or {}).get("show_values")),
    }


def render(doc: dict[str, Any], *, generated_at: str | None = None, **_: Any) -> str:
    return environment().get_template("report.html.j2").render(**context(doc, generated_at))
