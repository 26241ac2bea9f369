"""The special-action compliance report (``--format report``): HTML, Chinese first, printable to PDF.

Structured like a submission for the 信息消费安全保护专项 (legal.md §1.6, §5.7): organisation and scope
(from an organisation config), method (inputs, rule packs, sampling), PI held, collection / storage / use
findings with levels and citations, app-by-app collection table, remediation plan, and what a scan
cannot prove. Aggregated (per rule × entity), so it stays short for any number of findings.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from piscan import yamlio
from piscan.findings import column_of
from piscan.reports.common import (
    DIMENSIONS,
    LEVEL_COLOURS,
    citations_by_id,
    dim_label,
    entity_label,
    level_label,
    risk_rules_by_id,
    rules_by_id,
    timestamp,
)
from piscan.reports.html import environment
from piscan.risk.levels import RANK

# remediation deadline by level (a default plan; organisations edit the printed table)
DEADLINE = {"critical": ("立即（7 日内）", "immediately (7 days)"), "high": ("30 日内", "30 days"),
            "medium": ("90 日内", "90 days"), "low": ("择机", "when convenient"), "info": ("无需", "none")}
# app-manifest check ids (rules/app-checks.yaml, detection/app_checks.py) meaning "outside the necessary-PI
# scope" (legal.md §5.5): APP-C01/C02/C03 (PI beyond the app type's necessary scope; only with --app-type)
# and APP-C04 (background location outside map/navigation and ride-hailing types)
BEYOND_SCOPE_RULES = frozenset({"APP-C01", "APP-C02", "APP-C03", "APP-C04"})


def load_org(path: str | Path | None) -> dict[str, Any]:
    """Organisation config (YAML): name, unit, contact, scope, systems, mlps_level, period, app_types."""
    if not path:
        return {}
    data = yamlio.load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: organisation config must be a mapping")
    return data.get("organisation", data) if isinstance(data.get("organisation"), dict) else data


def _groups(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Findings aggregated per dimension → (risk rule, entity) with counts, persons, assets, levels."""
    agg: dict[tuple[str, str, str], dict[str, Any]] = {}
    for f in doc.get("findings", []):
        r = f.get("risk")
        if not r:
            continue
        key = (r["dimension"], r["rule_id"], f["entity_type"])
        g = agg.get(key)
        if g is None:
            g = agg[key] = {"dimension": r["dimension"], "rule_id": r["rule_id"], "entity": f["entity_type"],
                            "level": r["level"], "count": 0, "persons": set(), "assets": [], "basis": [],
                            "modifiers": set(), "tags": set(), "remediation": r.get("remediation") or ""}
        g["count"] += 1
        if RANK[r["level"]] > RANK[g["level"]]:
            g["level"] = r["level"]
        if not f.get("masked"):
            g["persons"].add(f["fingerprint"])
        a = column_of(f)
        a = f"{f['path']} [{a}]" if a else f["path"]
        if a not in g["assets"]:
            g["assets"].append(a)
        for b in r.get("basis", []):
            if b not in g["basis"]:
                g["basis"].append(b)
        g["modifiers"].update(r.get("modifiers", []))
        g["tags"].update(r.get("tags", []))
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in agg.values():
        g["persons"] = len(g["persons"])
        g["modifiers"] = sorted(g["modifiers"])
        g["tags"] = sorted(g["tags"])
        out[g["dimension"]].append(g)
    for d in out:
        out[d].sort(key=lambda g: (-RANK[g["level"]], -g["count"], g["rule_id"], g["entity"]))
    return out


def _apps(doc: dict[str, Any]) -> list[dict[str, Any]]:
    apps: dict[str, dict[str, Any]] = {}
    for f in doc.get("findings", []):
        r = f.get("risk") or {}
        if r.get("dimension") != "collection":
            continue
        app = apps.setdefault(f["path"], {"path": f["path"], "platform": f.get("platform") or "-",
                                          "items": []})
        app["items"].append({
            "permission": f.get("permission") or f["entity_type"], "category": f.get("pi_category") or "-",
            "sensitive": f.get("sensitive"), "purpose": f.get("purpose") or "",
            "level": r.get("level", "info"),
            "rule_id": r.get("rule_id", "-"), "reason": r.get("reason", ""),
            "beyond": r.get("rule_id") in BEYOND_SCOPE_RULES or "beyond_scope" in (r.get("tags") or []),
        })
    for a in apps.values():
        a["items"].sort(key=lambda i: (-RANK[i["level"]], i["permission"]))
    return [apps[k] for k in sorted(apps)]


