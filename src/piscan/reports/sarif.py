"""SARIF 2.1.0 output for code scanning (GitHub, GitLab, IDEs).

* one run; ``tool.driver.rules`` = every rule a result references, with ``help`` (the rule doc page)
  and ``properties.security-severity`` (GitHub's severity);
* legal basis as a SARIF taxonomy (``piscan-legal-basis``): rules relate to taxa, results list taxa;
* ``partialFingerprints`` from the keyed value fingerprint (stable when lines move);
* dump/database findings carry ``logicalLocations`` (table.column);
* no raw value anywhere: the message names the entity, level and rule, never the value or a snippet;
* GitHub accepts at most 25,000 results per run and shows the top 5,000 by severity: results are capped
  (default 5,000, most severe first) and the cap is stated in ``run.properties`` and in a tool
  notification.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any
from urllib.parse import quote

from piscan.findings import column_of
from piscan.reports.common import (
    by_severity,
    citations_by_id,
    entity_label,
    level_of,
    risk_rules_by_id,
    rule_doc,
    rules_by_id,
)

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
TAXONOMY = "piscan-legal-basis"
GITHUB_MAX_RESULTS = 25_000
GITHUB_SHOWN_RESULTS = 5_000
SARIF_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}


def _uri(path: str) -> str:
    return quote(path, safe="/:@!$&'()*+,;=-._~")


def _rule_level(meta: dict[str, Any] | None, levels: Counter[str]) -> str:
    """The rule's severity: the most common risk level of its results (highest on ties)."""
    if levels:
        order = ("critical", "high", "medium", "low", "info")
        return max(levels, key=lambda lv: (levels[lv], -order.index(lv)))
    return "medium"


def _rule_entry(rid: str, doc: dict[str, Any], levels: Counter[str]) -> dict[str, Any]:
    det = rules_by_id(doc).get(rid)
    risk = risk_rules_by_id(doc).get(rid)
    if det:
        title = det.get("title") or det.get("name") or rid
        full = f"{title}. {det.get('pi_category', '')} ({det.get('pi_category_en', '')})."
        basis = det.get("legal_basis", [])
        name = det.get("name") or rid
        tags = ["security", "privacy", "pii", det.get("entity", "")]
    elif risk:
        title = f"{risk['title_zh']} / {risk['title_en']}"
        full = f"{risk['reason_zh']} {risk['reason_en']}"
        basis = risk.get("basis", [])
        name = risk["title_en"]
        tags = ["security", "privacy", "pii", *risk.get("tags", [])]
    else:
        title, full, basis, name, tags = rid, rid, [], rid, ["security", "privacy"]
    help_md = rule_doc(rid) or full
    level = _rule_level(det, levels)
    cites = citations_by_id(doc)
    entry: dict[str, Any] = {
        "id": rid,
        "name": name,
        "shortDescription": {"text": title},
        "fullDescription": {"text": full},
        "help": {"text": help_md, "markdown": help_md},
        "defaultConfiguration": {"level": SARIF_LEVEL[level]},
        "properties": {"security-severity": SECURITY_SEVERITY[level], "tags": [t for t in tags if t][:10],
                       "precision": "high"},
    }
    rel = [{"target": {"id": c, "toolComponent": {"name": TAXONOMY}}, "kinds": ["relevant"]}
           for c in basis if c in cites]
    if rel:
        entry["relationships"] = rel
    return entry


