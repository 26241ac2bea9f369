"""The bundled examples (examples/, made by scripts/make_examples.py) scanned with the real CLI.

Checks that every kind of example file gives findings (logs, a GBK log, a .gz, both dumps with table and
column, CSV, JSONL, every app-manifest platform), that nothing fails to read, that the hard negatives stay
quiet, that no raw value of the example data reaches the text, HTML, SARIF, Markdown or special report
outputs, and that the script regenerates the committed files byte for byte.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SCRIPT = ROOT / "scripts" / "make_examples.py"
KEY = "piscan-test-fingerprint-key"
PI = ("CN_RESIDENT_ID", "CN_MOBILE_PHONE", "CN_BANK_CARD")
OUTPUTS = {"text": "scan.txt", "html": "scan.html", "sarif": "scan.sarif", "md": "scan.md",
           "report": "special.html", "json": "scan.json"}
DUMPS = {"dumps/shop-mysqldump.sql": "mysqldump", "dumps/shop-pgdump.sql": "pg_dump",
         "dumps/shop-pgdump.dump": "pg_archive"}
MANIFESTS = {"apps/android/AndroidManifest.xml": "android", "apps/ios/Info.plist": "ios",
             "apps/harmony/entry/src/main/module.json5": "harmony", "apps/wechat/app.json": "wechat"}


def _piscan(args: list[str], tmp: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PISCAN_FINGERPRINT_KEY": KEY, "XDG_CONFIG_HOME": str(tmp / "xdg")}
    return subprocess.run([sys.executable, "-m", "piscan.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


COMMON = ["scan", "examples", "--app-type", "wangshang-gouwu", "--scan-date", "2026-11-27", "--fail-on", "never",
          "--now", "2026-11-27T12:00:00+08:00"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("examples")
    values = _piscan([*COMMON, "--show-values", "--format", "json", "-o", str(tmp / "values.json")], tmp)
    args = [*COMMON, "--org-config", "examples/org.yaml"]
    for fmt, name in OUTPUTS.items():
        args += ["--format", fmt, "-o", str(tmp / name)]
    scan = _piscan(args, tmp)
    return {"tmp": tmp, "values_run": values, "scan": scan,
            "values": json.loads((tmp / "values.json").read_text(encoding="utf-8")),
            "doc": json.loads((tmp / "scan.json").read_text(encoding="utf-8")),
            "texts": {fmt: (tmp / name).read_text(encoding="utf-8") for fmt, name in OUTPUTS.items()}}


def _by_path(doc: dict) -> Counter:
    return Counter(f["path"] for f in doc["findings"])


def test_cli_runs_clean(runs):
    for run in (runs["values_run"], runs["scan"]):
        assert run.returncode == 0, run.stderr
        assert "piscan: error" not in run.stderr and "piscan: skipped" not in run.stderr, run.stderr
    doc = runs["doc"]
    assert doc["errors"] == []
    assert doc["summary"]["errors"] == 0 and doc["summary"]["skipped"] == 0


def test_inputs_are_read_as_their_kind(runs):
    types = {i["path"]: i for i in runs["doc"]["inputs"]}
    assert types["logs/app.log"]["type"] == "text"
    assert types["logs/legacy-gbk.log"]["type"] == "text"
    assert types["logs/legacy-gbk.log"]["encoding"] == "gb18030"
    assert types["logs/app-2026-11-26.log.gz"]["type"] == "text"
    for path, kind in DUMPS.items():
        assert types[path]["type"] == kind
    assert types["exports/customers.csv"]["type"] == "csv"
    assert types["exports/events.jsonl"]["type"] == "jsonl"
    assert types["apps/android/AndroidManifest.xml"]["type"] == "android-manifest"
    assert types["apps/ios/Info.plist"]["type"] == "ios-plist"
    assert types["apps/harmony/entry/src/main/module.json5"]["type"] == "harmony-module"
    assert types["apps/wechat/app.json"]["type"] == "wechat-app"


def test_findings_in_every_kind_of_file(runs):
    doc = runs["doc"]
    counts = _by_path(doc)
    for path in ("logs/app.log", "logs/legacy-gbk.log", "logs/app-2026-11-26.log.gz", *DUMPS,
                 "exports/customers.csv", "exports/events.jsonl", *MANIFESTS):
        assert counts[path] > 0, f"no findings in {path}"
    for path in ("logs/app.log", "logs/legacy-gbk.log", "logs/app-2026-11-26.log.gz"):
        ents = {f["entity_type"] for f in doc["findings"] if f["path"] == path and not f["masked"]}
        assert ents == set(PI), (path, ents)
    masked = {f["entity_type"] for f in doc["findings"] if f["path"] == "logs/app.log" and f["masked"]}
    assert masked == set(PI)
    # GBK is transcoded: the evidence around a value reads as Chinese, not mojibake
    gbk = [f for f in doc["findings"] if f["path"] == "logs/legacy-gbk.log"]
    assert any("会员注册" in f["evidence"] for f in gbk)


def test_dumps_attribute_table_and_column(runs):
    doc = runs["doc"]
    per_dump = {}
    for path in DUMPS:
        c = Counter((f["table"].split(".")[-1], f["column"], f["entity_type"], f["masked"])
                    for f in doc["findings"] if f["path"] == path
                    and not (f.get("attributes") or {}).get("derived_from"))
        assert c[("users", "id_card", "CN_RESIDENT_ID", False)] >= 40, (path, c)
        assert c[("users", "mobile", "CN_MOBILE_PHONE", False)] == 50, (path, c)
        assert c[("bank_cards", "card_no", "CN_BANK_CARD", False)] >= 40, (path, c)
        assert c[("orders", "pay_card_masked", "CN_BANK_CARD", True)] >= 30, (path, c)
        assert c[("orders", "receiver_mobile_masked", "CN_MOBILE_PHONE", True)] == 56, (path, c)
        # hard negatives and non-PI columns stay quiet
        quiet = {k for k in c if k[:2] in {("orders", "order_no"), ("orders", "amount"), ("users", "email"),
                                           ("users", "created_at"), ("bank_cards", "bank")}}
        assert not quiet, (path, quiet)
        per_dump[path] = c
    mysql, pg, archive = per_dump.values()
    assert mysql == pg == archive, "the same tables dumped by mysqldump and pg_dump give different findings"


def test_exports_attribute_columns_and_keys(runs):
    doc = runs["doc"]
    csv_cols = {(f["column"], f["entity_type"]) for f in doc["findings"] if f["path"] == "exports/customers.csv"}
    assert {("证件号码", "CN_RESIDENT_ID"), ("手机号", "CN_MOBILE_PHONE"), ("备注", "CN_MOBILE_PHONE"),
            ("常用银行卡（脱敏）", "CN_BANK_CARD")} <= csv_cols
    assert not {c for c, _ in csv_cols} & {"客户编号", "最近订单号", "会员积分", "电子邮箱"}
    keys = {f["column"] for f in doc["findings"] if f["path"] == "exports/events.jsonl"}
    assert {"user.profile.emergency_contact.phone", "user.profile.mobile", "user.kyc.id_card",
            "payment.card.number"} <= keys
    assert not {k for k in keys if k.startswith("device.") or k.startswith("order.order_no")}


def test_every_manifest_platform(runs):
    doc = runs["doc"]
    for path, platform in MANIFESTS.items():
        fs = [f for f in doc["findings"] if f["path"] == path]
        assert {f.get("platform") for f in fs} == {platform}, path
        rules = {f["rule_id"] for f in fs}
        assert "APP-PERM" in rules, (path, rules)
        # some permissions are beyond what an online-shopping app needs
        assert rules & {"APP-C01", "APP-C02"}, (path, rules)
        assert "APP-C04" in rules, (path, rules)  # background location on every platform
    android = {f.get("permission") for f in doc["findings"] if f["path"] == "apps/android/AndroidManifest.xml"}
    assert "android.permission.READ_SMS" not in android  # tools:node="remove"
    assert "android.permission.READ_CALL_LOG" not in android  # commented out
    harmony = [f for f in doc["findings"] if f["path"] == "apps/harmony/entry/src/main/module.json5"
               and f.get("permission") == "ohos.permission.CAMERA"]
    assert any("用于扫描" in (f.get("purpose") or "") for f in harmony)  # $string: reason resolved


def _raw_values(doc: dict) -> set[str]:
    out = set()
    for f in doc["findings"]:
        if f["entity_type"] not in PI or f["masked"] or not f.get("value"):
            continue
        out.add(f["value"])
        digits = re.sub(r"[^0-9Xx]", "", unicodedata.normalize("NFKC", f["value"]))
        out.add(digits[-11:] if f["entity_type"] == "CN_MOBILE_PHONE" else digits)  # +86, spaces, full-width
    return out


def test_no_raw_value_in_any_output(runs):
    values = _raw_values(runs["values"])
    assert len(values) > 200  # the --show-values run did see the values
    assert not any("value" in f for f in runs["doc"]["findings"])
    for fmt, text in runs["texts"].items():
        leaked = sorted(v for v in values if v in text)
        assert not leaked, f"{fmt} output shows {len(leaked)} raw value(s)"
    assert "示例优选电子商务有限公司" in runs["texts"]["report"]  # --org-config reached the special report


def _load_script():
    spec = importlib.util.spec_from_file_location("make_examples", SCRIPT)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def test_script_regenerates_the_committed_files(tmp_path):
    out = tmp_path / "examples"
    run = subprocess.run([sys.executable, str(SCRIPT), "--out", str(out), "--skip-dumps"], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    made = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert len(made) >= 10
    for rel in made:
        assert (out / rel).read_bytes() == (EXAMPLES / rel).read_bytes(), \
            f"examples/{rel} differs from what scripts/make_examples.py makes now: rerun the script"
    # the dumps (made against live servers) hold exactly the generated rows' identifiers
    mod = _load_script()
    rng = random.Random(mod.SEED)
    people = mod.make_people(rng, mod.ValueGen(rng, today=mod.TODAY))
    orders = mod.make_orders(rng, people)
    rows = mod.table_rows(people, orders)
    for path in DUMPS:
        if not path.endswith(".sql"):  # (the compressed archive holds the plain dump's rows: compared above)
            continue
        text = (EXAMPLES / path).read_text(encoding="utf-8")
        for table, col in (("users", 2), ("users", 3), ("bank_cards", 2), ("orders", 0), ("orders", 3)):
            for r in rows[table]:
                if r[col] is not None:
                    assert str(r[col]) in text, f"{path}: {table} value not in the dump: rerun the script"
