"""The filesystem backend's browser protocol, served by Django (the S3 API's counterpart).

- ``POST /api/v1/storage/upload``: multipart/form-data with the fields of a presigned POST
  (``key``, ``Content-Type``, ``policy``) and then ``file``; answers 204 like S3.
- ``PUT /api/v1/storage/part?token=…``: one part of a multipart upload; answers with ``ETag``.
- ``GET /api/v1/storage/object?token=…``: a signed download, with HTTP Range support.

The signature is the authorization: no login, no CSRF token (these URLs carry no cookie
authority). Errors are JSON ``{code, message, field}``: 403 for a bad or expired signature
or a policy violation, 400 for a bad size or request.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, BinaryIO

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from partycloud.core.api import error_body
from partycloud.uploads.errors import UploadsCode
from services.storage.base import DataClass, InvalidKey, StorageError, check_key_path, get_storage
from services.storage.filesystem import (
    GET_SALT,
    PART_SALT,
    POST_SALT,
    FilesystemStorage,
    ObjectWriter,
    SignatureInvalid,
    UrlExpired,
    unsign,
)

# Types a browser may show inline from our own origin. Anything else (HTML, SVG, scripts)
# is always served as an attachment and sandboxed, so an upload can never run in our origin.
INLINE_TYPES = re.compile(r"^(application/pdf|text/plain|image/(jpeg|png|gif|webp)|video/[\w.+-]+|audio/[\w.+-]+)$")


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field

    def response(self) -> JsonResponse:
        return JsonResponse(error_body(self.code, self.message, self.field), status=self.status)


def _backend() -> FilesystemStorage:
    storage = get_storage()
    if not isinstance(storage, FilesystemStorage):
        raise Refused(404, UploadsCode.NOT_SERVED, _("Files are not served here."))
    return storage


def _payload(token: str, salt: str) -> dict[str, Any]:
    try:
        return unsign(token, salt=salt)
    except UrlExpired as error:
        raise Refused(403, UploadsCode.URL_EXPIRED, _("This link has expired. Ask for a new one."), "token") from error
    except SignatureInvalid as error:
        raise Refused(403, UploadsCode.SIGNATURE_INVALID, _("This link is not valid."), "token") from error


def _data_class(payload: dict[str, Any]) -> DataClass:
    try:
        return DataClass(payload["b"])
    except (KeyError, ValueError) as error:
        raise Refused(403, UploadsCode.SIGNATURE_INVALID, _("This link is not valid."), "token") from error


# ---------------------------------------------------------------------------- form POST


class _PolicyUploadHandler(FileUploadHandler):
    """Streams the ``file`` field straight into its object, after checking the policy fields
    that precede it (as S3 requires, ``file`` is the last field of the form)."""

    chunk_size = 256 * 1024

    def __init__(self, request: HttpRequest, storage: FilesystemStorage):
        super().__init__(request)
        self.storage = storage
        self.parser: MultiPartParser | None = None
        self.writer: ObjectWriter | None = None
        self.data_class: DataClass | None = None
        self.key = ""
        self.policy_type = ""
        self.max_size = 0
        self.done = False

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        if field_name != "file" or self.done or self.writer is not None:
            raise Refused(400, UploadsCode.BAD_FORM, _("Send exactly one file, in the field “file”, last."), "file")
        assert self.parser is not None
        # The parser keeps the fields read so far in _post (private, stable since Django 1.x).
        posted = getattr(self.parser, "_post", {})
        fields = {name.lower(): value for name, value in posted.items()}
        payload = _payload(fields.get("policy", ""), POST_SALT)
        self.data_class = _data_class(payload)
        key = fields.get("key", "")
        if "kp" in payload:
            key = key.replace("${filename}", file_name)
            allowed = key.startswith(payload["kp"])
        else:
            allowed = key == payload.get("k")
        try:
            check_key_path(key)
        except InvalidKey:
            allowed = False
        if not allowed:
            raise Refused(403, UploadsCode.POLICY_KEY, _("The upload policy does not allow this key."), "key")
        if fields.get("content-type", "") != payload.get("ct"):
            raise Refused(
                403, UploadsCode.POLICY_CONTENT_TYPE, _("The upload policy does not allow this type."), "Content-Type"
            )
        self.key = key
        self.policy_type = str(payload["ct"])
        self.max_size = int(payload["max"])
        try:
            self.writer = self.storage.open_writer(self.data_class, key)
        except (StorageError, InvalidKey) as error:
            raise Refused(400, UploadsCode.KEY_CONFLICT, _("This key cannot be written."), "key") from error

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        assert self.writer is not None
        self.writer.write(raw_data)
        if self.writer.size > self.max_size:
            raise Refused(400, UploadsCode.TOO_LARGE, _("The file is larger than the upload policy allows."), "file")

    def file_complete(self, file_size: int) -> None:
        assert self.writer is not None
        assert self.data_class is not None
        if self.writer.size < 1:
            raise Refused(400, UploadsCode.TOO_SMALL, _("The file is empty."), "file")
        self.storage.commit_writer(self.data_class, self.key, self.writer, content_type=self.policy_type)
        self.writer = None
        self.done = True

    def discard(self) -> None:
        if self.writer is not None:
            self.writer.discard()
            self.writer = None


@csrf_exempt
@require_http_methods(["POST"])
def upload_form(request: HttpRequest) -> HttpResponse:
    handler: _PolicyUploadHandler | None = None
    try:
        handler = _PolicyUploadHandler(request, _backend())
        try:
            parser = MultiPartParser(request.META, request, [handler], request.encoding)
        except MultiPartParserError as error:
            raise Refused(400, UploadsCode.BAD_FORM, _("Send the upload as multipart/form-data.")) from error
        handler.parser = parser
        try:
            parser.parse()
        except (MultiPartParserError, StopUpload) as error:
            raise Refused(400, UploadsCode.BAD_FORM, _("The upload form could not be read.")) from error
        if not handler.done:
            raise Refused(400, UploadsCode.BAD_FORM, _("Send exactly one file, in the field “file”, last."), "file")
    except Refused as refusal:
        if handler is not None:
            handler.discard()
        return refusal.response()
    return HttpResponse(status=204)


# ---------------------------------------------------------------------------- multipart parts


@csrf_exempt
@require_http_methods(["PUT"])
def upload_part(request: HttpRequest) -> HttpResponse:
    try:
        storage = _backend()
        payload = _payload(request.GET.get("token", ""), PART_SALT)
        data_class = _data_class(payload)
        try:
            etag = storage.write_part(data_class, str(payload["k"]), str(payload["u"]), int(payload["n"]), request)
        except StorageError as error:
            status = 404 if error.code == "storage.no_such_upload" else 400
            raise Refused(
                status, error.code, _("This part cannot be stored: %(reason)s") % {"reason": error}
            ) from error
    except Refused as refusal:
        return refusal.response()
    response = HttpResponse(status=200)
    response["ETag"] = f'"{etag}"'
    return response


# ---------------------------------------------------------------------------- downloads

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class _Slice:
    """``length`` bytes of an open file from its current position (a Range response body)."""

    def __init__(self, file: BinaryIO, length: int):
        self.file = file
        self.remaining = length

    def read(self, size: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        size = self.remaining if size < 0 else min(size, self.remaining)
        data = self.file.read(size)
        self.remaining -= len(data)
        return data

    def close(self) -> None:
        self.file.close()


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """``(start, end)`` inclusive for a single ``bytes=`` range; None to serve everything.
    Raises Refused(416) when the range cannot be satisfied."""
    match = _RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None  # several ranges or another unit: serve the whole file (allowed by RFC 9110)
    first, last = match.groups()
    if first == "":
        length = int(last)
        if length == 0:
            raise Refused(416, UploadsCode.RANGE, _("The requested range is not available."))
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise Refused(416, UploadsCode.RANGE, _("The requested range is not available."))
    return start, end


@csrf_exempt
@require_http_methods(["GET", "HEAD"])
def download(request: HttpRequest) -> HttpResponseBase:
    size = 0
    try:
        storage = _backend()
        payload = _payload(request.GET.get("token", ""), GET_SALT)
        data_class = _data_class(payload)
        key = str(payload.get("k", ""))
        try:
            info = storage.stat(data_class, key)
            path: Path = storage.path(data_class, key)
        except InvalidKey as error:
            raise Refused(403, UploadsCode.SIGNATURE_INVALID, _("This link is not valid."), "token") from error
        if info is None:
            raise Refused(404, UploadsCode.NO_SUCH_KEY, _("This file no longer exists."))
        size = info.size
        requested = request.headers.get("Range")
        byte_range = _byte_range(requested, size) if requested else None
    except Refused as refusal:
        refused = refusal.response()
        if refusal.status == 416:
            refused["Content-Range"] = f"bytes */{size}"
        return refused

    content_type = str(payload.get("ct") or info.content_type)
    inline = bool(payload.get("i", True)) and bool(INLINE_TYPES.match(content_type))
    filename = str(payload.get("f") or "")
    if content_type == "text/plain":
        content_type = "text/plain; charset=utf-8"
    file = open(path, "rb")  # noqa: SIM115 (closed by the response)
    if byte_range is None:
        response = FileResponse(file, as_attachment=not inline, filename=filename, content_type=content_type)
    else:
        start, end = byte_range
        file.seek(start)
        response = FileResponse(
            _Slice(file, end - start + 1), as_attachment=not inline, filename=filename, content_type=content_type
        )
        response.status_code = 206
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    if info.etag:
        response["ETag"] = f'"{info.etag}"'
    response["Cache-Control"] = "private, max-age=300"
    if not inline:
        # Whatever it is, it never runs as a page of our origin.
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
