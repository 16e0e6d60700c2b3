"""What the group rolls up from learning: study by month and resources published (tenant level).

Registered with the kernel's registry (``partycloud.core.metrics``) in ``LearningConfig.ready``.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from partycloud.core.metrics import WHOLE_TENANT, Row, Scope, metric, month_end, register
from tenants.learning.models import Resource, ResourceStatus, StudyDay


@metric("learning.study", _("study by month"), "learning", periodic=True, tenant_level=True)
def learning_study(scope: Scope) -> list[Row]:
    result: list[Row] = []
    for period in scope.periods:
        days = StudyDay.objects.filter(day__gte=period, day__lte=month_end(period))
        totals = days.aggregate(
            learners=Count("user", distinct=True), reading=Sum("reading_seconds"), video=Sum("video_seconds")
        )
        minutes = ((totals["reading"] or 0) + (totals["video"] or 0)) // 60
        if totals["learners"]:
            result.append((WHOLE_TENANT, period, "active_learners", Decimal(totals["learners"])))
        if minutes:
            result.append((WHOLE_TENANT, period, "minutes", Decimal(minutes)))
    return result


@metric("learning.resources", _("learning resources published"), "learning", tenant_level=True)
def learning_resources(scope: Scope) -> list[Row]:
    published = Resource.objects.filter(status=ResourceStatus.PUBLISHED).count()
    return [(WHOLE_TENANT, scope.current, "", Decimal(published))] if published else []


def register_rollups() -> None:
    register(learning_study, learning_resources)
