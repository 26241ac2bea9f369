"""WeChat mini-program ``app.json``.

Declarations: each ``permission.<scope>`` (purpose = its ``desc``), each ``requiredPrivateInfos`` interface
(getLocation, getFuzzyLocation, chooseAddress …) and ``requiredBackgroundModes`` containing ``location``
(declared as ``requiredBackgroundModes:location``). Facts: ``__usePrivacyCheck__``, plugin providers, the
scopes with their descriptions (for the APP-C08/C12 checks).
"""

from __future__ import annotations

import json
from typing import Any

from piscan.sources.manifests.jsonpos import Locator
from piscan.sources.manifests.model import Declaration, Manifest, ManifestError, decode_text

MAX_APP_JSON_BYTES = 4 << 20


def is_miniprogram_app_json(obj: Any) -> bool:
    """app.json of a mini-program: a ``pages`` list of strings, or the privacy keys."""
    if not isinstance(obj, dict):
        return False
    pages = obj.get("pages")
    if isinstance(pages, list) and pages and all(isinstance(p, str) for p in pages):
        return True
    return "requiredPrivateInfos" in obj or ("permission" in obj and isinstance(obj["permission"], dict)
                                             and any(str(k).startswith("scope.") for k in obj["permission"]))


def parse(data: bytes) -> Manifest:
    if len(data) > MAX_APP_JSON_BYTES:
        raise ManifestError("app.json is larger than 4 MB")
    text = decode_text(data)
    try:
        obj = json.loads(text)
    except RecursionError:
        raise ManifestError("app.json is nested too deeply") from None
    except ValueError as exc:
        raise ManifestError(f"invalid JSON in app.json: {str(exc)[:120]}") from None
    if not is_miniprogram_app_json(obj):
        raise ManifestError("app.json is not a mini-program configuration (no pages)")
    m = Manifest(platform="wechat", format="json")
    m.facts["use_privacy_check"] = obj.get("__usePrivacyCheck__")
    plugins = obj.get("plugins")
    if isinstance(plugins, dict):
        m.facts["plugins"] = sorted({str(p.get("provider")) for p in plugins.values()
                                     if isinstance(p, dict) and p.get("provider")})
    perm = obj.get("permission") if isinstance(obj.get("permission"), dict) else {}
    scopes: dict[str, str | None] = {}
    loc = Locator(text)
    loc.seek_key("permission")
    start = loc.pos
    for scope, body in perm.items():
        if not isinstance(scope, str) or not scope.startswith("scope."):
            continue
        desc = body.get("desc") if isinstance(body, dict) else None
        desc = desc if isinstance(desc, str) else None
        scopes[scope] = desc
        loc.pos = start
        line = loc.find(scope)
        ev = json.dumps({scope: {"desc": desc}} if desc is not None else {scope: body}, ensure_ascii=False)
        m.declarations.append(Declaration(scope, line, desc, ev, {"has_desc": bool(desc and desc.strip())}))
    m.facts["scopes"] = scopes
    infos = obj.get("requiredPrivateInfos")
    apis: list[str] = []
    if isinstance(infos, list):
        loc = Locator(text)
        loc.seek_key("requiredPrivateInfos")
        for api in infos:
            if not isinstance(api, str) or api in apis:
                continue
            apis.append(api)
            m.declarations.append(Declaration(api, loc.find(api), None, f'requiredPrivateInfos: "{api}"', {}))
    m.facts["required_private_infos"] = apis
    modes = obj.get("requiredBackgroundModes")
    if isinstance(modes, list) and "location" in modes:
        loc = Locator(text)
        loc.seek_key("requiredBackgroundModes")
        m.declarations.append(Declaration("requiredBackgroundModes:location", loc.find("location"), None,
                                          'requiredBackgroundModes: "location"', {}))
    return m
