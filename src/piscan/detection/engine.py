"""Stage 1 of detection: a multi-pattern prefilter over raw UTF-8 bytes.

The prefilter's only job is to say *where* a value may be, fast, without losing any: it reports byte
offsets (match ends) and stage 2 (:mod:`piscan.detection.detector`) decodes a small window around each
report and runs the rule's own regex, validator and context scoring on it. Because stage 2 is
authoritative, every engine gives the same findings; they only differ in speed.

Engines, in order of preference (``--engine`` / ``PISCAN_ENGINE`` chooses):

``hyperscan``  Intel Hyperscan via the ``hyperscan`` wheel: all patterns in one DFA/NFA database, about
               100+ MB/s on this workload.
``re2``        google-re2, one union pattern: about 100 MB/s, used where Hyperscan has no wheel.
``re``         the standard library, one union pattern: about 15 MB/s; always available.

Each rule pattern body is wrapped with a left boundary that also accepts JSON ``\\uXXXX`` escapes and URL
``%XX`` escapes before the value. Extra generic patterns flag text that needs the normalised view
(full-width digits, percent-encoded separators and ``%2B86`` prefixes).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from piscan import cache

# Left boundary over bytes: start of line, a non-alphanumeric byte (any UTF-8 byte of a CJK character
# qualifies), or an escape that ends right before the value: JSON ``\uXXXX``, ``\n``…, URL ``%XX``, and
# ``\xXX`` (nginx ``escape=default`` writes every ``"`` of a logged request body as ``\x22``)
_LEFT = rb"(?:^|^\.|[^0-9A-Za-z.]|[^0-9]\.|\\(?:u[0-9A-Fa-f]{2}|x)[0-9A-Fa-f]{2}|\\[nrtbf]|%[0-9A-Fa-f]{2})"

# Generic patterns: the value may be written in a form only the normalised view shows.
GENERIC_PREFILTERS: tuple[bytes, ...] = (
    rb"(?:\xef\xbc[\x90-\x99]){3}",  # three full-width digits in a row (a 3-4-4 group)
    rb"%(?:25)?2[Bb]86",  # percent-encoded +86 (once or twice)
    # 3-4-4 / 4-4-4 with encoded separators (once or twice)
    rb"[0-9](?:%(?:25)?20|%(?:25)?2[Dd]|\+)[0-9*]{4}(?:%(?:25)?20|%(?:25)?2[Dd]|\+)[0-9*]{3}",
    # a value right after a twice-encoded character (a URL in another URL's query string, encoded again:
    # ``%253Fmobile%253D138…``): the escape before it ends in a hex digit, no boundary for the rules
    rb"%25[2-9A-Fa-f][0-9A-Fa-f][0-9]",
    # three escaped full-width digits: percent-encoded, JSON \uFF1x, nginx \xEF\xBC\x9x
    rb"(?:%[Ee][Ff]%[Bb][Cc]%9[0-9]){3}",
    rb"(?:\\u[Ff][Ff]1[0-9]){3}",
    rb"(?:\\x[Ee][Ff]\\x[Bb][Cc]\\x9[0-9]){3}",
    rb"[0-9](?:%2[Aa3]){2}",  # masked value with percent-encoded stars or hashes (138%2A%2A%2A%2A5678)
    # masks other than "*" (138xxxx5678, 6222 #### …, 138••••5678, 138＊＊＊＊5678): the rule bodies keep
    # only "*" in their mask classes for the prefilter (x/X are common letters and made it 40% slower;
    # bullets are multi-byte), so this flags such lines for stage 2
    rb"[0-9][ -]?(?:[xX#]{3}|(?:\xe2\x80\xa2){2}|(?:\xef\xbc\x8a){2})",
)

# A terminal colour code right before a value (``mobile=ESC[1m138…``, ``\\u001b[1m138…`` in JSON), with the
# rule bodies after it: the normalised view reads the code as one ESC, a boundary, so such a line goes to
# stage 2. In the rule patterns' left boundary the code cost ~6 % of the pass (tracking the start of a
# match through it); as a pattern of its own, without start of match, it starts with a rare byte. The
# bodies keep it from flagging every coloured line (a timestamp after a code is no value).
_ANSI = rb"(?:\x1b|\\u001[bB])\[[0-9;?]{0,16}[A-Za-z]"  # raw, or in a JSON string


# Invalid UTF-8, as a pattern over bytes: a byte that never occurs in UTF-8, a continuation byte without
# its lead, a lead byte without its continuations or with too many, overlong forms, surrogates and code
# points past U+10FFFF -- exactly what Python's strict decoder rejects (tests/detection: fuzzed against
# it). Hyperscan checks it in the same pass as the rules, so strict UTF-8 input needs no decode of its
# own; its buffer anchors are block edges, and blocks are cut at line ends, never inside a character.
UTF8_INVALID = (
    rb"[\xc0\xc1\xf5-\xff]|(?:^|[\x00-\x7f])[\x80-\xbf]"
    rb"|[\xc2-\xdf](?:[^\x80-\xbf]|$)|[\xc2-\xdf][\x80-\xbf]{2}"
    rb"|[\xe0-\xef](?:[^\x80-\xbf]|$|[\x80-\xbf][^\x80-\xbf]|[\x80-\xbf]$)|[\xe0-\xef][\x80-\xbf]{3}"
    rb"|[\xf0-\xf4](?:[^\x80-\xbf]|$|[\x80-\xbf][^\x80-\xbf]|[\x80-\xbf]$|[\x80-\xbf]{2}[^\x80-\xbf]|[\x80-\xbf]{2}$)"
    rb"|[\xf0-\xf4][\x80-\xbf]{4}"
    rb"|\xe0[\x80-\x9f]|\xed[\xa0-\xbf]|\xf0[\x80-\x8f]|\xf4[\x90-\xbf]"
)

_MASK_CLASS = re.compile(r"\[[^\]]*\*[^\]]*\]")


def _body_bytes(body: str) -> bytes:
    """Rule bodies are written for normalised text; as bytes for the prefilter, character classes that
    hold the mask character ``*`` keep only ``*`` among the mask characters (``•`` is multi-byte and
    ``x``/``X``/``#`` are frequent): :data:`GENERIC_PREFILTERS` flags lines masked the other ways."""
    # mask sets are spelled "*•xX#" in rule bodies; an ID check character class spells "Xx" and keeps it
    body = _MASK_CLASS.sub(lambda m: m.group().replace("•", "").replace("xX", "").replace("#", ""), body)
    return body.encode("utf-8")


# Right boundary: consumed (Hyperscan and RE2 have no lookahead); without it every 13-digit epoch-ms
# timestamp starting 13-19 would be reported as a phone candidate.
_RIGHT = rb"(?:[^0-9A-Za-z.]|\.[^0-9]|\.$|$)"


def prefilter_patterns(bodies: Sequence[str]) -> list[bytes]:
    pats = [_LEFT + b"(?:" + _body_bytes(b) + b")" + _RIGHT for b in bodies]
    pats.extend(GENERIC_PREFILTERS)
    if bodies:
        pats.append(_ANSI + b"(?:" + b"|".join(b"(?:" + _body_bytes(b) + b")" for b in bodies) + b")" + _RIGHT)
    return pats


class Prefilter:
    """``reports(data)`` -> sorted ``(end, pattern_index, start)``.

    ``pattern_index`` is the index of the rule pattern (in the order given to :func:`build_prefilter`) or
    ``-1`` when any pattern may apply (a generic pattern fired, or the engine cannot tell which alternative
    matched). ``start`` is where the match (boundary included) begins, or ``-1`` if unknown.

    Engines with ``validates_utf8`` also check the bytes are valid UTF-8 in the same pass:
    ``invalid_utf8`` is then ``-1`` when the last ``reports`` call's data was valid, else the end of the
    first invalid stretch found (a few bytes past its start; decode the data to locate it exactly).
    """

    name = "base"
    validates_utf8 = False
    invalid_utf8 = -1

    def reports(self, data: bytes, note_utf8: bool = True) -> list[tuple[int, int, int]]:  # pragma: no cover
        """``(end, pattern index, start)`` of every match, sorted (index and start -1: a generic pattern or
        one compiled loosely, which stands for any pattern). ``note_utf8=False`` leaves
        ``invalid_utf8`` as the last block scan set it (a scan of one line inside a block's scan)."""
        raise NotImplementedError

    def ends(self, data: bytes) -> list[int]:
        """Sorted, de-duplicated end offsets of candidate matches in ``data``."""
        return sorted({r[0] for r in self.reports(data)})


class HyperscanPrefilter(Prefilter):
    name = "hyperscan"
    validates_utf8 = True

    def __init__(self, patterns: list[bytes], n_rule_patterns: int) -> None:
        import hyperscan

        self.n_rule = n_rule_patterns
        self.utf8_id = len(patterns)
        patterns = [*patterns, UTF8_INVALID]  # (it also makes the whole database scan ~25 % faster here)
        # start-of-match for rule patterns lets the detector validate the exact candidate before it
        # decodes a line; generic patterns only flag a line. A pattern Hyperscan cannot compile exactly
        # (look-arounds, back-references in a user's pack) is compiled in prefilter mode instead: it may
        # over-report, has no start offset, and flags its line for the full stage 2.
        som, base = hyperscan.HS_FLAG_SOM_LEFTMOST, hyperscan.HS_FLAG_MULTILINE
        flags = [base | (som if i < n_rule_patterns else 0) for i in range(len(patterns))]
        flags[self.utf8_id] = 0  # ^ and $ at the block's edges
        self.db, self.loose = _database(patterns, flags)
        self.scratch = hyperscan.Scratch(self.db)

    def reports(self, data: bytes, note_utf8: bool = True) -> list[tuple[int, int, int]]:
        out: list[tuple[int, int, int]] = []
        append = out.append
        n_rule = self.n_rule

        loose = self.loose
        utf8_id = self.utf8_id
        invalid: list[int] = []

        def on_match(pid: int, frm: int, to: int, _flags: int, _ctx: object) -> None:
            if pid < n_rule and pid not in loose:
                append((to, pid, frm))
            elif pid == utf8_id:
                invalid.append(to)
            else:
                append((to, -1, -1))

        self.db.scan(data, match_event_handler=on_match, scratch=self.scratch)
        out.sort()
        if note_utf8:
            self.invalid_utf8 = min(invalid) if invalid else -1
        return out


def _database(patterns: list[bytes], flags: list[int]) -> tuple[object, set[int]]:
    """A Hyperscan block-mode database of ``patterns`` and the indexes of those compiled in prefilter mode
    (``loose``), from the on-disk cache (:class:`_DbCache`) or compiled and cached. A pattern Hyperscan
    cannot compile exactly (look-arounds, back-references) is compiled in prefilter mode instead."""
    import hyperscan

    cache = _DbCache(patterns, flags)
    cached = cache.load()
    if cached is not None:
        return cached
    flags = list(flags)
    loose: set[int] = set()
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        db.compile(expressions=patterns, ids=list(range(len(patterns))), elements=len(patterns), flags=flags)
    except hyperscan.error:  # find the patterns that need prefilter mode, one by one
        for i, pat in enumerate(patterns):
            try:
                hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK).compile(
                    expressions=[pat], ids=[0], elements=1, flags=[flags[i]])
            except hyperscan.error:
                flags[i] = hyperscan.HS_FLAG_MULTILINE | hyperscan.HS_FLAG_PREFILTER
                loose.add(i)
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        db.compile(expressions=patterns, ids=list(range(len(patterns))), elements=len(patterns), flags=flags)
    cache.store(db, loose)
    return db, loose


