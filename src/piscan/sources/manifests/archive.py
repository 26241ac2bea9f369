"""APK and IPA archives: find the manifest member and read it with bounded decompression.

Zip bombs: a member is read through a bounded stream (never more than ``limit + 1`` bytes are
decompressed, whatever the header claims), archives with absurd member counts are refused, and nested
archives are never opened.
"""

from __future__ import annotations

import re
import zipfile

from piscan.sources.manifests.model import MAX_MANIFEST_BYTES, ManifestError

MAX_MEMBERS = 500_000
IPA_INFO = re.compile(r"^Payload/[^/]+\.app/Info\.plist$")


class Archive:
    def __init__(self, path: str) -> None:
        try:
            self.zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
            raise ManifestError(f"not a readable zip archive ({exc.__class__.__name__})") from None
        infos = self.zf.infolist()
        if len(infos) > MAX_MEMBERS:
            self.zf.close()
            raise ManifestError(f"archive has more than {MAX_MEMBERS} members")
        self.names = {i.filename: i for i in infos}

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.zf.close()

    def read(self, name: str, limit: int = MAX_MANIFEST_BYTES) -> bytes:
        """Decompress member ``name``, refusing more than ``limit`` bytes (declared or actual)."""
        info = self.names.get(name)
        if info is None:
            raise ManifestError(f"archive has no {name}")
        if info.file_size > limit:
            raise ManifestError(f"{name} declares {info.file_size} bytes, over the {limit >> 20} MB limit")
        try:
            with self.zf.open(info) as fh:
                data = fh.read(limit + 1)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, OSError, ValueError) as exc:
            raise ManifestError(f"cannot decompress {name} ({exc.__class__.__name__})") from None
        if len(data) > limit:
            raise ManifestError(f"{name} decompresses beyond the {limit >> 20} MB limit (zip bomb?)")
        return data

    def bundle_plists(self, main: str) -> list[str]:
        """The Info.plist files of the bundles inside the app whose Info.plist is ``main``: app extensions
        (``PlugIns/*.appex``) and Watch apps with theirs. Each asks for its own permissions."""
        app = re.escape(main.rsplit("/", 1)[0])
        rx = re.compile(app + r"/(?:PlugIns/[^/]+\.appex|Watch/[^/]+\.app(?:/PlugIns/[^/]+\.appex)?)/Info\.plist")
        return sorted(n for n in self.names if rx.fullmatch(n))

    def ipa_info_plist(self) -> str:
        found = sorted(n for n in self.names if IPA_INFO.match(n))
        if not found:
            raise ManifestError("IPA has no Payload/*.app/Info.plist")
        return found[0]
