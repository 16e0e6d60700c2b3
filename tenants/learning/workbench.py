"""Learning's part of the console's home: study time this month."""

from __future__ import annotations

from datetime import date

from django.db.models import Sum
from django.utils.translation import gettext as _

from partycloud.core.workbench import Figure, Link
from tenants.learning.models import StudyDay


def figures(user_ids: list[int] | None, month: date) -> list[Figure]:
    """Minutes read and watched this month by ``user_ids`` (None: everyone studying here)."""
    days = StudyDay.objects.filter(day__year=month.year, day__month=month.month)
    if user_ids is not None:
        days = days.filter(user_id__in=user_ids)
    seconds = days.aggregate(reading=Sum("reading_seconds"), video=Sum("video_seconds"))
    minutes = ((seconds["reading"] or 0) + (seconds["video"] or 0)) // 60
    return [
        Figure(
            "learning.study_minutes",
            "learning",
            _("Study minutes this month"),
            minutes,
            "minutes",
            Link("/learning", {"tab": "stats"}),
        )
    ]
