"""The special-action report's app table flags "beyond necessary scope" from the real app-check ids."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from piscan.detection.app_checks import load_check_config
from piscan.reports.special_report import BEYOND_SCOPE_RULES

REPO = Path(__file__).resolve().parents[2]
MANIFESTS = REPO / "tests" / "manifests" / "fixtures"
SHOP = MANIFESTS / "android" / "shop" / "app" / "src" / "main" / "AndroidManifest.xml"
MAPS = MANIFESTS / "android" / "maps" / "AndroidManifest.xml"
# one row of the app table: permission, category, sensitive, purpose, level, rule id, beyond scope
ROW = re.compile(r"<tr><td>([^<]*)</td>(?:<td[^>]*>[^<]*</td>){4}<td>([^<]*)</td><td>(是|待核实)</td></tr>")


def app_rows(manifest: Path, app_type: str | None) -> dict[str, dict[str, bool]]:
    """Scan ``manifest`` with ``--format report``: {permission: {rule id: marked beyond scope}}."""
    args = ["scan", str(manifest), "--format", "report", "-j", "1"]
    if app_type is not None:
        args += ["--app-type", app_type]
    p = subprocess.run([sys.executable, "-m", "piscan.cli", *args], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(REPO / "src")}, timeout=120)
    assert p.returncode in (0, 1) and "Traceback" not in p.stderr, p.stderr
    rows: dict[str, dict[str, bool]] = {}
    for perm, rule, beyond in ROW.findall(p.stdout):
        rows.setdefault(html.unescape(perm), {})[rule] = beyond == "是"
    assert rows, "no app table in the report"
    return rows


def test_beyond_scope_ids_are_real_app_checks():
    assert load_check_config().checks.keys() >= BEYOND_SCOPE_RULES


def test_out_of_scope_permission_marked_beyond_scope():
    shop = app_rows(SHOP, "wangshang-gouwu")  # online shopping: location and camera are not necessary PI
    assert shop["android.permission.ACCESS_FINE_LOCATION"]["APP-C02"] is True
    assert shop["android.permission.CAMERA"]["APP-C01"] is True
    assert shop["android.permission.READ_PHONE_STATE"]["APP-C09"] is False  # device IDs: not a scope check
    assert shop["android.permission.CAMERA"]["C-00"] is False  # the inventory row itself is not a judgement


@pytest.mark.parametrize("app_type", ["map-navigation", None])
def test_within_scope_permission_not_marked(app_type):
    rows = app_rows(SHOP, app_type)
    fine = rows["android.permission.ACCESS_FINE_LOCATION"]  # precise location is necessary for navigation
    assert "APP-C02" not in fine and not any(fine.values())
    if app_type is None:  # no app type: no scope judgement at all
        assert not any(b for r in rows.values() for b in r.values())
    else:
        assert rows["android.permission.CAMERA"]["APP-C01"] is True


def test_background_location_beyond_scope_only_outside_navigation():
    news = app_rows(MAPS, "30")
    assert news["android.permission.ACCESS_BACKGROUND_LOCATION"]["APP-C04"] is True
    nav = app_rows(MAPS, "1")
    assert not any(nav["android.permission.ACCESS_BACKGROUND_LOCATION"].values())


def test_remediation_plan_names_app_checks_and_their_measures():
    from piscan.reports.outputs import document
    from piscan.reports.special_report import context
    from piscan.risk.policy import load_risk_pack
    from piscan.scanner import Scanner, ScanOptions

    result = Scanner(ScanOptions(jobs=1, app_type="wangshang-gouwu")).scan([str(SHOP)])
    plan = {p["rule_id"]: p for p in context(document(result, load_risk_pack()), None, None)["plan"]}
    checks = load_check_config().checks
    for rid in ("APP-C01", "APP-C02"):
        assert plan[rid]["title"] == checks[rid].title.split(" / ")[0]
        assert plan[rid]["measures"] == checks[rid].remediation  # not an empty cell
