"""Notify: the channels that reach people outside the app (floor 1, imports nothing of ours).

- ``push``: Web Push to installed PWAs (VAPID, aes128gcm payloads, via pywebpush).
- ``email``: Django's email backend (SMTP from the environment, the console backend by default).
- ``sms``: a provider interface; the logging provider by default, Aliyun/Tencent adapters plug in
  through ``SMS_PROVIDER`` (a dotted path).

Each sender returns normally on success and raises ``DeliveryError`` on failure, saying whether a
retry can help (``permanent``) or the target is gone for good (``gone``: a push subscription the
push service no longer knows). Who gets what, when and how often is decided in
``tenants.notifications``; this package only talks to the outside world.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    """What one notification says, the same on every channel."""

    title: str
    body: str = ""
    link: str = ""  # absolute URL (the push notification and the email open it)


class DeliveryError(Exception):
    """A channel refused or failed. ``permanent``: retrying will not help; ``gone``: the target
    (a push subscription) no longer exists and should be forgotten."""

    def __init__(self, message: str, *, permanent: bool = False, gone: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent or gone
        self.gone = gone
