"""Error codes of workbench: each a stable code clients act on and what it means (docs/api.md)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class WorkbenchCode(ErrorCode):
    NO_ROLE = "workbench.no_role", "The workbench is for tenant admins, secretaries and committee members."
