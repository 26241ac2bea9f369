#!/bin/sh
# System packages the sources tests need: the real dump clients (mysqldump, pg_dump, sqlite3).
set -e
missing=""
command -v mysqldump >/dev/null 2>&1 || missing="$missing mariadb-client"
command -v pg_dump >/dev/null 2>&1 || missing="$missing postgresql-client"
command -v sqlite3 >/dev/null 2>&1 || missing="$missing sqlite3"
if [ -n "$missing" ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
fi