def _pi_held(doc: dict[str, Any]) -> list[dict[str, Any]]:
    rules = rules_by_id(doc)
    persons = ((doc.get("summary") or {}).get("risk") or {}).get("persons_by_entity") or {}
    policy = (doc.get("risk") or {}).get("policy") or {}
    rows: dict[str, dict[str, Any]] = {}
    for f in doc.get("findings", []):
        if (f.get("attributes") or {}).get("derived_from") or \
                (f.get("risk") or {}).get("dimension") == "collection":
            continue
        e = f["entity_type"]
        row = rows.setdefault(e, {"entity": e, "category": "", "sensitive": False, "full": 0, "masked": 0,
                                  "persons": persons.get(e, 0)})
        meta = rules.get(f["rule_id"], {})
        if not f.get("masked"):
            row["full"] += 1
            row["category"] = meta.get("pi_category", row["category"])
            sens = meta.get("sensitive", False)
            if e in (policy.get("id_entities") or []):
                sens = bool(policy.get("id_number_sensitive", True))
            row["sensitive"] = row["sensitive"] or bool(sens)
        else:
            row["masked"] += 1
            row["category"] = row["category"] or meta.get("pi_category", "")
    return [rows[k] for k in sorted(rows)]


def _plan(groups: dict[str, list[dict[str, Any]]],
          risk_rules: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    plan: dict[str, dict[str, Any]] = {}
    for gs in groups.values():
        for g in gs:
            if g["level"] == "info":
                continue
            p = plan.setdefault(g["rule_id"], {"rule_id": g["rule_id"], "level": g["level"], "assets": set(),
                                               "count": 0, "modifiers": set(),
                                               "remediation": g.get("remediation") or ""})
            if RANK[g["level"]] > RANK[p["level"]]:
                p["level"] = g["level"]
            p["assets"].update(g["assets"])
            p["count"] += g["count"]
            p["modifiers"].update(g["modifiers"])
    out = []
    checks = _app_check_titles()
    for p in plan.values():
        rr = risk_rules.get(p["rule_id"], {})
        measures = [rr.get("remediation_zh", "")] + [risk_rules.get(m, {}).get("remediation_zh", "")
                                                    for m in sorted(p["modifiers"])]
        title = rr.get("title_zh") or checks.get(p["rule_id"]) or p["rule_id"]
        measures_text = "".join(m for m in measures if m) or p.pop("remediation", "")
        p.pop("remediation", None)
        out.append({**p, "assets": len(p["assets"]), "title": title, "measures": measures_text,
                    "deadline": DEADLINE[p["level"]][0]})
    out.sort(key=lambda p: (-RANK[p["level"]], p["rule_id"]))
    return out


def _app_check_titles() -> dict[str, str]:
    """Chinese titles of the app-manifest checks (``rules/app-checks.yaml`` titles are "中文 / English")."""
    from piscan.detection.app_checks import load_check_config

    return {cid: c.title.split(" / ")[0] for cid, c in load_check_config().checks.items()}


def context(doc: dict[str, Any], org: dict[str, Any] | None, generated_at: str | None) -> dict[str, Any]:
    groups = _groups(doc)
    risk_rules = risk_rules_by_id(doc)
    sampled = [i for i in doc.get("inputs", []) if i.get("sampled") or i.get("sample")]
    return {
        "doc": doc, "org": org or {}, "generated_at": timestamp(generated_at), "groups": groups,
        "dimensions": DIMENSIONS, "apps": _apps(doc), "pi_held": _pi_held(doc),
        "plan": _plan(groups, risk_rules),
        "risk_rules": risk_rules, "cites": citations_by_id(doc), "sampled": sampled,
        "level_label": level_label, "dim_label": dim_label, "entity_label": entity_label,
        "colours": LEVEL_COLOURS,
        "summary": doc.get("summary", {}), "risk": (doc.get("summary") or {}).get("risk") or {},
    }


def render(doc: dict[str, Any], *, generated_at: str | None = None, org: dict[str, Any] | None = None,
           **_: Any) -> str:
    return environment().get_template("special_report.html.j2").render(**context(doc, org, generated_at))
