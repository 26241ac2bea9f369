"""The whole-cell fast path for dump cells gives exactly what stage 2 gives."""

from __future__ import annotations

import random

from piscan.detection.detector import Detector
from piscan.detection.rules import load_packs
from piscan.testing.generate import NegativeGen, ValueGen


def test_whole_cell_fast_path_equals_detect():
    d = Detector(load_packs())
    rng = random.Random(3)
    v, n = ValueGen(rng), NegativeGen(rng)
    values = []
    for _ in range(400):
        values += [v.resident_id(), v.mobile(), v.card(), v.masked_phone()[0], v.masked_id()[0],
                   v.masked_card()[0], n.any()[1], v.card(luhn_ok=False)]
    contexts = [(), ("id_card",), ("mobile",), ("card_no",), ("order_no",), ("remark",)]
    compared = 0
    for value in values:
        for ctx in contexts:
            for pid in range(len(d._patterns)):
                fast = d._whole_cell(pid, value, ctx)
                if fast is None:
                    continue
                compared += 1
                ref = d.detect(value, ctx, (pid,))

                def key(hits):
                    return [(h.rule_id, h.start, h.end, h.confidence, h.evidence, h.attributes, h.masked,
                             h.normalised) for h in hits]

                assert key(fast) == key(ref), (value, ctx, pid)
    assert compared > 10_000
