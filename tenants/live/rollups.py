"""What the group rolls up from live lessons: attendance of the lessons that ended in a month.

``live.attendance_rate`` (tenant level, per month): ``lessons`` ended that month (the tenant's
own and the group's whose audience includes the tenant), ``expected`` member-lessons (each
lesson's expected audience in this tenant) and ``present`` member-lessons (verdict present
under the tenant's rule version). The figure is present ÷ expected: rates are computed from
summed parts (core.metrics), so the group's rate weighs every member-lesson alike.

The source changes when a lesson ends (later heartbeats cannot add live time): the
``lesson_ended`` receiver below writes an outbox row (topic ``live``, the month it ended) into
every tenant whose figures it touches; group lessons live in the public schema, which has no
outbox triggers. Registered in ``LiveConfig.ready``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partycloud.core.metrics import WHOLE_TENANT, Row, Scope, metric, month_end, month_start, register
from partycloud.tenancy.context import active_schema, active_tenant
from partycloud.tenancy.models import PartyCommittee
from tenants.live.attendance import tenant_totals
from tenants.live.audience import PUBLIC, LessonRef, LessonScope, in_lesson_schema
from tenants.live.models import Lesson, LessonStatus
from tenants.live.signals import lesson_ended
from tenants.outbox.models import OutboxEvent

TOPIC = "live"


def _ended_lessons(period_start: Any, period_end: Any) -> list[tuple[LessonRef, Lesson]]:
    ended = Q(status=LessonStatus.ENDED, ended_at__date__gte=period_start, ended_at__date__lte=period_end)
    found = [
        (LessonRef(LessonScope.TENANT, lesson.pk, active_schema()), lesson)
        for lesson in Lesson.objects.select_related("organization").filter(ended)
    ]
    tenant_id = active_tenant().pk
    with in_lesson_schema(LessonRef(LessonScope.GROUP, 0, PUBLIC)):
        audience = Q(audience_tenants=[]) | Q(audience_tenants__contains=[tenant_id])
        group = list(Lesson.objects.filter(ended).filter(audience))
    return found + [(LessonRef(LessonScope.GROUP, lesson.pk, PUBLIC), lesson) for lesson in group]


@metric("live.attendance_rate", _("live lesson attendance"), TOPIC, periodic=True, tenant_level=True)
def live_attendance(scope: Scope) -> list[Row]:
    result: list[Row] = []
    for period in scope.periods:
        lessons = _ended_lessons(period, month_end(period))
        if not lessons:
            continue
        expected = present = 0
        for ref, lesson in lessons:
            totals = tenant_totals(ref, lesson)
            expected += totals["expected"]
            present += totals["present"]
        result.append((WHOLE_TENANT, period, "lessons", Decimal(len(lessons))))
        result.append((WHOLE_TENANT, period, "expected", Decimal(expected)))
        result.append((WHOLE_TENANT, period, "present", Decimal(present)))
    return result


def _tenants_of(ref: LessonRef, lesson: Lesson) -> list[PartyCommittee]:
    if ref.scope is LessonScope.TENANT:
        return [active_tenant()]
    tenants = PartyCommittee.objects.active()
    if lesson.audience_tenants:
        tenants = tenants.filter(pk__in=lesson.audience_tenants)
    return list(tenants)


def flag_ended_lesson(sender: Any, ref: LessonRef, lesson: Lesson, **kwargs: Any) -> None:
    """A lesson ended: the month's attendance figures of the tenants in its audience change."""
    period = month_start(timezone.localdate(lesson.ended_at or timezone.now()))
    for tenant in _tenants_of(ref, lesson):
        with tenant:
            OutboxEvent.objects.create(topic=TOPIC, period=period)


def register_rollups() -> None:
    register(live_attendance)
    lesson_ended.connect(flag_ended_lesson, dispatch_uid="live.rollups.flag_ended_lesson")
