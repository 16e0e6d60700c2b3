"""The S3 backend: the minio SDK against MinIO or any S3-compatible store.

Two clients: one for the servers' own calls (``S3_ENDPOINT``), one that only signs URLs for
browsers (``S3_PUBLIC_ENDPOINT``). Both have the region set, so signing never makes a
network call (no GetBucketLocation).

minio 7.2 keeps the multipart primitives private (``_create_multipart_upload``,
``_list_parts``, ``_complete_multipart_upload``, ``_abort_multipart_upload``); they are
stable, and this module is the only place that calls them.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import certifi
import urllib3
from django.conf import settings
from django.utils.http import content_disposition_header
from minio import Minio
from minio.datatypes import Part, PostPolicy
from minio.deleteobjects import DeleteObject
from minio.error import S3Error, ServerError
from urllib3.util import Retry, Timeout

from services.storage.base import (
    DataClass,
    ObjectInfo,
    PartInfo,
    PresignedPost,
    Source,
    StorageError,
    StorageUnavailable,
    bucket_name,
    check_key_path,
    check_prefix,
    url_ttl,
)

PUT_PART_SIZE = 16 * 1024 * 1024  # server-side writes of streams of unknown length
_MISSING = {"NoSuchKey", "NoSuchObject", "NotFound", "ResourceNotFound"}


class _Client(Minio):
    """The SDK, with a store that does not answer reported as :class:`StorageUnavailable`.

    Every request of the SDK goes through ``_url_open``: a refused, reset or timed-out
    connection (after the pool's retries) and a 5xx without an S3 error body end up here.
    """

    def _url_open(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super()._url_open(*args, **kwargs)
        except (urllib3.exceptions.HTTPError, OSError, ServerError) as error:
            raise StorageUnavailable(f"the object store at {self._base_url.host} does not answer: {error}") from error


def http_client() -> urllib3.PoolManager:
    """The SDK's connection pool with our limits (its default waits 5 minutes and retries 5 times,
    ~6 s of backoff: a request would hang that long on a stopped store)."""
    return urllib3.PoolManager(
        timeout=Timeout(connect=settings.S3_CONNECT_TIMEOUT_SECONDS, read=settings.S3_READ_TIMEOUT_SECONDS),
        maxsize=10,
        cert_reqs="CERT_REQUIRED",
        ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
        retries=Retry(total=settings.S3_RETRIES, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
    )


def client_for(endpoint: str, *, access_key: str, secret_key: str, region: str) -> tuple[Minio, str]:
    """A client for ``endpoint`` (``http(s)://host[:port]``) and the endpoint's base URL."""
    parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError(f"S3 endpoint must be http(s)://host[:port], not {endpoint!r}")
    client = _Client(
        parts.netloc,
        access_key=access_key or None,
        secret_key=secret_key or None,
        secure=parts.scheme == "https",
        region=region,
        http_client=http_client(),
    )
    return client, f"{parts.scheme}://{parts.netloc}"


def _failed(error: S3Error) -> StorageError:
    return StorageError(f"storage.s3.{error.code}", error.message or str(error.code))


class S3Storage:
    name = "s3"

    def __init__(
        self,
        endpoint: str,
        *,
        access_key: str,
        secret_key: str,
        region: str,
        public_endpoint: str | None = None,
    ):
        self.region = region or "us-east-1"
        self.client, self.endpoint = client_for(
            endpoint, access_key=access_key, secret_key=secret_key, region=self.region
        )
        self.signer, self.public_endpoint = client_for(
            public_endpoint or endpoint, access_key=access_key, secret_key=secret_key, region=self.region
        )
        self._answered_at = float("-inf")  # when the store last answered check_available

    @classmethod
    def from_settings(cls) -> S3Storage:
        return cls(
            settings.S3_ENDPOINT,
            access_key=settings.S3_ACCESS_KEY,
            secret_key=settings.S3_SECRET_KEY,
            region=settings.S3_REGION,
            public_endpoint=settings.S3_PUBLIC_ENDPOINT,
        )

    # ------------------------------------------------------------------ browser uploads

    def presign_post(
        self,
        data_class: DataClass,
        key: str,
        *,
        content_type: str,
        max_size: int,
        expires: timedelta | None = None,
    ) -> PresignedPost:
        bucket = bucket_name(data_class)
        expires_at = datetime.now(UTC).replace(microsecond=0) + url_ttl(expires)
        policy = PostPolicy(bucket, expires_at)
        if key.endswith("/"):
            check_prefix(key)
            policy.add_starts_with_condition("key", key)
            field_key = f"{key}${{filename}}"
        else:
            check_key_path(key)
            policy.add_equals_condition("key", key)
            field_key = key
        policy.add_equals_condition("Content-Type", content_type)
        policy.add_content_length_range_condition(1, max_size)
        form = self.signer.presigned_post_policy(policy)
        return PresignedPost(
            url=f"{self.public_endpoint}/{bucket}",
            fields={"key": field_key, "Content-Type": content_type, **form},
            key=key,
            expires_at=expires_at,
        )

    def start_multipart(self, data_class: DataClass, key: str, *, content_type: str) -> str:
        check_key_path(key)
        try:
            return self.client._create_multipart_upload(bucket_name(data_class), key, {"Content-Type": content_type})
        except S3Error as error:
            raise _failed(error) from error

    def presign_part(
        self, data_class: DataClass, key: str, upload_id: str, part_number: int, *, expires: timedelta | None = None
    ) -> str:
        check_key_path(key)
        return self.signer.get_presigned_url(
            "PUT",
            bucket_name(data_class),
            key,
            expires=url_ttl(expires),
            extra_query_params={"uploadId": upload_id, "partNumber": str(part_number)},
        )

    def list_parts(self, data_class: DataClass, key: str, upload_id: str) -> list[PartInfo]:
        parts: list[PartInfo] = []
        marker: str | None = None
        while True:
            try:
                result = self.client._list_parts(bucket_name(data_class), key, upload_id, part_number_marker=marker)
            except S3Error as error:
                raise _failed(error) from error
            parts.extend(PartInfo(part.part_number, part.etag, part.size or 0) for part in result.parts)
            if not result.is_truncated or not result.next_part_number_marker:
                return parts
            marker = result.next_part_number_marker

    def complete_multipart(
        self, data_class: DataClass, key: str, upload_id: str, parts: list[tuple[int, str]]
    ) -> ObjectInfo:
        bucket = bucket_name(data_class)
        try:
            self.client._complete_multipart_upload(
                bucket, key, upload_id, [Part(number, etag.strip('"')) for number, etag in parts]
            )
        except S3Error as error:
            raise _failed(error) from error
        info = self.stat(data_class, key)
        if info is None:
            raise StorageError("storage.no_such_key", f"{key} is missing after completing its upload")
        return info

    def abort_multipart(self, data_class: DataClass, key: str, upload_id: str) -> None:
        try:
            self.client._abort_multipart_upload(bucket_name(data_class), key, upload_id)
        except S3Error as error:
            if error.code != "NoSuchUpload":
                raise _failed(error) from error

    # ------------------------------------------------------------------ downloads

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
        check_key_path(key)
        headers: dict[str, str | list[str] | tuple[str]] = {}
        if filename or not inline:
            headers["response-content-disposition"] = content_disposition_header(not inline, filename or "") or (
                "inline" if inline else "attachment"
            )
        if content_type:
            headers["response-content-type"] = content_type
        return self.signer.get_presigned_url(
            "GET", bucket_name(data_class), key, expires=url_ttl(expires), response_headers=headers or None
        )

    # ------------------------------------------------------------------ server side

    def stat(self, data_class: DataClass, key: str) -> ObjectInfo | None:
        check_key_path(key)
        try:
            result = self.client.stat_object(bucket_name(data_class), key)
        except S3Error as error:
            if error.code in _MISSING:
                return None
            raise _failed(error) from error
        return ObjectInfo(
            key=key,
            size=int(result.size or 0),
            content_type=result.content_type or "application/octet-stream",
            etag=(result.etag or "").strip('"'),
        )

    def read_range(self, data_class: DataClass, key: str, start: int = 0, length: int | None = None) -> bytes:
        check_key_path(key)
        if length == 0:
            return b""
        try:
            response = self.client.get_object(bucket_name(data_class), key, offset=start, length=length or 0)
        except S3Error as error:
            if error.code == "InvalidRange":
                return b""
            raise _failed(error) from error
        try:
            return bytes(response.read())
        except (urllib3.exceptions.HTTPError, OSError) as error:
            raise StorageUnavailable(f"reading {key} was cut off: {error}") from error
        finally:
            response.close()
            response.release_conn()

    def download_to(self, data_class: DataClass, key: str, path: Path) -> None:
        check_key_path(key)
        try:
            self.client.fget_object(bucket_name(data_class), key, str(path))
        except S3Error as error:
            raise _failed(error) from error

    def put(self, data_class: DataClass, key: str, source: Source, *, content_type: str) -> ObjectInfo:
        check_key_path(key)
        bucket = bucket_name(data_class)
        try:
            if isinstance(source, Path):
                self.client.fput_object(bucket, key, str(source), content_type=content_type)
            elif isinstance(source, bytes):
                self.client.put_object(bucket, key, io.BytesIO(source), len(source), content_type=content_type)
            else:
                self.client.put_object(bucket, key, source, -1, content_type=content_type, part_size=PUT_PART_SIZE)
        except S3Error as error:
            raise _failed(error) from error
        info = self.stat(data_class, key)
        if info is None:
            raise StorageError("storage.no_such_key", f"{key} is missing after writing it")
        return info

    def delete(self, data_class: DataClass, key: str) -> None:
        check_key_path(key)
        try:
            self.client.remove_object(bucket_name(data_class), key)
        except S3Error as error:
            if error.code not in _MISSING:
                raise _failed(error) from error

    def list_keys(self, data_class: DataClass, prefix: str) -> Iterator[str]:
        check_prefix(prefix)
        try:
            for obj in self.client.list_objects(bucket_name(data_class), prefix=prefix, recursive=True):
                if obj.object_name and not obj.is_dir:
                    yield obj.object_name
        except S3Error as error:
            raise _failed(error) from error

    def delete_prefix(self, data_class: DataClass, prefix: str) -> int:
        bucket = bucket_name(data_class)
        deletions = [DeleteObject(key) for key in self.list_keys(data_class, prefix)]
        errors: list[Any] = list(self.client.remove_objects(bucket, deletions)) if deletions else []
        if errors:
            raise StorageError("storage.delete_failed", f"{len(errors)} objects under {prefix} were not deleted")
        return len(deletions)

    def check_available(self) -> None:
        """One cheap request (HEAD of a bucket); a success is trusted for ``STORAGE_PROBE_SECONDS``."""
        if time.monotonic() - self._answered_at < settings.STORAGE_PROBE_SECONDS:
            return
        # The store answered if it refused (a missing bucket or a refusal is not an outage).
        with contextlib.suppress(S3Error):
            self.client.bucket_exists(bucket_name(DataClass.MEDIA))
        self._answered_at = time.monotonic()

    def ensure_buckets(self) -> None:
        for data_class in DataClass:
            bucket = bucket_name(data_class)
            if not self.client.bucket_exists(bucket):
                try:
                    self.client.make_bucket(bucket, location=self.region)
                except S3Error as error:
                    if error.code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                        raise _failed(error) from error
