"""The supervision deadlines in force (DOMAIN_RULES §7): versioned ``SupervisionRuleSet`` rows,
the built-in 2019.1 and any local version a tenant's admin adds. The newest version effective on
or before the day something starts applies to it (and is stored on it)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from partycloud.core.errors import NotFoundError
from tenants.supervision.errors import SupervisionCode
from tenants.supervision.models import SupervisionRuleSet


def rules_on(day: date) -> SupervisionRuleSet:
    """The rule set in force on ``day``: the newest ``effective_from <= day`` (a later-created one
    wins a tie)."""
    rule = SupervisionRuleSet.objects.filter(effective_from__lte=day).order_by("-effective_from", "-id").first()
    if rule is None:
        raise NotFoundError(SupervisionCode.NO_RULES, _("No supervision rules are in force on that day."))
    return rule
