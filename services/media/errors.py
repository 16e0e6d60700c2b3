"""The one exception type of the media package."""

from __future__ import annotations

from partycloud.core.errors import ServiceError


class MediaError(ServiceError):
    """A file could not be processed: wrong kind, broken, too large, a tool failed or timed out.

    ``code`` is one of ``media.*`` (see ``docs/media.md``); the message is for the user and never
    carries tool output, which goes to the log instead.
    """
