#!/usr/bin/env python3
"""Generate piscan's bundled example data in ``examples/`` — reproducibly, from a fixed seed.

ALL VALUES ARE SYNTHETIC. Every name, resident ID, mobile number, bank card, e-mail address, order number
and address in ``examples/`` is made up by this script with a fixed random seed: IDs get a computed
MOD 11-2 check character over a GB/T 2260 county code and a random birth date, mobiles a random tail
after an allocated segment, cards a random body after a BIN from the offline table with a Luhn check
digit (all checked with ``piscan.detection.validators``). None of them belongs to a real person; any
match with a real number is a coincidence of random generation. E-mail addresses use the reserved
example.com / example.net / example.org domains. The organisation in ``examples/org.yaml`` is fictional.

What it writes:

  logs/app.log                     ~300 lines: app log, JSON log lines (some with \\u escapes), nginx
                                   access lines with percent-encoded query strings, a stack trace;
                                   full and masked values; hard negatives (epoch-ms, order numbers, IMEIs…)
  logs/legacy-gbk.log              an old system's log encoded in GB18030
  logs/app-2026-11-26.log.gz       yesterday's rotated log, gzip (deterministic header: no name, mtime 0)
  dumps/shop-mysqldump.sql         real ``mysqldump`` of users / bank_cards / orders (MariaDB, db ``test``)
  dumps/shop-pgdump.sql            real ``pg_dump`` plain format (COPY) of schema ``shop`` (PostgreSQL, db ``test``)
  dumps/shop-pgdump.dump           the same schema as a ``pg_dump -Fc`` custom-format archive (what backups use)
  exports/customers.csv            CRM export: UTF-8 with BOM, CRLF, quoted multi-line remarks
  exports/events.jsonl             event stream with nested keys (profile.emergency_contact.phone …)
  apps/android/AndroidManifest.xml, apps/ios/Info.plist,
  apps/harmony/entry/src/main/module.json5 (+ resources/base/element/string.json),
  apps/wechat/app.json             manifests of one shopping app, with some over-scope permissions
  org.yaml                         organisation config for ``--format report``

examples/README.md (what each file shows) is written by hand.

The dumps are made by the real clients against the live servers (MariaDB 127.0.0.1:3306 root, no
password; PostgreSQL 127.0.0.1:5432 user postgres), in the ``test`` database; the tables are dropped
afterwards. Without the servers, ``--skip-dumps`` regenerates everything else and keeps the dumps.

Usage: python scripts/make_examples.py [--out examples] [--skip-dumps]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
try:
    import piscan  # noqa: F401
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT / "src"))

from piscan.detection.validators import cn_bank_card, cn_mobile, cn_resident_id  # noqa: E402
from piscan.testing.generate import FULLWIDTH, LineGen, NegativeGen, ValueGen  # noqa: E402

SEED = 20261127
#: the generators' "today": fixed, so birth dates (and so the values) do not depend on when this runs
TODAY = dt.date(2026, 11, 1)
CST = dt.timezone(dt.timedelta(hours=8))
N_USERS = 50

SYNTHETIC_NOTE = "All values in this file are synthetic (scripts/make_examples.py); no real person's data."

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
         "霞", "平", "刚", "桂英", "浩然", "子涵", "雨桐", "欣怡", "梓萱", "一诺", "思远", "宇轩", "建华", "晓燕",
         "文博", "佳琪", "俊杰", "婷婷", "志强", "海燕", "国庆", "春梅"]
HANDLES = ["sunny", "xiaoyu", "leo", "momo", "tiger", "kiki", "coco", "alan", "bean", "echo", "lucky", "mia",
           "nemo", "orange", "panda", "river", "sky", "tom", "vivi", "winter"]
MAIL_DOMAINS = ["example.com", "example.net", "example.org"]
CITIES = ["北京市朝阳区", "上海市浦东新区", "广州市天河区", "深圳市南山区", "杭州市西湖区", "成都市武侯区",
          "武汉市洪山区", "南京市鼓楼区", "西安市雁塔区", "长沙市岳麓区"]
ROADS = ["建设路", "人民路", "中山路", "解放路", "和平路", "文化路", "新华路", "长江路", "学府路", "科技园路"]
RELATIONS = ["配偶", "父亲", "母亲", "子女", "朋友", "同事"]


# --------------------------------------------------------------------------- the synthetic people
@dataclass(slots=True)
class Person:
    uid: int
    name: str
    id_card: str | None  # None: not yet verified (real-name step skipped)
    mobile: str
    email: str | None
    created_at: dt.datetime
    cards: list[str]
    address: str
    contact_name: str
    contact_phone: str


def _resident_id_born(rng: random.Random, born: dt.date) -> str:
    """A valid 18-character ID with the given birth date (minors for the S-09/U-09 demonstration)."""
    counties = [c for c, (_, status) in cn_resident_id.regions().items() if not c.endswith("00")
                and status == "current"]
    first17 = rng.choice(counties) + born.strftime("%Y%m%d") + f"{rng.randint(0, 999):03d}"
    return first17 + cn_resident_id.calc_check_digit(first17)


def _card(v: ValueGen) -> str:
    """A card whose BIN is in the offline table (so the bank name is known)."""
    while True:
        number = v.card()
        if cn_bank_card.bin_of(number):
            return number


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def make_people(rng: random.Random, v: ValueGen) -> list[Person]:
    people: list[Person] = []
    mobiles: set[str] = set()
    start = dt.datetime(2025, 3, 1, 9, 0, 0)
    for uid in range(1, N_USERS + 1):
        if uid in (17, 38):  # two children's accounts (under 14 at any scan date before 2029)
            id_card: str | None = _resident_id_born(rng, dt.date(2016 if uid == 17 else 2018, rng.randint(1, 12),
                                                                 rng.randint(1, 28)))
        elif rng.random() < 0.12:
            id_card = None
        else:
            id_card = v.resident_id("id18")
        while (mobile := v.mobile()) in mobiles:
            pass
        mobiles.add(mobile)
        n_cards = rng.choices([0, 1, 1, 1, 2], k=1)[0]
        email = None if rng.random() < 0.2 else \
            f"{rng.choice(HANDLES)}{rng.randint(1, 9999)}@{rng.choice(MAIL_DOMAINS)}"
        start += dt.timedelta(hours=rng.randint(20, 200), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
        people.append(Person(
            uid=uid, name=_name(rng), id_card=id_card, mobile=mobile, email=email, created_at=start,
            cards=[_card(v) for _ in range(n_cards)],
            address=f"{rng.choice(CITIES)}{rng.choice(ROADS)}{rng.randint(1, 999)}号{rng.randint(1, 30)}栋"
                    f"{rng.randint(1, 28)}{rng.randint(1, 4):02d}室",
            contact_name=_name(rng), contact_phone=v.mobile()))
    return people


def check_people(people: list[Person]) -> None:
    """Every full value is valid by piscan's own validators (so every one is a finding)."""
    for p in people:
        if p.id_card:
            cn_resident_id.validate(p.id_card, TODAY)
        cn_mobile.validate(p.mobile)
        cn_mobile.validate(p.contact_phone)
        for c in p.cards:
            if not cn_bank_card.is_valid(c):
                raise AssertionError(f"generated card fails validation: uid {p.uid}")


