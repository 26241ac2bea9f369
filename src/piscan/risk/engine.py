"""The risk engine: adds ``risk`` to every finding and asset of a JSON report document.

Working on the report *document* (not the in-memory scan result) means a saved ``findings.json`` can
be re-rated and re-rendered (``piscan report``) exactly like a fresh scan. Steps (docs/risk.md):

1. dimension of each finding: a ready-made ``risk`` (app manifests) is kept as is; permission/platform →
   collection; else by input kind (``policy.dimension_by_kind``), else table/column → storage, else use;
2. base rule: the first enabled ``kind: base`` rule whose ``match`` fits (masked, weak_mask,
   sensitive — sensitivity of ID numbers follows ``policy.id_number_sensitive``);
3. modifiers: identity kit (unmasked entity combination in one row / line), volume tiers on the
   asset's distinct persons (distinct keyed fingerprints of unmasked values; the max over entity
   types), criminal thresholds in leak-prone locations — only for unmasked values;
4. derived findings: an unmasked ID whose holder is under 14 at the scan date (``attributes.minor``,
   set by the validator from ``--scan-date``) gets a separate minors finding right after it;
5. assets: the highest finding level, raised when several entity types are rated high (A-01).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from piscan.risk.assets import AssetKey, asset_key, fallback_asset, key_of_asset
from piscan.risk.levels import LEVELS, RANK, at_least, lower_level, max_level, raise_level
from piscan.risk.policy import RiskPack, RiskRule

ENGINE_ID = "piscan-risk"


def _dimension(f: dict[str, Any], kinds: dict[str, str], policy: dict[str, Any]) -> str:
    if f.get("permission") or f.get("platform"):
        return "collection"
    kind = kinds.get(f["path"])
    mapped = (policy.get("dimension_by_kind") or {}).get(kind) if kind else None
    if mapped:
        return mapped
    if f.get("table") or f.get("column"):
        return "storage"
    return "use"


def _sensitive(f: dict[str, Any], policy: dict[str, Any]) -> bool:
    if f["entity_type"] in (policy.get("id_entities") or ()):
        return bool(policy.get("id_number_sensitive", True))
    return bool(f.get("sensitive"))


def _matches(rule: RiskRule, facts: dict[str, Any]) -> bool:
    return all(facts.get(k) == v for k, v in (rule.get("match") or {}).items())


def _dedup(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


class _Risk:
    """Accumulates one finding's risk while rules apply."""

    __slots__ = ("basis", "dimension", "level", "modifiers", "reason", "remediation", "rule", "tags")

    def __init__(self, rule: RiskRule, dimension: str) -> None:
        self.rule = rule
        self.dimension = dimension
        self.level: str = rule.get("level") or rule.get("min_level") or "info"
        self.reason = [rule["reason_en"]]
        self.remediation = [rule["remediation_en"]]
        self.basis = list(rule["basis"])
        self.tags = list(rule.get("tags") or ())
        self.modifiers: list[str] = []

    def apply(self, mod: RiskRule, level: str | None = None) -> None:
        if level is not None:
            self.level = level
        self.modifiers.append(mod.id)
        self.reason.append(f"[{mod.id}] {mod['reason_en']}")
        self.remediation.append(mod["remediation_en"])
        self.basis.extend(mod["basis"])
        self.tags.extend(mod.get("tags") or ())

    def to_dict(self, persons: int | None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "dimension": self.dimension, "level": self.level, "rule_id": self.rule.id,
            "reason": " ".join(self.reason),
            "remediation": " ".join(_dedup(self.remediation)),
            "basis": _dedup(self.basis), "tags": _dedup(self.tags), "engine": ENGINE_ID,
        }
        if self.modifiers:
            out["modifiers"] = self.modifiers
        if persons is not None:
            out["persons"] = persons
        return out


class _AssetFacts:
    __slots__ = ("asset", "by_entity", "indices", "leak_prone", "persons", "sensitive_persons")

    def persons_of(self, entity: str) -> int:
        """Distinct persons of one entity in the asset: the listed findings' fingerprints, or the scanner's
        exact count when the report lists only part of the asset's findings (``truncated``)."""
        n = len(self.by_entity.get(entity, ()))
        if self.asset.get("truncated"):
            n = max(n, int(((self.asset.get("entities") or {}).get(entity) or {}).get("distinct") or 0))
        return n

    def __init__(self, asset: dict[str, Any]) -> None:
        self.asset = asset
        self.indices: list[int] = []
        self.by_entity: dict[str, set[str]] = defaultdict(set)
        self.persons = 0
        self.sensitive_persons = 0
        self.leak_prone = False


