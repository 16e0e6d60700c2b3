"""Error codes of statistics: each a stable code clients act on and what it means (docs/api.md)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class StatisticsCode(ErrorCode):
    BAD_DATE = "annual_report.bad_date", "Use a date like 2025-12-31."
    BAD_FORMAT = "annual_report.bad_format", "Choose json or xlsx."
    BAD_TENANT = "annual_report.bad_tenant", "Choose a party committee by its id."
    FUTURE_DATE = "annual_report.future_date", "The snapshot date cannot be in the future."
    UNKNOWN_TENANT = "annual_report.unknown_tenant", "No reported party committee has this id."
