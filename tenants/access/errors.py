"""Error codes of access: each a stable code clients act on and what it means (docs/api.md)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class AccessCode(ErrorCode):
    LAST_ADMIN = "access.last_admin", "A party committee keeps at least one tenant admin."
    NOT_TENANT_ADMIN = "access.not_tenant_admin", "Only a tenant admin can manage roles."
    ROLE_EXISTS = "access.role_exists", "This user already holds this role."
    UNKNOWN_ORGANIZATION = "access.unknown_organization", "Choose an existing organization for the role's scope."
    UNKNOWN_ROLE = "access.unknown_role", "Unknown role: <role>"
    USER_INACTIVE = "access.user_inactive", "This account is disabled."
