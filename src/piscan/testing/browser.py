"""How piscan's tests and benchmarks start a browser: Debian's Chromium, headless, no network chatter.

Playwright's own browser download is never used (this machine's network reaches package registries
only); ``.ci/install-system-deps.sh`` installs the ``chromium`` package.
"""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
