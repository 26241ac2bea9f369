"""Rule packs: YAML files in ``rules/`` (and user packs via ``--rules``) loaded into :class:`Rule` objects.

The format is documented in ``rules/README.md``. Loading is strict: an unknown key, a missing key, a
validator name that does not exist or a regex that does not compile is an error naming the file and
the rule id, so a typo in a pack never silently disables a rule.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from piscan import yamlio
from piscan.detection.validators import get_validator
from piscan.detection.validators.registry import Validator
from piscan.resources import rules_dir


class RulePackError(ValueError):
    """A rule pack could not be loaded; the message names the file and what is wrong."""


_PACK_KEYS = {"pack", "defaults", "rules"}
_PACK_META = {"id", "version", "title", "description"}
_DEFAULT_KEYS = {"context_before", "context_after", "context_boost", "negative_penalty", "min_confidence"}
_RULE_REQUIRED = {"id", "entity", "patterns", "validator", "pi_category", "sensitive", "legal_basis"}
_RULE_OPTIONAL = {"name", "title", "masked", "params", "context", "negative_context", "pi_category_en",
                  "gbt35273_annex", "doc", "description", "enabled"}
_PATTERN_KEYS = {"name", "regex", "score"}

# Standalone-token boundaries, shared by every engine (see docs/detection.md):
# a value never continues a run of ASCII letters/digits and is never part of a decimal number.
LEFT_BOUNDARY = r"(?<![0-9A-Za-z])(?<![0-9]\.)"
RIGHT_BOUNDARY = r"(?![0-9A-Za-z])(?!\.[0-9])"


@dataclass(slots=True)
class Pattern:
    name: str
    regex: str  # body, without boundaries, written for normalised text (macros expanded for stage 2)
    score: float
    compiled: re.Pattern[str] = field(repr=False, default=None)  # type: ignore[assignment]
    prefilter_regex: str = ""  # body with macros expanded for the byte prefilter


@dataclass(slots=True)
class Rule:
    id: str
    entity: str
    patterns: list[Pattern]
    validator_name: str
    validator: Validator = field(repr=False)
    pi_category: str
    sensitive: bool
    legal_basis: list[str]
    pack_id: str
    name: str = ""
    title: str = ""
    masked: bool = False
    params: dict[str, Any] = field(default_factory=dict)
    context: tuple[str, ...] = ()
    negative_context: tuple[str, ...] = ()
    pi_category_en: str = ""
    gbt35273_annex: str = ""
    doc: str = ""
    description: str = ""
    context_before: int = 24
    context_after: int = 10
    context_boost: float = 0.3
    negative_penalty: float = 0.45
    min_confidence: float = 0.5

    def meta(self) -> dict[str, Any]:
        """What reports need to know about the rule (no compiled objects)."""
        return {
            "id": self.id, "name": self.name, "title": self.title, "entity": self.entity, "masked": self.masked,
            "pi_category": self.pi_category, "pi_category_en": self.pi_category_en,
            "gbt35273_annex": self.gbt35273_annex, "sensitive": self.sensitive,
            "legal_basis": list(self.legal_basis), "doc": self.doc, "pack": self.pack_id,
        }


@dataclass(slots=True)
class RulePack:
    id: str
    version: str
    title: str
    path: str
    sha256: str
    rules: list[Rule]

    def meta(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "title": self.title, "path": self.path,
                "sha256": self.sha256, "rules": [r.id for r in self.rules]}


def _macro_bin4(target: str) -> str:
    if target == "python":
        # stage 2 takes any four digits; the card validators enforce the same IIN set
        # (cn_bank_card.iin_known), which keeps Python's regex free of a 190-way alternation
        return "[0-9]{4}"
    from piscan.detection.validators import cn_bank_card

    return "(?:" + "|".join(cn_bank_card.iin4_alternatives()) + ")"


def _alternation(codes: frozenset[str]) -> str:
    return "(?:" + "|".join(sorted(codes)) + ")"


def _macro_id_province(target: str) -> str:
    from piscan.detection.validators import cn_resident_id

    return _alternation(cn_resident_id.provinces())


def _macro_id_province_foreigner(target: str) -> str:
    from piscan.detection.validators import cn_resident_id

    return _alternation(cn_resident_id.foreigner_provinces())


#: ``<<name>>`` placeholders usable in rule regexes; each expands to a data-derived expression. A macro
#: may expand differently for the byte prefilter (``target="prefilter"``) and for stage 2
#: (``target="python"``), as long as validators make both accept the same values.
MACROS = {"bin4": _macro_bin4, "id_province": _macro_id_province,
          "id_province_foreigner": _macro_id_province_foreigner}


# A look-ahead without nested groups, ``(?!-[0-9])`` or ``(?= [0-9]{1,3}\b)``: the one look-around a body
# may hold (see rules/README.md); the prefilter's engines have none, so its body drops them and may
# over-report.
_LOOKAHEAD = re.compile(r"\(\?[!=](?:[^()\\]|\\.)*\)")


def prefilter_body(body: str) -> str:
    """``body`` for the byte prefilter: macros expanded for it, look-aheads removed (stage 2,
    which runs the full body, is authoritative; the prefilter only has to report a superset).

    >>> prefilter_body("1[3-9][0-9]-[0-9]{4}-[0-9]{4}(?!-[0-9])")
    '1[3-9][0-9]-[0-9]{4}-[0-9]{4}'
    """
    return _LOOKAHEAD.sub("", expand_macros(body, "prefilter"))


def expand_macros(body: str, target: str = "python") -> str:
    def repl(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in MACROS:
            raise KeyError(f"unknown regex macro <<{name}>> (known: {', '.join(sorted(MACROS))})")
        return MACROS[name](target)

    return re.sub(r"<<([a-z0-9_]+)>>", repl, body)


def _err(path: Path, msg: str) -> RulePackError:
    return RulePackError(f"{path}: {msg}")


def _check_keys(path: Path, where: str, d: dict, allowed: set[str], required: set[str] = frozenset()) -> None:
    if not isinstance(d, dict):
        raise _err(path, f"{where}: expected a mapping")
    unknown = set(d) - allowed - required
    if unknown:
        raise _err(path, f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    missing = set(required) - set(d)
    if missing:
        raise _err(path, f"{where}: missing key(s) {', '.join(sorted(missing))}")


def load_pack(path: str | Path) -> RulePack:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RulePackError(f"{path}: cannot read rule pack ({exc.strerror or exc})") from None
    try:
        doc = yamlio.load(raw, cached=True)
    except yamlio.YAMLError as exc:
        raise _err(path, f"invalid YAML ({exc.__class__.__name__}: {getattr(exc, 'problem', '') or exc})") from None
    _check_keys(path, "top level", doc, _PACK_KEYS, {"pack", "rules"})
    meta = doc["pack"]
    _check_keys(path, "pack", meta, _PACK_META, {"id", "version"})
    defaults = doc.get("defaults") or {}
    _check_keys(path, "defaults", defaults, _DEFAULT_KEYS)
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, rd in enumerate(doc["rules"] or []):
        where = f"rule #{i + 1} ({rd.get('id', '?') if isinstance(rd, dict) else '?'})"
        _check_keys(path, where, rd, _RULE_OPTIONAL, _RULE_REQUIRED)
        if rd["id"] in seen:
            raise _err(path, f"{where}: duplicate rule id")
        seen.add(rd["id"])
        if rd.get("enabled", True) is False:
            continue
        try:
            validator = get_validator(rd["validator"])
        except KeyError as exc:
            raise _err(path, f"{where}: {exc.args[0]}") from None
        patterns = []
        for pd in rd["patterns"]:
            _check_keys(path, f"{where} pattern", pd, _PATTERN_KEYS, {"regex", "score"})
            try:
                body = expand_macros(pd["regex"], "python")
                hs_body = prefilter_body(pd["regex"])
            except KeyError as exc:
                raise _err(path, f"{where}: {exc.args[0]}") from None
            try:
                compiled = re.compile(LEFT_BOUNDARY + "(?:" + body + ")" + RIGHT_BOUNDARY)
            except re.error as exc:
                raise _err(path, f"{where}: pattern {pd.get('name', '?')!r} does not compile: {exc}") from None
            patterns.append(Pattern(pd.get("name", f"p{len(patterns)}"), body, float(pd["score"]), compiled,
                                    hs_body))
        rules.append(Rule(
            id=str(rd["id"]), entity=rd["entity"], patterns=patterns, validator_name=rd["validator"],
            validator=validator, pi_category=rd["pi_category"], sensitive=bool(rd["sensitive"]),
            legal_basis=list(rd["legal_basis"]), pack_id=str(meta["id"]), name=rd.get("name", ""),
            title=rd.get("title", ""), masked=bool(rd.get("masked", False)), params=dict(rd.get("params") or {}),
            context=tuple(w.lower() for w in rd.get("context") or ()),
            negative_context=tuple(w.lower() for w in rd.get("negative_context") or ()),
            pi_category_en=rd.get("pi_category_en", ""), gbt35273_annex=rd.get("gbt35273_annex", ""),
            doc=rd.get("doc", ""), description=rd.get("description", ""),
            **{k: defaults[k] for k in _DEFAULT_KEYS if k in defaults},
        ))
    try:
        shown = "builtin:" + path.resolve().relative_to(rules_dir().resolve()).as_posix()
    except ValueError:
        shown = str(path)
    return RulePack(id=str(meta["id"]), version=str(meta["version"]), title=meta.get("title", ""),
                    path=shown, sha256=hashlib.sha256(raw).hexdigest(), rules=rules)


_PACK_SHAPE = re.compile(r"^pack:.*^rules:.*^\s+patterns:.*^\s+validator:", re.M | re.S)


def is_detection_pack(path: Path) -> bool:
    """A detection pack has top-level ``pack`` and ``rules`` and its rules carry ``patterns`` and a
    ``validator``; other YAML data in ``rules/`` (citations, risk rules, permission maps) does not.

    Judged from the text, so a pack is parsed once (by :func:`load_pack`, which validates it strictly).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return False
    return _PACK_SHAPE.search(text) is not None


def builtin_pack_paths() -> list[Path]:
    """Built-in detection packs in ``rules/``."""
    return [p for p in sorted(rules_dir().glob("*.yaml")) if is_detection_pack(p)]


def load_packs(extra: list[str | Path] | tuple = (), *, builtin: bool = True) -> list[RulePack]:
    """Load the built-in packs plus user packs (files or directories of ``*.yaml``)."""
    paths: list[Path] = builtin_pack_paths() if builtin else []
    for e in extra:
        p = Path(e)
        if p.is_dir():
            paths.extend(sorted(p.glob("*.yaml")) + sorted(p.glob("*.yml")))
        else:
            paths.append(p)
    packs = [load_pack(p) for p in paths]
    ids: dict[str, str] = {}
    for pack in packs:
        for r in pack.rules:
            if r.id in ids:
                raise RulePackError(f"{pack.path}: rule id {r.id} already defined in {ids[r.id]}")
            ids[r.id] = pack.path
    return packs
