"""Monthly assessment (idempotent, rerunnable), offline payments and the branch ledger (台账)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import stored_user
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import Conflict, ServiceError
from services.tasks.pause import pause_point
from tenants.dues.errors import DuesCode
from tenants.dues.models import (
    ArrearsNotice,
    AssessmentStatus,
    DuesAssessment,
    DuesBase,
    DuesExemption,
    ExemptionStatus,
    VoluntaryPayment,
)
from tenants.dues.rules import RuleTable, monthly_dues
from tenants.members.models import COUNTED_STATUSES, Member
from tenants.notifications.kinds import NotificationKind
from tenants.notifications.services import do_notify


def first_of_month(day: date) -> date:
    return day.replace(day=1)


@dataclass
class MonthResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    missing_base: int = 0


@transaction.atomic
def do_assess_month(month: date) -> MonthResult:
    """Assess every paying member for ``month``. Rerunning changes only unpaid assessments
    whose inputs changed (a corrected base, a new rule version). Loads the rule table, the
    bases and the existing assessments once, then writes in bulk."""
    month = first_of_month(month)
    result = MonthResult()
    table = RuleTable.load(month)
    existing = {a.member_id: a for a in DuesAssessment.objects.filter(month=month)}
    bases = {
        b.member_id: b
        for b in DuesBase.objects.filter(effective_from__lte=month)
        .order_by("member_id", "-effective_from", "-id")
        .distinct("member_id")
    }
    fields = ("organization_id", "category", "base", "amount", "rule_version", "explanation")
    new: list[DuesAssessment] = []
    changed: list[DuesAssessment] = []
    members = Member.objects.filter(status__in=COUNTED_STATUSES, joined_on__lt=_next_month(month))
    for member in members.only("id", "organization_id", "dues_category", "status", "joined_on"):
        base = bases.get(member.pk)
        if base is None:
            result.missing_base += 1
            continue
        dues = monthly_dues(member.dues_category, base.amount, fixed=base.fixed_amount, table=table)
        values = dict(
            zip(
                fields,
                (
                    member.organization_id,
                    member.dues_category,
                    base.amount,
                    dues.amount,
                    dues.rule_version,
                    dues.explanation,
                ),
                strict=True,
            )
        )
        current = existing.get(member.pk)
        if current is None:
            new.append(DuesAssessment(member_id=member.pk, month=month, **values))
        elif current.status == AssessmentStatus.DUE and any(getattr(current, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(current, key, value)
            changed.append(current)
        else:
            result.unchanged += 1
    DuesAssessment.objects.bulk_create(new, batch_size=2000)
    DuesAssessment.objects.bulk_update(changed, list(fields), batch_size=2000)
    result.created, result.updated = len(new), len(changed)
    _apply_month_exemptions(month)
    return result


def _next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _apply_month_exemptions(month: date) -> None:

    for exemption in DuesExemption.objects.filter(
        status=ExemptionStatus.APPROVED, first_month__lte=month, last_month__gte=month
    ):
        apply_exemptions(exemption.member, month, month)


@transaction.atomic
def do_record_payment(
    member: Member,
    months: list[date],
    *,
    paid_on: date | None = None,
    on_behalf_by: str = "",
    actor: Actor | None = None,
) -> list[DuesAssessment]:
    """An offline payment recorded by the branch for one or more assessed months (quarterly
    or in advance, with the branch's consent). Payroll deduction is not a method: members pay.
    Without an ``actor`` the platform itself records it (an online payment, the demo data)."""
    actor = actor or Actor.system()
    if not months:
        raise ServiceError(DuesCode.MONTHS_REQUIRED, _("Choose the months being paid."), "months")
    wanted = sorted({first_of_month(m) for m in months})
    assessments = list(DuesAssessment.objects.select_for_update().filter(member=member, month__in=wanted))
    found = {a.month for a in assessments}
    missing = [m for m in wanted if m not in found]
    if missing:
        raise ServiceError(
            DuesCode.NOT_ASSESSED,
            _("%(month)s has not been assessed yet.") % {"month": f"{missing[0]:%Y-%m}"},
            "months",
        )
    already = [a for a in assessments if a.status != AssessmentStatus.DUE]
    if already:
        raise Conflict(
            DuesCode.ALREADY_PAID, _("%(month)s is already settled.") % {"month": f"{already[0].month:%Y-%m}"}, "months"
        )
    day = paid_on or timezone.localdate()
    for assessment in assessments:
        assessment.status = AssessmentStatus.PAID
        assessment.paid_amount = assessment.amount
        assessment.paid_on = day
        assessment.paid_on_behalf_by = on_behalf_by.strip()
        assessment.save()
    total = sum((a.amount for a in assessments), Decimal("0"))
    do_record_audit(
        event="dues.payment.record",
        details={"amount": str(total), "months": len(assessments), "month_list": [f"{m:%Y-%m}" for m in wanted]},
        actor=actor,
        target=member,
    )
    return assessments


def consecutive_unpaid_months(member: Member, until: date) -> int:
    """How many assessed months in a row, ending at ``until``, are still due."""
    count = 0
    for assessment in DuesAssessment.objects.filter(member=member, month__lte=first_of_month(until)).order_by("-month"):
        if assessment.status != AssessmentStatus.DUE:
            break
        count += 1
    return count


def ledger(month: date, organization_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """台账: per organization for the month — members due, amount due, paid, paid on behalf, arrears, exempt."""
    rows = DuesAssessment.objects.filter(month=first_of_month(month))
    if organization_ids is not None:
        rows = rows.filter(organization_id__in=organization_ids)
    aggregates = rows.values("organization_id", "organization__name").annotate(
        members_due=Count("id"),
        amount_due=Sum("amount"),
        amount_paid=Sum("paid_amount"),
        paid_on_behalf=Count("id", filter=~Q(paid_on_behalf_by="")),
        arrears=Sum("amount", filter=Q(status=AssessmentStatus.DUE)),
        exempt=Count("id", filter=Q(status=AssessmentStatus.EXEMPT)),
    )
    zero = Decimal("0.00")
    return [
        {
            "organization": row["organization_id"],
            "name": row["organization__name"],
            "members_due": row["members_due"],
            "amount_due": row["amount_due"] or zero,
            "amount_paid": row["amount_paid"] or zero,
            "paid_on_behalf": row["paid_on_behalf"],
            "arrears": row["arrears"] or zero,
            "exempt": row["exempt"],
        }
        for row in aggregates.order_by("organization__path")
    ]


# ---------------------------------------------------------------- arrears


# Consecutive unpaid months → the step taken (DOMAIN_RULES §1).
ARREARS_STEPS = {1: "reminder", 3: "warning", 6: "withdrawal"}


def do_process_arrears(month: date) -> dict[str, int]:
    """After a month is assessed: remind (1 month), warn member and branch (3 in a row),
    flag for the self-withdrawal procedure (6 in a row, 党章 Art. 9). Each step once."""

    month = first_of_month(month)
    taken = {"reminder": 0, "warning": 0, "withdrawal": 0}
    unpaid = DuesAssessment.objects.filter(month=month, status=AssessmentStatus.DUE).select_related(
        "member", "member__organization"
    )
    for assessment in unpaid:
        member = assessment.member
        count = consecutive_unpaid_months(member, month)
        level = ARREARS_STEPS.get(count)
        if level is None:
            continue
        # The notice and its notifications commit together: a worker killed in the loop leaves
        # each step either taken and notified, or to be taken when the task runs again.
        with transaction.atomic():
            if _take_arrears_step(assessment, month, level, count):
                taken[level] += 1
    return taken


def _take_arrears_step(assessment: DuesAssessment, month: date, level: str, count: int) -> bool:
    member = assessment.member
    _notice, created = ArrearsNotice.objects.get_or_create(
        member=member, month=month, level=level, defaults={"unpaid_months": count}
    )
    if created:
        pause_point("dues.arrears.noticed")
        _notify_arrears(assessment, month, level, count)
    return created


def _notify_arrears(assessment: DuesAssessment, month: date, level: str, count: int) -> None:
    member = assessment.member
    title = {
        "reminder": f"党费缴纳提醒：{month:%Y年%m月}党费尚未缴纳",
        "warning": f"党费欠缴警示：已连续 {count} 个月未缴纳党费",
        "withdrawal": f"党费欠缴：已连续 {count} 个月未缴纳，按党章第九条提请处理",
    }[level]
    kind = NotificationKind.DUES_REMINDER if level == "reminder" else NotificationKind.DUES_ARREARS
    if member.user_id:
        do_notify(member.user, title, f"本月应缴 {assessment.amount} 元。", "/dues", kind=kind)  # type: ignore[arg-type]
    if level != "reminder" and member.organization.secretary_id:
        do_notify(
            member.organization.secretary,  # type: ignore[arg-type]
            f"{member.name}：{title}",
            "",
            f"/console/members/{member.pk}",
            kind=kind,
        )


# ---------------------------------------------------------------- exemptions and voluntary payments


@transaction.atomic
def do_request_exemption(
    member: Member,
    *,
    first_month: date,
    last_month: date,
    reason: str,
    reduced_amount: Decimal | None = None,
    actor: Actor | None = None,
) -> DuesExemption:

    if not reason.strip():
        raise ServiceError(DuesCode.REASON_REQUIRED, _("Say why the dues are reduced or exempted."), "reason")
    if last_month < first_month:
        raise ServiceError(DuesCode.BAD_RANGE, _("The last month must not be before the first."), "last_month")
    if reduced_amount is not None and reduced_amount < 0:
        raise ServiceError(DuesCode.NEGATIVE_AMOUNT, _("The reduced amount cannot be negative."), "reduced_amount")
    return DuesExemption.objects.create(
        member=member, first_month=first_of_month(first_month), last_month=first_of_month(last_month),
        reduced_amount=reduced_amount, reason=reason.strip(), requested_by=stored_user(actor.user if actor else None),
    )  # fmt: skip


@transaction.atomic
def do_decide_exemption(exemption: DuesExemption, *, approve: bool, actor: Actor) -> DuesExemption:
    """The next level up approves or rejects; approval applies to assessed unpaid months at once
    and to later assessments through ``apply_exemptions``."""

    exemption = DuesExemption.objects.select_for_update().get(pk=exemption.pk)
    if exemption.status != ExemptionStatus.PENDING:
        raise Conflict(DuesCode.EXEMPTION_DECIDED, _("This request has already been decided."), "status")
    if approve and exemption.requested_by_id == actor.pk:
        raise ServiceError(DuesCode.FOUR_EYES, _("The next level up approves; the requester cannot approve it."))
    exemption.status = ExemptionStatus.APPROVED if approve else ExemptionStatus.REJECTED
    exemption.decided_by = stored_user(actor.user)
    exemption.decided_at = timezone.now()
    exemption.save()
    if approve:
        apply_exemptions(exemption.member, exemption.first_month, exemption.last_month)
    do_record_audit(
        event="dues.exemption.decide",
        details={"status": exemption.status},
        actor=actor,
        target=exemption,
        target_label=exemption.member.name,
    )
    return exemption


def apply_exemptions(member: Member, first: date, last: date) -> None:

    for exemption in DuesExemption.objects.filter(
        member=member, status=ExemptionStatus.APPROVED, first_month__lte=last, last_month__gte=first
    ):
        unpaid = DuesAssessment.objects.filter(
            member=member,
            status=AssessmentStatus.DUE,
            month__gte=exemption.first_month,
            month__lte=exemption.last_month,
        )
        if exemption.reduced_amount is None:
            unpaid.update(status=AssessmentStatus.EXEMPT, amount=Decimal("0.00"), explanation="exempt")
        else:
            unpaid.update(amount=exemption.reduced_amount, explanation=f"reduced to {exemption.reduced_amount}")


def do_record_voluntary_payment(
    member: Member, amount: Decimal, *, paid_on: date, note: str = "", actor: Actor | None = None
) -> VoluntaryPayment:

    if amount < 1000:
        raise ServiceError(
            DuesCode.VOLUNTARY_BELOW_1000, _("A voluntary payment recorded separately is 1,000 yuan or more."), "amount"
        )
    return VoluntaryPayment.objects.create(
        member=member,
        amount=amount,
        paid_on=paid_on,
        note=note,
        recorded_by=stored_user(actor.user if actor else None),
    )


def annual_summary(year: int) -> dict[str, Any]:
    """The yearly disclosure (党费收缴情况公开): per month due, paid, arrears, voluntary."""

    months = []
    zero = Decimal("0.00")
    for month_number in range(1, 13):
        month = date(year, month_number, 1)
        rows = DuesAssessment.objects.filter(month=month).aggregate(
            due=Sum("amount"), paid=Sum("paid_amount"), arrears=Sum("amount", filter=Q(status=AssessmentStatus.DUE))
        )
        voluntary = VoluntaryPayment.objects.filter(paid_on__year=year, paid_on__month=month_number).aggregate(
            s=Sum("amount")
        )["s"]
        months.append({
            "month": f"{month:%Y-%m}", "amount_due": rows["due"] or zero, "amount_paid": rows["paid"] or zero,
            "arrears": rows["arrears"] or zero, "voluntary": voluntary or zero,
        })  # fmt: skip
    totals = {key: sum((m[key] for m in months), zero) for key in ("amount_due", "amount_paid", "arrears", "voluntary")}
    return {"year": year, "months": months, "totals": totals}
