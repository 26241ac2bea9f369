"""HarmonyOS ``module.json5`` (Stage model) and legacy ``config.json`` (FA model).

``module.requestPermissions[]`` (``reqPermissions`` in config.json) entries: ``name``, ``reason`` (often a
``$string:name`` resource reference, resolved from ``resources/base/element/string.json`` and the Chinese
``resources/zh_CN/element/string.json`` when the reader finds them), ``usedScene`` {``abilities`` (``ability``
in config.json), ``when``: inuse | always}. Parsed with the ``json5`` package (comments, trailing commas,
unquoted keys); lines are found by locating each name literal in the comment-blanked text.
"""

from __future__ import annotations

import json
from typing import Any

from piscan.sources.manifests.jsonpos import Locator
from piscan.sources.manifests.model import Declaration, Manifest, ManifestError, decode_text

#: JSON5 is parsed by a pure-Python parser: refuse anything far beyond a real module.json5 (~10-100 KB).
MAX_JSON5_BYTES = 2 << 20
STRING_REF = "$string:"


def load_json5(data: bytes, what: str) -> tuple[Any, str]:
    import json5

    if len(data) > MAX_JSON5_BYTES:
        raise ManifestError(f"{what} is larger than {MAX_JSON5_BYTES >> 20} MB")
    text = decode_text(data)
    try:
        return json5.loads(text), text
    except RecursionError:
        raise ManifestError(f"{what} is nested too deeply") from None
    except Exception as exc:  # json5 raises ValueError with position info
        msg = str(exc).splitlines()[0][:120] if str(exc) else exc.__class__.__name__
        raise ManifestError(f"invalid JSON5 in {what}: {msg}") from None


def is_harmony_config(obj: Any) -> str | None:
    """``"stage"`` for module.json5 content, ``"fa"`` for a legacy config.json, else ``None``."""
    if not isinstance(obj, dict) or not isinstance(obj.get("module"), dict):
        return None
    mod = obj["module"]
    # the permission key decides first: a .hap's compiled module.json (stage model) also has "app"
    if "requestPermissions" in mod:
        return "stage"
    if "reqPermissions" in mod:
        return "fa"
    if "type" in mod and ("abilities" in mod or "deviceTypes" in mod) and "package" not in mod:
        return "stage"
    if "app" in obj and ("abilities" in mod or "package" in mod):
        return "fa"
    return None


def parse_string_resources(data: bytes) -> dict[str, str]:
    """``{"string": [{"name": …, "value": …}]}`` → name → value (lenient: bad entries are skipped)."""
    try:
        obj = json.loads(decode_text(data))
    except (ValueError, RecursionError):
        try:
            obj, _ = load_json5(data, "string.json")
        except ManifestError:
            return {}
    out: dict[str, str] = {}
    if isinstance(obj, dict) and isinstance(obj.get("string"), list):
        for e in obj["string"]:
            if isinstance(e, dict) and isinstance(e.get("name"), str) and isinstance(e.get("value"), str):
                out[e["name"]] = e["value"]
    return out


def parse(data: bytes, strings: dict[str, str] | None = None, strings_zh: dict[str, str] | None = None,
          *, name: str = "module.json5") -> Manifest:
    """Parse module.json5 / config.json. ``strings`` = base string resources (``None``: not found)."""
    obj, text = load_json5(data, name)
    model = is_harmony_config(obj)
    if model is None:
        raise ManifestError(f"{name} has no HarmonyOS module section")
    mod = obj["module"]
    key = "reqPermissions" if model == "fa" else "requestPermissions"
    manifest = Manifest(platform="harmony", format="json5" if name.endswith(".json5") else "json")
    manifest.facts["model"] = model
    for k in ("name", "type", "package"):
        if isinstance(mod.get(k), str):
            manifest.facts[f"module_{k}"] = mod[k]
    if isinstance(obj.get("app"), dict) and isinstance(obj["app"].get("bundleName"), str):
        manifest.facts["bundle_name"] = obj["app"]["bundleName"]
    manifest.facts["string_resources"] = strings is not None
    entries = mod.get(key) or []
    if not isinstance(entries, list):
        raise ManifestError(f"module.{key} is not a list")
    loc = Locator(text)
    loc.seek_key(key)
    seen: set[str] = set()
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        perm = entry["name"].strip()
        line = loc.find(entry["name"])
        if perm in seen:
            continue
        seen.add(perm)
        extra: dict[str, Any] = {}
        reason = entry.get("reason")
        purpose: str | None = None
        if isinstance(reason, str):
            if reason.startswith(STRING_REF):
                ref = reason[len(STRING_REF):]
                extra["reason_ref"] = reason
                if strings is not None:
                    purpose = strings.get(ref)
                    extra["reason_resolved"] = purpose is not None
                if strings_zh and ref in strings_zh:
                    extra["purpose_zh"] = strings_zh[ref]
            else:
                purpose = reason
        extra["has_reason"] = isinstance(reason, str) and bool(reason.strip())
        scene = entry.get("usedScene")
        if isinstance(scene, dict):
            abilities = scene.get("abilities", scene.get("ability"))
            if isinstance(abilities, list):
                extra["abilities"] = [a for a in abilities if isinstance(a, str)]
            if isinstance(scene.get("when"), str):
                extra["when"] = scene["when"]
        extra["has_used_scene"] = bool(extra.get("abilities"))
        evidence = json.dumps({"name": perm, **({"reason": reason} if isinstance(reason, str) else {})},
                              ensure_ascii=False)
        manifest.declarations.append(Declaration(perm, line, purpose, evidence, extra))
    return manifest
