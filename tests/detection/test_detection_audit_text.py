"""Hard negatives from a real-world audit of logs: identifiers under keys written as one lowercase word
(``traceid=``, ``{"skuid": …}``), which the camelCase-aware word match of ``trace``/``sku``/``id`` does not
see. Written as line text, as JSON, and as a column (key path) context."""

from __future__ import annotations

import pytest

from piscan.detection.detector import Detector
from piscan.detection.rules import load_packs

DET = Detector(load_packs())
PHONE, ID, CARD = "13812345678", "11010519491231002X", "6222020200112233446"
KEYS = ["traceid", "logid", "bizid", "txnid", "transid", "tradeid", "payid", "refundid", "skuid", "spuid",
        "itemid", "goodsid", "shopid", "productid", "mchid", "taskid", "serialno", "batchno", "seqno", "billno"]


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("value", [PHONE, ID, CARD])
def test_glued_lowercase_id_keys_are_negative(key, value):
    for text in (f"{key}={value}", f'{{"{key}":"{value}","ts":1701136800123}}', f"{key.upper()}: {value}"):
        assert DET.scan_chunk(text.encode() + b"\n") == [], text
    assert DET.scan_text(value, context=(key,)) == []


@pytest.mark.parametrize("text,value", [
    (f"traceid=abc123 mobile={PHONE}", PHONE),
    (f"skuid=100012345678&idcard={ID}", ID),
    (f'{{"payid":"4200001234","cardNo":"{CARD}"}}', CARD),
    (f"deviceid=866123456789012 手机:{PHONE}", PHONE),
])
def test_glued_keys_do_not_hide_labelled_values(text, value):
    assert [h.value for h in DET.scan_chunk(text.encode() + b"\n")] == [value]
