"""Scan orchestration: walk inputs, pick readers, run the detector, turn hits into findings.

This is the one code path the CLI, the benchmarks and the tests use. It never raises for a bad input:
faults become :class:`~piscan.findings.ScanError` entries and the scan goes on.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import os
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from piscan.assets import MAX_SAMPLES, Accumulator, asset_key
from piscan.detection.detector import Detector, Hit
from piscan.detection.rules import Rule, RulePack, load_packs
from piscan.findings import Finding, ScanError, sort_findings
from piscan.fingerprint import Fingerprinter, load_key
from piscan.sources.base import Cell, CellBatch, Chunk, SourceError, Written
from piscan.sources.live_db import safe_url
from piscan.sources.registry import open_readers
from piscan.sources.text import first_invalid_line, invalid_utf8_reason
from piscan.sources.walk import WalkOptions, is_url
from piscan.sources.walk import iter_targets as walk_targets


@dataclass(slots=True)
class ScanOptions:
    rules: Sequence[str] = ()
    show_values: bool = False
    min_confidence: float | None = None
    jobs: int | None = None  # None = all cores
    engine: str | None = None
    fingerprint_key_file: str | None = None
    input_type: str | None = None
    today: _dt.date | None = None
    parallel_min_bytes: int = 32 << 20  # files smaller than this are scanned in-process
    # with jobs > 1, a run of at least this many consecutive smaller files holding at least this many bytes
    # is scanned across processes in batches of files (a folder of many small files otherwise scans on one
    # core; a few small files are not worth starting the workers)
    parallel_min_files: int = 4
    parallel_min_run_bytes: int = 2 << 20
    app_type: str | None = None  # app manifests: 2021 necessary-PI app type (number 1-39 or slug)
    # CI hooks (see docs/ci.md): restrict the walk to some files, report progress, regulator audit key
    path_filter: Callable[[str], bool] | None = None  # called with the filesystem path; False = skip
    progress: Callable[[str, int], None] | None = None  # called after each file with (display, bytes)
    audit_key: bytes | None = None  # regulator-supplied HMAC key for Finding.audit_fingerprint
    include: Sequence[str] = ()  # globs (relative path, or basename when no "/")
    exclude: Sequence[str] = ()
    gitignore: bool = False
    max_file_size: int | None = None  # bytes; larger files are skipped with a note
    sample: int = 1000  # live databases: rows per table (deterministic: first N by primary key)
    full: bool = False  # live databases: every row
    # findings listed per asset (file or table.column) in the report; every finding is still counted in
    # the asset (persons, shares, volumes stay exact). 0 = list all. The CLI defaults to 1000.
    max_findings_per_asset: int = 0


@dataclass(slots=True)
class ScanResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    inputs: list[dict[str, Any]] = field(default_factory=list)
    packs: list[RulePack] = field(default_factory=list)
    rules: dict[str, Rule] = field(default_factory=dict)
    started_at: str = ""
    finished_at: str = ""
    seconds: float = 0.0
    bytes_scanned: int = 0
    fingerprint_key_id: str = ""
    engine: str = ""
    roots: list[str] = field(default_factory=list)
    assets: list[dict[str, Any]] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    fs_paths: dict[str, str] = field(default_factory=dict)  # display path -> filesystem path
    extra: dict[str, Any] = field(default_factory=dict)  # optional top-level report sections (CI, signing)
    #: non-null values read per (path, table, column); feeds ``assets[].values_scanned``
    column_values: dict[tuple[str, str | None, str | None], int] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return any(e.kind == "error" for e in self.errors)


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iter_targets(targets: Sequence[str], errors: list[ScanError]) -> Iterator[tuple[str, str]]:
    """Yield (filesystem path, display path) for files under the targets, in sorted order."""
    from piscan.sources.walk import iter_targets as walk

    return walk(targets, errors)


class FindingBuilder:
    """Turns detector hits into findings (fingerprint, rule metadata, optional raw value)."""

    def __init__(self, rules: dict[str, Rule], fingerprinter: Fingerprinter, show_values: bool,
                 audit: Fingerprinter | None = None) -> None:
        self.rules = rules
        self.fp = fingerprinter
        self.show_values = show_values
        self.audit = audit

    def __call__(self, hit: Hit, path: str, cell: Cell | None = None) -> Finding:
        if cell is None:
            return self.located(hit, path, None, None, None)
        return self.located(hit, path, cell.table, cell.column, cell.row)

    def located(self, hit: Hit, path: str, table: str | None, column: str | None, row: str | None) -> Finding:
        """The finding of ``hit`` at ``table``/``column``/``row`` (all ``None`` for text). Positional
        arguments in :class:`Finding` field order (keywords cost twice as much, per finding of a dump with
        millions); ``tests/test_scanner_cells.py`` pins that order."""
        rule = self.rules[hit.rule_id]
        entity, norm = hit.entity, hit.normalised
        return Finding(
            hit.rule_id, entity, path, hit.line, hit.start, hit.end, hit.masked, hit.confidence, hit.evidence,
            self.fp(entity, norm), table, column, row, rule.pi_category, rule.sensitive, None, None, None,
            hit.value if self.show_values else None, hit.attributes, None, None,
            self.audit(entity, norm) if self.audit is not None and not hit.masked else None,
            None if hit.masked else self.fp.person(entity, norm),
        )


def place_as_written(hits: list[Hit], text: str, offset: int, written: Written, column: str | None = None) -> None:
    """Move ``hits`` in value ``text`` (at column ``offset`` of its line; ``scan_text`` added it) to where the
    input writes them, when it writes the value escaped (``Cell.written``): each escape or doubled quote
    before a hit shifts it, and a newline written as it is moves it to a later line. A reader that knows
    better places them itself (``written`` a callable, given the hits, the text and its ``column``)."""
    if written is None or not hits:
        return
    if not isinstance(written, str):
        written(text, hits, column)
        return
    from piscan.sources.sql_common import as_written

    for h in hits:
        lines, s, e, fresh = as_written(text, h.start - offset, h.end - offset, written)
        if fresh:
            h.start, h.end = s, e
        else:
            h.start, h.end = offset + s, offset + e
        if lines and h.line is not None:
            h.line += lines


def count_unlisted(acc: Accumulator, a: Any, hit: Hit, fingerprinter: Fingerprinter) -> None:
    """Count a hit that its asset ``a`` will not list (``acc.full(a)``: the listing cap is reached) without
    building its Finding: the statistics need only its entity, masking, person fingerprint and evidence
    (read only while the asset takes samples: a hit makes its evidence snippet when asked)."""
    acc.count(a, hit.entity, hit.masked, bool(hit.attributes.get("weak_mask")),
              None if hit.masked else fingerprinter.person(hit.entity, hit.normalised),
              hit.evidence if len(a.samples) < MAX_SAMPLES else None)


def stored_input(meta: dict[str, Any], stored: Callable[[], tuple[int, str]]) -> None:
    """Make an input entry's ``size`` and ``sha256`` those of the input as stored (a compressed file: what
    ``sha256sum`` and ``piscan verify --inputs`` hash), keeping the read content's as ``content_size`` and
    ``content_sha256``. Left as it is when the stored bytes cannot be read again (the scan's own error
    says why)."""
    try:
        size, sha = stored()
    except Exception:  # OSError, a damaged zip or stream: the scan reported it already
        return
    meta["content_size"], meta["content_sha256"] = meta.get("size"), meta.get("sha256")
    meta["size"], meta["sha256"] = size, sha


def scan_text_chunk(scanner: Scanner, acc: Accumulator, data: bytes, first_line: int, display: str,
                    listed: list[Finding], listing: bool = True) -> int:
    """Scan a line-aligned chunk of text file ``display`` into ``acc`` and append the findings its listing
    cap lets through to ``listed``; hits past the cap are only counted. Returns the newlines in ``data``.

    ``listing=False``: only count every hit (no findings, no samples): the caller knows the asset lists
    no more and holds all its samples already."""
    a = acc.file_asset(display)
    detector = scanner.detector
    if not listing or acc.settled(a):  # only counted, in bulk
        acc.count_readings(a, [(h.entity, h.masked, bool(h.attributes.get("weak_mask")), h.normalised)
                               for h in detector.scan_chunk(data, first_line)], scanner.fingerprinter)
        return detector.newlines(data)
    for hit in detector.scan_chunk(data, first_line):
        if acc.full(a):
            count_unlisted(acc, a, hit, scanner.fingerprinter)
            continue
        f = scanner.build(hit, display)
        if acc.record(a, f):
            listed.append(f)
    return detector.newlines(data)


def scan_column_batch(scanner: Scanner, acc: Accumulator, batch: CellBatch, display: str,
                      listed: list[Finding]) -> None:
    """Scan one column's cells (``batch.column`` set) into ``acc`` and append the findings its listing cap
    lets through to ``listed``; the asset is looked up once (at the first hit), hits past the cap are only
    counted.

    Once the asset lists no more findings and holds all its samples, the rest of the batch is only counted
    (:func:`count_cells`): a PI-dense dump column has millions of values past the cap."""
    table, column, context = batch.table, batch.column, batch.context
    scan_text = scanner.detector.scan_text
    located = scanner.build.located
    fingerprinter = scanner.fingerprinter
    a = None  # looked up at the first hit: a column whose candidates all fail is not an asset
    values = batch.values
    locate = batch.locate
    written = batch.written
    for i, (text, line, offset, row, patterns) in enumerate(values):
        if locate is not None:
            line, offset, row = locate(i)
        hits = scan_text(text, context=context, line=line, offset=offset or 0, only=patterns)
        if hits:
            if a is None:
                a = acc.asset(display, table, column)
            placed = written is None
            for hit in hits:
                if acc.full(a):
                    count_unlisted(acc, a, hit, fingerprinter)
                    continue
                if not placed:
                    place_as_written(hits, text, offset or 0, written, column)
                    placed = True
                f = located(hit, display, table, column, row)
                if acc.record(a, f):
                    listed.append(f)
            a.cells += 1
            if acc.settled(a):
                count_cells(scanner, acc, a, values[i + 1:], context,
                            batch.verdicts[i + 1:] if batch.verdicts is not None else None)
                return


def count_cells(scanner: Scanner, acc: Accumulator, a: Any, values: list[tuple], context: tuple[str, ...],
                verdicts: list[Any] | None = None) -> None:
    """Count the hits of cells ``values`` of one column in its asset ``a``, which lists no more findings
    and holds all its samples (what :func:`count_unlisted` would do with each hit of
    ``scan_text``): whole-cell values are read by ``Detector.whole_cells`` without Hit objects, the
    others by ``scan_text``. ``verdicts``: the ``CellBatch.verdicts`` of ``values``, if any."""
    detector = scanner.detector
    fingerprinter = scanner.fingerprinter
    readings, rest = detector.whole_cells(values, context, verdicts)
    a.cells += len(readings)
    acc.count_readings(a, readings, fingerprinter)
    for i in rest:
        text, line, offset, _row, patterns = values[i]
        hits = detector.scan_text(text, context=context, line=line, offset=offset or 0, only=patterns)
        for hit in hits:
            count_unlisted(acc, a, hit, fingerprinter)
        if hits:
            a.cells += 1


# ---------------------------------------------------------------- parallel scanning of one large file
# Workers are forked from the scanning process and use its detector and finding builder as they are
# (compiled database, fingerprint key): nothing is rebuilt, and fingerprints/evidence are computed in
# parallel too. Workers count every finding in their own asset statistics and send back only the findings
# the listing cap lets through; the parent merges the statistics in order and renumbers lines.
_PARENT: Scanner | None = None
# shared memory, set by the parent as it merges ranges in order: the index of the last range merged when
# the file's asset became full (listing cap reached, samples taken). A worker scans a later range without
# listing findings or taking samples: the merge would drop them (most ranges of a PI-dense file).
_FULL_AFTER: Any = None
WORKER_BLOCK = 256 << 10
_NOT_FULL = 1 << 62


def _worker_scan(task: tuple[str, str, int, int, int]) -> tuple[Accumulator, list[Finding], int, int | None]:
    """Scan one line-aligned byte range of a text file: its asset statistics, the findings it lists (at
    most the listing cap: every finding is counted in the statistics, only these cross the process
    boundary; line numbers from the range's start), the newlines in it, and its first line with invalid
    UTF-8.

    The range is read and scanned in line-aligned blocks of about :data:`WORKER_BLOCK` bytes, as the serial
    reader does: each block's passes (prefilter, stage 2, newline count) then stay in the core's cache
    instead of streaming a range of many MB from memory three times, which two busy cores share."""
    path, display, start, end, index = task
    assert _PARENT is not None
    acc = Accumulator(_PARENT.assets.cap)
    found: list[Finding] = []
    prefilter = _PARENT.detector.prefilter
    line = 1
    bad_line = None
    with open(path, "rb") as fh:
        fh.seek(start)
        left = end - start
        pending: list[bytes] = []  # the start of a line longer than a block, read in earlier blocks
        while True:
            block = fh.read(min(WORKER_BLOCK, left)) if left > 0 else b""
            left = left - len(block) if block else 0  # (a file cut short since: its end ends the range)
            tail = b""
            if left > 0:
                cut = block.rfind(b"\n") + 1
                if cut == 0:
                    pending.append(block)
                    continue
                block, tail = block[:cut], block[cut:]
            data = b"".join((*pending, block)) if pending else block
            pending = [tail] if tail else []
            if data:
                listing = _FULL_AFTER is None or index <= _FULL_AFTER.value
                newlines = scan_text_chunk(_PARENT, acc, data, line, display, found, listing)
                if bad_line is None and (not prefilter.validates_utf8 or prefilter.invalid_utf8 >= 0):
                    bad = first_invalid_line(data, 1)
                    bad_line = None if bad is None else bad + line - 1
                line += newlines
            if left == 0:
                break
    return acc, found, line - 1, bad_line


def _worker_dump(task: tuple) -> tuple:
    """Scan one range of a SQL dump (see Scanner._scan_parallel_dump). Returns the range's asset statistics
    and the findings it lists per asset (at most the cap each: the parent merges them in order), row
    ordinals as ``int`` counted from the range start."""
    path, display, kind, start, end, state, first_line, final = task
    assert _PARENT is not None
    from piscan.sources.registry import READERS

    reader = READERS[kind](path, display)
    reader.start_range(start, end, state, first_line=first_line, final=final, ordinal_rows=True)
    reader.prefilter = _PARENT.detector
    scan_text = _PARENT.detector.scan_text
    located = _PARENT.build.located
    acc = Accumulator(_PARENT.assets.cap)
    listed: dict[tuple, list[Finding]] = {}
    nbytes = 0
    faulted = False
    try:
        for item in reader.items():
            if isinstance(item, CellBatch) and item.column:
                nbytes += sum([len(v[0]) for v in item.values])
                scan_column_batch(_PARENT, acc, item, display,
                                  listed.setdefault((display, item.table, item.column), []))
                continue
            for cell in item.cells() if isinstance(item, CellBatch) else (item,):  # lines between statements
                nbytes += len(cell.text)
                hits = scan_text(cell.text, context=cell.context, line=cell.line, offset=cell.offset or 0,
                                 only=cell.patterns)
                place_as_written(hits, cell.text, cell.offset or 0, cell.written, cell.column)
                for i, h in enumerate(hits):
                    f = located(h, display, cell.table, cell.column, cell.row)
                    if acc.add(f):
                        listed.setdefault(asset_key(f), []).append(f)
                    if i == 0 and f.column is not None:
                        acc.add_cell(f)
    except SourceError:
        faulted = True  # the scanner rescans from this range's start, in order, for the exact fault report
    rows = {n: t.rows for n, t in reader.tables.items()}
    return acc, listed, reader.column_values(), rows, reader.end_state, faulted, nbytes


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask: a container's cpuset, ``taskset``), the
    default of ``--jobs``; ``os.cpu_count()`` counts the host's."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def unforeseen(display: str, exc: Exception) -> ScanError:
    """The scan error of an input whose reader raised what it should not have: the scan goes on. Only the
    exception's type is named: its message may quote the input."""
    if isinstance(exc, RecursionError):  # a parser of nested data met absurd depth
        return ScanError(display, "input nested too deeply to parse; the rest of it was not read")
    return ScanError(display, f"internal error while reading this input ({exc.__class__.__name__}); please report it")


def _worker_files(task: list[tuple[str, str]]) -> tuple[Accumulator, list[Finding], list[ScanError],
                                                        list[dict[str, Any]], dict, list[int]]:
    """Scan a batch of whole (small) files in a worker, one after the other, as :meth:`Scanner.scan_file`
    would in the parent: their asset statistics (each file its own assets, in order), the findings they
    list (at most the cap per asset), their scan errors, ``inputs`` entries and values read per column,
    and the characters scanned in each file. The parent merges batches in walk order. (A batch, not a file,
    per task: a small file scans in ~0.5 ms, and passing each file's results on its own cost ~30% more.)"""
    assert _PARENT is not None
    part = ScanResult()
    _PARENT.assets = Accumulator(_PARENT.assets.cap)  # this worker's own: the parent's stays in the parent
    sizes = []
    for path, display in task:
        before = part.bytes_scanned
        try:
            _PARENT.scan_file_here(path, display, part)
        except Exception as exc:  # as Scanner._scan_one does in the parent
            part.errors.append(unforeseen(display, exc))
        sizes.append(part.bytes_scanned - before)
    return _PARENT.assets, part.findings, part.errors, part.inputs, part.column_values, sizes


def _file_size(path: str) -> int | None:
    """The size of regular file ``path`` (``None``: no regular file, or not readable)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) else None


def _sha256_file(path: str, out: list[str]) -> None:
    from piscan.digest import sha256_file

    out.append(sha256_file(path))  # hashlib releases the GIL: runs beside the result loop


def range_targets(size: int, jobs: int, largest: int = 16 << 20, smallest: int = 2 << 20) -> list[int]:
    """Where to cut a file of ``size`` bytes into ranges for ``jobs`` workers (before moving each cut to a
    line end): ranges of ``largest`` bytes while much is left, then shrinking (each a ``1 / (2 * jobs)``
    share of what is left, down to ``smallest``), so that the workers finish within a small range of each
    other instead of one idling while another scans a last large range. At least ``jobs * 4`` ranges.

    >>> [t >> 20 for t in range_targets(100 << 20, 2)]
    [12, 25, 37, 50, 62, 71, 78, 84, 88, 91, 93, 95, 97]
    """
    largest = max(1, min(largest, size // (jobs * 4)))
    smallest = min(smallest, largest)
    cuts: list[int] = []
    pos = 0
    while True:
        step = max(smallest, min(largest, (size - pos) // (2 * jobs)))
        pos += step
        if pos >= size or size - pos < smallest // 2:
            return cuts
        cuts.append(pos)


def _split_ranges(path: str, size: int, targets: list[int]) -> list[tuple[int, int]]:
    """``(start, end)`` ranges of ``path`` cut at the first line end at or after each target offset."""
    bounds = [0]
    with open(path, "rb") as fh:
        for target in targets:
            pos = max(bounds[-1], target)
            fh.seek(pos)
            while True:
                block = fh.read(1 << 16)
                if not block:
                    pos = size
                    break
                nl = block.find(b"\n")
                if nl != -1:
                    pos += nl + 1
                    break
                pos += len(block)
            bounds.append(min(pos, size))
    bounds.append(size)
    return [(a, b) for a, b in itertools.pairwise(bounds) if b > a]


def _is_plain_utf8(path: str) -> bool:
    from piscan.sources.text import SNIFF, first_non_ascii, gb18030_after_ascii, sniff_encoding

    with open(path, "rb") as fh:
        head = fh.read(SNIFF)
        if sniff_encoding(head) != "utf-8":
            return False
        if not head.isascii():
            return True
        # an ASCII head: GB18030 text later in the file is transcoded by the serial reader (DecodedStream)
        at = first_non_ascii(fh, len(head))
        if at is None:
            return True
        fh.seek(at)
        return not gb18030_after_ascii(fh.read(SNIFF))


class Scanner:
    def __init__(self, options: ScanOptions | None = None) -> None:
        self.options = options or ScanOptions()
        self.assets = Accumulator(self.options.max_findings_per_asset)
        self.packs = load_packs(list(self.options.rules))
        self.detector = Detector(self.packs, engine=self.options.engine,
                                 min_confidence=self.options.min_confidence, today=self.options.today)
        self.rules = self.detector.rule_by_id
        self.fingerprinter = Fingerprinter(load_key(self.options.fingerprint_key_file))
        self.audit = Fingerprinter(self.options.audit_key) if self.options.audit_key else None
        self.build = FindingBuilder(self.rules, self.fingerprinter, self.options.show_values, self.audit)
        self._pool = None
        self._full_after: Any = None  # see _FULL_AFTER
        self.app_type = None
        if self.options.app_type not in (None, ""):  # (the app-type tables load only when one is named)
            from piscan.detection.app_checks import resolve_app_type

            self.app_type = resolve_app_type(self.options.app_type)  # ValueError on an unknown type
        self.reader_options = {"fingerprinter": self.fingerprinter, "app_type": self.app_type}

    # -- one input
    def scan_file(self, path: str, display: str, result: ScanResult) -> None:
        size = os.path.getsize(path) if os.path.isfile(path) else 0
        jobs = self.options.jobs or usable_cpus()
        if (jobs > 1 and size >= self.options.parallel_min_bytes and self.options.input_type in (None, "text")
                and _is_plain_utf8(path) and self._plain_text(path)):
            self._scan_parallel(path, display, size, jobs, result)
            return
        # dumps only with a listing cap: uncapped, every finding would cross the process boundary (~7 µs
        # each to unpickle in this process, as much as the scan saved)
        if jobs > 1 and size >= self.options.parallel_min_bytes and self.options.max_findings_per_asset:
            kind = self._splittable_dump(path)
            if kind is not None:
                self._scan_parallel_dump(path, display, kind, size, jobs, result)
                return
        self.scan_file_here(path, display, result)

    def scan_file_here(self, path: str, display: str, result: ScanResult) -> None:
        """Scan ``path`` in this process, reader by reader (a zip archive has one per member)."""
        try:
            for reader in open_readers(path, display, self.options.input_type, self.reader_options,
                                       self.options.max_file_size):
                self.scan_reader(reader, result)
        except ValueError as exc:
            result.errors.append(ScanError(display, str(exc)))
        except SourceError as exc:
            result.errors.append(ScanError(display, exc.reason, exc.kind))

    def _small_size(self, path: str) -> int | None:
        """The size of ``path`` when it is a file that :meth:`scan_file` would scan in this process, alone."""
        size = None if is_url(path) else _file_size(path)
        return size if size is not None and size < self.options.parallel_min_bytes else None

    def _scan_files_parallel(self, files: list[tuple[str, str, int]], result: ScanResult) -> None:
        """Scan small files across the worker processes, a batch of files a task (:func:`_worker_files`), and
        take their results in walk order: the same findings, counts, listing, errors, inputs and progress
        as scanning them here one by one."""
        pool = self._pool_for_workers()
        progress = self.options.progress
        jobs = self.options.jobs or usable_cpus()
        # batches of ~1 MB or 32 files, and at least four batches a worker while there are files enough
        per = max(1, min(32, len(files) // (jobs * 4)))
        batches: list[list[tuple[str, str]]] = []
        size = 0
        for path, display, nbytes in files:
            if not batches or len(batches[-1]) >= per or size >= 1 << 20:
                batches.append([])
                size = 0
            batches[-1].append((path, display))
            size += nbytes
        for batch, (part, found, errors, inputs, values, sizes) in zip(
                batches, pool.imap(_worker_files, batches), strict=True):
            listed: dict[tuple, list[Finding]] = {}
            for f in found:
                listed.setdefault(asset_key(f), []).append(f)
            result.findings.extend(self.assets.merge(part, listed))
            result.errors.extend(errors)
            result.inputs.extend(inputs)
            for key, n in values.items():
                result.column_values[key] = result.column_values.get(key, 0) + n
            result.bytes_scanned += sum(sizes)
            if progress is not None:
                for (_path, display), n in zip(batch, sizes, strict=True):
                    progress(display, n)

    def scan_url(self, url: str, result: ScanResult) -> None:
        from piscan.sources.live_db import LiveDbReader

        self.scan_reader(LiveDbReader(url), result)  # (scan_reader sets its sample: --sample / --full)

    def _plain_text(self, path: str) -> bool:
        from piscan.sources.registry import detect_kind

        return detect_kind(path) == "text"

    def _emit(self, findings: list[Finding], f: Finding) -> None:
        """Count every finding in its asset; list it unless the asset's listing cap is reached."""
        if self.assets.add(f):
            findings.append(f)

    def scan_reader(self, reader, result: ScanResult) -> None:
        display = reader.display_path
        if hasattr(reader, "prefilter"):
            reader.prefilter = self.detector  # structured readers ask it for validator-gated candidates
        if hasattr(reader, "sample"):  # databases (a live URL, a SQLite file in a folder): rows per table
            reader.sample = None if self.options.full else self.options.sample
        prefilter = self.detector.prefilter
        engine_checks_utf8 = prefilter.validates_utf8 and hasattr(reader, "note_invalid_utf8")
        if engine_checks_utf8:
            reader.utf8_checked_elsewhere = True  # one pass over the bytes: no decode just to validate
        cell_counts: dict[tuple[str | None, str | None], int] = {}
        self._read(reader, display, result, cell_counts, engine_checks_utf8)
        result.bytes_scanned += reader.unscanned_chars()
        counts = reader.column_values()
        for (table, column), n in (cell_counts if counts is None else counts).items():
            key = (display, table, column)
            result.column_values[key] = result.column_values.get(key, 0) + n
        meta = {"path": display, "type": reader.kind, **reader.metadata()}
        stored = getattr(reader, "stored", None)
        if stored is not None:  # (a truncated stream too: its file has a hash all the same)
            stored_input(meta, stored)
        result.inputs.append(meta)

    def _read(self, reader, display: str, result: ScanResult,
              cell_counts: dict[tuple[str | None, str | None], int], engine_checks_utf8: bool = False) -> None:
        findings = result.findings
        prefilter = self.detector.prefilter
        try:
            for item in reader.items():
                if isinstance(item, Chunk):
                    result.bytes_scanned += len(item.data)
                    item.newlines = scan_text_chunk(self, self.assets, item.data, item.first_line, display,
                                                    findings)
                    if engine_checks_utf8 and prefilter.invalid_utf8 >= 0:
                        reader.note_invalid_utf8(item)
                elif isinstance(item, CellBatch):
                    self._scan_batch(item, display, result, cell_counts)
                elif isinstance(item, Cell):
                    self._scan_cell(item, display, result, cell_counts)
                elif isinstance(item, Finding):
                    self._emit(findings, item)
        except SourceError as exc:
            result.errors.append(ScanError(exc.path or display, exc.reason, exc.kind))
        except (OSError, EOFError, ValueError) as exc:  # decompression and I/O faults
            result.errors.append(ScanError(display, f"{exc.__class__.__name__}: {exc}"))
        except RecursionError as exc:  # a parser of nested data (JSON, JSON5) met absurd depth
            result.errors.append(unforeseen(display, exc))

    def _scan_batch(self, batch: CellBatch, display: str, result: ScanResult,
                    cell_counts: dict[tuple[str | None, str | None], int]) -> None:
        """The Cell branch of :meth:`scan_reader` for a batch of one column's cells: the same findings,
        counts and listing, with the per-column work (asset lookup, context, location) done once."""
        table, column = batch.table, batch.column
        values = batch.values
        if not column:  # not a column asset: findings go to the file, one cell at a time
            for cell in batch.cells():
                self._scan_cell(cell, display, result, cell_counts)
            return
        result.bytes_scanned += sum([len(v[0]) for v in values])
        ck = (table, column)
        cell_counts[ck] = cell_counts.get(ck, 0) + len(values)
        scan_column_batch(self, self.assets, batch, display, result.findings)

    def _scan_cell(self, item: Cell, display: str, result: ScanResult,
                   cell_counts: dict[tuple[str | None, str | None], int]) -> None:
        result.bytes_scanned += len(item.text)
        if item.column is not None:
            ck = (item.table, item.column)
            cell_counts[ck] = cell_counts.get(ck, 0) + 1
        hits = self.detector.scan_text(item.text, context=item.context, line=item.line,
                                       offset=item.offset or 0, only=item.patterns)
        written = item.written
        if hits and written is not None and (isinstance(written, str) or not item.column or not self.assets.full(
                self.assets.asset(display, item.table, item.column))):  # a reader's placer: listed hits only
            place_as_written(hits, item.text, item.offset or 0, written, item.column)
        for k, hit in enumerate(hits):
            f = self.build(hit, display, item)
            self._emit(result.findings, f)
            if k == 0 and f.column is not None:
                self.assets.add_cell(f)

    def _scan_parallel(self, path: str, display: str, size: int, jobs: int, result: ScanResult) -> None:
        import threading

        ranges = _split_ranges(path, size, range_targets(size, jobs))
        pool = self._pool_for_workers()
        digest: list[str] = []
        hasher = threading.Thread(target=_sha256_file, args=(path, digest), daemon=True)
        hasher.start()
        line_base = 0
        tasks = [(path, display, a, b, k) for k, (a, b) in enumerate(ranges)]
        bad_line = None
        full_after = self._full_after  # this pool's shared value (its workers hold it as _FULL_AFTER)
        full_after.value = _NOT_FULL
        for k, (part, found, nl, bad) in enumerate(pool.imap(_worker_scan, tasks)):
            for f in found:
                f.line = (f.line or 1) + line_base
            result.findings.extend(self.assets.merge(part, {(display, None, None): found}))
            if full_after.value == _NOT_FULL and self.assets.file_settled(display):
                full_after.value = k
            if bad is not None and bad_line is None:
                bad_line = bad + line_base
            line_base += nl
        hasher.join()
        if bad_line is not None:
            result.errors.append(ScanError(display, invalid_utf8_reason(bad_line)))
        result.bytes_scanned += size
        result.inputs.append({"path": display, "type": "text", "size": size, "sha256": digest[0],
                              "encoding": "utf-8"})

    def _splittable_dump(self, path: str) -> str | None:
        """The dump kind of ``path`` when it can be scanned in ranges: an uncompressed SQL dump."""
        from piscan.sources.compressed import compression_of
        from piscan.sources.registry import detect_kind

        if self.options.input_type not in (None, "mysqldump", "pg_dump", "sqlite_dump"):
            return None
        kind = self.options.input_type or detect_kind(path)
        if kind not in ("mysqldump", "pg_dump", "sqlite_dump", "mssql_script") or compression_of(path) is not None:
            return None
        return kind

    def _pool_for_workers(self):
        global _PARENT, _FULL_AFTER
        if self._pool is None:
            import multiprocessing as mp

            _ = self.detector.prefilter  # compile before forking, so workers inherit the database
            _PARENT = self
            # forked workers keep the module global as it is now: the value of this scanner's pool (a later
            # scanner's pool gets its own)
            _FULL_AFTER = self._full_after = mp.get_context("fork").RawValue("q", _NOT_FULL)
            jobs = self.options.jobs or usable_cpus()
            self._pool = mp.get_context("fork").Pool(jobs)
        return self._pool

    def _scan_parallel_dump(self, path: str, display: str, kind: str, size: int, jobs: int,
                            result: ScanResult) -> None:
        """Scan a large SQL dump in ranges across processes, with the findings, row keys, line numbers,
        counts, listing and errors of a serial scan.

        A structure pass (``plan_split``) records the parser state at split points; workers scan the
        ranges; the parent takes their results in order, adds the rows and lines before each range, and
        checks that each range ended in the state the next one started from. From the first range that
        reports a fault or starts in a state its predecessor did not end in, the rest of the dump is
        scanned here, serially, from that range's verified start state (so fault reports are the serial
        ones)."""
        from piscan.sources.registry import READERS

        plan_reader = READERS[kind](path, display)
        parts = max(jobs * 16, size // (4 << 20))
        points = plan_reader.plan_split(max(1, size // parts))
        if not points:
            self.scan_reader(READERS[kind](path, display), result)
            return
        starts = [(0, 1, READERS[kind](path, display).state()), *points]  # a fresh reader's state
        tasks = [(path, display, kind, a, b, state, line, b == size)
                 for (a, line, state), b in zip(starts, [p[0] for p in points] + [size], strict=True)]
        rows_before: dict[str, int] = {}
        counts: dict[tuple[str, str], int] = {}
        resume: tuple[int, int, Any] | None = None  # (offset, line, state) to rescan from
        findings = result.findings
        assets = self.assets
        for k, (part, listed, values, rows, end_state, faulted, nbytes) in enumerate(
                self._pool_for_workers().imap(_worker_dump, tasks)):
            if resume is not None:
                continue  # results after the range rescanned here
            task = tasks[k]
            if faulted or (end_state is None and k + 1 < len(tasks)):
                resume = (task[3], task[6], task[5])  # rescan from this range's start
                continue
            for f in assets.merge(part, listed):
                if type(f.row) is int:
                    f.row = str(f.row + rows_before.get(f.table, 0))
                findings.append(f)
            for key, n in values.items():
                counts[key] = counts.get(key, 0) + n
            for name, n in rows.items():
                rows_before[name] = rows_before.get(name, 0) + n
            result.bytes_scanned += nbytes
            if k + 1 < len(tasks) and end_state != tasks[k + 1][5]:
                resume = (tasks[k + 1][3], tasks[k + 1][6], end_state)  # the next range started wrong
        rows_scanned = sum(rows_before.values())
        if resume is not None:
            offset, line, state = resume
            reader = READERS[kind](path, display)
            reader.start_range(offset, size, state, first_line=line, final=True, rows=rows_before)
            reader.prefilter = self.detector
            self._read(reader, display, result, {})
            for key, n in reader.column_values().items():
                counts[key] = counts.get(key, 0) + n
            rows_scanned = sum(t.rows for t in reader.tables.values())
        for (table, column), n in counts.items():
            key = (display, table, column)
            result.column_values[key] = result.column_values.get(key, 0) + n
        meta = plan_reader.metadata()
        meta["rows_scanned"] = rows_scanned
        result.inputs.append({"path": display, "type": kind, **meta})

    def _scan_one(self, path: str, display: str, result: ScanResult) -> None:
        before = result.bytes_scanned
        try:
            self.scan_file(path, display, result)
        except Exception as exc:  # a fault piscan did not foresee: this input's error, not the end of the scan
            result.errors.append(unforeseen(display, exc))
        if self.options.progress is not None:
            self.options.progress(display, result.bytes_scanned - before)

    def _walk_options(self) -> WalkOptions:
        o = self.options
        return WalkOptions(include=o.include, exclude=o.exclude, gitignore=o.gitignore,
                           max_file_size=o.max_file_size)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    # -- many inputs
    def scan(self, targets: Sequence[str]) -> ScanResult:
        result = ScanResult(packs=self.packs, rules=self.rules, started_at=_now(),
                            fingerprint_key_id=self.fingerprinter.key_id,
                            roots=[safe_url(t) if is_url(t) else t for t in targets])
        t0 = time.perf_counter()
        self.assets = Accumulator(self.options.max_findings_per_asset)
        try:
            keep = self.options.path_filter
            jobs = self.options.jobs or usable_cpus()
            todo = list(walk_targets(targets, result.errors, self._walk_options()))
            i = 0
            while i < len(todo):
                path, display = todo[i]
                i += 1
                if is_url(path):
                    self.scan_url(path, result)
                    continue
                if keep is not None and not keep(path):
                    continue
                result.fs_paths[display] = path
                size = self._small_size(path) if jobs > 1 else None
                if size is not None:
                    run = [(path, display, size)]
                    while i < len(todo) and (size := self._small_size(todo[i][0])) is not None:
                        if keep is None or keep(todo[i][0]):
                            result.fs_paths[todo[i][1]] = todo[i][0]
                            run.append((*todo[i], size))
                        i += 1
                    if (len(run) >= self.options.parallel_min_files
                            and sum(r[2] for r in run) >= self.options.parallel_min_run_bytes):
                        self._scan_files_parallel(run, result)
                        continue
                    for p, d, _n in run:
                        self._scan_one(p, d, result)
                    continue
                self._scan_one(path, display, result)
        finally:
            self.close()
        result.engine = self.detector.prefilter.name
        result.assets = self.assets.build(result.column_values)
        result.findings = sort_findings(result.findings)
        result.errors.sort(key=lambda e: (e.path, e.reason))
        result.seconds = time.perf_counter() - t0
        result.finished_at = _now()
        result.options = {"show_values": self.options.show_values, "min_confidence": self.options.min_confidence,
                          "rules": list(self.options.rules), "input_type": self.options.input_type,
                          "app_type": self.app_type.id if self.app_type else None,
                          "include": list(self.options.include), "exclude": list(self.options.exclude),
                          "gitignore": self.options.gitignore, "max_file_size": self.options.max_file_size,
                          "sample": None if self.options.full else self.options.sample}
        return result


def scan(targets: Sequence[str], options: ScanOptions | None = None) -> ScanResult:
    return Scanner(options).scan(targets)
