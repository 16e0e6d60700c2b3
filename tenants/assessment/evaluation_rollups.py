"""What the group rolls up from the democratic evaluation (DOMAIN_RULES §5), per organization and month.

``evaluation.grades`` (periodic, organization level): confirmed rounds' participants by grade, in
the month the round closed (``closes_on``); dimensions ``excellent``, ``qualified``,
``basically_qualified``, ``unqualified`` and ``not_rated`` (probationary or excused). A year's
figures are the sum of its months. The source table is watched by the outbox
(``assessment_evaluationround``: organization_id, closes_on; confirming a round updates it and its
grades are locked from then on). Registered in ``AssessmentConfig.ready``.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from partycloud.core.metrics import Row, Scope, metric, month_end, register
from tenants.assessment.models import Participant, RoundStatus

TOPIC = "evaluation"
METRIC = "evaluation.grades"
NOT_RATED = "not_rated"


@metric(METRIC, _("democratic evaluation grades"), TOPIC, periodic=True)
def evaluation_grades(scope: Scope) -> list[Row]:
    if not scope.periods:
        return []
    months = sorted(scope.periods)
    participants = (
        scope.organizations(
            Participant.objects.filter(
                round__status=RoundStatus.CONFIRMED,
                round__closes_on__gte=months[0],
                round__closes_on__lte=month_end(months[-1]),
            ),
            "round__organization_id",
        )
        .annotate(month=TruncMonth("round__closes_on"))
        .values_list("round__organization_id", "month", "grade")
        .annotate(count=Count("id"))
        .order_by()
    )
    rows: dict[tuple[int, object, str], int] = {}
    for organization_id, month, grade, count in participants:
        if month not in scope.periods:
            continue
        key = (organization_id, month, grade or NOT_RATED)
        rows[key] = rows.get(key, 0) + count
    return [(organization_id, month, dimension, Decimal(n)) for (organization_id, month, dimension), n in rows.items()]  # type: ignore[misc]


def register_rollups() -> None:
    register(evaluation_grades)
