"""What a manifest declares, independent of its platform's syntax."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: Manifests larger than this are refused (real ones are a few KB; the limit stops memory abuse).
MAX_MANIFEST_BYTES = 8 << 20


_DIGIT_RUN = re.compile(r"(?<![0-9])([0-9]{3})([0-9]{3,})([0-9]{4}[0-9Xx]?)(?![0-9])")


def redact_digits(text: str | None) -> str | None:
    """Mask long digit runs (phone, ID, card numbers) in developer-written text: piscan is never the leak."""
    if not text:
        return text
    return _DIGIT_RUN.sub(lambda m: m[1] + "*" * len(m[2]) + m[3], text)


class ManifestError(ValueError):
    """The manifest could not be parsed; the message says why (never a PI value)."""


@dataclass(slots=True)
class Declaration:
    permission: str  # the platform's own name: android.permission.CAMERA, NSCameraUsageDescription …
    line: int | None  # 1-based line in the manifest text; None for binary formats
    purpose: str | None = None  # purpose string as written (resolved from resources when referenced)
    evidence: str = ""  # the declaration as written (never PI)
    extra: dict[str, Any] = field(default_factory=dict)  # maxSdkVersion, usedScene, reason_ref …

    def __post_init__(self) -> None:
        self.purpose = redact_digits(self.purpose)
        self.evidence = redact_digits(self.evidence) or ""
        if isinstance(self.extra.get("purpose_zh"), str):
            self.extra["purpose_zh"] = redact_digits(self.extra["purpose_zh"])


@dataclass(slots=True)
class Manifest:
    platform: str  # android | ios | harmony | wechat
    format: str  # e.g. "xml", "axml", "plist-xml", "plist-binary", "json5", "json"
    declarations: list[Declaration] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)  # package, bundle id, chinese_localisation …
    member: str | None = None  # path inside an APK/IPA archive

    @property
    def binary(self) -> bool:
        return self.format in ("axml", "plist-binary")


def line_of(text: str, offset: int) -> int:
    """1-based line number of code-point ``offset`` in ``text``."""
    return text.count("\n", 0, offset) + 1


def decode_text(data: bytes) -> str:
    """Decode a text manifest (UTF-8 with or without BOM, UTF-16 with BOM)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8", errors="replace")


def has_cjk(text: str | None) -> bool:
    return bool(text) and any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in text)
