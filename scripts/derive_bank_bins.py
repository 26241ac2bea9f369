#!/usr/bin/env python3
"""Derive the Chinese bank card BIN table from the npm package ``bankcardinfo``.

Source: ``bankcardinfo`` (npm, ISC licence, https://github.com/navyxie/bankcardinfo). Its ``index.js``
ships ``bankcardList``: for each bank a name, a code and patterns of the form
``/^(BIN|BIN|...)\\d{N}$/`` with a card type (DC debit, CC credit, SCC quasi-credit, PC prepaid).
The card length of a pattern is len(BIN) + N. The author describes the data as the 2013 set of
domestic bank cards, so newer BINs are missing: treat a miss as "unknown", never as "invalid".

Fetch the source (the version recorded in the table header)::

    mkdir -p /tmp/bankcardinfo && cd /tmp/bankcardinfo && npm pack bankcardinfo@2.0.6

Usage::

    python scripts/derive_bank_bins.py /tmp/bankcardinfo/bankcardinfo-2.0.6.tgz

The argument may be the ``.tgz`` from ``npm pack``, or a directory holding the unpacked package
(``package.json`` and ``index.js``). Writes ``src/piscan/data/cn_bank_bins.tsv``: one row per
(bin, bank_code, card_type), lengths merged, BINs of 4-10 digits only, sorted by bin. A BIN that the
source lists for more than one bank or card type keeps one row each, in source order (the JS lookup
takes the first pattern that matches the whole number, length included).
Nothing is written unless the package licence is a permissive one.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "piscan" / "data" / "cn_bank_bins.tsv"

PACKAGE = "bankcardinfo"
PERMISSIVE = {"MIT", "ISC", "BSD-2-CLAUSE", "BSD-3-CLAUSE", "APACHE-2.0", "0BSD", "UNLICENSE", "CC0-1.0"}

TOKEN = re.compile(
    r'bankName:\s*"(?P<name>[^"]*)"'
    r'|bankCode:\s*"(?P<code>[^"]*)"'
    r'|reg:\s*/(?P<reg>[^/\n]*)/(?P<flags>[a-z]*)'
    r'|cardType:\s*"(?P<ctype>[^"]*)"'
)
PATTERN = re.compile(r"\^\((?P<bins>\d+(?:\|\d+)*)\)\\d\{(?P<rest>\d+)\}\$")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load(src: Path) -> tuple[dict, bytes, list[tuple[str, str]]]:
    """Return (package.json, index.js bytes, [(label, sha256)]) from a .tgz or an unpacked dir."""
    if src.is_file():
        with tarfile.open(src, "r:gz") as tf:
            meta = json.loads(tf.extractfile("package/package.json").read().decode("utf-8"))
            js = tf.extractfile("package/index.js").read()
        hashes = [(src.name, sha256(src.read_bytes())), ("package/index.js", sha256(js))]
    else:
        meta = json.loads((src / "package.json").read_text(encoding="utf-8"))
        js = (src / "index.js").read_bytes()
        hashes = [("index.js", sha256(js))]
    return meta, js, hashes


def parse(js: str) -> list[tuple[str, str, str, str, int]]:
    """Return (bin, bank_code, bank_name, card_type, length) in source order."""
    start = js.index("var bankcardList = [")
    end = js.index("function getBankNameByBankCode", start)
    body = js[start:end]
    name = code = None
    pending: list[tuple[str, int]] | None = None
    out: list[tuple[str, str, str, str, int]] = []
    n_regs = 0
    for m in TOKEN.finditer(body):
        if m.group("name") is not None:
            if pending is not None:
                raise SystemExit(f"reg without cardType before bank {m.group('name')!r}")
            name, code = m.group("name"), None
        elif m.group("code") is not None:
            if name is None or code is not None:
                raise SystemExit(f"unexpected bankCode {m.group('code')!r}")
            code = m.group("code")
        elif m.group("reg") is not None:
            if name is None or code is None or pending is not None:
                raise SystemExit(f"unexpected reg {m.group('reg')!r}")
            p = PATTERN.fullmatch(m.group("reg"))
            if not p:
                raise SystemExit(f"unsupported pattern shape: /{m.group('reg')}/")
            rest = int(p.group("rest"))
            pending = [(b, len(b) + rest) for b in p.group("bins").split("|")]
            n_regs += 1
        else:
            if pending is None:
                raise SystemExit(f"cardType {m.group('ctype')!r} without reg")
            for b, length in pending:
                out.append((b, code, name, m.group("ctype"), length))
            pending = None
    if pending is not None:
        raise SystemExit("trailing reg without cardType")
    if n_regs != body.count("reg:") or n_regs == 0:
        raise SystemExit(f"parsed {n_regs} patterns but the list has {body.count('reg:')}")
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    src = Path(argv[1])
    meta, js_bytes, hashes = load(src)
    if meta.get("name") != PACKAGE:
        raise SystemExit(f"expected package {PACKAGE!r}, got {meta.get('name')!r}")
    licence = str(meta.get("license", "")).strip()
    if licence.upper() not in PERMISSIVE:
        raise SystemExit(f"licence {licence!r} is not known to allow redistribution; nothing written")

    entries = parse(js_bytes.decode("utf-8"))
    rows: dict[tuple[str, str, str], dict] = {}
    order: dict[tuple[str, str, str], int] = {}
    for i, (b, code, name, ctype, length) in enumerate(entries):
        if not 4 <= len(b) <= 10:
            continue
        key = (b, code, ctype)
        row = rows.setdefault(key, {"name": name, "lengths": set()})
        if row["name"] != name:
            raise SystemExit(f"bank code {code} has two names: {row['name']!r}, {name!r}")
        row["lengths"].add(length)
        order.setdefault(key, i)

    keys = sorted(rows, key=lambda k: (k[0], order[k]))
    n_bins = len({k[0] for k in keys})
    with OUT.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("# Chinese bank card BINs (IIN prefixes), derived by scripts/derive_bank_bins.py; "
                 "do not edit.\n")
        fh.write(f"# source: npm package {meta['name']} {meta['version']} "
                 f"({meta.get('homepage', '')}), index.js bankcardList\n")
        for label, digest in hashes:
            fh.write(f"# sha256 {label}: {digest}\n")
        fh.write(f"# licence: {licence} (package.json of the package; permits redistribution)\n")
        fh.write("# data vintage: per the package README, the 2013 set of domestic bank cards; "
                 "a BIN not listed here is unknown, not invalid.\n")
        fh.write("# card_type: DC debit, CC credit, SCC quasi-credit, PC prepaid. "
                 "lengths: full card-number lengths the source pattern accepts.\n")
        fh.write(f"# rows: {len(keys)}; distinct BINs: {n_bins}. "
                 "A BIN listed under several banks/types keeps one row each, in source order.\n")
        fh.write("# bin\tbank_code\tbank_name\tcard_type\tlengths\n")
        for k in keys:
            r = rows[k]
            lengths = ",".join(str(n) for n in sorted(r["lengths"]))
            fh.write(f"{k[0]}\t{k[1]}\t{r['name']}\t{k[2]}\t{lengths}\n")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(keys)} rows, {n_bins} distinct BINs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
