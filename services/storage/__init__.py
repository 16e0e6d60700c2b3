"""Object storage, an adapter: the S3 API through the minio SDK, or the filesystem behind the same interface.

It knows buckets, keys and bytes, nothing of tenants, users or uploads. Keys are
``t/<schema>/<kind>/<uuid>``; the caller names the schema::

    from services.storage import DataClass, get_storage, object_key

    key = object_key("export", schema="t_alpha")
    get_storage().put(DataClass.EXPORTS, key, data, content_type="text/csv")

The upload protocol every feature uses (purposes, ``/api/v1/uploads``, verification, claims)
belongs to the platform: ``partycloud.uploads`` (see docs/storage.md).
"""

from __future__ import annotations

from services.storage.base import (
    DataClass,
    InvalidKey,
    ObjectInfo,
    PartInfo,
    PresignedPost,
    Storage,
    StorageError,
    StorageUnavailable,
    bucket_name,
    get_storage,
    object_key,
)

__all__ = [
    "DataClass",
    "InvalidKey",
    "ObjectInfo",
    "PartInfo",
    "PresignedPost",
    "Storage",
    "StorageError",
    "StorageUnavailable",
    "bucket_name",
    "get_storage",
    "object_key",
]
