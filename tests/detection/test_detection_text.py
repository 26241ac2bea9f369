"""Stage-2 semantics on text: standalone tokens, encodings real systems use, context, hard negatives."""

from __future__ import annotations

import doctest
import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piscan.detection import normalise
from piscan.detection.detector import Detector
from piscan.detection.rules import load_packs
from piscan.detection.validators import cn_bank_card, cn_mobile, cn_resident_id, luhn
from piscan.testing.generate import LineGen, NegativeGen, ValueGen

DET = Detector(load_packs())
PHONE, ID, CARD = "13812345678", "11010519491231002X", "6222020200112233446"


def found(text: str, engine_path: bool = True) -> list[tuple[str, str, bool]]:
    """(entity, matched text, masked) through the real chunk path (prefilter + gate + stage 2)."""
    hits = DET.scan_chunk(text.encode("utf-8") + b"\n") if engine_path else DET.detect(text)
    return [(h.entity, h.value, h.masked) for h in hits]


def test_validator_doctests():
    from piscan.detection.validators import base, cn_bank_card, cn_mobile, cn_resident_id, luhn

    for mod in (base, cn_bank_card, cn_mobile, cn_resident_id, luhn, normalise):
        res = doctest.testmod(mod)
        assert res.failed == 0, mod.__name__


@pytest.mark.parametrize("text,value", [
    (f"手机号{PHONE}请核实", PHONE),
    (f"{PHONE}@163.com", PHONE),
    (f"user/{PHONE}/profile", PHONE),
    (f"tel={PHONE}", PHONE),
    (f'"{PHONE}"', PHONE),
    (f"a_{PHONE}_b", PHONE),
    ("+86 138 1234 5678", "+86 138 1234 5678"),
    ("+86-13812345678", "+86-13812345678"),
    ("0086 13812345678", "0086 13812345678"),
    ("138-1234-5678", "138-1234-5678"),
    ('{"msg":"\\u624b\\u673a13812345678"}', PHONE),
    ('{"phone":13812345678,"x":1}', PHONE),
    ("GET /a?mobile=%2B8613812345678&t=1", "%2B8613812345678"),
    ("GET /a?mobile=138%201234%205678 HTTP/1.1", "138%201234%205678"),
    ("用户手机１３８１２３４５６７８", "１３８１２３４５６７８"),
])
def test_phone_written_as_real_systems_write_it(text, value):
    assert ("CN_MOBILE_PHONE", value, False) in found(text)


@pytest.mark.parametrize("text,entity,value", [
    # a URL in another URL's query string, encoded again (SSO / payment redirects in gateway logs)
    ("GET /sso?service=https%3A%2F%2Fm.shop.cn%2Fcb%3Fnext%3Dhttps%253A%252F%252Fpay.cn%252Fo%253Fmobile%253D"
     f"{PHONE}%2526x%253D1 HTTP/1.1", "CN_MOBILE_PHONE", PHONE),
    (f"r=%253Fidcard%253D{ID}%2526t%253D1", "CN_RESIDENT_ID", ID),
    (f"r=%253Fphone%253D%252B86{PHONE}", "CN_MOBILE_PHONE", f"%252B86{PHONE}"),
    ("r=%253Ftel%253D138%25201234%25205678%2526", "CN_MOBILE_PHONE", "138%25201234%25205678"),
    (f"q=%25E6%2589%258B%25E6%259C%25BA%253A{PHONE}", "CN_MOBILE_PHONE", PHONE),
])
def test_values_in_twice_percent_encoded_text(text, entity, value):
    hits = DET.scan_chunk(text.encode() + b"\n")
    assert [(h.entity, h.value) for h in hits] == [(entity, value)]
    h = hits[0]
    assert text[h.start:h.end] == value  # columns point at the value as written


def test_a_percent_before_a_value_stays_a_percent():
    # "%25" is an encoded "%"; the digits after it are no second escape (0x13 is no printable character)
    assert ("CN_MOBILE_PHONE", PHONE, False) in found(f"discount=50%25{PHONE}")
    assert normalise.normalise("x%2513812345678")[0] == "x%13812345678"


