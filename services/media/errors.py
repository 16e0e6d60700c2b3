"""The one exception type of the media package."""

from __future__ import annotations


class MediaError(Exception):
    """A file could not be processed: wrong kind, broken, too large, a tool failed or timed out.

    ``code`` is one of ``media.*`` (see ``docs/media.md``); the message is for the user and never
    carries tool output, which goes to the log instead. An adapter imports nothing of ours, so this
    is not a ``ServiceError``: the API's exception handler renders it as one (same code, same
    message, HTTP 400).
    """

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
