"""Transfers: within a tenant, and between tenants atomically — never in two places or none."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from partycloud.accounts.actor import Actor
from partycloud.core.errors import Conflict
from partycloud.hub import transfers as hub_transfers
from partycloud.hub.models import GroupTransfer, PocketMemberCase
from partycloud.hub.pockets import detect_unreceived_transfers
from partycloud.hub.transfers import do_accept_transfer, do_request_transfer
from partycloud.tenancy.models import TenantAccess
from partycloud.tenancy.services import CommitteeDraft, do_provision_tenant
from tenants.members.models import Member, MemberStatus
from tenants.members.services import counts_on, do_create_member
from tenants.notifications.models import Notification
from tenants.organizations.services import do_create_organization
from tenants.transfers.models import Transfer
from tenants.transfers.tasks import alert_overdue_transfers
from tests.conftest import TenantWorld, api
from tests.factories import UserFactory, make_id_card, next_unified_code
from tests.isolation import Endpoint, assert_tenant_isolated


def branch_of(tenant: TenantWorld, name: str = "第一党支部") -> Any:
    with tenant.tenant:
        committee = do_create_organization(kind="committee", name=f"{tenant.tenant.short_name}党委")
        return committee, do_create_organization(kind="branch", name=name, parent=committee)


def member_in(tenant: TenantWorld, branch: Any, placed_on: date | None = None, **extra: Any) -> Member:
    with tenant.tenant:
        return do_create_member(
            {"name": "刘志强", "gender": "male", "joined_on": date(2012, 7, 1), "confirmed_on": date(2013, 7, 1),
             "membership": "full", "dues_category": "employee", "organization": branch, **extra},
            id_card_number=make_id_card(), placed_on=placed_on,
        )  # fmt: skip


def test_within_a_tenant_the_receiving_branch_accepts(tenant_a: TenantWorld):
    committee, first = branch_of(tenant_a)
    with tenant_a.tenant:
        second = do_create_organization(kind="branch", name="第二党支部", parent=committee)
    member = member_in(tenant_a, first)
    client = api(tenant_a.host, tenant_a.admin)
    requested = client.post(
        "/api/v1/transfers", {"member": member.pk, "to_organization": second.pk, "reason": "岗位调动"}
    )
    assert requested.status_code == 201, requested.json()
    assert requested.json()["valid_until"] == (timezone.localdate() + timedelta(days=90)).isoformat()
    assert requested.json()["rule_version"] == "2026.1"
    again = client.post("/api/v1/transfers", {"member": member.pk, "to_organization": second.pk})
    assert again.json()["code"] == "transfers.already_pending"
    accepted = client.post(f"/api/v1/transfers/{requested.json()['id']}/accept", {})
    assert accepted.json()["status"] == "accepted"
    with tenant_a.tenant:
        assert Member.objects.get(pk=member.pk).organization_id == second.pk


def test_between_tenants_the_record_moves_with_its_history(tenant_a: TenantWorld, tenant_b: TenantWorld):
    _, sender_branch = branch_of(tenant_a)
    _, receiver_branch = branch_of(tenant_b, "接收党支部")
    member = member_in(tenant_a, sender_branch)
    sent = api(tenant_a.host, tenant_a.admin).post(
        "/api/v1/transfers", {"member": member.pk, "to_tenant": tenant_b.tenant.pk, "reason": "调往乙公司"}
    )
    assert sent.status_code == 201, sent.json()
    number = sent.json()["number"]
    # Both sides and the group see the same transfer, pending.
    incoming = api(tenant_b.host, tenant_b.admin).get("/api/v1/transfers?kind=incoming").json()["results"]
    assert [(t["number"], t["status"], t["member_name"]) for t in incoming] == [(number, "pending", "刘志强")]
    assert GroupTransfer.objects.get(number=number).status == "pending"

    accepted = api(tenant_b.host, tenant_b.admin).post(
        f"/api/v1/transfers/{incoming[0]['id']}/accept", {"to_organization": receiver_branch.pk}
    )
    assert accepted.status_code == 200, accepted.json()
    assert GroupTransfer.objects.get(number=number).status == "accepted"
    with tenant_a.tenant:
        old = Member.objects.get(pk=member.pk)
        assert old.status == MemberStatus.TRANSFERRED_OUT
        assert Transfer.objects.get(number=number).status == "accepted"
        assert sum(c["total"] for c in counts_on(timezone.localdate() + timedelta(days=1)).values()) == 0
    with tenant_b.tenant:
        moved = Member.objects.get(id_card_index=old.id_card_index)
        assert (moved.status, moved.organization_id, moved.joined_on) == (
            "active",
            receiver_branch.pk,
            date(2012, 7, 1),
        )
        assert [c.kind for c in moved.changes.order_by("id")] == ["created", "transferred_in"]
        assert counts_on(timezone.localdate())[receiver_branch.pk]["total"] == 1


def test_a_failure_in_the_middle_of_a_move_changes_nothing(tenant_a: TenantWorld, tenant_b: TenantWorld, monkeypatch):
    _, sender_branch = branch_of(tenant_a)
    _, receiver_branch = branch_of(tenant_b, "接收党支部")
    member = member_in(tenant_a, sender_branch)
    with tenant_a.tenant:
        outgoing = do_request_transfer(member, to_tenant=tenant_b.tenant)

    def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full while writing the receiver's record")

    monkeypatch.setattr(hub_transfers, "do_receive_member_record", explode)
    with tenant_b.tenant:
        incoming = Transfer.objects.get(number=outgoing.number)
        with pytest.raises(RuntimeError):
            do_accept_transfer(incoming, to_organization=receiver_branch)
        assert Transfer.objects.get(number=outgoing.number).status == "pending"
        assert not Member.objects.exists()
    with tenant_a.tenant:
        assert Member.objects.get(pk=member.pk).status == MemberStatus.ACTIVE
        assert Transfer.objects.get(number=outgoing.number).status == "pending"
    assert GroupTransfer.objects.get(number=outgoing.number).status == "pending"


def test_two_simultaneous_accepts_exactly_one_wins(django_db_blocker, platform_world):
    """Real concurrency needs committed data and two connections: two fresh tenants, committed."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        sender = do_provision_tenant(
            CommitteeDraft(name="并发甲党委", short_name="并发甲", slug="race-a", unified_code=next_unified_code())
        )
        receiver = do_provision_tenant(
            CommitteeDraft(name="并发乙党委", short_name="并发乙", slug="race-b", unified_code=next_unified_code())
        )
        with sender:
            branch = do_create_organization(
                kind="branch", name="甲支部", parent=do_create_organization(kind="committee", name="甲")
            )
            member = do_create_member(
                {"name": "并发", "gender": "female", "joined_on": date(2015, 1, 1), "confirmed_on": date(2016, 1, 1),
                 "membership": "full", "dues_category": "employee", "organization": branch},
                id_card_number=make_id_card(),
            )  # fmt: skip
            outgoing = do_request_transfer(member, to_tenant=receiver)
        with receiver:
            target = do_create_organization(
                kind="branch", name="乙支部", parent=do_create_organization(kind="committee", name="乙")
            )
            incoming = Transfer.objects.get(number=outgoing.number)
        connection.set_schema_to_public()

        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def accept() -> None:
            try:
                with receiver:
                    barrier.wait(timeout=10)
                    do_accept_transfer(incoming, to_organization=target)
                outcomes.append("won")
            except Conflict as error:
                outcomes.append(error.code)
            except Exception as error:  # noqa: BLE001 - report anything else in the assertion
                outcomes.append(repr(error))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=accept) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes) == ["transfers.already_decided", "won"]
        with receiver:
            assert Member.objects.count() == 1
        with sender:
            assert Member.objects.get(pk=member.pk).status == MemberStatus.TRANSFERRED_OUT


