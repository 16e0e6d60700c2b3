"""Three journeys through the real front end in Chromium (see conftest.py and scenarios/)."""

from __future__ import annotations

import secrets

import pytest
from rest_framework_simplejwt.tokens import RefreshToken

from tenants.notifications.services import do_notify
from tests.conftest import ROOT_HOST
from tests.e2e.conftest import BrowserRun, BrowserWorld, committed
from tests.factories import next_unified_code

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