class _DbCache:
    """Compiled Hyperscan databases kept on disk (``$PISCAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/piscan`` or
    ``~/.cache/piscan``), keyed by the patterns, flags and Hyperscan version: compiling the built-in pack
    takes ~0.13 s, loading it ~1 ms. Any problem (no home, read-only disk, a database from another CPU
    or library version, a damaged file) means compiling as usual; ``PISCAN_CACHE_DIR=off`` disables it."""

    MAGIC = b"piscan-hyperscan-db 1\n"

    def __init__(self, patterns: list[bytes], flags: list[int]) -> None:
        import hashlib

        import hyperscan

        self._hs = hyperscan
        h = hashlib.sha256(repr((getattr(hyperscan, "__version__", ""), patterns, flags)).encode())
        self.name = f"hs-{h.hexdigest()[:32]}.db"

    def load(self) -> tuple[object, set[int]] | None:
        blob = cache.read(self.name)
        if blob is None or not blob.startswith(self.MAGIC):
            return None
        try:
            header, _, body = blob[len(self.MAGIC):].partition(b"\n")
            loose = {int(x) for x in header.split(b",") if x}
            return self._hs.loadb(body, mode=self._hs.HS_MODE_BLOCK), loose
        except Exception:  # damaged or incompatible: compile instead
            return None

    def store(self, db: object, loose: set[int]) -> None:
        try:
            blob = self.MAGIC + ",".join(map(str, sorted(loose))).encode() + b"\n" + self._hs.dumpb(db)
        except Exception:
            return
        cache.write(self.name, blob)


