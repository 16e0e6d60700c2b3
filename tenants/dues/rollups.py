"""What the group rolls up from dues: amounts and members assessed, paid and unpaid, by month.

Registered with the kernel's registry (``partycloud.core.metrics``) in ``DuesConfig.ready``.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from partycloud.core.metrics import Row, Scope, metric, register
from tenants.dues.models import AssessmentStatus, DuesAssessment


@metric("dues.amount", _("dues by month"), "dues", periodic=True, unit="yuan")
def dues_amounts(scope: Scope) -> list[Row]:
    rows = (
        scope.organizations(DuesAssessment.objects.filter(month__in=scope.periods))
        .values("organization_id", "month")
        .annotate(
            assessed=Sum("amount"),
            paid=Sum("paid_amount"),
            unpaid=Sum("amount", filter=Q(status=AssessmentStatus.DUE)),
        )
    )
    result: list[Row] = []
    for row in rows:
        for dimension in ("assessed", "paid", "unpaid"):
            if row[dimension]:
                result.append((row["organization_id"], row["month"], dimension, Decimal(row[dimension])))
    return result


@metric("dues.members", _("members assessed and in arrears by month"), "dues", periodic=True)
def dues_members(scope: Scope) -> list[Row]:
    rows = (
        scope.organizations(DuesAssessment.objects.filter(month__in=scope.periods))
        .values("organization_id", "month")
        .annotate(assessed=Count("id"), unpaid=Count("id", filter=Q(status=AssessmentStatus.DUE)))
    )
    result: list[Row] = []
    for row in rows:
        for dimension in ("assessed", "unpaid"):
            if row[dimension]:
                result.append((row["organization_id"], row["month"], dimension, Decimal(row[dimension])))
    return result


def register_rollups() -> None:
    register(dues_amounts, dues_members)