def mask_mobile(m: str) -> str:
    return m[:3] + "****" + m[7:]


def mask_card(c: str) -> str:
    return c[:6] + "*" * (len(c) - 10) + c[-4:]


def mask_id(i: str) -> str:
    return i[:6] + "*" * 8 + i[14:]


def mask_name(n: str) -> str:
    return n[0] + "*" * (len(n) - 1)


@dataclass(slots=True)
class Order:
    order_no: str
    uid: int
    amount: str
    card: str | None
    receiver_mobile: str
    created_at: dt.datetime


def make_orders(rng: random.Random, people: list[Person]) -> list[Order]:
    orders = []
    t = dt.datetime(2026, 11, 20, 8, 0, 0)
    for _ in range(56):
        p = rng.choice(people)
        t += dt.timedelta(minutes=rng.randint(3, 240), seconds=rng.randint(0, 59))
        # 20-digit order number: yyyymmddHHMMSS + 6 digits (a hard negative: long, numeric, ID-like date)
        order_no = t.strftime("%Y%m%d%H%M%S") + f"{rng.randint(0, 999999):06d}"
        card = rng.choice(p.cards) if p.cards and rng.random() < 0.8 else None
        receiver = p.mobile if rng.random() < 0.7 else p.contact_phone
        orders.append(Order(order_no, p.uid, f"{rng.randint(9, 3999)}.{rng.choice(['00', '50', '90', '99'])}",
                            card, receiver, t))
    return orders


# --------------------------------------------------------------------------- logs
_ZH_TS = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}")
_NGINX_TS = re.compile(r"\[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0800\]")
_JSON_TS = re.compile(r'^\{"ts":( ?)\d{13}')
_CONSOLE_TS = re.compile(r"^\x1b\[2m\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}")


def _ms(t: dt.datetime) -> int:
    return int(t.replace(tzinfo=CST).timestamp() * 1000)


