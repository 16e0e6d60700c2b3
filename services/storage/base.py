"""The storage interface: data classes (buckets), object keys, and what every backend offers.

Two backends implement :class:`Storage`: ``s3`` (the minio SDK against MinIO or any
S3-compatible store; browsers upload and download directly with presigned URLs) and
``filesystem`` (the embedded default: files under ``STORAGE_ROOT`` and the same browser
protocol served by Django views). :func:`get_storage` picks one from the settings.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

from django.conf import settings


class DataClass(StrEnum):
    """One bucket per data class: ``f"{settings.S3_BUCKET_PREFIX}-{value}"``."""

    MEDIA = "media"  # learning resources: documents, images, video, HLS renditions
    RECORDS = "records"  # personal-record evidence (development steps etc.)
    EXPORTS = "exports"  # generated files for download


def bucket_name(data_class: DataClass | str) -> str:
    return f"{settings.S3_BUCKET_PREFIX}-{DataClass(data_class).value}"


class StorageError(Exception):
    """A backend refused an operation (unknown upload id, invalid part list, …)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class StorageUnavailable(StorageError):
    """The store did not answer (refused, timed out, reset): nothing was done; try again later."""

    CODE = "storage.unavailable"

    def __init__(self, message: str):
        super().__init__(self.CODE, message)


class InvalidKey(ValueError):
    """An object key or key part that could escape its place (``..``, a leading ``/``, …)."""


# A key segment: letters, digits and a few safe punctuation marks; never "." or "..".
_SEGMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._=+-]{0,127}$")
_SCHEMA = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def check_key_path(value: str, *, what: str = "key") -> str:
    """``value`` as a relative path of safe segments (no ``..``, no leading ``/``, no empty part)."""
    if not value or value.startswith("/") or "\\" in value or "\x00" in value:
        raise InvalidKey(f"invalid {what}: {value!r}")
    for segment in value.split("/"):
        if segment in {"", ".", ".."} or not _SEGMENT.match(segment):
            raise InvalidKey(f"invalid {what}: {value!r}")
    return value


def object_key(kind: str, *, schema: str, name: str | None = None, identity: uuid.UUID | None = None) -> str:
    """A new key ``t/<schema>/<kind>/<uuid4 hex>`` (schema: the tenant's, "public" for the group).
    With ``identity`` the key is that UUID's instead of a random one: a task that runs again
    (redelivered after its worker died) writes to the same place and replaces what it left.

    The caller names the schema: the adapter does not know which tenant is active
    (``partycloud.uploads.services.object_key`` fills in the active one). ``name`` adds derived
    files under the same object, e.g. ``object_key("video", schema=s, name="hls/720p/index.m3u8")``.
    To derive a file of an existing object, append to its key with :func:`derived_key`.
    """
    if not _SCHEMA.match(schema):
        raise InvalidKey(f"invalid schema: {schema!r}")
    check_key_path(kind, what="kind")
    if "/" in kind:
        raise InvalidKey(f"invalid kind: {kind!r}")
    key = f"t/{schema}/{kind}/{(identity or uuid.uuid4()).hex}"
    if name is not None:
        key = f"{key}/{check_key_path(name, what='name')}"
    return key


def derived_key(key: str, name: str) -> str:
    """``<key>/<name>``: a file derived from an object (an HLS rendition, a thumbnail)."""
    return f"{check_key_path(key)}/{check_key_path(name, what='name')}"


def key_schema(key: str) -> str | None:
    """The schema a key belongs to (``t/<schema>/…``), or None for keys outside that layout."""
    parts = key.split("/", 2)
    return parts[1] if len(parts) == 3 and parts[0] == "t" else None


@dataclass(frozen=True)
class PresignedPost:
    """A browser form upload: POST ``fields`` plus ``file`` (last) as multipart/form-data to ``url``."""

    url: str
    fields: dict[str, str]
    key: str
    expires_at: datetime


@dataclass(frozen=True)
class PartInfo:
    part_number: int
    etag: str
    size: int


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    content_type: str
    etag: str


