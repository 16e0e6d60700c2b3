"""Error codes of notifications: each a stable code clients act on and what it means (docs/api.md)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class NotificationsCode(ErrorCode):
    BAD_SUBSCRIPTION = "notifications.bad_subscription", "The browser gave an incomplete push subscription."
    NOT_RETRYABLE = "notifications.not_retryable", "Only failed deliveries can be retried."
    PUSH_NOT_CONFIGURED = "notifications.push_not_configured", "Push is not set up on this platform."
    UNKNOWN_CHANNEL = "notifications.unknown_channel", "Unknown channel."
    UNKNOWN_KIND = "notifications.unknown_kind", "Unknown notification kind."
    UNKNOWN_PUSH_SERVICE = "notifications.unknown_push_service", "This browser's push service is not supported."
