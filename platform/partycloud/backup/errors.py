"""Error codes of per-tenant backup and restore (the commands print them)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class BackupCode(ErrorCode):
    ARCHIVE_INVALID = "backup.archive_invalid", "The file is not a tenant backup, or it is damaged."
    INCOMPATIBLE = (
        "backup.incompatible",
        "The backup was made at another migration state than this platform's tenant schemas.",
    )
    MISSING_REFERENCES = (
        "backup.missing_references",
        "The backup refers to users or party committees that this platform does not have.",
    )
    NOT_SUBSIDIARY = "backup.not_subsidiary", "Only a subsidiary party committee is backed up on its own."