def build(doc: dict[str, Any], *, max_results: int = GITHUB_SHOWN_RESULTS,
          generated_at: str | None = None) -> dict[str, Any]:
    max_results = max(0, min(max_results, GITHUB_MAX_RESULTS))
    findings = doc.get("findings", [])
    chosen = by_severity(findings)[:max_results]
    # keep report order among the chosen results (deterministic, readable)
    pos = {id(f): i for i, f in enumerate(findings)}
    chosen.sort(key=lambda f: pos[id(f)])

    rule_levels: dict[str, Counter[str]] = {}
    for f in chosen:
        rule_levels.setdefault(f["rule_id"], Counter())[level_of(f)] += 1
    rule_ids = sorted(rule_levels)
    rules = [_rule_entry(r, doc, rule_levels[r]) for r in rule_ids]
    index = {r: i for i, r in enumerate(rule_ids)}

    cites = citations_by_id(doc)
    occurrences: Counter[tuple[str, str, str]] = Counter()
    results = []
    for f in chosen:
        risk = f.get("risk") or {}
        level = level_of(f)
        state = "masked" if f.get("masked") else "full"
        # a manifest finding names its permission: an APK's dozen findings without lines are otherwise alike
        what = f" `{f['permission']}`" if f.get("permission") else ""
        msg = (f"{entity_label(f['entity_type'], 'en')}{what} ({f['entity_type']}, {state}): risk {level}"
               f" [{risk.get('rule_id', '-')}, {risk.get('dimension', '-')}]. "
               f"{risk.get('reason', '')}").strip()
        loc: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": _uri(f["path"]),
                                                                            "uriBaseId": "%SRCROOT%"}}}
        if f.get("line") is not None:
            region: dict[str, Any] = {"startLine": f["line"]}
            if f.get("start") is not None:
                region["startColumn"] = f["start"] + 1
                if f.get("end") is not None:
                    region["endColumn"] = f["end"] + 1
            loc["physicalLocation"]["region"] = region
        if f.get("table") or f.get("column"):
            fq = column_of(f)
            loc["logicalLocations"] = [{"name": f.get("column") or fq, "fullyQualifiedName": fq,
                                        "kind": "member"}]
        key = (f["rule_id"], f["path"], f["fingerprint"])
        n = occurrences[key]
        occurrences[key] += 1
        result: dict[str, Any] = {
            "ruleId": f["rule_id"],
            "ruleIndex": index[f["rule_id"]],
            "level": SARIF_LEVEL[level],
            "message": {"text": msg},
            "locations": [loc],
            "partialFingerprints": {"piscanValue/v1": f"{f['fingerprint']}:{f['rule_id']}:{n}"},
            "properties": {"piscan-level": level, "dimension": risk.get("dimension"),
                           "risk-rule": risk.get("rule_id"), "tags": risk.get("tags", []),
                           "masked": bool(f.get("masked")), "confidence": f.get("confidence")},
        }
        taxa = [{"id": c, "toolComponent": {"name": TAXONOMY}} for c in risk.get("basis", []) if c in cites]
        if taxa:
            result["taxa"] = taxa
        results.append(result)

    truncated = len(findings) > len(chosen)
    notes = []
    if truncated:
        notes.append({"level": "warning", "message": {"text": (
            f"Results capped at {len(chosen)} of {len(findings)} (most severe first): GitHub code scanning "
            f"rejects more than {GITHUB_MAX_RESULTS} results per run and shows the top "
            f"{GITHUB_SHOWN_RESULTS}."
            " The JSON or HTML report has every finding.")}})
    for e in doc.get("errors", []):
        notes.append({"level": "error" if e.get("kind") == "error" else "note",
                      "message": {"text": f"{e.get('kind')}: {e.get('path')}: {e.get('reason')}"}})
    scan = doc.get("scan", {})
    invocation: dict[str, Any] = {"executionSuccessful": not any(e.get("kind") == "error"
                                                                  for e in doc.get("errors", []))}
    if scan.get("started_at"):
        invocation["startTimeUtc"] = scan["started_at"]
    if scan.get("finished_at"):
        invocation["endTimeUtc"] = scan["finished_at"]
    if notes:
        invocation["toolExecutionNotifications"] = notes
    tool = doc.get("tool", {})
    used_taxa = sorted({t["id"] for r in results for t in r.get("taxa", [])}
                       | {rel["target"]["id"] for r in rules for rel in r.get("relationships", [])})
    taxonomy = {
        "name": TAXONOMY,
        "organization": "piscan",
        "shortDescription": {"text": "Chinese PI legal basis: laws, regulations and standards cited by "
                                     "piscan"},
        "taxa": [{"id": c, "name": cites[c].get("cite_en", c),
                  "shortDescription": {"text": f"{cites[c]['title_zh']} / {cites[c]['title_en']}"},
                  "fullDescription": {"text": f"{cites[c].get('cite_zh', '')}: {cites[c]['paraphrase']} "
                                              f"(confidence {cites[c]['confidence']})"}}
                 for c in used_taxa],
    }
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "piscan", "version": tool.get("version", ""),
                            "semanticVersion": tool.get("version", ""),
                            "informationUri": "https://github.com/piscan/piscan",
                            "rules": rules,
                            "supportedTaxonomies": [{"name": TAXONOMY}]}},
        "taxonomies": [taxonomy],
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The scanned root"}}},
        "results": results,
        "properties": {"piscan": {"schemaVersion": doc.get("schema_version"), "resultsTotal": len(findings),
                                  "resultsEmitted": len(results), "truncated": truncated,
                                  "maxResults": max_results, "generatedAt": generated_at,
                                  "fingerprintKeyId": scan.get("fingerprint", {}).get("key_id")}},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(doc: dict[str, Any], *, max_results: int = GITHUB_SHOWN_RESULTS, generated_at: str | None = None,
           **_: Any) -> str:
    return json.dumps(build(doc, max_results=max_results, generated_at=generated_at), ensure_ascii=False,
                      indent=1) + "\n"
