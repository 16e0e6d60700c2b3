"""Three journeys through the real front end in Chromium (see conftest.py and scenarios/)."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from rest_framework_simplejwt.tokens import RefreshToken

from tenants.notifications.services import do_notify
from tests.conftest import ROOT_HOST
from tests.e2e.conftest import ARTIFACTS, BrowserRun, BrowserWorld, DevelopmentWorld, RecordsWorld, committed
from tests.factories import make_id_card, next_unified_code

# django_db: pytest-django creates the test database only for sessions where a test asks for it.
pytestmark = [pytest.mark.live, pytest.mark.django_db]


def test_group_admin_approves_an_application_and_the_new_tenant_answers(
    browser: BrowserRun, browser_world: BrowserWorld
):
    slug = f"e2e-{secrets.token_hex(3)}"
    name = f"丁公司{slug[-6:]}党委"
    token = RefreshToken.for_user(browser_world.applicant.user).access_token
    with browser.server.http(ROOT_HOST) as client:
        applied = client.post(
            "/api/v1/tenant-applications",
            json={
                "name": name,
                "short_name": "丁公司",
                "slug": slug,
                "unified_code": next_unified_code(),
                "reason": "新成立子公司，申请入驻党建云。",
            },
            headers={"Authorization": f"Bearer {token}"},
        )
    assert applied.status_code == 201, applied.text

    browser.run(
        "group_approves_application",
        {
            "rootUrl": browser.url(ROOT_HOST),
            "tenantUrl": browser.url(f"{slug}.{ROOT_HOST}"),
            "siteName": "测试集团党委",
            "admin": browser_world.group_admin.credentials(),
            "applicant": browser_world.applicant.credentials(),
            "application": {"name": name, "slug": slug},
            "takenSlug": browser_world.tenant.slug,
            "freshUnifiedCode": next_unified_code(),
        },
    )


def test_tenant_admin_assigns_a_role_by_phone_in_the_console(browser: BrowserRun, browser_world: BrowserWorld):
    browser.run(
        "console_assigns_role",
        {
            "consoleUrl": browser.url(browser_world.tenant.primary_host) + "/console",
            "siteName": browser_world.tenant.title,
            "admin": browser_world.admin.credentials(),
            "grantee": browser_world.grantee.credentials(),
        },
    )


def test_member_uses_the_portal_on_a_phone_with_live_notifications(browser: BrowserRun, browser_world: BrowserWorld):
    live_title = "党课学习提醒：本周学习《党章》第一章"

    def notify() -> None:
        with browser_world.tenant:
            do_notify(browser_world.member.user, live_title, "请在周日前完成学习并提交心得。")

    def send_live_notification(word: str) -> str:
        assert word == "READY"
        committed(notify)  # committed at once: on_commit pushes it over the server's WebSocket
        return "SENT"

    browser.run(
        "portal_member_on_phone",
        {
            "portalUrl": browser.url(browser_world.tenant.primary_host),
            "secureOrigins": [browser.url(browser_world.tenant.primary_host)],
            "siteName": browser_world.tenant.title,
            "member": browser_world.member.credentials(),
            "quietMember": browser_world.quiet_member.credentials(),
            "notificationTitle": browser_world.notification_title,
            "liveTitle": live_title,
        },
        on_signal=send_live_notification,
    )


# ---------------------------------------------------------------- member records

BRANCHES = ("第一党支部", "第二党支部")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("建国", "秀英", "志强", "丽华", "海燕", "卫东", "晓明", "红梅", "国庆", "春花")


def _member_rows(count: int) -> list[list[str]]:
    """Valid rows in the template's column order (see tenants.members.imports.COLUMNS)."""
    rows = []
    for i in range(count):
        birth = f"19{70 + i % 25}0{1 + i % 9}{10 + i % 18}"
        rows.append(
            [
                f"{SURNAMES[i % len(SURNAMES)]}{GIVEN[i // len(SURNAMES) % len(GIVEN)]}{'' if i < 20 else i}",
                "男" if i % 2 else "女",
                "汉族",
                make_id_card(birth),
                "大学本科",
                "工程师",
                f"1390000{i:04d}",
                f"E{20000 + i}",
                "2015-07-01",
                "2016-07-01",
                "正式党员",
                "在职",
                BRANCHES[i % 2],
            ]
        )
    return rows