@pytest.mark.parametrize("text", [
    "trace=2023113812345678901234",  # inside a longer digit run
    "id=a13812345678f",  # inside a hex id
    "amount=13812345678.50",  # integer part of a decimal
    "ratio=0.13812345678",  # fraction of a decimal
    "ts=1381234567890",  # 13-digit epoch-ms
    "uid=14012345678",  # unallocated segment
    "v13812345678",  # glued to a letter
])
def test_phone_hard_negatives(text):
    assert not [f for f in found(text) if f[0] == "CN_MOBILE_PHONE"]


def test_id_and_card_boundaries():
    assert ("CN_RESIDENT_ID", ID, False) in found(f"身份证：{ID}，")
    assert ("CN_BANK_CARD", CARD, False) in found(f"绑定银行卡{CARD}成功")
    assert ("CN_BANK_CARD", "6222 0202 0011 2233 446", False) in found("卡号 6222 0202 0011 2233 446")
    assert not found(f"x{ID}9")
    assert not found(f"{CARD}1")  # 20 digits: not a card


def test_hard_negatives_are_not_reported():
    neg = NegativeGen(__import__("random").Random(3))
    for kind in ("epoch_ms", "snowflake", "order_no", "bad_id", "uscc", "imei", "iccid", "hex_id", "uuid",
                 "ip", "amount", "decimal_lookalike", "long_run", "unallocated_uid", "version"):
        for _ in range(50):
            value = getattr(neg, kind)()
            hits = found(f"{kind}={value}")
            assert not hits, (kind, [h[0] for h in hits])


def test_negative_context_before_wins_over_no_context():
    assert found(f"联系电话 {PHONE}")[0][0] == "CN_MOBILE_PHONE"
    assert not found(f"订单号 {PHONE}")  # negative word right before the value
    # a key after the value labels the next value, not this one
    assert found(f"phone={PHONE} order_no=1")[0][0] == "CN_MOBILE_PHONE"


def test_non_luhn_card_needs_context():
    bad = "6222020200112233441"
    assert not found(f"x {bad} y")
    assert ("CN_BANK_CARD", bad, False) in found(f"银行卡号 {bad}")


def test_masked_forms_are_masked_findings():
    text = "手机138****5678 身份证110101********1234 卡6222 **** **** 1234 卡622202*********1234"
    got = found(text)
    assert ("CN_MOBILE_PHONE", "138****5678", True) in got
    assert ("CN_RESIDENT_ID", "110101********1234", True) in got
    assert ("CN_BANK_CARD", "6222 **** **** 1234", True) in got
    assert ("CN_BANK_CARD", "622202*********1234", True) in got
    assert all(m for _, _, m in got)


@pytest.mark.parametrize("text,entity,value", [
    ("手机138xxxx5678", "CN_MOBILE_PHONE", "138xxxx5678"),
    ("身份证110101XXXXXXXX1234", "CN_RESIDENT_ID", "110101XXXXXXXX1234"),
    ("卡号6222 #### #### 1234", "CN_BANK_CARD", "6222 #### #### 1234"),
    ("卡号622202xxxxxxxxx1234", "CN_BANK_CARD", "622202xxxxxxxxx1234"),
])
def test_x_and_hash_masks(text, entity, value):
    assert found(text) == [(entity, value, True)]


def test_lone_x_is_a_check_character_not_a_mask():
    assert found(f"id {ID.lower()} ok") == [("CN_RESIDENT_ID", ID.lower(), False)]
    assert not found("手机138x5678")


def test_evidence_never_holds_a_raw_value():
    line = f"注册 手机{PHONE} 身份证{ID} 卡{CARD} 另一个 139 1234 5678"
    hits = DET.detect(line)
    assert len(hits) == 4
    for h in hits:
        for raw in (PHONE, ID, CARD, "13912345678", "139 1234 5678"):
            assert raw not in h.evidence


