"""Android ``AndroidManifest.xml``: text XML (source trees) and binary AXML (inside APKs).

Text XML goes through :mod:`defusedxml` (entity expansion and external entities are refused, so an
XML bomb is an error, not a hang) with a SAX handler that records the line of each declaration.
Binary AXML is decoded by androguard's maintained ``AXMLParser``; its lines are ``None`` (the AXML
chunk keeps the original source line, reported as ``attributes.axml_source_line``).

Requested = a ``<uses-permission>``, ``<uses-permission-sdk-23>`` or ``<uses-permission-sdk-m>`` child of
``<manifest>`` without ``tools:node="remove"``/``"removeAll"`` (the manifest merger deletes those).
Permissions inside comments are never seen by the parser, so they are not requested either.
"""

from __future__ import annotations

import io
import xml.sax
import xml.sax.handler

from piscan.sources.manifests.model import Declaration, Manifest, ManifestError

ANDROID_NS = "http://schemas.android.com/apk/res/android"
TOOLS_NS = "http://schemas.android.com/tools"
PERMISSION_TAGS = ("uses-permission", "uses-permission-sdk-23", "uses-permission-sdk-m")
REMOVE_NODES = ("remove", "removeAll")


def _evidence(tag: str, name: str, max_sdk: str | None) -> str:
    extra = f' android:maxSdkVersion="{max_sdk}"' if max_sdk else ""
    return f'<{tag} android:name="{name}"{extra}/>'


class _Collector:
    """Shared bookkeeping for the text and binary paths."""

    def __init__(self, fmt: str) -> None:
        self.manifest = Manifest(platform="android", format=fmt)
        self.seen: set[str] = set()
        self.removed: list[str] = []

    def element(self, depth: int, tag: str, attrs: dict[tuple[str, str], str], line: int | None,
                source_line: int | None = None) -> None:
        if depth == 0:
            if tag != "manifest":
                raise ManifestError(f"root element is <{tag}>, not <manifest>")
            if pkg := attrs.get(("", "package")):
                self.manifest.facts["package"] = pkg
            return
        if depth == 1 and tag == "uses-sdk":
            for key in ("minSdkVersion", "targetSdkVersion"):
                if v := attrs.get((ANDROID_NS, key)):
                    self.manifest.facts[key] = v
            return
        if depth != 1 or tag not in PERMISSION_TAGS:
            return
        name = (attrs.get((ANDROID_NS, "name")) or "").strip()
        if not name:
            return
        if attrs.get((TOOLS_NS, "node")) in REMOVE_NODES:
            self.removed.append(name)
            return
        if name in self.seen:
            return
        self.seen.add(name)
        max_sdk = attrs.get((ANDROID_NS, "maxSdkVersion"))
        extra: dict[str, object] = {"element": tag}
        if max_sdk:
            extra["max_sdk_version"] = max_sdk
        if source_line is not None:
            extra["axml_source_line"] = source_line
        self.manifest.declarations.append(Declaration(name, line, None, _evidence(tag, name, max_sdk), extra))

    def finish(self) -> Manifest:
        if self.removed:
            self.manifest.facts["removed_permissions"] = sorted(set(self.removed) - self.seen)
        return self.manifest


class _SaxHandler(xml.sax.handler.ContentHandler):
    def __init__(self, collector: _Collector) -> None:
        super().__init__()
        self.collector = collector
        self.depth = 0
        self.locator: xml.sax.xmlreader.Locator | None = None

    def setDocumentLocator(self, locator) -> None:
        self.locator = locator

    def startElementNS(self, name, qname, attrs) -> None:
        uri, local = name
        line = self.locator.getLineNumber() if self.locator else None
        if uri is None or uri == "":
            amap = {((k[0] or ""), k[1]): v for k, v in attrs.items()}
            self.collector.element(self.depth, local, amap, line)
        self.depth += 1

    def endElementNS(self, name, qname) -> None:
        self.depth -= 1


