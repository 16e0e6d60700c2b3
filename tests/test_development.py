"""Member development: all 25 steps, and each rule that blocks a step with how much it fails."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from partycloud.core.dates import add_months
from partycloud.core.errors import ServiceError
from tenants.development.models import DevelopmentCase
from tenants.development.services import deadlines, do_open_case, do_record_step, missing_quarters
from tenants.members.models import Member
from tenants.members.services import do_create_member
from tenants.organizations.services import do_create_organization
from tests.conftest import TenantWorld, api
from tests.factories import make_id_card
from tests.isolation import Endpoint, assert_tenant_isolated

# The branch's two full members (the introducers) are the ones with voting rights.
VOTE = {"present": 2, "yes": 2}
PLACED = date(2020, 1, 1)


@pytest.fixture
def branch(tenant_a: TenantWorld) -> Any:
    with tenant_a.tenant:
        return do_create_organization(
            kind="branch", name="第一党支部", parent=do_create_organization(kind="committee", name="甲")
        )


@pytest.fixture
def introducers(tenant_a: TenantWorld, branch: Any) -> list[int]:
    with tenant_a.tenant:
        return [
            do_create_member(
                {"name": f"介绍人{i}", "gender": "male", "joined_on": date(2000, 7, 1), "confirmed_on": date(2001, 7, 1),
                 "membership": "full", "dues_category": "employee", "organization": branch},
                id_card_number=make_id_card("19700101"), placed_on=PLACED,
            ).pk
            for i in (1, 2)
        ]  # fmt: skip


def open_case(tenant: TenantWorld, branch: Any, applied_on: date = date(2022, 1, 10)) -> DevelopmentCase:
    with tenant.tenant:
        return do_open_case(
            name="陈晓",
            gender="female",
            id_card_number=make_id_card("19980305"),
            organization=branch,
            applied_on=applied_on,
        )


def record(tenant: TenantWorld, case: DevelopmentCase, step: int, on: date, **data: Any) -> None:
    with tenant.tenant:
        do_record_step(case, step, done_on=on, data=data)


def blocked(tenant: TenantWorld, case: DevelopmentCase, step: int, on: date, **data: Any) -> ServiceError:
    with tenant.tenant, pytest.raises(ServiceError) as error:
        do_record_step(case, step, done_on=on, data=data)
    return error.value


def walk_to(tenant: TenantWorld, case: DevelopmentCase, last: int, introducers: list[int]) -> None:
    plan: dict[int, tuple[date, dict[str, Any]]] = {
        2: (date(2022, 1, 25), {}), 3: (date(2022, 3, 1), {}), 4: (date(2022, 3, 10), {}),
        5: (date(2022, 3, 15), {"contacts": ["李四", "王五"]}), 6: (date(2022, 9, 1), {}),
        7: (date(2023, 3, 15), {}), 8: (date(2023, 3, 20), {}), 9: (date(2023, 4, 1), {"introducers": introducers}),
        10: (date(2023, 5, 1), {}), 11: (date(2023, 6, 1), {"days": 3, "hours": 24}), 12: (date(2024, 1, 10), {}),
        13: (date(2024, 2, 1), {}), 14: (date(2024, 3, 1), {}), 15: (date(2024, 4, 1), VOTE),
        16: (date(2024, 4, 20), {}), 17: (date(2024, 5, 15), {}), 18: (date(2024, 5, 20), {}),
        19: (date(2024, 5, 25), {}), 20: (date(2024, 6, 1), {}), 21: (date(2024, 12, 1), {}),
        22: (date(2025, 2, 1), {}), 23: (date(2025, 4, 2), {**VOTE, "outcome": "confirm"}),
        24: (date(2025, 5, 10), {}), 25: (date(2025, 5, 20), {}),
    }  # fmt: skip
    for step in range(case.last_step + 1, last + 1):
        on, data = plan[step]
        record(tenant, case, step, on, **data)


def test_all_25_steps_make_a_probationary_then_full_member(tenant_a: TenantWorld, branch, introducers):
    case = open_case(tenant_a, branch)
    walk_to(tenant_a, case, 17, introducers)
    with tenant_a.tenant:
        case.refresh_from_db()
        member = Member.objects.get(pk=case.member_id)
        assert (member.membership, member.joined_on) == ("probationary", date(2024, 4, 1))
        assert case.probation_ends_on == date(2025, 4, 1)
    walk_to(tenant_a, case, 25, introducers)
    with tenant_a.tenant:
        case.refresh_from_db()
        member.refresh_from_db()
        assert case.stage == "full"
        assert (member.membership, member.confirmed_on) == ("full", date(2025, 4, 1))  # party age from confirmation
        assert case.steps.count() == 25
        assert set(case.steps.values_list("rule_version", flat=True)) == {"2014.1"}


def test_an_applicant_must_be_18(tenant_a: TenantWorld, branch):
    with tenant_a.tenant, pytest.raises(ServiceError) as error:
        do_open_case(
            name="少年",
            gender="male",
            id_card_number=make_id_card("20100601"),
            organization=branch,
            applied_on=date(2026, 1, 1),
        )
    assert error.value.code == "development.too_young"
    assert "还差" in str(error.value.message)


def test_a_late_talk_needs_a_reason(tenant_a: TenantWorld, branch, introducers):
    case = open_case(tenant_a, branch)
    error = blocked(tenant_a, case, 2, date(2022, 3, 1))
    assert error.code == "development.talk_late"
    assert "逾期 20 天" in str(error.message) or "20" in str(error.message)
    record(tenant_a, case, 2, date(2022, 3, 1), late_reason="申请人长期出差")


def test_the_activist_period_is_a_year_and_the_message_says_how_much_is_missing(
    tenant_a: TenantWorld, branch, introducers
):
    case = open_case(tenant_a, branch)
    walk_to(tenant_a, case, 6, introducers)
    error = blocked(tenant_a, case, 7, date(2022, 12, 8))
    assert error.code == "development.activist_period_too_short"
    assert "83 天" in str(error.message)
    assert "2014.1" in str(error.message)


@pytest.mark.parametrize(
    ("step", "data", "code"),
    [
        (9, {"introducers": []}, "development.two_introducers"),
        (11, {"days": 2, "hours": 16}, "development.training_too_short"),
    ],
)
def test_candidate_stage_rules(tenant_a: TenantWorld, branch, introducers, step, data, code):
    case = open_case(tenant_a, branch)
    walk_to(tenant_a, case, step - 1, introducers)
    assert blocked(tenant_a, case, step, date(2023, 6, 1), **data).code == code


def test_introducers_must_be_full_members(tenant_a: TenantWorld, branch, introducers):
    with tenant_a.tenant:
        probationary = do_create_member(
            {"name": "预备", "gender": "male", "joined_on": date(2023, 1, 1), "membership": "probationary",
             "dues_category": "employee", "organization": branch},
            id_card_number=make_id_card("19900101"),
        )  # fmt: skip
    case = open_case(tenant_a, branch)
    walk_to(tenant_a, case, 8, introducers)
    error = blocked(tenant_a, case, 9, date(2023, 4, 1), introducers=[introducers[0], probationary.pk])
    assert error.code == "development.introducer_not_full"


@pytest.mark.parametrize(
    ("vote", "code"),
    [
        ({"present": 1, "yes": 1}, "development.no_quorum"),
        ({"present": 2, "yes": 1}, "development.vote_not_passed"),
        ({"present": 3, "yes": 1}, "development.vote_inconsistent"),
        ({"entitled": 20, "present": 15, "yes": 14}, "development.entitled_differs"),
    ],
)
def test_branch_meeting_quorum_and_majority(tenant_a: TenantWorld, branch, introducers, vote, code):
    case = open_case(tenant_a, branch)
    walk_to(tenant_a, case, 14, introducers)
    assert blocked(tenant_a, case, 15, date(2024, 4, 1), **vote).code == code


def test_political_review_is_valid_for_one_year(tenant_a: TenantWorld, branch, introducers):
    case = open_case(tenant_a, branch)
    walk_to(tenant_a, case, 14, introducers)
    assert blocked(tenant_a, case, 15, date(2024, 6, 1), **VOTE).code == "development.political_review_expired"


@pytest.mark.parametrize(
    ("on", "code"),
    [(date(2024, 8, 1), "development.re_deliberate"), (date(2024, 11, 1), "development.restart_required")],
)
def test_upper_approval_within_three_months(tenant_a: TenantWorld, branch, introducers, on, code):
    case = open_case(tenant_a, branch)
    walk_to(tenant_a, case, 16, introducers)
    assert blocked(tenant_a, case, 17, on).code == code


def test_probation_can_be_extended_once_by_6_to_12_months(tenant_a: TenantWorld, branch, introducers):
    case = open_case(tenant_a, branch)
    walk_to(tenant_a, case, 22, introducers)
    assert (
        blocked(tenant_a, case, 23, date(2025, 2, 10), **VOTE, outcome="confirm").code
        == "development.probation_not_over"
    )
    assert (
        blocked(tenant_a, case, 23, date(2025, 4, 2), **VOTE, outcome="extend", extension_months=3).code
        == "development.extension_length"
    )
    record(tenant_a, case, 23, date(2025, 4, 2), **VOTE, outcome="extend", extension_months=6)
    with tenant_a.tenant:
        case.refresh_from_db()
        assert (case.probation_ends_on, case.last_step) == (date(2025, 10, 1), 21)
    record(tenant_a, case, 22, date(2025, 9, 10))
    assert (
        blocked(tenant_a, case, 23, date(2025, 10, 2), **VOTE, outcome="extend", extension_months=6).code
        == "development.extended_once"
    )


def test_steps_are_recorded_in_order(tenant_a: TenantWorld, branch, introducers):
    case = open_case(tenant_a, branch)
    error = blocked(tenant_a, case, 5, date(2022, 2, 1))
    assert error.code == "development.out_of_order"


def test_the_api_records_steps_shows_blocks_and_the_todo_list(tenant_a: TenantWorld, branch, introducers):
    client = api(tenant_a.host, tenant_a.admin)
    created = client.post(
        "/api/v1/development/cases",
        {
            "name": "赵磊",
            "gender": "male",
            "id_card_number": make_id_card("19990101"),
            "organization": branch.pk,
            "applied_on": "2026-11-01",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    case = created.json()
    assert case["next_steps"] == [2]
    assert case["deadlines"][0]["code"] == "talk_due"
    too_early = client.post(
        f"/api/v1/development/cases/{case['id']}/steps", {"step": 3, "done_on": "2026-11-05"}, format="json"
    )
    assert (too_early.status_code, too_early.json()["code"]) == (400, "development.out_of_order")
    done = client.post(
        f"/api/v1/development/cases/{case['id']}/steps", {"step": 2, "done_on": "2026-11-05"}, format="json"
    )
    assert done.status_code == 201
    assert client.get("/api/v1/development/cases/step-table").json()["steps"][24]["name"] == "材料归档"
    assert isinstance(client.get("/api/v1/development/cases/todo").json()["items"], list)


def test_development_cases_are_isolated(tenant_a: TenantWorld, tenant_b: TenantWorld, branch):
    case = open_case(tenant_a, branch)
    assert_tenant_isolated(
        Endpoint("/api/v1/development/cases", object_id=case.pk, change={"name": "x"}, deletable=False),
        owner=tenant_a,
        outsider=tenant_b,
    )
    assert (
        api(tenant_a.host, tenant_b.admin)
        .post(f"/api/v1/development/cases/{case.pk}/steps", {"step": 2, "done_on": "2022-01-20"}, format="json")
        .status_code
        == 403
    )
    with tenant_a.tenant:
        assert deadlines(DevelopmentCase.objects.get(pk=case.pk), date(2022, 1, 11))[0]["days_left"] == 30


def test_deadline_reminders_go_to_admins_once(tenant_a: TenantWorld, branch):
    from django.utils import timezone

    from tenants.development.tasks import remind_deadlines
    from tenants.notifications.models import Notification

    open_case(tenant_a, branch, applied_on=timezone.localdate().replace(day=1))
    with tenant_a.tenant:
        sent = remind_deadlines()
        assert remind_deadlines() == 0
        if sent:  # the talk is due within a month of the 1st: within a week only late in the month
            assert Notification.objects.filter(user=tenant_a.admin, title__startswith="发展党员提醒").exists()


def test_overdue_talk_reminds_with_its_lateness(tenant_a: TenantWorld, branch):
    from tenants.development.tasks import remind_deadlines
    from tenants.notifications.models import Notification

    open_case(tenant_a, branch, applied_on=date(2026, 1, 5))
    with tenant_a.tenant:
        assert remind_deadlines() == 1
        assert "已逾期" in Notification.objects.get(user=tenant_a.admin).body


def test_evidence_files_are_stored_under_the_tenant_and_downloaded_with_permission(
    tenant_a: TenantWorld, tenant_b: TenantWorld, branch
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = open_case(tenant_a, branch)
    with tenant_a.tenant:
        step = case.steps.get(number=1)
    client = api(tenant_a.host, tenant_a.admin)
    url = f"/api/v1/development/cases/{case.pk}/steps/{step.pk}"
    refused = client.post(f"{url}/evidence", {"file": SimpleUploadedFile("x.exe", b"MZ")}, format="multipart")
    assert refused.json()["code"] == "development.bad_evidence"
    uploaded = client.post(
        f"{url}/evidence", {"file": SimpleUploadedFile("入党申请书.pdf", b"%PDF-1.4 test")}, format="multipart"
    )
    assert uploaded.json()["has_evidence"] is True
    with tenant_a.tenant:
        step.refresh_from_db()
        assert step.evidence.name.startswith("t/t_alpha/development/")
    download = client.get(f"{url}/evidence-file")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert api(tenant_a.host, tenant_b.admin).get(f"{url}/evidence-file").status_code == 403
    assert api(tenant_a.host).get(f"{url}/evidence-file").status_code == 401


# ---------------------------------------------------------------- where the engine followed the rules too loosely


def test_the_confirmation_meeting_waits_for_the_end_of_probation(tenant_a: TenantWorld, branch, introducers):
    """Party Constitution Art. 7: the branch discusses confirmation once probation has ended; a
    week before (when the written application comes) was accepted until now."""
    case = open_case(tenant_a, branch)
    walk_to(tenant_a, case, 22, introducers)  # probation ends on 2025-04-01
    error = blocked(tenant_a, case, 23, date(2025, 3, 25), **VOTE, outcome="confirm")
    assert (error.code, error.field) == ("development.probation_not_over", "done_on")
    assert "7 天" in str(error.message)
    assert "党章第七条" in str(error.message)
    assert "2014.1" in str(error.message)
    record(tenant_a, case, 23, date(2025, 4, 1), **VOTE, outcome="confirm")


def full_member(tenant: TenantWorld, branch: Any, name: str, **extra: Any) -> Member:
    with tenant.tenant:
        return do_create_member(
            {"name": name, "gender": "male", "joined_on": date(2005, 7, 1), "confirmed_on": date(2006, 7, 1),
             "membership": "full", "dues_category": "employee", "organization": branch, **extra},
            id_card_number=make_id_card("19750101"), placed_on=PLACED,
        )  # fmt: skip


def test_the_number_entitled_to_vote_comes_from_the_records(tenant_a: TenantWorld, branch, introducers):
    """Full members of the branch on the meeting date, less those under 留党察看; probationary
    members have no vote. A typed figure that differs needs a recorded reason."""
    sanctioned = full_member(tenant_a, branch, "受处分")
    full_member(tenant_a, branch, "新转入", confirmed_on=date(2006, 7, 1))  # counted from 2020
    with tenant_a.tenant:
        do_create_member(
            {"name": "预备党员", "gender": "female", "joined_on": date(2023, 7, 1), "membership": "probationary",
             "dues_category": "employee", "organization": branch},
            id_card_number=make_id_card("19990101"), placed_on=date(2023, 7, 1),
        )  # fmt: skip
    client = api(tenant_a.host, tenant_a.admin)
    placed = client.post(
        f"/api/v1/members/{sanctioned.pk}/disciplinary-probations",
        {"started_on": "2024-01-10", "ends_on": "2025-01-10", "decision": "甲公司纪委〔2024〕3号"},
        format="json",
    )
    assert placed.status_code == 201, placed.json()
    case = open_case(tenant_a, branch)
    walk_to(tenant_a, case, 14, introducers)

    roll = client.get(f"/api/v1/development/cases/{case.pk}/voting-roll?date=2024-04-01").json()
    assert (roll["full"], roll["suspended"], roll["probationary"], roll["entitled"]) == (4, 1, 1, 3)
    after = client.get(f"/api/v1/development/cases/{case.pk}/voting-roll?date=2025-02-01").json()
    assert after["entitled"] == 4  # the sanction has ended: the vote is back
    bad = client.get(f"/api/v1/development/cases/{case.pk}/voting-roll?date=2024-13-01")
    assert (bad.status_code, bad.json()["code"], bad.json()["field"]) == (400, "development.bad_date", "date")

    # A typed 2 would make 2 present "quorate"; the records say 3 are entitled.
    refused = blocked(tenant_a, case, 15, date(2024, 4, 1), entitled=2, present=2, yes=2)
    assert (refused.code, refused.field) == ("development.entitled_differs", "details.entitled_reason")
    assert "3" in str(refused.message)
    assert "2014.1" in str(refused.message)
    # Without a typed figure the records decide: 2 of 3 present is a quorum, 2 yes a majority.
    assert blocked(tenant_a, case, 15, date(2024, 4, 1), present=1, yes=1).code == "development.no_quorum"
    response = client.post(
        f"/api/v1/development/cases/{case.pk}/steps",
        {"step": 15, "done_on": "2024-04-01",
         "details": {"entitled": 5, "present": 3, "yes": 3, "entitled_reason": "两名党员组织关系已转入、档案在途"}},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    stored = response.json()["data"]
    assert (stored["entitled"], stored["roll"]["entitled"], stored["entitled_reason"]) == (
        5,
        3,
        "两名党员组织关系已转入、档案在途",
    )
    shown = client.get(f"/api/v1/development/cases/{case.pk}").json()
    assert shown["steps"][-1]["data"]["roll"]["suspended"] == 1


def test_disciplinary_probation_lasts_one_or_two_years_and_only_admins_and_secretaries_record_it(
    tenant_a: TenantWorld, tenant_b: TenantWorld, branch
):
    member = full_member(tenant_a, branch, "受处分")
    url = f"/api/v1/members/{member.pk}/disciplinary-probations"
    client = api(tenant_a.host, tenant_a.admin)
    too_long = client.post(url, {"started_on": "2024-01-10", "ends_on": "2026-02-10", "decision": "x"}, format="json")
    assert too_long.json()["code"] == "members.disciplinary_probation_length"
    assert (
        client.post(url, {"started_on": "2024-01-10", "ends_on": "2026-01-10", "decision": "纪委决定"}).status_code
        == 201
    )
    overlap = client.post(url, {"started_on": "2025-01-10", "ends_on": "2026-01-10", "decision": "y"}, format="json")
    assert overlap.json()["code"] == "members.disciplinary_probation_overlaps"
    assert [row["decision"] for row in client.get(url).json()] == ["纪委决定"]
    inspector = api(tenant_a.host, tenant_a.inspector)
    assert inspector.get(url).status_code == 200
    assert (
        inspector.post(url, {"started_on": "2023-01-10", "ends_on": "2023-06-10", "decision": "z"}).status_code == 403
    )
    for outsider in (api(tenant_a.host, tenant_b.admin), api(tenant_b.host, tenant_b.admin)):
        assert outsider.get(url).status_code in {403, 404}
        assert outsider.post(
            url, {"started_on": "2023-01-10", "ends_on": "2023-06-10", "decision": "z"}
        ).status_code in {403, 404}
    assert api(tenant_a.host).get(url).status_code == 401


def admitted_case(tenant: TenantWorld, branch: Any, introducers: list[int], meeting: date) -> DevelopmentCase:
    """A case walked to the oath (step 20), its admitting branch meeting (step 15) on ``meeting``."""
    applied = meeting - timedelta(days=800)
    case = open_case(tenant, branch, applied_on=applied)
    plan = [
        (2, applied + timedelta(days=10), {}), (3, applied + timedelta(days=30), {}),
        (4, applied + timedelta(days=35), {}), (5, applied + timedelta(days=40), {"contacts": ["李四"]}),
        (6, applied + timedelta(days=200), {}), (7, applied + timedelta(days=400), {}),
        (8, applied + timedelta(days=405), {}), (9, applied + timedelta(days=410), {"introducers": introducers}),
        (10, meeting - timedelta(days=60), {}), (11, meeting - timedelta(days=50), {"days": 3}),
        (12, meeting - timedelta(days=30), {}), (13, meeting - timedelta(days=20), {}),
        (14, meeting - timedelta(days=10), {}), (15, meeting, VOTE), (16, meeting + timedelta(days=5), {}),
        (17, meeting + timedelta(days=10), {}), (18, meeting + timedelta(days=11), {}),
        (19, meeting + timedelta(days=12), {}), (20, meeting + timedelta(days=13), {}),
    ]  # fmt: skip
    for number, on, data in plan:
        record(tenant, case, number, on, **data)
    with tenant.tenant:
        case.refresh_from_db()
    return case


def test_each_quarter_of_probation_is_discussed_reminded_once_and_missing_ones_listed(
    tenant_a: TenantWorld, branch, introducers
):
    from tenants.development.tasks import remind_deadlines
    from tenants.notifications.models import Notification

    today = timezone.localdate()
    # The second quarter of probation ends in three days; the first went by undiscussed.
    case = admitted_case(tenant_a, branch, introducers, add_months(today + timedelta(days=3), -6))
    client = api(tenant_a.host, tenant_a.admin)
    quarters = client.get(f"/api/v1/development/cases/{case.pk}").json()["probation_quarters"]
    assert [q["status"] for q in quarters] == ["missing", "due", "upcoming", "upcoming"]
    with tenant_a.tenant:
        assert missing_quarters(case) == [1]
        assert remind_deadlines() == 1  # the tenant admin (the branch has no secretary user here)
        assert remind_deadlines() == 0  # daily, but once per quarter
        reminder = Notification.objects.get(user=tenant_a.admin)
        assert "预备期第 2 季度讨论" in reminder.title
        # The next quarter is another reminder (another due date).
        later = deadlines(case, add_months(today, 3))
        assert [item["code"] for item in later if item["code"] == "probation_discussion_due"]
        assert all(str(item["due_on"]) not in reminder.link for item in later)

    future = client.post(
        f"/api/v1/development/cases/{case.pk}/probation-discussions",
        {"held_on": (today + timedelta(days=1)).isoformat()},
        format="json",
    )
    assert future.json()["code"] == "development.date_in_future"
    before = client.post(
        f"/api/v1/development/cases/{case.pk}/probation-discussions", {"held_on": "2020-01-01"}, format="json"
    )
    assert before.json()["code"] == "development.discussion_outside_probation"
    held = client.post(
        f"/api/v1/development/cases/{case.pk}/probation-discussions",
        {"held_on": today.isoformat(), "notes": "支部大会听取思想汇报，提出改进意见"},
        format="json",
    )
    assert held.status_code == 201, held.json()
    shown = client.get(f"/api/v1/development/cases/{case.pk}").json()
    assert [q["status"] for q in shown["probation_quarters"]] == ["missing", "discussed", "upcoming", "upcoming"]
    assert shown["probation_discussions"][0]["notes"] == "支部大会听取思想汇报，提出改进意见"
    assert "probation_discussion_due" not in [item["code"] for item in shown["deadlines"]]


def test_the_new_case_endpoints_are_isolated(tenant_a: TenantWorld, tenant_b: TenantWorld, branch, introducers):
    case = admitted_case(tenant_a, branch, introducers, add_months(timezone.localdate(), -4))
    urls = (
        f"/api/v1/development/cases/{case.pk}/voting-roll",
        f"/api/v1/development/cases/{case.pk}/probation-discussions",
    )
    body = {"held_on": timezone.localdate().isoformat()}
    for client in (api(tenant_a.host, tenant_b.admin), api(tenant_b.host, tenant_b.admin)):
        assert client.get(urls[0]).status_code in {403, 404}
        assert client.post(urls[1], body, format="json").status_code in {403, 404}
    assert api(tenant_a.host).get(urls[0]).status_code == 401
    assert api(tenant_a.host).post(urls[1], body, format="json").status_code == 401
    assert api(tenant_a.host, tenant_a.member).get(urls[0]).status_code == 403
    assert api(tenant_a.host, tenant_a.inspector).post(urls[1], body, format="json").status_code == 403
    with tenant_a.tenant:
        assert not case.probation_discussions.exists()


def test_the_step_table_lists_the_facts_each_step_form_asks_for(tenant_a: TenantWorld):
    steps = api(tenant_a.host, tenant_a.admin).get("/api/v1/development/cases/step-table").json()["steps"]
    assert [step["number"] for step in steps] == list(range(1, 26))
    fields = {step["number"]: {field["name"]: field for field in step["fields"]} for step in steps}
    assert {number for number, asked in fields.items() if asked} == {2, 5, 9, 11, 15, 23}
    assert fields[1] == {}
    assert (fields[2]["late_reason"]["kind"], fields[2]["late_reason"]["required"]) == ("text", False)
    assert (fields[5]["contacts"]["kind"], fields[5]["contacts"]["items"]) == ("texts", 2)
    assert (fields[9]["introducers"]["kind"], fields[9]["introducers"]["items"]) == ("members", 2)
    assert fields[11]["hours"] == {
        "name": "hours",
        "kind": "integer",
        "label": "培训学时",
        "required": True,
        "hint": "",
        "min": 0,
        "max": None,
        "items": None,
        "choices": [],
        "default": None,
        "shown_when": None,
    }
    assert list(fields[15]) == ["entitled_differs", "entitled", "entitled_reason", "present", "yes"]
    assert fields[15]["entitled_reason"]["shown_when"] == {"field": "entitled_differs", "value": True}
    outcome = fields[23]["outcome"]
    assert [choice["value"] for choice in outcome["choices"]] == ["confirm", "extend", "revoke"]
    assert outcome["default"] == "confirm"
    assert fields[23]["extension_months"]["shown_when"] == {"field": "outcome", "value": "extend"}
    assert (fields[23]["extension_months"]["min"], fields[23]["extension_months"]["max"]) == (6, 12)