_SURROUND = st.text(alphabet=st.sampled_from(list("的了是在有手机号码身份证，。：；、 ()[]{}<>\"'=/@_-\t") +
                                              list(string.ascii_letters)), max_size=12)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(seed=st.integers(0, 2**32 - 1), left=_SURROUND, right=_SURROUND,
       kind=st.sampled_from(["id", "phone", "card"]))
def test_every_valid_value_in_random_text_is_found_exactly_once(seed, left, right, kind):
    v = ValueGen(__import__("random").Random(seed))
    value = {"id": v.resident_id, "phone": v.mobile, "card": v.card}[kind]()
    entity = {"id": "CN_RESIDENT_ID", "phone": "CN_MOBILE_PHONE", "card": "CN_BANK_CARD"}[kind]
    # a value is a standalone token only if no ASCII letter/digit touches it
    if left[-1:].isascii() and left[-1:].isalnum():
        left += " "
    if right[:1].isascii() and right[:1].isalnum():
        right = " " + right
    text = f"{left}{value}{right}"
    hits = [h for h in DET.detect(text) if h.value == value]
    rule_id = {"CN_RESIDENT_ID": "CNPI001", "CN_MOBILE_PHONE": "CNPI002", "CN_BANK_CARD": "CNPI003"}[entity]
    # a negative context word of the rule right before the value (``time``, ``uid``…) may drop it: by design
    if DET._ctx[rule_id].negative.find_last(left) is None:
        assert len(hits) == 1 and hits[0].entity == entity, (text, hits)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([11, 15, 16, 17, 18, 19]))
def test_random_digit_strings_are_rejected_at_the_expected_rate(seed, length):
    rng = __import__("random").Random(seed)
    n = 400
    accepted = 0
    for _ in range(n):
        s = str(rng.randint(1, 9)) + "".join(rng.choice(string.digits) for _ in range(length - 1))
        if length == 11:
            accepted += cn_mobile.is_valid(s)
        elif length in (15, 18):
            accepted += cn_resident_id.is_valid(s)
        else:
            accepted += cn_bank_card.is_valid(s)
    rate = accepted / n
    # 11 digits: 1 in 9 start with 1, ~70% of 1xx prefixes are allocated -> at most ~0.09;
    # 18 digits: province (~34/90) x plausible date (~1%) x 1/11 check -> well under 1%;
    # 15 digits: province x date -> ~1%; 16-19: a known IIN (62xx or ~190 table prefixes: ~3%) x Luhn (1/10)
    bound = {11: 0.16, 15: 0.05, 16: 0.02, 17: 0.02, 18: 0.02, 19: 0.02}[length]
    assert rate <= bound, (length, rate)


def test_generated_corpus_lines_match_ground_truth():
    lines = LineGen(5).corpus(2000, 3)
    for ln in lines:
        hits = DET.detect(ln.text)
        for p in ln.planted:
            assert any(h.entity == p.entity and h.start < p.end and p.start < h.end for h in hits), \
                (ln.text[max(0, p.start - 20):p.end + 10])


def test_luhn_trace_ids_need_context():
    rng = __import__("random").Random(9)
    for _ in range(200):
        body = "6222" + "".join(rng.choice(string.digits) for _ in range(11))
        trace = body + luhn.calc_check_digit(body)
        assert not found(f"trace_id={trace}")
        assert found(f"card_no={trace}")


@pytest.mark.parametrize("text", [
    "受理编号：110105202312010012",  # region + date + sequence business number whose check digit fits
    "许可证编号 440305202203150128",
    "食品经营许可证号 310115000123456",  # 许可证号 beats the 证号 inside it
    "goods_id=13812345678", "Content-Length: 15012345678", '"disk_used":17812345678', "shopId=18612345678",
    "kafka offset=13812345678", "QQ：1381234567 微信：wxid_13812345678",
])
def test_real_world_business_numbers_are_not_pi(text):
    assert not found(text), found(text)


