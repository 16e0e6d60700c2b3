"""Group rollups: the outbox is written in the change's transaction (by triggers), the relay
applies it idempotently and atomically, and rollups always equal a recompute from source."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partycloud.hub.transfers import do_request_transfer
from partycloud.rollups.metrics import METRICS, Metric, register
from partycloud.rollups.models import PendingTenant, RollupOrganization, RollupValue
from partycloud.rollups.recompute import drift, recompute_tenant
from partycloud.rollups.relay import relay_tenant, relay_until_empty
from tenants.members.models import Member
from tenants.members.services import do_create_member, do_update_member
from tenants.organizations.models import Organization
from tenants.organizations.services import do_create_organization
from tenants.outbox.models import OutboxEvent
from tests.conftest import TenantWorld
from tests.factories import make_id_card

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)
SHANGHAI = ZoneInfo("Asia/Shanghai")
_births = itertools.count()


def new_member(organization: Organization, **fields: Any) -> Member:
    serial = next(_births)
    birth = date(1960 + serial % 40, 1 + serial % 12, 1 + serial % 28)
    joined = date(min(birth.year + 25, 2024), 7, 1)
    data = {
        "name": f"党员{serial}", "gender": "female" if serial % 3 else "male", "joined_on": joined,
        "confirmed_on": joined.replace(year=joined.year + 1), "membership": "full", "dues_category": "employee",
        "organization": organization, "education": "bachelor", "birth_date": birth,
    } | fields  # fmt: skip
    return do_create_member(data, id_card_number=make_id_card(birth.strftime("%Y%m%d")), audit=False)


def value(tenant: TenantWorld, metric: str, dimension: str, organization_id: int = 0) -> Decimal:
    row = RollupValue.objects.filter(
        tenant=tenant.tenant, metric=metric, dimension=dimension, organization_id=organization_id
    ).first()
    return row.value if row else Decimal(0)


@pytest.fixture
def branch(tenant_a: TenantWorld) -> Organization:
    with tenant_a.tenant:
        committee = do_create_organization(kind="committee", name="甲公司党委")
        return do_create_organization(kind="branch", name="第一党支部", parent=committee)


def test_a_member_change_writes_the_outbox_in_its_own_transaction(tenant_a: TenantWorld, branch: Organization) -> None:
    with tenant_a.tenant:
        OutboxEvent.objects.all().delete()
        member = new_member(branch)
        topics = set(OutboxEvent.objects.values_list("topic", "organization_id"))
        assert ("members", branch.pk) in topics
        OutboxEvent.objects.all().delete()

        def change_then_fail() -> None:
            with transaction.atomic():
                do_update_member(member, {"gender": "male"})
                raise RuntimeError("the change is rolled back")

        with pytest.raises(RuntimeError):
            change_then_fail()
        assert not OutboxEvent.objects.exists()  # nothing of a rolled-back change reaches the outbox
    assert PendingTenant.objects.filter(schema_name=tenant_a.tenant.schema_name).exists()


def test_bulk_writes_are_captured_once_per_organization(tenant_a: TenantWorld, branch: Organization) -> None:
    with tenant_a.tenant:
        for _ in range(3):
            new_member(branch)
        OutboxEvent.objects.all().delete()
        Member.objects.filter(organization=branch).update(education="postgraduate")  # one statement, no signals
        assert list(OutboxEvent.objects.values_list("topic", "organization_id")) == [("members", branch.pk)]


def test_relay_applies_changes_and_applying_twice_changes_nothing(tenant_a: TenantWorld, branch: Organization) -> None:
    with tenant_a.tenant:
        for _ in range(4):
            new_member(branch)
        new_member(branch, membership="probationary", confirmed_on=None)
    relay_until_empty(tenant_a.tenant, today=TODAY)
    assert value(tenant_a, "members.membership", "full", branch.pk) == 4
    assert value(tenant_a, "members.membership", "probationary") == 1  # the tenant's total row
    assert RollupOrganization.objects.filter(tenant=tenant_a.tenant, organization_id=branch.pk).exists()
    before = sorted(RollupValue.objects.filter(tenant=tenant_a.tenant).values_list("metric", "dimension", "value"))
    with tenant_a.tenant:  # the same events delivered again
        OutboxEvent.objects.create(topic="members", organization_id=branch.pk)
        OutboxEvent.objects.create(topic="members", organization_id=None)
    relay_until_empty(tenant_a.tenant, today=TODAY)
    after = sorted(RollupValue.objects.filter(tenant=tenant_a.tenant).values_list("metric", "dimension", "value"))
    assert after == before


def test_a_relay_that_dies_mid_batch_loses_nothing(tenant_a: TenantWorld, branch: Organization) -> None:
    with tenant_a.tenant:
        new_member(branch)
    relay_until_empty(tenant_a.tenant, today=TODAY)
    before = sorted(RollupValue.objects.filter(tenant=tenant_a.tenant).values_list("metric", "dimension", "value"))
    with tenant_a.tenant:
        new_member(branch)
        new_member(branch)
        pending = OutboxEvent.objects.count()

    def crash(scope: Any) -> list[Any]:
        raise ConnectionError("the worker died")

    # Registered last: the relay has already replaced some rows when it dies.
    register(Metric("zz.crash", "crash", frozenset({"members"}), crash))
    try:
        with pytest.raises(ConnectionError):
            relay_tenant(tenant_a.tenant, today=TODAY)
    finally:
        METRICS.pop("zz.crash")
    after_crash = sorted(RollupValue.objects.filter(tenant=tenant_a.tenant).values_list("metric", "dimension", "value"))
    assert after_crash == before  # nothing half-applied
    with tenant_a.tenant:
        assert OutboxEvent.objects.count() == pending  # nothing lost
    relay_until_empty(tenant_a.tenant, today=TODAY)
    assert value(tenant_a, "members.membership", "full") == 3
    with tenant_a.tenant:
        assert drift(tenant_a.tenant, TODAY) == []


def test_nightly_recompute_reports_and_fixes_drift(tenant_a: TenantWorld, branch: Organization) -> None:
    with tenant_a.tenant:
        new_member(branch)
    relay_until_empty(tenant_a.tenant, today=TODAY)
    RollupValue.objects.filter(tenant=tenant_a.tenant, metric="members.membership", dimension="full").update(value=99)
    found = recompute_tenant(tenant_a.tenant, today=TODAY)
    assert {(row["metric"], row["was"], row["now"]) for row in found} == {("members.membership", "99.00", "1")}
    assert value(tenant_a, "members.membership", "full") == 1
    assert recompute_tenant(tenant_a.tenant, today=TODAY) == []


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "create",
                "move",
                "status",
                "gender",
                "probation",
                "branch",
                "dues",
                "pay",
                "meeting",
                "unhold",
                "evaluate",
            ]
        ),
        st.integers(0, 50),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS, batch=st.sampled_from([1, 3, 5000]))
def test_rollups_equal_a_recompute_after_any_changes(
    tenant_a: TenantWorld, branch: Organization, operations: list[tuple[str, int]], batch: int
) -> None:
    from tenants.assessment.models import EvaluationRound, EvaluationRule, Participant
    from tenants.dues.models import DuesAssessment
    from tenants.meetings.models import ActivityKind, Meeting

    with tenant_a.tenant:
        organizations = list(Organization.objects.filter(kind="branch"))
        for operation, pick in operations:
            members = list(Member.objects.all())
            member = members[pick % len(members)] if members else None
            if operation == "create" or member is None:
                new_member(organizations[pick % len(organizations)])
            elif operation == "move":
                do_update_member(member, {"organization": organizations[pick % len(organizations)]})
            elif operation == "status":
                do_update_member(member, {"status": ["active", "mobile", "left", "deceased"][pick % 4]})
            elif operation == "gender":
                do_update_member(member, {"gender": "male" if member.gender == "female" else "female"})
            elif operation == "probation":
                do_update_member(member, {"membership": "probationary", "confirmed_on": None})
            elif operation == "branch":
                organizations.append(
                    do_create_organization(kind="branch", name=f"支部{pick}-{len(organizations)}", parent=branch.parent)
                )
            elif operation == "dues":
                DuesAssessment.objects.get_or_create(
                    member=member,
                    month=date(2026, 1 + pick % 11, 1),
                    defaults={
                        "organization": member.organization,
                        "amount": Decimal("12.50"),
                        "base": Decimal(5000),
                        "category": "employee",
                        "rule_version": "2008.1",
                        "explanation": "test",
                    },
                )
            elif operation == "pay":
                DuesAssessment.objects.filter(member=member).update(status="paid", paid_amount=Decimal("12.50"))
            elif operation == "meeting":  # organizational life: held meetings, some just after a local midnight
                code = ["general_meeting", "theme_day", "party_lecture", "committee_meeting"][pick % 4]
                local = datetime(2026, 1 + pick % 11, 1 + pick % 3 * 13, 0 if pick % 2 else 20, 30, tzinfo=SHANGHAI)
                Meeting.objects.create(
                    organization=organizations[pick % len(organizations)], kind=ActivityKind.objects.get(code=code),
                    title=f"会议{pick}", starts_at=local, ends_at=local + timedelta(hours=5), status="held",
                )  # fmt: skip
            elif operation == "evaluate":  # the democratic evaluation: a branch's confirmed round, graded
                organization = organizations[pick % len(organizations)]
                round_, created = EvaluationRound.objects.get_or_create(
                    organization=organization, year=2026, defaults={
                        "title": f"评议{pick}", "rule": EvaluationRule.objects.get(version="2019.1"),
                        "status": "confirmed", "opens_on": date(2026, 1, 1), "closes_on": date(2026, 1 + pick % 10, 15),
                    },
                )  # fmt: skip
                for index, counted in enumerate(Member.objects.filter(organization=organization) if created else []):
                    full = counted.membership == "full"
                    grade = ["excellent", "qualified", "basically_qualified"][index % 3] if full else ""
                    Participant.objects.create(round=round_, member=counted, graded=full, grade=grade)
            elif operation == "unhold":
                Meeting.objects.filter(pk__in=Meeting.objects.order_by("-id").values("pk")[:1]).update(
                    status="notified"
                )
    relay_until_empty(tenant_a.tenant, today=TODAY, batch=batch)
    relay_until_empty(tenant_a.tenant, today=TODAY, batch=batch)  # the relay run twice gives the same result
    with tenant_a.tenant:
        assert drift(tenant_a.tenant, TODAY) == []


def test_a_transfer_between_tenants_is_counted_once_by_the_sender(
    tenant_a: TenantWorld, tenant_b: TenantWorld, branch: Organization
) -> None:
    with tenant_b.tenant:
        do_create_organization(kind="committee", name="乙公司党委")
    with tenant_a.tenant:
        do_request_transfer(new_member(branch), to_tenant=tenant_b.tenant)
    relay_until_empty(tenant_a.tenant)
    relay_until_empty(tenant_b.tenant)  # the receiver's copy has no organization until received
    assert value(tenant_a, "transfers.pending", "pending") == 1
    assert value(tenant_b, "transfers.pending", "pending") == 0
