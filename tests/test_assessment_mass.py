"""The masses' rating (issue 16, 群众测评): invitations by card number through the roster (party
members per HR and members here refused), one-time codes stored only as hashes and shown once,
the public ballot (one vote per code, shown by trying twice), unlinkable ballots (every column of
the ballot tables, the audit log, the outbox and even the rows' transaction ids), throttling and
per-endpoint isolation."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.db import connection

from partycloud.audit.models import AuditEvent
from partycloud.hub.models import RosterEntry
from tenants.assessment.mass import ALPHABET, CODE_LENGTH, code_hash
from tenants.assessment.models import MassBallot, MassInvitation, MassRating
from tenants.members.models import Member
from tenants.notifications.models import Notification
from tenants.outbox.models import OutboxEvent
from tests.conftest import TenantWorld, api
from tests.isolation import Endpoint, assert_tenant_isolated
from tests.test_assessment_evaluation import BASE, Branch

BALLOT = "/api/v1/assessment/ballot"


def roster(card: str, name: str, employer: Any = None, *, party: bool = False, department: str = "") -> None:
    connection.set_schema_to_public()
    RosterEntry.objects.create(
        card_number=card, name=name, employer=employer, hr_party_member=party, department=department
    )


@pytest.fixture(autouse=True)
def _ballot_unthrottled(settings: Any) -> None:
    """The tests' many ballot calls from one address; the throttle has its own test below."""
    settings.ASSESSMENT_BALLOT_THROTTLE_RATE = "10000/min"


@pytest.fixture
def branch(tenant_a: TenantWorld, tenant_b: TenantWorld) -> Branch:
    world = Branch(tenant_a, full=3)
    for n in range(1, 6):
        roster(f"M00{n}", f"群众{n}", tenant_a.tenant, department="车间")
    roster("P001", "党员甲", tenant_a.tenant, party=True)
    roster("X001", "别家员工", tenant_b.tenant)
    roster("H001", "本委党员", tenant_a.tenant)  # HR does not know; this tenant's member record does
    with tenant_a.tenant:
        Member.objects.filter(pk=world.people[0][1].pk).update(employee_card_number="h001")
    return world


def open_round(branch: Branch) -> int:
    rid: int = branch.create()["id"]
    assert branch.step(rid, "open").status_code == 200
    return rid


def invite(branch: Branch, rid: int, *cards: str) -> dict[str, Any]:
    response = branch.worker.post(f"{BASE}/{rid}/mass/invitations", {"card_numbers": list(cards)}, format="json")
    assert response.status_code == 201, response.content
    body: dict[str, Any] = response.json()
    return body


def codes_of(body: dict[str, Any]) -> dict[str, str]:
    return {row["card_number"]: row["code"] for row in body["issued"]}


def open_ballot(branch: Branch, code: str) -> Any:
    return api(branch.world.host).post(f"{BALLOT}/open", {"code": code}, format="json")


def vote(branch: Branch, code: str, grade: str = "qualified", **fields: Any) -> Any:
    people = fields.pop("people", None)
    if people is None:
        people = [p["id"] for p in open_ballot(branch, code).json()["people"]]
    body = {"code": code, "ratings": [{"participant": pid, "grade": grade} for pid in people], **fields}
    return api(branch.world.host).post(f"{BALLOT}/vote", body, format="json")


# ---------------------------------------------------------------------------------- invitations