@pytest.mark.parametrize("text,entity,value", [
    # a negative word labelling another value does not suppress this one
    ("订单号2023120100001 张三 13812345678", "CN_MOBILE_PHONE", PHONE),
    ("uid=1001 name=张三 11010519491231002X", "CN_RESIDENT_ID", ID),
    ("count=1 13812345678", "CN_MOBILE_PHONE", PHONE),
    ("[session:8f3a] user 13812345678", "CN_MOBILE_PHONE", PHONE),
    # grouped forms and bullet / full-width masks
    ("身份证 110105 19491231 002X", "CN_RESIDENT_ID", "110105 19491231 002X"),
    ("110105-19491231-002X", "CN_RESIDENT_ID", "110105-19491231-002X"),
    ("卡号 622202 0200112233446", "CN_BANK_CARD", "622202 0200112233446"),
])
def test_real_world_positives(text, entity, value):
    assert (entity, value, False) in found(text)


@pytest.mark.parametrize("text,value", [
    ("138••••5678", "138••••5678"), ("110105••••••••002X", "110105••••••••002X"),
    ("6222 •••• •••• 3446", "6222 •••• •••• 3446"), ("手机１３８＊＊＊＊５６７８", "１３８＊＊＊＊５６７８"),
])
def test_bullet_and_fullwidth_masks_reach_stage_2(text, value):
    assert [v for _, v, m in found(text) if m] == [value]


def test_negative_word_for_the_value_itself_still_applies():
    assert not found("trade_no: 13812345678")
    assert not found('"orderNo0": "6215111122223333", "x": 1')  # a digit inside the key is no other value


def test_values_after_json_escapes_in_text_logs():
    line = 'payload={"addr":"北京\\n6222020200112233446","x":"\\t11010519491231002X","m":"\\n13812345678"}'
    hits = DET.scan_chunk(line.encode() + b"\n")
    assert [(h.entity, line[h.start:h.end]) for h in hits] == [
        ("CN_BANK_CARD", CARD), ("CN_RESIDENT_ID", ID), ("CN_MOBILE_PHONE", PHONE)]


@pytest.mark.parametrize("text,entity,value", [
    ("GET /a?mobile=138+1234+5678&t=1", "CN_MOBILE_PHONE", "138+1234+5678"),
    ("POST body: card=6222+0202+0011+2233+446&x=1", "CN_BANK_CARD", "6222+0202+0011+2233+446"),
    ("mobile=+8613812345678", "CN_MOBILE_PHONE", "+8613812345678"),
])
def test_form_encoded_plus_separators(text, entity, value):
    assert (entity, value, False) in found(text)


def test_dotted_mobile_needs_context():
    assert ("CN_MOBILE_PHONE", "138.1234.5678", False) in found("电话 138.1234.5678")
    assert not found("build 138.1234.5678") and not found("ip 10.138.1234.5678") and not found("138.1234.5678.9")


def test_context_word_trie_matches_the_longest_first_alternation():
    """WordSet's trie regex finds, at every position, the same word as the plain alternation of the words
    longest first (the reference): checked on every rule's word lists over random windows built from
    pieces of those words, letters, digits, CJK and separators."""
    import random
    import re

    from piscan.detection.context import WordSet
    from piscan.detection.rules import load_packs

    rng = random.Random(5)
    lists = [r.context for p in load_packs() for r in p.rules] + [r.negative_context for p in load_packs()
                                                                   for r in p.rules]
    lists.append(["id", "id_card", "idc", "i", "身份", "身份证", "身份证号", "sfz", "sfzh"])
    for words in lists:
        ws = WordSet.build(words)
        if not ws:
            continue
        ref = re.compile("|".join(re.escape(w) for w in ws.words))
        pool = [*ws.words, "_", "=", ":", " ", "\"", "9", "x", "号", "Id"]
        for _ in range(300):
            text = "".join(rng.choice(pool)[: rng.randint(1, 8)] for _ in range(rng.randint(1, 8))).lower()
            assert ws.rx is not None
            for pos in range(len(text) + 1):
                a, b = ref.search(text, pos), ws.rx.search(text, pos)
                assert (a and a.span()) == (b and b.span()), (words, text, pos)


