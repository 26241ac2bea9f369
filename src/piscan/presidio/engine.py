"""Ready-made offline Presidio engines with piscan recognizers (no spaCy model, no download)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from presidio_analyzer import AnalyzerEngine, AnalyzerEngineProvider, RecognizerRegistry
from presidio_analyzer.nlp_engine import NoOpNlpEngine

from piscan.detection.rules import load_packs
from piscan.presidio.enhancer import CharWindowContextEnhancer
from piscan.presidio.recognizers import recognizers_from_packs


def build_analyzer(rule_paths: Sequence[str | Path] = (), language: str = "zh", *, builtin: bool = True,
                   min_confidence: float | None = None,
                   enhancer: CharWindowContextEnhancer | None = None) -> AnalyzerEngine:
    """An ``AnalyzerEngine`` holding one recognizer per piscan rule (built-in packs + ``rule_paths``).

    Uses ``NoOpNlpEngine`` (no tokenisation, nothing to download) and :class:`CharWindowContextEnhancer`.
    ``min_confidence`` overrides every rule's threshold, like ``piscan scan --min-confidence``.
    """
    packs = load_packs(list(rule_paths), builtin=builtin)
    registry = RecognizerRegistry(supported_languages=[language])
    for rec in recognizers_from_packs(packs, language=language, min_confidence=min_confidence):
        registry.add_recognizer(rec)
    nlp = NoOpNlpEngine(models=[{"lang_code": language, "model_name": "no_op"}])
    enhancer = enhancer or CharWindowContextEnhancer(min_confidence=min_confidence)
    return AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=[language],
                          context_aware_enhancer=enhancer)


def analyzer_from_config(conf_file: str | Path,
                         enhancer: CharWindowContextEnhancer | None = None) -> AnalyzerEngine:
    """Build an engine from a Presidio analyzer YAML config and install :class:`CharWindowContextEnhancer`.

    The config names piscan recognizers with ``type: predefined`` (importing this package registers the
    classes). Presidio's config can only build ``LemmaContextAwareEnhancer``, which needs tokens, so the
    enhancer is replaced here. Use ``nlp_engine_name: no_op`` in the config to stay offline.
    """
    engine = AnalyzerEngineProvider(analyzer_engine_conf_file=str(conf_file)).create_engine()
    engine.context_aware_enhancer = enhancer or CharWindowContextEnhancer()
    return engine
