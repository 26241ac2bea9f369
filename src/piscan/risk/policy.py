"""Risk rules and policy (``rules/risk.yaml``): loading, validation and user overrides.

Overrides come from a YAML file with a ``policy:`` mapping (``--risk-policy``); keys set there replace
the defaults. ``sensitive_id_view`` is the one switch most users need: ``gbt35273-2020`` (default, a
standalone ID number is sensitive PI) or ``gbt45574-2025`` (it is not, alone).
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from piscan import yamlio
from piscan.resources import rules_dir
from piscan.risk.citations import load_citations
from piscan.risk.levels import LEVELS

KINDS = ("base", "modifier", "derived", "asset")
MATCH_KEYS = {"dimension", "masked", "weak_mask", "sensitive"}
DIMENSIONS = ("collection", "storage", "use")
SENSITIVE_ID_VIEWS = {"gbt35273-2020": True, "gbt45574-2025": False}


class RiskPackError(ValueError):
    """rules/risk.yaml (or a policy override) is malformed."""


@dataclass(slots=True)
class RiskRule:
    id: str
    kind: str
    data: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def meta(self) -> dict[str, Any]:
        keys = ("id", "kind", "dimension", "level", "title_zh", "title_en", "reason_en", "reason_zh",
                "remediation_en", "remediation_zh", "basis", "tags")
        return {k: self.data[k] for k in keys if k in self.data}


@dataclass(slots=True)
class RiskPack:
    version: str
    policy: dict[str, Any]
    rules: dict[str, RiskRule]
    citations: dict[str, dict[str, Any]]
    sha256: str = ""
    path: str = ""
    order: list[str] = field(default_factory=list)

    def enabled(self, kind: str) -> list[RiskRule]:
        off = set(self.policy.get("disabled_rules") or ())
        return [self.rules[i] for i in self.order if self.rules[i].kind == kind and i not in off]

    def policy_summary(self) -> dict[str, Any]:
        return {k: self.policy[k] for k in sorted(self.policy)}


def _validate(rules: list[dict[str, Any]], citations: dict[str, dict[str, Any]], where: str) -> None:
    seen: set[str] = set()
    for r in rules:
        rid = r.get("id")
        if not rid or rid in seen:
            raise RiskPackError(f"{where}: missing or duplicate risk rule id {rid!r}")
        seen.add(rid)
        if r.get("kind") not in KINDS:
            raise RiskPackError(f"{where}: {rid}: kind must be one of {KINDS}")
        for k in ("title_zh", "title_en", "reason_en", "reason_zh", "remediation_en", "remediation_zh",
                  "basis"):
            if k not in r:
                raise RiskPackError(f"{where}: {rid}: missing {k}")
        for lk in ("level", "set_level", "min_level"):
            if lk in r and r[lk] not in LEVELS:
                raise RiskPackError(f"{where}: {rid}: {lk} {r[lk]!r} is not a level")
        if r["kind"] == "base":
            bad = set(r.get("match") or {}) - MATCH_KEYS
            if bad or "level" not in r:
                raise RiskPackError(f"{where}: {rid}: base rules need a level and match keys from "
                                    f"{sorted(MATCH_KEYS)}")
        if r.get("dimension") and r["dimension"] not in DIMENSIONS:
            raise RiskPackError(f"{where}: {rid}: unknown dimension {r['dimension']!r}")
        unknown = [c for c in r["basis"] if c not in citations]
        if unknown:
            raise RiskPackError(f"{where}: {rid}: unknown citation id(s) {', '.join(unknown)}")


def load_risk_pack(path: str | Path | None = None, overrides: dict[str, Any] | None = None,
                   sensitive_id_view: str | None = None) -> RiskPack:
    """Load ``rules/risk.yaml`` (or ``path``), apply policy ``overrides`` and the ID-sensitivity view."""
    p = Path(path) if path else rules_dir() / "risk.yaml"
    raw = p.read_bytes()
    data = yamlio.load(raw, cached=True) or {}
    citations = load_citations(p.parent if path else None)
    rules = data.get("rules") or []
    _validate(rules, citations, p.name)
    policy = copy.deepcopy(data.get("policy") or {})
    if overrides:
        unknown = set(overrides) - set(policy)
        if unknown:
            raise RiskPackError(f"risk policy: unknown key(s) {', '.join(sorted(unknown))}")
        policy.update(overrides)
    view = sensitive_id_view or (overrides or {}).get("sensitive_id_view")
    if view:
        if view not in SENSITIVE_ID_VIEWS:
            raise RiskPackError("risk policy: sensitive_id_view must be one of "
                                f"{', '.join(SENSITIVE_ID_VIEWS)}")
        policy["sensitive_id_view"] = view
        if not (overrides and "id_number_sensitive" in overrides):
            policy["id_number_sensitive"] = SENSITIVE_ID_VIEWS[view]
    return RiskPack(version=str(data.get("version", "0")), policy=policy,
                    rules={r["id"]: RiskRule(r["id"], r["kind"], r) for r in rules}, citations=citations,
                    sha256=hashlib.sha256(raw).hexdigest(), path=p.name, order=[r["id"] for r in rules])


def load_policy_file(path: str | Path) -> dict[str, Any]:
    data = yamlio.load(Path(path).read_text(encoding="utf-8")) or {}
    pol = data.get("policy", data)
    if not isinstance(pol, dict):
        raise RiskPackError(f"{path}: expected a mapping under 'policy'")
    return pol