def _hit_keys(hits):
    return [(h.rule_id, h.start, h.end, h.value, h.confidence, h.evidence, h.attributes) for h in hits]


# detect() with every pattern over the whole line: a detector that never scanned a chunk (its prefilter
# unbuilt) does not narrow the patterns of a line by the prefilter's reports over its normalised view
REF = Detector(load_packs())


@pytest.mark.parametrize("after", ["  130281201207065030", " 13", "-12", " 1234567", "  62220", "", "，13"])
def test_stage_2_window_does_not_cut_a_match_short(after):
    """scan_chunk runs each rule regex only around its own prefilter reports; a match must still see the
    text after them, as detect() on the whole line does: ``62137540*****0519  130281201207065030`` (an
    invalid 18-digit number after a masked card) once made stage 2 stop at the window's end and read
    ``…0519  1`` as the card's tail."""
    line = f"2026-11-20 07:43:20.544 DEBUG [pay-svc] 登录校验卡号62137540*****0519{after}， ip=110.130.170.179"
    assert _hit_keys(DET.scan_chunk(line.encode("utf-8") + b"\n")) == _hit_keys(REF.detect(line))
    if after.startswith("  "):  # two spaces end the card (its tail takes single separators)
        assert DET.scan_chunk(line.encode("utf-8") + b"\n")[0].value == "62137540*****0519"


def test_scan_chunk_equals_detect_on_every_generated_line():
    """The prefilter, the validator gate and the per-pattern windows change only speed: on a generated
    corpus (PI next to hard negatives, masks, separators, escapes) every line gives the same hits through
    scan_chunk as detect() gives on the whole line with every pattern."""
    gen = LineGen(23)
    for ln in gen.corpus(3000, 3):
        text = ln.text
        assert _hit_keys(DET.scan_chunk(text.encode("utf-8") + b"\n")) == _hit_keys(REF.detect(text)), text
    assert REF._prefilter is None


@pytest.mark.parametrize("engine", ["hyperscan", "re2", "re"])
def test_values_inside_terminal_colour_codes(engine):
    """``docker logs`` of an app logging to a terminal keeps its colour codes: ``mobile=ESC[1m138…ESC[0m``
    shows ``mobile=138…``. The code before a value is a boundary (its letter ``m`` is not part of the value),
    offsets point at the value itself, and evidence carries no control character to a reviewer's terminal."""
    line = ("\x1b[2m2026-11-28 10:00:01.123\x1b[0m \x1b[32m INFO\x1b[0m --- c.e.UserService : mobile=\x1b[1m"
            f"{PHONE}\x1b[0m id \x1b[38;5;208m{ID}\x1b[0m card=\x1b[1;31m{CARD}\x1b[0m\x1b]0;title\x07")
    hits = Detector(load_packs(), engine=engine).scan_chunk(line.encode() + b"\n")
    assert [(h.entity, line[h.start:h.end]) for h in hits] == [
        ("CN_MOBILE_PHONE", PHONE), ("CN_RESIDENT_ID", ID), ("CN_BANK_CARD", CARD)]
    assert hits[0].attributes.get("context") == "line"  # "mobile=" still labels the value through the code
    for h in hits:
        assert not any(c < " " or "\x7f" <= c <= "\x9f" for c in h.evidence), h.evidence
    # the same without the codes: a colour code is a boundary, not a glue between value and text
    assert not found(f"m{PHONE}") and found(f"\x1b[0m{PHONE}") == [("CN_MOBILE_PHONE", PHONE, False)]
    # docker's json-file log driver stores the line as JSON: the code is \u001b[…m there
    stored = json.dumps({"log": line + "\n", "stream": "stdout", "time": "2026-11-28T10:00:01.123Z"})
    hits = Detector(load_packs(), engine=engine).scan_chunk(stored.encode() + b"\n")
    assert [(h.entity, stored[h.start:h.end]) for h in hits] == [
        ("CN_MOBILE_PHONE", PHONE), ("CN_RESIDENT_ID", ID), ("CN_BANK_CARD", CARD)]