def test_rejection_closes_every_side_and_needs_a_reason(tenant_a: TenantWorld, tenant_b: TenantWorld):
    _, branch = branch_of(tenant_a)
    member = member_in(tenant_a, branch)
    with tenant_a.tenant:
        outgoing = do_request_transfer(member, to_tenant=tenant_b.tenant)
    with tenant_b.tenant:
        incoming = Transfer.objects.get(number=outgoing.number)
    client = api(tenant_b.host, tenant_b.admin)
    assert (
        client.post(f"/api/v1/transfers/{incoming.pk}/reject", {"note": ""}).json()["code"]
        == "transfers.reason_required"
    )
    assert client.post(f"/api/v1/transfers/{incoming.pk}/reject", {"note": "查无此人"}).json()["status"] == "rejected"
    with tenant_a.tenant:
        assert Transfer.objects.get(number=outgoing.number).status == "rejected"
        assert Member.objects.get(pk=member.pk).status == MemberStatus.ACTIVE


def test_overdue_transfers_alert_both_sides_and_become_pocket_cases(tenant_a: TenantWorld, tenant_b: TenantWorld):
    _, branch = branch_of(tenant_a)
    member = member_in(tenant_a, branch)
    with tenant_a.tenant:
        outgoing = do_request_transfer(member, to_tenant=tenant_b.tenant, actor=Actor.for_user(tenant_a.secretary))
    past = timezone.localdate() - timedelta(days=1)
    GroupTransfer.objects.filter(number=outgoing.number).update(valid_until=past)
    for tenant in (tenant_a.tenant, tenant_b.tenant):
        with tenant:
            Transfer.objects.filter(number=outgoing.number).update(valid_until=past)
            assert alert_overdue_transfers() == 1
            assert alert_overdue_transfers() == 0  # once a day
    with tenant_a.tenant:
        assert Notification.objects.filter(user=tenant_a.secretary, title__contains="逾期").exists()
    with tenant_b.tenant:
        assert Notification.objects.filter(user=tenant_b.admin, title__contains=outgoing.number).exists()
    assert detect_unreceived_transfers() == 1
    case = PocketMemberCase.objects.get(reference=outgoing.number)
    assert (case.kind, case.tenant_id, case.name) == ("unreceived_transfer", tenant_a.tenant.pk, "刘志强")
    assert api(tenant_a.host, tenant_a.admin).get("/api/v1/transfers?overdue=true").json()["count"] == 1


