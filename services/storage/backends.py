"""The storage interface and its backends in one import (see ``base``, ``s3``, ``filesystem``)."""

from __future__ import annotations

from services.storage.base import (
    DataClass,
    InvalidKey,
    ObjectInfo,
    PartInfo,
    PresignedPost,
    Storage,
    StorageError,
    bucket_name,
    get_storage,
    key_schema,
    object_key,
)
from services.storage.filesystem import FilesystemStorage
from services.storage.s3 import S3Storage

__all__ = [
    "DataClass",
    "FilesystemStorage",
    "InvalidKey",
    "ObjectInfo",
    "PartInfo",
    "PresignedPost",
    "S3Storage",
    "Storage",
    "StorageError",
    "bucket_name",
    "get_storage",
    "key_schema",
    "object_key",
]
