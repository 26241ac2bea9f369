"""Real-world text enterprises have (payment logs, express, device ids, landlines, HTML/SQL/Java dumps):
hard negatives that must stay silent and written forms of real PI that must be found, exactly.

Pinned from a probe of the real chunk path (prefilter + gate + stage 2); every case here passes today.
"""

from __future__ import annotations

import pytest

from piscan.detection.detector import Detector
from piscan.detection.rules import load_packs

DET = Detector(load_packs())
PHONE, ID, CARD = "13812345678", "11010519491231002X", "6222020200112233446"
FW_PHONE = "＋８６\u3000１３８\u3000１２３４\u3000５６７８"  # full-width, ideographic spaces
MOB, RID, CRD = "CN_MOBILE_PHONE", "CN_RESIDENT_ID", "CN_BANK_CARD"


def found(text: str) -> list[tuple[str, str, bool]]:
    hits = DET.scan_chunk(text.encode("utf-8") + b"\n")
    return [(h.entity, h.value, h.masked) for h in hits]


@pytest.mark.parametrize("text", [
    # landlines and service numbers
    "客服电话：010-12345678",
    "联系电话 0755-8888 6666 转 8001",
    "电话(021)64381234",
    "Tel: +86-10-6552 9988",
    "Tel: +86 21 6438 1234",
    "传真 0086-571-88157858",
    "全国服务热线 400-820-8820",
    "客服热线4008208820",
    "免费热线 800-810-8888",
    "工商银行客服95588，建行95533",
    "中国移动10086 / 12306 / 12345",
    "【京东】验证码123456，发送号码1069071234567",
    "短信端口 10690123456789 下发",
    # IM ids
    "QQ：1381234567 微信：wxid_13812345678",
    "QQ号 28123456789",
    # timestamps
    "create_time=20231201123045",
    "2023-12-01 12:30:45.123 ts=20231201123045123",
    '"created":1701405045,"expires_in":7200',
    "gmt_create=1701405045123&gmt_payment=1701405046123&notify_time=1701405047000",
    '{"t":1381234567890,"lastLogin":1381234567890}',
    # snowflake ids, payment and refund numbers
    "id=1730000000000000001 parentId=1381234567890123456",
    "trade_no=2023120122001412345678901234&out_trade_no=20231201138123456789",
    "<transaction_id><![CDATA[4200001234202312011381234567]]></transaction_id>",
    "<out_trade_no>1217752501201407033233368018</out_trade_no>",
    "refund_id=50000000382019052709732678859 out_refund_no=R13812345678",
    "queryId=621212345678901234567 traceNo=138123",
    "订单 202312011381234567 已发货",
    # express tracking numbers
    "顺丰单号 SF1381234567890",
    "圆通 YT6123456789012",
    "中通快递 78123456789012 已签收",
    "韵达 4312345678901",
    "京东物流 JDVA13812345678",
    "EMS EA123456789CN",
    # vehicles, books, barcodes
    "车架号 LSVAU2180N2183294 / LFV2A21K6C3138123",
    "ISBN 978-7-111-21382-6 / 9787111213826",
    "条码 6901234567892 6922255451427",
    '<item sku="6901234567892" qty="2"/>',
    # device and network ids
    "IMEI:862012345678901 imei2=353456789012345",
    "MEID A1000012345678 99000123456789",
    "ICCID 89860012345678901234 / 8986011234567890123",
    "IMSI 460001234567890 imsi=460011120510123",
    "mac=38:13:81:23:45:67 mac2=381381234567",
    "client 138.123.45.67:13812 -> 10.0.0.1:8080",
    "remote [2408:8207:1381:2345:6789:abcd::1]:443",
    # numbers that are part of decimals, versions, hashes, uuids
    "经纬度 116.397128,39.916527 / 113.81234567,22.5431",
    "价格 ¥1388.00 原价￥13812345678.00",
    "version 1.3.8 build 13812345678 / v13.8.12345678",
    "commit 4f1381234567890bc1d2e3f4a5b6c7d8e9f01234",
    "req 13812345-6789-4abc-8def-138123456789",
    "0x00138123456780  deadbeef",
    "耗时 13812345678 ns",
    "bW9iaWxlPTEzODEyMzQ1Njc4",  # base64 of mobile=13812345678: not decoded, by design
    # company identifiers, bank codes
    "SWIFT: ICBKCNBJ BKCHCNBJ110",
    "统一社会信用代码 91440300708461136T",
    "组织机构代码 70846113-6",
    "纳税人识别号 440300708461136",
    "营业执照注册号 310115000123456",
    "对公账户 110060224018170138123 开户行 交通银行",
    "联行号 102100099996",
    # ids in URLs and attributes
    "GET /api/v1/users/1730000000000000001/orders HTTP/1.1",
    "GET /static/img/110105199001011234.png",  # ID-shaped, wrong check character
    '<div data-id="1381234567890" data-ts="1701405045123">',
    "https://item.taobao.com/item.htm?id=16812345678&spm=a21n57",  # 168: unallocated segment
    # amounts and identifiers labelled by a negative key
    "amount=6222020200112233446",
    "MemTotal:       16312345678 kB",
    # other documents
    "邮编 100086 地址 北京市海淀区",
    "车牌 京A12345",
    "护照 E12345678",
    "6.22202E+18",  # Excel scientific notation of a card: the digits are gone
    "卡号 4111111111111111",  # well-known Visa test PAN, no Chinese BIN: out of CN_BANK_CARD scope
    # dash-joined runs longer than a grouped value: one token, not a value and a tail
    "ticket 138-1234-5678-9012 opened",
    "TK 139-8765-4321-0 closed",
    "ref 6222-0202-0011-2230-4460-1",
    "档案号 110105-19491231-002X-07",
])
def test_real_world_hard_negatives_are_silent(text):
    assert found(text) == []


