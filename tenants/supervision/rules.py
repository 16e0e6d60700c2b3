"""The supervision deadlines in force (DOMAIN_RULES §7): versioned ``SupervisionRuleSet`` rows,
the built-in 2019.1 and any local version a tenant's admin adds. The newest version effective on
or before the day something starts applies to it (and is stored on it)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.roles import TenantRole
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import Conflict, NotAllowed, NotFoundError, ServiceError
from tenants.supervision.errors import SupervisionCode
from tenants.supervision.models import SupervisionRuleSet


def rules_on(day: date) -> SupervisionRuleSet:
    """The rule set in force on ``day``: the newest ``effective_from <= day`` (a later-created one
    wins a tie)."""
    rule = SupervisionRuleSet.objects.filter(effective_from__lte=day).order_by("-effective_from", "-id").first()
    if rule is None:
        raise NotFoundError(SupervisionCode.NO_RULES, _("No supervision rules are in force on that day."))
    return rule


def rule_sets() -> list[SupervisionRuleSet]:
    """Every version, newest first."""
    return list(SupervisionRuleSet.objects.order_by("-effective_from", "-id"))


# The bounds of a local version (DOMAIN_RULES §7: a local rule may be stricter, never looser than
# the regulations' outer limits).
BOUNDS = {
    "publicity_min_working_days": (5, 30),
    "report_ack_working_days": (1, 15),
    "report_close_days": (1, 60),
    "report_extension_max_days": (0, 30),
    "report_feedback_working_days": (1, 15),
    "inquiry_reply_working_days": (1, 30),
    "reminder_days_before": (0, 15),
}


@transaction.atomic
def do_create_local_rule(
    *, actor: Actor, version: str, effective_from: date, source: str = "", **values: int
) -> SupervisionRuleSet:
    """A tenant admin's local version, effective from today or later, within the bounds."""
    if not actor.has_role(TenantRole.TENANT_ADMIN):
        raise NotAllowed(SupervisionCode.OUT_OF_SCOPE, _("Only the tenant administrator may add a rule version."))
    if effective_from < timezone.localdate():
        raise ServiceError(SupervisionCode.BAD_RULE, _("A new version takes effect today or later."), "effective_from")
    for name, (low, high) in BOUNDS.items():
        value = values.get(name)
        if value is None:
            continue
        if not low <= value <= high:
            raise ServiceError(
                SupervisionCode.BAD_RULE,
                _("%(field)s must be between %(low)s and %(high)s.") % {"field": name, "low": low, "high": high},
                name,
            )
    if SupervisionRuleSet.objects.filter(version=version.strip()).exists():
        raise Conflict(SupervisionCode.RULE_VERSION_EXISTS, _("A rule version with this name exists."), "version")
    base = rules_on(effective_from)
    rule = SupervisionRuleSet(
        version=version.strip(), effective_from=effective_from, source=source.strip() or _("local rule"), is_local=True
    )
    for name in BOUNDS:
        setattr(rule, name, values.get(name, getattr(base, name)))
    rule.save()
    do_record_audit(event="supervision.rule.create", actor=actor, target=rule, details={"version": rule.version})
    return rule
