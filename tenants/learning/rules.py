"""The study rule (DOMAIN_RULES §6), read in one place.

Points are reference only: this rule decides which study time *counts* (playing, in the
foreground, once across tabs and devices) and how much of it a day is credited towards
points; the points engine (a later issue) turns study events into points.
The 学习强国 2019 caps are the default: reading time 1 point per 4 minutes, at most 8 a day;
video time 1 point per 5 minutes, at most 10 a day; articles and videos 1 point each, at
most 6 a day.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StudyRule:
    version: str
    # Clients send a heartbeat every 15 s while counting; a gap longer than this between two
    # heartbeats counts only this much (a closed laptop lid is not study).
    heartbeat_max_gap_seconds: int
    reading_seconds_per_point: int
    reading_points_cap: int
    video_seconds_per_point: int
    video_points_cap: int
    articles_cap: int
    videos_cap: int
    # A resource counts as studied after this much time (reading) or this share of the video.
    article_complete_seconds: int
    video_complete_share: float

    @property
    def reading_cap_seconds(self) -> int:
        return self.reading_seconds_per_point * self.reading_points_cap

    @property
    def video_cap_seconds(self) -> int:
        return self.video_seconds_per_point * self.video_points_cap


STUDY_RULE = StudyRule(
    version="2019.1",
    heartbeat_max_gap_seconds=20,
    reading_seconds_per_point=4 * 60,
    reading_points_cap=8,
    video_seconds_per_point=5 * 60,
    video_points_cap=10,
    articles_cap=6,
    videos_cap=6,
    article_complete_seconds=60,
    video_complete_share=0.8,
)
