"""Organizations' part of the console's home: terms of office ending (换届), the tree's size."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext as _

from partycloud.core.workbench import Figure, Link, Todo
from tenants.access.services import Scope
from tenants.organizations.models import Organization
from tenants.organizations.services import RE_ELECTION_WARNING_DAYS


def todos(scope: Scope, today: date) -> list[Todo]:
    organizations = scope.apply(
        Organization.objects.filter(is_active=True, term_started_on__isnull=False), path_field="path"
    )
    items: list[Todo] = []
    for organization in organizations:
        due = organization.re_election_due_on
        if due is None or due > today + timedelta(days=RE_ELECTION_WARNING_DAYS):
            continue
        items.append(
            Todo(
                kind="organizations.re_election_due",
                module="organizations",
                title=_("Term of office ends: prepare the re-election"),
                subject=organization.name,
                organization=organization.name,
                due_on=due,
                link=Link("/organizations"),
            )
        )
    return items


def figures(scope: Scope, month: date) -> list[Figure]:
    count = scope.apply(Organization.objects.filter(is_active=True), path_field="path").count()
    return [Figure("organizations.total", "organizations", _("Party organizations"), count, "", Link("/organizations"))]


def scope_names(scope: Scope) -> list[str]:
    """The organizations at the top of a scope, by name (the workbench says whose figures these are)."""
    if scope.paths is None:
        return []
    return list(Organization.objects.filter(path__in=scope.paths).values_list("name", flat=True))