def test_members_cannot_handle_transfers_and_scope_applies(tenant_a: TenantWorld):
    committee, first = branch_of(tenant_a)
    with tenant_a.tenant:
        second = do_create_organization(kind="branch", name="第二党支部", parent=committee)
    member = member_in(tenant_a, second)
    assert api(tenant_a.host, tenant_a.member).get("/api/v1/transfers").status_code == 403
    secretary = UserFactory()
    from tenants.access.services import do_assign_role

    with tenant_a.tenant:
        do_assign_role(user=secretary, role="secretary", organization_id=first.pk)
    response = api(tenant_a.host, secretary).post(
        "/api/v1/transfers", {"member": member.pk, "to_organization": first.pk}
    )
    assert (response.status_code, response.json()["code"]) == (403, "transfers.out_of_scope")


def test_transfers_are_isolated(tenant_a: TenantWorld, tenant_b: TenantWorld):
    committee, first = branch_of(tenant_a)
    with tenant_a.tenant:
        second = do_create_organization(kind="branch", name="第二党支部", parent=committee)
    member = member_in(tenant_a, first)
    with tenant_a.tenant:
        transfer = do_request_transfer(member, to_organization=second)
    assert_tenant_isolated(
        Endpoint("/api/v1/transfers", object_id=transfer.pk, change={"reason": "x"}, deletable=False),
        owner=tenant_a,
        outsider=tenant_b,
    )
    for action in ("accept", "reject", "cancel"):
        assert (
            api(tenant_a.host, tenant_b.admin)
            .post(f"/api/v1/transfers/{transfer.pk}/{action}", {"note": "x"})
            .status_code
            == 403
        )


def test_out_of_the_group_a_letter_with_qr_and_receipt_archives_the_record(tenant_a: TenantWorld):
    import io

    from pypdf import PdfReader

    _, branch = branch_of(tenant_a)
    member = member_in(tenant_a, branch)
    client = api(tenant_a.host, tenant_a.admin)
    issued = client.post(
        "/api/v1/transfer-letters/out-of-group",
        {"member": member.pk, "external_organization": "某市某区机关工委", "reason": "调出集团"},
    )
    assert issued.status_code == 201, issued.json()
    transfer = issued.json()
    with tenant_a.tenant:
        assert Member.objects.get(pk=member.pk).status == MemberStatus.TRANSFERRED_OUT
    pdf = client.get(f"/api/v1/transfer-letters/{transfer['id']}/letter")
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert transfer["number"] in text
    # The QR code's link verifies the letter; a guessed code does not.
    from tenants.transfers.letters import verification_code

    verify = api(tenant_a.host).get(
        f"/api/v1/transfer-letters/verify?number={transfer['number']}&code={verification_code(transfer['number'])}"
    )
    assert verify.json()["valid"] is True
    assert verify.json()["member_name"] == "刘**"
    assert (
        api(tenant_a.host).get(f"/api/v1/transfer-letters/verify?number={transfer['number']}&code=guess").status_code
        == 404
    )
    receipt = client.post(f"/api/v1/transfer-letters/{transfer['id']}/receipt", {"note": "回执已收到"})
    assert receipt.json()["status"] == "accepted"


