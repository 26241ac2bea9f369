"""Pick a reader for an input path (by content and extension; ``--type`` overrides).

Compressed files (gzip/bz2/xz/zstd, by magic bytes) are judged by their inner name and decompressed
content; a ``.zip`` expands into one reader per member (shown as ``archive.zip!member``), a zip inside it
into its members (``archive.zip!inner.zip!member``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from importlib import import_module
from typing import TYPE_CHECKING, Any, BinaryIO

from piscan.digest import sha256_opened
from piscan.sources.base import Reader, SourceError
from piscan.sources.compressed import (
    STREAMS,
    SizeLimited,
    compression_of,
    decompress_stream,
    fix_zip_names,
    inner_name,
    open_decompressed,
    sniff_compression,
)
from piscan.sources.manifests.detect import MANIFEST_KINDS, detect_manifest_kind, may_be_manifest

if TYPE_CHECKING:  # zipfile loads with the first zip archive (a log scan never needs it)
    import zipfile

#: ``--type`` values -> (module, class) of the reader. Structured sources register here.
_READER_CLASSES: dict[str, tuple[str, str]] = {
    "text": ("piscan.sources.text", "TextReader"),
    "mysqldump": ("piscan.sources.mysql_dump", "MysqlDumpReader"),
    "pg_dump": ("piscan.sources.pg_dump", "PgDumpReader"),
    "pg_archive": ("piscan.sources.pg_archive", "PgArchiveReader"),
    "mysql_xml": ("piscan.sources.mysql_xml", "MysqlXmlReader"),
    "mysql_tab": ("piscan.sources.mysql_tab", "MysqlTabReader"),
    "xlsx": ("piscan.sources.xlsx_source", "XlsxReader"),
    "xls": ("piscan.sources.xls_source", "XlsReader"),
    "html_table": ("piscan.sources.html_table", "HtmlTableReader"),
    "sqlite_db": ("piscan.sources.sqlite_file", "SqliteFileReader"),
    "sqlite_dump": ("piscan.sources.sqlite_dump", "SqliteDumpReader"),
    "mssql_script": ("piscan.sources.mssql_script", "MssqlScriptReader"),
    "csv": ("piscan.sources.csv_source", "CsvReader"),
    "tsv": ("piscan.sources.csv_source", "TsvReader"),
    "json": ("piscan.sources.json_source", "JsonReader"),
    "jsonl": ("piscan.sources.json_source", "JsonLinesReader"),
    **{kind: ("piscan.sources.manifests.readers", cls) for kind, cls in MANIFEST_KINDS.items()},
}


class _Readers(Mapping[str, type[Reader]]):
    """``--type`` value -> reader class, each module imported when its type is first asked for: a scan of
    logs does not load the SQL dump, CSV, JSON and manifest readers (~40 ms of start-up with sqlparse)."""

    def __getitem__(self, kind: str) -> type[Reader]:
        module, name = _READER_CLASSES[kind]
        return getattr(import_module(module), name)

    def __iter__(self):
        return iter(_READER_CLASSES)

    def __len__(self) -> int:
        return len(_READER_CLASSES)


READERS: Mapping[str, type[Reader]] = _Readers()

_EXT = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
#: an Excel 97-2003 workbook (or WPS Spreadsheets ``.et``) is an OLE2 compound file; web systems also export
#: HTML tables and tab-separated text as ``.xls``, which are read by their content
_LEGACY_BOOK = (".xls", ".et")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: the first 16 bytes of every SQLite 3 database file
SQLITE_MAGIC = b"SQLite format 3\x00"
#: files that are text by name even when they start like JSON (``[tool.piscan]`` in pyproject.toml)
_TEXT_EXT = (".toml", ".ini", ".cfg", ".conf", ".properties", ".yaml", ".yml", ".md", ".txt", ".log", ".py",
             ".sh", ".xml", ".html")
#: what a JSON document can start with: an object, or an array of values
_JSON_START = re.compile(rb'\{|\[\s*(?:[\[{"\]\-0-9]|true|false|null)')
_OOXML = re.compile(r"\.(?:xlsx|xlsm|docx|pptx)$", re.I)  # Office Open XML: a zip unless encrypted
_WORKBOOK = re.compile(r"\.(?:xls[xm]?|et)$", re.I)  # (an .xls that is a zip is an .xlsx misnamed)
_SQL_INSERT = re.compile(rb"^(?:INSERT|REPLACE)\s+INTO\s+(\S)", re.M | re.I)
_COPY_FROM_STDIN = re.compile(rb"^COPY \S+ .*FROM stdin;", re.M)
_SQL_STMT = re.compile(rb"^(?:INSERT|CREATE\s+TABLE)\s", re.M | re.I)


def _html_table(text: bytes) -> bool:
    """Whether a file's head (as UTF-8) is an HTML page with a table."""
    low = text.lower()
    return b"<table" in low and (b"<html" in low or b"<tr" in low)


