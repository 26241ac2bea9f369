"""Loading piscan recognizers through a Presidio YAML config (``type: predefined``), offline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "docs" / "presidio" / "analyzer-config.yaml"

_OFFLINE_SCRIPT = r"""
import json, socket, sys
def _no_network(*a, **k):
    raise OSError("network disabled in this test")
socket.socket.connect = _no_network
socket.create_connection = _no_network
import piscan.presidio
from piscan.presidio import analyzer_from_config, build_analyzer
yaml_engine = analyzer_from_config(sys.argv[1])
ref = build_analyzer()
lines = [l for l in sys.stdin.read().splitlines()]
out = {"yaml": [], "ref": [], "names": sorted(r.name for r in yaml_engine.registry.recognizers)}
for i, line in enumerate(lines):
    for key, eng in (("yaml", yaml_engine), ("ref", ref)):
        for r in eng.analyze(line, language="zh"):
            out[key].append([i, r.start, r.end, r.entity_type, r.score])
print(json.dumps(out))
"""


def test_yaml_config_loads_offline_and_matches_build_analyzer(corpus) -> None:
    sample = "\n".join([*corpus.lines[:600], "邮编100020 联系电话13812345678"])
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run([sys.executable, "-c", _OFFLINE_SCRIPT, str(CONFIG)], input=sample, text=True,
                          capture_output=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "CnResidentIdRecognizer" in out["names"] and "cn_postcode" in out["names"]
    ours = [r for r in out["yaml"] if r[3] != "CN_POSTCODE"]
    # the config only narrows the card's context words; every other result is the same as build_analyzer
    same = [r for r in ours if r[3] != "CN_BANK_CARD"]
    assert same == [r for r in out["ref"] if r[3] != "CN_BANK_CARD"]
    assert len(same) > 300
    assert {tuple(r[:4]) for r in ours if r[3] == "CN_BANK_CARD"} <= {
        tuple(r[:4]) for r in out["ref"] if r[3] == "CN_BANK_CARD"}
    # a plain `type: custom` YAML recognizer gets Chinese context from the char-window enhancer
    postcode = [r for r in out["yaml"] if r[3] == "CN_POSTCODE"]
    assert postcode and postcode[-1][4] == 0.4


def test_yaml_context_replaces_positive_words(tmp_path: Path) -> None:
    from piscan.presidio import analyzer_from_config

    conf = tmp_path / "conf.yaml"
    conf.write_text(
        "supported_languages: [zh]\n"
        "nlp_configuration: {nlp_engine_name: no_op, models: [{lang_code: zh, model_name: no_op}]}\n"
        "recognizer_registry:\n"
        "  supported_languages: [zh]\n"
        "  recognizers:\n"
        "    - name: CnMobileRecognizer\n"
        "      type: predefined\n"
        "      supported_languages: [{language: zh, context: [客户热线]}]\n", encoding="utf-8")
    eng = analyzer_from_config(conf)
    assert eng.analyze("客户热线13812345678", language="zh")[0].score == 0.9
    assert eng.analyze("手机13812345678", language="zh")[0].score == 0.6  # 手机 is no longer a context word
    assert eng.analyze("订单号13812345678", language="zh") == []  # negative words stay
