"""Error codes of uploads: each a stable code clients act on and what it means (docs/api.md)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class UploadsCode(ErrorCode):
    BAD_FORM = "storage.bad_form", "Send exactly one file, in the field “file”, last."
    CONSUMED = "storage.consumed", "This file is in use and cannot be cancelled here."
    DELETE_FAILED = "storage.delete_failed", "Some objects under a prefix could not be deleted."
    EMPTY_FILE = "storage.empty_file", "The file is empty."
    EXTENSION_MISMATCH = "storage.extension_mismatch", "The file name “<name>” does not match its type <type>."
    EXTENSION_NOT_ALLOWED = "storage.extension_not_allowed", "Files named like “<name>” are not accepted here."
    INVALID_PART = "storage.invalid_part", "A part number is out of range, missing, or was uploaded with another ETag."
    INVALID_PART_ORDER = "storage.invalid_part_order", "Parts must be listed in ascending order, once each."
    KEY_CONFLICT = "storage.key_conflict", "This key cannot be written."
    NO_FILENAME = "storage.no_filename", "The file needs a name."
    NO_SUCH_KEY = "storage.no_such_key", "This file no longer exists."
    NO_SUCH_UPLOAD = "storage.no_such_upload", "No multipart upload has this id (or it belongs to another object)."
    NO_UPLOAD = "storage.no_upload", "This upload does not exist."
    NOT_ALLOWED = "storage.not_allowed", "You may not upload files of this kind here."
    NOT_CREATOR = "storage.not_creator", "Only the person who started this upload may do this."
    NOT_MULTIPART = "storage.not_multipart", "This upload is sent in one piece, not in parts."
    NOT_PENDING = "storage.not_pending", "This upload is already <status>."
    NOT_SERVED = "storage.not_served", "Files are not served here."
    NOT_UPLOADED = "storage.not_uploaded", "The file has not arrived in storage."
    NOT_VERIFIED = "storage.not_verified", "This file has not been verified."
    PART_NUMBERS = "storage.part_numbers", "Ask for 1 to <max> parts at a time."
    PART_TOO_LARGE = "storage.part_too_large", "A part may have at most 5 GiB."
    PART_TOO_SMALL = "storage.part_too_small", "Every part but the last needs at least 5 MiB."
    PARTS_INVALID = "storage.parts_invalid", "The parts do not fit together: <reason>"
    PARTS_MISSING = "storage.parts_missing", "<count> parts have not arrived yet (first: <first>)."
    POLICY_CONTENT_TYPE = "storage.policy_content_type", "The upload policy does not allow this type."
    POLICY_KEY = "storage.policy_key", "The upload policy does not allow this key."
    RANGE = "storage.range", "The requested range is not available."
    SIGNATURE_INVALID = "storage.signature_invalid", "This link is not valid."
    SIZE_MISMATCH = "storage.size_mismatch", "The file has <real> bytes, not the <declared> announced."
    TOO_LARGE = "storage.too_large", "The file is too large: at most <limit>."
    TOO_SMALL = "storage.too_small", "The file is empty."
    TYPE_MISMATCH = "storage.type_mismatch", "The file was announced as <declared> but is really <detected>."
    TYPE_NOT_ALLOWED = "storage.type_not_allowed", "Files of type <type> are not accepted here."
    UNAVAILABLE = (
        "storage.unavailable",
        "The file store is not answering; nothing was changed. Try again in a few minutes.",
    )
    UNKNOWN_PURPOSE = "storage.unknown_purpose", "Unknown upload purpose “<name>”."
    UNREADABLE = "storage.unreadable", "The document cannot be read (damaged or password-protected)."
    UPLOAD_LOST = "storage.upload_lost", "The parts of this upload are gone; start again."
    URL_EXPIRED = "storage.url_expired", "This link has expired. Ask for a new one."
    WRONG_PURPOSE = "storage.wrong_purpose", "This file was uploaded for something else."