@pytest.mark.parametrize("engine", ["hyperscan", "re2", "re"])
def test_values_after_byte_escapes_in_nginx_logs(engine):
    r"""nginx's ``escape=default`` writes ``"`` as ``\x22`` and non-ASCII bytes as ``\xE6…`` in a logged
    request body or URI: ``\x2213812345678`` is a quote and a phone, not the digit run ``2213812345678``;
    decoded escapes are also context (``\xE6\x89\x8B\xE6\x9C\xBA`` is 手机)."""
    line = (r'"{\x22mobile\x22:\x22' + PHONE + r'\x22,\x22name\x22:\x22\xE5\xBC\xA0\xE4\xB8\x89\x22,'
            r'\x22id\x22:\x22' + ID + r'\x22}" "GET /s?q=\xE6\x89\x8B\xE6\x9C\xBA' + PHONE[:-1] + r'9 HTTP/1.1"'
            r' "{\x22trace\x22:\x222023120112345678901\x22,\x22ts\x22:1732758000123}"')
    hits = Detector(load_packs(), engine=engine).scan_chunk(line.encode() + b"\n")
    assert [(h.entity, line[h.start:h.end], h.attributes.get("context")) for h in hits] == [
        ("CN_MOBILE_PHONE", PHONE, "line"), ("CN_RESIDENT_ID", ID, None),
        ("CN_MOBILE_PHONE", PHONE[:-1] + "9", "line")]


# Found by an independent evaluation on 26 generated log formats (gateway, Spring/MyBatis, Dubbo, ELK, IIS,
# MySQL general log, PHP, Go, …): each line is one failure pattern it reported.
@pytest.mark.parametrize("text,want", [
    # a key of its own between a negative word and the value: "Id" of selectById labels nothing here
    ("c.e.u.mapper.UserMapper.selectById : ==> Parameters: 15965368764(String)",
     [("CN_MOBILE_PHONE", "15965368764", False)]),
    # a SQL column list labels VALUES by position, not the nearest column name (create_time)
    ("Query\tINSERT INTO `t_user` (`mobile`, `id_card`, `create_time`) VALUES ('17545502443', "
     "'320382197210021350', '2024-03-17 05:37:25')",
     [("CN_MOBILE_PHONE", "17545502443", False), ("CN_RESIDENT_ID", "320382197210021350", False)]),
    # full-width digits written as escapes
    ("GET /api/v1/user?loginName=" + "".join(f"%EF%BC%9{d}" for d in "18226455606") + " HTTP/1.1",
     [("CN_MOBILE_PHONE", "".join(f"%EF%BC%9{d}" for d in "18226455606"), False)]),
    ("x mobile=" + "".join(f"\\uff1{d}" for d in "13812345678"),
     [("CN_MOBILE_PHONE", "".join(f"\\uff1{d}" for d in "13812345678"), False)]),
    ("x mobile=" + "".join(f"\\xEF\\xBC\\x9{d}" for d in "13812345678") + " ok",
     [("CN_MOBILE_PHONE", "".join(f"\\xEF\\xBC\\x9{d}" for d in "13812345678"), False)]),
    # masked values in a form-encoded query string ("+" is a space)
    ("GET /api/member?bankCardNo=6216+****+****+2157&mobile=185+****+1834 HTTP/1.1",
     [("CN_BANK_CARD", "6216+****+****+2157", True), ("CN_MOBILE_PHONE", "185+****+1834", True)]),
    # a legacy 15-digit ID with a real county code and birth date stands without a context word …
    ("certificateNo=132429500224461&_t=1711289042907", [("CN_RESIDENT_ID", "132429500224461", False)]),
    ("[{\"a\": \"132429500224461\"}]", [("CN_RESIDENT_ID", "132429500224461", False)]),
    # … but not a thread id (Apache's pthread_t: a "1907" birth date, after "tid")
    ("[Mon Mar 18 03:30:48.375935 2024] [authz_core:error] [pid 40599:tid 140524070302933] AH00051", []),
    # a 16-digit card followed by an HTTP status is the 16-digit card; a 19-digit grouped card stays whole
    ("GET /api/u?cardNo=6222 0202 0011 2230 200", [("CN_BANK_CARD", "6222 0202 0011 2230", False)]),
    ("卡号 6222 0202 0011 2233 446 ok", [("CN_BANK_CARD", "6222 0202 0011 2233 446", False)]),
    # a phone inside a colon-separated cache key is still a phone ("token" names the key, not the value)
    ("get cache key=user:login:token:13066910480 ttl=17111", [("CN_MOBILE_PHONE", "13066910480", False)]),
    # memory sizes in bytes are no phones
    ("2024-03-30 09:15:09.6354|ERROR|MyApp|GC heap 17179869184 bytes", []),
    ("mem_limit=16106127360", []),
    # a Gansu ID with a typo in its check digit is no bank card; payment numbers are no cards
    ('{"orderNo": "20240330092233663266", "idCard": "621227195704076264"}', []),
    ("UPDATE t_pay SET pay_no='624158393317637797', amount=14816.77 WHERE id=1", []),
    ("param=UserRegisterReq{settleAccount=6217996911782887994, officeTel=021-68131242}",
     [("CN_BANK_CARD", "6217996911782887994", False)]),
])
def test_independent_evaluation_patterns(text, want):
    assert found(text) == want
    hits = DET.scan_chunk(text.encode() + b"\n")
    for h in hits:
        assert text[h.start:h.end] == h.value