def _tsql(text: bytes) -> bool:
    """Whether ``text`` starts a T-SQL script: Management Studio's object headers, an INSERT into a bracketed
    name, or ``GO`` lines between INSERT or CREATE TABLE statements (literal searches first)."""
    if b"/****** Object:" in text or b"INSERT [" in text or b"INSERT INTO [" in text:
        return True
    return (b"\nGO\n" in text or b"\nGO\r\n" in text) and _SQL_STMT.search(text) is not None


def _unicode_text_export(low_name: str, text: bytes) -> bool:
    """Whether a UTF-16 file (``text`` its head as UTF-8) is Excel's or WPS's "Unicode text" export: a
    ``.txt`` (or an ``.xls`` a web system named so) of tab-separated rows whose first row names two or more
    columns. Logs are rarely UTF-16; a UTF-16 log with tabs in its first line but no column names stays
    text."""
    if not low_name.endswith((".txt", ".xls")):
        return False
    from piscan.sources.csv_source import is_header

    first = text.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", "replace")
    cells = [c for c in first.split("\t") if c.strip()]
    return len(cells) >= 2 and is_header(cells)


def sniff_kind(name: str, head: bytes) -> str:
    """Judge the type from a file name and the first (decompressed) bytes."""
    low = name.lower()
    if low.endswith(_LEGACY_BOOK) and head[:8] == OLE2_MAGIC:
        return "xls"
    text = head[:65536]
    utf16 = text[:2] in (b"\xff\xfe", b"\xfe\xff")  # with its BOM (SQL Server Management Studio's scripts)
    if utf16:
        text = text.decode("utf-16", "ignore").encode("utf-8")
    if low.endswith((*_LEGACY_BOOK, ".xlsx")) and _html_table(text):
        return "html_table"  # a web system's "Excel" export: an HTML page with a table
    for ext, kind in _EXT.items():
        if low.endswith(ext):
            return kind
    if utf16 and _unicode_text_export(low, text):
        return "tsv"
    if text[:5] == b"PGDMP" or text[257:262] == b"ustar":  # pg_dump -Fc / -Fd (toc.dat) / -Ft archives
        from piscan.sources.pg_archive import archive_format

        if archive_format(text):
            return "pg_archive"
    if text.startswith(SQLITE_MAGIC):  # a SQLite database file, whatever its name
        return "sqlite_db"
    if b"<mysqldump" in text[:4096] and text.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":  # mysqldump --xml
        return "mysql_xml"
    if b"-- MySQL dump" in text or b"-- MariaDB dump" in text:
        return "mysqldump"
    # the multi-line regexes cost ~11 ns a byte (sre tries every line start): a literal search first, which
    # keeps a folder of small text files from paying ~0.25 ms per file
    if b"-- PostgreSQL database dump" in text or (b"COPY " in text and _COPY_FROM_STDIN.search(text)):
        return "pg_dump"
    if _tsql(text):
        return "mssql_script"
    if text.startswith(b"PRAGMA foreign_keys=OFF;") or (b"BEGIN TRANSACTION;" in text[:200]):
        return "sqlite_dump"
    low_text = text.lower()
    m = _SQL_INSERT.search(text) if b"insert" in low_text or b"replace" in low_text else None
    if m or low.endswith(".sql"):
        if (m and m.group(1) == b"`") or b"ENGINE=" in text:
            return "mysqldump"
        if m and (m.group(1) == b'"' or b"VALUES(" in text):
            return "sqlite_dump"
        return "pg_dump" if m else "text"
    stripped = text.lstrip(b"\xef\xbb\xbf \t\r\n")
    if low.endswith(_TEXT_EXT) or not _JSON_START.match(stripped):
        return "text"  # e.g. a TOML or INI file starting with "[section]" is not JSON
    if stripped[:1] in (b"{", b"["):
        first, _, rest = stripped.partition(b"\n")
        if stripped[:1] == b"{" and first.rstrip().endswith(b"}") and rest.lstrip()[:1] in (b"{", b""):
            return "jsonl"
        return "json"
    return "text"


