#!/bin/sh
# System packages the test suite needs (Debian). Chromium comes from Debian: the HTML report test drives
# it with Playwright for Python (executable_path=/usr/bin/chromium); Playwright's own browser download
# is never used.
set -eu
apt-get update
apt-get install -y --no-install-recommends chromium fonts-noto-cjk  # CJK font: readable screenshots
