#!/bin/sh
# System packages the test suite needs (Debian), installed only when missing:
# - the real dump clients (mysqldump, pg_dump, sqlite3, mydumper) for the sources tests;
# - Chromium from Debian for the HTML report test (Playwright for Python drives /usr/bin/chromium;
#   Playwright's own browser download is never used) and a CJK font for readable screenshots.
set -e
missing=""
command -v mysqldump >/dev/null 2>&1 || missing="$missing mariadb-client"
command -v pg_dump >/dev/null 2>&1 || missing="$missing postgresql-client"
command -v sqlite3 >/dev/null 2>&1 || missing="$missing sqlite3"
command -v mydumper >/dev/null 2>&1 || missing="$missing mydumper"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
[ -d /usr/share/fonts/opentype/noto ] || missing="$missing fonts-noto-cjk"
if [ -n "$missing" ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
fi
