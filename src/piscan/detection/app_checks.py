"""Collection checks on app manifests (rules/app-checks.yaml, rules/app-types.yaml).

Every check result is an ``APP_CHECK`` finding: ``rule_id`` = the check id (``APP-C01`` …), the located
declaration it is about (``line``/``evidence``/``permission``; ``None`` for manifest-wide checks such as
APP-C10), and ``risk = {dimension: "collection", level, rule_id, reason, remediation, basis}`` where
``basis`` lists citation ids of ``rules/citations-app.yaml``. Fingerprint:
fingerprinter("APP_CHECK", "platform:rule_id:permission").

Necessary-scope checks (APP-C01/C02/C03) run only when the app type is known (``--app-type``): per
out-of-scope PI permission, C02 if its category is sensitive, else C03 for the 13 no-PI types, else C01.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from piscan import yamlio
from piscan.detection.permissions import PermissionInfo, PermissionMap, line_note, load_permission_map
from piscan.findings import Finding
from piscan.resources import rules_dir
from piscan.sources.manifests.model import Declaration, Manifest, has_cjk

ENTITY = "APP_CHECK"
DIMENSION = "collection"


# ------------------------------------------------------------------ app types
@dataclass(frozen=True, slots=True)
class AppType:
    id: int
    slug: str
    slug_en: str
    zh: str
    en: str
    function: str
    necessary_pi: tuple[str, ...]
    necessary: frozenset[str]
    no_pi: bool
    note: str = ""

    @property
    def label(self) -> str:
        return f"{self.id} {self.zh}"


@lru_cache(maxsize=4)
def load_app_types(path: str | None = None) -> tuple[AppType, ...]:
    p = Path(path) if path else rules_dir() / "app-types.yaml"
    doc = yamlio.load(p.read_text(encoding="utf-8"), cached=True)
    out = []
    for t in doc["types"]:
        out.append(AppType(int(t["id"]), t["slug"], t["slug_en"], t["zh"], t["en"], t.get("function", ""),
                           tuple(t.get("necessary_pi") or ()), frozenset(t.get("necessary") or ()),
                           bool(t.get("no_pi", False)), t.get("note", "")))
    return tuple(out)


def resolve_app_type(value: str | int | None) -> AppType | None:
    """Accept the type number (1–39), the pinyin or English slug, or the Chinese name."""
    if value is None or value == "":
        return None
    key = str(value).strip().lower().replace("_", "-")
    for t in load_app_types():
        if key in (str(t.id), t.slug, t.slug_en, t.zh.lower()):
            return t
    raise ValueError(f"unknown app type {value!r}: use a number 1-39 or a slug (see `piscan app-types`)")


# ------------------------------------------------------------------ check config
@dataclass(frozen=True, slots=True)
class Check:
    id: str
    title: str
    level: str
    basis: tuple[str, ...]
    reason: str
    remediation: str
    confidence: float = 1.0
    threshold: int | None = None


class CheckConfig:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.version = str(doc.get("version", ""))
        self.checks = {cid: Check(cid, c["title"], c["level"], tuple(c["basis"]), c["reason"],
                                  c["remediation"], float(c.get("confidence", 1.0)), c.get("threshold"))
                       for cid, c in doc["checks"].items()}
        pc = doc.get("purpose") or {}
        self.min_chars = int(pc.get("min_chars", 4))
        self.require_chinese = bool(pc.get("require_chinese", True))
        self.generic_exact = {_norm(x) for x in pc.get("generic_exact") or ()}
        self.generic_regex = [re.compile(r) for r in pc.get("generic_regex") or ()]
        wc = doc.get("wechat") or {}
        self.scope_for_api: dict[str, str] = dict(wc.get("scope_for_api") or {})
        self.fuzzy_api: str = wc.get("fuzzy_api", "getFuzzyLocation")
        self.precise_apis: tuple[str, ...] = tuple(wc.get("precise_apis") or ())
        self.background_types = frozenset(int(x) for x in doc.get("background_location_types") or ())
        self.background_categories = frozenset(doc.get("background_categories") or ())
        self.device_id_categories = frozenset(doc.get("device_id_categories") or ())


@lru_cache(maxsize=4)
def load_check_config(path: str | None = None) -> CheckConfig:
    p = Path(path) if path else rules_dir() / "app-checks.yaml"
    return CheckConfig(yamlio.load(p.read_text(encoding="utf-8"), cached=True))


_PUNCT = re.compile(r"[\s\W_]+$|^[\s\W_]+", re.U)


def _norm(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).lower()
    t = re.sub(r"\s+", "", t)
    return _PUNCT.sub("", t)


def purpose_issue(text: str | None, cfg: CheckConfig, chinese_alt: str | None = None) -> str | None:
    """Why a purpose string does not state a purpose, or ``None`` when it looks specific.

    ``chinese_alt`` is the Chinese localisation of the same string (InfoPlist.strings, zh_CN resources).
    """
    if text is None or not text.strip():
        return "missing or empty"
    for candidate in (text, chinese_alt):
        if not candidate:
            continue
        n = _norm(candidate)
        if n in cfg.generic_exact:
            return f"generic (“{candidate.strip()[:60]}”)"
        for rx in cfg.generic_regex:
            if rx.search(n):
                return f"generic (“{candidate.strip()[:60]}”)"
    if len(_norm(text)) < cfg.min_chars and not (chinese_alt and len(_norm(chinese_alt)) >= cfg.min_chars):
        return "too short to state a purpose"
    if cfg.require_chinese and not has_cjk(text) and not has_cjk(chinese_alt):
        return "English-only (no Chinese text for Chinese users)"
    return None


# ------------------------------------------------------------------ running the checks
class _Emitter:
    def __init__(self, cfg: CheckConfig, manifest: Manifest, path: str, fingerprinter,
                 app_type: AppType | None) -> None:
        self.cfg, self.m, self.path, self.fp, self.app_type = cfg, manifest, path, fingerprinter, app_type
        self.out: list[Finding] = []

    def __call__(self, cid: str, decl: Declaration | None, info: PermissionInfo | None,
                 **fields: Any) -> None:
        chk = self.cfg.checks[cid]
        at = self.app_type
        values = {"permission": decl.permission if decl else "", "platform": self.m.platform,
                  "category": info.category.zh if info and info.category else "",
                  "category_en": info.category.en if info and info.category else "",
                  "app_type": at.label if at else "unknown (no --app-type)",
                  "app_type_en": at.en if at else "",
                  **fields}
        reason = chk.reason.format(**values)
        remediation = chk.remediation.format(**values)
        attrs: dict[str, Any] = {"check": chk.title, "format": self.m.format}
        if at:
            attrs["app_type"] = at.id
        if info and info.category:
            attrs["pi_category_id"] = info.category.id
        if self.m.member:
            attrs["member"] = self.m.member
        if decl is not None and "member" in decl.extra:  # declared by an app extension of an IPA
            attrs["member"] = decl.extra["member"]
        if decl is not None and decl.line is None and (note := line_note(self.m)):
            attrs["line_unavailable"] = note
        for k in ("count", "apis", "permissions"):
            if k in fields:
                attrs[k] = fields[k]
        perm = decl.permission if decl else None
        self.out.append(Finding(
            rule_id=cid, entity_type=ENTITY, path=self.path, line=decl.line if decl else None, start=None,
            end=None, masked=False, confidence=chk.confidence,
            evidence=decl.evidence if decl else fields.get("evidence", ""),
            fingerprint=self.fp(ENTITY, f"{self.m.platform}:{cid}:{perm or fields.get('key', '')}"),
            pi_category=info.category.zh if info and info.category else None,
            sensitive=info.sensitive if info and info.category else None,
            permission=perm, platform=self.m.platform, purpose=decl.purpose if decl else None,
            attributes=attrs,
            risk={"dimension": DIMENSION, "level": chk.level, "rule_id": cid, "reason": reason,
                  "remediation": remediation, "basis": list(chk.basis)},
        ))


def run_checks(manifest: Manifest, mapped: list[tuple[Declaration, PermissionInfo | None]], path: str,
               fingerprinter, app_type: AppType | None = None,
               cfg: CheckConfig | None = None) -> list[Finding]:
    cfg = cfg or load_check_config()
    emit = _Emitter(cfg, manifest, path, fingerprinter, app_type)
    platform = manifest.platform
    for decl, info in mapped:
        if info is None:
            continue
        cat = info.category
        if cat is not None:
            # necessary scope (C01/C02/C03)
            if app_type is not None and cat.id not in app_type.necessary:
                emit("APP-C02" if info.sensitive else "APP-C03" if app_type.no_pi else "APP-C01", decl, info)
            # background location (C04)
            always = decl.extra.get("when") == "always"
            background = cat.id in cfg.background_categories or (
                platform == "harmony" and cat.id.startswith("location") and always)
            if background and (app_type is None or app_type.id not in cfg.background_types):
                emit("APP-C04", decl, info)
            # device identifiers and app lists (C09)
            if cat.id in cfg.device_id_categories and (app_type is None or cat.id not in app_type.necessary):
                emit("APP-C09", decl, info)
        # purpose strings (C05/C06/C07)
        if platform == "harmony" and info.grant == "user_grant":
            problems = []
            if not decl.extra.get("has_reason"):
                problems.append("without a reason")
            elif decl.extra.get("reason_resolved") is False:
                ref = decl.extra.get("reason_ref")
                problems.append(f"with a reason resource that does not exist ({ref})")
            if not decl.extra.get("has_used_scene"):
                problems.append("without usedScene.abilities")
            if problems:
                emit("APP-C07", decl, info, purpose_issue=" and ".join(problems))
            elif decl.purpose is not None and (issue := purpose_issue(decl.purpose, cfg,
                                                                       decl.extra.get("purpose_zh"))):
                emit("APP-C06", decl, info, purpose_issue=issue)
        elif platform == "ios" and info.purpose_key:
            if not (decl.purpose or "").strip():
                emit("APP-C05", decl, info)
            elif issue := purpose_issue(decl.purpose, cfg, decl.extra.get("purpose_zh")):
                emit("APP-C06", decl, info, purpose_issue=issue)
        elif platform == "wechat" and info.purpose_key and (issue := purpose_issue(decl.purpose, cfg)):
            emit("APP-C06", decl, info, purpose_issue=issue)
        # HarmonyOS restricted permissions (C11)
        if platform == "harmony" and info.restricted:
            emit("APP-C11", decl, info)
    if platform == "wechat":
        _wechat_checks(manifest, mapped, cfg, emit)
    # many dangerous permissions (C10)
    dangerous = [d.permission for d, i in mapped if i is not None and i.dangerous]
    threshold = cfg.checks["APP-C10"].threshold or 5
    if len(dangerous) >= threshold:
        shown = ", ".join(p.rsplit(".", 1)[-1] for p in dangerous[:12])
        shown += " …" if len(dangerous) > 12 else ""
        emit("APP-C10", None, None, count=len(dangerous), threshold=threshold, permissions=dangerous,
             evidence=f"{len(dangerous)} dangerous permissions: {shown}", key="manifest")
    return emit.out


def _wechat_checks(manifest: Manifest, mapped, cfg: CheckConfig, emit: _Emitter) -> None:
    apis = manifest.facts.get("required_private_infos") or []
    scopes = manifest.facts.get("scopes") or {}
    by_decl = {d.permission: (d, i) for d, i in mapped}
    missing: dict[str, list[str]] = {}
    for api in apis:
        scope = cfg.scope_for_api.get(api)
        if scope and not (scopes.get(scope) or "").strip():
            missing.setdefault(scope, []).append(api)
    for scope, group in missing.items():
        decl, info = by_decl[group[0]]
        emit("APP-C08", decl, info, apis=", ".join(group), scope=scope)
    precise = [a for a in apis if a in cfg.precise_apis]
    if cfg.fuzzy_api in apis and precise:
        decl, info = by_decl[cfg.fuzzy_api]
        emit("APP-C12", decl, info, apis=", ".join(precise))


def manifest_findings(manifest: Manifest, path: str, fingerprinter, app_type: AppType | None = None,
                      pmap: PermissionMap | None = None) -> list[Finding]:
    """All findings of one manifest: APP_PERMISSION inventory plus APP_CHECK results."""
    from piscan.detection.permissions import map_declarations, permission_finding

    mapped = map_declarations(manifest, pmap or load_permission_map())
    out = [permission_finding(manifest, d, i, path, fingerprinter) for d, i in mapped if i and i.category]
    out.extend(run_checks(manifest, mapped, path, fingerprinter, app_type))
    return out
