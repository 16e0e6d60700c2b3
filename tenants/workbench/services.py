"""Use cases of the workbench: who may open it, and what it shows them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.core.errors import NotAllowed
from partycloud.core.workbench import by_deadline
from tenants.access.capabilities import CAPABILITIES
from tenants.access.services import Scope, user_scope
from tenants.development import workbench as development
from tenants.dues import workbench as dues
from tenants.learning import workbench as learning
from tenants.members import workbench as members
from tenants.organizations import workbench as organizations
from tenants.transfers import workbench as transfers
from tenants.workbench.errors import WorkbenchCode

WORKBENCH_ROLES = CAPABILITIES["workbench"]
# Each domain answers for the organizations in a scope; none reads another's records.
TODO_SOURCES = (development, transfers, dues, organizations, members)


def check_workbench_scope(actor: Actor) -> Scope:
    """The organizations ``actor`` works on; refuse (403) members and inspectors without such a role."""
    scope = user_scope(actor.user, WORKBENCH_ROLES)
    if scope.paths == ():
        raise NotAllowed(
            WorkbenchCode.NO_ROLE,
            _("The workbench is for tenant admins, secretaries and committee members."),
        )
    return scope


def workbench(scope: Scope, today: date | None = None) -> dict[str, Any]:
    """To-dos of every module sorted by deadline, and this month's key figures, for ``scope``."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    todos = by_deadline([todo for source in TODO_SOURCES for todo in source.todos(scope, today)], today)
    figures = [
        *members.figures(scope, month),
        *organizations.figures(scope, month),
        *dues.figures(scope, month),
        *development.figures(scope, month),
        *transfers.figures(scope, month),
        *learning.figures(members.user_ids_in(scope), month),
    ]
    return {
        "today": today,
        "month": month,
        "whole_tenant": scope.whole_tenant,
        "scope": organizations.scope_names(scope),
        "todos": [todo.as_dict(today) for todo in todos],
        "figures": [figure.as_dict() for figure in figures],
    }
