"""core.sheetmapping and the dates of other systems' sheets (no database: pure reading rules)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from partycloud.core.sheetmapping import IGNORE, normalize_header
from partycloud.core.spreadsheets import parse_date, parse_partial_date
from partycloud.hub.roster import ROSTER_SHEET
from tenants.members.imports import MEMBER_SHEET


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2019.07.01", (date(2019, 7, 1), True)),
        ("2019/7/1", (date(2019, 7, 1), True)),
        ("2019年7月1日", (date(2019, 7, 1), True)),
        ("20190701", (date(2019, 7, 1), True)),
        (datetime(2019, 7, 1, 0, 0), (date(2019, 7, 1), True)),  # an Excel date cell
        (43647, (date(2019, 7, 1), True)),  # an Excel date that lost its format: the serial number
        ("201907", (date(2019, 7, 1), False)),
        ("2019.07", (date(2019, 7, 1), False)),
        ("2019年7月", (date(2019, 7, 1), False)),
        ("", (None, True)),
    ],
)
def test_the_dates_other_systems_write_are_read(cell, expected):
    assert parse_partial_date(cell) == expected


@pytest.mark.parametrize("cell", ["2019年13月1日", "去年", "2019.02.30"])
def test_impossible_dates_are_refused(cell):
    with pytest.raises(ValueError):
        parse_date(cell)


def test_headers_are_compared_without_decoration():
    assert normalize_header(" 身份证号码 * ") == normalize_header("身份证号码（必填）") == "身份证号码"


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("身份证号码", "id_card_number"),
        ("公民身份号码", "id_card_number"),
        ("证件号码", "id_card_number"),
        ("入党时间", "joined_on"),
        ("转正时间", "confirmed_on"),
        ("联系电话", "phone"),
        ("联系方式", "phone"),
        ("手机号码", "phone"),
        ("党籍状态", "membership"),
        ("人员类别", "membership"),
        ("文化程度", "education"),
        ("出生年月", "birth_date"),
        ("所在支部", "organization"),
        ("党组织名称", "organization"),
        ("职务", "job"),
        ("工号", "employee_card_number"),
        ("序号", IGNORE),
        ("籍贯", None),
    ],
)
def test_member_header_variants_are_recognised(header, key):
    assert MEMBER_SHEET.recognise(header) == key


@pytest.mark.parametrize(
    ("key", "text", "code"),
    [
        ("membership", "正式", "full"),
        ("membership", "预备党员", "probationary"),
        ("education", "本科", "bachelor"),
        ("education", "大学本科", "bachelor"),
        ("education", "大学", "bachelor"),
        ("education", "硕士研究生", "postgraduate"),
        ("gender", "男", "male"),
        ("gender", "female", "female"),
        ("dues_category", "退休", "retiree"),
    ],
)
def test_member_value_variants_are_recognised(key, text, code):
    assert MEMBER_SHEET.field(key).choice(text) == code


def test_roster_header_and_value_variants_are_recognised():
    assert [ROSTER_SHEET.recognise(h) for h in ("工号", "员工姓名", "单位名称", "所在部门", "政治面貌")] == [
        "card_number",
        "name",
        "employer",
        "department",
        "is_member",
    ]
    assert ROSTER_SHEET.field("is_member").choice("中共预备党员") == "yes"
    assert ROSTER_SHEET.field("is_member").choice("群众") == "no"
