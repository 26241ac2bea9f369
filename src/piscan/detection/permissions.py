"""Map manifest declarations to personal-information categories (data: ``rules/app-permissions.yaml``)
and build the ``APP_PERMISSION`` findings: one per privacy-relevant declared permission.

Finding shape: ``rule_id`` ``APP-PERM``, ``entity_type`` ``APP_PERMISSION``, ``line`` of the declaration
(``None`` for binary AXML/plist, with ``attributes.line_unavailable`` saying why), ``evidence`` = the
declaration, ``fingerprint`` = fingerprinter("APP_PERMISSION", "platform:permission"), ``permission``,
``platform``, ``pi_category`` (Chinese name), ``sensitive``, ``purpose``; ``attributes`` carry
``pi_category_id``, ``pi_category_en``, ``dangerous`` and the parser's facts (``max_sdk_version``,
``when``, ``reason_ref`` …).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from piscan import yamlio
from piscan.findings import Finding
from piscan.resources import rules_dir
from piscan.sources.manifests.model import Declaration, Manifest

PLATFORMS = ("android", "ios", "harmony", "wechat")
ENTITY = "APP_PERMISSION"
RULE_ID = "APP-PERM"
_ENTRY_KEYS = {"category", "dangerous", "grant", "restricted", "note", "purpose_key", "sensitive"}


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    zh: str
    en: str
    sensitive: bool


@dataclass(frozen=True, slots=True)
class PermissionInfo:
    platform: str
    name: str
    category: Category | None  # None: known but yields no PI (counts for "dangerous" only)
    sensitive: bool
    dangerous: bool
    grant: str | None = None
    restricted: bool = False
    purpose_key: bool = True  # the declaration carries a purpose string on its platform
    note: str = ""


class PermissionMap:
    def __init__(self, doc: dict[str, Any], source: str = "app-permissions.yaml") -> None:
        cats = doc.get("categories") or {}
        self.categories = {k: Category(k, v["zh"], v["en"], bool(v["sensitive"])) for k, v in cats.items()}
        self.version = str(doc.get("version", ""))
        self.exact: dict[str, dict[str, PermissionInfo]] = {}
        self.prefixes: dict[str, list[tuple[str, PermissionInfo]]] = {}
        for platform in PLATFORMS:
            entries = doc.get(platform) or {}
            self.exact[platform] = {k: self._info(platform, k, v, source) for k, v in entries.items()}
            pre = doc.get(f"{platform}_prefixes") or {}
            self.prefixes[platform] = sorted(
                ((k, self._info(platform, k, v, source)) for k, v in pre.items()), key=lambda kv: -len(kv[0]))

    def _info(self, platform: str, name: str, e: dict[str, Any], source: str) -> PermissionInfo:
        if not isinstance(e, dict) or "category" not in e or "dangerous" not in e:
            raise ValueError(f"{source}: {platform}.{name}: needs category and dangerous")
        unknown = set(e) - _ENTRY_KEYS
        if unknown:
            raise ValueError(f"{source}: {platform}.{name}: unknown keys {sorted(unknown)}")
        cat = None
        if e["category"] is not None:
            try:
                cat = self.categories[e["category"]]
            except KeyError:
                raise ValueError(f"{source}: {platform}.{name}: unknown category {e['category']!r}") from None
        sensitive = bool(e.get("sensitive", cat.sensitive if cat else False))
        purpose_key = bool(e.get("purpose_key", platform != "android"))
        return PermissionInfo(platform, name, cat, sensitive, bool(e["dangerous"]), e.get("grant"),
                              bool(e.get("restricted", False)), purpose_key, str(e.get("note", "")))

    def lookup(self, platform: str, name: str) -> PermissionInfo | None:
        info = self.exact.get(platform, {}).get(name)
        if info is not None:
            return info
        for prefix, pinfo in self.prefixes.get(platform, ()):
            if name.startswith(prefix):
                return PermissionInfo(platform, name, pinfo.category, pinfo.sensitive, pinfo.dangerous,
                                      pinfo.grant, pinfo.restricted, pinfo.purpose_key, pinfo.note)
        return None


@lru_cache(maxsize=4)
def load_permission_map(path: str | None = None) -> PermissionMap:
    p = Path(path) if path else rules_dir() / "app-permissions.yaml"
    return PermissionMap(yamlio.load(p.read_text(encoding="utf-8"), cached=True), p.name)


def line_note(manifest: Manifest) -> str | None:
    if manifest.format == "axml":
        return "binary AXML has no text lines"
    if manifest.format == "plist-binary":
        return "binary plist has no text lines"
    return None


def permission_finding(manifest: Manifest, decl: Declaration, info: PermissionInfo, path: str,
                       fingerprinter) -> Finding:
    assert info.category is not None
    attrs: dict[str, Any] = {"pi_category_id": info.category.id, "pi_category_en": info.category.en,
                             "dangerous": info.dangerous, "format": manifest.format}
    if info.grant:
        attrs["grant"] = info.grant
    if info.restricted:
        attrs["restricted"] = True
    if manifest.member:
        attrs["member"] = manifest.member
    if decl.line is None and (note := line_note(manifest)):
        attrs["line_unavailable"] = note
    attrs.update(decl.extra)
    return Finding(
        rule_id=RULE_ID, entity_type=ENTITY, path=path, line=decl.line, start=None, end=None, masked=False,
        confidence=1.0, evidence=decl.evidence,
        fingerprint=fingerprinter(ENTITY, f"{manifest.platform}:{decl.permission}"),
        pi_category=info.category.zh, sensitive=info.sensitive, permission=decl.permission,
        platform=manifest.platform, purpose=decl.purpose, attributes=attrs,
    )


def map_declarations(manifest: Manifest, pmap: PermissionMap | None = None
                     ) -> list[tuple[Declaration, PermissionInfo | None]]:
    pmap = pmap or load_permission_map()
    return [(d, pmap.lookup(manifest.platform, d.permission)) for d in manifest.declarations]