def test_invitations_by_card_refuse_party_members_other_employers_and_unknown_cards(branch: Branch) -> None:
    rid = open_round(branch)
    body = invite(branch, rid, "m001", "M002", "M002", "P001", "X001", "H001", "Z999")
    issued = codes_of(body)
    assert set(issued) == {"M001", "M002"}
    assert {row["card_number"]: row["code"] for row in body["refused"]} == {
        "P001": "evaluation.card_party_member",
        "X001": "evaluation.card_other_employer",
        "H001": "evaluation.card_party_member",
        "Z999": "evaluation.card_unknown",
    }
    for code in issued.values():
        assert len(code) == CODE_LENGTH
        assert set(code) <= set(ALPHABET)
    assert body["ballot_url"].endswith("/ballot")
    assert body["ballot_qr"].startswith("data:image/svg+xml;base64,")
    again = invite(branch, rid, "M001")
    assert again["refused"][0]["code"] == "evaluation.card_invited"
    # the code is stored only as its keyed hash: in no column, not in the listing
    with branch.world.tenant:
        for invitation in MassInvitation.objects.filter(round_id=rid):
            values = [str(getattr(invitation, f.attname)) for f in MassInvitation._meta.concrete_fields]
            assert not any(code in value for code in issued.values() for value in values)
            assert invitation.code_hash == code_hash(issued[invitation.card_number])
    listing = branch.worker.get(f"{BASE}/{rid}/mass/invitations").json()
    assert [(r["card_number"], r["voted"]) for r in listing["results"]] == [("M001", False), ("M002", False)]
    assert "code" not in str(listing["results"])
    with branch.world.tenant:
        invited = AuditEvent.objects.filter(event="evaluation.mass.invite", target_id=str(rid)).get()
    assert invited.details == {"count": 2}


def test_the_candidates_are_this_committees_non_member_employees(branch: Branch) -> None:
    rid = open_round(branch)
    invite(branch, rid, "M001")
    rows = branch.worker.get(f"{BASE}/{rid}/mass/candidates?page_size=100").json()["results"]
    assert [(r["card_number"], r["invited"]) for r in rows] == [
        ("M001", True), ("M002", False), ("M003", False), ("M004", False), ("M005", False),
    ]  # fmt: skip
    searched = branch.worker.get(f"{BASE}/{rid}/mass/candidates?search=群众3").json()["results"]
    assert [r["name"] for r in searched] == ["群众3"]


def test_a_lost_code_is_replaced_until_it_votes_and_an_unused_invitation_withdrawn(branch: Branch) -> None:
    rid = open_round(branch)
    body = invite(branch, rid, "M001", "M002")
    old = codes_of(body)["M001"]
    iid = next(r["id"] for r in body["issued"] if r["card_number"] == "M001")
    reissued = branch.worker.post(f"{BASE}/{rid}/mass/invitations/{iid}/reissue").json()
    assert reissued["code"] != old
    assert open_ballot(branch, old).json()["code"] == "evaluation.code_invalid"
    assert vote(branch, reissued["code"]).status_code == 200
    refused = branch.worker.post(f"{BASE}/{rid}/mass/invitations/{iid}/reissue")
    assert (refused.status_code, refused.json()["code"]) == (409, "evaluation.already_voted")
    assert branch.worker.delete(f"{BASE}/{rid}/mass/invitations/{iid}").status_code == 409
    other = next(r["id"] for r in body["issued"] if r["card_number"] == "M002")
    assert branch.worker.delete(f"{BASE}/{rid}/mass/invitations/{other}").status_code == 204
    assert open_ballot(branch, codes_of(body)["M002"]).json()["code"] == "evaluation.code_invalid"


# ---------------------------------------------------------------------------------- the ballot


def test_a_code_opens_the_ballot_of_the_graded_members_and_votes_once(branch: Branch) -> None:
    rid = open_round(branch)
    code = codes_of(invite(branch, rid, "M001"))["M001"]
    assert open_ballot(branch, "ABCDEFGH").json()["code"] == "evaluation.code_invalid"
    opened = open_ballot(branch, f" {code[:4].lower()}-{code[4:]} ")  # as typed from a slip
    assert opened.status_code == 200, opened.content
    ballot = opened.json()
    assert ballot["branch"] == "第一党支部"
    names = {p["name"] for p in ballot["people"]}
    assert names == {user.name for user, _ in branch.people}  # the probationary member is not rated
    people = [p["id"] for p in ballot["people"]]
    incomplete = vote(branch, code, people=people[:-1])
    assert incomplete.json()["code"] == "evaluation.ballot_incomplete"
    twice = vote(branch, code, people=[*people, people[0]])
    assert twice.json()["code"] == "evaluation.ballot_incomplete"
    first = vote(branch, code, "excellent", branch_grade="qualified")
    assert first.status_code == 200, first.content
    assert first.json() == {"voted": True}
    second = vote(branch, code, people=people)
    assert (second.status_code, second.json()["code"]) == (409, "evaluation.already_voted")
    assert open_ballot(branch, code).json()["code"] == "evaluation.already_voted"
    with branch.world.tenant:
        assert MassBallot.objects.filter(round_id=rid).count() == 1
        assert MassRating.objects.filter(ballot__round_id=rid).count() == len(people)
        assert MassInvitation.objects.get(round_id=rid).voted is True


