"""The rollup metrics registry: each tenant app declares its own metrics (``<app>/rollups.py``)
in the kernel's registry, and the group rollups read the registry, importing no domain app."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from partycloud.accounts.actor import Actor
from partycloud.core.errors import NotAllowed
from partycloud.core.metrics import METRICS, Metric, Row, Scope, counted_rows, metric, register
from partycloud.rollups.models import RollupSummary, RollupValue, Threshold
from partycloud.rollups.recompute import drift
from partycloud.rollups.relay import relay_until_empty
from partycloud.rollups.services import do_set_threshold
from tenants.members.models import Member
from tenants.organizations.models import Organization
from tenants.organizations.services import do_create_organization
from tests.conftest import TenantWorld
from tests.test_rollups import new_member

TODAY = date(2026, 11, 22)
ROLLUPS = Path(__file__).resolve().parent.parent / "platform" / "partycloud" / "rollups"

# The metrics as they were when each app started declaring its own (issue 12), by declaring module.
TODAYS_METRICS = {
    "members.membership": "tenants.members.rollups",
    "members.status": "tenants.members.rollups",
    "members.category": "tenants.members.rollups",
    "members.gender": "tenants.members.rollups",
    "members.education": "tenants.members.rollups",
    "members.age_band": "tenants.members.rollups",
    "members.join_year": "tenants.members.rollups",
    "organizations.kind": "tenants.organizations.rollups",
    "organizations.reelection": "tenants.organizations.rollups",
    "development.stage": "tenants.development.rollups",
    "transfers.pending": "tenants.transfers.rollups",
    "pockets.open": "partycloud.rollups.metrics",  # the hub's cases, in the public schema
    "dues.amount": "tenants.dues.rollups",
    "dues.members": "tenants.dues.rollups",
    "learning.study": "tenants.learning.rollups",
    "learning.resources": "tenants.learning.rollups",
    "live.attendance_rate": "tenants.live.rollups",  # issue 13
    "meetings.activities": "tenants.meetings.rollups",  # issue 15
    "evaluation.grades": "tenants.assessment.evaluation_rollups",  # issue 16
}


def test_the_registered_metrics_are_todays_list_each_declared_by_its_own_app() -> None:
    assert set(METRICS) == set(TODAYS_METRICS)
    assert {name: spec.compute.__module__ for name, spec in METRICS.items()} == TODAYS_METRICS


def test_the_rollups_import_no_domain_app() -> None:
    """Only the outbox (the relay's inbox) is read directly; everything else goes through the registry."""
    imported = {
        (path.name, module)
        for path in ROLLUPS.glob("*.py")
        for module in re.findall(r"^\s*(?:from|import) (tenants\.[\w.]+)", path.read_text(), re.MULTILINE)
    }
    assert imported == {("relay.py", "tenants.outbox.models")}


def test_a_name_belongs_to_one_metric() -> None:
    taken = METRICS["members.gender"]
    register(taken)  # registering the same metric again changes nothing
    assert METRICS["members.gender"] is taken
    with pytest.raises(ImproperlyConfigured):
        register(Metric("members.gender", "another", frozenset({"members"}), lambda scope: []))
    assert METRICS["members.gender"] is taken


# A domain that a later issue adds declares its metric in its own module, like this one, and
# registers it in its AppConfig.ready: nothing in partycloud.rollups changes.
@metric("zz_test_app.secretaries", "members named 书记", "members")
def members_named_secretary(scope: Scope) -> list[Row]:
    named = scope.organizations(Member.objects.filter(name__contains="书记"))
    return counted_rows(
        ((organization, "named") for organization in named.values_list("organization_id", flat=True)), scope.current
    )


@pytest.fixture
def test_app_metric() -> Iterator[Metric]:
    register(members_named_secretary)  # what the test app's ready() would do
    try:
        yield members_named_secretary
    finally:
        METRICS.pop(members_named_secretary.name)


@pytest.mark.django_db
def test_a_metric_another_app_registers_is_relayed_recomputed_and_summarized(
    tenant_a: TenantWorld, test_app_metric: Metric
) -> None:
    with tenant_a.tenant:
        committee = do_create_organization(kind="committee", name="甲公司党委")
        branch: Organization = do_create_organization(kind="branch", name="第一党支部", parent=committee)
        new_member(branch, name="张书记")
        new_member(branch, name="李书记")
        new_member(branch)
    relay_until_empty(tenant_a.tenant, today=TODAY)

    def stored(organization_id: int) -> Any:
        return RollupValue.objects.filter(
            tenant=tenant_a.tenant, metric=test_app_metric.name, organization_id=organization_id
        ).values_list("dimension", "value")

    assert list(stored(branch.pk)) == [("named", Decimal(2))]
    assert list(stored(0)) == [("named", Decimal(2))]  # the tenant's total row, added by the relay
    summary = RollupSummary.objects.get(tenant=tenant_a.tenant, period=TODAY.replace(day=1))
    assert test_app_metric.name in summary.covers
    assert Decimal(summary.values[f"{test_app_metric.name}|named"]) == 2
    with tenant_a.tenant:
        assert drift(tenant_a.tenant, TODAY) == []  # the nightly recompute agrees


@pytest.mark.django_db
def test_only_group_admins_set_thresholds(group_viewer: Any, group_admin: Any) -> None:
    limits = {"figure": "pockets", "green_until": Decimal(1), "amber_until": Decimal(3), "higher_is_worse": True}
    with pytest.raises(NotAllowed):
        do_set_threshold(actor=Actor.for_user(group_viewer), **limits)
    assert not Threshold.objects.filter(figure="pockets").exists()
    do_set_threshold(actor=Actor.for_user(group_admin), **limits)
    assert Threshold.objects.get(figure="pockets").amber_until == 3
