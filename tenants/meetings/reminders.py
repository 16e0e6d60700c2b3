"""Compliance reminders (DOMAIN_RULES §2): before a period closes with an activity still short of
its minimum, the organization's secretary (the tenant admins where it has none) is told — two
weeks before (stage ``two_weeks``) and three days before (``three_days``), once each: a
``ComplianceReminder`` row per (organization, kind, period, stage) and ``do_notify_once``.
Run daily per tenant by ``tasks.remind_compliance``; one bulk pass of the engine."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from partycloud.accounts.models import User
from tenants.access.services import tenant_admins
from tenants.meetings.compliance import PENDING, load_sources, span_of, verdict_for
from tenants.meetings.models import ComplianceReminder, ReminderStage
from tenants.meetings.rules import rule_on
from tenants.notifications.kinds import NotificationKind
from tenants.notifications.services import do_notify_once
from tenants.organizations.models import Organization

STAGES = ((ReminderStage.THREE_DAYS, 3), (ReminderStage.TWO_WEEKS, 14))


def stage_for(days_left: int) -> str | None:
    """The stage a period closing in ``days_left`` days is at (the nearest deadline wins)."""
    for stage, days in STAGES:
        if days_left <= days:
            return stage
    return None


def do_send_compliance_reminders(today: date | None = None) -> int:
    """Remind of every current period closing within 14 days with held < minimum; returns how
    many notifications were sent (in the site's language: party workers read Chinese)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _send(today)


def _send(today: date | None) -> int:
    today = today or timezone.localdate()
    organizations = list(Organization.objects.filter(is_active=True).select_related("secretary"))
    sources = load_sources(organizations, today.year)
    rule = rule_on(sources.rules, today)
    if rule is None:
        return 0
    admins: list[User] | None = None
    sent = 0
    for organization in organizations:
        for requirement in rule.requirements.all():
            span = span_of(requirement.period, today)
            stage = stage_for((span.end - today).days)
            if stage is None:
                continue
            cell = verdict_for(sources, organization, requirement.kind, span, today)
            if cell.verdict != PENDING:
                continue
            with transaction.atomic():
                _row, created = ComplianceReminder.objects.get_or_create(
                    organization=organization, kind=requirement.kind, period_start=span.start, stage=stage
                )
                if not created:
                    continue
                if organization.secretary is not None:
                    recipients = [organization.secretary]
                else:
                    admins = tenant_admins() if admins is None else admins
                    recipients = admins
                title = _("%(organization)s: %(kind)s still due in %(period)s") % {
                    "organization": organization.name, "kind": requirement.kind.name, "period": span.label(),
                }  # fmt: skip
                link = (
                    f"/console/meetings/compliance?organization={organization.pk}"
                    f"&kind={requirement.kind.code}&period={span.key}&stage={stage}"
                )
                for user in recipients:
                    sent += do_notify_once(
                        user, title, str(cell.reason), link, kind=NotificationKind.MEETING_COMPLIANCE
                    )
    return sent
