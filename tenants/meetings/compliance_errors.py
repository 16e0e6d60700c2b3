"""Error codes of the compliance engine, its exports and the group's compliance views (kept apart
from ``errors.py`` so the issue 15 helpers do not edit one file; the lead may merge them)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class ComplianceCode(ErrorCode):
    BAD_PERIOD = "meetings.bad_period", "Choose month, quarter or year."
    BAD_COMPLIANCE_YEAR = "meetings.bad_compliance_year", "Choose a year between 2000 and 2100."
    ORGANIZATION_UNKNOWN = "meetings.organization_unknown", "No such organization in this party committee."
    NOT_COVERED = "meetings.not_covered", "This organization is outside your scope."
    MEETING_UNKNOWN = "meetings.meeting_unknown", "No such meeting within your scope."
    TENANT_UNKNOWN = "meetings.tenant_unknown", "No such subsidiary."
