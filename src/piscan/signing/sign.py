"""Sign a JSON report and verify one.

Signed bytes (see ``docs/signing.md``): ``JCS(R)`` where ``R`` is the whole report with the ``signature``
block in it *minus* ``signature.value``. So the signature also covers the block's own metadata: the key id,
the per-section digests and counts that :func:`verify` uses to say *what* changed after signing.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from piscan.signing.canonical import CANONICALIZATION, canonical, input_digests, section_digests
from piscan.signing.keys import key_id

FORMAT = "piscan-signature/1"
ALG = "Ed25519"
_COUNTED = ("findings", "inputs", "errors", "assets")


def signed_bytes(report: dict[str, Any]) -> bytes:
    """The exact bytes the signature is over."""
    r = dict(report)
    block = dict(r.get("signature") or {})
    block.pop("value", None)
    r["signature"] = block
    return canonical(r)


def sign(report: dict[str, Any], private: Ed25519PrivateKey, *, now: str | None = None) -> dict[str, Any]:
    """Return a copy of ``report`` with an embedded ``signature`` block."""
    r = {k: v for k, v in copy.deepcopy(report).items() if k != "signature"}
    block = {
        "format": FORMAT,
        "alg": ALG,
        "canonicalization": CANONICALIZATION,
        "key_id": key_id(private.public_key()),
        "signed_at": now or dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sections": section_digests(r),
        "inputs": input_digests(r),
        "counts": {k: len(r[k]) for k in _COUNTED if isinstance(r.get(k), list)},
    }
    r["signature"] = block
    block["value"] = base64.b64encode(private.sign(signed_bytes(r))).decode("ascii")
    return r


@dataclass(slots=True)
class Verification:
    ok: bool = True
    held: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    signer: str | None = None  # trusted key name, when known

    def fail(self, msg: str) -> None:
        self.ok = False
        self.failed.append(msg)

    def lines(self) -> list[str]:
        return [f"FAIL {m}" for m in self.failed] + [f"OK   {m}" for m in self.held]

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "held": self.held, "failed": self.failed, "signer": self.signer}


def _diagnose(report: dict[str, Any], block: dict[str, Any], v: Verification) -> None:
    """Name what differs from the (claimed) signed digests. Only a hint: the signature already failed."""
    signed = block.get("sections") or {}
    now = section_digests(report)
    counts = block.get("counts") or {}
    for k in sorted(set(signed) | set(now)):
        if k not in now:
            v.fail(f"section {k!r} was removed after signing")
        elif k not in signed:
            v.fail(f"section {k!r} was added after signing")
        elif signed[k] != now[k]:
            extra = ""
            if k in counts and isinstance(report.get(k), list) and len(report[k]) != counts[k]:
                extra = f" (signed with {counts[k]} entries, now {len(report[k])})"
            v.fail(f"section {k!r} changed after signing{extra}")
    if signed.get("inputs") != now.get("inputs"):
        was, cur = block.get("inputs") or {}, input_digests(report)
        for name in sorted(set(was) | set(cur)):
            if was.get(name) != cur.get(name):
                state = "removed" if name not in cur else "added" if name not in was else "changed"
                v.fail(f"input entry {name!r} {state} after signing")


def verify(report: dict[str, Any], keys: dict[str, tuple[str, Ed25519PublicKey]]) -> Verification:
    """Check the embedded signature against ``keys`` (key_id -> (name, public key))."""
    v = Verification()
    block = report.get("signature")
    if not isinstance(block, dict) or not isinstance(block.get("value"), str):
        v.fail("report is not signed (no signature block)")
        return v
    if block.get("alg") != ALG or block.get("canonicalization") != CANONICALIZATION:
        v.fail(f"unsupported signature: alg={block.get('alg')!r} "
               f"canonicalization={block.get('canonicalization')!r}")
        return v
    kid = block.get("key_id")
    if kid not in keys:
        v.fail(f"signed by key {str(kid)[:16]}…, which is not a trusted/given public key")
        return v
    name, pub = keys[kid]
    v.signer = name
    try:
        sig = base64.b64decode(block["value"], validate=True)
        pub.verify(sig, signed_bytes(report))
    except (InvalidSignature, ValueError):
        v.fail(f"signature does not match the report: it was changed after signing (key {name})")
        _diagnose(report, block, v)
        return v
    v.held.append(f"signature valid: {ALG} over RFC 8785 JCS, key {kid[:16]}… ({name}), "
                  f"signed at {block.get('signed_at')}")
    counts = block.get("counts") or {}
    if counts:
        v.held.append("signed content: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    return v
