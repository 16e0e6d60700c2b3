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
    CHAT_EMPTY = "live.chat_empty", "Type a message first."
    CHAT_TOO_LONG = "live.chat_too_long", "A chat message has at most 500 characters."
    CHAT_SENSITIVE = "live.chat_sensitive", "The message contains a word that is not allowed in this chat."
    CHAT_CLASSIFIED = "live.chat_classified", "The message carries a classified marking; nothing was sent."
    CHAT_RATE_LIMITED = "live.chat_rate_limited", "Too many messages in a short time; wait a few seconds."
    CHAT_SLOW_MODE = "live.chat_slow_mode", "Slow mode is on: one message every few seconds per person."
    CHAT_MUTED = "live.chat_muted", "A host muted you in this chat."
    CHAT_NOT_HOST = "live.chat_not_host", "Only the lesson's hosts may do this."
    CHAT_CLOSED = "live.chat_closed", "The chat of this lesson is closed."
    WORD_EXISTS = "live.word_exists", "This word is already on the list."
    WORD_REQUIRED = "live.word_required", "Enter a word of at most 50 characters."
    NOT_LIVE = "live.not_live", "The lesson is not live."
    BAD_HEARTBEAT = "live.bad_heartbeat", "The heartbeat is not valid."
