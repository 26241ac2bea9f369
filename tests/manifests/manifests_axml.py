"""Test-only encoder of Android binary XML (AXML), the format aapt2 writes into APKs.

Just enough of ResourceTypes.h to express a manifest: string pool (UTF-16), resource map for the
android: attributes, namespace start/end, element start/end with string and integer attributes.
"""

from __future__ import annotations

import struct
import zipfile

ANDROID_NS = "http://schemas.android.com/apk/res/android"
ATTR_IDS = {"name": 0x01010003, "maxSdkVersion": 0x01010271, "minSdkVersion": 0x0101020C,
            "targetSdkVersion": 0x01010270, "label": 0x01010001}
NO = 0xFFFFFFFF


class _Pool:
    def __init__(self, first: list[str]) -> None:
        self.strings: list[str] = []
        self.index: dict[str, int] = {}
        for s in first:
            self.add(s)

    def add(self, s: str) -> int:
        if s not in self.index:
            self.index[s] = len(self.strings)
            self.strings.append(s)
        return self.index[s]

    def chunk(self) -> bytes:
        data = b""
        offsets = []
        for s in self.strings:
            offsets.append(len(data))
            enc = s.encode("utf-16-le")
            data += struct.pack("<H", len(s)) + enc + b"\0\0"
        while len(data) % 4:
            data += b"\0"
        header = 28
        start = header + 4 * len(self.strings)
        size = start + len(data)
        return struct.pack("<HHIIIIII", 0x0001, header, size, len(self.strings), 0, 0, start, 0) + \
            b"".join(struct.pack("<I", o) for o in offsets) + data


def encode(elements: list[tuple[int, str, list[tuple[str, str, object]], int]]) -> bytes:
    """``elements``: (depth, tag, [(ns, name, value)], line) in document order; values str or int.

    Depth 0 must be the single root. End tags are generated from the depths.
    """
    attr_names = list(ATTR_IDS)
    pool = _Pool(attr_names)  # resource-mapped names first, as aapt does
    pool.add("android")
    pool.add(ANDROID_NS)
    body = b""

    def start_ns() -> bytes:
        return struct.pack("<HHIIIII", 0x0100, 16, 24, 1, NO, pool.add("android"), pool.add(ANDROID_NS))

    def end_ns() -> bytes:
        return struct.pack("<HHIIIII", 0x0101, 16, 24, 1, NO, pool.add("android"), pool.add(ANDROID_NS))

    def start(tag: str, attrs, line: int) -> bytes:
        out = b""
        for ns, name, value in attrs:
            ns_i = pool.add(ns) if ns else NO
            name_i = pool.add(name)
            if isinstance(value, int):
                out += struct.pack("<IIIHBBI", ns_i, name_i, NO, 8, 0, 0x10, value)
            else:
                v = pool.add(str(value))
                out += struct.pack("<IIIHBBI", ns_i, name_i, v, 8, 0, 0x03, v)
        size = 16 + 20 + len(out)
        return struct.pack("<HHIII", 0x0102, 16, size, line, NO) + struct.pack(
            "<IIHHHHHH", NO, pool.add(tag), 20, 20, len(attrs), 0, 0, 0) + out

    def end(tag: str, line: int) -> bytes:
        return struct.pack("<HHIIIII", 0x0103, 16, 24, line, NO, NO, pool.add(tag))

    stack: list[str] = []
    body += start_ns()
    for depth, tag, attrs, line in elements:
        while len(stack) > depth:
            body += end(stack.pop(), line)
        body += start(tag, attrs, line)
        stack.append(tag)
    while stack:
        body += end(stack.pop(), 99)
    body += end_ns()
    resmap = struct.pack("<HHI", 0x0180, 8, 8 + 4 * len(attr_names)) + b"".join(
        struct.pack("<I", ATTR_IDS[n]) for n in attr_names)
    sp = pool.chunk()
    total = 8 + len(sp) + len(resmap) + len(body)
    return struct.pack("<HHI", 0x0003, 8, total) + sp + resmap + body


def manifest_axml(package: str, permissions: list[tuple[str, str, int | None]]) -> bytes:
    """A binary AndroidManifest.xml: permissions = (tag, name, maxSdkVersion or None)."""
    sdk = [(ANDROID_NS, "minSdkVersion", 24), (ANDROID_NS, "targetSdkVersion", 34)]
    els: list = [(0, "manifest", [("", "package", package)], 2), (1, "uses-sdk", sdk, 3)]
    for i, (tag, name, max_sdk) in enumerate(permissions):
        attrs = [(ANDROID_NS, "name", name)]
        if max_sdk is not None:
            attrs.append((ANDROID_NS, "maxSdkVersion", max_sdk))
        els.append((1, tag, attrs, 4 + i))
    els.append((1, "application", [(ANDROID_NS, "label", "demo")], 4 + len(permissions)))
    return encode(els)


def write_apk(path, manifest: bytes, extra: dict[str, bytes] | None = None) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("AndroidManifest.xml", manifest)
        zf.writestr("classes.dex", b"dex\n035\0" + b"\0" * 64)
        zf.writestr("resources.arsc", b"\x02\x00\x0c\x00" + b"\0" * 8)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