def is_tar(head: bytes) -> bool:
    """Whether ``head`` (decompressed) starts a POSIX/GNU tar archive that is not a pg_dump ``-Ft`` archive
    (that is a dump)."""
    if len(head) < 512 or head[257:262] != b"ustar":
        return False
    from piscan.sources.pg_archive import archive_format

    return archive_format(head) is None


def _tab_export(path: str) -> str | None:
    """``mysql_tab`` for the ``t.txt`` of a ``mysqldump --tab`` export (a ``t.sql`` with its ``CREATE TABLE``
    beside it), else ``None``."""
    if not path.lower().endswith(".txt") or not os.path.isfile(path[:-4] + ".sql"):
        return None
    from piscan.sources.mysql_tab import schema_beside

    return "mysql_tab" if schema_beside(path) else None


def _head(fh: BinaryIO) -> bytes:
    try:
        return fh.read(65536)
    finally:
        fh.close()


def detect_kind(path: str) -> str:
    """The input type of ``path`` judged by extension and content (``text`` when nothing else fits)."""
    manifest = detect_manifest_kind(path)
    if manifest:
        return manifest
    comp = compression_of(path)
    if comp == "zip":
        return "zip"
    try:
        fh = open_decompressed(path, comp) if comp else open(path, "rb")  # noqa: SIM115
        head = _head(fh)
    except (OSError, EOFError):
        head = b""
    return sniff_kind(inner_name(path) if comp else path, head)


def open_reader(path: str, display_path: str, type_override: str | None = None,
                opener: Callable[[], BinaryIO] | None = None, head: bytes | None = None,
                options: dict[str, Any] | None = None) -> Reader:
    if type_override:
        kind = type_override
    elif head is not None:
        kind = sniff_kind(display_path, head)
    else:
        kind = detect_kind(path)
    try:
        factory = READERS[kind]
    except KeyError:
        raise ValueError(f"unknown input type {kind!r} (known: {', '.join(sorted(READERS))})") from None
    if getattr(factory, "accepts_options", False):  # app-manifest readers need the fingerprinter, app type
        return factory(path, display_path, options=options or {})
    return factory(path, display_path, opener=opener)


