"""Dropping a publisher through nginx-rtmp's control module (``rtmp_control``), when its key was
rotated while it streams: ``GET <LIVE_CONTROL_URL>/drop/publisher?app=live&name=<playback name>``
(the stream goes on under its playback name after the on_publish rename). Without
``LIVE_CONTROL_URL`` (SRS has no such API here) the old publisher streams on until it stops; its
key is revoked, so it cannot come back."""

from __future__ import annotations

import logging
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

log = logging.getLogger(__name__)

APPLICATION = "live"
TIMEOUT_SECONDS = 3


def drop_publishers(names: list[str]) -> int:
    """Ask the media server to drop the publishers of these playback names; how many it dropped."""
    base = settings.LIVE_CONTROL_URL.rstrip("/")
    if not base:
        return 0
    dropped = 0
    for name in names:
        query = urllib.parse.urlencode({"app": APPLICATION, "name": name})
        try:
            with urllib.request.urlopen(f"{base}/drop/publisher?{query}", timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (our loopback control URL)
                dropped += int(response.read().strip() or 0)
        except (OSError, ValueError) as error:
            log.warning("live: could not drop the publisher of %s: %s", name, error)
    return dropped
