"""Dues: bases with history, idempotent monthly assessment, offline payment, ledger, my dues."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tenants.dues.assessments import consecutive_unpaid_months, do_assess_month
from tenants.dues.models import DuesAssessment, DuesBase
from tenants.members.models import Member
from tenants.members.services import do_create_member
from tenants.organizations.services import do_create_organization
from tests.conftest import TenantWorld, api
from tests.factories import make_id_card
from tests.isolation import Endpoint, assert_tenant_isolated

JUNE, JULY = date(2026, 6, 1), date(2026, 7, 1)


@pytest.fixture
def members(tenant_a: TenantWorld) -> dict[str, Member]:
    with tenant_a.tenant:
        branch = do_create_organization(
            kind="branch", name="第一党支部", parent=do_create_organization(kind="committee", name="甲")
        )

        def make(name: str, **extra: object) -> Member:
            data = {"name": name, "gender": "male", "joined_on": date(2010, 1, 1), "confirmed_on": date(2011, 1, 1),
                    "membership": "full", "dues_category": "employee", "organization": branch} | extra  # fmt: skip
            return do_create_member(data, id_card_number=make_id_card())

        found = {
            "engineer": make("工程师", phone=tenant_a.member.phone),
            "retiree": make("退休", dues_category="retiree"),
            "new": make("预备", membership="probationary", confirmed_on=None, joined_on=date(2026, 7, 10)),
        }
        DuesBase.objects.create(member=found["engineer"], amount=Decimal("8000.00"), effective_from=date(2026, 1, 1))
        DuesBase.objects.create(member=found["retiree"], amount=Decimal("4000.00"), effective_from=date(2026, 1, 1))
        DuesBase.objects.create(member=found["new"], amount=Decimal("3000.00"), effective_from=date(2026, 7, 1))
        return found


def test_assessment_is_idempotent_and_follows_base_changes(tenant_a: TenantWorld, members):
    with tenant_a.tenant:
        first = do_assess_month(JUNE)
        assert (first.created, first.missing_base) == (2, 0)  # the probationary member pays from July
        assert do_assess_month(JUNE).unchanged == 2
        engineer = DuesAssessment.objects.get(member=members["engineer"], month=JUNE)
        assert (engineer.amount, engineer.rule_version) == (Decimal("120.00"), "2008.1")
        DuesBase.objects.create(member=members["engineer"], amount=Decimal("12000.00"), effective_from=JUNE)
        assert do_assess_month(JUNE).updated == 1
        assert DuesAssessment.objects.get(member=members["engineer"], month=JUNE).amount == Decimal("240.00")
        assert do_assess_month(JULY).created == 3


def test_payment_for_a_quarter_on_behalf_and_the_ledger(tenant_a: TenantWorld, members):
    with tenant_a.tenant:
        do_assess_month(JUNE)
        do_assess_month(JULY)
    client = api(tenant_a.host, tenant_a.admin)
    paid = client.post(
        "/api/v1/dues/assessments/pay",
        {"member": members["engineer"].pk, "months": ["2026-06", "2026-07"], "on_behalf_by": "配偶 王芳"},
        format="json",
    )
    assert paid.status_code == 200, paid.json()
    assert [row["status"] for row in paid.json()] == ["paid", "paid"]
    again = client.post(
        "/api/v1/dues/assessments/pay", {"member": members["engineer"].pk, "months": ["2026-06"]}, format="json"
    )
    assert (again.status_code, again.json()["code"]) == (409, "dues.already_paid")
    ledger = client.get("/api/v1/dues/assessments/ledger?month=2026-07").json()["rows"][0]
    assert ledger["members_due"] == 3
    assert Decimal(ledger["amount_paid"]) == Decimal("120.00")
    assert ledger["paid_on_behalf"] == 1
    assert Decimal(ledger["arrears"]) == Decimal("20.00") + Decimal("15.00")
    with tenant_a.tenant:
        assert consecutive_unpaid_months(members["retiree"], JULY) == 2
        assert consecutive_unpaid_months(members["engineer"], JULY) == 0


def test_a_member_sees_their_own_dues(tenant_a: TenantWorld, members):
    with tenant_a.tenant:
        do_assess_month(JUNE)
    mine = api(tenant_a.host, tenant_a.member).get("/api/v1/dues/assessments/mine").json()
    assert [(row["month"], row["amount"]) for row in mine] == [("2026-06-01", "120.00")]
    assert api(tenant_a.host, tenant_a.member).get("/api/v1/dues/assessments").status_code == 403


def test_only_admins_run_the_month_and_bases_are_never_negative(tenant_a: TenantWorld, members):
    assert (
        api(tenant_a.host, tenant_a.secretary).post("/api/v1/dues/assessments/run", {"month": "2026-06"}).status_code
        == 403
    )
    run = api(tenant_a.host, tenant_a.admin).post("/api/v1/dues/assessments/run", {"month": "2026-06"}, format="json")
    assert run.json()["created"] == 2
    negative = api(tenant_a.host, tenant_a.admin).post(
        "/api/v1/dues/bases",
        {"member": members["engineer"].pk, "amount": "-1", "effective_from": "2026-08-01"},
        format="json",
    )
    assert (negative.status_code, negative.json()["field"]) == (400, "amount")


def test_dues_are_isolated(tenant_a: TenantWorld, tenant_b: TenantWorld, members):
    with tenant_a.tenant:
        do_assess_month(JUNE)
        assessment = DuesAssessment.objects.first()
    assert assessment is not None
    assert_tenant_isolated(
        Endpoint("/api/v1/dues/assessments", change=None, deletable=False), owner=tenant_a, outsider=tenant_b
    )
    assert (
        api(tenant_a.host, tenant_b.admin)
        .post("/api/v1/dues/assessments/pay", {"member": assessment.member_id, "months": ["2026-06"]}, format="json")
        .status_code
        == 403
    )
    assert api(tenant_a.host).get("/api/v1/dues/assessments/ledger").status_code == 401


def test_arrears_remind_warn_and_flag_once_each(tenant_a: TenantWorld, members):
    from tenants.dues.assessments import do_process_arrears
    from tenants.dues.models import ArrearsNotice
    from tenants.members.services import do_update_member
    from tenants.notifications.models import Notification

    with tenant_a.tenant:
        do_update_member(members["engineer"], {"organization": members["engineer"].organization})
        months = [date(2026, m, 1) for m in range(1, 8)]
        for month in months:
            do_assess_month(month)
            do_process_arrears(month)
            do_process_arrears(month)  # rerun: nothing new
        levels = list(
            ArrearsNotice.objects.filter(member=members["engineer"])
            .order_by("month")
            .values_list("level", "unpaid_months")
        )
        assert levels == [("reminder", 1), ("warning", 3), ("withdrawal", 6)]
        assert Notification.objects.filter(user=tenant_a.member, title__contains="党章第九条").count() == 1
    flagged = api(tenant_a.host, tenant_a.admin).get("/api/v1/dues/arrears?level=withdrawal").json()["results"]
    assert {row["member_name"] for row in flagged} == {"工程师", "退休"}


def test_exemption_needs_the_next_level_up_and_applies_to_the_months(tenant_a: TenantWorld, members):
    with tenant_a.tenant:
        do_assess_month(JUNE)
    secretary = api(tenant_a.host, tenant_a.admin)
    requested = secretary.post(
        "/api/v1/dues/exemptions",
        {
            "member": members["retiree"].pk,
            "first_month": "2026-06-01",
            "last_month": "2026-08-01",
            "reason": "重病住院",
        },
        format="json",
    ).json()
    assert requested["status"] == "pending"
    own = api(tenant_a.host, tenant_a.admin).post(f"/api/v1/dues/exemptions/{requested['id']}/approve")
    assert own.json()["code"] == "dues.four_eyes"
    from tenants.access.services import do_assign_role
    from tests.factories import UserFactory

    upper = UserFactory()
    with tenant_a.tenant:
        do_assign_role(user=upper, role="tenant_admin")
    approved = api(tenant_a.host, upper).post(f"/api/v1/dues/exemptions/{requested['id']}/approve")
    assert approved.json()["status"] == "approved"
    with tenant_a.tenant:
        assert DuesAssessment.objects.get(member=members["retiree"], month=JUNE).status == "exempt"
        do_assess_month(JULY)
        assert DuesAssessment.objects.get(member=members["retiree"], month=JULY).amount == Decimal("0.00")


def test_voluntary_payments_start_at_1000_yuan(tenant_a: TenantWorld, members):
    client = api(tenant_a.host, tenant_a.admin)
    small = client.post(
        "/api/v1/dues/voluntary-payments",
        {"member": members["engineer"].pk, "amount": "999.99", "paid_on": "2026-07-01"},
        format="json",
    )
    assert small.json()["code"] == "dues.voluntary_below_1000"
    ok = client.post(
        "/api/v1/dues/voluntary-payments",
        {"member": members["engineer"].pk, "amount": "5000.00", "paid_on": "2026-07-01", "note": "特殊党费"},
        format="json",
    )
    assert ok.status_code == 201


def test_a_member_pays_online_with_the_sandbox_provider(tenant_a: TenantWorld, members):
    with tenant_a.tenant:
        do_assess_month(JUNE)
        do_assess_month(JULY)
    client = api(tenant_a.host, tenant_a.member)
    started = client.post("/api/v1/dues/online-payments", {"months": ["2026-06", "2026-07"]}, format="json")
    assert started.status_code == 201, started.json()
    order = started.json()
    assert (order["amount"], order["status"]) == ("240.00", "pending")
    forged = client.post(
        f"/api/v1/dues/online-payments/{order['id']}/sandbox-complete", {"signature": "0" * 64}, format="json"
    )
    assert forged.json()["code"] == "dues.payment_unverified"
    paid = client.post(
        f"/api/v1/dues/online-payments/{order['id']}/sandbox-complete",
        {"signature": order["sandbox_signature"]},
        format="json",
    )
    assert paid.json()["status"] == "paid"
    assert [row["status"] for row in client.get("/api/v1/dues/assessments/mine").json()] == ["paid", "paid"]
    again = client.post("/api/v1/dues/online-payments", {"months": ["2026-06"]}, format="json")
    assert again.json()["code"] == "dues.not_payable"
    # Another tenant's member cannot see or complete it.
    assert api(tenant_a.host, tenant_a.admin).get("/api/v1/dues/online-payments").json()["count"] == 0


def test_ledger_export_annual_disclosure_and_remittance(tenant_a: TenantWorld, members):
    import io

    from openpyxl import load_workbook

    with tenant_a.tenant:
        do_assess_month(JUNE)
    client = api(tenant_a.host, tenant_a.admin)
    workbook = load_workbook(io.BytesIO(client.get("/api/v1/dues/assessments/ledger-export?month=2026-06").content))
    sheet = workbook.active
    assert sheet.cell(1, 1).value == "党组织"
    assert sheet.cell(2, 3).value == 140  # 120.00 + 20.00 due in the branch
    annual = client.get("/api/v1/dues/assessments/annual?year=2026").json()
    assert annual["months"][5]["amount_due"] == "140.00"
    assert annual["totals"]["arrears"] == "140.00"
    assert client.get("/api/v1/dues/assessments/annual?year=2026&format=xlsx")["Content-Type"].startswith(
        "application/vnd.openxml"
    )
    remitted = client.post(
        "/api/v1/dues/remittances", {"month": "2026-06-15", "amount": "140.00", "note": "上缴机关党委"}, format="json"
    )
    assert (remitted.status_code, remitted.json()["month"]) == (201, "2026-06-01")
    assert (
        client.post("/api/v1/dues/remittances", {"month": "2026-06-01", "amount": "0"}, format="json").status_code
        == 400
    )


def test_remittances_export(tenant_a: TenantWorld, members):
    import io

    from openpyxl import load_workbook

    client = api(tenant_a.host, tenant_a.admin)
    client.post("/api/v1/dues/remittances", {"month": "2026-06-01", "amount": "140.00", "note": "上缴"}, format="json")
    sheet = load_workbook(io.BytesIO(client.get("/api/v1/dues/remittances/export").content)).active
    assert [c.value for c in sheet[2]][:3] == ["2026-06", 140, "上缴"]
