"""Synthetic but realistic values and log lines, with ground truth, for tests, evaluation and benchmarks.

Every planted value is valid by construction (computed check digits, allocated mobile segments, real
GB/T 2260 codes, BINs from the offline table); hard negatives are built to look like PI and not be PI
(epoch-ms timestamps, snowflake and order ids, 18-digit strings with a valid checksum but an impossible
date or province, USCC codes, IMEIs, ICCIDs, hex/UUID ids, IPs, amounts, versions, long digit runs).

Nothing here is real personal information.
"""

from __future__ import annotations

import datetime as _dt
import json
import random
import string
import urllib.parse
from dataclasses import dataclass, field
from functools import lru_cache

from piscan.detection.validators import cn_bank_card, cn_mobile, cn_resident_id, luhn

FULLWIDTH = str.maketrans({ch: chr(ord(ch) + 0xFEE0) for ch in "0123456789+-"})


@dataclass(slots=True)
class Planted:
    entity: str
    start: int
    end: int
    masked: bool = False
    kind: str = ""


@dataclass(slots=True)
class Line:
    text: str
    planted: list[Planted] = field(default_factory=list)


@lru_cache(maxsize=1)
def _region_codes() -> tuple[list[str], list[str]]:
    regions = cn_resident_id.regions()
    counties = [c for c in regions if not c.endswith("00")]
    current = [c for c in counties if regions[c][1] == "current"]
    abolished = [c for c in counties if regions[c][1] == "abolished"]
    return current, abolished


@lru_cache(maxsize=1)
def _segments() -> list[str]:
    return sorted(cn_mobile.segments())


@lru_cache(maxsize=1)
def _bins() -> list[str]:
    return sorted(b for b in cn_bank_card.bins() if 6 <= len(b) <= 8)


class ValueGen:
    """Random valid values and their masked forms."""

    def __init__(self, rng: random.Random, today: _dt.date | None = None) -> None:
        self.rng = rng
        self.today = today or _dt.date.today()

    def birth(self, lo: int = 1935, hi: int | None = None) -> _dt.date:
        hi = hi or self.today.year - 1
        start = _dt.date(lo, 1, 1).toordinal()
        end = min(_dt.date(hi, 12, 31), self.today).toordinal()
        return _dt.date.fromordinal(self.rng.randint(start, end))

    def resident_id(self, form: str = "id18") -> str:
        rng = self.rng
        current, abolished = _region_codes()
        if form == "permit":
            region = rng.choice(["810000", "820000", "830000"])
        elif form == "foreigner":
            region = "9" + rng.choice(["11", "31", "44", "32", "33"]) + f"{rng.randint(4, 894):03d}"
        else:
            region = rng.choice(abolished if rng.random() < 0.2 else current)
        born = self.birth()
        if form == "id15":
            born = self.birth(1935, 1999)
            return region + born.strftime("%y%m%d") + f"{rng.randint(0, 999):03d}"
        first17 = region + born.strftime("%Y%m%d") + f"{rng.randint(0, 999):03d}"
        check = cn_resident_id.calc_check_digit(first17)
        if check == "X" and rng.random() < 0.3:
            check = "x"
        return first17 + check

    def mobile(self) -> str:
        seg = self.rng.choice(_segments())
        return seg + "".join(self.rng.choice(string.digits) for _ in range(11 - len(seg)))

    def card(self, luhn_ok: bool = True) -> str:
        rng = self.rng
        b = rng.choice(_bins()) if rng.random() < 0.8 else rng.choice(["62", "6217", "6228", "9558"])
        length = rng.choice([16, 16, 19, 19, 19, 17, 18])
        body = b + "".join(rng.choice(string.digits) for _ in range(length - len(b) - 1))
        check = luhn.calc_check_digit(body)
        if not luhn_ok:
            check = str((int(check) + rng.randint(1, 9)) % 10)
        number = body + check
        if len(number) == 18 and cn_resident_id.is_valid(number):
            return self.card(luhn_ok)
        return number

    # written forms
    def phone_form(self, number: str) -> str:
        r = self.rng.random()
        if r < 0.55:
            return number
        if r < 0.70:
            return f"{number[:3]} {number[3:7]} {number[7:]}"
        if r < 0.80:
            return f"{number[:3]}-{number[3:7]}-{number[7:]}"
        return self.rng.choice(["+86", "0086", "+86-", "+86 ", "86"]) + number

    def card_form(self, number: str) -> str:
        if self.rng.random() < 0.25:
            sep = self.rng.choice([" ", "-"])
            return sep.join(number[i:i + 4] for i in range(0, len(number), 4))
        return number

    def masked_phone(self) -> tuple[str, bool]:
        n = self.mobile()
        r = self.rng.random()
        if r < 0.6:
            return n[:3] + "****" + n[7:], False
        if r < 0.75:
            return f"{n[:3]} **** {n[7:]}", False
        if r < 0.85:
            return n[:3] + self.rng.choice(["xxxx", "XXXX", "####"]) + n[7:], False
        return n[:3] + "**" + n[5:], True  # weak: only 2 hidden

    def masked_id(self) -> tuple[str, bool]:
        n = self.resident_id()
        r = self.rng.random()
        if r < 0.6:
            return n[:6] + "*" * 8 + n[14:], False
        if r < 0.8:
            return n[:10] + "****" + n[14:], True  # year visible: weak
        return n[:4] + "*" * 10 + n[14:], False

    def masked_card(self) -> tuple[str, bool]:
        n = self.card()
        r = self.rng.random()
        if r < 0.5:
            return n[:6] + "*" * (len(n) - 10) + n[-4:], False
        if r < 0.8:
            groups = [n[i:i + 4] for i in range(0, len(n), 4)]
            shown = [groups[0]] + ["****"] * (len(groups) - 2) + [groups[-1]]
            if len(groups[-1]) < 4:
                shown = [groups[0]] + ["****"] * (len(groups) - 3) + [n[-4:]]
            return " ".join(shown), False
        return n[:8] + "*" * (len(n) - 12) + n[-4:], True  # 8 + 4 visible: weak under BIN 6 policy


