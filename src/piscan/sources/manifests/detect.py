"""Which app manifest a path is, by name (and, for ``config.json`` / ``app.json``, by content), without
importing the manifest parsers: every scanned path is asked, most are no manifest."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from types import ModuleType
from typing import Any

#: config.json / module.json / app.json larger than this are sniffed by a search for their marker keys
SNIFF_LIMIT = 2 << 20

#: ``--type`` value of each manifest reader -> its class in :mod:`piscan.sources.manifests.readers`
#: (``tests/manifests`` checks this against the classes)
MANIFEST_KINDS = {
    "android-manifest": "AndroidManifestReader",
    "apk": "ApkReader",
    "ios-plist": "InfoPlistReader",
    "ipa": "IpaReader",
    "harmony-module": "HarmonyReader",
    "wechat-app": "WechatAppReader",
}


def _harmony() -> ModuleType:
    from piscan.sources.manifests import harmony

    return harmony


def _wechat() -> ModuleType:
    from piscan.sources.manifests import wechat

    return wechat


def _names_marker(path: str, markers: tuple[str, ...]) -> bool:
    """Whether the file names one of the marker keys anywhere (``"pages"``), read in blocks."""
    keys = [f'"{m}"'.encode() for m in markers]
    overlap = max(len(k) for k in keys)
    tail = b""
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            data = tail + block
            if any(k in data for k in keys):
                return True
            tail = data[-overlap:]
    return False


def _sniff_json(path: str, markers: tuple[str, ...]) -> Any:
    """Parsed JSON of a small file; ``"invalid"`` for invalid JSON that still names a marker key, and for
    a file too large to sniff that names one anywhere (so the manifest reader reads it, or reports the
    syntax error or its size: padding a manifest must not turn it into plain JSON with no finding)."""
    try:
        if os.path.getsize(path) > SNIFF_LIMIT:
            return "invalid" if _names_marker(path, markers) else None
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    from piscan.sources.manifests.model import decode_text

    text = decode_text(data)
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return "invalid" if any(f'"{m}"' in text for m in markers) else None


#: file names that may be an app manifest (judged by :func:`detect_manifest_kind`, content included)
MANIFEST_NAMES = frozenset({"AndroidManifest.xml", "Info.plist", "module.json5", "module.json", "config.json",
                            "app.json"})


def may_be_manifest(name: str) -> bool:
    """Whether a file named ``name`` (a path; its last part counts) may be an app manifest or package."""
    base = name.rsplit("/", 1)[-1]
    return base in MANIFEST_NAMES or base.lower().endswith((".apk", ".ipa"))


#: files a manifest reader reads beside the manifest (string resources its purposes refer to), relative to
#: the manifest's folder: HarmonyOS ``$string:`` resources, iOS localised purposes
_COMPANIONS = re.compile(r"resources/[^/]+/element/string\.json|[^/]+\.lproj/InfoPlist\.strings")


def companions(name: str, names: Iterable[str]) -> list[str]:
    """The files among ``names`` (an archive's members) that the reader of manifest ``name`` reads beside it."""
    folder = name.rsplit("/", 1)[0] + "/" if "/" in name else ""
    return [n for n in names if n.startswith(folder) and _COMPANIONS.fullmatch(n[len(folder):])]


def detect_manifest_kind(path: str) -> str | None:
    """The manifest kind of ``path`` by file name (and content for config.json / app.json), else None."""
    name = os.path.basename(path)
    lower = name.lower()
    if name == "AndroidManifest.xml":
        return "android-manifest"
    if lower.endswith(".apk"):
        return "apk"
    if name == "Info.plist":
        return "ios-plist"
    if lower.endswith(".ipa"):
        return "ipa"
    if name == "module.json5":
        return "harmony-module"
    if name in ("config.json", "module.json"):  # module.json: the compiled module.json5 inside a .hap
        obj = _sniff_json(path, ("reqPermissions", "requestPermissions"))
        return "harmony-module" if obj == "invalid" or _harmony().is_harmony_config(obj) else None
    if name == "app.json":
        obj = _sniff_json(path, ("pages", "requiredPrivateInfos"))
        return "wechat-app" if obj == "invalid" or _wechat().is_miniprogram_app_json(obj) else None
    return None
