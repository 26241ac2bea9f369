"""A realistic, seeded sample for the piscan ↔ Presidio differential test and benchmark.

Chinese app-log lines, JSON logs (``ensure_ascii`` ``\\uXXXX`` escapes, values as JSON numbers), nginx
lines with percent-encoded query strings, full-width digits, grouped / prefixed forms, masked values,
and hard negatives (epoch-ms timestamps, date-prefixed order ids, snowflake ids, IMEIs, 11-digit uids,
hex trace ids, decimals, IPs, versions). Valid values are generated with piscan's own validators'
check-digit functions. ``planted`` counts the valid full values written (for a sanity check only).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from urllib.parse import quote

from piscan.detection.validators import cn_bank_card, cn_mobile, cn_resident_id, luhn

_FW = str.maketrans("0123456789+", "０１２３４５６７８９＋")


@dataclass
class Corpus:
    lines: list[str] = field(default_factory=list)
    planted: int = 0

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


class _Gen:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        regions = cn_resident_id.regions()
        self.counties = sorted(c for c, (_, st) in regions.items()
                               if st == "current" and not c.endswith("00"))
        self.segments = sorted(s for s in cn_mobile.segments() if len(s) == 3)
        self.bins = sorted(b for b in cn_bank_card.bins() if b.startswith("62") and len(b) == 6)

    def digits(self, n: int) -> str:
        return "".join(self.r.choice("0123456789") for _ in range(n))

    def id18(self) -> str:
        d = dt.date(1940, 1, 1) + dt.timedelta(days=self.r.randrange(365 * 70))
        body = self.r.choice(self.counties) + d.strftime("%Y%m%d") + self.digits(3)
        check = cn_resident_id.calc_check_digit(body)
        return body + (check.lower() if check == "X" and self.r.random() < 0.3 else check)

    def id15(self) -> str:
        d = dt.date(1940, 1, 1) + dt.timedelta(days=self.r.randrange(365 * 59))
        return self.r.choice(self.counties) + d.strftime("%y%m%d") + self.digits(3)

    def mobile(self) -> str:
        return self.r.choice(self.segments) + self.digits(8)

    def card(self) -> str:
        n = self.r.choice((16, 16, 19, 19, 17, 18))
        body = self.r.choice(self.bins) + self.digits(n - 7)
        return body + luhn.calc_check_digit(body)

    def gansu_id_luhn(self) -> str:
        """An 18-digit Gansu (62…) resident ID that also passes Luhn: an ID, never a card."""
        gansu = [c for c in self.counties if c.startswith("62")]
        while True:
            v = self.id18()
            v = self.r.choice(gansu) + v[6:17]
            v += cn_resident_id.calc_check_digit(v)
            if v[-1] != "X" and luhn.is_valid(v):
                return v

    def card_no_luhn(self) -> str:
        c = self.card()
        return c[:-1] + str((int(c[-1]) + 1 + self.r.randrange(9)) % 10)

    def written_mobile(self, m: str) -> str:
        form = self.r.randrange(8)
        if form == 0:
            return f"{m[:3]} {m[3:7]} {m[7:]}"
        if form == 1:
            return f"{m[:3]}-{m[3:7]}-{m[7:]}"
        if form == 2:
            return f"+86{m}"
        if form == 3:
            return f"+86 {m}"
        if form == 4:
            return f"0086-{m}"
        return m

    def written_card(self, c: str) -> str:
        if self.r.random() < 0.3:
            return " ".join(c[i:i + 4] for i in range(0, len(c), 4))
        return c

    # ------------------------------------------------------------------ hard negatives
    def epoch_ms(self) -> str:
        return str(self.r.randrange(1_500_000_000_000, 1_800_000_000_000))

    def order_id(self) -> str:
        return dt.date(2024, 1, 1).strftime("%Y%m%d") + self.digits(10)

    def snowflake(self) -> str:
        return str(self.r.randrange(10**18, 2 * 10**18))

    def imei(self) -> str:
        body = self.r.choice(("35", "86", "49")) + self.digits(12)
        return body + luhn.calc_check_digit(body)

    def uid(self) -> str:
        return self.r.choice(("10", "11", "12", "14", "19")) + self.digits(9)

    def trace(self) -> str:
        return "".join(self.r.choice("0123456789abcdef") for _ in range(32))


_NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强"]
_CITIES = ["北京市朝阳区", "上海市浦东新区", "广州市天河区", "成都市武侯区"]


def _ts(g: _Gen) -> str:
    t = dt.datetime(2024, 5, 1) + dt.timedelta(seconds=g.r.randrange(86400 * 30))
    return t.strftime("%Y-%m-%d %H:%M:%S") + f".{g.r.randrange(1000):03d}"


def generate(n_lines: int = 4000, seed: int = 20240501) -> Corpus:
    g = _Gen(seed)
    c = Corpus()
    for _ in range(n_lines):
        kind = g.r.random()
        if kind < 0.30:
            c.lines.append(_app_line(g, c))
        elif kind < 0.50:
            c.lines.append(_json_line(g, c))
        elif kind < 0.68:
            c.lines.append(_nginx_line(g, c))
        elif kind < 0.76:
            c.lines.append(_masked_line(g))
        elif kind < 0.84:
            c.lines.append(_edge_line(g, c))
        else:
            c.lines.append(_negative_line(g))
    return c


def _app_line(g: _Gen, c: Corpus) -> str:
    name = g.r.choice(_NAMES)
    which = g.r.randrange(7)
    if which == 0:
        m = g.mobile()
        c.planted += 1
        ctx = g.r.choice(["联系电话", "手机号：", "收货人手机", "tel=", "用户", "请致电"])
        return f"{_ts(g)} INFO [order-svc] {name}{ctx}{g.written_mobile(m)}，订单号{g.order_id()}已创建"
    if which == 1:
        v = g.id18() if g.r.random() < 0.85 else g.id15()
        c.planted += 1
        ctx = g.r.choice(["身份证号", "证件号码:", "sfzh=", "实名认证 ", "用户"])
        return f"{_ts(g)} WARN [kyc] {name} {ctx}{v} 校验通过 ts={g.epoch_ms()}"
    if which == 2:
        v = g.card()
        c.planted += 1
        if g.r.random() < 0.1:
            v = g.card_no_luhn()
        ctx = g.r.choice(["银行卡号", "绑卡成功 卡号:", "card_no=", "尾号查询 ", "支付"])
        amount = f"{g.r.randrange(1, 99999)}.{g.r.randrange(100):02d}"
        return f"{_ts(g)} INFO [pay] {ctx}{g.written_card(v)} 金额 {amount}元"
    if which == 3:  # full-width digits
        m = g.mobile()
        c.planted += 1
        return f"{_ts(g)} INFO [cs] 客户{name}留言：我的手机是{m.translate(_FW)}，地址{g.r.choice(_CITIES)}"
    if which == 4:  # several values on one line, glued to CJK
        m, v = g.mobile(), g.id18()
        c.planted += 2
        return f"{_ts(g)} DEBUG 收货人{name}手机{m}身份证{v}地址{g.r.choice(_CITIES)}"
    if which == 5:  # negative context
        ms = g.r.randrange(999)
        return f"{_ts(g)} INFO 订单号{g.order_id()} trace={g.trace()} uid {g.uid()} 耗时 {ms}ms"
    ver = f"v{g.r.randrange(9)}.{g.r.randrange(20)}.3"
    return f"{_ts(g)} INFO [job] 批次{g.snowflake()} imei {g.imei()} 版本 {ver}"


def _json_line(g: _Gen, c: Corpus) -> str:
    rec: dict[str, object] = {"ts": int(g.epoch_ms()), "level": "INFO", "traceId": g.trace(),
                              "msg": g.r.choice(["用户注册", "下单成功", "实名认证", "绑卡"])}
    which = g.r.randrange(5)
    if which == 0:
        rec["mobile"] = g.mobile()
        c.planted += 1
    elif which == 1:
        rec["user"] = {"name": g.r.choice(_NAMES), "idCard": g.id18()}
        c.planted += 1
    elif which == 2:
        rec["phone"] = int(g.mobile())  # a JSON number
        c.planted += 1
    elif which == 3:
        rec["remark"] = f"联系人手机{g.mobile()}"
        c.planted += 1
    else:
        rec["orderNo"] = g.order_id()
        rec["snowflake"] = int(g.snowflake())
        rec["userId"] = int(g.uid())
    return json.dumps(rec, ensure_ascii=g.r.random() < 0.7)


def _nginx_line(g: _Gen, c: Corpus) -> str:
    ip = ".".join(str(g.r.randrange(1, 255)) for _ in range(4))
    which = g.r.randrange(5)
    if which == 0:
        m = g.written_mobile(g.mobile())
        c.planted += 1
        q = f"mobile={quote(m, safe='')}&source=app"
    elif which == 1:
        c.planted += 1
        q = f"idcard={g.id18()}&name={quote(g.r.choice(_NAMES))}"
    elif which == 2:
        c.planted += 1
        q = f"q={quote('手机 ' + g.mobile())}&page=2"
    elif which == 3:
        c.planted += 1
        q = f"cardNo={quote(g.written_card(g.card()))}"
    else:
        q = f"orderId={g.order_id()}&t={g.epoch_ms()}&sku={g.digits(12)}"
    return (f'{ip} - - [01/May/2024:12:{g.r.randrange(60):02d}:00 +0800] "GET /api/v1/user?{q} HTTP/1.1" '
            f'200 {g.r.randrange(100, 99999)} "-" "Mozilla/5.0" {g.r.randrange(1, 999) / 1000}')


def _masked_line(g: _Gen) -> str:
    m, v, card = g.mobile(), g.id18(), g.card()
    which = g.r.randrange(6)
    if which == 0:
        return f"{_ts(g)} INFO 已脱敏 手机 {m[:3]}****{m[7:]}"
    if which == 1:
        return f"{_ts(g)} INFO 手机号 {m[:3]} **** {m[7:]} 已验证"
    if which == 2:
        return f"{_ts(g)} INFO 身份证 {v[:6]}********{v[14:]}"
    if which == 3:
        return f"{_ts(g)} INFO 证件号 {v[:10]}****{v[14:]} (weak)"
    if which == 4:
        return f"{_ts(g)} INFO 银行卡 {card[:4]} **** **** {card[-4:]}"
    return f"{_ts(g)} INFO 卡号 {card[:6]}{'*' * (len(card) - 10)}{card[-4:]}"


def _edge_line(g: _Gen, c: Corpus) -> str:
    """Cases that exercise every scoring branch: overlaps, needs_context, sub-threshold + context…"""
    which = g.r.randrange(9)
    c.planted += 1
    if which == 0:
        return f"{_ts(g)} 甘肃用户 身份证{g.gansu_id_luhn()} 已登记"
    if which == 1:
        return f"{_ts(g)} 同步 {g.gansu_id_luhn()} done"
    if which == 2:
        return f"{_ts(g)} INFO 储蓄卡 {g.card_no_luhn()} 开户成功"
    if which == 3:
        return f"{_ts(g)} INFO value {g.card_no_luhn()} stored"  # non-Luhn, no context: dropped
    if which == 4:
        return f"{_ts(g)} payload {g.mobile()} processed ok"  # no context word at all
    if which == 5:
        return f"{_ts(g)} 旧证 身份证号码{g.id15()} 迁移"  # 15-digit ID, raised over the threshold by context
    if which == 6:
        return f"{_ts(g)} legacy {g.id15()} migrated"
    if which == 7:
        return json.dumps({"\u624b\u673a": "x", "remark": f"手机号{g.mobile()}"}, ensure_ascii=True)
    return f"{_ts(g)} GET /s?kw=%E6%89%8B%E6%9C%BA{g.mobile()}&uid={g.uid()}"


def _negative_line(g: _Gen) -> str:
    which = g.r.randrange(6)
    if which == 0:
        return f"{_ts(g)} metrics ts={g.epoch_ms()} cost={g.r.randrange(1000)} bytes={g.digits(11)}"
    if which == 1:
        return f"{_ts(g)} device imei={g.imei()} iccid=8986{g.digits(16)} sn={g.trace()[:16]}"
    if which == 2:
        amount = f"{g.digits(5)}.{g.digits(2)}"
        return f"{_ts(g)} order_no={g.order_id()} snowflake={g.snowflake()} amount={amount}"
    if which == 3:
        return f"{_ts(g)} request_id={g.digits(20)} span={g.trace()} ver=13.{g.digits(3)}.{g.digits(4)}"
    if which == 4:
        return f"{_ts(g)} decimal {g.mobile()}.5 and x{g.mobile()} and {g.mobile()}y in a token"
    return f"{_ts(g)} user_id={g.uid()} qq={g.digits(10)} version 1.{g.digits(2)}.{g.digits(3)}"


def generate_diluted(n_lines: int, filler_per_line: int, seed: int = 20240501) -> Corpus:
    """``generate(n_lines)`` with ``filler_per_line`` PI-free lines after each line (realistic density:
    the sample has PI on ~2/3 of its lines; 25 filler lines make it about 1 line in 40)."""
    base = generate(n_lines, seed)
    g = _Gen(seed + 1)
    out = Corpus(planted=base.planted)
    for line in base.lines:
        out.lines.append(line)
        out.lines.extend(_filler_line(g) for _ in range(filler_per_line))
    return out


def _filler_line(g: _Gen) -> str:
    which = g.r.randrange(4)
    if which == 0:
        ip = ".".join(str(g.r.randrange(1, 255)) for _ in range(4))
        minute = g.r.randrange(60)
        return (f'{ip} - - [01/May/2024:12:{minute:02d}:00 +0800] "GET /static/app.{g.trace()[:8]}.js '
                f'HTTP/1.1" 200 {g.r.randrange(100, 99999)} "-" "Mozilla/5.0"')
    if which == 1:
        return json.dumps({"ts": int(g.epoch_ms()), "level": "INFO", "traceId": g.trace(), "msg": "heartbeat",
                           "latency_ms": g.r.randrange(500)})
    if which == 2:
        cost = g.r.randrange(999)
        return f"{_ts(g)} INFO [gateway] 请求处理完成 path=/api/v1/items status=200 cost={cost}ms"
    ratio, keys = g.r.random(), g.r.randrange(9999)
    return f"{_ts(g)} DEBUG cache hit ratio {ratio:.3f} for region cn-north-1, keys={keys}"
