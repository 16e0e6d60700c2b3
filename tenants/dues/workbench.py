"""Dues' part of the console's home: reductions waiting for approval, arrears of 3 and 6 months,
and the month's assessed and paid amounts."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum
from django.utils.translation import gettext as _

from partycloud.core.workbench import Figure, Link, Todo
from tenants.access.services import Scope
from tenants.dues.assessments import ARREARS_STEPS, first_of_month
from tenants.dues.models import AssessmentStatus, DuesAssessment, DuesExemption, ExemptionStatus

# The arrears steps the branch must act on (the 1-month reminder goes to the member only).
WARNING_MONTHS = min(months for months, level in ARREARS_STEPS.items() if level == "warning")
WITHDRAWAL_MONTHS = min(months for months, level in ARREARS_STEPS.items() if level == "withdrawal")


def todos(scope: Scope, today: date) -> list[Todo]:
    return [*_exemptions(scope), *_arrears(scope, today)]


def _exemptions(scope: Scope) -> list[Todo]:
    # The next level up approves (a tenant admin): only a whole-tenant scope can act on them.
    if not scope.whole_tenant:
        return []
    pending = DuesExemption.objects.filter(status=ExemptionStatus.PENDING).select_related(
        "member", "member__organization"
    )
    return [
        Todo(
            kind="dues.exemption_pending",
            module="dues",
            title=_("Dues reduction awaiting approval")
            if exemption.reduced_amount is not None
            else _("Dues exemption awaiting approval"),
            subject=exemption.member.name,
            organization=exemption.member.organization.name,
            detail=f"{exemption.first_month:%Y-%m} – {exemption.last_month:%Y-%m} · {exemption.reason}",
            since=exemption.created_at.date(),
            link=Link("/dues", {"tab": "exemptions"}),
        )
        for exemption in pending
    ]


def _arrears(scope: Scope, today: date) -> list[Todo]:
    """Members whose latest assessed months are unpaid in a row for 3 (warning) or 6 (the
    self-withdrawal procedure, 党章 Art. 9) months or more."""
    assessments = scope.apply(DuesAssessment.objects.filter(month__lte=first_of_month(today)))
    latest = assessments.aggregate(latest=Max("month"))["latest"]
    if latest is None:
        return []
    behind = assessments.filter(month=latest, status=AssessmentStatus.DUE).values("member_id")
    history: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for member_id, month, status in (
        assessments.filter(member_id__in=behind)
        .order_by("member_id", "-month")
        .values_list("member_id", "month", "status")
    ):
        history[member_id].append((month, status))
    names = dict(assessments.filter(member_id__in=behind, month=latest).values_list("member_id", "member__name"))
    organizations = dict(
        assessments.filter(member_id__in=behind, month=latest).values_list("member_id", "organization__name")
    )
    items: list[Todo] = []
    for member_id, months in history.items():
        unpaid = 0
        for _month, status in months:
            if status != AssessmentStatus.DUE:
                break
            unpaid += 1
        if unpaid < WARNING_MONTHS:
            continue
        withdrawal = unpaid >= WITHDRAWAL_MONTHS
        items.append(
            Todo(
                kind="dues.arrears_withdrawal" if withdrawal else "dues.arrears_warning",
                module="dues",
                title=_("Dues unpaid for %(months)d months: self-withdrawal procedure") % {"months": unpaid}
                if withdrawal
                else _("Dues unpaid for %(months)d months") % {"months": unpaid},
                subject=names[member_id],
                organization=organizations[member_id],
                since=months[unpaid - 1][0],
                link=Link("/dues", {"tab": "arrears"}),
            )
        )
    return items


def figures(scope: Scope, month: date) -> list[Figure]:
    totals = scope.apply(DuesAssessment.objects.filter(month=first_of_month(month))).aggregate(
        assessed=Sum("amount"),
        paid=Sum("paid_amount"),
        members=Count("id"),
        paid_members=Count("id", filter=Q(status=AssessmentStatus.PAID)),
    )
    zero = Decimal("0.00")
    link = Link("/dues", {"tab": "ledger"})
    return [
        Figure("dues.assessed", "dues", _("Dues assessed this month"), totals["assessed"] or zero, "yuan", link),
        Figure("dues.paid", "dues", _("Dues paid this month"), totals["paid"] or zero, "yuan", link),
        Figure("dues.members_assessed", "dues", _("Members assessed this month"), totals["members"], "", link),
        Figure("dues.members_paid", "dues", _("Members paid this month"), totals["paid_members"], "", link),
    ]
