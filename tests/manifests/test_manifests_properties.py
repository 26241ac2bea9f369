"""Property tests on the mapping tables, and precision/recall over the fixture set."""

from __future__ import annotations

import json
import plistlib
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from manifests_axml import manifest_axml

from piscan.detection.app_checks import load_app_types, load_check_config, manifest_findings, run_checks
from piscan.detection.permissions import load_permission_map, map_declarations
from piscan.fingerprint import Fingerprinter
from piscan.scanner import Scanner, ScanOptions
from piscan.sources.manifests import android, harmony, ios, wechat

FIX = Path(__file__).parent / "fixtures"
PMAP = load_permission_map()
FP = Fingerprinter(b"k")
NOISE = {"android": ["android.permission.INTERNET", "android.permission.VIBRATE",
                     "android.permission.WAKE_LOCK", "com.example.permission.C2D_MESSAGE"],
         "ios": ["NSAppleEventsUsageDescription", "NSSiriUsageDescription"],
         "harmony": ["ohos.permission.INTERNET", "ohos.permission.GET_NETWORK_INFO",
                     "ohos.permission.KEEP_BACKGROUND_RUNNING"],
         "wechat": ["getSystemInfo"]}


def _relevant(platform: str) -> set[str]:
    return {k for k, v in PMAP.exact[platform].items() if v.category is not None}


def _render(platform: str, names: list[str], binary: bool) -> bytes:
    if platform == "android":
        if binary:
            return manifest_axml("p.q", [("uses-permission", n, None) for n in names])
        body = "".join(f'\n  <uses-permission android:name="{n}"/>' for n in names)
        return (f'<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="p.q">{body}\n'
                f"</manifest>").encode()
    if platform == "ios":
        d: dict = {"CFBundleIdentifier": "p.q"}
        for n in names:
            if n == "UIBackgroundModes:location":
                d["UIBackgroundModes"] = ["location"]
            elif n.endswith("Dictionary"):
                d[n] = {"k": "用于导航"}
            else:
                d[n] = "用于测试功能的具体说明"
        return plistlib.dumps(d, fmt=plistlib.FMT_BINARY if binary else plistlib.FMT_XML)
    if platform == "harmony":
        entry = "    // {n}\n    {{ name: '{n}', reason: '用于测试', usedScene: {{abilities: ['A']}} }}"
        perms = ",\n".join(entry.format(n=n) for n in names)
        perms += ",\n" if perms else ""
        return f"{{ module: {{ name: 'entry', type: 'entry', requestPermissions: [\n{perms}] }} }}".encode()
    scopes = {n: {"desc": "用于计算配送距离"} for n in names if n.startswith("scope.")}
    apis = [n for n in names if not n.startswith("scope.") and ":" not in n]
    obj: dict = {"pages": ["pages/index/index"], "permission": scopes, "requiredPrivateInfos": apis}
    if "requiredBackgroundModes:location" in names:
        obj["requiredBackgroundModes"] = ["location"]
    return json.dumps(obj).encode()


def _parse(platform: str, data: bytes):
    parsers = {"android": android.parse, "ios": ios.parse, "harmony": harmony.parse, "wechat": wechat.parse}
    return parsers[platform](data)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["android", "ios", "harmony", "wechat"]), st.data(), st.booleans())
def test_findings_equal_mapped_subset(platform, data, binary):
    pool = sorted(set(PMAP.exact[platform]) | set(NOISE[platform]))
    names = data.draw(st.lists(st.sampled_from(pool), unique=True, max_size=25))
    m = _parse(platform, _render(platform, names, binary and platform in ("android", "ios")))
    got = {f.permission for f in manifest_findings(m, "x", FP) if f.entity_type == "APP_PERMISSION"}
    assert got == set(names) & _relevant(platform)


def test_table_integrity():
    cats = PMAP.categories
    types = load_app_types()
    for platform in PMAP.exact:
        for name, info in PMAP.exact[platform].items():
            assert info.category is None or info.category.id in cats
            if platform == "harmony":
                assert info.grant in ("user_grant", "system_grant"), name
                assert not name.startswith("ohos.") or name.startswith("ohos.permission.")
            if platform == "android":  # (a vendor SDK's permission may be lower-case: freemme.permission.msa)
                assert ("." in name and name.split(".")[-1].isupper()) or ":" in name or name in {
                    "freemme.permission.msa"}, name
    for t in types:
        assert t.necessary <= set(cats), t.id
        assert not t.no_pi or not t.necessary_pi
    assert len({t.slug for t in types}) == len({t.slug_en for t in types}) == 39
    cfg = load_check_config()
    assert set(cfg.scope_for_api) <= set(PMAP.exact["wechat"])
    assert set(cfg.scope_for_api.values()) <= set(PMAP.exact["wechat"])


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(sorted((p, n) for p in ("android", "ios", "harmony", "wechat")
                              for n, i in PMAP.exact[p].items() if i.category is not None)),
       st.integers(1, 39))
def test_scope_check_matches_type_table(pn, type_id):
    platform, name = pn
    at = load_app_types()[type_id - 1]
    m = _parse(platform, _render(platform, [name], False))
    info = PMAP.lookup(platform, name)
    rules = {f.rule_id for f in run_checks(m, map_declarations(m), "x", FP, at)}
    scope = rules & {"APP-C01", "APP-C02", "APP-C03"}
    if info.category.id in at.necessary:
        assert not scope
    else:
        expect = "APP-C02" if info.sensitive else "APP-C03" if at.no_pi else "APP-C01"
        assert scope == {expect}


def _measure():
    expected = yaml.safe_load((FIX / "expected.yaml").read_text(encoding="utf-8"))
    truth = {(path, p) for path, perms in expected.items() for p in perms}
    r = Scanner(ScanOptions(jobs=1)).scan([str(FIX)])
    got = {(f.path, f.permission) for f in r.findings if f.entity_type == "APP_PERMISSION"}
    tp = len(truth & got)
    return tp / len(got), tp / len(truth), len(truth), sorted(got - truth), sorted(truth - got)


def test_precision_recall_on_fixtures(capsys):
    precision, recall, n, fp, fn = _measure()
    with capsys.disabled():
        print(f"\nmanifest permissions: precision={precision:.4f} recall={recall:.4f} over {n} labelled")
    assert not fp and not fn
    assert precision >= 0.99 and recall >= 0.99
