"""Use cases of uploads: start, presign parts, complete and verify, abort, claim; downloads.

The browser sends the bytes straight to storage (presigned POST or multipart); the server
only signs, then verifies what arrived before any feature may use it: the size, the real
type (from the bytes), the text of documents, and the confidentiality gate. A refused
upload leaves nothing behind: the object is deleted, the refusal recorded and audited.
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import GroupRoleKind, User
from partycloud.accounts.roles import TenantRole
from partycloud.audit.services import do_record_audit
from partycloud.core.confidentiality import check_unclassified
from partycloud.core.errors import Conflict, NotAllowed, NotFoundError, ServiceError
from partycloud.tenancy.context import active_schema
from partycloud.uploads.errors import UploadsCode
from partycloud.uploads.models import Upload, UploadStatus
from partycloud.uploads.purposes import (
    MAX_PART_URLS_PER_CALL,
    MAX_TEXT_CHARS,
    PENDING_UPLOAD_LIFETIME_HOURS,
    SNIFF_BYTES,
    Purpose,
    find_purpose,
    get_purpose,
    multipart_plan,
    register_purpose,
    uses_multipart,
)
from services.storage import DataClass, PartInfo, PresignedPost, StorageError, get_storage, sniffing
from services.storage import object_key as storage_object_key

__all__ = [
    "Purpose",
    "StartedUpload",
    "check_can_read_upload",
    "claim_upload",
    "discard_object",
    "do_abort_stale_uploads",
    "do_abort_upload",
    "do_complete_upload",
    "do_presign_parts",
    "do_start_upload",
    "download_url",
    "get_purpose",
    "get_upload",
    "object_key",
    "register_purpose",
    "stored_parts",
]


PUBLIC_SCHEMA = "public"  # the root host: the group's own uploads


@dataclass(frozen=True)
class StartedUpload:
    upload: Upload
    post: PresignedPost | None
    part_size: int | None
    part_count: int | None
    expires_at: datetime


# ---------------------------------------------------------------------------- who may


def is_host_member(actor: Actor) -> bool:
    """Whether ``actor`` belongs to the host's side: any tenant role on a tenant host, a group
    role on the root host. The default permission to start uploads."""
    if not actor.is_authenticated:
        return False
    if actor.schema_name == PUBLIC_SCHEMA:
        return bool(actor.group_roles)
    return bool(actor.roles)


def is_host_admin(actor: Actor) -> bool:
    """A tenant admin on a tenant host, a group admin on the root host."""
    if not actor.is_authenticated:
        return False
    if actor.schema_name == PUBLIC_SCHEMA:
        return GroupRoleKind.GROUP_ADMIN in actor.group_roles
    return actor.has_role(TenantRole.TENANT_ADMIN)


def get_upload(upload_id: UUID | str, actor: Actor) -> Upload:
    """An upload its creator (or the host's admin, read-only) may see; 404 for everybody else."""
    try:
        upload = Upload.objects.get(pk=upload_id)
    except (Upload.DoesNotExist, ValueError, DjangoValidationError) as error:
        # A malformed id ("not-a-uuid") is as unknown as a missing one.
        raise _no_upload() from error
    check_can_read_upload(upload, actor)
    return upload


def check_can_read_upload(upload: Upload, actor: Actor) -> None:
    if upload.created_by_id != actor.pk and not is_host_admin(actor):
        raise _no_upload()


def _check_creator(upload: Upload, actor: Actor) -> None:
    if upload.created_by_id != actor.pk:
        raise NotAllowed(UploadsCode.NOT_CREATOR, _("Only the person who started this upload may do this."))


def _no_upload() -> NotFoundError:
    return NotFoundError(UploadsCode.NO_UPLOAD, _("This upload does not exist."))


# ---------------------------------------------------------------------------- start


def clean_filename(filename: str) -> str:
    """The last path component, without control characters, at most 255 characters (keeping the extension)."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > 255:
        stem, extension = os.path.splitext(name)
        name = stem[: 255 - len(extension)] + extension
    return name


def check_declared(purpose: Purpose, *, filename: str, content_type: str, size: int) -> tuple[str, str]:
    """The cleaned file name and normalized type, or a ServiceError naming the field to fix."""
    name = clean_filename(filename)
    if not name or name in {".", ".."}:
        raise ServiceError(UploadsCode.NO_FILENAME, _("The file needs a name."), "filename")
    declared = sniffing.normalize_type(content_type)
    if declared not in purpose.allowed_types:
        raise ServiceError(
            UploadsCode.TYPE_NOT_ALLOWED,
            _("Files of type %(type)s are not accepted here.") % {"type": declared or "?"},
            "content_type",
            extra={"allowed_types": sorted(purpose.allowed_types)},
        )
    by_extension = sniffing.type_of_extension(name)
    if by_extension is None or by_extension not in purpose.allowed_types:
        raise ServiceError(
            UploadsCode.EXTENSION_NOT_ALLOWED,
            _("Files named like “%(name)s” are not accepted here.") % {"name": name},
            "filename",
            extra={"allowed_types": sorted(purpose.allowed_types)},
        )
    if not sniffing.same_family(declared, by_extension):
        raise ServiceError(
            UploadsCode.EXTENSION_MISMATCH,
            _("The file name “%(name)s” does not match its type %(type)s.") % {"name": name, "type": declared},
            "filename",
        )
    if size <= 0:
        raise ServiceError(UploadsCode.EMPTY_FILE, _("The file is empty."), "size")
    if size > purpose.max_size:
        raise ServiceError(
            UploadsCode.TOO_LARGE,
            _("The file is too large: at most %(limit)s.") % {"limit": human_size(purpose.max_size)},
            "size",
            extra={"max_size": purpose.max_size},
        )
    return name, declared


def human_size(size: int) -> str:
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} B"


def check_purpose(name: str, actor: Actor) -> Purpose:
    purpose = find_purpose(name)
    if purpose is None:
        raise ServiceError(
            UploadsCode.UNKNOWN_PURPOSE, _("Unknown upload purpose “%(name)s”.") % {"name": name}, "purpose"
        )
    allowed: Callable[[Actor], bool] = purpose.permission or is_host_member
    if not allowed(actor):
        raise NotAllowed(UploadsCode.NOT_ALLOWED, _("You may not upload files of this kind here."))
    return purpose


def do_start_upload(*, actor: Actor, purpose: str, filename: str, content_type: str, size: int) -> StartedUpload:
    """Record a pending upload and sign what the browser needs to send the bytes to storage."""
    chosen = check_purpose(purpose, actor)
    name, declared = check_declared(chosen, filename=filename, content_type=content_type, size=size)
    storage = get_storage()
    # Signing the form needs no network: without this check a stopped store would still get a
    # pending upload recorded and a form the browser cannot send (storage.unavailable, 503).
    storage.check_available()
    key = object_key(chosen.kind)
    upload = Upload(
        purpose=chosen.name,
        data_class=chosen.data_class.value,
        key=key,
        filename=name,
        declared_type=declared,
        declared_size=size,
        created_by=actor.user,
    )
    if uses_multipart(size):
        part_size, part_count = multipart_plan(size)
        upload.multipart_id = storage.start_multipart(chosen.data_class, key, content_type=declared)
        upload.save()
        expires_at = timezone.now() + timedelta(hours=PENDING_UPLOAD_LIFETIME_HOURS)
        return StartedUpload(upload, None, part_size, part_count, expires_at)
    # The form is bound to exactly the declared size: the store refuses anything bigger.
    post = storage.presign_post(chosen.data_class, key, content_type=declared, max_size=size)
    upload.save()
    return StartedUpload(upload, post, None, None, post.expires_at)


# ---------------------------------------------------------------------------- multipart


def _check_pending_multipart(upload: Upload, actor: Actor) -> int:
    _check_creator(upload, actor)
    if upload.status != UploadStatus.PENDING:
        raise Conflict(UploadsCode.NOT_PENDING, _("This upload is already %(status)s.") % {"status": upload.status})
    if not upload.is_multipart:
        raise ServiceError(UploadsCode.NOT_MULTIPART, _("This upload is sent in one piece, not in parts."))
    return multipart_plan(upload.declared_size)[1]


def do_presign_parts(upload: Upload, actor: Actor, part_numbers: list[int]) -> list[tuple[int, str]]:
    part_count = _check_pending_multipart(upload, actor)
    if not part_numbers or len(part_numbers) > MAX_PART_URLS_PER_CALL:
        raise ServiceError(
            UploadsCode.PART_NUMBERS,
            _("Ask for 1 to %(max)d parts at a time.") % {"max": MAX_PART_URLS_PER_CALL},
            "part_numbers",
        )
    bad = [number for number in part_numbers if not 1 <= number <= part_count]
    if bad:
        raise ServiceError(
            UploadsCode.PART_NUMBERS,
            _("This upload has parts 1 to %(count)d.") % {"count": part_count},
            "part_numbers",
        )
    storage = get_storage()
    data_class = DataClass(upload.data_class)
    return [
        (number, storage.presign_part(data_class, upload.key, upload.multipart_id, number))
        for number in sorted(set(part_numbers))
    ]


def stored_parts(upload: Upload, actor: Actor) -> list[PartInfo]:
    """The parts already in storage (a client resumes by uploading only the others)."""
    _check_pending_multipart(upload, actor)
    try:
        return get_storage().list_parts(DataClass(upload.data_class), upload.key, upload.multipart_id)
    except StorageError as error:
        raise ServiceError(UploadsCode.UPLOAD_LOST, _("The parts of this upload are gone; start again.")) from error


def _assemble(upload: Upload, parts: list[tuple[int, str]] | None) -> None:
    """Complete the multipart upload once every part is there (otherwise it stays resumable)."""
    part_count = multipart_plan(upload.declared_size)[1]
    storage = get_storage()
    data_class = DataClass(upload.data_class)
    try:
        stored = {part.part_number: part for part in storage.list_parts(data_class, upload.key, upload.multipart_id)}
    except StorageError as error:
        raise ServiceError(UploadsCode.UPLOAD_LOST, _("The parts of this upload are gone; start again.")) from error
    missing = [number for number in range(1, part_count + 1) if number not in stored]
    if missing:
        raise ServiceError(
            UploadsCode.PARTS_MISSING,
            _("%(count)d parts have not arrived yet (first: %(first)d).")
            % {"count": len(missing), "first": missing[0]},
            "parts",
            extra={"missing": missing[:100]},
        )
    if parts is None:
        parts = [(number, stored[number].etag) for number in range(1, part_count + 1)]
    try:
        storage.complete_multipart(data_class, upload.key, upload.multipart_id, sorted(parts))
    except StorageError as error:
        raise ServiceError(
            UploadsCode.PARTS_INVALID, _("The parts do not fit together: %(reason)s") % {"reason": error}, "parts"
        ) from error


# ---------------------------------------------------------------------------- verify


def do_complete_upload(upload: Upload, actor: Actor, *, parts: list[tuple[int, str]] | None = None) -> Upload:
    """Assemble (multipart) and verify what arrived. On any failure the object is deleted, the
    upload marked rejected, the refusal audited, and the ServiceError raised."""
    _check_creator(upload, actor)
    if upload.status != UploadStatus.PENDING:
        raise Conflict(UploadsCode.NOT_PENDING, _("This upload is already %(status)s.") % {"status": upload.status})
    if upload.is_multipart:
        _assemble(upload, parts)
    try:
        size, detected, text = _verify(upload)
    except ServiceError as error:
        _reject(upload, error, actor=actor)
        raise
    updated = Upload.objects.filter(pk=upload.pk, status=UploadStatus.PENDING).update(
        status=UploadStatus.VERIFIED, size=size, detected_type=detected, text=text, verified_at=timezone.now()
    )
    if not updated:
        raise Conflict(UploadsCode.NOT_PENDING, _("This upload was completed or cancelled meanwhile."))
    upload.refresh_from_db()
    return upload


def _verify(upload: Upload) -> tuple[int, str, str]:
    purpose = get_purpose(upload.purpose)
    storage = get_storage()
    data_class = DataClass(upload.data_class)
    info = storage.stat(data_class, upload.key)
    if info is None:
        raise ServiceError(UploadsCode.NOT_UPLOADED, _("The file has not arrived in storage."))
    if info.size > purpose.max_size:
        raise ServiceError(
            UploadsCode.TOO_LARGE,
            _("The file is too large: at most %(limit)s.") % {"limit": human_size(purpose.max_size)},
            "size",
        )
    if info.size != upload.declared_size:
        raise ServiceError(
            UploadsCode.SIZE_MISMATCH,
            _("The file has %(real)d bytes, not the %(declared)d announced.")
            % {"real": info.size, "declared": upload.declared_size},
            "size",
        )
    with tempfile.TemporaryDirectory(prefix="partycloud-upload-") as scratch:
        local = Path(scratch) / "object"

        def local_file() -> Path:
            if not local.exists():
                storage.download_to(data_class, upload.key, local)
            return local

        head = storage.read_range(data_class, upload.key, 0, SNIFF_BYTES)
        detected = sniffing.sniff(head, total_size=info.size, local_file=local_file)
        if detected not in purpose.allowed_types:
            raise ServiceError(
                UploadsCode.TYPE_NOT_ALLOWED,
                _("The file is really of type %(type)s, which is not accepted here.") % {"type": detected},
                "content_type",
            )
        if not sniffing.same_family(upload.declared_type, detected):
            raise ServiceError(
                UploadsCode.TYPE_MISMATCH,
                _("The file was announced as %(declared)s but is really %(detected)s.")
                % {"declared": upload.declared_type, "detected": detected},
                "content_type",
            )
        text = ""
        if purpose.extract_text:
            try:
                text = sniffing.extract_text(local_file(), detected, limit=MAX_TEXT_CHARS)
            except sniffing.UnreadableDocument as error:
                raise ServiceError(
                    UploadsCode.UNREADABLE,
                    _("The document cannot be read (damaged or password-protected)."),
                    "file",
                ) from error
    # Text is stored in PostgreSQL, which refuses NUL characters.
    text = text.replace("\x00", "")
    check_unclassified([("file", text), ("filename", upload.filename)])
    return info.size, detected, text


def _reject(upload: Upload, error: ServiceError, *, actor: Actor) -> None:
    discard_object(DataClass(upload.data_class), upload.key)
    with transaction.atomic():
        Upload.objects.filter(pk=upload.pk).update(
            status=UploadStatus.REJECTED, error_code=error.code, error_message=str(error.message)[:1000]
        )
        # A refusal is recorded as a deletion (upload.reject): the stored object is discarded.
        do_record_audit(
            event="upload.reject",
            details={"code": error.code, "reason": str(error.message)},
            actor=actor,
            target=upload,
            target_label=upload.filename,
        )
    upload.refresh_from_db()


# ---------------------------------------------------------------------------- abort, claim


def do_abort_upload(upload: Upload, actor: Actor) -> Upload:
    """Cancel: abort the multipart upload or delete the object. Consumed uploads belong to their feature."""
    _check_creator(upload, actor)
    if upload.status == UploadStatus.CONSUMED:
        raise Conflict(UploadsCode.CONSUMED, _("This file is in use and cannot be cancelled here."))
    _discard_upload(upload)
    Upload.objects.filter(pk=upload.pk).exclude(status=UploadStatus.CONSUMED).update(status=UploadStatus.ABORTED)
    upload.refresh_from_db()
    return upload


def _discard_upload(upload: Upload) -> None:
    storage = get_storage()
    data_class = DataClass(upload.data_class)
    if upload.is_multipart and upload.status == UploadStatus.PENDING:
        storage.abort_multipart(data_class, upload.key, upload.multipart_id)
    storage.delete(data_class, upload.key)


def do_abort_stale_uploads(*, older_than: timedelta | None = None) -> int:
    """Abort pending uploads older than a day (in the active schema); returns how many."""
    cutoff = timezone.now() - (older_than or timedelta(hours=PENDING_UPLOAD_LIFETIME_HOURS))
    aborted = 0
    for upload in Upload.objects.filter(status=UploadStatus.PENDING, created_at__lt=cutoff).iterator():
        _discard_upload(upload)
        aborted += Upload.objects.filter(pk=upload.pk, status=UploadStatus.PENDING).update(
            status=UploadStatus.ABORTED, error_code="storage.expired"
        )
    return aborted


def claim_upload(upload_id: UUID | str, *, purpose: str, user: Actor | User | None) -> Upload:
    """Hand a verified upload to the feature it was made for (once): same purpose, same creator
    (``user``: the creator, as an ``Actor`` or a ``User``).

    Call it inside the transaction that records the file (the status change rolls back with it).
    """
    with transaction.atomic():
        upload = Upload.objects.select_for_update().filter(pk=upload_id).first() if _is_uuid(upload_id) else None
        if upload is None or user is None or upload.created_by_id != user.pk:
            raise NotFoundError(UploadsCode.NO_UPLOAD, _("This upload does not exist."), "upload")
        if upload.purpose != purpose:
            raise ServiceError(UploadsCode.WRONG_PURPOSE, _("This file was uploaded for something else."), "upload")
        if upload.status == UploadStatus.CONSUMED:
            raise Conflict(UploadsCode.CONSUMED, _("This file has already been used."), "upload")
        if upload.status != UploadStatus.VERIFIED:
            raise Conflict(UploadsCode.NOT_VERIFIED, _("This file has not been verified."), "upload")
        upload.status = UploadStatus.CONSUMED
        upload.save(update_fields=["status"])
    return upload


def _is_uuid(value: UUID | str) -> bool:
    if isinstance(value, UUID):
        return True
    try:
        UUID(str(value))
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------- objects


def object_key(kind: str, *, name: str | None = None, identity: uuid.UUID | None = None) -> str:
    """A new key ``t/<active schema>/<kind>/<uuid>`` (``services.storage.object_key`` for this schema)."""
    return storage_object_key(kind, schema=active_schema(), name=name, identity=identity)


def download_url(data_class: DataClass, key: str, *, filename: str | None = None, inline: bool = True) -> str:
    """A signed download URL valid for ``STORAGE_URL_TTL_SECONDS``. Authorize before calling."""
    return get_storage().presign_get(data_class, key, filename=filename, inline=inline)


def discard_object(data_class: DataClass, key: str) -> None:
    """Delete an object (no error when it is already gone)."""
    get_storage().delete(data_class, key)