Source = bytes | BinaryIO | Path


@runtime_checkable
class Storage(Protocol):
    """What features may do with objects. Keys come from :func:`object_key`."""

    name: str  # "s3" | "filesystem"

    def presign_post(
        self,
        data_class: DataClass,
        key: str,
        *,
        content_type: str,
        max_size: int,
        expires: timedelta | None = None,
    ) -> PresignedPost:
        """A form upload bound to the exact key (or a key prefix ending in "/"), the content type,
        a size of 1..max_size bytes and an expiry."""
        ...

    def start_multipart(self, data_class: DataClass, key: str, *, content_type: str) -> str:
        """Start a multipart upload; returns its upload id."""
        ...

    def presign_part(
        self, data_class: DataClass, key: str, upload_id: str, part_number: int, *, expires: timedelta | None = None
    ) -> str:
        """A URL the browser PUTs one part to; the response carries the part's ``ETag``."""
        ...

    def list_parts(self, data_class: DataClass, key: str, upload_id: str) -> list[PartInfo]:
        """The parts already stored (to resume after a dropped connection)."""
        ...

    def complete_multipart(
        self, data_class: DataClass, key: str, upload_id: str, parts: list[tuple[int, str]]
    ) -> ObjectInfo:
        """Assemble ``(part_number, etag)`` parts, in order, into the object."""
        ...

    def abort_multipart(self, data_class: DataClass, key: str, upload_id: str) -> None: ...

    def presign_get(
        self,
        data_class: DataClass,
        key: str,
        *,
        expires: timedelta | None = None,
        filename: str | None = None,
        content_type: str | None = None,
        inline: bool = True,
    ) -> str:
        """A download URL (Content-Disposition inline or attachment with ``filename``)."""
        ...

    def stat(self, data_class: DataClass, key: str) -> ObjectInfo | None: ...

    def read_range(self, data_class: DataClass, key: str, start: int = 0, length: int | None = None) -> bytes: ...

    def download_to(self, data_class: DataClass, key: str, path: Path) -> None: ...

    def put(self, data_class: DataClass, key: str, source: Source, *, content_type: str) -> ObjectInfo:
        """A server-side write (exports, HLS renditions)."""
        ...

    def delete(self, data_class: DataClass, key: str) -> None:
        """Delete an object; no error when it does not exist."""
        ...

    def list_keys(self, data_class: DataClass, prefix: str) -> Iterator[str]:
        """The keys that start with ``prefix``, in no particular order (a tenant's backup)."""
        ...

    def delete_prefix(self, data_class: DataClass, prefix: str) -> int:
        """Delete every object whose key starts with ``prefix``; returns how many."""
        ...

    def ensure_buckets(self) -> None:
        """Create the buckets of every data class when missing."""
        ...

    def check_available(self) -> None:
        """Raise :class:`StorageUnavailable` when the store does not answer. Signing URLs needs no
        network, so a use case that hands out URLs (an upload form, a download redirect) asks this
        first instead of giving the browser a URL that cannot work."""
        ...


def url_ttl(expires: timedelta | None) -> timedelta:
    return expires if expires is not None else timedelta(seconds=settings.STORAGE_URL_TTL_SECONDS)


def check_prefix(prefix: str) -> str:
    """A key prefix for listing and deleting: a path of safe segments, optionally ending in "/"."""
    check_key_path(prefix.rstrip("/") or "-", what="prefix")
    if not prefix.rstrip("/"):
        raise InvalidKey("an empty prefix would match every object")
    return prefix


@functools.cache
def get_storage() -> Storage:
    """The configured backend, one per process: S3 when ``S3_ENDPOINT`` is set, else the filesystem.

    Tests that change the settings call ``get_storage.cache_clear()``.
    """
    # Imported when chosen: both backends import this module, and minio loads only where S3 is used.
    if settings.S3_ENDPOINT:
        from services.storage.s3 import S3Storage

        return S3Storage.from_settings()
    from services.storage.filesystem import FilesystemStorage

    return FilesystemStorage(Path(settings.STORAGE_ROOT))