# --------------------------------------------------------------------------- hard negatives
class NegativeGen:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def digits(self, n: int, first: str = "123456789") -> str:
        return self.rng.choice(first) + "".join(self.rng.choice(string.digits) for _ in range(n - 1))

    def epoch_ms(self) -> str:
        return str(self.rng.randint(1_500_000_000_000, 1_800_000_000_000))

    def snowflake(self) -> str:
        return str(self.rng.randint(10**17, 2 * 10**18))

    def order_no(self) -> str:
        d = _dt.date(2020, 1, 1) + _dt.timedelta(days=self.rng.randint(0, 2000))
        return d.strftime("%Y%m%d") + self.digits(self.rng.choice([10, 11, 12]), string.digits)

    def bad_id(self) -> str:
        """18 digits with a valid MOD 11-2 check but an impossible date or province."""
        rng = self.rng
        if rng.random() < 0.5:
            region = rng.choice(["000000", "100000", "190101", "290101", "480101", "550101", "680101"])
            date = "19900101"
        else:
            region = "110101"
            date = rng.choice(["19901301", "19900230", "18500101", "21500101", "19900000", "19900132"])
        first17 = region + date + self.digits(3, string.digits)
        return first17 + cn_resident_id.calc_check_digit(first17)

    def uscc(self) -> str:
        alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
        head = "91" + self.rng.choice(["110000", "310115", "440300"]) + "".join(
            self.rng.choice(alphabet) for _ in range(9))
        s = sum(alphabet.index(c) * w for c, w in zip(head, weights, strict=True))
        return head + alphabet[(31 - s % 31) % 31]

    def imei(self) -> str:
        body = self.rng.choice(["35", "86", "01", "99"]) + self.digits(12, string.digits)
        return body + luhn.calc_check_digit(body)

    def iccid(self) -> str:
        body = "8986" + self.digits(14, string.digits)
        return body + luhn.calc_check_digit(body)

    def hex_id(self) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(32))

    def uuid(self) -> str:
        h = self.hex_id()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def ip(self) -> str:
        return ".".join(str(self.rng.randint(1, 254)) for _ in range(4))

    def amount(self) -> str:
        return f"{self.rng.randint(1, 99999)}.{self.rng.randint(0, 99):02d}"

    def decimal_lookalike(self) -> str:
        """An allocated-segment 11-digit run that is part of a decimal number."""
        seg = self.rng.choice(_segments())
        run = seg + self.digits(11 - len(seg), string.digits)
        return self.rng.choice([f"{run}.{self.rng.randint(0, 99)}", f"0.{run}", f"3.{run}"])

    def long_run(self) -> str:
        """A phone-like or ID-like run inside a longer digit/hex run."""
        seg = self.rng.choice(_segments())
        inner = seg + self.digits(11 - len(seg), string.digits)
        return self.rng.choice([
            self.digits(4, string.digits) + inner + self.digits(5, string.digits),
            "a" + inner + "f" + self.hex_id()[:8],
            inner + self.digits(2, string.digits),
        ])

    def unallocated_uid(self) -> str:
        return self.rng.choice(["140", "141", "142", "143", "144", "146", "148", "149", "154", "100", "101", "120"]) + \
            self.digits(8, string.digits)

    def luhn_trace(self) -> str:
        body = self.digits(self.rng.choice([15, 18]), string.digits)
        return body + luhn.calc_check_digit(body)

    def version(self) -> str:
        return f"v{self.rng.randint(1, 20)}.{self.rng.randint(0, 99)}.{self.rng.randint(1000000, 99999999)}"

    def any(self) -> tuple[str, str]:
        kinds = ("epoch_ms", "snowflake", "order_no", "bad_id", "uscc", "imei", "iccid", "hex_id", "uuid", "ip",
                 "amount", "decimal_lookalike", "long_run", "unallocated_uid", "luhn_trace", "version")
        k = self.rng.choice(kinds)
        return k, getattr(self, k)()


