"""Democratic evaluation results for table 6 (民主评议党员, DOMAIN_RULES §5), from the rounds the
upper committee confirmed (``tenants.assessment``)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count

from tenants.assessment.models import EvaluationRound, Grade, Participant, RoundStatus


def evaluation_counts(start: date, end: date) -> dict[str, int] | None:
    """Members of the active tenant by the grade of the evaluation held in ``(start, end]``:
    keys ``excellent``, ``qualified``, ``basically_qualified``, ``unqualified`` (full members
    graded) and ``not_rated`` (probationary members take part but are not graded, and members
    absent with leave). An evaluation is held when its round closes (``closes_on``) and counts
    once the upper committee confirmed it. None while the tenant has no round at all."""
    if not EvaluationRound.objects.exists():
        return None
    counts = dict.fromkeys(Grade.values, 0)
    counts["not_rated"] = 0
    for grade, n in (
        Participant.objects.filter(
            round__status=RoundStatus.CONFIRMED, round__closes_on__gt=start, round__closes_on__lte=end
        )
        .values_list("grade")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[grade or "not_rated"] += n
    return counts