def open_readers(path: str, display_path: str, type_override: str | None = None,
                 options: dict[str, Any] | None = None, max_bytes: int | None = None) -> Iterator[Reader]:
    """One reader per input; a zip archive gives one reader per member (``a.zip!dir/member.log``).

    ``options`` (scan-wide settings such as ``fingerprinter`` and ``app_type``) reach only readers whose
    class sets ``accepts_options = True`` (the app-manifest readers). ``max_bytes`` (``--max-file-size``)
    bounds what a compressed file or a zip member may expand to: the reader stops there with a scan error.
    """
    # one read of the head says both the compression and, for a plain file, the type (a folder of small
    # files paid five opens a file for them)
    try:
        head = _head(open(path, "rb"))  # noqa: SIM115 (closed by _head)
    except OSError:
        head = b""
    comp = sniff_compression(head)
    # APK and IPA files are zip archives too, but they are app packages read by the manifest readers
    # (a forced manifest type reads the file itself: --type apk on a zip is one package, not one per member)
    manifest = (detect_manifest_kind(path) if type_override is None
                else type_override if type_override in MANIFEST_KINDS else None)
    if comp == "zip" and (type_override == "xlsx" or (type_override is None and _WORKBOOK.search(path))):
        yield open_reader(path, display_path, "xlsx")  # an Excel workbook is a zip, read as one input
        return
    if comp is None and head[:8] == OLE2_MAGIC and type_override is None and _OOXML.search(path):
        # Office wraps a password-protected .xlsx/.docx in an OLE2 container (an EncryptedPackage stream)
        raise SourceError("password-protected (encrypted) Office document: not read; scan a decrypted copy")
    # a compressed file's decompressed head, read once: it says whether the file is a tarball, and its type
    inner = _decompressed_head(path, comp) if comp in STREAMS else head
    if type_override is None and not manifest and comp != "zip" and is_tar(inner):
        from piscan.sources.tar_archive import tar_readers

        def open_stream() -> BinaryIO:
            return open_decompressed(path, comp) if comp else open(path, "rb")  # type: ignore[arg-type]

        yield from tar_readers(open_stream, display_path, open_readers, options, max_bytes)
        return
    if comp != "zip" or manifest:
        opener = None
        kind = type_override or manifest
        if comp is None and head:
            def opener() -> BinaryIO:  # (Reader.open_binary reports OSError)
                return open(path, "rb")
            kind = kind or _tab_export(path) or sniff_kind(path, head)
        elif comp in STREAMS:
            if inner:  # (a stream too damaged to give a head: detect_kind judges it, and its reader reports it)
                kind = kind or sniff_kind(inner_name(path), inner)
            if max_bytes is not None:  # (Reader.open_binary reports the opener's OSError)
                def opener(comp: str = comp, limit: int = max_bytes) -> BinaryIO:
                    return SizeLimited(open_decompressed(path, comp), limit)  # type: ignore[return-value]
        reader = open_reader(path, display_path, kind, opener=opener, options=options)
        if comp in STREAMS:
            reader.stored = partial(sha256_opened, partial(open, path, "rb"))
        yield reader
        return
    import zipfile

    try:
        zf = fix_zip_names(zipfile.ZipFile(path))
    except (OSError, zipfile.BadZipFile) as exc:
        raise SourceError(f"cannot read zip archive: {exc}") from None
    yield from _zip_readers(zf, path, display_path, type_override, options, 0, max_bytes)


def _decompressed_head(path: str, comp: str) -> bytes:
    """The first 64 KiB of the decompressed content of ``path`` (``b""`` when it cannot be read: its reader
    reports why)."""
    try:
        return _head(open_decompressed(path, comp))
    except (OSError, EOFError):
        return b""


def _limited(fh: BinaryIO, max_bytes: int | None) -> BinaryIO:
    return fh if max_bytes is None else SizeLimited(fh, max_bytes)  # type: ignore[return-value]


#: zip-format packages inside a zip stay one member each (as before): apps, Java archives
_PACKAGES = (".apk", ".ipa", ".jar", ".war", ".aar")  # (a HarmonyOS .hap is expanded: its module.json is read)
#: zips inside zips are expanded this deep (an export bundle of per-day archives); a deeper one is one
#: member (skipped as binary)
MAX_ZIP_DEPTH = 3


def _member_as_file(zf: zipfile.ZipFile, info: zipfile.ZipInfo, display_path: str,
                    options: dict[str, Any] | None, max_bytes: int | None) -> Iterator[Reader]:
    """The readers of zip member ``info`` copied to a private temporary file of the same name (deleted
    once they are read), with the files its manifest reader reads beside it (string resources); past
    ``--max-file-size`` one byte more is copied, so the reader reports it."""
    import tempfile

    from piscan.sources.manifests.detect import companions
    from piscan.sources.tar_archive import copy_bytes

    folder = info.filename.rsplit("/", 1)[0] + "/" if "/" in info.filename else ""
    with tempfile.TemporaryDirectory(prefix="piscan-zip-") as tmp:
        local = os.path.join(tmp, info.filename[len(folder):] or "member")
        for name, dest in [(info.filename, local), *((c, os.path.join(tmp, *c[len(folder):].split("/")))
                                                      for c in companions(info.filename, zf.namelist()))]:
            member = zf.getinfo(name)
            try:
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                with zf.open(member) as src, open(dest, "wb") as out:
                    copy_bytes(src, out, member.file_size if max_bytes is None
                               else min(member.file_size, max_bytes + 1))
            except (OSError, EOFError, ValueError) as exc:
                raise SourceError(f"cannot read zip member {name}: {exc}") from None
        yield from open_readers(local, display_path, None, options, max_bytes)