def test_cancelling_a_letter_restores_the_member(tenant_a: TenantWorld):
    _, branch = branch_of(tenant_a)
    member = member_in(tenant_a, branch)
    client = api(tenant_a.host, tenant_a.admin)
    issued = client.post(
        "/api/v1/transfer-letters/out-of-group", {"member": member.pk, "external_organization": "外单位党委"}
    )
    assert client.post(f"/api/v1/transfers/{issued.json()['id']}/cancel").json()["status"] == "cancelled"
    with tenant_a.tenant:
        assert Member.objects.get(pk=member.pk).status == MemberStatus.ACTIVE


def test_into_the_group_registration_uses_the_letter_number_once(tenant_a: TenantWorld):
    _, branch = branch_of(tenant_a)
    body = {
        "name": "周建华", "gender": "male", "id_card_number": make_id_card(), "joined_on": "2010-07-01",
        "confirmed_on": "2011-07-01", "membership": "full", "dues_category": "employee", "organization": branch.pk,
        "letter_number": "京组介字2026第0815号", "external_organization": "北京市某区委组织部",
    }  # fmt: skip
    client = api(tenant_a.host, tenant_a.admin)
    registered = client.post("/api/v1/transfer-letters/from-outside", body)
    assert registered.status_code == 201, registered.json()
    assert (registered.json()["kind"], registered.json()["status"]) == ("into_group", "accepted")
    again = client.post("/api/v1/transfer-letters/from-outside", body | {"id_card_number": make_id_card()})
    assert (again.status_code, again.json()["code"]) == (409, "transfers.letter_used")
    with tenant_a.tenant:
        member = Member.objects.get(name="周建华")
        assert member.changes.filter(kind="transferred_in").exists()


def test_letters_are_isolated(tenant_a: TenantWorld, tenant_b: TenantWorld):
    _, branch = branch_of(tenant_a)
    member = member_in(tenant_a, branch)
    issued = (
        api(tenant_a.host, tenant_a.admin)
        .post("/api/v1/transfer-letters/out-of-group", {"member": member.pk, "external_organization": "外单位"})
        .json()
    )
    for client in (api(tenant_a.host, tenant_b.admin), api(tenant_a.host)):
        assert client.get(f"/api/v1/transfer-letters/{issued['id']}/letter").status_code in {401, 403}
        assert client.post(f"/api/v1/transfer-letters/{issued['id']}/receipt", {"note": "x"}).status_code in {401, 403}
    assert api(tenant_b.host, tenant_b.admin).get(f"/api/v1/transfer-letters/{issued['id']}/letter").status_code == 404


# ---------------------------------------------------------------- returning members (ADR 0004)


def move_between(sender: TenantWorld, receiver: TenantWorld, member_pk: int, to_branch: Any) -> Member:
    """Request on the sender's host, accept on the receiver's; the received record."""
    sent = api(sender.host, sender.admin).post(
        "/api/v1/transfers", {"member": member_pk, "to_tenant": receiver.tenant.pk}
    )
    assert sent.status_code == 201, sent.json()
    incoming = api(receiver.host, receiver.admin).get("/api/v1/transfers?kind=incoming&status=pending").json()
    transfer = next(t for t in incoming["results"] if t["number"] == sent.json()["number"])
    accepted = api(receiver.host, receiver.admin).post(
        f"/api/v1/transfers/{transfer['id']}/accept", {"to_organization": to_branch.pk}
    )
    assert accepted.status_code == 200, accepted.json()
    with receiver.tenant:
        return Member.objects.get(pk=accepted.json()["member"])


def test_the_group_index_follows_the_record_to_the_receiving_tenant(tenant_a: TenantWorld, tenant_b: TenantWorld):
    """``TenantAccess`` (written only by tenants.access) says where the person has a record: after
    a move, at the receiver and no longer at the sender; a role held at the sender stays indexed."""
    from tenants.access.services import do_assign_role

    person = UserFactory()
    _, sender_branch = branch_of(tenant_a)
    _, receiver_branch = branch_of(tenant_b, "接收党支部")
    member = member_in(tenant_a, sender_branch, phone=person.phone)
    assert TenantAccess.objects.get(user=person, tenant=tenant_a.tenant).has_member_record
    assert not TenantAccess.objects.filter(user=person, tenant=tenant_b.tenant).exists()

    in_b = move_between(tenant_a, tenant_b, member.pk, receiver_branch)
    assert not TenantAccess.objects.filter(user=person, tenant=tenant_a.tenant).exists()
    assert TenantAccess.objects.get(user=person, tenant=tenant_b.tenant).has_member_record

    with tenant_b.tenant:
        do_assign_role(user=person, role="member")
    move_between(tenant_b, tenant_a, in_b.pk, sender_branch)
    assert TenantAccess.objects.get(user=person, tenant=tenant_a.tenant).has_member_record
    in_b_index = TenantAccess.objects.get(user=person, tenant=tenant_b.tenant)
    assert (in_b_index.has_member_record, in_b_index.roles) == (False, ["member"])


