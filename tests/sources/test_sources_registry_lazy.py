"""The reader registry imports a reader's module only when its type is needed: a scan of logs does not
load the SQL dump, CSV, JSON and manifest readers (nor sqlparse), nor the app-type tables and the TOML
parser nobody asked for, and every ``--type`` still resolves to its reader class."""

from __future__ import annotations

import os
import subprocess
import sys

from piscan.sources.manifests.detect import MANIFEST_KINDS
from piscan.sources.manifests.readers import MANIFEST_READERS
from piscan.sources.registry import READERS


def test_every_type_resolves_to_its_reader():
    assert {k: v.__name__ for k, v in MANIFEST_READERS.items()} == MANIFEST_KINDS
    for kind in READERS:
        assert READERS[kind].kind == kind or kind in ("tsv", "jsonl"), kind
    assert sorted(READERS) == sorted([*MANIFEST_KINDS, "text", "mysqldump", "pg_dump", "pg_archive", "mysql_xml",
                                      "mysql_tab", "sqlite_dump", "mssql_script", "csv", "tsv", "json", "jsonl", "xls",
                                      "sqlite_db", "xlsx", "html_table"])


def test_a_log_scan_loads_no_other_reader(tmp_path):
    log = tmp_path / "app.log"
    log.write_text("手机 13812345678\n", encoding="utf-8")
    probe = (
        "import sys\n"
        "from piscan.scanner import Scanner, ScanOptions\n"
        f"r = Scanner(ScanOptions(jobs=1)).scan([{str(log)!r}])\n"
        "assert len(r.findings) == 1, r.findings\n"
        "heavy = ['piscan.sources.sql_dump', 'piscan.sources.csv_source', 'piscan.sources.json_source',\n"
        "         'piscan.sources.manifests.readers', 'sqlparse', 'piscan.detection.app_checks',\n"
        "         'piscan.detection.permissions', 'tomllib']\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PISCAN_FINGERPRINT_KEY": "k"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