def _zh_ts(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S.") + f"{t.microsecond // 1000:03d}"


def _restamp(text: str, t: dt.datetime) -> str:
    """Give a LineGen line the time ``t`` (its own timestamps are random; a log runs forward)."""
    if _ZH_TS.match(text):
        return _ZH_TS.sub(_zh_ts(t), text, count=1)
    if _JSON_TS.match(text):
        return _JSON_TS.sub(lambda m: '{"ts":' + m.group(1) + str(_ms(t)), text, count=1)
    if _NGINX_TS.search(text):
        return _NGINX_TS.sub("[" + t.strftime("%d/%b/%Y:%H:%M:%S") + " +0800]", text, count=1)
    if _CONSOLE_TS.match(text):  # a coloured console line: its timestamp inside the first colour code
        return _CONSOLE_TS.sub("\x1b[2m" + _zh_ts(t), text, count=1)
    return f"{_zh_ts(t)} WARN [gateway] {text}"


class StoryLines:
    """Hand-written log lines about the synthetic people (registration, KYC, card binding, errors)."""

    def __init__(self, rng: random.Random, people: list[Person], orders: list[Order]) -> None:
        self.rng, self.people, self.orders = rng, people, orders
        self.neg = NegativeGen(rng)

    def lines(self, t: dt.datetime) -> list[str]:
        rng, neg = self.rng, self.neg
        p = rng.choice(self.people)
        ts = _zh_ts(t)
        tid = neg.hex_id()[:16]
        kind = rng.choice(["register", "kyc", "bind", "order", "sms", "sql", "json_kyc", "nginx_verify",
                           "login", "dup", "note", "masked"])
        if kind == "register":
            return [f"{ts} INFO [user-svc,{tid}] c.e.user.RegisterController - 注册成功 uid={p.uid} "
                    f"mobile={p.mobile} channel={rng.choice(['app', 'h5', 'miniprogram'])} ts={_ms(t)}"]
        if kind == "kyc" and p.id_card:
            return [f"{ts} INFO [user-svc,{tid}] c.e.user.RealNameService - 实名认证请求 姓名={p.name} "
                    f"身份证号={p.id_card} 手机号={p.mobile} reqId={neg.snowflake()}"]
        if kind == "bind" and p.cards:
            return [f"{ts} WARN [pay-svc,{tid}] c.e.pay.BindCardService - 绑卡失败 code=E1023 "
                    f"msg=预留手机号不一致 cardNo={p.cards[0]} bankMobile={p.mobile} userId={p.uid}"]
        if kind == "order":
            o = rng.choice(self.orders)
            card = f" payCard={mask_card(o.card)}" if o.card else ""
            return [f"{ts} INFO [order,{tid}] c.e.order.OrderService - 下单成功 orderNo={o.order_no} "
                    f"userId={o.uid} amount={o.amount}{card} receiverPhone={mask_mobile(o.receiver_mobile)}"]
        if kind == "sms":
            return [f"{ts} INFO [sms-gw,{tid}] 短信发送成功 to=+86{p.mobile} template=SMS_LOGIN_CODE "
                    f"bizId={neg.snowflake()} cost={rng.randint(20, 400)}ms"]
        if kind == "sql" and p.id_card:
            return [f"{ts} DEBUG [user-svc,{tid}] o.m.b.logging.jdbc.BaseJdbcLogger - ==> Parameters: "
                    f"{p.id_card}(String), {p.uid}(Integer)"]
        if kind == "json_kyc" and p.id_card:
            obj = {"ts": _ms(t), "level": "info", "logger": "kyc", "msg": "实名认证通过",
                   "realName": p.name, "idCard": p.id_card, "traceId": tid}
            return [json.dumps(obj, ensure_ascii=True, separators=(",", ":"))]  # \u escapes for the Chinese
        if kind == "nginx_verify":
            q = urllib.parse.urlencode({"name": p.name, "mobile": "+86 " + p.mobile, "t": _ms(t)})
            return [f'{neg.ip()} - - [{t.strftime("%d/%b/%Y:%H:%M:%S")} +0800] "GET /api/v1/user/verify?{q} '
                    f'HTTP/1.1" 200 {rng.randint(80, 900)} "-" "okhttp/4.12.0" {rng.randint(5, 300) / 1000:.3f}']
        if kind == "dup" and p.id_card:
            return [f"{ts} ERROR [user-svc,{tid}] c.e.common.GlobalExceptionHandler - 请求处理异常 "
                    "uri=/api/v1/user/kyc",
                    "org.springframework.dao.DuplicateKeyException: ",
                    "### Error updating database.  Cause: java.sql.SQLIntegrityConstraintViolationException: "
                    f"Duplicate entry '{p.id_card}' for key 'uk_users_id_card'",
                    "\tat org.springframework.jdbc.support.SQLErrorCodeSQLExceptionTranslator.doTranslate"
                    "(SQLErrorCodeSQLExceptionTranslator.java:247)",
                    "\tat com.example.user.service.RealNameService.submit(RealNameService.java:88)",
                    "\tat com.example.user.web.KycController.kyc(KycController.java:41)",
                    "\t... 58 common frames omitted"]
        if kind == "login":
            return [f"{ts} INFO [auth,{tid}] 登录成功 user={mask_mobile(p.mobile)} ip={neg.ip()} "
                    f"device_imei={neg.imei()} ts={_ms(t)}"]
        if kind == "note":  # typed in a CJK input method: full-width digits
            return [f"{ts} INFO [cs-svc,{tid}] 在线客服留言 userId={p.uid} 内容=快递放门卫，到了打我电话"
                    f"{p.mobile.translate(FULLWIDTH)}谢谢"]
        # masked-only line (properly masked data: still reported, at a low level)
        idm = f" 证件号={mask_id(p.id_card)}" if p.id_card else ""
        return [f"{ts} INFO [cs-svc,{tid}] 客服查询 客户={mask_name(p.name)} 手机={mask_mobile(p.mobile)}{idm} "
                f"工单号={neg.order_no()}"]


def make_app_log(seed: int, day: dt.date, n_lines: int, people: list[Person], orders: list[Order],
                 stories: bool = True) -> str:
    rng = random.Random(seed)
    gen = LineGen(seed, today=TODAY)
    story = StoryLines(rng, people, orders)
    t = dt.datetime.combine(day, dt.time(0, 0, 3, 117000))
    out: list[str] = []
    while len(out) < n_lines:
        t += dt.timedelta(seconds=rng.randint(1, 260), milliseconds=rng.randint(0, 999))
        if stories and rng.random() < 0.3:
            out.extend(story.lines(t))
        else:
            out.append(_restamp(gen.line(rng.random() < 0.4).text, t))
    return "\n".join(out) + "\n"


def make_gbk_log(rng: random.Random, people: list[Person]) -> str:
    neg = NegativeGen(rng)
    t = dt.datetime(2019, 3, 12, 8, 15, 2, 114000)
    lines = ["# 会员系统旧版日志（GBK 编码，2019 年迁移前的老系统）"]
    for i, p in enumerate(people[:12]):
        t += dt.timedelta(minutes=rng.randint(1, 90), seconds=rng.randint(0, 59), milliseconds=rng.randint(0, 999))
        stamp = t.strftime("%Y-%m-%d %H:%M:%S,") + f"{t.microsecond // 1000:03d}"
        if i % 4 == 0 and p.id_card:
            lines.append(f"{stamp} [信息] 会员注册：姓名={p.name}，身份证号码={p.id_card}，联系电话={p.mobile}")
        elif i % 4 == 1 and p.cards:
            lines.append(f"{stamp} [信息] 绑定银行卡：会员号={p.uid:08d}，卡号={p.cards[0]}，"
                         f"开户行={cn_bank_card.bins()[cn_bank_card.bin_of(p.cards[0]) or ''][0]}")
        elif i % 4 == 2:
            lines.append(f"{stamp} [警告] 短信发送失败：手机号码 {p.mobile}，错误码 {rng.randint(4000, 4999)}，"
                         f"流水号 {neg.order_no()}")
        else:
            lines.append(f"{stamp} [信息] 会员查询：手机 {mask_mobile(p.mobile)}，时间戳 {neg.epoch_ms()}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- dumps
MYSQL_DDL = [
    """CREATE TABLE users (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  name VARCHAR(32) NOT NULL COMMENT '姓名',
  id_card CHAR(18) DEFAULT NULL COMMENT '身份证号',
  mobile VARCHAR(20) NOT NULL COMMENT '手机号',
  email VARCHAR(64) DEFAULT NULL,
  created_at DATETIME NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_users_mobile (mobile),
  UNIQUE KEY uk_users_id_card (id_card)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='会员'""",
    """CREATE TABLE bank_cards (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id INT UNSIGNED NOT NULL,
  card_no VARCHAR(19) NOT NULL COMMENT '银行卡号',
  bank VARCHAR(64) NOT NULL COMMENT '发卡行',
  card_type VARCHAR(16) DEFAULT NULL,
  bound_at DATETIME NOT NULL,
  PRIMARY KEY (id),
  KEY idx_bank_cards_user (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='绑定银行卡'""",
    """CREATE TABLE orders (
  order_no CHAR(20) NOT NULL COMMENT '订单号',
  user_id INT UNSIGNED NOT NULL,
  amount DECIMAL(10,2) NOT NULL,
  pay_card_masked VARCHAR(23) DEFAULT NULL COMMENT '支付卡号（脱敏）',
  receiver_mobile_masked VARCHAR(13) NOT NULL COMMENT '收货人手机（脱敏）',
  created_at DATETIME NOT NULL,
  PRIMARY KEY (order_no),
  KEY idx_orders_user (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='订单'""",
]
PG_DDL = [
    "CREATE SCHEMA shop",
    """CREATE TABLE shop.users (
  id serial PRIMARY KEY,
  name varchar(32) NOT NULL,
  id_card char(18) UNIQUE,
  mobile varchar(20) NOT NULL UNIQUE,
  email varchar(64),
  created_at timestamp(0) NOT NULL
)""",
    "COMMENT ON COLUMN shop.users.id_card IS '身份证号'",
    """CREATE TABLE shop.bank_cards (
  id serial PRIMARY KEY,
  user_id integer NOT NULL REFERENCES shop.users(id),
  card_no varchar(19) NOT NULL,
  bank varchar(64) NOT NULL,
  card_type varchar(16),
  bound_at timestamp(0) NOT NULL
)""",
    """CREATE TABLE shop.orders (
  order_no char(20) PRIMARY KEY,
  user_id integer NOT NULL REFERENCES shop.users(id),
  amount numeric(10,2) NOT NULL,
  pay_card_masked varchar(23),
  receiver_mobile_masked varchar(13) NOT NULL,
  created_at timestamp(0) NOT NULL
)""",
    "COMMENT ON COLUMN shop.orders.order_no IS '订单号'",
]
TABLES = ("users", "bank_cards", "orders")


def table_rows(people: list[Person], orders: list[Order]) -> dict[str, list[tuple]]:
    users = [(p.uid, p.name, p.id_card, p.mobile, p.email, p.created_at) for p in people]
    cards = []
    for p in people:
        for i, c in enumerate(p.cards):
            bank, ctype = cn_bank_card.bins()[cn_bank_card.bin_of(c) or ""]
            cards.append((len(cards) + 1, p.uid, c, bank, ctype or None,
                          p.created_at + dt.timedelta(days=1 + 30 * i, minutes=17)))
    rows = [(o.order_no, o.uid, o.amount, mask_card(o.card) if o.card else None, mask_mobile(o.receiver_mobile),
             o.created_at) for o in orders]
    return {"users": users, "bank_cards": cards, "orders": rows}


def _reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=3):
            return True
    except OSError:
        return False


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if not path:
        sys.exit(f"make_examples: `{tool}` is not installed (apt-get install mariadb-client postgresql-client), "
                 "or run with --skip-dumps to keep the committed dumps")
    return path


def make_dumps(out: Path, rows: dict[str, list[tuple]]) -> None:
    for port, what in ((3306, "MariaDB/MySQL at 127.0.0.1:3306 (root, no password)"),
                       (5432, "PostgreSQL at 127.0.0.1:5432 (user postgres)")):
        if not _reachable(port):
            sys.exit(f"make_examples: cannot reach {what}; the dumps are made with the real mysqldump and "
                     "pg_dump from a live server. Start the servers (bash .ci/ensure-services.sh) or run with "
                     "--skip-dumps to keep the committed dumps")
    mysqldump, pg_dump = _need("mysqldump"), _need("pg_dump")
    (out / "dumps").mkdir(parents=True, exist_ok=True)
    _mysql_dump(mysqldump, out / "dumps" / "shop-mysqldump.sql", rows)
    _pg_dump(pg_dump, out / "dumps" / "shop-pgdump.sql", rows)


def _mysql_dump(mysqldump: str, dest: Path, rows: dict[str, list[tuple]]) -> None:
    import pymysql

    con = pymysql.connect(host="127.0.0.1", port=3306, user="root", database="test", charset="utf8mb4",
                          autocommit=True)
    created = False
    try:
        with con.cursor() as cur:
            cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'test' "
                        "AND table_name IN ('users', 'bank_cards', 'orders')")
            if taken := [r[0] for r in cur.fetchall()]:
                sys.exit(f"make_examples: MariaDB test.{', test.'.join(taken)} already exist; they are not "
                         "ours to drop — remove them first")
            created = True
            for ddl in MYSQL_DDL:
                cur.execute(ddl)
            for table in TABLES:
                ph = ",".join(["%s"] * len(rows[table][0]))
                cur.executemany(f"INSERT INTO {table} VALUES ({ph})", rows[table])
        with open(dest, "wb") as fh:
            subprocess.run([mysqldump, "-h127.0.0.1", "-P3306", "-uroot", "--skip-dump-date",
                            "--default-character-set=utf8mb4", "test", *TABLES], stdout=fh, check=True)
    finally:
        if created:
            with con.cursor() as cur:
                cur.execute("DROP TABLE IF EXISTS orders, bank_cards, users")
        con.close()


def _pg_dump(pg_dump: str, dest: Path, rows: dict[str, list[tuple]]) -> None:
    import psycopg

    con = psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=5", autocommit=True)
    created = False
    try:
        if con.execute("SELECT 1 FROM pg_namespace WHERE nspname = 'shop'").fetchone():
            sys.exit("make_examples: PostgreSQL schema test.shop already exists; it is not ours to drop — "
                     "remove it first")
        created = True
        for ddl in PG_DDL:
            con.execute(ddl)
        with con.cursor() as cur:
            for table in TABLES:
                ph = ",".join(["%s"] * len(rows[table][0]))
                cur.executemany(f"INSERT INTO shop.{table} VALUES ({ph})", rows[table])
        for table in ("users", "bank_cards"):
            con.execute(f"SELECT setval('shop.{table}_id_seq', (SELECT max(id) FROM shop.{table}))")
        flags = ["--restrict-key=piscanexamples"] if "--restrict-key" in subprocess.run(
            [pg_dump, "--help"], capture_output=True, text=True).stdout else []
        with open(dest, "wb") as fh:
            subprocess.run([pg_dump, "-h127.0.0.1", "-p5432", "-Upostgres", "--schema=shop", *flags, "test"],
                           stdout=fh, check=True, env={**os.environ, "PGCONNECT_TIMEOUT": "5"})
        with open(dest.with_suffix(".dump"), "wb") as fh:  # custom format (its header holds the dump time)
            subprocess.run([pg_dump, "-h127.0.0.1", "-p5432", "-Upostgres", "--schema=shop", "-Fc", "test"],
                           stdout=fh, check=True, env={**os.environ, "PGCONNECT_TIMEOUT": "5"})
    finally:
        if created:
            con.execute("DROP SCHEMA IF EXISTS shop CASCADE")
        con.close()


# --------------------------------------------------------------------------- exports
def make_customers_csv(rng: random.Random, people: list[Person], orders: list[Order]) -> bytes:
    neg = NegativeGen(rng)
    last_order = {o.uid: o.order_no for o in orders}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["客户编号", "姓名", "证件类型", "证件号码", "手机号", "电子邮箱", "常用银行卡（脱敏）", "收货地址",
                "最近订单号", "会员积分", "备注"])
    for p in people[:36]:
        remark = ""
        r = rng.random()
        if r < 0.25:
            remark = f"客户来电要求修改收货地址\n备用联系人：{p.contact_name}（{rng.choice(RELATIONS)}）" \
                     f"电话 {p.contact_phone}"
        elif r < 0.4 and p.cards:
            remark = f"退款原路返回至尾号{p.cards[0][-4:]}的银行卡，\"加急\"处理\n工单 {neg.order_no()}"
        elif r < 0.5:
            remark = "VIP客户，勿扰时段 22:00-08:00"
        w.writerow([f"C{p.uid:06d}", p.name, "居民身份证" if p.id_card else "", p.id_card or "", p.mobile,
                    p.email or "", mask_card(p.cards[0]) if p.cards else "", p.address,
                    last_order.get(p.uid, ""), rng.randint(0, 99999), remark])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # Excel-style export: BOM, CRLF


