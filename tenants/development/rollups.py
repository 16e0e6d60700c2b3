"""What the group rolls up from development cases: the pipeline by stage.

Registered with the kernel's registry (``partycloud.core.metrics``) in ``DevelopmentConfig.ready``.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from partycloud.core.metrics import Row, Scope, metric, register
from tenants.development.models import DevelopmentCase


@metric("development.stage", _("development pipeline by stage"), "development")
def development_stages(scope: Scope) -> list[Row]:
    rows = scope.organizations(DevelopmentCase.objects.all()).values("organization_id", "stage").annotate(n=Count("id"))
    return [(row["organization_id"], scope.current, row["stage"], Decimal(row["n"])) for row in rows]


def register_rollups() -> None:
    register(development_stages)