def test_a_member_returning_to_a_tenant_gets_the_archived_record_back_with_all_history(
    tenant_a: TenantWorld, tenant_b: TenantWorld
):
    from partycloud.rollups.models import RollupValue
    from partycloud.rollups.recompute import drift
    from partycloud.rollups.relay import relay_until_empty
    from tenants.members.models import MemberTenure

    _, first = branch_of(tenant_a)
    _, elsewhere = branch_of(tenant_b, "乙公司第一党支部")
    with tenant_a.tenant:
        second = do_create_organization(kind="branch", name="第二党支部", parent=first.parent)
    original = member_in(tenant_a, first, placed_on=date(2015, 3, 1))
    in_b = move_between(tenant_a, tenant_b, original.pk, elsewhere)
    with tenant_b.tenant:
        from tenants.members.services import do_update_member

        do_update_member(in_b, {"education": "postgraduate"})  # something that happened in B
    back = move_between(tenant_b, tenant_a, in_b.pk, second)

    with tenant_a.tenant:
        assert back.pk == original.pk  # the same record, reactivated: not blocked by the ID-card index
        assert (back.status, back.organization_id, back.education) == ("active", second.pk, "postgraduate")
        kinds = [(c.kind, c.changes.get("tenant")) for c in back.changes.order_by("created_at", "id")]
        # A's own history once, B's in between (marked as from B), then the return.
        assert kinds == [
            ("created", None), ("status", None), ("transferred_in", "beta"), ("updated", "beta"),
            ("returned", None), ("transferred_in", None),
        ]  # fmt: skip
        returned = back.changes.get(kind="returned").changes
        assert returned["organization"] == [first.pk, second.pk]
        assert returned["education"] == ["", "postgraduate"]
        assert "transfer" in returned
        periods = list(MemberTenure.objects.filter(member=back).values_list("organization_id", "ended_on"))
        assert periods == [(first.pk, timezone.localdate()), (second.pk, None)]
        assert counts_on(timezone.localdate())[second.pk]["total"] == 1
        assert Transfer.objects.filter(member=back).count() == 2  # both transfers stay linked to the one record
    with tenant_b.tenant:
        assert Member.objects.get(pk=in_b.pk).status == MemberStatus.TRANSFERRED_OUT
        assert counts_on(timezone.localdate() + timedelta(days=1)) == {}

    # The group's figures: the relay and a recompute from source agree, and count the member once.
    today = timezone.localdate()
    for world in (tenant_a, tenant_b):
        relay_until_empty(world.tenant, today=today)
        with world.tenant:
            assert drift(world.tenant, today) == []

    def members(world: TenantWorld) -> int:
        row = RollupValue.objects.filter(
            tenant=world.tenant, metric="members.membership", dimension="full", organization_id=0
        ).first()
        return int(row.value) if row else 0

    assert (members(tenant_a), members(tenant_b)) == (1, 0)


def test_a_member_who_left_the_group_and_comes_back_with_a_letter_is_received_on_the_old_record(
    tenant_a: TenantWorld,
):
    _, branch = branch_of(tenant_a)
    number = make_id_card("19800101")
    with tenant_a.tenant:
        member = do_create_member(
            {"name": "吴国强", "gender": "male", "joined_on": date(2008, 7, 1), "confirmed_on": date(2009, 7, 1),
             "membership": "full", "dues_category": "employee", "organization": branch},
            id_card_number=number,
        )  # fmt: skip
    client = api(tenant_a.host, tenant_a.admin)
    client.post("/api/v1/transfer-letters/out-of-group", {"member": member.pk, "external_organization": "外单位党委"})
    body = {
        "name": "吴国强", "gender": "male", "id_card_number": number, "joined_on": "2008-07-01",
        "confirmed_on": "2009-07-01", "membership": "full", "dues_category": "employee", "organization": branch.pk,
        "letter_number": "京组介字2026第0901号", "external_organization": "外单位党委",
    }  # fmt: skip
    registered = client.post("/api/v1/transfer-letters/from-outside", body)
    assert registered.status_code == 201, registered.json()
    with tenant_a.tenant:
        assert Member.objects.filter(name="吴国强").count() == 1
        back = Member.objects.get(pk=member.pk)
        assert back.status == MemberStatus.ACTIVE
        assert {"created", "status", "returned", "transferred_in"} <= set(back.changes.values_list("kind", flat=True))
    # An active record still refuses a second one.
    duplicate = client.post("/api/v1/members", {**body, "letter_number": None} | {"placed_on": "2026-01-01"})
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "members.id_card_taken")


