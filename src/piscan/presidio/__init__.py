"""piscan rules as presidio-analyzer recognizers. Optional: ``pip install 'piscan[presidio]'``.

Importing this package imports ``presidio_analyzer`` (2+ s, spaCy included), so piscan's own scan path
never imports it; import it only when you want Presidio. Importing it also makes the recognizer classes
visible to Presidio's YAML loader (``type: predefined``, ``name: CnResidentIdRecognizer``).

>>> from piscan.presidio import build_analyzer                      # doctest: +SKIP
>>> build_analyzer().analyze("联系电话13812345678", language="zh")    # doctest: +SKIP
[type: CN_MOBILE_PHONE, start: 4, end: 15, score: 0.9]
"""

from __future__ import annotations

from piscan.presidio.engine import analyzer_from_config, build_analyzer
from piscan.presidio.enhancer import CharWindowContextEnhancer
from piscan.presidio.recognizers import (
    PISCAN_KEY,
    CnBankCardMaskedRecognizer,
    CnBankCardRecognizer,
    CnMobileMaskedRecognizer,
    CnMobileRecognizer,
    CnResidentIdMaskedRecognizer,
    CnResidentIdRecognizer,
    PiscanPatternRecognizer,
    recognizers_from_packs,
)

__all__ = [
    "PISCAN_KEY",
    "CharWindowContextEnhancer",
    "CnBankCardMaskedRecognizer",
    "CnBankCardRecognizer",
    "CnMobileMaskedRecognizer",
    "CnMobileRecognizer",
    "CnResidentIdMaskedRecognizer",
    "CnResidentIdRecognizer",
    "PiscanPatternRecognizer",
    "analyzer_from_config",
    "build_analyzer",
    "recognizers_from_packs",
]
