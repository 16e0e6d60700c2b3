"""The live-attendance rule (DOMAIN_RULES §10), read in one place.

*Local* and versioned like the dues and development rules: rows of ``AttendanceRule`` in each
tenant's schema with an ``effective_from`` date; the newest version in force on the lesson's day
applies and every verdict names it. Seeded with version 2026.1: present = watched live (playing,
in the foreground) at least 2/3 of the lesson's actual duration; partly = some live time below
that; absent = none. Replays are make-up study (补学), never live attendance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from django.utils import timezone

from tenants.live.models import AttendanceRule, Lesson

DEFAULT = ("2026.1", 2, 3)  # when a schema has no row (never after the migration's seed)


class Verdict(StrEnum):
    PRESENT = "present"
    PARTLY = "partly"
    ABSENT = "absent"


@dataclass(frozen=True)
class Rule:
    version: str
    numerator: int
    denominator: int

    @property
    def share(self) -> float:
        return round(self.numerator / self.denominator, 4)

    @property
    def share_label(self) -> str:
        return f"{self.numerator}/{self.denominator}"

    def verdict(self, live_seconds: int, actual_seconds: int) -> Verdict:
        """Present at ``live ≥ share × actual`` (exact: integers, no rounding at the boundary)."""
        if live_seconds <= 0:
            return Verdict.ABSENT
        if live_seconds * self.denominator >= actual_seconds * self.numerator:
            return Verdict.PRESENT
        return Verdict.PARTLY


def rule_in_force(on: date | None = None) -> Rule:
    """The version in force on ``on`` (default today) in the active schema."""
    row = AttendanceRule.objects.filter(effective_from__lte=on or timezone.localdate()).first()
    if row is None:
        return Rule(*DEFAULT)
    return Rule(row.version, row.present_numerator, row.present_denominator)


def rule_for(lesson: Lesson) -> Rule:
    """The version for a lesson: the one in force on the day it went live (or was to start)."""
    when = lesson.went_live_at or lesson.starts_at
    return rule_in_force(timezone.localdate(when))


def actual_seconds(lesson: Lesson, now: datetime | None = None) -> int:
    """The lesson's actual duration: ended − went live (a live lesson: now − went live); 0 before it went live."""
    if lesson.went_live_at is None:
        return 0
    end = lesson.ended_at or (now or timezone.now())
    return max(0, int((end - lesson.went_live_at).total_seconds()))