def test_the_ballot_closes_with_the_round_and_the_tallies_appear(branch: Branch) -> None:
    rid = branch.create()["id"]
    code = codes_of(invite(branch, rid, "M001"))["M001"]  # invited while draft
    assert open_ballot(branch, code).json()["code"] == "evaluation.code_invalid"  # not open yet
    branch.step(rid, "open")
    assert vote(branch, code, "basically_qualified", branch_grade="excellent").status_code == 200
    summary = branch.worker.get(f"{BASE}/{rid}/mass").json()
    assert (summary["invited"], summary["voted"], summary["ballots"]) == (1, 1, 1)
    assert summary["branch"]["total"] == 0  # not while open
    late = codes_of(invite(branch, rid, "M002"))["M002"]
    branch.step(rid, "close")
    assert open_ballot(branch, late).json()["code"] == "evaluation.code_invalid"
    assert vote(branch, late, people=[]).json()["code"] == "evaluation.code_invalid"
    assert (
        branch.worker.post(f"{BASE}/{rid}/mass/invitations", {"card_numbers": ["M003"]}, format="json").status_code
        == 409
    )
    summary = branch.worker.get(f"{BASE}/{rid}/mass").json()
    assert summary["branch"]["excellent"] == 1
    rows = branch.participants(rid)
    assert all(r["mass"]["basically_qualified"] == 1 for r in rows if r["graded"])


def test_ballots_are_unlinkable_to_their_codes_and_voters(branch: Branch) -> None:
    rid = open_round(branch)
    codes = codes_of(invite(branch, rid, "M001", "M002", "M003"))
    with branch.world.tenant:
        audit_before = AuditEvent.objects.count()
        outbox_before = OutboxEvent.objects.count()
        notes_before = Notification.objects.count()
    assert vote(branch, codes["M001"], "excellent").status_code == 200
    assert vote(branch, codes["M002"], "qualified").status_code == 200
    with branch.world.tenant:
        # the ballot tables hold a random key, the round and the grades: nothing else
        assert [f.name for f in MassBallot._meta.concrete_fields] == ["id", "round", "branch_grade"]
        assert [f.name for f in MassRating._meta.concrete_fields] == ["id", "ballot", "participant", "grade"]
        with connection.cursor() as cursor:
            for table, expected in (
                ("assessment_massballot", {"id", "round_id", "branch_grade"}),
                ("assessment_massrating", {"id", "ballot_id", "participant_id", "grade"}),
                ("assessment_massinvitation", {"id", "round_id", "card_number", "name", "code_hash", "voted",
                                               "issued_at"}),
            ):  # fmt: skip
                cursor.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s",
                    [connection.schema_name, table],
                )
                assert {row[0] for row in cursor.fetchall()} == expected
            # no row's transaction id pairs a ballot with its invitation: the round's rows share one
            cursor.execute(
                "SELECT DISTINCT xmin::text FROM assessment_massballot WHERE round_id = %s "
                "UNION SELECT DISTINCT xmin::text FROM assessment_massinvitation WHERE round_id = %s "
                "UNION SELECT DISTINCT r.xmin::text FROM assessment_massrating r "
                "JOIN assessment_massballot b ON b.id = r.ballot_id WHERE b.round_id = %s",
                [rid, rid, rid],
            )
            assert len(cursor.fetchall()) == 1
        ballots = list(MassBallot.objects.filter(round_id=rid))
        assert len(ballots) == 2
        invitations = list(MassInvitation.objects.filter(round_id=rid))
        hashes = {i.code_hash for i in invitations}
        ballot_values = {
            str(getattr(obj, f.attname))
            for obj in [*ballots, *MassRating.objects.filter(ballot__round_id=rid)]
            for f in obj._meta.concrete_fields
        }
        # no code, hash, card or invitation id in any ballot column
        for invitation in invitations:
            assert not {invitation.code_hash, invitation.card_number, invitation.name} & ballot_values
        assert not hashes & ballot_values
        assert not set(codes.values()) & ballot_values
        # voting wrote no audit entry, outbox event or notification (nothing that carries a time)
        assert AuditEvent.objects.count() == audit_before
        assert OutboxEvent.objects.count() == outbox_before
        assert Notification.objects.count() == notes_before
        # and none of the audit log mentions a ballot or a code
        for event in AuditEvent.objects.all():
            text = f"{event.details} {event.target_id} {event.target_label}"
            assert not any(str(b.pk) in text for b in ballots)
            assert not any(code in text for code in codes.values())
    # two codes, two ballots: the grades differ, and nothing says which ballot came from which code
    assert vote(branch, codes["M001"], people=[]).status_code == 409
    with branch.world.tenant:
        assert sorted(set(MassRating.objects.filter(ballot_id=b.pk).values_list("grade", flat=True)).pop()
                      for b in ballots) == ["excellent", "qualified"]  # fmt: skip