def strip_risk(doc: dict[str, Any]) -> None:
    """Remove what :func:`assess` added (derived findings, engine risks, computed assets) for a re-rating."""
    kept = []
    s = doc.get("summary") if isinstance(doc.get("summary"), dict) else {}
    for f in doc.get("findings", []):
        if (f.get("attributes") or {}).get("derived_from"):
            for k, key in (("by_rule", f["rule_id"]), ("by_entity", f["entity_type"])):
                if isinstance(s.get(k), dict) and s[k].get(key):
                    s[k][key] -= 1
                    if not s[k][key]:
                        del s[k][key]
            for k in ("findings", "unmasked", "findings_total"):
                if isinstance(s.get(k), int):
                    s[k] -= 1
            continue
        if (f.get("risk") or {}).get("engine") == ENGINE_ID:
            f.pop("risk", None)
        kept.append(f)
    doc["findings"] = kept
    doc["assets"] = [a for a in doc.get("assets", []) if not a.get("derived")]
    for a in doc["assets"]:
        a.pop("risk", None)
    for k in ("risk", "citations", "risk_rules"):
        doc.pop(k, None)
    if isinstance(doc.get("summary"), dict):
        doc["summary"].pop("risk", None)


def assess(doc: dict[str, Any], pack: RiskPack, scan_date: str | None = None) -> dict[str, Any]:
    """Add ``risk`` to findings and assets of ``doc`` (a JSON report document); returns ``doc``."""
    strip_risk(doc)  # idempotent: re-rating replaces what an earlier run added
    policy = pack.policy
    findings: list[dict[str, Any]] = doc.get("findings", [])
    kinds = {i.get("path"): i.get("type") for i in doc.get("inputs", [])}
    leak_dims = set(policy.get("leak_prone_dimensions") or ())
    leak_kinds = set(policy.get("leak_prone_kinds") or ())
    caps = policy.get("raise_cap") or {}

    dims = [f["risk"]["dimension"] if f.get("risk") else _dimension(f, kinds, policy) for f in findings]

    # -- assets: given ones first, fallback ones for findings without a match
    assets: list[dict[str, Any]] = list(doc.get("assets") or [])
    facts: dict[AssetKey, _AssetFacts] = {}
    for a in assets:
        facts.setdefault(key_of_asset(a), _AssetFacts(a))
    pending: dict[AssetKey, list[int]] = defaultdict(list)
    f_key: list[AssetKey] = []
    for i, f in enumerate(findings):
        k = asset_key(f)
        if k not in facts and (k[1] or k[2]) and (f["path"], None, None) in facts:
            k = (f["path"], None, None)
        f_key.append(k)
        if k in facts:
            facts[k].indices.append(i)
        else:
            pending[k].append(i)
    for k, idx in pending.items():
        a = fallback_asset(k, [findings[i] for i in idx], all(dims[i] == "collection" for i in idx))
        assets.append(a)
        facts[k] = _AssetFacts(a)
        facts[k].indices = idx
    for af in facts.values():
        sens_sets: dict[str, set[str]] = defaultdict(set)
        for i in af.indices:
            f = findings[i]
            if f.get("masked") or dims[i] == "collection":
                continue
            af.by_entity[f["entity_type"]].add(f["fingerprint"])
            if _sensitive(f, policy):
                sens_sets[f["entity_type"]].add(f["fingerprint"])
            if dims[i] in leak_dims or kinds.get(f["path"]) in leak_kinds:
                af.leak_prone = True
        af.persons = max((len(s) for s in af.by_entity.values()), default=0)
        af.sensitive_persons = max((len(s) for s in sens_sets.values()), default=0)
        if af.asset.get("truncated"):
            # the report lists only part of this asset's findings; the scanner counted every distinct
            # value per entity, so volumes use those exact counts
            ents = af.asset.get("entities") or {}
            af.persons = max([af.persons, *(int(e.get("distinct") or 0) for e in ents.values())])
            af.sensitive_persons = max([af.sensitive_persons,
                                        *(int((ents.get(e) or {}).get("distinct") or 0) for e in sens_sets)])
        af.asset.setdefault("distinct_persons", af.persons)

    # -- identity kits: unmasked entity combinations in one row (structured) or one line (text)
    combos = [set(c) for c in policy.get("identity_kit") or ()]
    groups: dict[tuple, set[str]] = defaultdict(set)
    g_of: list[tuple | None] = []
    for i, f in enumerate(findings):
        g = None
        if not f.get("masked") and dims[i] != "collection":
            if f.get("row") is not None:
                g = ("row", f["path"], f.get("table"), f["row"])
            elif f.get("line") is not None:
                g = ("line", f["path"], f["line"])
        g_of.append(g)
        if g is not None:
            groups[g].add(f["entity_type"])
    kit_groups = {g for g, ents in groups.items() if any(c <= ents for c in combos)}

    bases = pack.enabled("base")
    mods = pack.enabled("modifier")
    kit_mod = {m["dimension"]: m for m in mods if m.get("modifier") == "identity_kit"}
    vol_mods = sorted((m for m in mods if m.get("modifier") == "volume"), key=lambda m: m["min_persons"])
    crim_mod = next((m for m in mods if m.get("modifier") == "volume_criminal"), None)
    derived_rules = {r["dimension"]: r for r in pack.enabled("derived") if r.get("derive") == "minor"}
    crim_class = policy.get("criminal_class") or {}
    crim_thr = policy.get("criminal_thresholds") or {}
    min_ratio = float(policy.get("s01_min_match_ratio") or 0)

    out: list[dict[str, Any]] = []
    derived_count = 0
    for i, f in enumerate(findings):
        out.append(f)
        if f.get("risk"):
            continue
        dim = dims[i]
        attrs = f.get("attributes") or {}
        masked = bool(f.get("masked"))
        facts_i = {"dimension": dim, "masked": masked, "weak_mask": bool(attrs.get("weak_mask")),
                   "sensitive": _sensitive(f, policy)}
        rule = next((r for r in bases if _matches(r, facts_i)), None)
        if rule is None:
            continue
        af = facts[f_key[i]]
        risk = _Risk(rule, dim)
        cap = caps.get(dim, "critical")
        ratio = af.asset.get("match_ratio")
        if rule.id == "S-01" and isinstance(ratio, int | float) and ratio < min_ratio:
            risk.level = lower_level(risk.level)
            risk.tags.append("low_match_ratio")
        if not masked and dim != "collection":
            if g_of[i] in kit_groups and dim in kit_mod:
                m = kit_mod[dim]
                risk.apply(m, raise_level(risk.level, int(m.get("raise", 1)), cap))
            for m in vol_mods:
                n = af.sensitive_persons if m.get("sensitive_only") else af.persons
                if m.get("sensitive_only") and not facts_i["sensitive"]:
                    continue
                if n >= int(m["min_persons"]):
                    risk.apply(m, raise_level(risk.level, int(m.get("raise", 0)), cap))
            if crim_mod is not None and af.leak_prone:
                cls = crim_class.get(f["entity_type"], "other")
                n = af.persons_of(f["entity_type"])
                if n >= int(crim_thr.get(cls, 5000)):
                    risk.apply(crim_mod, crim_mod.get("set_level", "critical"))
            if attrs.get("minor"):
                risk.tags.append("minor")
        f["risk"] = risk.to_dict(af.persons if not masked else None)
        d_rule = derived_rules.get(dim)
        if d_rule is not None and attrs.get("minor") and not masked:
            level = at_least(raise_level(f["risk"]["level"], int(d_rule.get("raise", 1))),
                             d_rule.get("min_level", "high"))
            d = {k: v for k, v in f.items() if k != "risk"}
            d["rule_id"] = d_rule.id
            d["attributes"] = {**attrs, "derived_from": f["rule_id"]}
            dr = _Risk(d_rule, dim)
            dr.level = level
            d["risk"] = dr.to_dict(af.persons)
            out.append(d)
            derived_count += 1
    doc["findings"] = out

    # -- asset risk
    agg = pack.rules.get("A-01")
    esc = int(policy.get("asset_escalation_distinct_types") or 0)
    by_asset: dict[int, list[dict[str, Any]]] = defaultdict(list)
    ids = {id(af.asset): af for af in facts.values()}
    for f in out:
        k = asset_key(f)
        af = facts.get(k) or facts.get((f["path"], None, None))
        if af is not None and f.get("risk"):
            by_asset[id(af.asset)].append(f)
    for key, af in ids.items():
        fs = by_asset.get(key, [])
        if not fs:
            continue
        top = max(fs, key=lambda f: RANK[f["risk"]["level"]])
        level = top["risk"]["level"]
        modifiers = []
        high_types = {f["entity_type"] for f in fs if RANK[f["risk"]["level"]] >= RANK["high"]}
        if agg is not None and esc and len(high_types) >= esc:
            level = raise_level(level, 1)
            modifiers.append(agg.id)
        tags = _dedup([t for f in fs for t in f["risk"].get("tags") or ()])
        tr = top["risk"]
        af.asset["risk"] = {
            "dimension": tr["dimension"], "level": level, "rule_id": tr["rule_id"],
            "reason": tr.get("reason", ""), "remediation": tr.get("remediation", ""),
            "basis": _dedup([b for f in fs if f["risk"]["level"] == tr["level"]
                             for b in f["risk"].get("basis") or ()]),
            "tags": tags, "findings": len(fs), "persons": af.persons, "engine": ENGINE_ID,
            **({"modifiers": modifiers} if modifiers else {}),
        }
    doc["assets"] = assets

    # -- summary, rules and citations used
    _summarise(doc, derived_count)
    used_rules: list[str] = []
    for f in out:
        r = f.get("risk")
        if r:
            used_rules.append(r["rule_id"])
            used_rules.extend(r.get("modifiers", ()))
    for a in assets:
        if a.get("risk"):
            used_rules.extend(a["risk"].get("modifiers", ()))
    used_rules = sorted(set(used_rules))
    used_cites: set[str] = set()
    for f in out:
        used_cites.update((f.get("risk") or {}).get("basis", ()))
    for r in doc.get("rules", []):
        used_cites.update(r.get("legal_basis", ()))
    from piscan.risk.citations import digest as citations_digest

    doc["risk"] = {
        "engine": ENGINE_ID, "version": pack.version, "path": pack.path, "sha256": pack.sha256,
        # the legal data the citations came from (every rules/citations*.yaml), so a reviewer can tell
        # which version of the paraphrases and article numbers a report used
        "citations_sha256": citations_digest(),
        "scan_date": scan_date, "policy": pack.policy_summary(),
    }
    doc["risk_rules"] = [pack.rules[r].meta() for r in used_rules if r in pack.rules]
    doc["citations"] = [_cite_meta(pack.citations[c]) for c in sorted(used_cites) if c in pack.citations]
    return doc


