"""piscan rules as presidio-analyzer ``PatternRecognizer`` subclasses.

One recognizer per piscan :class:`~piscan.detection.rules.Rule`. It runs Presidio's own pattern loop
(``PatternRecognizer.analyze`` with the ``regex`` package) over piscan's *normalised view* of the text
(full-width digits, ``\\uXXXX`` escapes and percent-encoding decoded, :mod:`piscan.detection.normalise`)
with the rule's boundary-wrapped patterns, so spans match piscan's exactly, then maps offsets back to
the original text.

Validation is in "gate" mode: :meth:`invalidate_result` is ``True`` when the piscan validator rejects
the candidate, :meth:`validate_result` returns ``None`` (a ``True`` would pin the score to 1.0 and switch
context off). The result score is the pattern score plus the validator's ``score_delta``, *before*
context. Context (positive and negative words, ``needs_context``), the rule's ``min_confidence`` and
the overlap resolution between rules are applied by
:class:`piscan.presidio.enhancer.CharWindowContextEnhancer`, Presidio's context hook — never by the
recognizer, so nothing is applied twice. What the enhancer needs travels in
``recognition_metadata["piscan"]`` (rule id, unclamped base score, view offsets, ``needs_context``,
``masked``, validator attributes — never the raw value).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, ClassVar

import regex
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

from piscan.detection.context import ContextMatcher
from piscan.detection.normalise import normalise
from piscan.detection.rules import Rule, RulePack, load_packs

PISCAN_KEY = "piscan"
# piscan patterns are exact and case-sensitive. Presidio's registry-wide default flags
# (DOTALL|MULTILINE|IGNORECASE) would widen the ``[A-Za-z]`` boundary classes under Unicode case
# folding (e.g. KELVIN SIGN), so these recognizers always match with plain VERSION0 semantics
# (== ``re``). VERSION0 is non-zero, so Presidio's ``flags or global_regex_flags`` keeps it.
REGEX_FLAGS = regex.VERSION0


@lru_cache(maxsize=1)
def _builtin_rules() -> dict[str, Rule]:
    return {r.id: r for p in load_packs() for r in p.rules}


def builtin_rule(rule_id: str) -> Rule:
    try:
        return _builtin_rules()[rule_id]
    except KeyError:
        raise KeyError(f"no built-in piscan rule {rule_id!r}") from None


class PiscanPatternRecognizer(PatternRecognizer):
    """A Presidio recognizer for one piscan rule (see the module docstring for the semantics).

    ``context``: when given (e.g. from a Presidio YAML config), *replaces* the rule's positive context
    words; the rule's negative context words always stay. ``min_confidence``: overrides the rule's
    threshold (applied by :class:`CharWindowContextEnhancer` and exposed as ``score_thresholds``).
    """

    RULE_ID: ClassVar[str | None] = None

    def __init__(self, rule: Rule | None = None, supported_language: str = "zh",
                 context: Sequence[str] | None = None, name: str | None = None,
                 supported_entity: str | None = None, min_confidence: float | None = None,
                 version: str | None = None) -> None:
        if rule is None:
            if self.RULE_ID is None:
                raise TypeError(f"{type(self).__name__} needs a piscan Rule")
            rule = builtin_rule(self.RULE_ID)
        if supported_entity is not None and supported_entity != rule.entity:
            raise ValueError(f"rule {rule.id} detects {rule.entity}, not {supported_entity}")
        self.rule = rule
        self._verdicts: dict[str, Any] = {}  # per analyze() call: candidate -> validator verdict
        self.positive_context = tuple(w.lower() for w in context) if context is not None else rule.context
        self.min_confidence = rule.min_confidence if min_confidence is None else float(min_confidence)
        self.context_matcher = ContextMatcher.build(
            self.positive_context, rule.negative_context, rule.context_before, rule.context_after,
            rule.context_boost, rule.negative_penalty)
        patterns = [Pattern(p.name, p.compiled.pattern, p.score) for p in rule.patterns]
        super().__init__(
            supported_entity=rule.entity,
            name=name or f"piscan:{rule.id}",
            supported_language=supported_language,
            patterns=patterns,
            context=list(self.positive_context),
            global_regex_flags=REGEX_FLAGS,
            version=version or rule.pack_id,
        )
        self.score_thresholds = {"default": self.min_confidence}

    @classmethod
    def from_rule(cls, rule: Rule, **kwargs: Any) -> PiscanPatternRecognizer:
        """The named subclass for a built-in rule id when there is one, else the generic class."""
        for sub in _named_classes():
            if rule.id == sub.RULE_ID:
                return sub(rule=rule, **kwargs)
        return cls(rule=rule, **kwargs)

    # ------------------------------------------------------------------ Presidio hooks
    def validate_result(self, pattern_text: str) -> bool | None:
        return None  # gate mode: keep the pattern score so context can still move it

    def invalidate_result(self, pattern_text: str) -> bool | None:
        verdict = self.rule.validator(pattern_text, self.rule.params)
        if verdict is not None:
            self._verdicts[pattern_text] = verdict  # analyze() reuses it instead of validating again
        return verdict is None

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        view, offsets = normalise(text)
        self._verdicts = {}
        raw = super().analyze(view, entities, nlp_artifacts, regex_flags=regex_flags or REGEX_FLAGS)
        out: list[RecognizerResult] = []
        rule = self.rule
        for r in raw:
            vs, ve = r.start, r.end
            verdict = self._verdicts.get(view[vs:ve]) or rule.validator(view[vs:ve], rule.params)
            if verdict is None:  # cannot happen (invalidate_result dropped it); be safe
                continue
            base = r.score + verdict.score_delta  # r.score is the pattern score (gate mode)
            pattern = r.analysis_explanation.pattern_name if r.analysis_explanation else ""
            if offsets is not None:
                r.start, r.end = offsets[vs], offsets[ve]
            r.score = round(min(1.0, max(0.0, base)), 3)
            if r.analysis_explanation is not None:
                r.analysis_explanation.set_improved_score(r.score)
            r.recognition_metadata[PISCAN_KEY] = {
                "rule_id": rule.id, "pattern": pattern, "base_score": base, "view_start": vs, "view_end": ve,
                "needs_context": verdict.needs_context, "masked": rule.masked or verdict.masked,
                "attributes": dict(verdict.attributes),
            }
            out.append(r)
        return out


class CnResidentIdRecognizer(PiscanPatternRecognizer):
    """``CN_RESIDENT_ID``: piscan rule CNPI001 (18-digit and legacy 15-digit resident ID numbers)."""

    RULE_ID = "CNPI001"


class CnMobileRecognizer(PiscanPatternRecognizer):
    """``CN_MOBILE_PHONE``: piscan rule CNPI002 (mainland mobile numbers, allocated segments)."""

    RULE_ID = "CNPI002"


class CnBankCardRecognizer(PiscanPatternRecognizer):
    """``CN_BANK_CARD``: piscan rule CNPI003 (bank card numbers, Luhn/BIN validated)."""

    RULE_ID = "CNPI003"


class CnResidentIdMaskedRecognizer(PiscanPatternRecognizer):
    """``CN_RESIDENT_ID`` masked forms (``110101********1234``): piscan rule CNPI101."""

    RULE_ID = "CNPI101"


class CnMobileMaskedRecognizer(PiscanPatternRecognizer):
    """``CN_MOBILE_PHONE`` masked forms (``138****5678``): piscan rule CNPI102."""

    RULE_ID = "CNPI102"


class CnBankCardMaskedRecognizer(PiscanPatternRecognizer):
    """``CN_BANK_CARD`` masked forms (``6222 **** **** 1234``): piscan rule CNPI103."""

    RULE_ID = "CNPI103"


def _named_classes() -> tuple[type[PiscanPatternRecognizer], ...]:
    return (CnResidentIdRecognizer, CnMobileRecognizer, CnBankCardRecognizer, CnResidentIdMaskedRecognizer,
            CnMobileMaskedRecognizer, CnBankCardMaskedRecognizer)


def recognizers_from_packs(packs: Sequence[RulePack], *, language: str = "zh",
                           min_confidence: float | None = None) -> list[PiscanPatternRecognizer]:
    """One recognizer per enabled rule of the packs, in pack order."""
    return [PiscanPatternRecognizer.from_rule(r, supported_language=language, min_confidence=min_confidence)
            for p in packs for r in p.rules]
