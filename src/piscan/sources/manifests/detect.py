"""Which app manifest a path is, by name (and, for ``config.json`` / ``app.json``, by content), without
importing the manifest parsers: every scanned path is asked, most are no manifest."""

from __future__ import annotations

import json
import os
from types import ModuleType
from typing import Any

#: config.json / app.json larger than this are not sniffed as manifests (they stay plain text/JSON)
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


def _sniff_json(path: str, markers: tuple[str, ...]) -> Any:
    """Parsed JSON of a small file; for invalid JSON that still names a marker key, ``"invalid"``
    (so the manifest reader reports the syntax error instead of the file passing as plain text)."""
    try:
        if os.path.getsize(path) > SNIFF_LIMIT:
            return None
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
    if name == "config.json":
        obj = _sniff_json(path, ("reqPermissions", "requestPermissions"))
        return "harmony-module" if obj == "invalid" or _harmony().is_harmony_config(obj) else None
    if name == "app.json":
        obj = _sniff_json(path, ("pages", "requiredPrivateInfos"))
        return "wechat-app" if obj == "invalid" or _wechat().is_miniprogram_app_json(obj) else None
    return None