def _cite_meta(c: dict[str, Any]) -> dict[str, Any]:
    from piscan.risk.citations import cite

    keys = ("id", "law", "law_zh", "law_en", "title_zh", "title_en", "article", "article_2017",
            "article_2026", "renumbering_uncertain", "paraphrase", "confidence", "binding")
    out = {k: c[k] for k in keys if k in c}
    out["cite_en"] = cite(c, "en")
    out["cite_zh"] = cite(c, "zh")
    return out


def _summarise(doc: dict[str, Any], derived: int) -> None:
    findings = doc["findings"]
    s = doc.setdefault("summary", {})
    if derived:
        s["findings"] = len(findings)
        s["unmasked"] = s.get("unmasked", 0) + derived
        if isinstance(s.get("findings_total"), int):  # every finding, listed or not: derived ones too
            s["findings_total"] += derived
        by_rule = Counter(s.get("by_rule") or {})
        by_ent = Counter(s.get("by_entity") or {})
        for f in findings:
            if (f.get("attributes") or {}).get("derived_from"):
                by_rule[f["rule_id"]] += 1
                by_ent[f["entity_type"]] += 1
        s["by_rule"] = dict(sorted(by_rule.items()))
        s["by_entity"] = dict(sorted(by_ent.items()))
    by_level: Counter[str] = Counter()
    by_dim: Counter[str] = Counter()
    matrix: dict[str, Counter[str]] = {d: Counter() for d in ("collection", "storage", "use")}
    persons: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        r = f.get("risk")
        if not r:
            continue
        by_level[r["level"]] += 1
        by_dim[r["dimension"]] += 1
        matrix.setdefault(r["dimension"], Counter())[r["level"]] += 1
        if not f.get("masked") and r["dimension"] != "collection" and not (f.get("attributes") or {}).get(
                "derived_from"):
            persons[f["entity_type"]].add(f["fingerprint"])
    # an asset the report lists only part of: its exact count per entity is a floor for the whole report
    # (the union across assets is not known past the listing; a person in two assets counts once here)
    floor: dict[str, int] = defaultdict(int)
    for a in doc.get("assets", []):
        if a.get("truncated"):
            for e, c in (a.get("entities") or {}).items():
                floor[e] = max(floor[e], int(c.get("distinct") or 0))
    asset_levels = Counter(a["risk"]["level"] for a in doc.get("assets", []) if a.get("risk"))
    s["risk"] = {
        "by_level": {lv: by_level.get(lv, 0) for lv in reversed(LEVELS)},
        "by_dimension": {d: by_dim.get(d, 0) for d in ("collection", "storage", "use")},
        "matrix": {d: {lv: c.get(lv, 0) for lv in reversed(LEVELS)} for d, c in matrix.items()},
        "persons_by_entity": {e: max(len(persons.get(e, ())), floor.get(e, 0))
                              for e in sorted(set(persons) | set(floor))},
        "persons": max((max(len(persons.get(e, ())), floor.get(e, 0)) for e in set(persons) | set(floor)),
                       default=0),
        "assets_by_level": {lv: asset_levels.get(lv, 0) for lv in reversed(LEVELS)},
        "highest": max_level((f["risk"]["level"] for f in findings if f.get("risk")), default="info")
        if any(f.get("risk") for f in findings) else None,
    }
