"""A tenant with something to do in every module, for the workbench's API test and its browser
journey: two branches, a secretary scoped to the first, cases, transfers, dues, a term ending,
a failed import and study time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from partycloud.accounts.models import User
from partycloud.hub.transfers import do_request_transfer
from partycloud.tenancy.models import PartyCommittee
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tenants.development.models import CaseStep, ProbationDiscussion, Stage
from tenants.development.services import do_open_case
from tenants.dues.assessments import do_assess_month, do_record_payment, do_request_exemption, first_of_month
from tenants.dues.models import DuesBase
from tenants.learning.models import StudyDay
from tenants.members.models import ImportStatus, Member, MemberImport
from tenants.members.services import do_create_member
from tenants.organizations.models import Organization
from tenants.organizations.services import do_create_organization
from tenants.transfers.models import Transfer
from tests.factories import UserFactory, make_id_card


def months_back(today: date, count: int) -> date:
    month = first_of_month(today)
    for _ in range(count):
        month = first_of_month(month - timedelta(days=1))
    return month


@dataclass
class WorkbenchScenario:
    today: date
    first: Organization
    second: Organization
    first_secretary: User
    members: dict[str, Member]


def _member(branch: Organization, name: str, **extra: Any) -> Member:
    data = {"name": name, "gender": "male", "joined_on": date(2012, 7, 1), "confirmed_on": date(2013, 7, 1),
            "membership": "full", "dues_category": "employee", "organization": branch, **extra}  # fmt: skip
    return do_create_member(data, id_card_number=make_id_card())


def seed_workbench(tenant: PartyCommittee, counterpart: PartyCommittee | None = None) -> WorkbenchScenario:
    """Run on the tenant's schema; ``counterpart`` (another tenant) receives an overdue transfer."""
    today = timezone.localdate()
    with tenant:
        committee = do_create_organization(kind="committee", name="甲党委")
        first = do_create_organization(kind="branch", name="第一党支部", parent=committee)
        second = do_create_organization(kind="branch", name="第二党支部", parent=committee)
        # 换届: the first branch's term ends in 20 days, the second's in two years.
        Organization.objects.filter(pk=first.pk).update(
            term_started_on=today.replace(year=today.year - 3) + timedelta(days=20)
        )
        Organization.objects.filter(pk=second.pk).update(term_started_on=today.replace(year=today.year - 1))
        members = {
            "zhang": _member(first, "张明"),
            "li": _member(first, "李华", membership="probationary", confirmed_on=None, joined_on=today - timedelta(days=90)),
            "wang": _member(second, "王强"),
            "zhao": _member(second, "赵敏"),
            "sun": _member(second, "孙丽"),
        }  # fmt: skip
        # Development: applications 20 days ago in each branch; the talk is due within a month.
        for branch, name in ((first, "陈晓"), (second, "周杰")):
            do_open_case(
                name=name, gender="female", id_card_number=make_id_card("19980305"), organization=branch,
                applied_on=today - timedelta(days=20),
            )  # fmt: skip
        # Transfers: 王强 moves into the first branch (its secretary accepts); 赵敏 left for the
        # counterpart long ago and it has not received her (overdue on our side).
        do_request_transfer(members["wang"], to_organization=first)
        if counterpart is not None:
            outgoing = do_request_transfer(members["zhao"], to_tenant=counterpart)
            Transfer.objects.filter(pk=outgoing.pk).update(valid_until=today - timedelta(days=5))
        # Dues: 孙丽 has not paid for three months, 张明 has paid; 张明's reduction waits for approval.
        for name in ("sun", "zhang"):
            DuesBase.objects.create(
                member=members[name], amount=Decimal("6000.00"), effective_from=months_back(today, 3)
            )
        for back in (2, 1, 0):
            do_assess_month(months_back(today, back))
        do_record_payment(members["zhang"], [months_back(today, back) for back in (2, 1, 0)])
        do_request_exemption(
            members["zhang"], first_month=first_of_month(today), last_month=first_of_month(today), reason="大病住院",
            reduced_amount=Decimal("1.00"),
        )  # fmt: skip
        # An import that failed today.
        MemberImport.objects.create(filename="党员名册.xlsx", content=b"", status=ImportStatus.FAILED, error_count=2)
        secretary = UserFactory(name="第一支部书记")
        do_assign_role(user=secretary, role=TenantRole.SECRETARY, organization_id=first.pk)
        # Study time this month: 张明 (first branch) read 30 minutes; someone outside both branches 10.
        reader = UserFactory(name="张明")
        Member.objects.filter(pk=members["zhang"].pk).update(user=reader)
        StudyDay.objects.create(user=reader, day=today, reading_seconds=1800)
        StudyDay.objects.create(user=UserFactory(), day=today, video_seconds=600)
    return WorkbenchScenario(today, first, second, secretary, members)


def open_more_cases(tenant: PartyCommittee, branches: list[Organization], count: int) -> None:
    """``count`` more open development cases across ``branches``, each with a deadline within the
    workbench's horizon, at every stage one is computed for: an application (the talk is overdue),
    an activist's half-yearly review, an admission awaiting the higher committee, a probationary
    member's quarterly discussion (the first quarter discussed, the second due)."""
    today = timezone.localdate()
    ago = {days: today - timedelta(days=days) for days in (160, 170, 300)}
    # Later stages are set straight on the records: what matters here is the steps to read.
    stages = [
        (Stage.APPLICANT, 1, {}),
        (Stage.ACTIVIST, 6, {3: ago[300], 6: ago[170]}),
        (Stage.ADMISSION, 15, {3: ago[300], 6: ago[170], 15: today - timedelta(days=80)}),
        (Stage.PROBATION, 20, {3: ago[300], 6: ago[170], 15: ago[160]}),
    ]
    with tenant:
        for index in range(count):
            case = do_open_case(
                name=f"发展对象{index}", gender="male", id_card_number=make_id_card("19990101"),
                organization=branches[index % len(branches)], applied_on=today - timedelta(days=400),
            )  # fmt: skip
            stage, last_step, steps = stages[index % len(stages)]
            for number, done_on in steps.items():
                CaseStep.objects.create(case=case, number=number, done_on=done_on, rule_version="test")
            if stage == Stage.PROBATION:
                case.probation_ends_on = ago[160].replace(year=ago[160].year + 1)
                ProbationDiscussion.objects.create(
                    case=case, held_on=ago[160] + timedelta(days=10), rule_version="test"
                )
            case.stage, case.last_step = stage, last_step
            case.save()
