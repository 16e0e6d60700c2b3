"""Error codes of organizations: each a stable code clients act on and what it means (docs/api.md)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class OrganizationsCode(ErrorCode):
    CANNOT_MOVE_ROOT = "organizations.cannot_move_root", "The top organization cannot be moved."
    ESTABLISHED_ON_FUTURE = "organizations.established_on_future", "The establishment date cannot be in the future."
    ESTABLISHED_ON_REQUIRED = (
        "organizations.established_on_required",
        "Enter the date the organization was established (成立日期).",
    )
    KIND_NOT_ALLOWED = "organizations.kind_not_allowed", "A <child> cannot be placed under a <parent>."
    MERGE_INTO_ITSELF = "organizations.merge_into_itself", "Choose another organization to merge into."
    MERGE_KIND_MISMATCH = "organizations.merge_kind_mismatch", "Only organizations of the same kind can be merged."
    MOVE_INTO_ITSELF = "organizations.move_into_itself", "An organization cannot be moved under itself."
    NAME_REQUIRED = "organizations.name_required", "Enter the organization's name."
    OUT_OF_SCOPE = "organizations.out_of_scope", "You can only manage organizations within your scope."
    PARENT_INACTIVE = "organizations.parent_inactive", "The parent organization has been merged or dissolved."
    ROOT_EXISTS = "organizations.root_exists", "This party committee already has its top organization."
    ROOT_MUST_BE_COMMITTEE = "organizations.root_must_be_committee", "The top organization must be a party committee."
    UNKNOWN_FIELD = "organizations.unknown_field", "Unknown field."
    UNKNOWN_KIND = "organizations.unknown_kind", "Unknown organization kind."
