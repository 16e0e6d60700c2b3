"""Error codes of points (积分, reference only): each a stable code clients act on and what it
means (docs/api.md, docs/assessment.md "Points (reference only)")."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class PointsCode(ErrorCode):
    NOT_A_MEMBER = "points.not_a_member", "You have no member record in this party committee."
    NO_MEMBER = "points.no_member", "No such member in your scope."
    OUT_OF_SCOPE = "points.out_of_scope", "This organization is outside your scope."
    BAD_ORGANIZATION = "points.bad_organization", "Choose an active organization of this party committee."
    BAD_YEAR = "points.bad_year", "Choose a year between 2000 and 2100."
    BAD_MONTH = "points.bad_month", "Choose a month from 1 to 12."
    BAD_DAYS = "points.bad_days", "Choose a window of 1 to 366 days."
    BAD_KIND = "points.bad_kind", "There is no such kind of event."
    RULE_VERSION_TAKEN = "points.rule_version_taken", "A rule version with this name already exists."
    RULE_EFFECTIVE_FROM = "points.rule_effective_from", "A local rule version takes effect today or later."
    RULE_DUPLICATE_KIND = "points.rule_duplicate_kind", "Each kind of event may appear once in a version."
    RULE_BAD_POINTS = "points.rule_bad_points", "Points per unit must be between 0 and 100."
    RULE_BAD_UNIT = (
        "points.rule_bad_unit",
        "The unit must be 60 to 3600 seconds for study time, 1 to 24 for other kinds.",
    )
    RULE_BAD_CAP = "points.rule_bad_cap", "A daily cap must be between 1 and 1000 points, or empty for none."