def test_the_ballot_is_throttled_per_caller(branch: Branch, settings: Any) -> None:
    settings.ASSESSMENT_BALLOT_THROTTLE_RATE = "3/min"
    client = api(branch.world.host)
    address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"  # a fresh caller
    statuses = [
        client.post(f"{BALLOT}/open", {"code": f"WRONG{n:03d}"}, format="json", REMOTE_ADDR=address).status_code
        for n in range(5)
    ]
    assert statuses[:3] == [400, 400, 400]
    assert statuses[3:] == [429, 429]


# ---------------------------------------------------------------------------------- isolation


def test_every_mass_endpoint_is_isolated_between_tenants_and_from_anonymous(
    tenant_a: TenantWorld, tenant_b: TenantWorld, branch: Branch
) -> None:
    rid = open_round(branch)
    body = invite(branch, rid, "M001", "M002")
    iid = body["issued"][0]["id"]
    code = codes_of(body)["M002"]
    endpoints = [
        Endpoint(f"{BASE}/{rid}/mass/invitations", object_id=iid, change=None, create={"card_numbers": ["M003"]}),
        Endpoint(f"{BASE}/{rid}/mass/candidates", change=None, deletable=False),
        Endpoint(f"{BASE}/{rid}/mass", change=None, deletable=False),
    ]
    for endpoint in endpoints:
        assert_tenant_isolated(endpoint, owner=tenant_a, outsider=tenant_b)
    before = branch.worker.get(f"{BASE}/{rid}/mass/invitations").json()
    for client, expect in (
        (api(tenant_a.host, tenant_b.admin), {403, 404}),
        (api(tenant_a.host), {401}),
        (api(tenant_b.host, tenant_b.admin), {404}),
    ):
        for url, payload in (
            (f"{BASE}/{rid}/mass/invitations", {"card_numbers": ["M004"]}),
            (f"{BASE}/{rid}/mass/invitations/{iid}/reissue", {}),
        ):
            assert client.post(url, payload, format="json").status_code in expect
        assert client.delete(f"{BASE}/{rid}/mass/invitations/{iid}").status_code in expect
    assert branch.worker.get(f"{BASE}/{rid}/mass/invitations").json() == before
    # a code of tenant A opens nothing on tenant B's host
    on_b = api(tenant_b.host).post(f"{BALLOT}/open", {"code": code}, format="json")
    assert on_b.json()["code"] == "evaluation.code_invalid"
    assert vote(branch, code).status_code == 200  # still good at home