def test_a_positive_word_in_the_text_outranks_a_negative_key():
    # a Logstash "stack_trace" field: "trace" names the field, 手机号码 names the value
    text = "com.example.BizException: 手机号码 17536755134 已绑定其他账户"
    hits = DET.scan_text(text, context=("stack_trace",))
    assert [(h.entity, h.value) for h in hits] == [("CN_MOBILE_PHONE", "17536755134")]
    assert not DET.scan_text("17536755134", context=("trace_id",))  # the key alone still decides


# Found by an independent review of 105,014 hard negatives in enterprise files (metrics, ledgers,
# registries, telecom logs): each is a number that is no PI where piscan reported one.
@pytest.mark.parametrize("text", [
    "total_connections_received:17307353093",  # the rest of a negative word's key is no other key
    "evicted_keys:17586786471",
    "[12:05:08] job finished; runner_id=331 queued_duration_ns=17560708969",
    '{"settle_date":"2023-12-17","gmv":19797601504,"refund_amt":16225280515}',
    "room_revenue_fen=17170216850 debit_fen=16335498708",
    "cellinfo nr nci=13527786561 pci=286 tac=35490",
    '{"approvalNo": "432427202506198878"}',  # a registry number of region code + date, checksum valid
    '{"taxNo": "130927700917135"}',
    '"统一社会信用代码": "911101001686641855"',  # an all-digit USCC is no card
    "911102253002815612,兰州陇原物流有限公司,存续",
    "工单#100637 坐席289: 会员卡号 8433625698542952 积分未到账",  # a store's card is no bank card
    "礼品卡号: 6222020200112233446",
])
def test_hard_negatives_from_enterprise_files(text):
    assert found(text) == []


def test_a_key_is_judged_by_its_nearest_word():
    # structured context (a JSON key, a CSV header): 注册资本 (registered capital) holds no 注册 phone,
    # creditCode no credit card; a key naming the value still boosts it
    assert not DET.scan_text("19000000000", context=("注册资本",))
    assert not DET.scan_text("911101001686641855", context=("creditCode",))
    assert [h.entity for h in DET.scan_text("13812345678", context=("注册手机",))] == ["CN_MOBILE_PHONE"]
    assert [h.entity for h in DET.scan_text("6222020200112233446", context=("credit_card_no",))] == ["CN_BANK_CARD"]
    # a card that passes the USCC checks still counts next to a card word
    assert [h.entity for h in DET.scan_text("622173710229760554", context=("cardNo",))] == ["CN_BANK_CARD"]
