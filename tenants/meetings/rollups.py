"""What the group rolls up from organizational life (DOMAIN_RULES §2), per organization and month.

``meetings.activities`` (periodic, organization level), dimensions per activity kind code:

- ``<code>:held`` — meetings of the kind with status held that started in the month (tenant time
  zone; a meeting straddling midnight counts on its start day);
- ``<code>:expected`` — the minimum the rule version in force requires of the organization for the
  requirement period that *closes* in this month (a quarterly meeting: in March, June, …), 0 where
  it does not apply (a branch without a committee, before the organization existed); heart-to-heart
  talks (counted in pairs) have no expected row here — the tenant's compliance table has them;
- ``stats:<category>`` — held meetings by the group's 组织生活频次统计 category (支部活动日,
  组织生活会, 民主评议, 集中学习, other).

Values are additive and independent of the day they are computed: a period's verdict is
held (summed over its months) against expected (in its last month), so the group's matrix is
held/expected per tenant and kind, and closed periods only. The source tables are watched by the
outbox (``meetings_meeting``: organization_id, starts_at); rule and membership changes are picked
up by the nightly recompute. Registered in ``MeetingsConfig.ready``.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from partycloud.core.metrics import Row, Scope, metric, month_end, register
from tenants.meetings.compliance import load_sources, span_of, verdict_for
from tenants.meetings.models import AppliesTo, Meeting, MeetingStatus
from tenants.meetings.rules import rule_on
from tenants.organizations.models import Organization

TOPIC = "meetings"
METRIC = "meetings.activities"


@metric(METRIC, _("organizational life held and expected"), TOPIC, "organizations", periodic=True)
def meetings_activities(scope: Scope) -> list[Row]:
    if not scope.periods:
        return []
    organizations = list(scope.organizations(Organization.objects.all(), "id"))
    result: list[Row] = []
    months = sorted(scope.periods)
    held = (
        scope.organizations(
            Meeting.objects.filter(
                status=MeetingStatus.HELD, starts_on__gte=months[0], starts_on__lte=month_end(months[-1])
            )
        )
        .annotate(month=TruncMonth("starts_on"))
        .values_list("organization_id", "kind__code", "kind__stats_category", "month")
        .annotate(count=Count("id"))
    )
    counts: Counter[tuple[int, date, str]] = Counter()
    for organization_id, code, category, month, count in held:
        if month not in scope.periods:
            continue
        counts[(organization_id, month, f"{code[:31]}:held")] += count
        counts[(organization_id, month, f"stats:{category}")] += count
    for year in sorted({month.year for month in months}):
        sources = load_sources(organizations, year)
        for month in (m for m in months if m.year == year):
            rule = rule_on(sources.rules, month)
            if rule is None:
                continue
            for requirement in rule.requirements.all():
                if requirement.applies_to == AppliesTo.BRANCH_PAIRS:
                    continue
                span = span_of(requirement.period, month)
                if span.end.month != month.month:
                    continue
                for organization in organizations:
                    cell = verdict_for(sources, organization, requirement.kind, span, scope.today)
                    if cell.expected:
                        counts[(organization.pk, month, f"{requirement.kind.code[:31]}:expected")] += cell.expected
    for (organization_id, period, dimension), value in counts.items():
        result.append((organization_id, period, dimension, Decimal(value)))
    return result


def register_rollups() -> None:
    register(meetings_activities)