class _UnionPrefilter(Prefilter):
    """One alternation of all patterns, scanned left to right (re2 / re)."""

    def __init__(self, patterns: list[bytes], n_rule_patterns: int) -> None:
        self.union = b"|".join(b"(?:" + p + b")" for p in patterns)

    def _finditer(self, data: bytes):  # pragma: no cover - interface
        raise NotImplementedError

    def reports(self, data: bytes, note_utf8: bool = True) -> list[tuple[int, int, int]]:
        return [(m.end(), -1, -1) for m in self._finditer(data)]


class Re2Prefilter(_UnionPrefilter):
    name = "re2"

    def __init__(self, patterns: list[bytes], n_rule_patterns: int) -> None:
        import re2

        super().__init__(patterns, n_rule_patterns)
        opts = re2.Options()
        opts.max_mem = 256 << 20
        opts.log_errors = False
        # byte semantics: the patterns spell UTF-8 sequences byte by byte (full-width digits)
        opts.encoding = re2.Options.Encoding.LATIN1
        self.rx = re2.compile(b"(?m)" + self.union, opts)

    def _finditer(self, data: bytes):
        return self.rx.finditer(data)


class RePrefilter(_UnionPrefilter):
    name = "re"

    def __init__(self, patterns: list[bytes], n_rule_patterns: int) -> None:
        super().__init__(patterns, n_rule_patterns)
        self.rx = re.compile(self.union, re.M)

    def _finditer(self, data: bytes):
        return self.rx.finditer(data)


