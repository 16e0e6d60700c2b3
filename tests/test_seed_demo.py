"""Demo data: three subsidiaries with admins and members; idempotent with --if-empty."""

from __future__ import annotations

import time
from io import StringIO
from typing import Any

import pyotp
from django.core.management import call_command

from partycloud.accounts.models import GroupRole, User
from partycloud.demo.management.commands.seed_demo import DEMO_TOTP_SECRET
from partycloud.statistics.report import default_snapshot, group_report
from partycloud.tenancy.models import PartyCommittee
from tenants.access.models import RoleAssignment
from tenants.development.models import CaseStep
from tenants.notifications.models import Notification
from tenants.organizations.models import Organization
from tests.conftest import ROOT_HOST, api
from tests.mfa_support import sign_in


def test_seed_demo_creates_three_subsidiaries_and_prints_working_logins(db, platform_world):
    out = StringIO()
    call_command("seed_demo", "--members", "2", stdout=out)
    text = out.getvalue()
    assert "13800000001" in text
    assert "http://power.partycloud.test" in text
    slugs = set(PartyCommittee.objects.subsidiaries().values_list("slug", flat=True))
    assert {"power", "build", "finance"} <= slugs
    with PartyCommittee.objects.get(slug="power"):
        assert RoleAssignment.objects.filter(role="member").count() == 4
        from tenants.members.models import Member

        assert Organization.objects.count() == 7  # with the branch established seven months ago
        assert Member.objects.filter(user__isnull=False).count() == 4  # secretary, inspector, two members
    assert GroupRole.objects.filter(user__phone="13800000001", role="group_admin").exists()
    # Demo staff are enrolled with the documented demo secret (manage.py totp_code prints the code).
    login = sign_in(
        api("power.partycloud.test"), User.objects.get(phone="13900000101"), "dangjian2026", DEMO_TOTP_SECRET
    )
    assert login.status_code == 200
    assert login.json()["current_tenant"]["roles"] == ["tenant_admin"]
    code = StringIO()
    call_command("totp_code", "13900000101", stdout=code, stderr=StringIO())
    assert code.getvalue().strip() == pyotp.TOTP(DEMO_TOTP_SECRET).now()
    assert login.json()["name"]  # a realistic Chinese name

    # The demo secretary is a branch secretary: their role covers the branch they are recorded
    # secretary of, so signing in shows the workbench of 本支部, not 全单位.
    secretary = User.objects.get(phone="13900000102")
    with PartyCommittee.objects.get(slug="power"):
        branch = Organization.objects.get(name="机关第一党支部")
        scopes = RoleAssignment.objects.filter(user=secretary, role="secretary").values_list(
            "organization_id", flat=True
        )
        assert list(scopes) == [branch.pk]
        assert list(Organization.objects.filter(secretary=secretary)) == [branch]
    workbench = api("power.partycloud.test", secretary).get("/api/v1/workbench").json()
    assert (workbench["whole_tenant"], workbench["scope"]) == (False, ["机关第一党支部"])
    kinds = {todo["kind"].split(".")[0] for todo in workbench["todos"]}
    assert {"development", "transfers"} <= kinds  # their branch's cases and the transfers it receives

    # Supervision: the member has the announcement to sign, the open publicity, survey and vote;
    # the report went to an inspector outside the accused branch and was acknowledged.
    member_api = api("power.partycloud.test", User.objects.get(phone="13900000110"))
    mine = member_api.get("/api/v1/supervision/announcements/mine").json()
    assert {row["title"] for row in mine["results"]} == {
        "关于公开本年度党费收缴使用情况的公告",  # power's own
        "关于开展年度党建工作述职评议考核的通知",  # the group's, to every subsidiary
    }
    with PartyCommittee.objects.get(slug="power"):
        from tenants.supervision.models import CadrePublicity, Inquiry, Report, Survey, Vote

        assert CadrePublicity.objects.get().status == "open"
        assert Survey.objects.get().status == Vote.objects.get().status == "open"
        report = Report.objects.get()
        assert report.status == "acknowledged"
        assert report.assignees.exists()
        assert Inquiry.objects.filter(status="open").count() == 1

    # The exchange: the community has a board with a pinned welcome and an answered question.
    boards = member_api.get("/api/v1/exchange/boards").json()
    assert [board["name"] for board in boards["results"]] == ["党员交流"]
    # The branch's brand showcase climbed to the committee: every member of power sees it.
    showcase = member_api.get("/api/v1/exchange/posts", {"kind": "showcase"}).json()["results"]
    assert "“红色电力”党建品牌建设成果" in [post["title"] for post in showcase]

    # Live lessons: the group's upcoming one for everybody, power's upcoming branch lesson and an ended one.
    member = User.objects.get(phone="13900000110")
    watch = api("power.partycloud.test", member)
    upcoming = [row["scope"] for row in watch.get("/api/v1/live/watch", {"when": "upcoming"}).json()["results"]]
    assert sorted(upcoming) in (["group", "tenant"], ["group"])  # the branch lesson is for one branch
    assert [row["scope"] for row in watch.get("/api/v1/live/watch", {"when": "past"}).json()["results"]] == ["tenant"]
    other = api("build.partycloud.test", User.objects.get(phone="13900000201"))
    assert [row["scope"] for row in other.get("/api/v1/live/watch").json()["results"]] == ["group"]

    again = StringIO()
    call_command("seed_demo", "--if-empty", stdout=again)
    assert "already present" in again.getvalue()