def _workbook(path: Path, rows: list[list[str]]) -> Path:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from tenants.members.imports import COLUMNS

    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "党员信息"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_tenant_admin_builds_the_tree_imports_members_and_transfers_one(
    browser: BrowserRun, records_world: RecordsWorld, tmp_path: Path
) -> None:
    good = _member_rows(2000)  # the issue: "import 2,000 members from a spreadsheet with mistakes"
    good[0][0] = "欧阳明月"  # a name no other row contains, to find her among 2,000
    bad = [list(row) for row in good]
    # Three mistakes a secretary makes: a mistyped ID-card number, an impossible date, a word.
    card = bad[6][3]
    bad[6][3] = card[:-1] + ("0" if card[-1] != "0" else "1")
    bad[18][8] = "2019.13.01"
    bad[32][1] = "男性"
    transferred = good[0][0]

    browser.run(
        "console_member_records",
        {
            "consoleUrl": browser.url(records_world.sender.primary_host) + "/console",
            "receiverConsoleUrl": browser.url(records_world.receiver.primary_host) + "/console",
            "admin": records_world.sender_admin.credentials(),
            "receiverAdmin": records_world.receiver_admin.credentials(),
            "rootName": records_world.sender.name,
            "branches": list(BRANCHES),
            "badFile": str(_workbook(tmp_path / "党员信息-有错误.xlsx", bad)),
            "goodFile": str(_workbook(tmp_path / "党员信息.xlsx", good)),
            "badRows": [8, 20, 34],  # spreadsheet rows: the header is row 1
            "memberCount": len(good),
            "transferred": transferred,
            "receiverName": records_world.receiver.name,
            "receiverBranch": records_world.receiver_branch,
        },
    )

    # The error report the browser downloaded is the upload with the errors marked.
    from openpyxl import load_workbook

    report = load_workbook(ARTIFACTS / "console_member_records-error-report.xlsx")
    text = "\n".join(
        str(cell.value) for sheet in report.worksheets for row in sheet.iter_rows() for cell in row if cell.value
    )
    assert "2019.13.01" in text

    def receiver_state() -> tuple[list[str], list[str]]:
        from tenants.members.models import Member

        with records_world.receiver:
            received = list(Member.objects.filter(name=transferred).values_list("organization__name", flat=True))
        with records_world.sender:
            left = list(Member.objects.filter(name=transferred).values_list("status", flat=True))
        return received, left

    received, left = committed(receiver_state)
    assert received == [records_world.receiver_branch]
    assert left == ["transferred_out"]


# ---------------------------------------------------------------- member development


def test_tenant_admin_walks_a_development_case_through_all_25_steps(
    browser: BrowserRun, development_world: DevelopmentWorld, tmp_path: Path
) -> None:
    from tenants.development.models import DevelopmentCase
    from tenants.members.models import Member

    id_card = make_id_card("19980305")
    evidence = tmp_path / "入党申请书.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% application form scan\n")
    browser.run(
        "console_development_case",
        {
            "consoleUrl": browser.url(development_world.tenant.primary_host) + "/console",
            "admin": development_world.admin.credentials(),
            "branch": development_world.branch,
            "introducers": development_world.introducers,
            "applicant": {"name": "陈晓", "idCard": id_card},
            "evidenceFile": str(evidence),
        },
    )

    def state() -> tuple[str, int, str]:
        with development_world.tenant:
            case = DevelopmentCase.objects.get(name="陈晓")
            assert case.member_id is not None, "no member record after step 17"
            member = Member.objects.get(pk=case.member_id)
            return case.stage, case.steps.count(), member.membership

    assert committed(state) == ("full", 25, "full")
