"""Member records: validation, encryption, history, tenures and counts at any date, scopes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection

from partycloud.audit.models import AuditAction, AuditEvent
from partycloud.tenancy.models import TenantAccess
from tenants.access.services import do_assign_role
from tenants.members.models import Member, MemberTenure
from tenants.members.services import counts_on, do_create_member, do_update_member, find_by_id_card
from tenants.organizations.models import Organization
from tenants.organizations.services import do_create_organization, do_merge_organization
from tests.conftest import TenantWorld, api
from tests.factories import UserFactory, make_id_card
from tests.isolation import Endpoint, assert_tenant_isolated


@pytest.fixture
def branches(tenant_a: TenantWorld) -> dict[str, Organization]:
    with tenant_a.tenant:
        committee = do_create_organization(kind="committee", name="甲公司党委")
        return {
            "committee": committee,
            "first": do_create_organization(kind="branch", name="第一党支部", parent=committee),
            "second": do_create_organization(kind="branch", name="第二党支部", parent=committee),
        }


def member_body(organization: Organization, **extra: object) -> dict[str, object]:
    return {
        "name": "张卫国",
        "gender": "male",
        "id_card_number": make_id_card(),
        "education": "bachelor",
        "job": "工程师",
        "phone": "13612345678",
        "employee_card_number": "E10001",
        "joined_on": "2015-07-01",
        "confirmed_on": "2016-07-01",
        "membership": "full",
        "dues_category": "employee",
        "organization": organization.pk,
        **extra,
    }


def create(tenant: TenantWorld, organization: Organization, **fields: object) -> Member:
    data = {
        "name": "李红", "gender": "female", "joined_on": date(2018, 6, 1), "confirmed_on": date(2019, 6, 1),
        "membership": "full", "dues_category": "employee", "organization": organization,
    } | fields  # fmt: skip
    number = str(data.pop("id_card_number", make_id_card()))
    placed_on = data.pop("placed_on", None)
    with tenant.tenant:
        return do_create_member(data, id_card_number=number, placed_on=placed_on)  # type: ignore[arg-type]


def test_admin_records_a_member_and_lists_show_masked_numbers(tenant_a: TenantWorld, branches):
    body = member_body(branches["first"])
    client = api(tenant_a.host, tenant_a.admin)
    response = client.post("/api/v1/members", body)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["birth_date"] == "1985-06-12"  # from the ID card
    assert created["id_card_masked"] == body["id_card_number"][:3] + "*" * 11 + body["id_card_number"][-4:]
    assert "id_card_number" not in created
    row = client.get("/api/v1/members").json()["results"][0]
    assert row["phone_masked"] == "136****5678"
    assert "phone" not in row
    assert body["id_card_number"] not in str(row)


def test_id_card_numbers_are_encrypted_at_rest_and_revealed_only_with_an_audit(tenant_a: TenantWorld, branches):
    number = make_id_card()
    member = create(tenant_a, branches["first"], id_card_number=number)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id_card_encrypted, id_card_index FROM {tenant_a.tenant.schema_name}.members_member")
        stored = cursor.fetchone()
    assert number not in " ".join(stored)
    revealed = api(tenant_a.host, tenant_a.admin).post(f"/api/v1/members/{member.pk}/reveal-id-card")
    assert revealed.json() == {"id_card_number": number}
    assert AuditEvent.objects.filter(action=AuditAction.READ, target_id=str(member.pk), actor=tenant_a.admin).exists()
    inspector = api(tenant_a.host, tenant_a.inspector).post(f"/api/v1/members/{member.pk}/reveal-id-card")
    assert inspector.status_code == 403
    with tenant_a.tenant:
        assert find_by_id_card(number.lower()) == member


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"id_card_number": "110101198506121230"}, "members.id_card_checksum", "id_card_number"),
        ({"id_card_number": "11010119850612"}, "members.id_card_format", "id_card_number"),
        ({"joined_on": "2000-01-01"}, "members.too_young_at_joining", "joined_on"),
        ({"membership": "probationary"}, "members.probationary_confirmed", "confirmed_on"),
        ({"confirmed_on": None}, "members.confirmed_on_required", "confirmed_on"),
        ({"joined_on": "2099-01-01"}, "members.joined_on_future", "joined_on"),
        ({"birth_date": "1990-01-01"}, "members.birth_date_mismatch", "birth_date"),
    ],
)
def test_invalid_records_are_refused_with_the_field_at_fault(tenant_a: TenantWorld, branches, change, code, field):
    response = api(tenant_a.host, tenant_a.admin).post("/api/v1/members", member_body(branches["first"]) | change)
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert response.json()["message"]


def test_full_width_digits_and_lower_case_x_are_accepted(tenant_a: TenantWorld, branches):
    number = make_id_card()
    typed = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９x")) + " "
    response = api(tenant_a.host, tenant_a.admin).post(
        "/api/v1/members", member_body(branches["first"], id_card_number=typed)
    )
    assert response.status_code == 201, response.json()


def test_the_same_id_card_cannot_be_recorded_twice(tenant_a: TenantWorld, branches):
    number = make_id_card()
    create(tenant_a, branches["first"], id_card_number=number)
    response = api(tenant_a.host, tenant_a.admin).post(
        "/api/v1/members", member_body(branches["second"], id_card_number=number)
    )
    assert (response.status_code, response.json()["code"]) == (409, "members.id_card_taken")


def test_a_person_who_left_and_is_admitted_again_gets_the_old_record_back_as_entered_now(
    tenant_a: TenantWorld, branches
):
    """ADR 0004: re-admission after leaving the party (the development engine's step 17 uses
    this path) reactivates the archived record; what the new record leaves out is blank."""
    number = make_id_card("19900101")
    old = create(tenant_a, branches["first"], id_card_number=number, job="工程师", placed_on=date(2012, 1, 1))
    with tenant_a.tenant:
        do_update_member(old, {"status": "left"}, effective_on=date(2016, 3, 1))
    again = create(
        tenant_a, branches["second"], id_card_number=number, joined_on=date(2025, 6, 1), confirmed_on=None,
        membership="probationary", placed_on=date(2025, 6, 1),
    )  # fmt: skip
    with tenant_a.tenant:
        assert again.pk == old.pk
        again.refresh_from_db()
        assert (again.status, again.membership, again.confirmed_on, again.job) == ("active", "probationary", None, "")
        returned = again.changes.get(kind="returned")
        assert returned.changes["joined_on"] == ["2018-06-01", "2025-06-01"]
        assert returned.effective_on == date(2025, 6, 1)
        periods = list(again.tenures.values_list("organization_id", "started_on", "ended_on"))
        assert periods == [
            (branches["first"].pk, date(2012, 1, 1), date(2016, 3, 1)),
            (branches["second"].pk, date(2025, 6, 1), None),
        ]
    deceased_number = make_id_card("19500101")
    deceased = create(tenant_a, branches["first"], id_card_number=deceased_number)
    with tenant_a.tenant:
        do_update_member(deceased, {"status": "deceased"})
    response = api(tenant_a.host, tenant_a.admin).post(
        "/api/v1/members", member_body(branches["second"], id_card_number=deceased_number)
    )
    assert (response.status_code, response.json()["code"]) == (409, "members.id_card_taken")


def test_the_bulk_import_sends_a_returning_member_to_the_one_by_one_path(tenant_a: TenantWorld, branches):
    from partycloud.core.sheetmapping import read_sheet
    from partycloud.core.spreadsheets import workbook_bytes
    from tenants.members.imports import MEMBER_SHEET, validate_rows

    number = make_id_card("19880808")
    old = create(tenant_a, branches["first"], id_card_number=number)
    content = workbook_bytes(
        "党员信息",
        ["姓名", "身份证号", "入党日期", "党员类别", "所在党组织"],
        [["李红", number, "2010-07-01", "正式党员", "第一党支部"]],
    )
    with tenant_a.tenant:
        do_update_member(old, {"status": "transferred_out"})
        _, errors = validate_rows(read_sheet(content, "members.xlsx", MEMBER_SHEET))
    messages = [entry["message"] for entry in errors.as_list() if entry["column"] == "身份证号"]
    assert any("曾在本单位" in message for message in messages), messages


def test_members_cannot_be_held_by_the_committee_itself(tenant_a: TenantWorld, branches):
    response = api(tenant_a.host, tenant_a.admin).post("/api/v1/members", member_body(branches["committee"]))
    assert response.json()["code"] == "members.organization_kind"


def test_counts_at_any_date_follow_moves_and_status(tenant_a: TenantWorld, branches):
    start = date(2026, 1, 1)
    member = create(tenant_a, branches["first"], placed_on=start)
    create(
        tenant_a,
        branches["first"],
        placed_on=start,
        membership="probationary",
        confirmed_on=None,
        joined_on=date(2025, 12, 1),
    )
    with tenant_a.tenant:
        do_update_member(member, {"organization": branches["second"]}, effective_on=date(2026, 3, 1))
        do_update_member(member, {"status": "deceased"}, effective_on=date(2026, 5, 1))
        assert counts_on(date(2026, 2, 1))[branches["first"].pk] == {"full": 1, "probationary": 1, "total": 2}
        assert counts_on(date(2026, 4, 1))[branches["second"].pk]["total"] == 1
        assert counts_on(date(2026, 4, 1))[branches["first"].pk]["total"] == 1
        assert branches["second"].pk not in counts_on(date(2026, 6, 1))
        assert MemberTenure.objects.filter(member=member).count() == 2
    response = api(tenant_a.host, tenant_a.admin).get("/api/v1/members/counts?date=2026-02-01")
    assert response.json()["organizations"][0]["total"] == 2
    history = api(tenant_a.host, tenant_a.admin).get(f"/api/v1/members/{member.pk}/history").json()
    assert [entry["kind"] for entry in history] == ["status", "moved", "created"]
    assert history[1]["changes"]["organization"] == [branches["first"].pk, branches["second"].pk]


def test_a_member_with_an_account_sees_their_record_and_the_tenant(tenant_a: TenantWorld, branches):
    person = UserFactory()
    create(tenant_a, branches["first"], phone=person.phone, name=person.name)
    assert TenantAccess.objects.get(user=person, tenant=tenant_a.tenant).has_member_record
    client = api(tenant_a.host, person)
    assert client.get("/api/v1/me").json()["tenants"][0]["has_member_record"] is True
    with tenant_a.tenant:
        do_assign_role(user=person, role="member")
    mine = client.get("/api/v1/members/me")
    assert mine.status_code == 200
    assert mine.json()["organization_name"] == "第一党支部"
    assert client.get("/api/v1/members").status_code == 403


def test_members_follow_a_merged_branch(tenant_a: TenantWorld, branches):
    member = create(tenant_a, branches["first"])
    with tenant_a.tenant:
        do_merge_organization(branches["first"], branches["second"])
        assert Member.objects.get(pk=member.pk).organization_id == branches["second"].pk
        assert counts_on(date.today() + timedelta(days=1))[branches["second"].pk]["total"] == 1


def test_a_branch_secretary_sees_and_changes_only_their_branch(tenant_a: TenantWorld, branches):
    mine = create(tenant_a, branches["first"], name="本支部")
    other = create(tenant_a, branches["second"], name="他支部")
    secretary = UserFactory()
    with tenant_a.tenant:
        do_assign_role(user=secretary, role="secretary", organization_id=branches["first"].pk)
    client = api(tenant_a.host, secretary)
    assert [row["name"] for row in client.get("/api/v1/members").json()["results"]] == ["本支部"]
    assert client.get(f"/api/v1/members/{other.pk}").status_code == 404
    assert client.patch(f"/api/v1/members/{mine.pk}", {"job": "支部书记"}).status_code == 200
    moved_out = client.patch(f"/api/v1/members/{mine.pk}", {"organization": branches["second"].pk})
    assert (moved_out.status_code, moved_out.json()["code"]) == (403, "members.out_of_scope")
    assert client.post("/api/v1/members", member_body(branches["second"])).status_code == 403


def test_the_inspector_reads_but_does_not_write(tenant_a: TenantWorld, branches):
    member = create(tenant_a, branches["first"])
    client = api(tenant_a.host, tenant_a.inspector)
    assert client.get("/api/v1/members").json()["count"] == 1
    assert client.patch(f"/api/v1/members/{member.pk}", {"job": "x"}).status_code == 403


def test_members_are_isolated(tenant_a: TenantWorld, tenant_b: TenantWorld, branches):
    member = create(tenant_a, branches["first"])
    assert_tenant_isolated(
        Endpoint("/api/v1/members", object_id=member.pk, change={"job": "篡改"}, deletable=False),
        owner=tenant_a,
        outsider=tenant_b,
    )