def make_events_jsonl(rng: random.Random, people: list[Person], orders: list[Order]) -> str:
    neg = NegativeGen(rng)
    t = dt.datetime(2026, 11, 27, 7, 30, 0)
    lines = []
    for _ in range(40):
        p = rng.choice(people)
        t += dt.timedelta(seconds=rng.randint(5, 900))
        ev: dict = {"event_id": neg.uuid(), "ts": _ms(t), "type": "", "app": {"platform": rng.choice(
            ["android", "ios", "harmony", "wechat"]), "version": f"5.{rng.randint(0, 9)}.{rng.randint(0, 30)}"}}
        kind = rng.choice(["profile.updated", "kyc.submitted", "card.bound", "order.paid", "app.launch"])
        ev["type"] = kind
        if kind == "profile.updated":
            ev["user"] = {"id": p.uid, "profile": {
                "nickname": rng.choice(HANDLES), "mobile": p.mobile,
                "emergency_contact": {"name": p.contact_name, "relation": rng.choice(RELATIONS),
                                      "phone": p.contact_phone}}}
        elif kind == "kyc.submitted" and p.id_card:
            ev["user"] = {"id": p.uid, "kyc": {"real_name": p.name, "id_card": p.id_card,
                                               "id_card_masked": mask_id(p.id_card), "result": "PASS"}}
        elif kind == "card.bound" and p.cards:
            ev["user"] = {"id": p.uid}
            ev["payment"] = {"card": {"number": p.cards[0], "bank": cn_bank_card.bins()[
                cn_bank_card.bin_of(p.cards[0]) or ""][0], "reserved_mobile": p.mobile}}
        elif kind == "order.paid":
            o = rng.choice(orders)
            ev["user"] = {"id": o.uid}
            ev["order"] = {"order_no": o.order_no, "amount": float(o.amount),
                           "pay": {"channel": "unionpay", "card_masked": mask_card(o.card) if o.card else None},
                           "receiver": {"phone_masked": mask_mobile(o.receiver_mobile)}}
        else:
            ev["type"] = "app.launch"
            ev["user"] = {"id": p.uid}
            ev["device"] = {"imei": neg.imei(), "oaid": neg.uuid(), "iccid": neg.iccid(), "ip": neg.ip()}
        lines.append(json.dumps(ev, ensure_ascii=False, separators=(",", ":")))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- app manifests