def _zip_readers(zf: zipfile.ZipFile, path: str, display_path: str, type_override: str | None,
                 options: dict[str, Any] | None, depth: int, max_bytes: int | None = None) -> Iterator[Reader]:
    import shutil
    import tempfile
    import zipfile

    try:
        members = [i for i in zf.infolist() if not i.is_dir()]
    except (OSError, zipfile.BadZipFile) as exc:
        raise SourceError(f"cannot read zip archive: {exc}") from None
    for info in members:
        def opener(info: zipfile.ZipInfo = info) -> BinaryIO:
            return _limited(zf.open(info), max_bytes)

        name = info.filename
        try:
            with zf.open(info) as fh:
                head = fh.read(65536)
            comp = sniff_compression(head)
            if comp == "zip" and type_override is None and _WORKBOOK.search(name):  # a workbook in the zip
                yield open_reader(path, f"{display_path}!{info.filename}", "xlsx", opener=opener, options=options)
                continue
            if (comp == "zip" and type_override is None and not name.lower().endswith(_PACKAGES)
                    and depth + 1 < MAX_ZIP_DEPTH):
                # a zip in the zip (an export bundle of archives): its members, as ``a.zip!b.zip!member``
                spool = tempfile.SpooledTemporaryFile(max_size=64 << 20)  # noqa: SIM115 - owned by the ZipFile
                with zf.open(info) as fh:
                    shutil.copyfileobj(fh, spool, 1 << 20)
                inner = fix_zip_names(zipfile.ZipFile(spool))
                yield from _zip_readers(inner, path, f"{display_path}!{name}", type_override, options, depth + 1,
                                        max_bytes)
                continue
            if comp in STREAMS:  # logs/app.log.gz inside a zip: judge the inner stream
                def opener(info: zipfile.ZipInfo = info, comp: str = comp) -> BinaryIO:
                    return _limited(decompress_stream(zf.open(info), comp), max_bytes)

                name = inner_name(name)
                with opener() as fh:
                    head = fh.read(65536)
        except (OSError, zipfile.BadZipFile, EOFError, ValueError) as exc:
            raise SourceError(f"cannot read zip member {info.filename}: {exc}") from None
        if type_override is None and comp in (None, "zip") and may_be_manifest(name):
            # an app manifest or package in the zip (a source tree, an .apks bundle): judged by its name and
            # content as a file is, so it goes to the manifest readers, which read files
            yield from _member_as_file(zf, info, f"{display_path}!{info.filename}", options, max_bytes)
            continue
        if type_override is None and depth + 1 < MAX_ZIP_DEPTH and is_tar(head):
            from piscan.sources.tar_archive import tar_readers

            def whole(info: zipfile.ZipInfo = info, comp: str | None = comp) -> BinaryIO:
                raw = zf.open(info)  # (--max-file-size bounds each member of the tarball, not the tarball)
                return decompress_stream(raw, comp) if comp in STREAMS else raw  # type: ignore[return-value]

            # a tarball in the zip: its members, as ``a.zip!b.tar.gz!member``
            yield from tar_readers(whole, f"{display_path}!{info.filename}", open_readers, options, max_bytes)
            continue
        # judged by the member's inner name (``x.csv.gz`` -> ``x.csv``) and decompressed content
        kind = type_override or sniff_kind(name, head)
        reader = open_reader(path, f"{display_path}!{info.filename}", kind, opener=opener, options=options)
        if comp in STREAMS:
            reader.stored = partial(sha256_opened, partial(zf.open, info))
        yield reader