ENGINES = {"hyperscan": HyperscanPrefilter, "re2": Re2Prefilter, "re": RePrefilter}


class EndScanner:
    """Ends of every match of a few patterns over a block of bytes, in one Hyperscan pass: for searches
    outside the rule prefilter where a literal-led pattern is cheap for Hyperscan and costly otherwise
    (the SQL dump reader's extra candidates: its two-byte ``bytes`` searches read ~1 ms per MiB each, this
    whole pass ~0.3 ms). :func:`end_scanner` returns ``None`` where Hyperscan is not installed."""

    def __init__(self, patterns: Sequence[bytes]) -> None:
        import hyperscan

        self.db, loose = _database(list(patterns), [0] * len(patterns))
        if loose:  # a match's end must be exact here: let the caller search another way
            raise ValueError("a pattern needs Hyperscan's prefilter mode")
        self.scratch = hyperscan.Scratch(self.db)

    def ends(self, data: bytes) -> list[tuple[int, int]]:
        """``(end, pattern index)`` of every match in ``data``, in the order Hyperscan reports them (by end)."""
        out: list[tuple[int, int]] = []
        append = out.append

        def on_match(pid: int, _frm: int, to: int, _flags: int, _ctx: object) -> None:
            append((to, pid))

        self.db.scan(data, match_event_handler=on_match, scratch=self.scratch)
        return out


def end_scanner(patterns: Sequence[bytes]) -> EndScanner | None:
    """An :class:`EndScanner` of ``patterns``, or ``None`` when Hyperscan cannot be loaded or compile them."""
    try:
        return EndScanner(patterns)
    except Exception:  # no wheel, no CPU support: the caller searches another way
        return None


def build_prefilter(bodies: Sequence[str], engine: str | None = None) -> Prefilter:
    """Build the best available prefilter (or the named one; ``auto`` = best available)."""
    engine = engine or os.environ.get("PISCAN_ENGINE") or "auto"
    patterns = prefilter_patterns(bodies)
    if engine != "auto":
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r} (choose from auto, {', '.join(ENGINES)})")
        return ENGINES[engine](patterns, len(bodies))
    errors = []
    for name in ("hyperscan", "re2", "re"):
        try:
            return ENGINES[name](patterns, len(bodies))
        except Exception as exc:  # missing wheel, unsupported pattern construct: try the next engine
            errors.append(f"{name}: {exc}")
    raise RuntimeError("no regex engine could compile the rule patterns: " + "; ".join(errors))