ANDROID_MANIFEST = """\
<?xml version="1.0" encoding="utf-8"?>
<!-- 示例优选 (a fictional online-shopping app, type 6 网上购物): merged manifest of the app module.
     Synthetic example for piscan (scripts/make_examples.py). -->
<manifest xmlns:android="http://schemas.android.com/apk/res/android"
    xmlns:tools="http://schemas.android.com/tools"
    package="com.example.youxuan"
    android:versionCode="50210"
    android:versionName="5.2.1">

    <uses-sdk android:minSdkVersion="24" android:targetSdkVersion="34" />

    <!-- normal permissions -->
    <uses-permission android:name="android.permission.INTERNET" />
    <uses-permission android:name="android.permission.ACCESS_NETWORK_STATE" />
    <uses-permission android:name="android.permission.ACCESS_WIFI_STATE" />
    <uses-permission android:name="android.permission.POST_NOTIFICATIONS" />
    <uses-permission android:name="android.permission.VIBRATE" />
    <uses-permission android:name="android.permission.USE_BIOMETRIC" />

    <!-- 扫码购 / 晒单 -->
    <uses-permission android:name="android.permission.CAMERA" />
    <uses-permission android:name="android.permission.READ_MEDIA_IMAGES" />
    <uses-permission
        android:name="android.permission.READ_EXTERNAL_STORAGE"
        android:maxSdkVersion="32" />

    <!-- 附近门店、配送地址 -->
    <uses-permission android:name="android.permission.ACCESS_FINE_LOCATION" />
    <uses-permission android:name="android.permission.ACCESS_COARSE_LOCATION" />
    <!-- added by the delivery-tracking SDK: background location is not needed by a shopping app -->
    <uses-permission android:name="android.permission.ACCESS_BACKGROUND_LOCATION" />

    <!-- 语音搜索 -->
    <uses-permission android:name="android.permission.RECORD_AUDIO" />

    <!-- "邀请好友" reads the whole address book; a contact picker needs no permission -->
    <uses-permission android:name="android.permission.READ_CONTACTS" />
    <!-- 大促日历提醒 -->
    <uses-permission android:name="android.permission.READ_CALENDAR" />
    <uses-permission android:name="android.permission.WRITE_CALENDAR" />

    <!-- device identifiers and the installed-app list (analytics and ads SDKs) -->
    <uses-permission-sdk-23 android:name="android.permission.READ_PHONE_STATE" />
    <uses-permission android:name="android.permission.QUERY_ALL_PACKAGES"
        tools:ignore="QueryAllPackagesPermission" />

    <!-- removed at merge time: the ads SDK asks for these, the app does not want them -->
    <uses-permission android:name="com.google.android.gms.permission.AD_ID" tools:node="remove" />
    <uses-permission android:name="android.permission.READ_SMS" tools:node="remove" />
    <!-- dropped in 5.0: <uses-permission android:name="android.permission.READ_CALL_LOG" /> -->

    <queries>
        <package android:name="com.tencent.mm" />
        <package android:name="com.eg.android.AlipayGphone" />
        <intent>
            <action android:name="android.media.action.IMAGE_CAPTURE" />
        </intent>
    </queries>

    <application
        android:name=".YouxuanApplication"
        android:allowBackup="false"
        android:icon="@mipmap/ic_launcher"
        android:label="@string/app_name"
        android:networkSecurityConfig="@xml/network_security_config"
        android:theme="@style/Theme.Youxuan">

        <activity
            android:name=".ui.SplashActivity"
            android:exported="true"
            android:theme="@style/Theme.Youxuan.Splash">
            <intent-filter>
                <action android:name="android.intent.action.MAIN" />
                <category android:name="android.intent.category.LAUNCHER" />
            </intent-filter>
        </activity>
        <activity android:name=".ui.MainActivity" android:exported="false" />
        <activity android:name=".ui.scan.ScanActivity" android:exported="false" />
        <activity
            android:name=".wxapi.WXPayEntryActivity"
            android:exported="true"
            android:launchMode="singleTop" />

        <service
            android:name=".push.YouxuanPushService"
            android:exported="false"
            android:permission="android.permission.BIND_JOB_SERVICE" />

        <provider
            android:name="androidx.core.content.FileProvider"
            android:authorities="com.example.youxuan.fileprovider"
            android:exported="false"
            android:grantUriPermissions="true">
            <meta-data
                android:name="android.support.FILE_PROVIDER_PATHS"
                android:resource="@xml/file_paths" />
        </provider>
    </application>
</manifest>
"""