def parse_text(data: bytes) -> Manifest:
    """Parse a text ``AndroidManifest.xml``."""
    import defusedxml.sax
    from defusedxml import DefusedXmlException

    collector = _Collector("xml")
    parser = defusedxml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_namespaces, True)
    parser.setContentHandler(_SaxHandler(collector))
    try:
        parser.parse(io.BytesIO(data))
    except DefusedXmlException as exc:
        raise ManifestError(f"refused unsafe XML ({exc.__class__.__name__})") from None
    except xml.sax.SAXParseException as exc:
        raise ManifestError(f"malformed XML at line {exc.getLineNumber()}: {exc.getMessage()}") from None
    return collector.finish()


def is_axml(data: bytes) -> bool:
    """Binary AXML starts with the RES_XML_TYPE chunk header (0x0003, header size 8)."""
    return data[:4] == b"\x03\x00\x08\x00"


def _framework_attribute(axml: object, i: int) -> bool:
    """Whether attribute ``i`` of the current AXML element has a framework resource id (``android:name``
    is 0x01010003). androguard keeps the ids in ``m_resourceIDs``, indexed like the attribute names."""
    try:
        offset = axml._get_attribute_offset(i)  # type: ignore[attr-defined]
        name = axml.m_attributes[offset + 1]  # type: ignore[attr-defined]  # (ATTRIBUTE_IX_NAME)
        ids = axml.m_resourceIDs  # type: ignore[attr-defined]
        return bool(0 <= name < len(ids) and ids[name] >> 16 == 0x0101)
    except (AttributeError, IndexError, TypeError):  # another androguard: the namespace string decides
        return False


def parse_axml(data: bytes) -> Manifest:
    """Parse a binary AXML ``AndroidManifest.xml`` (as found in APKs)."""
    from loguru import logger

    logger.disable("androguard")  # androguard logs every chunk; piscan reports faults itself
    from androguard.core.axml import END_DOCUMENT, END_TAG, START_TAG, AXMLParser

    try:
        axml = AXMLParser(data)
        if not axml.is_valid():
            raise ManifestError("not a valid binary AXML document")
        collector = _Collector("axml")
        depth = 0
        events = 0
        while axml.is_valid():
            event = next(axml)
            events += 1
            if events > 1_000_000:
                raise ManifestError("binary AXML has too many elements")
            if event == START_TAG:
                attrs: dict[tuple[str, str], str] = {}
                for i in range(axml.getAttributeCount()):
                    # Android resolves attributes by resource id: a framework attribute (0x0101xxxx) is an
                    # android: one whatever namespace string the file names (a tampered one hides nothing)
                    ns = ANDROID_NS if _framework_attribute(axml, i) else axml.getAttributeNamespace(i) or ""
                    value = str(axml.getAttributeValue(i) or "")
                    if not value and axml.getAttributeValueType(i) in (0x10, 0x11):  # TYPE_INT_DEC/HEX
                        value = str(axml.getAttributeValueData(i))
                    attrs[(ns, axml.getAttributeName(i))] = value
                collector.element(depth, axml.name, attrs, None, getattr(axml, "m_lineNumber", None))
                depth += 1
            elif event == END_TAG:
                depth -= 1
            elif event == END_DOCUMENT:
                break
        if not axml.is_valid():
            raise ManifestError("binary AXML is truncated or corrupt")
        if depth == 0 and not collector.manifest.facts and not collector.seen and not events:
            raise ManifestError("binary AXML has no elements")
    except ManifestError:
        raise
    except Exception as exc:  # androguard raises assorted errors on corrupt input
        raise ManifestError(f"cannot decode binary AXML ({exc.__class__.__name__})") from None
    return collector.finish()


def parse(data: bytes) -> Manifest:
    if is_axml(data):
        return parse_axml(data)
    if data[:1] == b"\x0a" and b"\x1a\x08manifest" in data[:4096]:
        # aapt2's protobuf XmlNode (field 1: an element; its field 3, the name: "manifest"): an Android App
        # Bundle's base/manifest/AndroidManifest.xml, not XML
        raise ManifestError("protobuf manifest of an Android App Bundle (.aab): not read; scan the APK built "
                            "from it (bundletool build-apks)")
    return parse_text(data)
