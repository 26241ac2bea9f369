"""Bad input: clear scan errors, no hang, the scan goes on."""

from __future__ import annotations

import shutil
import time
import zipfile
from pathlib import Path

import pytest

from piscan.scanner import Scanner, ScanOptions

FIX = Path(__file__).parent / "fixtures"
BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]>
"""


def _bad_tree(tmp: Path) -> dict[str, str]:
    """Write one bad input per kind; return relative path -> expected words in the error reason."""
    cases = {
        "a/AndroidManifest.xml": ("<manifest xmlns:android='http://schemas.android.com/apk/res/android'>"
                                  "<uses-permission android:name='x'>", "malformed XML"),
        "b/AndroidManifest.xml": (BOMB + '<manifest xmlns:android="http://schemas.android.com/apk/res/android">'
                                  '<uses-permission android:name="&lol9;"/></manifest>', "unsafe XML"),
        "c/AndroidManifest.xml": ('<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                  '<manifest>&x;</manifest>', "unsafe XML"),
        "d/Info.plist": ("this is not a plist", "not a property list"),
        "e/Info.plist": (BOMB.replace("lolz", "plist") + "<plist><dict><key>NSCameraUsageDescription</key>"
                         "<string>&lol9;</string></dict></plist>", "unsafe XML"),
        "f/module.json5": ("{ module: { requestPermissions: [ { name: 'ohos.permission.CAMERA' ",
                           "invalid JSON5"),
        "g/module.json5": ("[" * 50000 + "]" * 50000, ""),
        "h/app.json": ('{"pages": ["a"], "permission": {', "invalid JSON"),
    }
    for rel, (text, _) in cases.items():
        p = tmp / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    # zip bomb: a manifest member of 200 MB zeros (compresses to ~200 KB)
    with zipfile.ZipFile(tmp / "bomb.apk", "w", zipfile.ZIP_DEFLATED) as zf, \
            zf.open("AndroidManifest.xml", "w", force_zip64=True) as fh:
        block = b"\0" * (1 << 20)
        for _ in range(200):
            fh.write(block)
    (tmp / "notzip.apk").write_bytes(b"PK\x03\x04 truncated")
    with zipfile.ZipFile(tmp / "noplist.ipa", "w") as zf:
        zf.writestr("Payload/X.app/readme.txt", "x")
    with zipfile.ZipFile(tmp / "garbage.apk", "w") as zf:
        zf.writestr("AndroidManifest.xml", b"\x03\x00\x08\x00" + b"\xff" * 64)
    out = {rel: words for rel, (_, words) in cases.items()}
    out.update({"bomb.apk": "limit", "notzip.apk": "zip", "noplist.ipa": "Info.plist",
                "garbage.apk": "AXML"})
    return out


def test_bad_inputs_are_errors_and_scan_continues(tmp_path):
    expected = _bad_tree(tmp_path)
    shutil.copytree(FIX / "wechat/mp1", tmp_path / "good")
    t0 = time.perf_counter()
    r = Scanner(ScanOptions(jobs=1)).scan([str(tmp_path)])
    assert time.perf_counter() - t0 < 30
    errs = {e.path: e.reason for e in r.errors}
    assert set(errs) == set(expected), errs
    for rel, words in expected.items():
        assert errs[rel] and words.lower() in errs[rel].lower(), (rel, errs[rel])
        assert "Traceback" not in errs[rel]
    assert all(e.kind == "error" for e in r.errors) and r.failed
    assert any(f.path == "good/app.json" and f.entity_type == "APP_PERMISSION" for f in r.findings)
    assert not any(f.path != "good/app.json" for f in r.findings)


@pytest.mark.parametrize("kind", ["android-manifest", "ios-plist", "harmony-module", "wechat-app", "apk",
                                  "ipa"])
def test_forced_type_on_wrong_content(tmp_path, kind):
    p = tmp_path / "x.bin"
    p.write_bytes(b"\x00\x01 just bytes \xff")
    r = Scanner(ScanOptions(jobs=1, input_type=kind)).scan([str(p)])
    assert len(r.errors) == 1 and r.errors[0].kind == "error" and not r.findings


def test_no_raw_values_from_purpose_strings(tmp_path):
    """A purpose string with a phone/ID number must not carry it into any output."""
    phone, rid = "13812345678", "11010519491231002X"
    d = tmp_path / "mp"
    d.mkdir()
    (d / "app.json").write_text(
        '{"pages": ["p/i"], "permission": {"scope.userLocation": '
        '{"desc": "客服13812345678 证件11010519491231002X"}}, "requiredPrivateInfos": ["getLocation"]}',
        encoding="utf-8")
    from piscan.reports.json_report import render as jrender
    from piscan.reports.outputs import document
    from piscan.reports.text_report import render as trender
    from piscan.risk.policy import load_risk_pack

    r = Scanner(ScanOptions(jobs=1)).scan([str(d)])
    assert any(f.entity_type == "APP_PERMISSION" for f in r.findings)
    for out in (jrender(r), trender(r, document(r, load_risk_pack()))):
        assert phone not in out and rid not in out and rid[:-1] not in out


def test_app_bundle_protobuf_manifest_is_named_not_malformed():
    # an .aab holds base/manifest/AndroidManifest.xml in aapt2's protobuf XmlNode format: say so, instead of
    # "malformed XML at line 2"
    from piscan.sources.manifests import android
    from piscan.sources.manifests.model import ManifestError

    ns = b"\x0a\x07android\x12\x2ahttp://schemas.android.com/apk/res/android"
    element = b"\x0a" + bytes([len(ns)]) + ns + b"\x1a\x08manifest"
    node = b"\x0a" + bytes([len(element)]) + element
    with pytest.raises(ManifestError, match="Android App Bundle"):
        android.parse(node)
