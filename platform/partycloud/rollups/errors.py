"""Error codes of rollups: each a stable code clients act on and what it means (docs/api.md)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class RollupsCode(ErrorCode):
    BAD_PERIOD = "rollups.bad_period", "Choose month, quarter or year."
    BAD_YEAR = "rollups.bad_year", "Choose a year between 2000 and 2100."
    NOT_GROUP_ADMIN = "rollups.not_group_admin", "Only group admins change the dashboard's thresholds."
    THRESHOLD_ORDER = "rollups.threshold_order", "The amber limit must lie beyond the green one."
    UNKNOWN_ORGANIZATION = "rollups.unknown_organization", "This organization does not exist."
    UNKNOWN_TENANT = "rollups.unknown_tenant", "This party committee does not exist."
