"""What the exchange's posts accept as direct uploads (``partycloud.uploads`` purposes).

A micro-video's size limit is the schema's ``ExchangeSettings.micro_video_max_bytes``: the purpose
takes what the largest limit may be, and the post refuses a bigger file when it claims it
(``tenants.exchange.posts``); the length is checked once the video is probed (``media``).
"""

from __future__ import annotations

from partycloud.uploads.purposes import Purpose, register_purpose
from services.storage import DataClass

MB = 1024 * 1024

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
VIDEO_TYPES = frozenset({"video/mp4", "video/webm", "video/quicktime", "video/x-matroska"})

IMAGE = "exchange.image"  # a post's cover and its pictures
VIDEO = "exchange.video"  # a micro-video, or the video of a news or showcase post
MAX_VIDEO_BYTES = 2048 * MB


def register_exchange_purposes() -> None:
    register_purpose(Purpose(IMAGE, DataClass.MEDIA, "image", IMAGE_TYPES, 20 * MB))
    register_purpose(Purpose(VIDEO, DataClass.MEDIA, "video", VIDEO_TYPES, MAX_VIDEO_BYTES))
