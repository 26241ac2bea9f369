"""Parsers and readers: declarations, lines, purposes, binary formats, archives."""

from __future__ import annotations

import plistlib
import zipfile
from pathlib import Path

from manifests_axml import manifest_axml, write_apk

from piscan.scanner import Scanner, ScanOptions
from piscan.sources.manifests import android, harmony, ios, wechat
from piscan.sources.registry import detect_kind

FIX = Path(__file__).parent / "fixtures"


def _scan(*paths, app_type=None):
    return Scanner(ScanOptions(app_type=app_type, jobs=1)).scan([str(p) for p in paths])


def _line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line and "<!--" not in line and "//" not in line.split(needle)[0]:
            return i
    raise AssertionError(needle)


def test_android_text_comments_remove_and_lines():
    p = FIX / "android/shop/app/src/main/AndroidManifest.xml"
    m = android.parse(p.read_bytes())
    names = [d.permission for d in m.declarations]
    assert "android.permission.READ_SMS" not in names and "android.permission.READ_CALL_LOG" not in names
    assert "android.permission.READ_CONTACTS" not in names  # tools:node="remove"
    assert m.facts["removed_permissions"] == ["android.permission.READ_CONTACTS",
                                              "com.google.android.gms.permission.AD_ID"]
    d = {x.permission: x for x in m.declarations}
    storage = d["android.permission.READ_EXTERNAL_STORAGE"]
    assert storage.extra["max_sdk_version"] == "32"
    # a multi-line element is located at its start tag, the line before its android:name
    assert storage.line == _line_of(p, '"android.permission.READ_EXTERNAL_STORAGE"') - 1
    assert d["android.permission.READ_PHONE_STATE"].extra["element"] == "uses-permission-sdk-23"
    assert d["android.permission.CAMERA"].line == _line_of(p, "android.permission.CAMERA")
    assert m.facts["package"] == "com.example.shop"


def test_android_duplicates_collapse():
    m = android.parse((FIX / "android/maps/AndroidManifest.xml").read_bytes())
    names = [d.permission for d in m.declarations]
    assert names.count("android.permission.ACCESS_FINE_LOCATION") == 1


def test_axml_in_apk(tmp_path):
    axml = manifest_axml("com.example.apk", [
        ("uses-permission", "android.permission.INTERNET", None),
        ("uses-permission", "android.permission.READ_CONTACTS", None),
        ("uses-permission", "android.permission.READ_EXTERNAL_STORAGE", 32),
        ("uses-permission-sdk-23", "android.permission.ACCESS_FINE_LOCATION", None),
    ])
    apk = tmp_path / "demo.apk"
    write_apk(apk, axml)
    assert detect_kind(str(apk)) == "apk"
    r = _scan(apk, app_type="6")
    assert not r.errors
    perms = {f.permission: f for f in r.findings if f.entity_type == "APP_PERMISSION"}
    assert set(perms) == {"android.permission.READ_CONTACTS", "android.permission.READ_EXTERNAL_STORAGE",
                          "android.permission.ACCESS_FINE_LOCATION"}
    f = perms["android.permission.READ_EXTERNAL_STORAGE"]
    assert f.line is None and "binary AXML" in f.attributes["line_unavailable"]
    assert f.attributes["max_sdk_version"] == "32" and f.attributes["member"] == "AndroidManifest.xml"
    assert r.inputs[0]["package"] == "com.example.apk"
    checks = {(f.rule_id, f.permission) for f in r.findings if f.entity_type == "APP_CHECK"}
    assert ("APP-C02", "android.permission.READ_CONTACTS") in checks


def test_ios_xml_lines_and_purposes():
    p = FIX / "ios/Shop/Info.plist"
    m = ios.parse(p.read_bytes())
    d = {x.permission: x for x in m.declarations}
    assert "NSMicrophoneUsageDescription" not in d  # only in a comment
    assert d["NSCameraUsageDescription"].purpose == "用于扫描商品条码和拍摄评价晒单照片"
    assert d["NSCameraUsageDescription"].line == _line_of(p, "<key>NSCameraUsageDescription</key>")
    assert "UIBackgroundModes:location" not in d