def test_seed_demo_gives_a_year_of_history_that_the_report_and_the_dashboard_agree_on(
    db: None, platform_world: Any, group_admin: Any
) -> None:
    """The demo's first start: last year's annual report passes its checks and the dashboard
    shows the same organizations and members on 31 December; the trends have twelve months."""
    started = time.monotonic()
    call_command("seed_demo", "--members", "6", stdout=StringIO())
    seconds = time.monotonic() - started
    assert seconds < 60, seconds
    year_end = default_snapshot()
    report = group_report(year_end)
    # No check fails; the only warnings are the test session's own tenants, which have no members
    # on record (未录入), never the seeded subsidiaries.
    assert [check.name for check in report.checks if check.result == "failed"] == []
    seeded_warnings = [c for c in report.checks if not c.ok and c.unit not in ("甲公司党委", "乙公司党委")]
    assert seeded_warnings == [], [(c.unit, c.name) for c in seeded_warnings]
    organizations = report.table("organizations").rows[-1]  # the group total
    members = report.table("members").rows[-1]
    admin = api(ROOT_HOST, group_admin)
    december = admin.get("/api/v1/group/dashboard", {"period": f"{year_end:%Y-%m}"}).json()["kpis"]
    # The dashboard's 基层党组织 is table 5's 合计 (party groups are listed apart in both).
    assert december["organizations"] == organizations["total"] > 0
    assert december["members"] == members["end_total"] > 0
    assert members["in_unexplained"] == members["out_unexplained"] == 0
    assert members["in_admitted"] == members["out_deceased"] == 3  # one of each per subsidiary
    trends = admin.get("/api/v1/group/dashboard/trends", {"months": 12}).json()["series"]
    assert None not in trends["members"]
    assert None not in trends["organizations"]
    assert len(set(trends["members"])) > 1  # admissions and a death during the year
    assert None not in trends["study_minutes"]
    assert trends["study_minutes"][-2] > 0
    now = admin.get("/api/v1/group/dashboard").json()["kpis"]
    assert now["pipeline"] >= 3 * 4
    assert now["transfers_pending"] >= 3 * 3
    assert now["transfers_overdue"] >= 3
    assert now["arrears_rate"]
    assert now["dues_paid"]
    assert now["reelections_due"] >= 3
    assert now["reelections_overdue"] >= 1
    # Table 6 (民主评议党员) of last year: each subsidiary's confirmed round, within the one-third cap.
    graded = report.table("evaluation").rows[-1]
    full = sum(graded[key] for key in ("excellent", "qualified", "basically_qualified", "unqualified"))
    assert full > 0
    assert graded["excellent"] * 3 <= full
    # This year's task book reached every subsidiary, at three stages.
    progress = admin.get("/api/v1/group/task-books/progress", {"year": year_end.year + 1}).json()["tenants"]
    # (The test session's own tenants have no organization to hold a book: not received yet.)
    seeded = {row["tenant_name"]: row["status"] for row in progress if row["status"] != "not_received"}
    assert sorted(seeded.values()) == ["approved", "issued", "submitted"], seeded
    with PartyCommittee.objects.get(slug="power"):
        blocked = CaseStep.objects.filter(notes__startswith="确定发展对象受阻").get()
        assert "一年" in blocked.notes or "year" in blocked.notes
        assert Notification.objects.exists()