# --------------------------------------------------------------------------- lines
_ZH_CTX = {
    "CN_RESIDENT_ID": ["身份证号", "身份证", "证件号码", "sfzh=", "idCard:", "id_no="],
    "CN_MOBILE_PHONE": ["手机号", "联系电话", "手机", "mobile=", "phone:", "tel "],
    "CN_BANK_CARD": ["银行卡号", "卡号", "绑定银行卡", "card_no=", "bankCard:", "账号"],
}
_NEG_LABEL = {
    "epoch_ms": ["ts=", "timestamp:", "time="], "snowflake": ["id=", "msgId:", "requestId="],
    "order_no": ["order_no=", "订单号", "orderId:"], "bad_id": ["no=", "code:"], "uscc": ["统一社会信用代码", "uscc="],
    "imei": ["imei=", "device_imei:"], "iccid": ["iccid=", "sim:"], "hex_id": ["trace_id=", "span="],
    "uuid": ["request_id=", "uuid:"], "ip": ["client=", "ip="], "amount": ["amount=", "金额"],
    "decimal_lookalike": ["score=", "value:"], "long_run": ["trace=", "seq="], "unallocated_uid": ["uid=", "user "],
    "luhn_trace": ["trace_id=", "txn_id="], "version": ["version ", "ver="],
}