# ---------------------------------------------------------------- a scoped secretary's transfers


def test_a_scoped_secretary_sees_and_acts_on_their_subtrees_transfers_only(
    tenant_a: TenantWorld, tenant_b: TenantWorld
):
    from tenants.access.services import do_assign_role

    committee, first = branch_of(tenant_a)
    with tenant_a.tenant:
        second = do_create_organization(kind="branch", name="第二党支部", parent=committee)
        third = do_create_organization(kind="branch", name="第三党支部", parent=committee)
        group = do_create_organization(kind="party_group", name="第一党小组", parent=first)
    _, b_branch = branch_of(tenant_b, "乙支部")
    ours = {name: member_in(tenant_a, branch, name=name) for name, branch in
            (("出一", group), ("入一", second), ("旁一", second), ("外二", second), ("外一", first),
             ("函二", second))}  # fmt: skip
    theirs = [member_in(tenant_b, b_branch, name=name) for name in ("来一", "来二")]
    with tenant_a.tenant:
        leaving = do_request_transfer(ours["出一"], to_organization=second)  # from the first's party group
        entering = do_request_transfer(ours["入一"], to_organization=first)
        elsewhere = do_request_transfer(ours["旁一"], to_organization=third)
        away = do_request_transfer(ours["外二"], to_tenant=tenant_b.tenant)
        away_from_first = do_request_transfer(ours["外一"], to_tenant=tenant_b.tenant)
    with tenant_b.tenant:
        arrivals = [do_request_transfer(member, to_tenant=tenant_a.tenant) for member in theirs]
    with tenant_a.tenant:
        received = Transfer.objects.get(number=arrivals[0].number)
        do_accept_transfer(received, to_organization=first)  # a transfer from B, received into the first
        waiting = Transfer.objects.get(number=arrivals[1].number)  # no receiving branch chosen yet
        secretary = UserFactory()
        do_assign_role(user=secretary, role="secretary", organization_id=first.pk)
    letter = (
        api(tenant_a.host, tenant_a.admin)
        .post("/api/v1/transfer-letters/out-of-group", {"member": ours["函二"].pk, "external_organization": "外单位"})
        .json()
    )

    client = api(tenant_a.host, secretary)
    listed = client.get("/api/v1/transfers?page_size=50").json()
    assert {t["number"] for t in listed["results"]} == {
        leaving.number, entering.number, away_from_first.number, received.number
    }  # fmt: skip
    assert client.get(f"/api/v1/transfers/{entering.pk}").status_code == 200
    # Another branch's transfers, a letter of another branch and an arrival not yet addressed to the
    # first branch are not found, for reading or acting, as the other apps answer out-of-scope records.
    for hidden in (elsewhere.pk, away.pk, waiting.pk):
        assert client.get(f"/api/v1/transfers/{hidden}").status_code == 404
        for action in ("accept", "reject", "cancel"):
            response = client.post(f"/api/v1/transfers/{hidden}/{action}", {"note": "x", "to_organization": first.pk})
            assert response.status_code == 404, (action, response.json())
    assert client.get(f"/api/v1/transfer-letters/{letter['id']}/letter").status_code == 404
    assert client.post(f"/api/v1/transfer-letters/{letter['id']}/receipt", {"note": "x"}).status_code == 404
    # The sending side sees its transfer but cannot accept it for the receiving branch by naming its own.
    response = client.post(f"/api/v1/transfers/{leaving.pk}/accept", {"to_organization": first.pk})
    assert (response.status_code, response.json()["code"]) == (403, "transfers.out_of_scope")
    assert client.post(f"/api/v1/transfers/{entering.pk}/accept", {}).json()["status"] == "accepted"

    everything = api(tenant_a.host, tenant_a.admin).get("/api/v1/transfers?page_size=50").json()
    assert everything["count"] == 8
