#!/usr/bin/env python3
"""Derive piscan's region-code table from the GB/T 2260 revisions in ../shared/data/gb2260.

Reads every MCA and NBS revision (1980-2019) plus the Hong Kong / Macao contrib files, and writes
``src/piscan/data/gb2260.tsv`` with one row per 6-digit code ever published:

    code <TAB> name (newest seen) <TAB> status (current|abolished) <TAB> first revision <TAB> last revision

"current" means present in the newest MCA revision (201904). Abolished codes are kept because an ID
number keeps the address code of the place and time it was assigned.

Usage: python scripts/derive_gb2260.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "piscan" / "data" / "gb2260.tsv"


def main() -> int:
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "gb2260"
    files = sorted((src / "mca").glob("*.tsv")) + sorted((src / "stats").glob("*.tsv"))
    files += sorted((src / "contrib").glob("*.tsv"))
    if not files:
        print(f"no GB/T 2260 files under {src}", file=sys.stderr)
        return 2
    seen: dict[str, dict] = {}
    digest = hashlib.sha256()
    newest_mca = max(p.stem for p in (src / "mca").glob("*.tsv"))
    current: set[str] = set()
    for path in files:
        digest.update(path.read_bytes())
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                code, name, rev = row["Code"].strip(), row["Name"].strip(), row["Revision"].strip()
                if len(code) != 6 or not code.isdigit():
                    continue
                tag = f"{row['Source']}/{rev}"
                e = seen.setdefault(code, {"name": name, "first": rev, "last": rev, "first_tag": tag})
                if rev < e["first"]:
                    e["first"], e["first_tag"] = rev, tag
                if rev >= e["last"]:
                    e["last"], e["name"] = rev, name
                if (row["Source"] == "mca" and rev == newest_mca) or row["Source"] == "contrib":
                    current.add(code)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("# GB/T 2260 county-level administrative division codes, every revision 1980-2019.\n")
        fh.write("# Derived by scripts/derive_gb2260.py from github.com/cn/GB2260 @ 1173e8b "
                 "(mca/*.tsv, stats/*.tsv, contrib/*.tsv).\n")
        fh.write(f"# Input files: {len(files)}; sha256 of their concatenation: {digest.hexdigest()}\n")
        fh.write(f"# status 'current' = present in mca/{newest_mca} (or HK/Macao contrib); else 'abolished'.\n")
        fh.write("# code\tname\tstatus\tfirst_revision\tlast_revision\n")
        for code in sorted(seen):
            e = seen[code]
            status = "current" if code in current else "abolished"
            fh.write(f"{code}\t{e['name']}\t{status}\t{e['first']}\t{e['last']}\n")
    print(f"wrote {len(seen)} codes ({len(current)} current) to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
