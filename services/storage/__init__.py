"""Object storage: the S3 API through the minio SDK, or the filesystem behind the same interface.

Features use it like this::

    from services.storage import DataClass, Purpose, register_purpose, claim_upload, download_url

    register_purpose(Purpose("learning.document", DataClass.MEDIA, "document", DOCUMENT_TYPES, 100 * MB,
                             extract_text=True))
    upload = claim_upload(upload_id, purpose="learning.document", user=request.user)  # verified → consumed
    url = download_url(DataClass.MEDIA, upload.key, filename=upload.filename)

Browsers upload through ``/api/v1/uploads`` (see docs/storage.md); server-side code writes
with ``get_storage().put(...)`` under keys from ``object_key(kind)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from services.storage.base import (
    DataClass,
    ObjectInfo,
    PartInfo,
    PresignedPost,
    Storage,
    StorageError,
    bucket_name,
    get_storage,
    object_key,
)
from services.storage.purposes import Purpose, get_purpose, register_purpose

if TYPE_CHECKING:
    from services.storage.models import Upload, UploadStatus
    from services.storage.services import claim_upload, discard_object, download_url

__all__ = [
    "DataClass",
    "ObjectInfo",
    "PartInfo",
    "PresignedPost",
    "Purpose",
    "Storage",
    "StorageError",
    "Upload",
    "UploadStatus",
    "bucket_name",
    "claim_upload",
    "discard_object",
    "download_url",
    "get_purpose",
    "get_storage",
    "object_key",
    "register_purpose",
]

# These need the app registry (models): imported on first use, not when Django loads the app.
_LAZY = {
    "Upload": "services.storage.models",
    "UploadStatus": "services.storage.models",
    "claim_upload": "services.storage.services",
    "discard_object": "services.storage.services",
    "download_url": "services.storage.services",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
