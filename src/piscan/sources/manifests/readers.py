"""Readers for app manifests: each yields ready :class:`~piscan.findings.Finding` objects.

Kinds (``--type`` values): ``android-manifest``, ``apk``, ``ios-plist``, ``ipa``, ``harmony-module``,
``wechat-app``. Readers take ``options`` from the scanner (see :func:`piscan.sources.registry.open_reader`):
``fingerprinter`` (the scan's keyed :class:`~piscan.fingerprint.Fingerprinter`) and ``app_type``
(an :class:`~piscan.detection.app_checks.AppType`, a number or slug, or ``None``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from piscan.digest import sha256_file
from piscan.findings import Finding
from piscan.sources.base import Reader, SourceError
from piscan.sources.manifests import android, harmony, ios, wechat
from piscan.sources.manifests.archive import Archive
from piscan.sources.manifests.detect import SNIFF_LIMIT, detect_manifest_kind  # noqa: F401 (re-exported)
from piscan.sources.manifests.model import MAX_MANIFEST_BYTES, Manifest, ManifestError


class ManifestReader(Reader):
    accepts_options = True
    kind = "manifest"

    def __init__(self, path: str, display_path: str | None = None, *, options: dict[str, Any] | None = None):
        super().__init__(path, display_path)
        from piscan.detection.app_checks import AppType, resolve_app_type

        options = options or {}
        fp = options.get("fingerprinter")
        if fp is None:
            from piscan.fingerprint import Fingerprinter, load_key

            fp = Fingerprinter(load_key())
        self.fingerprinter = fp
        at = options.get("app_type")
        self.app_type = at if isinstance(at, AppType) or at is None else resolve_app_type(at)
        self.meta: dict[str, Any] = {}
        self.manifest: Manifest | None = None

    # -- helpers
    def _read_file(self, limit: int = MAX_MANIFEST_BYTES) -> bytes:
        size = os.path.getsize(self.path)
        self.meta["size"] = size
        if size > limit:
            raise ManifestError(f"manifest is {size} bytes, over the {limit >> 20} MB limit")
        with open(self.path, "rb") as fh:
            data = fh.read(limit + 1)
        self.meta["sha256"] = hashlib.sha256(data).hexdigest()
        return data

    def _hash_file(self) -> None:
        self.meta["size"] = os.path.getsize(self.path)
        self.meta["sha256"] = sha256_file(self.path)

    def load(self) -> Manifest:  # pragma: no cover - interface
        raise NotImplementedError

    def items(self) -> Iterator[Finding]:
        from piscan.detection.app_checks import manifest_findings

        try:
            manifest = self.load()
        except ManifestError as exc:
            raise SourceError(str(exc)) from None
        except OSError as exc:
            raise SourceError(f"cannot read: {exc.strerror or exc.__class__.__name__}") from None
        self.manifest = manifest
        try:
            findings = manifest_findings(manifest, self.display_path, self.fingerprinter, self.app_type)
        except (KeyError, ValueError, TypeError) as exc:  # a broken rules/app-*.yaml, never the input
            raise SourceError(f"app checks failed ({exc.__class__.__name__}: {exc})") from None
        yield from findings

    def metadata(self) -> dict[str, Any]:
        out = dict(self.meta)
        m = self.manifest
        if m is not None:
            out.update({"platform": m.platform, "format": m.format, "declarations": len(m.declarations)})
            if m.member:
                out["member"] = m.member
            for k in ("package", "CFBundleIdentifier", "bundle_name", "module_name"):
                if k in m.facts:
                    out[k] = m.facts[k]
            if self.app_type is not None:
                out["app_type"] = self.app_type.id
        return out


class AndroidManifestReader(ManifestReader):
    kind = "android-manifest"

    def load(self) -> Manifest:
        return android.parse(self._read_file())


class ApkReader(ManifestReader):
    kind = "apk"

    def load(self) -> Manifest:
        self._hash_file()
        with Archive(self.path) as arc:
            data = arc.read("AndroidManifest.xml")
        m = android.parse(data)
        m.member = "AndroidManifest.xml"
        return m


def _chinese_strings(read, candidates) -> dict[str, str] | None:
    merged: dict[str, str] = {}
    for c in candidates:
        data = read(c)
        if data is not None:
            merged.update(ios.parse_strings(data))
    return merged or None


class InfoPlistReader(ManifestReader):
    kind = "ios-plist"

    def load(self) -> Manifest:
        data = self._read_file()
        base = Path(self.path).parent

        def read(rel: str) -> bytes | None:
            p = base / rel
            try:
                return p.read_bytes() if p.is_file() and p.stat().st_size <= MAX_MANIFEST_BYTES else None
            except OSError:
                return None

        zh = _chinese_strings(read, [f"{d}/InfoPlist.strings" for d in ios.CHINESE_LPROJ])
        return ios.parse(data, zh)


class IpaReader(ManifestReader):
    kind = "ipa"

    def load(self) -> Manifest:
        self._hash_file()
        with Archive(self.path) as arc:
            member = arc.ipa_info_plist()
            m = self._bundle(arc, member)
            m.member = member
            # app extensions and Watch apps declare their own usage descriptions: what one of them asks for
            # and the app does not is the app's too (reported once, with the bundle it comes from)
            declared = {d.permission for d in m.declarations}
            for plist in arc.bundle_plists(member):
                for d in self._bundle(arc, plist).declarations:
                    if d.permission not in declared:
                        declared.add(d.permission)
                        d.extra["member"] = plist
                        m.declarations.append(d)
        return m

    @staticmethod
    def _bundle(arc: Archive, plist: str) -> Manifest:
        """The declarations of one bundle's Info.plist, with its Chinese localisation."""
        data = arc.read(plist)
        bundle = str(PurePosixPath(plist).parent)

        def read(rel: str) -> bytes | None:
            name = f"{bundle}/{rel}"
            return arc.read(name) if name in arc.names else None

        return ios.parse(data, _chinese_strings(read, [f"{d}/InfoPlist.strings" for d in ios.CHINESE_LPROJ]))


class HarmonyReader(ManifestReader):
    kind = "harmony-module"

    def load(self) -> Manifest:
        data = self._read_file()
        base = Path(self.path).parent

        def strings(locale: str) -> dict[str, str] | None:
            p = base / "resources" / locale / "element" / "string.json"
            try:
                if p.is_file() and p.stat().st_size <= MAX_MANIFEST_BYTES:
                    return harmony.parse_string_resources(p.read_bytes())
            except OSError:
                pass
            return None

        return harmony.parse(data, strings("base"), strings("zh_CN"), name=Path(self.path).name)


class WechatAppReader(ManifestReader):
    kind = "wechat-app"

    def load(self) -> Manifest:
        return wechat.parse(self._read_file())


MANIFEST_READERS: dict[str, type[Reader]] = {
    r.kind: r for r in (AndroidManifestReader, ApkReader, InfoPlistReader, IpaReader, HarmonyReader,
                        WechatAppReader)
}
