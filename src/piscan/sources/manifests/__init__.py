"""App manifest parsers (Android, iOS, HarmonyOS, WeChat mini-programs) and their readers.

Parsers turn one manifest into a :class:`~piscan.sources.manifests.model.Manifest`: a list of
:class:`~piscan.sources.manifests.model.Declaration` (permission name as the platform spells it, line,
purpose string, extra facts) plus app-level facts. They never decide what is privacy-relevant: that is
data (``rules/app-permissions.yaml``) applied by :mod:`piscan.detection.permissions`.
"""