IOS_PLIST = """\
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- 示例优选 iOS app (fictional). Synthetic example for piscan (scripts/make_examples.py). -->
<plist version="1.0">
<dict>
	<key>CFBundleDevelopmentRegion</key>
	<string>zh-Hans</string>
	<key>CFBundleDisplayName</key>
	<string>示例优选</string>
	<key>CFBundleExecutable</key>
	<string>$(EXECUTABLE_NAME)</string>
	<key>CFBundleIdentifier</key>
	<string>com.example.youxuan</string>
	<key>CFBundleInfoDictionaryVersion</key>
	<string>6.0</string>
	<key>CFBundleName</key>
	<string>$(PRODUCT_NAME)</string>
	<key>CFBundlePackageType</key>
	<string>APPL</string>
	<key>CFBundleShortVersionString</key>
	<string>5.2.1</string>
	<key>CFBundleVersion</key>
	<string>50210</string>
	<key>ITSAppUsesNonExemptEncryption</key>
	<false/>
	<key>LSRequiresIPhoneOS</key>
	<true/>
	<key>LSApplicationQueriesSchemes</key>
	<array>
		<string>weixin</string>
		<string>weixinULAPI</string>
		<string>alipays</string>
	</array>
	<key>NSCameraUsageDescription</key>
	<string>用于扫描商品条形码和拍摄评价晒单照片</string>
	<key>NSPhotoLibraryUsageDescription</key>
	<string>用于选择图片上传头像和评价晒单</string>
	<key>NSPhotoLibraryAddUsageDescription</key>
	<string>用于保存商品分享海报到相册</string>
	<key>NSLocationWhenInUseUsageDescription</key>
	<string>用于推荐附近门店并计算配送费</string>
	<key>NSLocationAlwaysAndWhenInUseUsageDescription</key>
	<string>为了更好的体验</string>
	<key>NSContactsUsageDescription</key>
	<string>Allow access to your contacts to invite friends.</string>
	<key>NSMicrophoneUsageDescription</key>
	<string></string>
	<key>NSFaceIDUsageDescription</key>
	<string>用于面容 ID 快捷登录和支付确认</string>
	<key>NSUserTrackingUsageDescription</key>
	<string>需要获取您的设备标识</string>
	<key>UIBackgroundModes</key>
	<array>
		<string>location</string>
		<string>remote-notification</string>
	</array>
	<key>UILaunchStoryboardName</key>
	<string>LaunchScreen</string>
	<key>UISupportedInterfaceOrientations</key>
	<array>
		<string>UIInterfaceOrientationPortrait</string>
	</array>
</dict>
</plist>
"""

