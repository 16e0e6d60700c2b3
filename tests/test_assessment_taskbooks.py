"""Task books on a tenant host (工作任务书, docs/assessment.md "Task books"): scoring (hypothesis),
the state machine, cascade, evidence, self-assessment, review, approval and its lock, the audited
reopening, the automatic evidence against the source figures, and isolation."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partycloud.audit.models import AuditEvent
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tenants.assessment import evidence as figures
from tenants.assessment.models import Evidence, Indicator, TaskBook, TaskBookEvent, TaskBookStatus
from tenants.assessment.scoring import HUNDRED, Rule, ScoringError, book_score, check_weights, indicator_score
from tenants.assessment.taskbook_states import STEPS, check_step
from tenants.assessment.taskbooks import TemplateCopy, do_receive_template
from tenants.development.models import CaseStep, DevelopmentCase
from tenants.development.services import all_rules, deadlines, quarters_of
from tenants.dues.models import AssessmentStatus, DuesAssessment
from tenants.learning.models import StudyDay
from tenants.meetings.compliance import evaluate
from tenants.meetings.models import ActivityKind, Meeting
from tenants.members.models import Member
from tenants.members.services import do_create_member
from tenants.notifications.models import Notification
from tenants.organizations.models import Organization
from tenants.organizations.services import do_create_organization
from tenants.transfers.models import Transfer, TransferStatus
from tests.conftest import TenantWorld, api
from tests.factories import UserFactory, make_id_card
from tests.isolation import Endpoint, assert_tenant_isolated

SHANGHAI = ZoneInfo("Asia/Shanghai")
BASE = "/api/v1/assessment/task-books"
LEVELS = [
    {"label": "优秀", "fraction": "1"},
    {"label": "良好", "fraction": "0.8"},
    {"label": "一般", "fraction": "0.5"},
]

# ------------------------------------------------------------------------------ scoring (pure)

weights = st.decimals(min_value=Decimal("0.01"), max_value=HUNDRED, places=2)
fractions = st.decimals(min_value=0, max_value=1, places=3)


@st.composite
def rule_and_value(draw: Any) -> tuple[Rule, dict[str, Any]]:
    weight = draw(weights)
    kind = draw(st.sampled_from(["binary", "graded", "count"]))
    if kind == "binary":
        return Rule(weight, kind), {"done": draw(st.booleans())}
    if kind == "graded":
        levels = tuple(sorted(draw(st.lists(fractions, min_size=2, max_size=5)), reverse=True))
        return Rule(weight, kind, levels), {"level": draw(st.integers(0, len(levels) - 1))}
    target = draw(st.integers(1, 50))
    return Rule(weight, kind, target=target), {"count": draw(st.integers(0, 80))}


@settings(max_examples=200, deadline=None)
@given(rule_and_value())
def test_an_indicator_scores_between_zero_and_its_weight(item):
    rule, value = item
    assert Decimal(0) <= indicator_score(rule, value) <= rule.weight


@settings(max_examples=200, deadline=None)
@given(weights, st.integers(1, 40), st.integers(0, 60), st.integers(0, 60))
def test_a_counted_score_is_monotone_in_the_count(weight, target, a, b):
    rule = Rule(weight, "count", target=target)
    low, high = sorted((a, b))
    assert indicator_score(rule, {"count": low}) <= indicator_score(rule, {"count": high})


@settings(max_examples=200, deadline=None)
@given(weights, st.lists(fractions, min_size=2, max_size=5))
def test_a_better_level_never_scores_less(weight, raw_levels):
    levels = tuple(sorted(raw_levels, reverse=True))  # best first
    rule = Rule(weight, "graded", levels)
    scores = [indicator_score(rule, {"level": index}) for index in range(len(levels))]
    assert scores == sorted(scores, reverse=True)
    assert indicator_score(Rule(weight, "binary"), {"done": False}) <= indicator_score(
        Rule(weight, "binary"), {"done": True}
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(rule_and_value(), min_size=1, max_size=12))
def test_the_book_total_is_the_sum_of_the_shown_indicator_scores(items):
    shown = [indicator_score(rule, value) for rule, value in items]
    assert book_score(items) == sum(shown, Decimal(0))


@settings(max_examples=200, deadline=None)
@given(st.lists(weights, min_size=1, max_size=10))
def test_weights_must_sum_to_exactly_100(ws):
    if sum(ws) == HUNDRED:
        assert check_weights(ws) == HUNDRED
    else:
        with pytest.raises(ScoringError):
            check_weights(ws)


# ------------------------------------------------------------------------------ the state machine (pure)


def test_every_step_refused_outside_its_statuses_names_the_rule():
    for step, rule in STEPS.items():
        for status in TaskBookStatus.values:
            if status in rule.allowed_from:
                assert check_step(status, step) == (rule.to or status)
                continue
            with pytest.raises(Exception) as refused:
                check_step(status, step)
            expected = "taskbooks.locked" if status == TaskBookStatus.APPROVED else rule.code.value
            assert (refused.value.code, refused.value.status) == (expected, 409), (step, status)  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------ a tenant's books


def _copy(year: int = 2026, version: int = 1, *, template_id: int = 9001) -> TemplateCopy:
    rows = [
        {"id": 1, "position": 1, "area": "组织建设", "title": "组织生活", "description": "", "weight": Decimal("40"),
         "scoring": "count", "levels": [], "target": 12, "evidence_required": "会议记录",
         "evidence_source": "meetings_held", "deadline": date(year, 12, 31)},
        {"id": 2, "position": 2, "area": "组织建设", "title": "党费收缴", "description": "", "weight": Decimal("30"),
         "scoring": "binary", "levels": [], "target": None, "evidence_required": "台账",
         "evidence_source": "dues_on_time", "deadline": None},
        {"id": 3, "position": 3, "area": "政治建设", "title": "理论学习", "description": "", "weight": Decimal("30"),
         "scoring": "graded", "levels": LEVELS, "target": None, "evidence_required": "学习记录",
         "evidence_source": "manual", "deadline": None},
    ]  # fmt: skip
    return TemplateCopy(template_id, version, year, f"{year}年度党建工作任务书", 20, rows)


@pytest.fixture
def tree(tenant_a: TenantWorld) -> dict[str, Any]:
    with tenant_a.tenant:
        committee = do_create_organization(kind="committee", name="甲公司党委", established_on=date(2000, 1, 1))
        first = do_create_organization(
            kind="branch", name="第一党支部", parent=committee, established_on=date(2000, 1, 1)
        )
        second = do_create_organization(
            kind="branch", name="第二党支部", parent=committee, established_on=date(2000, 1, 1)
        )
        assert do_receive_template(_copy()) == "delivered"
        top = TaskBook.objects.get(organization=committee, year=2026)
        first_secretary = UserFactory(name="一支书记")
        do_assign_role(user=first_secretary, role=TenantRole.SECRETARY, organization_id=first.pk)
        second_secretary = UserFactory(name="二支书记")
        do_assign_role(user=second_secretary, role=TenantRole.SECRETARY, organization_id=second.pk)
    return {"committee": committee, "first": first, "second": second, "top": top,
            "first_secretary": first_secretary, "second_secretary": second_secretary}  # fmt: skip


def _ids(book: dict[str, Any]) -> dict[str, int]:
    return {row["title"]: row["id"] for row in book["indicators"]}


def test_receiving_the_template_is_idempotent_and_a_new_version_updates_books_not_yet_submitted(tenant_a, tree):
    with tenant_a.tenant:
        assert do_receive_template(_copy()) == "unchanged"
        changed = _copy(version=2)
        changed.indicators[0]["title"] = "组织生活（三会一课）"
        changed.indicators.pop()  # the graded one goes
        changed.indicators[1]["weight"] = Decimal("60")
        assert do_receive_template(changed) == "updated"
        top = TaskBook.objects.get(pk=tree["top"].pk)
        assert top.template_version == 2
        assert list(top.indicators.values_list("title", flat=True)) == ["组织生活（三会一课）", "党费收缴"]
        assert TaskBook.objects.filter(year=2026).count() == 1
        TaskBook.objects.filter(pk=top.pk).update(status=TaskBookStatus.SUBMITTED)
        assert do_receive_template(_copy(version=3)) == "unchanged"


def test_cascade_issue_fill_submit_review_approve_lock_and_reopen(tenant_a, tree):
    admin = api(tenant_a.host, tenant_a.admin)
    top = admin.get(f"{BASE}/{tree['top'].pk}").json()
    assert top["status"] == "issued"
    assert top["permissions"] == {"edit": False, "fill": True, "review": False, "reopen": False, "cascade": True}
    # The admin cascades the committee's book to the first branch: a draft with the indicators copied.
    response = admin.post(f"{BASE}/{top['id']}/cascade", {"organization": tree["first"].pk}, format="json")
    assert response.status_code == 201, response.content
    child = response.json()
    assert (child["status"], child["parent_id"], len(child["indicators"])) == ("draft", top["id"], 3)
    assert {row["origin"] for row in child["indicators"]} == {"template"}
    # Not to a grandchild or an organization elsewhere, nor twice.
    assert (
        admin.post(f"{BASE}/{top['id']}/cascade", {"organization": tree["committee"].pk}, format="json").json()["code"]
        == "taskbooks.not_a_child"
    )
    assert (
        admin.post(f"{BASE}/{top['id']}/cascade", {"organization": tree["first"].pk}, format="json").json()["code"]
        == "taskbooks.already_has_book"
    )
    # The branch does not see the draft being prepared for it.
    branch = api(tenant_a.host, tree["first_secretary"])
    assert branch.get(f"{BASE}/{child['id']}").status_code == 404
    # Adapt: a template indicator's weight, not its title; add a local one; weights must reach 100.
    ids = _ids(child)
    url = f"{BASE}/{child['id']}/indicators/{ids['组织生活']}"
    assert admin.patch(url, {"title": "x"}, format="json").json()["code"] == "taskbooks.not_local"
    assert admin.patch(url, {"weight": "30"}, format="json").status_code == 200
    issue = admin.post(f"{BASE}/{child['id']}/issue")
    assert (issue.status_code, issue.json()["code"]) == (400, "taskbooks.weights_not_100")
    bad = admin.post(
        f"{BASE}/{child['id']}/indicators",
        {"area": "作风建设", "title": "x", "weight": "10", "scoring": "count"},
        format="json",
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "taskbooks.bad_rule")
    added = admin.post(
        f"{BASE}/{child['id']}/indicators",
        {"area": "作风建设", "title": "志愿服务", "weight": "10", "scoring": "count", "target": 4},
        format="json",
    )
    assert added.status_code == 201, added.content
    assert added.json()["weight_total"] == "100.00"
    assert admin.patch(f"{BASE}/{child['id']}", {"title": "第一党支部2026年任务书"}, format="json").status_code == 200
    issued = admin.post(f"{BASE}/{child['id']}/issue")
    assert issued.status_code == 200, issued.content
    assert issued.json()["status"] == "issued"
    with tenant_a.tenant:
        assert Notification.objects.filter(
            user=tree["first_secretary"], title__contains="第一党支部2026年任务书"
        ).exists()
    # Editing an issued book is refused by the state machine.
    assert admin.patch(url, {"weight": "40"}, format="json").json()["code"] == "taskbooks.not_draft"

    # The branch fills it in: evidence, values, submit.
    book = branch.get(f"{BASE}/{child['id']}").json()
    assert book["permissions"]["fill"] is True
    assert book["permissions"]["review"] is False
    ids = _ids(book)
    note = branch.post(
        f"{BASE}/{child['id']}/indicators/{ids['理论学习']}/evidence", {"note": "全年集中学习12次"}, format="json"
    )
    assert note.status_code == 201, note.content
    assert note.json()["can_delete"] is True
    empty = branch.post(f"{BASE}/{child['id']}/indicators/{ids['理论学习']}/evidence", {"note": " "}, format="json")
    assert empty.json()["code"] == "taskbooks.evidence_empty"
    # Someone else's evidence cannot be deleted by the branch.
    other = admin.post(
        f"{BASE}/{child['id']}/indicators/{ids['理论学习']}/evidence", {"note": "管理员补充"}, format="json"
    ).json()
    assert branch.delete(f"{BASE}/{child['id']}/evidence/{other['id']}").json()["code"] == "taskbooks.not_own_evidence"
    assert admin.delete(f"{BASE}/{child['id']}/evidence/{other['id']}").status_code == 204
    values = {"indicators": [
        {"id": ids["组织生活"], "value": {"count": 9}, "note": "九次"},
        {"id": ids["党费收缴"], "value": {"done": True}},
        {"id": ids["理论学习"], "value": {"level": 1}},
        {"id": ids["志愿服务"], "value": {"count": 2}},
    ]}  # fmt: skip
    bad_value = branch.post(
        f"{BASE}/{child['id']}/self-assessment",
        {"indicators": [{"id": ids["理论学习"], "value": {"level": 7}}]},
        format="json",
    )
    assert bad_value.json()["code"] == "taskbooks.bad_value"
    assessed = branch.post(f"{BASE}/{child['id']}/self-assessment", values, format="json").json()
    shown = {row["title"]: Decimal(row["self_score"]) for row in assessed["indicators"]}
    # 30×9/12 = 22.5; 30 (done); 30×0.8 = 24; 10×2/4 = 5
    assert shown == {
        "组织生活": Decimal("22.50"),
        "党费收缴": Decimal("30.00"),
        "理论学习": Decimal("24.00"),
        "志愿服务": Decimal("5.00"),
    }
    assert Decimal(assessed["self_score"]) == sum(shown.values()) == Decimal("81.50")
    # The reviewer cannot review before submission; the branch cannot review its own book.
    assert (
        admin.post(f"{BASE}/{child['id']}/review", {"indicators": []}, format="json").json()["code"]
        == "taskbooks.not_reviewable"
    )
    submitted = branch.post(f"{BASE}/{child['id']}/submit").json()
    assert submitted["status"] == "submitted"
    assert submitted["submitted_at"]
    frozen = {row["title"]: row["measured"] for row in submitted["indicators"]}
    assert frozen["组织生活"]["measured_at"]
    assert frozen["党费收缴"] is not None
    assert frozen["理论学习"] is None
    assert (
        branch.post(f"{BASE}/{child['id']}/review", {"indicators": []}, format="json").json()["code"]
        == "taskbooks.not_reviewer"
    )
    assert (
        branch.post(f"{BASE}/{child['id']}/self-assessment", values, format="json").json()["code"]
        == "taskbooks.not_fillable"
    )
    # Approving before scoring every indicator is refused.
    assert admin.post(f"{BASE}/{child['id']}/approve", {}, format="json").json()["code"] == "taskbooks.not_reviewed"

    # The level above reviews, returns, the branch resubmits, the level above scores and approves.
    partial = admin.post(
        f"{BASE}/{child['id']}/review",
        {"indicators": [{"id": ids["组织生活"], "value": {"count": 8}, "comment": "一次无记录"}]},
        format="json",
    ).json()
    assert partial["status"] == "reviewed"
    assert admin.post(f"{BASE}/{child['id']}/approve", {}, format="json").json()["code"] == "taskbooks.not_reviewed"
    assert (
        admin.post(f"{BASE}/{child['id']}/return", {"reason": " "}, format="json").json()["code"]
        == "taskbooks.reason_required"
    )
    returned = admin.post(f"{BASE}/{child['id']}/return", {"reason": "请补充会议记录"}, format="json").json()
    assert returned["status"] == "returned"
    assert branch.post(f"{BASE}/{child['id']}/submit").json()["status"] == "submitted"
    review = {"indicators": [
        {"id": ids["组织生活"], "value": {"count": 12}, "comment": "记录已补"},
        {"id": ids["党费收缴"], "value": {"done": True}},
        {"id": ids["理论学习"], "value": {"level": 2}, "comment": "学习记录不全"},
        {"id": ids["志愿服务"], "value": {"count": 4}},
    ], "comment": "总体良好"}  # fmt: skip
    reviewed = admin.post(f"{BASE}/{child['id']}/review", review, format="json").json()
    # 30 + 30 + 30×0.5 + 10 = 85
    assert (
        Decimal(reviewed["review_score"])
        == sum(Decimal(r["review_score"]) for r in reviewed["indicators"])
        == Decimal("85.00")
    )
    approved = admin.post(f"{BASE}/{child['id']}/approve", {}, format="json").json()
    assert (approved["status"], approved["final_score"]) == ("approved", "85.00")
    assert approved["permissions"]["reopen"] is True

    # Locked: nothing changes until reopened (409 taskbooks.locked).
    for response in (
        branch.post(f"{BASE}/{child['id']}/self-assessment", values, format="json"),
        branch.post(
            f"{BASE}/{child['id']}/indicators/{ids['理论学习']}/evidence", {"note": "迟到的材料"}, format="json"
        ),
        admin.post(f"{BASE}/{child['id']}/review", review, format="json"),
        admin.post(f"{BASE}/{child['id']}/return", {"reason": "再看看"}, format="json"),
        branch.post(f"{BASE}/{child['id']}/submit"),
        admin.patch(url, {"weight": "40"}, format="json"),
    ):
        assert (response.status_code, response.json()["code"]) == (409, "taskbooks.locked")
    with tenant_a.tenant:
        assert Evidence.objects.filter(indicator__book_id=child["id"]).count() == 1
        assert Indicator.objects.get(pk=ids["组织生活"]).self_value == {"count": 9}

    # Reopening needs a reason, is audited and is in the book's history.
    assert admin.post(f"{BASE}/{child['id']}/reopen", {"reason": ""}, format="json").status_code == 400
    reopened = admin.post(f"{BASE}/{child['id']}/reopen", {"reason": "审计发现学习记录有误"}, format="json").json()
    assert (reopened["status"], reopened["final_score"]) == ("reviewed", None)
    assert [e["action"] for e in reopened["events"]][-2:] == ["approved", "reopened"]
    assert reopened["events"][-1]["reason"] == "审计发现学习记录有误"
    with tenant_a.tenant:
        assert TaskBookEvent.objects.filter(book_id=child["id"], action="reopened").count() == 1
    audit = AuditEvent.objects.filter(event="taskbooks.book.reopen", actor=tenant_a.admin)
    assert audit.count() == 1
    assert audit.get().details["reason"] == "审计发现学习记录有误"
    assert (
        admin.post(f"{BASE}/{child['id']}/reopen", {"reason": "again"}, format="json").json()["code"]
        == "taskbooks.bad_transition"
    )


def test_the_top_book_is_reviewed_by_the_group_only_and_drafts_can_be_deleted(tenant_a, tree):
    admin = api(tenant_a.host, tenant_a.admin)
    top = tree["top"]
    assert admin.post(f"{BASE}/{top.pk}/submit").json()["status"] == "submitted"
    refused = admin.post(f"{BASE}/{top.pk}/review", {"indicators": []}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "taskbooks.not_reviewer")
    # A submitted book can still be cascaded from; a draft cascade can be deleted.
    child = admin.post(f"{BASE}/{top.pk}/cascade", {"organization": tree["second"].pk}, format="json").json()
    assert admin.delete(f"{BASE}/{child['id']}").status_code == 204
    with tenant_a.tenant:
        assert not TaskBook.objects.filter(pk=child["id"]).exists()


def test_scope_a_branch_secretary_sees_their_books_only_and_warnings_above_the_limit(tenant_a, tree):
    admin = api(tenant_a.host, tenant_a.admin)
    top = tree["top"]
    with tenant_a.tenant:
        TaskBook.objects.filter(pk=top.pk).update(indicator_limit=2)
    books = {}
    for key in ("first", "second"):
        child = admin.post(f"{BASE}/{top.pk}/cascade", {"organization": tree[key].pk}, format="json").json()
        assert [w["code"] for w in child["warnings"]] == ["taskbooks.too_many_indicators"]
        issued = admin.post(f"{BASE}/{child['id']}/issue")
        assert issued.status_code == 200  # a warning, not an error
        books[key] = child["id"]
    listing = api(tenant_a.host, tree["first_secretary"]).get(f"{BASE}?year=2026").json()
    assert [row["id"] for row in listing["results"]] == [books["first"]]
    assert listing["results"][0]["indicator_count"] == 3
    assert api(tenant_a.host, tree["first_secretary"]).get(f"{BASE}/{books['second']}").status_code == 404
    everything = admin.get(BASE).json()
    assert everything["count"] == 3
    # The member has no console role: refused.
    assert api(tenant_a.host, tenant_a.member).get(BASE).status_code == 403
    # The inspector reads, never writes.
    inspector = api(tenant_a.host, tenant_a.inspector)
    assert inspector.get(f"{BASE}/{books['first']}").status_code == 200
    assert inspector.post(f"{BASE}/{books['first']}/submit").status_code == 403
    assert admin.get(f"{BASE}?year=1900").json()["code"] == "taskbooks.bad_year"


# ------------------------------------------------------------------------------ automatic evidence


def _member(branch: Organization, *, user: Any = None) -> Member:
    data = {"name": f"党员{make_id_card()[-4:]}", "gender": "male", "joined_on": date(2010, 1, 1),
            "confirmed_on": date(2011, 1, 1), "membership": "full", "dues_category": "employee",
            "organization": branch}  # fmt: skip
    found = do_create_member(data, id_card_number=make_id_card(), placed_on=date(2020, 1, 1), audit=False)
    if user is not None:
        Member.objects.filter(pk=found.pk).update(user=user)
        found.user = user
    return found


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def test_each_automatic_figure_equals_the_source_figure(tenant_a, tree):
    today = date(2026, 7, 15)
    with tenant_a.tenant:
        committee, first, second = tree["committee"], tree["first"], tree["second"]
        members = [_member(first, user=UserFactory()) for _ in range(4)] + [
            _member(second, user=UserFactory()) for _ in range(3)
        ]
        no_account = _member(second)
        # meetings: general meetings in Q1 for the first branch only, theme days in some months
        general = ActivityKind.objects.get(code="general_meeting")
        theme = ActivityKind.objects.get(code="theme_day")
        for branch, kind, day in ((first, general, date(2026, 2, 10)), (first, theme, date(2026, 1, 20)),
                                  (first, theme, date(2026, 2, 20)), (second, theme, date(2026, 3, 5)),
                                  (second, general, date(2026, 7, 1))):  # fmt: skip
            Meeting.objects.create(organization=branch, kind=kind, title=f"{kind.code} {day}", starts_at=_at(day),
                                   ends_at=_at(day, 11), status="held")  # fmt: skip
        # dues: Jan–Jul for four members: some paid in the month, some late, one exempt, one unpaid
        for index, member in enumerate(members[:4]):
            for month in range(1, 8):
                first_day = date(2026, month, 1)
                status, paid_on = AssessmentStatus.PAID, first_day + timedelta(days=5 + 25 * (index == 1 and month % 2))
                if index == 2 and month == 3:
                    status, paid_on = AssessmentStatus.EXEMPT, None
                if index == 3 and month >= 5:
                    status, paid_on = AssessmentStatus.DUE, None
                DuesAssessment.objects.create(
                    member=member, organization=member.organization, month=first_day, category="employee",
                    base=Decimal("5000"), amount=Decimal("50.00"), rule_version="t", explanation="t",
                    status=status, paid_on=paid_on, paid_amount=Decimal("50.00") if paid_on else Decimal(0),
                )  # fmt: skip
        # development: one case late for its talk, one on schedule
        for applied in (date(2026, 1, 5), date(2026, 7, 10)):
            case = DevelopmentCase.objects.create(
                name="申请人", gender="male", birth_date=date(2000, 1, 1), organization=first,
                id_card_encrypted="x", id_card_index=f"i{applied}", id_card_masked="x", last_step=1,
            )  # fmt: skip
            CaseStep.objects.create(case=case, number=1, done_on=applied, rule_version="t")
        # study: three members studied this year, one only last year
        for member in members[:3]:
            StudyDay.objects.create(user_id=member.user_id, day=date(2026, 3, 3), reading_seconds=600)
        StudyDay.objects.create(user_id=members[3].user_id, day=date(2025, 12, 30), video_seconds=600)
        # transfers: accepted in time, accepted late, rejected in time, pending overdue, pending valid, cancelled
        cases = (
            (TransferStatus.ACCEPTED, date(2026, 3, 1), date(2026, 2, 20)),
            (TransferStatus.ACCEPTED, date(2026, 3, 1), date(2026, 3, 20)),
            (TransferStatus.REJECTED, date(2026, 5, 1), date(2026, 4, 20)),
            (TransferStatus.PENDING, date(2026, 6, 1), None),
            (TransferStatus.PENDING, date(2026, 9, 1), None),
            (TransferStatus.CANCELLED, date(2026, 3, 1), None),
        )
        for number, (status, valid_until, decided) in enumerate(cases):
            Transfer.objects.create(
                number=f"T{number}", kind="within", status=status, member_name="某", from_organization=first,
                to_organization=second, valid_until=valid_until, rule_version="t",
                decided_at=_at(decided) if decided else None, created_at=_at(date(2026, 2, 1)),
            )  # fmt: skip

        found = figures.figures(committee, 2026, set(figures.SOURCES), today=today)
        subtree = [committee, first, second]
        ids = [o.pk for o in subtree]

        # meetings: closed periods of the compliance engine, held up to the minimum over expected
        cells = [
            c for c in evaluate(subtree, 2026, today=today).values() if c.verdict in ("met", "missing") and c.expected
        ]
        meetings = found["meetings_held"]
        assert (meetings["numerator"], meetings["denominator"]) == (
            sum(min(c.held, c.expected) for c in cells),
            sum(c.expected for c in cells),
        )
        assert meetings["denominator"] > meetings["numerator"] > 0

        # dues: months ended by 15 July (Jan–Jun), not exempt, paid by the month's end
        rows = [
            a
            for a in DuesAssessment.objects.filter(organization_id__in=ids)
            if a.month < date(2026, 7, 1) and a.status != "exempt"
        ]
        on_time = [a for a in rows if a.status == "paid" and a.paid_on and a.paid_on.month == a.month.month]
        assert (found["dues_on_time"]["numerator"], found["dues_on_time"]["denominator"]) == (len(on_time), len(rows))
        assert found["dues_on_time"]["value"] == str((Decimal(len(on_time)) / len(rows)).quantize(Decimal("0.0001")))

        # development: no deadline passed and no probation quarter missing, today
        rules = all_rules()
        open_cases = list(DevelopmentCase.objects.filter(organization_id__in=ids))
        on_schedule = [c for c in open_cases if all(d["days_left"] >= 0 for d in deadlines(c, today, rules))
                       and all(q["status"] != "missing" for q in quarters_of(c, today, rules))]  # fmt: skip
        assert (found["development_on_schedule"]["numerator"], found["development_on_schedule"]["denominator"]) == (
            len(on_schedule),
            2,
        )
        assert len(on_schedule) == 1

        # study: members counted now with study time this year; members without an account count against
        counted = list(Member.objects.filter(organization_id__in=ids, status__in=["active", "mobile"]))
        studied = {d.user_id for d in StudyDay.objects.filter(day__gte=date(2026, 1, 1), day__lte=today)}
        assert (
            (found["study_participation"]["numerator"], found["study_participation"]["denominator"])
            == (sum(1 for m in counted if m.user_id in studied), len(counted))
            == (3, 8)
        )
        assert found["study_participation"]["detail"]["without_account"] == 1
        assert no_account.user_id is None

        # transfers: decided within validity over decided or overdue
        assert (found["transfers_in_time"]["numerator"], found["transfers_in_time"]["denominator"]) == (2, 4)
        assert found["transfers_in_time"]["value"] == "0.5000"

        # a branch's figure covers its own subtree only
        assert figures.figure(second, 2026, "transfers_in_time", today=today)["denominator"] == 0
        assert figures.figure(second, 2026, "transfers_in_time", today=today)["detail"]["empty"] is True


# ------------------------------------------------------------------------------ isolation


def test_every_task_book_endpoint_is_isolated(tenant_a, tenant_b, tree):
    top = tree["top"]
    admin = api(tenant_a.host, tenant_a.admin)
    child = admin.post(f"{BASE}/{top.pk}/cascade", {"organization": tree["first"].pk}, format="json").json()
    indicator = child["indicators"][0]["id"]
    with tenant_a.tenant:
        evidence = Evidence.objects.create(
            indicator_id=top.indicators.first().pk, note="材料", created_by=tenant_a.admin
        )
    assert_tenant_isolated(
        Endpoint(BASE, object_id=child["id"], change={"title": "改名"}, deletable=True),
        owner=tenant_a,
        outsider=tenant_b,
    )
    actions = [
        (f"{BASE}/{top.pk}/cascade", {"organization": tree["second"].pk}),
        (f"{BASE}/{child['id']}/indicators", {"area": "a", "title": "b", "weight": "1"}),
        (f"{BASE}/{child['id']}/issue", {}),
        (f"{BASE}/{top.pk}/indicators/{top.indicators.first().pk}/evidence", {"note": "x"}),
        (f"{BASE}/{top.pk}/self-assessment", {"indicators": []}),
        (f"{BASE}/{top.pk}/submit", {}),
        (f"{BASE}/{top.pk}/review", {"indicators": []}),
        (f"{BASE}/{top.pk}/return", {"reason": "x"}),
        (f"{BASE}/{top.pk}/approve", {}),
        (f"{BASE}/{top.pk}/reopen", {"reason": "x"}),
    ]
    for url, body in actions:
        assert api(tenant_a.host).post(url, body, format="json").status_code == 401, url
        for user in (tenant_b.admin, tenant_a.member):
            assert api(tenant_a.host, user).post(url, body, format="json").status_code == 403, url
        assert api(tenant_b.host, tenant_b.admin).post(url, body, format="json").status_code == 404, url
    for url in (f"{BASE}/{child['id']}/indicators/{indicator}", f"{BASE}/{top.pk}/evidence/{evidence.pk}"):
        assert api(tenant_a.host).delete(url).status_code == 401
        assert api(tenant_a.host, tenant_b.admin).delete(url).status_code == 403
        assert api(tenant_a.host, tenant_a.member).delete(url).status_code == 403
        assert api(tenant_b.host, tenant_b.admin).delete(url).status_code == 404
    assert (
        api(tenant_a.host)
        .patch(f"{BASE}/{child['id']}/indicators/{indicator}", {"weight": "1"}, format="json")
        .status_code
        == 401
    )
    assert (
        api(tenant_a.host, tenant_b.admin)
        .patch(f"{BASE}/{child['id']}/indicators/{indicator}", {"weight": "1"}, format="json")
        .status_code
        == 403
    )
    with tenant_a.tenant:
        assert TaskBook.objects.get(pk=top.pk).status == "issued"
        assert Evidence.objects.filter(pk=evidence.pk).exists()
        assert TaskBook.objects.filter(year=2026).count() == 2


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_an_evidence_file_is_a_verified_upload_read_through_a_signed_url(
    tenant_a, tree, django_capture_on_commit_callbacks
):
    from tests.learning_support import fetch, uploaded_id

    client = api(tenant_a.host, tenant_a.admin)
    top = tree["top"]
    with tenant_a.tenant:
        indicator = top.indicators.order_by("position").first().pk
    upload = uploaded_id(client, "assessment_evidence", "会议记录.png", "image/png", PNG)
    attached = client.post(f"{BASE}/{top.pk}/indicators/{indicator}/evidence", {"upload": upload}, format="json")
    assert attached.status_code == 201, attached.content
    assert (attached.json()["filename"], attached.json()["size"]) == ("会议记录.png", len(PNG))
    assert fetch(client, attached.json()["url"]) == (200, PNG)
    again = client.post(f"{BASE}/{top.pk}/indicators/{indicator}/evidence", {"upload": upload}, format="json")
    assert again.status_code == 409  # an upload is claimed once
    shown = client.get(f"{BASE}/{top.pk}").json()["indicators"][0]["evidence"]
    assert [e["filename"] for e in shown] == ["会议记录.png"]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"{BASE}/{top.pk}/evidence/{shown[0]['id']}").status_code == 204
    assert fetch(client, attached.json()["url"])[0] == 404
