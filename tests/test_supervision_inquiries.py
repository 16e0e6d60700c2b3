"""Members' inquiries (issue 17, 询问·质询): whom a member may ask (their organization or one above
it, the nearest committee by default), the reply due in working days (across the National Day),
who answers (the organization's workers, never the asker, never another branch's), rating the
answer, the once-only escalation of an overdue inquiry to the level above (the tenant admins at the
top), the console's filters, and isolation of every endpoint."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from partycloud.accounts.models import User
from tenants.notifications.models import Notification
from tenants.organizations.models import Organization
from tenants.supervision import inquiries
from tenants.supervision.models import Inquiry
from tests.conftest import TenantWorld, api
from tests.isolation import Endpoint, assert_tenant_isolated
from tests.test_assessment_evaluation import person, scoped
from tests.test_meetings_records import tree

BASE = "/api/v1/supervision/inquiries"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def orgs(tenant_a: TenantWorld) -> dict[str, Organization]:
    return tree(tenant_a)


@pytest.fixture
def asker(tenant_a: TenantWorld, orgs: dict[str, Organization]) -> User:
    user, _member = person(tenant_a, orgs["group"])  # a party group under the first branch
    return user


def ask(world: TenantWorld, user: User, organization: Organization, **fields: Any) -> dict[str, Any]:
    body = {"organization": organization.pk, "subject": "党费使用情况", "body": "请公开本年度党费使用明细"} | fields
    response = api(world.host, user).post(BASE, body, format="json")
    assert response.status_code == 201, response.content
    result: dict[str, Any] = response.json()
    return result


def test_a_member_asks_their_organization_or_one_above_it(
    tenant_a: TenantWorld, orgs: dict[str, Organization], asker: User
) -> None:
    options = api(tenant_a.host, asker).get(f"{BASE}/organizations").json()
    assert [o["name"] for o in options] == ["第一党小组", "第一党支部", "甲公司党委"]
    assert [o["default"] for o in options] == [False, False, True]  # the nearest committee
    refused = api(tenant_a.host, asker).post(
        BASE, {"organization": orgs["second"].pk, "subject": "s", "body": "b"}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "supervision.not_askable"
    # Without a member record here (the tenant's plain role holder): nothing to ask from.
    assert api(tenant_a.host, tenant_a.member).get(f"{BASE}/organizations").json() == []
    nobody = api(tenant_a.host, tenant_a.member).post(
        BASE, {"organization": orgs["first"].pk, "subject": "s", "body": "b"}, format="json"
    )
    assert nobody.status_code == 403


def test_the_reply_is_due_in_working_days_across_national_day(
    tenant_a: TenantWorld, orgs: dict[str, Organization], asker: User, monkeypatch: Any
) -> None:
    monkeypatch.setattr(inquiries, "_now", lambda: datetime(2026, 9, 28, 9, tzinfo=SHANGHAI))
    asked = ask(tenant_a, asker, orgs["first"], is_challenge=True)
    # Sep 29, 30; Oct 1–7 off; 8, 9, Sat 10 (worked); 12–16; 19–23.
    assert asked["due_on"] == "2026-10-23"
    assert asked["is_challenge"]


def test_the_workers_answer_and_the_member_rates_the_answer(
    tenant_a: TenantWorld, orgs: dict[str, Organization], asker: User
) -> None:
    secretary = scoped(tenant_a, orgs["first"])
    other = scoped(tenant_a, orgs["second"])
    asked = ask(tenant_a, asker, orgs["first"])
    with tenant_a.tenant:
        assert Notification.objects.filter(user=secretary, kind="supervision.deadline").count() == 1
    listing = api(tenant_a.host, secretary).get(BASE).json()["results"]
    assert [(r["id"], r["actions"]) for r in listing] == [(asked["id"], ["answer"])]
    assert api(tenant_a.host, other).get(BASE).json()["results"] == []
    assert api(tenant_a.host, other).get(f"{BASE}/{asked['id']}").status_code == 404
    denied = api(tenant_a.host, other).post(f"{BASE}/{asked['id']}/answer", {"answer": "x"}, format="json")
    assert denied.status_code == 404
    own = api(tenant_a.host, asker).post(f"{BASE}/{asked['id']}/answer", {"answer": "x"}, format="json")
    assert own.status_code == 404
    early = api(tenant_a.host, asker).post(f"{BASE}/{asked['id']}/satisfaction", {"satisfied": True}, format="json")
    assert early.status_code == 409
    answered = api(tenant_a.host, secretary).post(
        f"{BASE}/{asked['id']}/answer", {"answer": "已在支部公示栏公开"}, format="json"
    )
    assert answered.json()["status"] == "answered"
    assert answered.json()["answered_by"] == secretary.name
    twice = api(tenant_a.host, secretary).post(f"{BASE}/{asked['id']}/answer", {"answer": "y"}, format="json")
    assert twice.status_code == 409
    mine = api(tenant_a.host, asker).get(f"{BASE}/mine").json()["results"]
    assert [(r["answer"], r["actions"]) for r in mine] == [("已在支部公示栏公开", ["rate"])]
    not_asker = api(tenant_a.host, secretary).post(
        f"{BASE}/{asked['id']}/satisfaction", {"satisfied": True}, format="json"
    )
    assert not_asker.status_code == 403
    rated = api(tenant_a.host, asker).post(f"{BASE}/{asked['id']}/satisfaction", {"satisfied": False}, format="json")
    assert (rated.json()["status"], rated.json()["satisfied"]) == ("closed", False)


def test_classified_questions_are_refused(tenant_a: TenantWorld, orgs: dict[str, Organization], asker: User) -> None:
    response = api(tenant_a.host, asker).post(
        BASE, {"organization": orgs["first"].pk, "subject": "【绝密】文件", "body": "b"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "confidentiality.classified"
    with tenant_a.tenant:
        assert not Inquiry.objects.exists()


def test_an_overdue_inquiry_escalates_once_to_the_level_above(
    tenant_a: TenantWorld, orgs: dict[str, Organization], asker: User
) -> None:
    upper = scoped(tenant_a, orgs["committee"])
    first = ask(tenant_a, asker, orgs["first"])
    top = ask(tenant_a, asker, orgs["committee"])
    assert api(tenant_a.host, upper).get(f"{BASE}/{first['id']}").status_code == 200  # the scope covers it
    due = date.fromisoformat(first["due_on"])
    with tenant_a.tenant:
        Notification.objects.all().delete()
        assert inquiries.do_escalate_overdue(due) == 0
        assert inquiries.do_escalate_overdue(due + timedelta(days=1)) == 2
        assert inquiries.do_escalate_overdue(due + timedelta(days=2)) == 0
        escalated = Inquiry.objects.get(pk=first["id"])
        assert escalated.escalated_to_id == orgs["committee"].pk
        assert Inquiry.objects.get(pk=top["id"]).escalated_to_id is None
        told = set(Notification.objects.values_list("user_id", flat=True))
    assert upper.pk in told  # the committee's secretary, for the branch's inquiry
    assert tenant_a.admin.pk in told  # nobody above the top committee: the tenant admins
    body = api(tenant_a.host, upper).get(f"{BASE}/{first['id']}").json()
    assert body["escalated_to"]["id"] == orgs["committee"].pk
    assert api(tenant_a.host, upper).get(f"{BASE}?due=later").status_code == 400


def test_the_console_filters_by_due_and_status(
    tenant_a: TenantWorld, orgs: dict[str, Organization], asker: User
) -> None:
    asked = ask(tenant_a, asker, orgs["first"])
    with tenant_a.tenant:
        Inquiry.objects.filter(pk=asked["id"]).update(due_on=date.today() - timedelta(days=1))
    fresh = ask(tenant_a, asker, orgs["first"])
    with tenant_a.tenant:
        Inquiry.objects.filter(pk=fresh["id"]).update(due_on=date.today() + timedelta(days=1))
    admin = api(tenant_a.host, tenant_a.admin)
    assert [r["id"] for r in admin.get(f"{BASE}?due=overdue").json()["results"]] == [asked["id"]]
    assert [r["id"] for r in admin.get(f"{BASE}?due=soon").json()["results"]] == [fresh["id"]]
    assert admin.get(f"{BASE}?status=closed").json()["results"] == []
    assert len(admin.get(f"{BASE}?status=open&organization={orgs['first'].pk}").json()["results"]) == 2


def test_every_inquiry_endpoint_is_isolated_between_tenants_and_from_anonymous(
    tenant_a: TenantWorld, tenant_b: TenantWorld, orgs: dict[str, Organization], asker: User
) -> None:
    tree(tenant_b)
    asked = ask(tenant_a, asker, orgs["first"])
    create = {"organization": orgs["first"].pk, "subject": "s", "body": "b"}
    assert_tenant_isolated(
        Endpoint(BASE, object_id=asked["id"], change=None, create=create), owner=tenant_a, outsider=tenant_b
    )
    # The portal's lists are the caller's own: the asker's token means nothing on B's host, and
    # B's users see nothing of A's on A's host.
    for url in (f"{BASE}/mine", f"{BASE}/organizations"):
        assert api(tenant_a.host).get(url).status_code == 401
        assert api(tenant_b.host, asker).get(url).status_code == 403
        for user in (tenant_b.admin, tenant_b.member):
            assert api(tenant_a.host, user).get(url).status_code == 403
        assert asked["subject"] not in str(api(tenant_b.host, tenant_b.member).get(url).content, "utf-8")
    for action, body in (("answer", {"answer": "x"}), ("satisfaction", {"satisfied": True})):
        url = f"{BASE}/{asked['id']}/{action}"
        assert api(tenant_a.host).post(url, body, format="json").status_code == 401
        for user in (tenant_b.admin, tenant_b.member):
            assert api(tenant_a.host, user).post(url, body, format="json").status_code in {403, 404}
        assert api(tenant_b.host, tenant_b.admin).post(url, body, format="json").status_code == 404
    with tenant_a.tenant:
        assert Inquiry.objects.get(pk=asked["id"]).status == "open"
