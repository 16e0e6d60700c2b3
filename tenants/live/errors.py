"""Error codes of live lessons: each a stable code clients act on and what it means (docs/api.md)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class LiveCode(ErrorCode):
    TITLE_REQUIRED = "live.title_required", "Enter the lesson's title."
    END_BEFORE_START = "live.end_before_start", "The planned end must come after the start."
    START_IN_PAST = "live.start_in_past", "A lesson cannot be scheduled to start in the past."
    BAD_AUDIENCE = "live.bad_audience", "Choose an active organization as the audience."
    OUT_OF_SCOPE = "live.out_of_scope", "This lesson's audience is outside your scope."
    NOT_EDITABLE = "live.not_editable", "This lesson can no longer be changed or cancelled."
    UNKNOWN_KEY = "live.unknown_key", "The stream key is not known."
    KEY_REVOKED = "live.key_revoked", "The stream key was replaced by a newer one."
    TOO_EARLY = "live.too_early", "Streaming opens 30 minutes before the lesson starts."
    TOO_LATE = "live.too_late", "Streaming closed 60 minutes after the lesson's planned end."
    ALREADY_PUBLISHING = "live.already_publishing", "Someone is already streaming this lesson."
    CANCELLED = "live.cancelled", "The lesson was cancelled."
    LESSON_NOT_FOUND = "live.lesson_not_found", "No such lesson, or it is not for you."
    NOT_A_VIEWER = "live.not_a_viewer", "Only people of this party committee watch its lessons."
    BAD_MATERIAL = "live.bad_material", "Attach published learning resources only."