def test_ios_binary_plist_and_localisation(tmp_path):
    src = plistlib.loads((FIX / "ios/Run/Info.plist").read_bytes())
    d = tmp_path / "Run"
    (d / "zh-Hans.lproj").mkdir(parents=True)
    (d / "Info.plist").write_bytes(plistlib.dumps(src, fmt=plistlib.FMT_BINARY))
    strings = {"NSMotionUsageDescription": "用于跑步时计步"}
    (d / "zh-Hans.lproj/InfoPlist.strings").write_bytes(plistlib.dumps(strings, fmt=plistlib.FMT_BINARY))
    r = _scan(d)
    perms = {f.permission: f for f in r.findings if f.entity_type == "APP_PERMISSION"}
    assert perms["NSMotionUsageDescription"].line is None
    motion = perms["NSMotionUsageDescription"].attributes
    assert motion["line_unavailable"] == "binary plist has no text lines"
    assert perms["NSMotionUsageDescription"].attributes["purpose_zh"] == "用于跑步时计步"
    c06 = {f.permission for f in r.findings if f.rule_id == "APP-C06"}
    # English purposes without a Chinese localisation are flagged; the localised one is not
    assert "NSHealthShareUsageDescription" in c06 and "NSMotionUsageDescription" not in c06


def test_ipa(tmp_path):
    ipa = tmp_path / "Shop.ipa"
    with zipfile.ZipFile(ipa, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Payload/Shop.app/Info.plist", (FIX / "ios/Shop/Info.plist").read_bytes())
        zf.writestr("Payload/Shop.app/zh-Hans.lproj/InfoPlist.strings",
                    '"NSLocationWhenInUseUsageDescription" = "用于展示附近门店";'.encode("utf-16"))
        zf.writestr("Payload/Shop.app/Shop", b"\xcf\xfa\xed\xfe" + b"\0" * 32)
    r = _scan(ipa)
    assert not r.errors
    perms = {f.permission: f for f in r.findings if f.entity_type == "APP_PERMISSION"}
    assert perms["NSCameraUsageDescription"].attributes["member"] == "Payload/Shop.app/Info.plist"
    c06 = {f.permission for f in r.findings if f.rule_id == "APP-C06"}
    assert "NSLocationWhenInUseUsageDescription" not in c06  # Chinese localisation in the IPA
    assert "NSPhotoLibraryUsageDescription" in c06


def test_harmony_json5_resources_and_lines():
    p = FIX / "harmony/entry/src/main/module.json5"
    base = harmony.parse_string_resources((p.parent / "resources/base/element/string.json").read_bytes())
    zh = harmony.parse_string_resources((p.parent / "resources/zh_CN/element/string.json").read_bytes())
    m = harmony.parse(p.read_bytes(), base, zh)
    d = {x.permission: x for x in m.declarations}
    assert "ohos.permission.READ_MESSAGES" not in d and "ohos.permission.READ_CALENDAR" not in d
    loc = d["ohos.permission.LOCATION"]
    assert loc.purpose == "Used to show local news" and loc.extra["purpose_zh"] == "用于推荐本地新闻"
    assert loc.extra["when"] == "always" and loc.extra["abilities"] == ["EntryAbility"]
    assert loc.line == _line_of(p, "'ohos.permission.LOCATION'")
    assert d["ohos.permission.CAMERA"].purpose == "用于扫描二维码登录"
    assert d["ohos.permission.APP_TRACKING_CONSENT"].extra["reason_resolved"] is False
    # without resources the reference stays unresolved and is not called missing
    m2 = harmony.parse(p.read_bytes(), None, None)
    assert {x.permission: x for x in m2.declarations}["ohos.permission.CAMERA"].purpose is None


def test_harmony_legacy_config_json_detected():
    p = FIX / "harmony/legacy/config.json"
    assert detect_kind(str(p)) == "harmony-module"
    m = harmony.parse(p.read_bytes(), name="config.json")
    assert m.facts["model"] == "fa"
    d = {x.permission: x for x in m.declarations}
    assert d["ohos.permission.LOCATION"].extra["abilities"] == ["com.example.legacy.MainAbility"]


def test_wechat_app_json():
    p = FIX / "wechat/mp1/app.json"
    m = wechat.parse(p.read_bytes())
    d = {x.permission: x for x in m.declarations}
    assert d["scope.userLocation"].purpose.startswith("你的位置信息")
    assert d["getFuzzyLocation"].line == _line_of(p, "requiredPrivateInfos")
    assert m.facts["plugins"] == ["wxidxxxxxxxxxxxxxxxx"] and m.facts["use_privacy_check"] is True


def test_non_manifests_stay_data():
    # JSON that is not a manifest is scanned as JSON data (key paths as context), never as a manifest
    assert detect_kind(str(FIX / "other/app.json")) == "json"
    assert detect_kind(str(FIX / "other/config.json")) == "json"
    assert detect_kind(str(FIX / "harmony/entry/src/main/resources/base/element/string.json")) == "json"


def test_axml_with_a_tampered_namespace_string_still_declares(tmp_path):
    # Android resolves android:name by its resource id (0x01010003), not by the namespace string: a
    # packer that rewrites the string hides nothing from the device, so it must hide nothing from piscan
    from manifests_axml import ANDROID_NS

    axml = manifest_axml("com.example.ns", [("uses-permission", "android.permission.READ_CONTACTS", None),
                                            ("uses-permission", "android.permission.CAMERA", 28)])
    fake = "http://schemas.android.com/apk/res/andr0id"
    tampered = axml.replace(ANDROID_NS.encode("utf-16-le"), fake.encode("utf-16-le"))
    assert tampered != axml
    want = [(d.permission, d.extra.get("max_sdk_version")) for d in android.parse(axml).declarations]
    got = [(d.permission, d.extra.get("max_sdk_version")) for d in android.parse(tampered).declarations]
    assert got == want == [("android.permission.READ_CONTACTS", None), ("android.permission.CAMERA", "28")]


def test_manifests_and_packages_inside_a_zip_are_read_as_manifests(tmp_path):
    """A zipped source tree or an .apks bundle: each manifest member is read by its manifest reader, as the
    same files in a folder are, with the string resources beside them (they were scanned as plain text)."""
    import shutil

    tree = tmp_path / "tree"
    for rel in ("android/shop", "ios/Shop", "wechat/mp1", "harmony/entry"):
        shutil.copytree(FIX / rel, tree / rel)
    axml = manifest_axml("com.example.split", [("uses-permission", "android.permission.READ_CONTACTS", None)])
    write_apk(tmp_path / "base-master.apk", axml)
    bundle = tree / "app.apks"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.write(tmp_path / "base-master.apk", "splits/base-master.apk")
    folder = _scan(tree)
    archive = tmp_path / "tree.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(tree.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(tree).as_posix())
    zipped = _scan(archive)
    assert not zipped.errors

    def summary(r, strip):
        return sorted((f.path.replace(strip, "", 1), f.rule_id, f.permission, f.line) for f in r.findings)

    want = summary(folder, "")
    assert any(p == "app.apks!splits/base-master.apk" and perm == "android.permission.READ_CONTACTS"
               for p, _, perm, _ in want)
    assert summary(zipped, f"{archive}!") == want
    kinds = {i["path"].split("!")[-1].rsplit("/", 1)[-1]: i["type"] for i in zipped.inputs}
    assert kinds["AndroidManifest.xml"] == "android-manifest" and kinds["app.json"] == "wechat-app"
    assert kinds["base-master.apk"] == "apk"


def test_a_padded_manifest_is_still_a_manifest(tmp_path):
    # past the sniffing size a mini-program app.json stayed plain JSON: no finding, no error
    body = '{"pages": ["pages/index/index"], "requiredPrivateInfos": ["getLocation"], "pad": "%s"}'
    for size, errors in ((3 << 20, 0), (9 << 20, 1)):  # over the 8 MB manifest limit: a scan error
        d = tmp_path / str(size)
        d.mkdir()
        (d / "app.json").write_text(body % ("x" * size), encoding="utf-8")
        assert detect_kind(str(d / "app.json")) == "wechat-app"
        r = _scan(d / "app.json")
        assert len(r.errors) == errors
        assert any(f.permission == "getLocation" for f in r.findings) == (not errors)


def test_forced_apk_type_on_a_zip_reads_one_package(tmp_path):
    # --type apk on an APK saved as .zip gave one copy of every finding per zip member (24 members: 24x)
    axml = manifest_axml("com.example.zipped", [("uses-permission", "android.permission.READ_CONTACTS", None)])
    apk = tmp_path / "app-release.zip"
    write_apk(apk, axml, {f"res/raw/r{i}.bin": b"x" * 10 for i in range(20)})
    r = Scanner(ScanOptions(jobs=1, input_type="apk")).scan([str(apk)])
    assert not r.errors
    assert [i["type"] for i in r.inputs] == ["apk"]
    perms = [f.permission for f in r.findings if f.entity_type == "APP_PERMISSION"]
    assert perms == ["android.permission.READ_CONTACTS"]


def test_ipa_extensions_and_watch_apps_declare_for_the_app(tmp_path):
    """A share extension's contacts access and a Watch app's health access are the app's collection too:
    they were not reported (only Payload/*.app/Info.plist was read; found by the manifest review)."""
    def plist(keys: dict[str, str]) -> bytes:
        return plistlib.dumps({"CFBundleIdentifier": "com.example.im", **keys})

    ipa = tmp_path / "IM.ipa"
    with zipfile.ZipFile(ipa, "w") as zf:
        zf.writestr("Payload/IM.app/Info.plist", plist({"NSCameraUsageDescription": "用于扫码添加好友"}))
        zf.writestr("Payload/IM.app/PlugIns/Share.appex/Info.plist",
                    plist({"NSContactsUsageDescription": "用于分享给通讯录好友",
                           "NSCameraUsageDescription": "用于拍照分享"}))
        zf.writestr("Payload/IM.app/Watch/IMWatch.app/Info.plist",
                    plistlib.dumps({"NSHealthShareUsageDescription": "Reads your heart rate"}, fmt=plistlib.FMT_BINARY))
        zf.writestr("Payload/IM.app/Frameworks/Kit.framework/Info.plist", plist({"NSMicrophoneUsageDescription": "x"}))
    r = _scan(ipa)
    assert not r.errors
    perms = {f.permission: f.attributes["member"] for f in r.findings if f.entity_type == "APP_PERMISSION"}
    assert perms == {"NSCameraUsageDescription": "Payload/IM.app/Info.plist",
                     "NSContactsUsageDescription": "Payload/IM.app/PlugIns/Share.appex/Info.plist",
                     "NSHealthShareUsageDescription": "Payload/IM.app/Watch/IMWatch.app/Info.plist"}
    c06 = {f.permission: f.attributes["member"] for f in r.findings if f.rule_id == "APP-C06"}
    assert c06 == {"NSHealthShareUsageDescription": "Payload/IM.app/Watch/IMWatch.app/Info.plist"}  # English only


def test_harmony_hap_and_its_compiled_module_json(tmp_path):
    """A released HarmonyOS app is a .hap (a zip) holding the compiled module.json, with an "app" section
    merged in: neither was read (0 findings, exit 0; found by the manifest review)."""
    import json

    module = {"app": {"bundleName": "com.example.hm", "versionCode": 1000000},
              "module": {"name": "entry", "type": "entry", "deviceTypes": ["phone"],
                         "abilities": [{"name": "EntryAbility", "exported": True}],
                         "requestPermissions": [
                             {"name": "ohos.permission.READ_CONTACTS", "reason": "$string:r", "reasonId": 16777220,
                              "usedScene": {"abilities": ["EntryAbility"], "when": "inuse"}},
                             {"name": "ohos.permission.INTERNET"}]}}
    data = json.dumps(module, separators=(",", ":")).encode()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "module.json").write_bytes(data)
    hap = tmp_path / "entry-default-signed.hap"
    with zipfile.ZipFile(hap, "w") as zf:
        zf.writestr("module.json", data)
        zf.writestr("resources.index", b"\0" * 64)
    bundle = tmp_path / "release.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.write(hap, "out/entry-default-signed.hap")
    assert detect_kind(str(tmp_path / "src" / "module.json")) == "harmony-module"
    for target, path in ((tmp_path / "src" / "module.json", str(tmp_path / "src" / "module.json")),
                         (hap, f"{hap}!module.json"),
                         (bundle, f"{bundle}!out/entry-default-signed.hap!module.json")):
        r = _scan(target)
        assert not r.errors, (target, r.errors)
        perms = [(f.path, f.permission) for f in r.findings if f.entity_type == "APP_PERMISSION"]
        assert perms == [(path, "ohos.permission.READ_CONTACTS")], target
