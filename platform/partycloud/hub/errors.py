"""Error codes of hub: each a stable code clients act on and what it means (docs/api.md)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class HubCode(ErrorCode):
    NOTE_REQUIRED = "hub.note_required", "Say how the case was resolved."
    POCKET_RESOLVED = "hub.pocket_resolved", "This case is already resolved."
    ROSTER_ROWS_INVALID = "hub.roster_rows_invalid", "<rows> rows have errors; nothing was imported."
    ROSTER_UNREADABLE = (
        "hub.roster_unreadable",
        "This file cannot be read. Upload an .xlsx or .csv file made from the template.",
    )