class LineGen:
    """Log lines of several shapes with planted values and hard negatives (ground truth kept)."""

    def __init__(self, seed: int = 0, today: _dt.date | None = None) -> None:
        self.rng = random.Random(seed)
        self.v = ValueGen(self.rng, today)
        self.n = NegativeGen(self.rng)

    def _value(self, allow_masked: bool = True) -> tuple[str, str, bool, str]:
        """Return (entity, written value, masked, kind)."""
        rng, v = self.rng, self.v
        if allow_masked and rng.random() < 0.15:
            ent = rng.choice(["CN_MOBILE_PHONE", "CN_RESIDENT_ID", "CN_BANK_CARD"])
            val, _weak = {"CN_MOBILE_PHONE": v.masked_phone, "CN_RESIDENT_ID": v.masked_id,
                          "CN_BANK_CARD": v.masked_card}[ent]()
            return ent, val, True, "masked"
        r = rng.random()
        if r < 0.36:
            form = rng.choices(["id18", "permit", "foreigner"], [0.96, 0.03, 0.01])[0]
            return "CN_RESIDENT_ID", v.resident_id(form), False, form
        if r < 0.72:
            return "CN_MOBILE_PHONE", v.phone_form(v.mobile()), False, "mobile"
        return "CN_BANK_CARD", v.card_form(v.card()), False, "card"

    def _negative(self) -> str:
        k, val = self.n.any()
        return self.rng.choice(_NEG_LABEL[k]) + val

    def _filler(self) -> str:
        rng = self.rng
        return rng.choice([
            f"ts={self.n.epoch_ms()}", f"cost={rng.randint(1, 900)}ms", f"trace_id={self.n.hex_id()}",
            f"user={rng.choice(['张伟', '李娜', 'wang.fang', 'u_' + self.n.digits(6)])}",
            f"ip={self.n.ip()}", f"status={rng.choice([200, 302, 404, 500])}", f"订单号{self.n.order_no()}",
        ])

    def line(self, with_pi: bool) -> Line:
        shape = self.rng.choices(["zh", "json", "nginx", "en", "console"], [0.3, 0.3, 0.3, 0.07, 0.03])[0]
        return getattr(self, "_" + shape)(with_pi)

    # shapes ------------------------------------------------------------
    def _zh(self, with_pi: bool) -> Line:
        rng = self.rng
        ts = f"2026-11-{rng.randint(1, 27):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:" \
             f"{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}"
        head = f"{ts} {rng.choice(['INFO', 'WARN', 'DEBUG'])} [{rng.choice(['user-svc', 'pay-svc', 'order'])}] "
        parts: list[tuple[str, Planted | None]] = [(head, None)]
        event = rng.choice(["用户注册成功", "实名认证请求", "绑卡回调", "查询用户信息", "下单成功", "登录校验"])
        parts.append((event, None))
        if with_pi:
            for _ in range(rng.choice([1, 1, 1, 2])):
                ent, val, masked, kind = self._value()
                ctx = rng.choice(_ZH_CTX[ent]) if rng.random() < 0.8 else rng.choice(["，", " ", "：", " 值 "])
                sep_after = rng.choice(["，", " ", "；", "请核实", "。", ""])
                if not sep_after and rng.random() < 0.5:
                    sep_after = " "
                if ent == "CN_MOBILE_PHONE" and not masked and rng.random() < 0.1:
                    val = val.translate(FULLWIDTH)  # full-width digits, as typed in CJK input methods
                lead = rng.choice(["，", " ", ""])
                prev = next((t for t, _ in reversed(parts) if t), "")
                if ctx[:1].isascii() and ctx[:1].isalpha() and not lead and prev[-1:].isascii() and prev[-1:].isalnum():
                    lead = " "  # never glue a value to the letters of the next key
                parts.append((lead + ctx, None))
                parts.append((val, Planted(ent, 0, 0, masked, kind)))
                parts.append((sep_after, None))
        for _ in range(rng.randint(1, 3)):
            parts.append((" " + (self._negative() if rng.random() < 0.5 else self._filler()), None))
        return self._join(parts)

    def _json(self, with_pi: bool) -> Line:
        rng = self.rng
        obj: dict = {"ts": int(self.n.epoch_ms()), "level": rng.choice(["info", "warn"]),
                     "trace_id": self.n.hex_id(), "span_id": self.n.snowflake(),
                     "msg": rng.choice(["user login", "绑定银行卡", "实名认证", "order created"])}
        planted: list[tuple[str, str, bool, str]] = []
        if with_pi:
            for _ in range(rng.choice([1, 1, 2])):
                ent, val, masked, _kind = self._value()
                key = {"CN_RESIDENT_ID": rng.choice(["idCard", "id_no", "sfzh", "certNo"]),
                       "CN_MOBILE_PHONE": rng.choice(["mobile", "phone", "contactTel", "userPhone"]),
                       "CN_BANK_CARD": rng.choice(["cardNo", "bank_card", "acctNo"])}[ent]
                if rng.random() < 0.15:
                    key = rng.choice(["value", "data", "extra", "remark"])  # no context
                if key in obj:
                    continue
                if ent == "CN_MOBILE_PHONE" and not masked and val.isdigit() and val[0] != "0" and rng.random() < 0.3:
                    obj[key] = int(val)  # JSON number
                else:
                    obj[key] = val
                planted.append((key, val, masked, ent))
        for _ in range(rng.randint(1, 3)):
            _k, val = self.n.any()
            obj[rng.choice(["orderNo", "reqId", "seq", "imei", "deviceId", "amount", "ver", "clientIp", "uid"])
                + str(rng.randint(0, 9))] = val
        ensure_ascii = rng.random() < 0.3
        text = json.dumps(obj, ensure_ascii=ensure_ascii, separators=(",", ":") if rng.random() < 0.5 else None)
        line = Line(text)
        search_from = 0
        for key, val, masked, ent in planted:
            enc = json.dumps(val, ensure_ascii=ensure_ascii) if isinstance(val, str) else str(val)
            enc_key = json.dumps(key)
            kpos = text.find(enc_key, search_from)
            pos = text.find(enc.strip('"') if isinstance(val, str) else enc, kpos)
            if pos < 0:
                continue
            written = enc.strip('"') if isinstance(val, str) else enc
            line.planted.append(Planted(ent, pos, pos + len(written), masked, "json"))
        return line

    def _nginx(self, with_pi: bool) -> Line:
        rng = self.rng
        ip = self.n.ip()
        path = rng.choice(["/api/v1/user/info", "/api/order/create", "/h5/bind", "/static/app.js", "/api/sms/send"])
        params = [f"t={self.n.epoch_ms()}", f"sign={self.n.hex_id()[:16]}"]
        planted_params: list[tuple[str, str, str, bool]] = []
        if with_pi:
            ent, val, masked, _kind = self._value(allow_masked=rng.random() < 0.5)
            key = {"CN_RESIDENT_ID": "idcard", "CN_MOBILE_PHONE": rng.choice(["mobile", "phone", "tel"]),
                   "CN_BANK_CARD": "cardNo"}[ent]
            enc = urllib.parse.quote(val, safe="") if rng.random() < 0.7 else val.replace(" ", "%20")
            params.insert(rng.randint(0, len(params)), f"{key}={enc}")
            planted_params.append((key, enc, ent, masked))
        if rng.random() < 0.5:
            _k, val = self.n.any()
            params.append(f"{rng.choice(['order', 'req', 'seq'])}={urllib.parse.quote(val)}")
        query = "&".join(params)
        ts = f"27/Nov/2026:{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} +0800"
        text = (f'{ip} - - [{ts}] "GET {path}?{query} HTTP/1.1" {rng.choice([200, 200, 302, 404])} '
                f'{rng.randint(100, 99999)} "-" "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36" '
                f'{rng.randint(1, 999) / 1000:.3f}')
        line = Line(text)
        for key, enc, ent, masked in planted_params:
            pos = text.find(f"{key}={enc}") + len(key) + 1
            line.planted.append(Planted(ent, pos, pos + len(enc), masked, "url"))
        return line

    def _en(self, with_pi: bool) -> Line:
        rng = self.rng
        parts: list[tuple[str, Planted | None]] = [
            (rng.choice(["Payment callback received", "User profile updated", "SMS gateway response",
                         "Retrying request"]), None)]
        if with_pi:
            ent, val, masked, kind = self._value()
            label = {"CN_RESIDENT_ID": " id_number=", "CN_MOBILE_PHONE": " phone=", "CN_BANK_CARD": " card "}[ent]
            parts.append((label, None))
            parts.append((val, Planted(ent, 0, 0, masked, kind)))
        parts.append((f" after {rng.randint(1, 5000)}ms (attempt {rng.randint(1, 3)}) {self._negative()}", None))
        return self._join(parts)

    def _console(self, with_pi: bool) -> Line:
        """A console line with terminal colour codes, as ``docker logs`` keeps them from an app that logs to a
        terminal (Spring Boot's default pattern): the level, logger, values and negatives wrapped in
        ``ESC[…m`` sequences."""
        rng = self.rng

        def color(code: str, s: str) -> str:
            return f"\x1b[{code}m{s}\x1b[0m"

        ts = f"2026-11-{rng.randint(1, 27):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:" \
             f"{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}"
        level = rng.choice([("32", " INFO"), ("33", " WARN"), ("31", "ERROR")])
        parts: list[tuple[str, Planted | None]] = [
            (f"{color('2', ts)} {color(*level)} {color('35', str(rng.randint(1000, 99999)))} --- "
             f"[{rng.choice(['main', 'http-nio-8080-exec-3'])}] {color('36', 'c.e.s.UserService')} : ", None),
            (rng.choice(["query user", "用户绑卡", "实名校验", "send sms"]), None)]
        if with_pi:
            ent, val, masked, kind = self._value()
            label = rng.choice({"CN_RESIDENT_ID": [" idCard=", " 身份证号:"],
                                "CN_MOBILE_PHONE": [" mobile=", " 手机号"],
                                "CN_BANK_CARD": [" cardNo=", " 银行卡号:"]}[ent])
            code = rng.choice(["1", "33", "1;31", "38;5;208"])
            parts.append((label + f"\x1b[{code}m", None))
            parts.append((val, Planted(ent, 0, 0, masked, kind)))
            parts.append(("\x1b[0m", None))
        for _ in range(rng.randint(1, 2)):
            parts.append((" " + color(rng.choice(["2", "33", "36"]), self._negative()), None))
        return self._join(parts)

    @staticmethod
    def _join(parts: list[tuple[str, Planted | None]]) -> Line:
        text, planted, pos = [], [], 0
        for s, p in parts:
            if p is not None:
                p.start, p.end = pos, pos + len(s)
                planted.append(p)
            text.append(s)
            pos += len(s)
        return Line("".join(text), planted)

    def corpus(self, n_lines: int, pi_every: int = 40) -> list[Line]:
        return [self.line(self.rng.randrange(pi_every) == 0) for _ in range(n_lines)]