HARMONY_MODULE = """\
// 示例优选 HarmonyOS NEXT app (fictional), Stage model entry module.
// Synthetic example for piscan (scripts/make_examples.py).
{
  module: {
    name: 'entry',
    type: 'entry',
    description: '$string:module_desc',
    mainElement: 'EntryAbility',
    deviceTypes: ['phone', 'tablet'],
    deliveryWithInstall: true,
    installationFree: false,
    pages: '$profile:main_pages',
    abilities: [
      {
        name: 'EntryAbility',
        srcEntry: './ets/entryability/EntryAbility.ets',
        description: '$string:EntryAbility_desc',
        icon: '$media:layered_image',
        label: '$string:EntryAbility_label',
        startWindowIcon: '$media:startIcon',
        startWindowBackground: '$color:start_window_background',
        exported: true,
        skills: [{ entities: ['entity.system.home'], actions: ['action.system.home'] }],
      },
    ],
    requestPermissions: [
      { name: 'ohos.permission.INTERNET' },
      { name: 'ohos.permission.GET_NETWORK_INFO' },
      {
        name: 'ohos.permission.APPROXIMATELY_LOCATION',
        reason: '$string:reason_location',
        usedScene: { abilities: ['EntryAbility'], when: 'inuse' },
      },
      {
        name: 'ohos.permission.LOCATION',
        reason: '$string:reason_location',
        usedScene: { abilities: ['EntryAbility'], when: 'inuse' },
      },
      {
        // delivery tracking in the background: not needed by a shopping app
        name: 'ohos.permission.LOCATION_IN_BACKGROUND',
        reason: '$string:reason_location_background',
        usedScene: { abilities: ['EntryAbility'], when: 'always' },
      },
      {
        name: 'ohos.permission.CAMERA',
        reason: '$string:reason_camera',
        usedScene: { abilities: ['EntryAbility'], when: 'inuse' },
      },
      {
        // voice search: declared without reason or usedScene
        name: 'ohos.permission.MICROPHONE',
      },
      {
        name: 'ohos.permission.READ_CONTACTS',
        reason: '$string:reason_contacts',
        usedScene: { abilities: ['EntryAbility'], when: 'inuse' },
      },
      {
        name: 'ohos.permission.APP_TRACKING_CONSENT',
        reason: '$string:reason_tracking',
        usedScene: { abilities: ['EntryAbility'], when: 'inuse' },
      },
    ],
  },
}
"""

