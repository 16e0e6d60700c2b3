"""Signing in to a meeting (issue 15): the rotating QR code (30-second windows, the previous one
still good, bound to its meeting, open from 30 minutes before the start to 30 after the end), once
per person, a member of the organization who was not invited added as an attendee; employee cards
through the group's roster (unknown card 404, a holder who is no member here 400); the host's
manual sign-in, audited; the push to the QR screen; the throttle; isolation of every endpoint."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partycloud.accounts.actor import Actor
from partycloud.accounts.cards import resolve_card
from partycloud.accounts.models import User
from partycloud.audit.models import AuditEvent
from partycloud.core import throttling
from partycloud.core.errors import NotAllowed, NotFoundError, ServiceError
from partycloud.hub.models import RosterEntry
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tenants.meetings import signin
from tenants.meetings.models import ActivityKind, AttendanceStatus, Attendee, Meeting, MeetingStatus
from tenants.meetings.signin import code_window, do_sign_in_by_code, signin_code
from tenants.members.models import Member
from tenants.notifications.consumers import NotificationConsumer
from tenants.organizations.models import Organization
from tenants.organizations.services import do_create_organization
from tests.conftest import TenantWorld, api
from tests.factories import UserFactory
from tests.isolation import Endpoint, assert_tenant_isolated
from tests.test_rollups import new_member
from tests.test_throttling import clear_throttle_keys

T0 = datetime(2026, 11, 20, 19, 0, tzinfo=timezone.get_default_timezone())
# Every member scans within a minute or two: a scan's statements are few and do not grow with the room.
QUERIES_FIRST_SCAN = 13


@dataclass
class Room:
    """A branch meeting under way now, with an invited member, a member of the branch not invited,
    a member of the sibling branch and a guest."""

    world: TenantWorld
    branch: Organization
    sibling: Organization
    meeting: Meeting
    invitee: User
    invitee_row: Attendee
    uninvited: User  # a member of the branch, not on the list
    outsider: User  # a member of the sibling branch
    guest_row: Attendee

    @property
    def base(self) -> str:
        return f"/api/v1/meetings/{self.meeting.pk}"


def member_user(organization: Organization, **fields: Any) -> tuple[User, Member]:
    user = UserFactory()
    return user, new_member(organization, phone=user.phone, name=user.name, **fields)


def make_meeting(organization: Organization, starts_at: datetime, **fields: Any) -> Meeting:
    return Meeting.objects.create(
        organization=organization,
        kind=ActivityKind.objects.get(code="general_meeting"),
        title=fields.pop("title", "第四季度支部党员大会"),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        **fields,
    )


def make_room(world: TenantWorld, starts_at: datetime) -> Room:
    with world.tenant:
        committee = do_create_organization(kind="committee", name=f"{world.tenant.short_name}党委")
        branch = do_create_organization(kind="branch", name="第一党支部", parent=committee)
        sibling = do_create_organization(kind="branch", name="第二党支部", parent=committee)
        invitee, invitee_member = member_user(branch)
        uninvited, _ = member_user(branch)
        outsider, _ = member_user(sibling)
        meeting = make_meeting(branch, starts_at, host=world.secretary)
        invitee_row = Attendee.objects.create(
            meeting=meeting, user=invitee, member=invitee_member, name=invitee_member.name, has_vote=True
        )
        guest_row = Attendee.objects.create(meeting=meeting, name="列席嘉宾", is_guest=True)
    return Room(world, branch, sibling, meeting, invitee, invitee_row, uninvited, outsider, guest_row)


@pytest.fixture
def room(tenant_a: TenantWorld) -> Room:
    """A meeting that started ten minutes ago."""
    return make_room(tenant_a, timezone.now() - timedelta(minutes=10))


@pytest.fixture
def planned(tenant_a: TenantWorld) -> Room:
    """A meeting at a fixed time (services take ``now``)."""
    return make_room(tenant_a, T0)


@pytest.fixture(autouse=True)
def _fresh_throttles() -> Iterator[None]:
    throttling.counter.reset()
    clear_throttle_keys()
    yield
    clear_throttle_keys()
    throttling.counter.reset()


def scan(room: Room, user: User, now: datetime, code: str | None = None) -> signin.SignIn:
    with room.world.tenant:
        meeting = Meeting.objects.select_related("organization").get(pk=room.meeting.pk)
        return do_sign_in_by_code(
            meeting, code or signin_code(meeting, code_window(now)), actor=Actor.for_user(user), now=now
        )


def refusal(call: Any) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        call()
    return caught.value


# ---------------------------------------------------------------- the rotating code


def test_a_code_is_good_in_its_window_and_the_next_then_expires(planned: Room):
    shown_at = T0 + timedelta(seconds=5)
    with planned.world.tenant:
        meeting = Meeting.objects.get(pk=planned.meeting.pk)
        code = signin_code(meeting, code_window(shown_at))
        assert code != signin_code(meeting, code_window(shown_at) + 1), "a new code every 30 seconds"
    assert len(code) == 16
    # Two windows later the code is refused; the previous window's code is still good.
    late = shown_at + timedelta(seconds=60)
    assert refusal(lambda: scan(planned, planned.invitee, late, code)).code == "meetings.signin_code_invalid"
    signed = scan(planned, planned.invitee, shown_at + timedelta(seconds=30), code)
    assert (signed.already, signed.attendee.status, signed.attendee.method) == (False, "present", "qr")
    assert signed.attendee.signed_in_at == shown_at + timedelta(seconds=30)


def test_a_wrong_code_is_refused_and_lower_case_is_accepted(planned: Room):
    now = T0 + timedelta(minutes=1)
    assert refusal(lambda: scan(planned, planned.invitee, now, "AAAAAAAAAAAAAAAA")).code == (
        "meetings.signin_code_invalid"
    )
    with planned.world.tenant:
        code = signin_code(Meeting.objects.get(pk=planned.meeting.pk), code_window(now))
    assert scan(planned, planned.invitee, now, f" {code.lower()} ").attendee.status == "present"


def test_a_code_of_one_meeting_is_refused_by_another(planned: Room):
    now = T0 + timedelta(minutes=5)
    with planned.world.tenant:
        other = make_meeting(planned.branch, T0, title="党课")
        foreign_code = signin_code(other, code_window(now))
    error = refusal(lambda: scan(planned, planned.invitee, now, foreign_code))
    assert (error.code, error.field) == ("meetings.signin_code_invalid", "code")
    with planned.world.tenant:
        assert Attendee.objects.get(pk=planned.invitee_row.pk).status == AttendanceStatus.INVITED


def test_sign_in_opens_30_minutes_before_the_start_and_closes_30_after_the_end(planned: Room):
    ends = T0 + timedelta(hours=1)
    for moment in (T0 - timedelta(minutes=30, seconds=1), ends + timedelta(minutes=30, seconds=1)):
        assert refusal(lambda moment=moment: scan(planned, planned.invitee, moment)).code == "meetings.signin_closed"
    assert scan(planned, planned.invitee, T0 - timedelta(minutes=30)).attendee.status == "present"
    assert scan(planned, planned.uninvited, ends + timedelta(minutes=30)).attendee.status == "present"


def test_a_cancelled_meeting_takes_no_sign_in(planned: Room):
    with planned.world.tenant:
        Meeting.objects.filter(pk=planned.meeting.pk).update(status=MeetingStatus.CANCELLED)
    assert refusal(lambda: scan(planned, planned.invitee, T0)).code == "meetings.cancelled"


def test_a_member_signs_in_once_the_first_time_is_kept(planned: Room):
    first = scan(planned, planned.invitee, T0 + timedelta(minutes=1))
    again = scan(planned, planned.invitee, T0 + timedelta(minutes=7))
    assert (again.already, again.attendee.pk) == (True, first.attendee.pk)
    assert again.attendee.signed_in_at == T0 + timedelta(minutes=1)


def test_a_member_of_the_branch_not_invited_is_added_and_one_elsewhere_is_refused(planned: Room):
    now = T0 + timedelta(minutes=2)
    added = scan(planned, planned.uninvited, now).attendee
    with planned.world.tenant:
        member = Member.objects.get(user=planned.uninvited)
        row = Attendee.objects.get(pk=added.pk)
    assert (row.user_id, row.member_id, row.name, row.has_vote, row.status, row.method) == (
        planned.uninvited.pk, member.pk, member.name, True, "present", "qr"
    )  # fmt: skip
    error = refusal(lambda: scan(planned, planned.outsider, now))
    assert (error.code, error.status) == ("meetings.not_invited", 403)
    stranger = UserFactory()
    assert refusal(lambda: scan(planned, stranger, now)).code == "meetings.not_invited"


def test_an_invitee_listed_by_member_record_before_having_an_account_signs_in(planned: Room):
    with planned.world.tenant:
        member = new_member(planned.sibling)  # invited from elsewhere, e.g. a guest speaker of the committee
        row = Attendee.objects.create(meeting=planned.meeting, member=member, name=member.name)
        user = UserFactory()
        Member.objects.filter(pk=member.pk).update(user=user)
    signed = scan(planned, user, T0)
    assert (signed.attendee.pk, signed.attendee.user_id, signed.attendee.status) == (row.pk, user.pk, "present")


def test_a_probationary_member_added_at_sign_in_has_no_vote(planned: Room):
    with planned.world.tenant:
        user, _ = member_user(planned.branch, membership="probationary", confirmed_on=None)
    assert scan(planned, user, T0).attendee.has_vote is False


# ---------------------------------------------------------------- through the API


def test_the_qr_screen_shows_a_code_a_member_scans_from_the_image_url(room: Room):
    qr = api(room.world.host, room.world.secretary).get(f"{room.base}/qr")
    assert qr.status_code == 200, qr.content
    body = qr.json()
    assert body["window_seconds"] == 30
    url = urlparse(body["url"])
    assert url.netloc.startswith(room.world.host)
    assert url.path == f"/meetings/{room.meeting.pk}/sign-in"
    assert parse_qs(url.query)["code"] == [body["code"]]
    assert body["svg_data_url"].startswith("data:image/svg+xml;base64,")
    assert b"<svg" in base64.b64decode(body["svg_data_url"].split(",", 1)[1])
    assert datetime.fromisoformat(body["expires_at"]) > timezone.now()
    member = api(room.world.host, room.invitee)
    signed = member.post(f"{room.base}/sign-in", {"code": body["code"]}, format="json")
    assert signed.status_code == 200, signed.content
    first = signed.json()
    assert (first["status"], first["method"], first["already"], first["attendee"]["id"]) == (
        "present", "qr", False, room.invitee_row.pk
    )  # fmt: skip
    again = member.post(f"{room.base}/sign-in", {"code": body["code"]}, format="json").json()
    assert (again["already"], again["signed_in_at"]) == (True, first["signed_in_at"])


def test_api_refusals_carry_code_and_field(room: Room):
    member = api(room.world.host, room.invitee)
    wrong = member.post(f"{room.base}/sign-in", {"code": "WRONG"}, format="json")
    assert (wrong.status_code, wrong.json()["code"], wrong.json()["field"]) == (
        400, "meetings.signin_code_invalid", "code"
    )  # fmt: skip
    assert wrong.json()["message"] == "签到码错误或已过期，请重新扫码。"
    missing = member.post(f"{room.base}/sign-in", {}, format="json")
    assert missing.status_code == 400
    assert member.post("/api/v1/meetings/999999/sign-in", {"code": "X"}, format="json").status_code == 404


def test_the_qr_code_is_refused_outside_the_sign_in_window(tenant_a: TenantWorld):
    later = make_room(tenant_a, timezone.now() + timedelta(hours=2))
    response = api(tenant_a.host, tenant_a.admin).get(f"{later.base}/qr")
    assert (response.status_code, response.json()["code"]) == (400, "meetings.signin_closed")
    # The screen can say when it opens.
    opens_at = datetime.fromisoformat(response.json()["opens_at"])
    assert opens_at == later.meeting.starts_at - timedelta(minutes=30)
    assert datetime.fromisoformat(response.json()["closes_at"]) == later.meeting.ends_at + timedelta(minutes=30)


def test_a_secretary_of_an_enclosing_organization_shows_the_code(room: Room):
    scoped = UserFactory()
    with room.world.tenant:
        committee_id = Organization.objects.get(pk=room.branch.pk).parent_id
        do_assign_role(user=scoped, role=TenantRole.COMMITTEE_MEMBER, organization_id=committee_id)
    assert api(room.world.host, scoped).get(f"{room.base}/qr").status_code == 200


def test_a_secretary_outside_the_branch_gets_no_qr_card_or_manual_sign_in(room: Room):
    scoped = UserFactory()
    with room.world.tenant:
        do_assign_role(user=scoped, role=TenantRole.SECRETARY, organization_id=room.sibling.pk)
    client = api(room.world.host, scoped)
    for response in (
        client.get(f"{room.base}/qr"),
        client.post(f"{room.base}/card-sign-in", {"card_number": room.invitee.employee_card_number}, format="json"),
        client.post(f"{room.base}/attendees/{room.guest_row.pk}/sign-in"),
    ):
        assert (response.status_code, response.json()["code"]) == (403, "meetings.out_of_scope")
    # A member (no managing role) cannot show the code either.
    assert api(room.world.host, room.world.member).get(f"{room.base}/qr").status_code == 403


def test_a_sign_in_is_pushed_to_the_qr_screen_and_the_host(
    room: Room, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
):
    sent: list[list[tuple[str, dict[str, Any]]]] = []
    monkeypatch.setattr("tenants.notifications.services.send_to_groups", sent.append)
    code = api(room.world.host, room.world.admin).get(f"{room.base}/qr").json()["code"]
    with django_capture_on_commit_callbacks(execute=True):
        api(room.world.host, room.invitee).post(f"{room.base}/sign-in", {"code": code}, format="json")
    assert len(sent) == 1
    schema = room.world.tenant.schema_name
    groups = {group for group, _ in sent[0]}
    assert groups == {f"t.{schema}.user.{room.world.admin.pk}", f"t.{schema}.user.{room.world.secretary.pk}"}
    event = sent[0][0][1]
    assert event["type"] == "event.message"
    assert {k: v for k, v in event["event"].items() if k != "signed_in_at"} == {
        "type": "meetings.signed_in",
        "meeting": room.meeting.pk,
        "attendee": room.invitee_row.pk,
        "name": room.invitee_row.name,
        "method": "qr",
    }


def test_the_notifications_socket_forwards_a_live_event_as_it_is():
    consumer = NotificationConsumer()
    out: list[Any] = []

    async def send_json(content: Any, close: bool = False) -> None:
        out.append(content)

    consumer.send_json = send_json  # type: ignore[method-assign]
    event = {"type": "event.message", "event": {"type": "meetings.signed_in", "meeting": 1}}
    async_to_sync(consumer.event_message)(event)
    assert out == [{"type": "meetings.signed_in", "meeting": 1}]


def test_the_sign_in_endpoints_are_throttled(room: Room, settings: Any):
    settings.MEETINGS_SIGNIN_THROTTLE_RATE = "3/min"
    member = api(room.world.host, room.outsider)
    statuses = [member.post(f"{room.base}/sign-in", {"code": "X"}, format="json").status_code for _ in range(4)]
    assert statuses == [403, 403, 403, 429]
    # The host's card reader is counted apart from the host's own scans.
    host = api(room.world.host, room.world.secretary)
    assert host.post(f"{room.base}/sign-in", {"code": "X"}, format="json").status_code == 403  # no member
    cards = [host.post(f"{room.base}/card-sign-in", {"card_number": "E0"}).status_code for _ in range(4)]
    assert cards == [404, 404, 404, 429]


# ---------------------------------------------------------------- employee cards through the roster


def roster(card: str, name: str, employer: Any = None) -> None:
    connection.set_schema_to_public()
    RosterEntry.objects.create(card_number=card, name=name, employer=employer)


def card_sign_in(room: Room, card: str, user: User | None = None) -> Any:
    return api(room.world.host, user or room.world.secretary).post(
        f"{room.base}/card-sign-in", {"card_number": card}, format="json"
    )


def test_the_card_port_reads_the_roster(tenant_a: TenantWorld):
    roster("E700001", "张卫国", tenant_a.tenant)
    holder = resolve_card(" e700001 ")
    assert holder is not None
    assert (holder.card_number, holder.name, holder.employer_id) == ("E700001", "张卫国", tenant_a.tenant.pk)
    with tenant_a.tenant:  # the roster is in the public schema, read from a tenant's
        assert resolve_card("E700001") == holder
    assert resolve_card("E799999") is None
    assert resolve_card("  ") is None


def test_a_card_signs_in_its_holder_through_the_roster(room: Room):
    card = room.invitee.employee_card_number
    assert card
    roster(card, room.invitee.name, room.world.tenant)
    response = card_sign_in(room, card.lower())
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["attendee"]["id"], body["name"], body["method"], body["already"]) == (
        room.invitee_row.pk, room.invitee_row.name, "card", False
    )  # fmt: skip
    with room.world.tenant:
        assert Attendee.objects.get(pk=room.invitee_row.pk).signed_in_by_id == room.world.secretary.pk
    assert card_sign_in(room, card).json()["already"] is True


def test_an_unknown_card_is_404_and_a_holder_who_is_no_member_here_400(room: Room):
    unknown = card_sign_in(room, "E799999")
    assert (unknown.status_code, unknown.json()["code"], unknown.json()["field"]) == (
        404, "meetings.card_unknown", "card_number"
    )  # fmt: skip
    # On the roster, but with no member record in this tenant.
    roster("E700002", "赵六")
    stranger = card_sign_in(room, "E700002")
    assert (stranger.status_code, stranger.json()["code"]) == (400, "meetings.card_not_member")
    # A member of the sibling branch.
    card = room.outsider.employee_card_number
    assert card
    roster(card, room.outsider.name)
    sibling = card_sign_in(room, card)
    assert (sibling.status_code, sibling.json()["code"]) == (400, "meetings.card_not_member")
    with room.world.tenant:
        assert not Attendee.objects.filter(meeting=room.meeting, user=room.outsider).exists()


def test_a_card_found_on_a_member_record_without_an_account_adds_the_member(room: Room):
    with room.world.tenant:
        member = new_member(room.branch, employee_card_number="E700003")
    roster("E700003", member.name)
    body = card_sign_in(room, "E700003").json()
    with room.world.tenant:
        row = Attendee.objects.get(pk=body["attendee"]["id"])
    assert (row.member_id, row.user_id, row.status, row.method) == (member.pk, None, "present", "card")
    assert card_sign_in(room, "E700003").json() | {"already": False} == body


# ---------------------------------------------------------------- manual sign-in


def test_the_host_signs_in_a_guest_by_hand_audited(room: Room):
    client = api(room.world.host, room.world.secretary)
    response = client.post(f"{room.base}/attendees/{room.guest_row.pk}/sign-in")
    assert response.status_code == 200, response.content
    assert (response.json()["method"], response.json()["already"]) == ("manual", False)
    with room.world.tenant:
        row = Attendee.objects.get(pk=room.guest_row.pk)
        assert (row.status, row.method, row.signed_in_by_id) == ("present", "manual", room.world.secretary.pk)
    connection.set_schema_to_public()
    audit = AuditEvent.objects.filter(event="meetings.attendee.sign_in", target_id=str(room.guest_row.pk))
    assert audit.count() == 1
    entry = audit.get()
    assert (entry.actor_id, entry.tenant_id, entry.details["user"]) == (
        room.world.secretary.pk, room.world.tenant.pk, "列席嘉宾"
    )  # fmt: skip
    # Again: already, and no second entry.
    assert client.post(f"{room.base}/attendees/{room.guest_row.pk}/sign-in").json()["already"] is True
    assert audit.count() == 1
    # An attendee of another meeting is not this meeting's.
    with room.world.tenant:
        other = make_meeting(room.branch, room.meeting.starts_at, title="党课")
        stray = Attendee.objects.create(meeting=other, name="他人", is_guest=True)
    assert client.post(f"{room.base}/attendees/{stray.pk}/sign-in").status_code == 404


def test_manual_sign_in_is_for_managers_only(room: Room):
    response = api(room.world.host, room.invitee).post(f"{room.base}/attendees/{room.invitee_row.pk}/sign-in")
    assert response.status_code == 403


# ---------------------------------------------------------------- isolation


def test_every_sign_in_endpoint_is_isolated_between_tenants_and_from_anonymous(room: Room, tenant_b: TenantWorld):
    code = api(room.world.host, room.world.admin).get(f"{room.base}/qr").json()["code"]
    card = room.invitee.employee_card_number
    roster(str(card), room.invitee.name)
    volatile = ("url", "code", "expires_at", "svg_data_url")
    qr_url = f"{room.base}/qr"
    for endpoint in (
        Endpoint(qr_url, detail_url=qr_url, change=None, deletable=False, volatile=volatile),
        Endpoint(f"{room.base}/sign-in", change=None, deletable=False, create={"code": code}),
        Endpoint(f"{room.base}/card-sign-in", change=None, deletable=False, create={"card_number": card}),
        Endpoint(f"{room.base}/attendees/{room.invitee_row.pk}/sign-in", change=None, deletable=False, create={}),
    ):
        assert_tenant_isolated(endpoint, owner=room.world, outsider=tenant_b)
    # Tenant B's people on A's host, and B's admin on B's own host: nobody was signed in.
    for user in (tenant_b.admin, tenant_b.member, None):
        client = api(room.world.host, user)
        assert client.post(f"{room.base}/sign-in", {"code": code}, format="json").status_code in {401, 403}
        assert client.post(f"{room.base}/card-sign-in", {"card_number": card}, format="json").status_code in {
            401, 403
        }  # fmt: skip
    on_b = api(tenant_b.host, tenant_b.admin)
    assert on_b.post(f"{room.base}/card-sign-in", {"card_number": card}, format="json").status_code == 404
    assert on_b.post(f"{room.base}/attendees/{room.invitee_row.pk}/sign-in").status_code == 404
    assert api(tenant_b.host, tenant_b.member).post(f"{room.base}/sign-in", {"code": code}).status_code == 404
    with room.world.tenant:
        assert not Attendee.objects.filter(meeting=room.meeting, status=AttendanceStatus.PRESENT).exists()


@pytest.mark.parametrize("who", ["b_admin", "anonymous"])
def test_services_refuse_callers_without_a_place_here(room: Room, tenant_b: TenantWorld, who: str):
    user = tenant_b.admin if who == "b_admin" else None
    with room.world.tenant:
        meeting = Meeting.objects.select_related("organization").get(pk=room.meeting.pk)
        with pytest.raises(NotAllowed):
            do_sign_in_by_code(meeting, "X", actor=Actor.for_user(user))
        with pytest.raises(NotAllowed):
            signin.managed_meeting(Actor.for_user(user), meeting.pk)
        with pytest.raises(NotFoundError):
            signin.meeting_or_404(meeting.pk + 1000)


def test_a_scan_costs_a_bounded_number_of_queries_whatever_the_room_size(room: Room):
    with room.world.tenant:
        for n in range(30):
            Attendee.objects.create(meeting=room.meeting, name=f"嘉宾{n}", is_guest=True)
    code = api(room.world.host, room.world.admin).get(f"{room.base}/qr").json()["code"]
    client = api(room.world.host, room.uninvited)
    with CaptureQueriesContext(connection) as first:
        assert client.post(f"{room.base}/sign-in", {"code": code}, format="json").status_code == 200
    with CaptureQueriesContext(connection) as again:
        assert client.post(f"{room.base}/sign-in", {"code": code}, format="json").json()["already"] is True
    # search_path ×2, host, user, meeting, savepoint, lock, member records, attendee, (vote, insert, update), release.
    assert len(first.captured_queries) <= QUERIES_FIRST_SCAN
    assert len(again.captured_queries) <= QUERIES_FIRST_SCAN - 3  # no vote, insert or update
