"""What happens to a lesson, for the parts of the app that react to it (notifications, the chat
room's state, the recording task). Sent after the transaction commits, with ``ref`` (a
``tenants.live.audience.LessonRef``) and ``lesson``; receivers run with the lesson's schema active.

- ``lesson_went_live``: an encoder started publishing (also again after a reconnect).
- ``lesson_ended``: the encoder stopped (``on_publish_done``) or the sweep ended a stuck lesson.
- ``lesson_cancelled``: an organizer cancelled a lesson that had not gone live.
"""

from __future__ import annotations

from django.dispatch import Signal

lesson_went_live = Signal()
lesson_ended = Signal()
lesson_cancelled = Signal()