HARMONY_STRINGS = {"string": [
    {"name": "module_desc", "value": "示例优选主模块"},
    {"name": "EntryAbility_desc", "value": "示例优选"},
    {"name": "EntryAbility_label", "value": "示例优选"},
    {"name": "reason_location", "value": "用于推荐附近门店并计算配送费"},
    {"name": "reason_location_background", "value": "用于在后台持续更新配送进度"},
    {"name": "reason_camera", "value": "用于扫描商品条形码和拍摄评价晒单照片"},
    {"name": "reason_contacts", "value": "为了更好的体验"},
    {"name": "reason_tracking", "value": "用于个性化推荐"},
]}

WECHAT_APP = {
    "pages": ["pages/index/index", "pages/category/category", "pages/cart/cart", "pages/mine/mine",
              "pages/address/edit", "pages/order/detail"],
    "window": {"navigationBarTitleText": "示例优选", "navigationBarBackgroundColor": "#ffffff",
               "navigationBarTextStyle": "black", "backgroundTextStyle": "light"},
    "tabBar": {"color": "#999999", "selectedColor": "#e4393c", "list": [
        {"pagePath": "pages/index/index", "text": "首页"},
        {"pagePath": "pages/category/category", "text": "分类"},
        {"pagePath": "pages/cart/cart", "text": "购物车"},
        {"pagePath": "pages/mine/mine", "text": "我的"}]},
    "permission": {"scope.userLocation": {"desc": "你的位置信息将用于推荐附近门店和计算配送费"}},
    "requiredPrivateInfos": ["getLocation", "chooseAddress", "chooseLocation", "onLocationChange",
                             "startLocationUpdateBackground"],
    "requiredBackgroundModes": ["location"],
    "__usePrivacyCheck__": True,
    "lazyCodeLoading": "requiredComponents",
    "style": "v2",
    "sitemapLocation": "sitemap.json",
}

ORG_YAML = """\
# Organisation and scope for the special-action report:
#   piscan scan examples --format report -o report.html --org-config examples/org.yaml
# Keys (src/piscan/reports/special_report.py load_org): name, unit, contact, period, mlps_level, scope,
# systems, owner. The organisation is fictional; all example data is synthetic.
organisation:
  name: 示例优选电子商务有限公司（虚构）
  unit: 信息安全与合规部
  contact: 合规专员 李工，privacy@example.com
  period: 2026-11-01 至 2026-11-27
  mlps_level: 第二级
  scope: >-
    示例优选商城（Android、iOS、HarmonyOS 应用与微信小程序）及其会员、订单、支付系统的
    应用日志、数据库备份与运营数据导出
  systems:
    - 会员中心（MariaDB）
    - 订单与支付（PostgreSQL）
    - 应用日志平台
    - 客服 CRM 导出
    - 移动应用与微信小程序
  owner: 信息安全与合规部
  app_types: [wangshang-gouwu]
"""

# --------------------------------------------------------------------------- main
def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)


def _gzip(text: str) -> bytes:
    buf = io.BytesIO()
    # mtime 0 and no stored file name: the same bytes on every run
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    return buf.getvalue()


def generate(out: Path, skip_dumps: bool = False) -> None:
    rng = random.Random(SEED)
    values = ValueGen(rng, today=TODAY)
    people = make_people(rng, values)
    check_people(people)
    orders = make_orders(rng, people)

    if (out / "app.log").exists():  # the tiny example this set replaces
        (out / "app.log").unlink()
    _write(out / "logs" / "app.log", make_app_log(SEED + 1, dt.date(2026, 11, 27), 300, people, orders))
    _write(out / "logs" / "legacy-gbk.log", make_gbk_log(random.Random(SEED + 2), people).encode("gb18030"))
    _write(out / "logs" / "app-2026-11-26.log.gz",
           _gzip(make_app_log(SEED + 3, dt.date(2026, 11, 26), 60, people, orders)))
    _write(out / "exports" / "customers.csv", make_customers_csv(random.Random(SEED + 4), people, orders))
    _write(out / "exports" / "events.jsonl", make_events_jsonl(random.Random(SEED + 5), people, orders))

    apps = out / "apps"
    _write(apps / "android" / "AndroidManifest.xml", ANDROID_MANIFEST)
    _write(apps / "ios" / "Info.plist", IOS_PLIST)
    harmony = apps / "harmony" / "entry" / "src" / "main"
    _write(harmony / "module.json5", HARMONY_MODULE)
    _write(harmony / "resources" / "base" / "element" / "string.json",
           json.dumps(HARMONY_STRINGS, ensure_ascii=False, indent=2) + "\n")
    _write(apps / "wechat" / "app.json", json.dumps(WECHAT_APP, ensure_ascii=False, indent=2) + "\n")
    _write(out / "org.yaml", ORG_YAML)

    if skip_dumps:
        print("make_examples: --skip-dumps: kept dumps/ as they are")
    else:
        make_dumps(out, table_rows(people, orders))
    print(f"make_examples: wrote {out} ({len(people)} synthetic people, {len(orders)} orders)")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=textwrap.dedent(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "examples", help="output folder (default: examples/)")
    ap.add_argument("--skip-dumps", action="store_true",
                    help="do not touch dumps/ (no database servers needed)")
    args = ap.parse_args(argv)
    generate(args.out, skip_dumps=args.skip_dumps)


if __name__ == "__main__":
    main()
