"""Collection checks (APP-C01..C12), app types, citations, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from piscan.detection.app_checks import load_app_types, load_check_config, purpose_issue, resolve_app_type
from piscan.resources import rules_dir
from piscan.scanner import Scanner, ScanOptions

FIX = Path(__file__).parent / "fixtures"
SRC = Path(__file__).resolve().parents[2] / "src"


def _checks(path, app_type=None):
    r = Scanner(ScanOptions(app_type=app_type, jobs=1)).scan([str(path)])
    return r, {(f.rule_id, f.permission) for f in r.findings if f.entity_type == "APP_CHECK"}


def test_scope_checks_depend_on_app_type():
    shop = FIX / "android/shop/app/src/main/AndroidManifest.xml"
    _, none = _checks(shop)
    assert not any(r in ("APP-C01", "APP-C02", "APP-C03") for r, _ in none)
    _, t6 = _checks(shop, "wangshang-gouwu")  # online shopping: no location/camera needed
    assert ("APP-C02", "android.permission.ACCESS_FINE_LOCATION") in t6  # precise location is sensitive
    assert ("APP-C01", "android.permission.ACCESS_COARSE_LOCATION") in t6
    assert ("APP-C01", "android.permission.CAMERA") in t6
    _, t1 = _checks(shop, "map-navigation")
    assert ("APP-C02", "android.permission.ACCESS_FINE_LOCATION") not in t1
    assert ("APP-C01", "android.permission.CAMERA") in t1
    _, t30 = _checks(shop, 30)  # news: needs no PI at all
    assert ("APP-C03", "android.permission.CAMERA") in t30
    assert ("APP-C03", "android.permission.QUERY_ALL_PACKAGES") in t30
    _, t37 = _checks(shop, 37)  # app store: app list arguably necessary
    assert ("APP-C09", "android.permission.QUERY_ALL_PACKAGES") not in t37
    assert ("APP-C09", "android.permission.READ_PHONE_STATE") in t37


def test_background_location_only_outside_navigation():
    maps = FIX / "android/maps/AndroidManifest.xml"
    _, t1 = _checks(maps, 1)
    assert not any(r == "APP-C04" for r, _ in t1)
    _, t29 = _checks(maps, 29)
    assert ("APP-C04", "android.permission.ACCESS_BACKGROUND_LOCATION") in t29
    _, h = _checks(FIX / "harmony/entry/src/main/module.json5", 30)
    assert ("APP-C04", "ohos.permission.LOCATION") in h  # usedScene.when = always
    assert ("APP-C04", "ohos.permission.APPROXIMATELY_LOCATION") not in h  # when = inuse


def test_purpose_and_platform_checks():
    _, ios = _checks(FIX / "ios/Run/Info.plist")
    assert ("APP-C05", "NSMicrophoneUsageDescription") in ios
    # English strings with a zh-Hans InfoPlist.strings translation are fine
    assert not any(r == "APP-C06" and p == "NSHealthShareUsageDescription" for r, p in ios)
    _, h = _checks(FIX / "harmony/entry/src/main/module.json5")
    assert {("APP-C07", "ohos.permission.CAMERA"), ("APP-C07", "ohos.permission.MICROPHONE"),
            ("APP-C07", "ohos.permission.APP_TRACKING_CONSENT"), ("APP-C11", "ohos.permission.READ_CONTACTS"),
            ("APP-C06", "ohos.permission.READ_CONTACTS")} <= h
    assert ("APP-C07", "ohos.permission.INTERNET") not in h
    _, w1 = _checks(FIX / "wechat/mp1/app.json")
    assert ("APP-C12", "getFuzzyLocation") in w1 and ("APP-C08", "getFuzzyLocation") in w1
    assert ("APP-C08", "getLocation") not in w1  # scope.userLocation has a desc
    _, w2 = _checks(FIX / "wechat/mp2/app.json")
    assert ("APP-C08", "onLocationChange") in w2 and ("APP-C06", "scope.userFuzzyLocation") in w2


def test_many_dangerous_threshold():
    r, _ = _checks(FIX / "android/social/AndroidManifest.xml")
    c10 = [f for f in r.findings if f.rule_id == "APP-C10"]
    assert len(c10) == 1 and c10[0].attributes["count"] == 14 and c10[0].risk["level"] == "low"
    assert "android.permission.CALL_PHONE" in c10[0].attributes["permissions"]  # dangerous, no PI finding
    assert not any(f.permission == "android.permission.CALL_PHONE" for f in r.findings
                   if f.entity_type == "APP_PERMISSION")


@pytest.mark.parametrize("text,issue", [
    ("需要此权限", "generic"), ("为了更好的体验，请允许", "generic"), ("For better experience", "generic"),
    ("", "missing"), ("  ", "missing"), ("相机", "too short"), ("Used to scan QR codes at login", "English"),
    ("App需要访问您的相机", "generic"), ("$(PRODUCT_NAME) needs camera access", "generic"),
    # vague wordings an independent review found unflagged
    ("${PRODUCT_NAME}需要您的同意才能访问相机", "generic"), ("请允许访问相册", "generic"), ("需要运动权限", "generic"),
    ("App需要您的同意,才能访问日历", "generic"), ("是否允许此App使用您的麦克风？", "generic"), ("获取位置", "generic"),
    ("你的位置信息将用于小程序位置接口的效果展示", "generic"),
])
def test_purpose_issue_flags(text, issue):
    assert issue in purpose_issue(text, load_check_config())


@pytest.mark.parametrize("text", ["用于扫描商品条码", "用于拍摄并上传头像，仅在你点击拍照时使用",
                                  "你的位置信息将用于计算配送距离", "请允许访问相册以便上传商品评价图片",
                                  "需要您的同意才能访问相机，用于扫码登录", "获取位置用于推荐附近门店",
                                  "需要获取麦克风权限用于语音搜索商品", "是否允许使用相机拍摄身份证照片完成实名认证"])
def test_purpose_issue_accepts_specific(text):
    assert purpose_issue(text, load_check_config()) is None


def test_check_findings_shape_and_citations():
    cites = {}
    for p in sorted(rules_dir().glob("citations*.yaml")):
        for c in yaml.safe_load(p.read_text(encoding="utf-8"))["citations"]:
            assert {"id", "title_zh", "title_en", "article", "paraphrase", "confidence"} <= set(c)
            cites[c["id"]] = c
    r = Scanner(ScanOptions(app_type="6", jobs=1)).scan([str(FIX)])
    checks = [f for f in r.findings if f.entity_type == "APP_CHECK"]
    assert {f.rule_id for f in checks} >= {f"APP-C{i:02d}" for i in range(1, 13)} - {"APP-C03"}
    for f in checks:
        assert f.risk["dimension"] == "collection" and f.risk["rule_id"] == f.rule_id
        assert f.risk["level"] in ("critical", "high", "medium", "low", "info")
        assert f.risk["basis"] and all(b in cites for b in f.risk["basis"])
        assert "{" not in f.risk["reason"] and "{" not in f.risk["remediation"]
        assert len(f.fingerprint) == 32
    for cid, chk in load_check_config().checks.items():
        assert all(b in cites for b in chk.basis), cid


def test_app_types_resolution():
    types = load_app_types()
    assert [t.id for t in types] == list(range(1, 40)) and sum(t.no_pi for t in types) == 13
    assert resolve_app_type("ditu-daohang").id == 1 and resolve_app_type("browser").id == 32
    assert resolve_app_type(24).zh == "手机银行" and resolve_app_type("网络约车").id == 2
    with pytest.raises(ValueError):
        resolve_app_type("40")


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "piscan.cli", *args], capture_output=True, text=True,
                          env={"PYTHONPATH": str(SRC), "PISCAN_FINGERPRINT_KEY": "k",
                               "PATH": "/usr/bin:/bin"},
                          timeout=120)


def test_cli_app_type_and_listing():
    p = _cli("scan", "--format", "json", "--app-type", "shouji-yinhang", str(FIX / "android/social"))
    # contacts outside a banking app's necessary scope is a high finding: the default gate (--fail-on high) trips
    assert p.returncode == 1, p.stderr
    assert "gate: --fail-on high" in p.stderr
    rep = json.loads(p.stdout)
    assert rep["scan"]["options"]["app_type"] == 24
    assert any(f["rule_id"] == "APP-C02" and f["permission"] == "android.permission.READ_CONTACTS"
               for f in rep["findings"])
    bad = _cli("scan", "--app-type", "nope", str(FIX / "android/social"))
    assert bad.returncode == 2 and "unknown app type" in bad.stderr and "Traceback" not in bad.stderr
    lst = _cli("app-types")
    assert lst.returncode == 0 and len(lst.stdout.strip().splitlines()) == 39 and "地图导航" in lst.stdout


def test_oaid_sdk_permissions_are_device_id_collection(tmp_path):
    # the MSA OAID SDK's permissions signal that the app reads the device's advertising identifier
    p = tmp_path / "AndroidManifest.xml"
    p.write_text('<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="a.b">\n'
                 '  <uses-permission android:name="com.asus.msa.SupplementaryDID.ACCESS"/>\n'
                 '  <uses-permission android:name="freemme.permission.msa"/>\n</manifest>\n', encoding="utf-8")
    r = Scanner(ScanOptions(jobs=1)).scan([str(p)])
    got = sorted((f.rule_id, f.permission, f.line) for f in r.findings)
    assert ("APP-C09", "com.asus.msa.SupplementaryDID.ACCESS", 2) in got
    assert ("APP-C09", "freemme.permission.msa", 3) in got
