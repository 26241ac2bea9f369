"""The HTML report in a real headless Chromium (Debian's /usr/bin/chromium via Playwright; no downloads)."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest
from reports_helpers import NOW, PLANTED, finding, rate, scan_doc

from piscan.reports.html import render
from piscan.testing.browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason="system chromium not installed (.ci/install-system-deps.sh)"
)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _doc():
    doc = scan_doc()
    extra = rate(
        [
            finding(
                "CN_BANK_CARD",
                path="dump.sql",
                line=i + 1,
                table="shop.users",
                column="card",
                row=str(i),
                value_id=i,
            )
            for i in range(250)
        ],
        {"dump.sql": "sql"},
    )
    doc["findings"] += extra["findings"]
    doc["assets"] += extra["assets"]
    doc["citations"] = sorted(
        {c["id"]: c for c in doc["citations"] + extra["citations"]}.values(), key=lambda c: c["id"]
    )
    doc["risk_rules"] = sorted(
        {r["id"]: r for r in doc["risk_rules"] + extra["risk_rules"]}.values(), key=lambda r: r["id"]
    )
    return doc


def test_html_report_in_chromium(browser, tmp_path: Path):
    doc = _doc()
    path = tmp_path / "report.html"
    path.write_text(render(copy.deepcopy(doc), generated_at=NOW), encoding="utf-8")
    page = browser.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    rows = page.locator("#findings tbody tr")
    assert rows.count() == 100  # paginated
    total = len(doc["findings"])
    assert str(total) in page.locator("#count").inner_text()

    page.select_option("#f-level", "critical")
    n_crit = sum(f["risk"]["level"] == "critical" for f in doc["findings"])
    assert rows.count() == min(n_crit, 100)
    assert all(t in ("严重",) for t in rows.locator("td:first-child").all_inner_texts())

    page.select_option("#f-level", "")
    page.fill("#f-path", "dump.sql")
    assert "250" in page.locator("#count").inner_text()
    page.fill("#f-path", "")
    page.fill("#f-q", "138****5678")
    assert 0 < rows.count() < 100

    rows.first.click()
    detail = page.locator("#detail")
    assert detail.is_visible()
    body = page.locator("#d-body").inner_text()
    assert "PIPL" in body or "网络安全法" in body  # citations with paraphrase
    assert "整改建议" in body
    page.screenshot(path=str(tmp_path / "detail.png"), full_page=True)
    page.keyboard.press("Escape")
    assert not detail.is_visible()

    page.click("#lang-toggle")
    assert page.locator("#findings th").first.inner_text() == "Level"
    page.click("th[data-key=path]")
    assert page.locator("th[data-key=path]").get_attribute("data-dir") == "asc"

    dom = page.content()
    assert [v for v in PLANTED if v in dom] == []
    assert errors == []
    assert [u for u in requests if not u.startswith("file:")] == []  # fully offline
    assert (tmp_path / "detail.png").stat().st_size > 1000
    page.emulate_media(media="print")
    assert not page.locator(".controls").is_visible()
    page.close()