@pytest.mark.parametrize("text,expected", [
    ("手机 (+86)138-1234-5678", [(MOB, "138-1234-5678", False)]),
    ("Mobile: +86 (0) 13812345678", [(MOB, PHONE, False)]),
    ("+86-138-1234-5678", [(MOB, "+86-138-1234-5678", False)]),
    # a dash or space after a grouped value, then no digit: still the value
    ("电话 138-1234-5678-转8001", [(MOB, "138-1234-5678", False)]),
    ("手机 138 1234 5678 2 次未接", [(MOB, "138 1234 5678", False)]),
    ("卡号 6222-0202-0011-2233-446 (工行)", [(CRD, "6222-0202-0011-2233-446", False)]),
    ("(86)13812345678", [(MOB, PHONE, False)]),
    ("86 13812345678", [(MOB, "86 13812345678", False)]),
    ('<a href="tel:+8613812345678">拨打</a>', [(MOB, "+8613812345678", False)]),
    ("https://wa.me/8613812345678", [(MOB, "8613812345678", False)]),
    ("<td>13812345678</td>", [(MOB, PHONE, False)]),
    ("<mobile>13812345678</mobile>", [(MOB, PHONE, False)]),
    ("SELECT * FROM t_user WHERE mobile='13812345678';", [(MOB, PHONE, False)]),
    (f"User{{id=1, name=张三, mobile=13812345678, idCard={ID}}}", [(MOB, PHONE, False), (RID, ID, False)]),
    (f"Customer(name=李四, certNo={ID})", [(RID, ID, False)]),
    ("📱13812345678👈 联系我", [(MOB, PHONE, False)]),
    ("手机：１３８－１２３４－５６７８", [(MOB, "１３８－１２３４－５６７８", False)]),
    (FW_PHONE, [(MOB, FW_PHONE, False)]),
    ("2023-12-01 12:30:45 INFO LoginService - login ok, phone:13812345678, ip:10.0.0.1", [(MOB, PHONE, False)]),
    ("张三,男,13812345678,北京市朝阳区", [(MOB, PHONE, False)]),
    ("手机\u00a013812345678", [(MOB, PHONE, False)]),
    ("手机\u200b13812345678", [(MOB, PHONE, False)]),
    ("张三13812345678李四", [(MOB, PHONE, False)]),
    ("Tel.13812345678", [(MOB, PHONE, False)]),
    ("Call me at 13812345678.", [(MOB, PHONE, False)]),
    ("13812345678,13912345678、15012345678",
     [(MOB, PHONE, False), (MOB, "13912345678", False), (MOB, "15012345678", False)]),
    ("GET /api/v1/users/13812345678/orders HTTP/1.1", [(MOB, PHONE, False)]),
    ("GET /send?to=13812345678&code=123456", [(MOB, PHONE, False)]),
    (r'{"msg":"\u8054\u7cfb\u4eba\uff1a13812345678"}', [(MOB, PHONE, False)]),
    ("token=ab12 mobile 13812345678", [(MOB, PHONE, False)]),
    ("订单号 2023120100001 收货人 张三 13812345678", [(MOB, PHONE, False)]),
    ('{"trade_no":"2023120122001412345678901234","phone":"13812345678"}', [(MOB, PHONE, False)]),
    # the hex dump's ASCII column really holds the number
    ("00000010  31 33 38 31 32 33 34 35  36 37 38 0a 00 00 00 00  |13812345678.....|", [(MOB, PHONE, False)]),
    ("'11010519491231002X", [(RID, ID, False)]),  # Excel text-prefix apostrophe
    ("张三,'11010519491231002X,'13812345678", [(RID, ID, False), (MOB, PHONE, False)]),
    ("身份证：１１０１０５１９４９１２３１００２Ｘ", [(RID, "１１０１０５１９４９１２３１００２Ｘ", False)]),
    ("身份证号11010519491231002x。", [(RID, "11010519491231002x", False)]),
    ("No.11010519491231002X", [(RID, ID, False)]),
    (f"ts=1701405045 {ID}", [(RID, ID, False)]),
    (f"server=web01 idcard {ID}", [(RID, ID, False)]),
    (f"GET /user/verify?idcard={ID}&name=%E5%BC%A0%E4%B8%89", [(RID, ID, False)]),
    (f"GET /api/idcard/{ID}/photo", [(RID, ID, False)]),
    ("身份证号:110105491231002", [(RID, "110105491231002", False)]),
    ("卡号 6222 0202 0011 2233 446", [(CRD, "6222 0202 0011 2233 446", False)]),
    ("card 6228 4800 1234 5671", [(CRD, "6228 4800 1234 5671", False)]),
    ("6228-4800-1234-5671", [(CRD, "6228-4800-1234-5671", False)]),
    ("GET /bind?card=6222%200202%200011%202233%20446", [(CRD, "6222%200202%200011%202233%20446", False)]),
    ("卡号：６２２２０２０２００１１２２３３４４６", [(CRD, "６２２２０２０２００１１２２３３４４６", False)]),
    ("'6222020200112233446", [(CRD, CARD, False)]),
    ("6228480012345671", [(CRD, "6228480012345671", False)]),
])
def test_real_world_written_forms_are_found(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text,entity,value", [
    ("138****5678", MOB, "138****5678"),
    ("138 **** 5678", MOB, "138 **** 5678"),
    ("138-****-5678", MOB, "138-****-5678"),
    ("+86 138****5678", MOB, "+86 138****5678"),
    ("手机１３８＊＊＊＊５６７８", MOB, "１３８＊＊＊＊５６７８"),
    ("手机 138*****678", MOB, "138*****678"),
    ("138xxxx5678", MOB, "138xxxx5678"),
    ("身份证 110105********002X", RID, "110105********002X"),
    ("身份证 110***********002X", RID, "110***********002X"),
    ("身份证 １１０１０５＊＊＊＊＊＊＊＊００２Ｘ", RID, "１１０１０５＊＊＊＊＊＊＊＊００２Ｘ"),
    ("卡号 622202******3446", CRD, "622202******3446"),
])
def test_real_world_masked_forms_are_masked_findings(text, entity, value):
    assert found(text) == [(entity, value, True)]
