"""What the learning platform accepts as uploads (partycloud.uploads purposes)."""

from __future__ import annotations

from partycloud.uploads.purposes import Purpose, register_purpose
from services.storage import DataClass

MB = 1024 * 1024

DOCUMENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "text/plain",
    }
)
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
VIDEO_TYPES = frozenset({"video/mp4", "video/webm", "video/quicktime", "video/x-matroska"})

DOCUMENT = "learning.document"
IMAGE = "learning.image"
VIDEO = "learning.video"
REGULATION = "learning.regulation"


def register_learning_purposes() -> None:
    register_purpose(Purpose(DOCUMENT, DataClass.MEDIA, "document", DOCUMENT_TYPES, 100 * MB, extract_text=True))
    register_purpose(Purpose(IMAGE, DataClass.MEDIA, "image", IMAGE_TYPES, 20 * MB))
    register_purpose(Purpose(VIDEO, DataClass.MEDIA, "video", VIDEO_TYPES, 2048 * MB))
    register_purpose(Purpose(REGULATION, DataClass.MEDIA, "regulation", DOCUMENT_TYPES, 50 * MB, extract_text=True))
