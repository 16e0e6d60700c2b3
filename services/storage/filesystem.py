"""The embedded default: objects as files under ``STORAGE_ROOT/<bucket>/<key>``.

Browsers use the same protocol as with S3, served by Django (``partycloud.uploads.views``):
a form POST carrying a signed policy, PUT of multipart parts to signed URLs answered with an
``ETag``, and signed GET URLs. Signatures come from ``django.core.signing`` (salted per use;
the payload names the bucket, the key and the expiry), so the URLs need no login.

Layout::

    <root>/<bucket>/<key>                  the object's bytes
    <root>/.meta/<bucket>/<key>.json       its content type, size and ETag
    <root>/.multipart/<upload id>/         upload.json, <n>.part and <n>.json per part
    <root>/.incoming/                      (nothing is ever kept there for long)

Files are written to a temporary name in the destination directory and renamed into place,
so readers never see half an object. Unlike S3, a key cannot be both an object and the
prefix of another object's key (a file cannot be a directory): derived files get their own
keys (``object_key(kind, schema=…, name=…)``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import urlencode

from django.core import signing

from services.storage.base import (
    DataClass,
    InvalidKey,
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

CHUNK = 1024 * 1024
# S3's limits, enforced the same way so that both backends behave alike.
MIN_PART_SIZE = 5 * 1024 * 1024
MAX_PART_SIZE = 5 * 1024**3
MAX_PART_NUMBER = 10_000

POST_SALT = "services.storage.post"
PART_SALT = "services.storage.part"
GET_SALT = "services.storage.get"

UPLOAD_PATH = "/api/v1/storage/upload"
PART_PATH = "/api/v1/storage/part"
OBJECT_PATH = "/api/v1/storage/object"

_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class SignatureInvalid(Exception):
    """A signed token that was tampered with or made for something else."""


class UrlExpired(Exception):
    """A signed token past its expiry."""


def sign(payload: dict[str, Any], *, salt: str, expires_at: datetime) -> str:
    return signing.dumps({**payload, "exp": int(expires_at.timestamp())}, salt=salt, compress=True)


def unsign(token: str, *, salt: str) -> dict[str, Any]:
    """The payload of a token made by :func:`sign` with the same salt; raises on tampering or expiry."""
    try:
        payload = signing.loads(token, salt=salt)
    except signing.BadSignature as error:
        raise SignatureInvalid(str(error)) from error
    if not isinstance(payload, dict) or not isinstance(payload.get("exp"), int):
        raise SignatureInvalid("malformed token")
    if payload["exp"] < time.time():
        raise UrlExpired("expired")
    return payload


def _expiry(expires: timedelta | None) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) + url_ttl(expires)


class ObjectWriter:
    """Writes one file: to a temporary name beside the destination, renamed into place on commit."""

    def __init__(self, destination: Path):
        destination.parent.mkdir(parents=True, exist_ok=True)
        self.destination = destination
        self.temporary = destination.parent / f".{destination.name}.{uuid.uuid4().hex}.tmp"
        self.file: BinaryIO = open(self.temporary, "xb")  # noqa: SIM115 (closed in commit/discard)
        self.md5 = hashlib.md5(usedforsecurity=False)
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self.file.write(chunk)
        self.md5.update(chunk)
        self.size += len(chunk)

    def commit(self) -> None:
        self.file.close()
        os.replace(self.temporary, self.destination)

    def discard(self) -> None:
        self.file.close()
        self.temporary.unlink(missing_ok=True)


def _chunks(source: Source) -> Iterator[bytes]:
    if isinstance(source, bytes):
        yield source
        return
    if isinstance(source, Path):
        with open(source, "rb") as file:
            yield from iter(lambda: file.read(CHUNK), b"")
        return
    yield from iter(lambda: source.read(CHUNK), b"")


class FilesystemStorage:
    name = "filesystem"

    def __init__(self, root: Path, *, base_url: str = ""):
        # base_url: prefix of the URLs handed to browsers; empty gives root-relative URLs
        # ("/api/v1/storage/…"), which resolve against the host the browser talks to.
        self.root = Path(root)
        self.base_url = base_url.rstrip("/")

    # ------------------------------------------------------------------ paths

    def _bucket_dir(self, data_class: DataClass) -> Path:
        return self.root / bucket_name(data_class)

    def path(self, data_class: DataClass, key: str) -> Path:
        """Where an object's bytes live. Keys are checked segment by segment: nothing escapes the bucket."""
        check_key_path(key)
        base = self._bucket_dir(data_class).resolve()
        path = (base / key).resolve()
        if not path.is_relative_to(base) or path == base:
            raise InvalidKey(f"invalid key: {key!r}")
        return path

    def _meta_path(self, data_class: DataClass, key: str) -> Path:
        check_key_path(key)
        return self.root / ".meta" / bucket_name(data_class) / f"{key}.json"

    def _upload_dir(self, upload_id: str) -> Path:
        if not _UPLOAD_ID.match(upload_id):
            raise StorageError("storage.no_such_upload", "unknown upload id")
        return self.root / ".multipart" / upload_id

    def url(self, path: str, token: str) -> str:
        return f"{self.base_url}{path}?{urlencode({'token': token})}"

    # ------------------------------------------------------------------ objects

    def write(self, data_class: DataClass, key: str, chunks: Iterable[bytes], *, content_type: str) -> ObjectInfo:
        """Store an object from ``chunks`` (streamed; never held in memory as a whole)."""
        writer = self.open_writer(data_class, key)
        try:
            for chunk in chunks:
                writer.write(chunk)
        except BaseException:
            writer.discard()
            raise
        return self.commit_writer(data_class, key, writer, content_type=content_type)

    def open_writer(self, data_class: DataClass, key: str) -> ObjectWriter:
        path = self.path(data_class, key)
        try:
            return ObjectWriter(path)
        except (NotADirectoryError, IsADirectoryError, FileExistsError) as error:
            raise StorageError("storage.key_conflict", f"{key} conflicts with another object's key") from error

    def commit_writer(
        self, data_class: DataClass, key: str, writer: ObjectWriter, *, content_type: str, etag: str | None = None
    ) -> ObjectInfo:
        info = ObjectInfo(key=key, size=writer.size, content_type=content_type, etag=etag or writer.md5.hexdigest())
        try:
            writer.commit()
        except OSError as error:
            writer.discard()
            raise StorageError("storage.key_conflict", f"{key} conflicts with another object's key") from error
        meta = self._meta_path(data_class, key)
        meta.parent.mkdir(parents=True, exist_ok=True)
        meta.write_text(json.dumps({"content_type": content_type, "size": info.size, "etag": info.etag}))
        return info

    def put(self, data_class: DataClass, key: str, source: Source, *, content_type: str) -> ObjectInfo:
        return self.write(data_class, key, _chunks(source), content_type=content_type)

    def stat(self, data_class: DataClass, key: str) -> ObjectInfo | None:
        path = self.path(data_class, key)
        if not path.is_file():
            return None
        meta: dict[str, Any] = {}
        with contextlib.suppress(OSError, ValueError):
            meta = json.loads(self._meta_path(data_class, key).read_text())
        size = path.stat().st_size
        return ObjectInfo(
            key=key,
            size=size,
            content_type=str(meta.get("content_type") or "application/octet-stream"),
            etag=str(meta.get("etag") or ""),
        )

    def read_range(self, data_class: DataClass, key: str, start: int = 0, length: int | None = None) -> bytes:
        path = self.path(data_class, key)
        try:
            with open(path, "rb") as file:
                file.seek(start)
                return file.read() if length is None else file.read(length)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError) as error:
            raise StorageError("storage.no_such_key", f"no object {key}") from error

    def download_to(self, data_class: DataClass, key: str, path: Path) -> None:
        source = self.path(data_class, key)
        if not source.is_file():
            raise StorageError("storage.no_such_key", f"no object {key}")
        shutil.copyfile(source, path)

    def delete(self, data_class: DataClass, key: str) -> None:
        path = self.path(data_class, key)
        with contextlib.suppress(FileNotFoundError, NotADirectoryError, IsADirectoryError):
            path.unlink()
        with contextlib.suppress(FileNotFoundError, NotADirectoryError, IsADirectoryError):
            self._meta_path(data_class, key).unlink()
        self._prune(path.parent, self._bucket_dir(data_class).resolve())

    def _prune(self, directory: Path, stop: Path) -> None:
        """Remove directories left empty up to the bucket (keys create deep trees)."""
        while directory != stop and directory.is_relative_to(stop):
            try:
                directory.rmdir()
            except OSError:
                return
            directory = directory.parent

    def list_keys(self, data_class: DataClass, prefix: str) -> Iterator[str]:
        check_prefix(prefix)
        base = self._bucket_dir(data_class).resolve()
        if not base.is_dir():
            return
        # Walk only the directory the prefix points into, matching names against the rest.
        head = prefix.rpartition("/")[0]
        start = (base / head).resolve() if head else base
        if not start.is_relative_to(base) or not start.is_dir():
            return
        for directory, _dirs, files in os.walk(start):
            for name in files:
                if name.startswith("."):
                    continue  # a write in progress
                key = (Path(directory) / name).relative_to(base).as_posix()
                if key.startswith(prefix):
                    yield key

    def delete_prefix(self, data_class: DataClass, prefix: str) -> int:
        keys = list(self.list_keys(data_class, prefix))
        for key in keys:
            self.delete(data_class, key)
        return len(keys)

    def ensure_buckets(self) -> None:
        for data_class in DataClass:
            self._bucket_dir(data_class).mkdir(parents=True, exist_ok=True)

    def check_available(self) -> None:
        # The embedded store is a directory of this server: it answers unless its volume is gone.
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageUnavailable(f"the storage directory {self.root} cannot be used: {error}") from error

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
        expires_at = _expiry(expires)
        if key.endswith("/"):
            check_prefix(key)
            bound = {"kp": key}
            field_key = f"{key}${{filename}}"
        else:
            check_key_path(key)
            bound = {"k": key}
            field_key = key
        policy = sign(
            {"b": DataClass(data_class).value, **bound, "ct": content_type, "max": max_size},
            salt=POST_SALT,
            expires_at=expires_at,
        )
        return PresignedPost(
            url=f"{self.base_url}{UPLOAD_PATH}",
            fields={"key": field_key, "Content-Type": content_type, "policy": policy},
            key=key,
            expires_at=expires_at,
        )

    def start_multipart(self, data_class: DataClass, key: str, *, content_type: str) -> str:
        self.path(data_class, key)  # validates the key
        upload_id = uuid.uuid4().hex
        directory = self._upload_dir(upload_id)
        directory.mkdir(parents=True)
        (directory / "upload.json").write_text(
            json.dumps({"bucket": bucket_name(data_class), "key": key, "content_type": content_type})
        )
        return upload_id

    def _upload(self, data_class: DataClass, key: str, upload_id: str) -> tuple[Path, dict[str, str]]:
        directory = self._upload_dir(upload_id)
        try:
            upload = json.loads((directory / "upload.json").read_text())
        except (OSError, ValueError) as error:
            raise StorageError("storage.no_such_upload", "unknown upload id") from error
        if upload.get("bucket") != bucket_name(data_class) or upload.get("key") != key:
            raise StorageError("storage.no_such_upload", "the upload id belongs to another object")
        return directory, upload

    def presign_part(
        self, data_class: DataClass, key: str, upload_id: str, part_number: int, *, expires: timedelta | None = None
    ) -> str:
        self._upload(data_class, key, upload_id)
        if not 1 <= part_number <= MAX_PART_NUMBER:
            raise StorageError("storage.invalid_part", f"part numbers are 1..{MAX_PART_NUMBER}")
        token = sign(
            {"b": DataClass(data_class).value, "k": key, "u": upload_id, "n": part_number},
            salt=PART_SALT,
            expires_at=_expiry(expires),
        )
        return self.url(PART_PATH, token)

    def write_part(self, data_class: DataClass, key: str, upload_id: str, part_number: int, stream: Readable) -> str:
        """Store one part from ``stream``; returns its ETag (MD5 hex, without quotes)."""
        directory, _upload = self._upload(data_class, key, upload_id)
        writer = ObjectWriter(directory / f"{part_number}.part")
        try:
            for chunk in iter(lambda: stream.read(CHUNK), b""):
                writer.write(chunk)
                if writer.size > MAX_PART_SIZE:
                    raise StorageError("storage.part_too_large", "a part may have at most 5 GiB")
        except BaseException:
            writer.discard()
            raise
        etag = writer.md5.hexdigest()
        size = writer.size
        writer.commit()
        (directory / f"{part_number}.json").write_text(json.dumps({"etag": etag, "size": size}))
        return etag

    def list_parts(self, data_class: DataClass, key: str, upload_id: str) -> list[PartInfo]:
        directory, _upload = self._upload(data_class, key, upload_id)
        parts = []
        for entry in directory.glob("*.json"):
            if not entry.stem.isdigit():
                continue
            with contextlib.suppress(OSError, ValueError):
                meta = json.loads(entry.read_text())
                parts.append(PartInfo(part_number=int(entry.stem), etag=str(meta["etag"]), size=int(meta["size"])))
        return sorted(parts, key=lambda part: part.part_number)

    def complete_multipart(
        self, data_class: DataClass, key: str, upload_id: str, parts: list[tuple[int, str]]
    ) -> ObjectInfo:
        directory, upload = self._upload(data_class, key, upload_id)
        if not parts:
            raise StorageError("storage.invalid_part", "no parts")
        numbers = [number for number, _etag in parts]
        if numbers != sorted(set(numbers)):
            raise StorageError("storage.invalid_part_order", "parts must be listed in ascending order, once each")
        stored = {part.part_number: part for part in self.list_parts(data_class, key, upload_id)}
        for index, (number, etag) in enumerate(parts):
            part = stored.get(number)
            if part is None or part.etag != etag.strip('"'):
                raise StorageError("storage.invalid_part", f"part {number} was not uploaded with that ETag")
            if index < len(parts) - 1 and part.size < MIN_PART_SIZE:
                raise StorageError("storage.part_too_small", "every part but the last needs at least 5 MiB")
        digests = b"".join(bytes.fromhex(stored[number].etag) for number in numbers)
        etag = f"{hashlib.md5(digests, usedforsecurity=False).hexdigest()}-{len(parts)}"

        # The parts' digests make the ETag: the bytes are copied without hashing them again.
        writer = self.open_writer(data_class, key)
        try:
            for number in numbers:
                with open(directory / f"{number}.part", "rb") as part_file:
                    shutil.copyfileobj(part_file, writer.file, 4 * CHUNK)
                writer.size += stored[number].size
        except BaseException:
            writer.discard()
            raise
        info = self.commit_writer(data_class, key, writer, content_type=upload["content_type"], etag=etag)
        shutil.rmtree(directory, ignore_errors=True)
        return info

    def abort_multipart(self, data_class: DataClass, key: str, upload_id: str) -> None:
        with contextlib.suppress(StorageError):
            directory, _upload = self._upload(data_class, key, upload_id)
            shutil.rmtree(directory, ignore_errors=True)

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
        payload: dict[str, Any] = {"b": DataClass(data_class).value, "k": key, "i": inline}
        if filename:
            payload["f"] = filename
        if content_type:
            payload["ct"] = content_type
        return self.url(OBJECT_PATH, sign(payload, salt=GET_SALT, expires_at=_expiry(expires)))
