"""iOS ``Info.plist`` (XML or binary, via :mod:`plistlib`) and ``InfoPlist.strings`` localisations.

Declarations: every ``NS…UsageDescription`` key (purpose = its string), the
``NSLocationTemporaryUsageDescriptionDictionary`` (purposes joined) and ``UIBackgroundModes`` containing
``location`` (declared as ``UIBackgroundModes:location``). ``plistlib`` refuses entity declarations in
XML plists, so an XML bomb is an error. Lines come from the XML text (``<key>…</key>``); binary plists
have no lines (``None``).
"""

from __future__ import annotations

import plistlib
import re
from typing import Any

from piscan.sources.manifests.model import Declaration, Manifest, ManifestError, decode_text, line_of

USAGE_KEY = re.compile(r"^NS[A-Za-z]+UsageDescription(Dictionary)?$")
#: Localisation folders whose InfoPlist.strings count as simplified Chinese purpose text.
CHINESE_LPROJ = ("zh-Hans.lproj", "zh_CN.lproj", "zh-CN.lproj", "zh-Hans-CN.lproj", "zh.lproj")
_STRINGS_PAIR = re.compile(r'"?([A-Za-z0-9_.:-]+)"?\s*=\s*"((?:[^"\\]|\\.)*)"\s*;', re.S)
_COMMENTS = re.compile(r'/\*.*?\*/|//[^\n]*', re.S)


def _load(data: bytes) -> tuple[dict[str, Any], str]:
    fmt = "plist-binary" if data.startswith(b"bplist") else "plist-xml"
    try:
        obj = plistlib.loads(data)
    except Exception as exc:  # InvalidFileException, ExpatError, struct/overflow errors on corrupt input
        reason = "refused unsafe XML (entity declaration)" if "entity" in str(exc).lower() else \
            f"not a property list ({exc.__class__.__name__})"
        raise ManifestError(reason) from None
    if not isinstance(obj, dict):
        raise ManifestError("property list top level is not a dictionary")
    return obj, fmt


def parse_strings(data: bytes) -> dict[str, str]:
    """Parse an ``InfoPlist.strings`` file (text ``"key" = "value";`` or a compiled binary plist)."""
    if data.startswith(b"bplist") or data.lstrip().startswith(b"<?xml"):
        try:
            obj = plistlib.loads(data)
        except Exception:
            return {}
        return {k: v for k, v in obj.items() if isinstance(k, str) and isinstance(v, str)} \
            if isinstance(obj, dict) else {}
    text = _COMMENTS.sub("", decode_text(data))
    out = {}
    for key, value in _STRINGS_PAIR.findall(text):
        out[key] = value.replace('\\"', '"').replace("\\n", "\n")
    return out


def parse(data: bytes, localised: dict[str, str] | None = None) -> Manifest:
    """Parse an Info.plist; ``localised`` = key → string from a Chinese ``InfoPlist.strings``."""
    obj, fmt = _load(data)
    text = decode_text(data) if fmt == "plist-xml" else None
    manifest = Manifest(platform="ios", format=fmt)
    for key in ("CFBundleIdentifier", "CFBundleName", "CFBundleDevelopmentRegion"):
        if isinstance(obj.get(key), str):
            manifest.facts[key] = obj[key]
    manifest.facts["chinese_localisation"] = bool(localised)

    def where(key: str) -> int | None:
        if text is None:
            return None
        m = re.search(r"<key>\s*" + re.escape(key) + r"\s*</key>", text)
        return line_of(text, m.start()) if m else None

    for key in sorted(obj, key=lambda k: (where(k) or 0, k)):
        if not isinstance(key, str) or not USAGE_KEY.match(key):
            continue
        value = obj[key]
        if isinstance(value, dict):
            purpose = "; ".join(str(v) for v in value.values() if isinstance(v, str))
        else:
            purpose = value if isinstance(value, str) else ""
        extra: dict[str, Any] = {}
        if localised and isinstance(localised.get(key), str):
            extra["purpose_zh"] = localised[key]
        evidence = f"<key>{key}</key>"
        manifest.declarations.append(Declaration(key, where(key), purpose, evidence, extra))
    modes = obj.get("UIBackgroundModes")
    if isinstance(modes, list) and "location" in modes:
        manifest.declarations.append(Declaration("UIBackgroundModes:location", where("UIBackgroundModes"),
                                                 None, "<key>UIBackgroundModes</key> location", {}))
    return manifest
