"""A tokenizer-free context enhancer for Presidio: context words in a character window.

Presidio's ``LemmaContextAwareEnhancer`` needs lemmas from a spaCy model; with ``NoOpNlpEngine`` (or a
blank ``zh`` pipeline) it never sees the words around a match, so Chinese context (``身份证``,
``手机号``) is ignored. :class:`CharWindowContextEnhancer` looks at characters instead.

* Results of piscan recognizers (:class:`~piscan.presidio.recognizers.PiscanPatternRecognizer`) get
  piscan's exact stage-2 semantics (:meth:`piscan.detection.detector.Detector.detect`): the rule's
  :class:`~piscan.detection.context.ContextMatcher` on the normalised view (nearest positive vs negative
  word, camelCase-aware ASCII words, ``analyze(context=[...])`` treated as column/key context), the
  ``needs_context`` gate, the rule's ``min_confidence`` and the overlap resolution between rules
  (:func:`piscan.detection.detector.priority`: nearest own context word, then best score, then
  longest). The recognizers never apply context themselves, so nothing is applied twice.
* Results of any other recognizer that declares ``context`` words (stock or ``type: custom`` YAML
  recognizers) are boosted Presidio-style: ``+context_similarity_factor`` (at least
  ``min_score_with_context_similarity``) when a word occurs within ``window_before`` characters
  before or ``window_after`` after the match, or in ``analyze(context=[...])``.

Results already marked ``is_score_enhanced_by_context`` are left alone.
"""

from __future__ import annotations

from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer

from piscan.detection.detector import non_overlapping, priority
from piscan.detection.normalise import normalise
from piscan.presidio.recognizers import PISCAN_KEY, PiscanPatternRecognizer

_ID = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
_ENHANCED = RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY


class CharWindowContextEnhancer(ContextAwareEnhancer):
    """Character-window context for Chinese (and any) text, no NLP artifacts needed.

    ``min_confidence``: when set, overrides every piscan rule's threshold (``0`` keeps low-confidence
    results). ``resolve_overlaps=False`` keeps overlapping results of different piscan rules (Presidio's
    own ``remove_duplicates`` still removes contained results of the same entity).
    """

    def __init__(self, window_before: int = 24, window_after: int = 10,
                 context_similarity_factor: float = 0.35, min_score_with_context_similarity: float = 0.4,
                 min_confidence: float | None = None, resolve_overlaps: bool = True) -> None:
        super().__init__(context_similarity_factor, min_score_with_context_similarity, 0, 0)
        self.window_before = window_before
        self.window_after = window_after
        self.min_confidence = min_confidence
        self.resolve_overlaps = resolve_overlaps

    def enhance_using_context(self, text: str, raw_results: list[RecognizerResult], nlp_artifacts: Any,
                              recognizers: list[EntityRecognizer],
                              context: list[str] | None = None) -> list[RecognizerResult]:
        by_id = {r.id: r for r in recognizers}
        structured = tuple(context or ())
        view: str | None = None
        others: list[RecognizerResult] = []
        ours: list[RecognizerResult] = []
        for res in raw_results:
            meta = res.recognition_metadata or {}
            rec = by_id.get(meta.get(_ID))
            info = meta.get(PISCAN_KEY)
            if info is None or not isinstance(rec, PiscanPatternRecognizer):
                if rec is not None and not meta.get(_ENHANCED):
                    self._generic(text, res, rec, structured)
                others.append(res)
                continue
            if meta.get(_ENHANCED):
                ours.append(res)
                continue
            if view is None:
                view = normalise(text)[0]
            delta, why, dist = rec.context_matcher.adjust(view, info["view_start"], info["view_end"], structured)
            info["context_distance"] = dist
            if info["needs_context"] and delta <= 0:
                continue
            score = round(min(1.0, max(0.0, info["base_score"] + delta)), 3)
            threshold = self.min_confidence if self.min_confidence is not None else rec.min_confidence
            if score < threshold:
                continue
            res.score = score
            if why:
                meta[_ENHANCED] = True
                info["context"] = why
                if res.analysis_explanation is not None:
                    res.analysis_explanation.set_improved_score(score)
            ours.append(res)
        if self.resolve_overlaps:
            ours = _resolve_overlaps(ours)
        return others + ours

    def _generic(self, text: str, res: RecognizerResult, rec: EntityRecognizer,
                 structured: tuple[str, ...]) -> None:
        words = [w.lower() for w in (getattr(rec, "context", None) or [])]
        if not words:
            return
        around = (text[max(0, res.start - self.window_before):res.start] + "\n"
                  + text[res.end:res.end + self.window_after]).lower()
        extra = " ".join(structured).lower()
        word = next((w for w in words if w in around or (extra and w in extra)), None)
        if word is None:
            return
        res.score = min(self.MAX_SCORE, max(res.score + self.context_similarity_factor,
                                            self.min_score_with_context_similarity))
        res.recognition_metadata[_ENHANCED] = True
        if res.analysis_explanation is not None:
            res.analysis_explanation.set_improved_score(res.score)
            res.analysis_explanation.set_supportive_context_word(word)


def _resolve_overlaps(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """piscan's rule for overlapping readings (:func:`piscan.detection.detector.priority`), with the same
    greedy O(n log n) pass as the detector."""

    def info(r: RecognizerResult) -> dict:
        return r.recognition_metadata[PISCAN_KEY]

    ordered = sorted(results, key=lambda r: priority(info(r).get("context_distance"), r.score,
                                                     info(r)["view_start"], info(r)["view_end"], info(r)["rule_id"]))
    return non_overlapping(ordered, lambda r: (info(r)["view_start"], info(r)["view_end"]))
