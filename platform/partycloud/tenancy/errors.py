"""Error codes of tenancy: each a stable code clients act on and what it means (docs/api.md)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class TenancyCode(ErrorCode):
    APPLICATION_DECIDED = "tenancy.application_decided", "This application has already been decided."
    ARCHIVED = "tenancy.archived", "Archived"
    BAD_PARENT = "tenancy.bad_parent", "Choose an existing party committee as parent."
    BAD_TRANSITION = "tenancy.bad_transition", "Cannot change status from <old> to <new>."
    BASELINE_IN_FUTURE = "tenancy.baseline_in_future", "The records baseline date cannot be in the future."
    NAME_REQUIRED = "tenancy.name_required", "Enter the party committee's name."
    NO_TENANT = "tenancy.no_tenant", "This action needs a party committee's own address."
    NOT_SUBSIDIARY = "tenancy.not_subsidiary", "Only a subsidiary party committee can change status."
    REASON_REQUIRED = "tenancy.reason_required", "Say why the application is rejected."
    ROOT_ONLY = "tenancy.root_only", "Submit applications at the group party committee's address."
    SHORT_NAME_REQUIRED = "tenancy.short_name_required", "Enter a short name."
    SLUG_FORMAT = "tenancy.slug_format", "The short address has the wrong format."
    SLUG_PENDING = "tenancy.slug_pending", "An application for this short address is waiting for approval."
    SLUG_RESERVED = "tenancy.slug_reserved", "This short address is reserved."
    SLUG_TAKEN = "tenancy.slug_taken", "This short address is already in use."
    SUSPENDED = "tenancy.suspended", "Service suspended"
    UNIFIED_CODE_CHECK = "tenancy.unified_code_check", "The check character of the unified social credit code is wrong."
    UNIFIED_CODE_FORMAT = "tenancy.unified_code_format", "The unified social credit code has the wrong format."
    UNIFIED_CODE_TAKEN = "tenancy.unified_code_taken", "A party committee with this unified code already exists."
    UNKNOWN_HOST = "tenancy.unknown_host", "Party committee not found"
    UNKNOWN_SETTING = "tenancy.unknown_setting", "Unknown setting."
