"""Anonymous votes (issue 17, 匿名投票): options and windows validated, the eligible voters fixed
at opening, one vote per voter (also when the same voter casts twice at once), exact counts under
30 parallel voters, the tally hidden until closing while the turnout is live, the beat opening
and closing, and unlinkability: every table of the tenant's and the public schema inspected
before and after each cast (rows, contents and row versions), every log record, the audit log.
Plus per-endpoint isolation."""

from __future__ import annotations

import json
import logging
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from partycloud.audit.models import AuditEvent
from partycloud.core.errors import ServiceError
from partycloud.tenancy.services import CommitteeDraft, do_provision_tenant
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tenants.members.models import Member
from tenants.notifications.models import Notification
from tenants.organizations.models import Organization
from tenants.organizations.services import do_create_organization
from tenants.supervision import votes
from tenants.supervision.models import CampaignStatus, Vote, VoteOption, VoteVoter
from tenants.supervision.votes_tasks import sweep_votes
from tests.conftest import TenantWorld, api
from tests.factories import UserFactory, next_unified_code
from tests.isolation import Endpoint, assert_tenant_isolated
from tests.test_assessment_evaluation import person, scoped
from tests.test_meetings_records import new_member, tree

BASE = "/api/v1/supervision"


class Unit:
    """Tenant A's first branch: ``size`` members with accounts (one in its party group), one
    member of the second branch, and the first branch's secretary as the organizer."""

    def __init__(self, world: TenantWorld, size: int = 3) -> None:
        self.world = world
        self.orgs = tree(world)
        self.people = [person(world, self.orgs["first"]) for _ in range(size - 1)]
        self.people.append(person(world, self.orgs["group"]))
        self.outsider = person(world, self.orgs["second"])
        self.secretary = scoped(world, self.orgs["first"])
        self.worker = api(world.host, self.secretary)

    @property
    def voters(self) -> list[User]:
        return [user for user, _member in self.people]

    def client(self, user: User) -> Any:
        return api(self.world.host, user)


def window(**shift: Any) -> dict[str, str]:
    now = timezone.now()
    return {
        "opens_at": (now + shift.get("opens", timedelta(minutes=-1))).isoformat(),
        "closes_at": (now + shift.get("closes", timedelta(days=1))).isoformat(),
    }


def create_vote(unit: Unit, **fields: Any) -> dict[str, Any]:
    body = {
        "organization": unit.orgs["first"].pk, "title": "支部委员候选人预备人选", "scope": "subtree",
        "max_choices": 1, "options": ["张三 Ω-甲", "李四 Ω-乙", "王五 Ω-丙"], **window(),
    } | fields  # fmt: skip
    response = unit.worker.post(f"{BASE}/votes", body, format="json")
    assert response.status_code == 201, response.content
    created: dict[str, Any] = response.json()
    return created


def open_vote(unit: Unit, **fields: Any) -> dict[str, Any]:
    vote = create_vote(unit, **fields)
    response = unit.worker.post(f"{BASE}/votes/{vote['id']}/open")
    assert response.status_code == 200, response.content
    opened: dict[str, Any] = response.json()
    return opened


def cast(unit: Unit, user: User, vote_id: int, options: list[int]) -> Any:
    return unit.client(user).post(f"{BASE}/votes/mine/{vote_id}/cast", {"options": options}, format="json")


def option_ids(vote: dict[str, Any]) -> list[int]:
    return [o["id"] for o in vote["options"]]


@pytest.fixture
def unit(tenant_a: TenantWorld) -> Unit:
    return Unit(tenant_a)


# ---------------------------------------------------------------------------------- drafts and opening


def test_a_vote_is_drafted_then_opened_to_its_scope_in_member_order_and_the_voters_told(unit: Unit) -> None:
    vote = create_vote(unit)
    assert (vote["status"], vote["eligible_count"], vote["can_edit"]) == ("draft", 0, True)
    assert [o["text"] for o in vote["options"]] == ["张三 Ω-甲", "李四 Ω-乙", "王五 Ω-丙"]
    changed = unit.worker.patch(f"{BASE}/votes/{vote['id']}", {"max_choices": 2, "title": "改名"}, format="json")
    assert (changed.json()["max_choices"], changed.json()["title"]) == (2, "改名")
    assert unit.client(unit.voters[0]).get(f"{BASE}/votes/mine/{vote['id']}").status_code == 404  # a draft
    opened = unit.worker.post(f"{BASE}/votes/{vote['id']}/open").json()
    assert (opened["status"], opened["eligible_count"], opened["voted_count"]) == ("open", 3, 0)
    assert opened["can_edit"] is False
    with unit.world.tenant:
        voters = list(VoteVoter.objects.filter(vote_id=vote["id"]).order_by("id"))
        members = {m.user_id: m.pk for m in Member.objects.filter(user__in=unit.voters)}
        assert [members[v.user_id] for v in voters] == sorted(members.values())  # rows in member order
        assert not any(v.voted for v in voters)
        told = Notification.objects.filter(kind="supervision.notice", link=f"/supervision/votes/{vote['id']}")
        assert set(told.values_list("user_id", flat=True)) == {u.pk for u in unit.voters}
    # the second branch's member is not in the first branch's subtree
    assert unit.client(unit.outsider[0]).get(f"{BASE}/votes/mine/{vote['id']}").status_code == 404
    late = unit.worker.patch(f"{BASE}/votes/{vote['id']}", {"title": "再改"}, format="json")
    assert (late.status_code, late.json()["code"]) == (409, "supervision.vote_not_draft")
    assert unit.worker.delete(f"{BASE}/votes/{vote['id']}").status_code == 409
    again = unit.worker.post(f"{BASE}/votes/{vote['id']}/open")
    assert (again.status_code, again.json()["code"]) == (409, "supervision.vote_bad_transition")


def test_options_choices_windows_scope_and_markings_are_validated(unit: Unit) -> None:
    def refused(**fields: Any) -> str:
        body = {"organization": unit.orgs["first"].pk, "title": "表决", "options": ["同意", "不同意"], **window()}
        response = unit.worker.post(f"{BASE}/votes", body | fields, format="json")
        assert response.status_code in {400, 403, 404}, response.content
        code: str = response.json()["code"]
        return code

    assert refused(options=["同意", " 同意 "]) == "supervision.bad_options"
    assert refused(options=["同意", " "]) == "validation.blank"
    assert refused(options=["同意"]) == "validation.min_length"
    assert refused(max_choices=3) == "supervision.bad_max_choices"
    assert refused(**window(closes=timedelta(minutes=-2))) == "supervision.bad_window"
    assert refused(**window(opens=timedelta(days=-3), closes=timedelta(days=-1))) == "supervision.window_over"
    assert refused(scope="group") == "validation.invalid_choice"
    assert refused(organization=unit.orgs["second"].pk) == "supervision.out_of_scope"
    assert refused(title="关于人选的意见 机密★") == "confidentiality.classified"
    assert refused(options=["同意", "【绝密】名单"]) == "confidentiality.classified"
    with unit.world.tenant:
        assert AuditEvent.objects.filter(event="supervision.vote.classified.refuse").count() == 2
        assert not Vote.objects.exists()
    member = unit.client(unit.voters[0]).post(
        f"{BASE}/votes", {"organization": unit.orgs["first"].pk, "title": "x", "options": ["a", "b"], **window()}
    )
    assert member.status_code == 403


def test_a_draft_is_deleted_and_a_cancelled_vote_never_shows_a_tally(unit: Unit) -> None:
    draft = create_vote(unit)
    assert unit.worker.delete(f"{BASE}/votes/{draft['id']}").status_code == 204
    vote = open_vote(unit)
    assert cast(unit, unit.voters[0], vote["id"], option_ids(vote)[:1]).status_code == 200
    cancelled = unit.worker.post(f"{BASE}/votes/{vote['id']}/cancel").json()
    assert (cancelled["status"], cancelled["tally_available"]) == ("cancelled", False)
    hidden = unit.worker.get(f"{BASE}/votes/{vote['id']}/tally")
    assert (hidden.status_code, hidden.json()["code"]) == (409, "supervision.vote_tally_hidden")
    assert cast(unit, unit.voters[1], vote["id"], option_ids(vote)[:1]).json()["code"] == "supervision.vote_not_open"


def test_a_vote_nobody_can_answer_is_not_opened(unit: Unit, tenant_a: TenantWorld) -> None:
    admin = api(tenant_a.host, tenant_a.admin)
    body = {
        "organization": unit.orgs["committee"].pk,
        "scope": "unit",
        "title": "空",
        "options": ["a", "b"],
        **window(),
    }
    vote = admin.post(f"{BASE}/votes", body, format="json").json()
    refused = admin.post(f"{BASE}/votes/{vote['id']}/open")
    assert (refused.status_code, refused.json()["code"]) == (409, "supervision.no_recipients")
    with tenant_a.tenant:
        assert sweep_votes() == {"opened": 0, "closed": 0}  # the beat leaves it a draft
        assert Vote.objects.get(pk=vote["id"]).status == CampaignStatus.DRAFT


# ---------------------------------------------------------------------------------- casting


def test_each_eligible_voter_votes_once_and_the_tally_shows_only_after_closing(unit: Unit, tenant_a: TenantWorld):
    vote = open_vote(unit, max_choices=2)
    vid, (a, b, c) = vote["id"], option_ids(vote)
    first, second, third = unit.voters
    assert cast(unit, first, vid, [a, a]).json()["code"] == "supervision.bad_ballot"  # not distinct
    assert cast(unit, first, vid, [a, b, c]).json()["code"] == "supervision.bad_ballot"  # over max_choices
    assert cast(unit, first, vid, []).json()["code"] == "validation.min_length"
    done = cast(unit, first, vid, [a, b])
    assert done.status_code == 200, done.content
    assert done.json() == {"voted": True, "eligible_count": 3, "voted_count": 1, "turnout": 33.3}
    twice = cast(unit, first, vid, [c])
    assert (twice.status_code, twice.json()["code"]) == (409, "supervision.already_voted")
    # members outside the scope, and users who are no member at all, are not eligible
    assert cast(unit, unit.outsider[0], vid, [a]).status_code == 404
    assert cast(unit, tenant_a.member, vid, [a]).status_code == 404
    with unit.world.tenant:
        with pytest.raises(ServiceError) as refused:
            votes.do_cast(Vote.objects.get(pk=vid), [a], actor=Actor.for_user(tenant_a.member))
        assert refused.value.code == "supervision.not_eligible"
    # an option of another vote is refused like any wrong option
    other = open_vote(unit)
    assert cast(unit, second, vid, [option_ids(other)[0]]).json()["code"] == "supervision.bad_ballot"
    assert cast(unit, second, vid, [c]).status_code == 200
    # turnout is live for voters and organizers; the tally is not
    mine = unit.client(third).get(f"{BASE}/votes/mine/{vid}").json()
    assert (mine["voted"], mine["can_vote"], mine["voted_count"], mine["tally_available"]) == (False, True, 2, False)
    assert unit.client(first).get(f"{BASE}/votes/mine/{vid}").json()["voted"] is True
    assert unit.worker.get(f"{BASE}/votes/{vid}/turnout").json() == {
        "eligible_count": 3, "voted_count": 2, "turnout": 66.7,
    }  # fmt: skip
    for client, url in (
        (unit.worker, f"{BASE}/votes/{vid}/tally"),
        (unit.client(first), f"{BASE}/votes/mine/{vid}/tally"),
    ):
        hidden = client.get(url)
        assert (hidden.status_code, hidden.json()["code"]) == (409, "supervision.vote_tally_hidden")
    assert "count" not in json.dumps(unit.worker.get(f"{BASE}/votes/{vid}").json()["options"])
    closed = unit.worker.post(f"{BASE}/votes/{vid}/close").json()
    assert (closed["status"], closed["tally_available"]) == ("closed", True)
    assert cast(unit, third, vid, [a]).json()["code"] == "supervision.vote_not_open"
    tally = unit.client(first).get(f"{BASE}/votes/mine/{vid}/tally").json()
    assert [(o["text"], o["count"], o["percent"]) for o in tally["options"]] == [
        ("张三 Ω-甲", 1, 50.0), ("李四 Ω-乙", 1, 50.0), ("王五 Ω-丙", 1, 50.0),
    ]  # fmt: skip
    assert (tally["voted_count"], tally["eligible_count"]) == (2, 3)
    assert unit.worker.get(f"{BASE}/votes/{vid}/tally").json() == tally


def test_the_beat_opens_due_drafts_and_closes_votes_whose_window_is_over(unit: Unit) -> None:
    later = create_vote(unit, **window(opens=timedelta(hours=1)))
    due = create_vote(unit)
    with unit.world.tenant:
        assert sweep_votes() == {"opened": 1, "closed": 0}
        assert Vote.objects.get(pk=due["id"]).status == CampaignStatus.OPEN
        assert Vote.objects.get(pk=later["id"]).status == CampaignStatus.DRAFT
        assert VoteVoter.objects.filter(vote_id=due["id"]).count() == 3
        Vote.objects.filter(pk=due["id"]).update(closes_at=timezone.now() - timedelta(seconds=1))
        assert sweep_votes() == {"opened": 0, "closed": 1}
        assert sweep_votes() == {"opened": 0, "closed": 0}  # idempotent
        closed = Vote.objects.get(pk=due["id"])
        assert closed.status == CampaignStatus.CLOSED
        assert closed.closed_at is not None
    assert unit.worker.get(f"{BASE}/votes/{due['id']}/tally").status_code == 200


# ---------------------------------------------------------------------------------- unlinkability


def _tables(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname = %s "
            "ORDER BY 1",
            [schema],
        )
        return [row[0] for row in cursor.fetchall()]


def snapshot(schemas: list[str]) -> dict[str, set[tuple[str, str]]]:
    """Every row of every table of ``schemas``: (its row version, its contents)."""
    rows: dict[str, set[tuple[str, str]]] = {}
    with connection.cursor() as cursor:
        for schema in schemas:
            for table in _tables(schema):
                cursor.execute(f"SELECT xmin::text, to_jsonb(t)::text FROM {table} t")
                rows[table] = {(xmin, contents) for xmin, contents in cursor.fetchall()}
    return rows


def changes(before: dict[str, set[tuple[str, str]]], after: dict[str, set[tuple[str, str]]]) -> dict[str, list[Any]]:
    """The rows that are new or rewritten (a new version or new contents), per table."""
    changed = {}
    for table, rows in after.items():
        new = rows - before.get(table, set())
        if new:
            changed[table] = [(xmin, json.loads(contents)) for xmin, contents in new]
    return changed


def test_a_ballot_cannot_be_linked_to_its_voter_in_any_table_log_or_audit_entry(
    unit: Unit, caplog: pytest.LogCaptureFixture, settings: Any
) -> None:
    settings.LOG_REQUESTS = True  # the request log too
    vote = open_vote(unit, options=["赞成 Ω-赞", "反对 Ω-反", "弃权 Ω-弃"])
    vid, ids = vote["id"], option_ids(vote)
    texts = ["赞成 Ω-赞", "反对 Ω-反", "弃权 Ω-弃"]
    schema = unit.world.tenant.schema_name
    with unit.world.tenant:
        voter_rows = dict(VoteVoter.objects.filter(vote_id=vid).values_list("user_id", "pk"))
        audit_before = AuditEvent.objects.count()
    # the only columns: no time, no choice beside the voter, no ballot table at all
    with connection.cursor() as cursor:
        for table, expected in (
            ("supervision_votevoter", {"id", "vote_id", "user_id", "organization_id", "voted"}),
            ("supervision_voteoption", {"id", "vote_id", "position", "text", "count"}),
        ):
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s",
                [schema, table],
            )
            assert {row[0] for row in cursor.fetchall()} == expected

    caplog.set_level(logging.DEBUG)  # every logger, every level (the SQL log too, silenced by default)
    for name in [*logging.Logger.manager.loggerDict, "django.db.backends", "partycloud.request"]:
        caplog.set_level(logging.DEBUG, logger=name)
    statements: list[str] = []
    for user, choice in zip(unit.voters, ([ids[0]], [ids[1]], [ids[2]]), strict=True):
        connection.set_schema_to_public()
        with unit.world.tenant:
            before = snapshot([schema, "public"])
        with CaptureQueriesContext(connection) as queries:  # Django's debug cursor on: it must see no choice
            assert cast(unit, user, vid, choice).status_code == 200
        statements += [q["sql"] for q in queries.captured_queries]
        with unit.world.tenant:
            changed = changes(before, snapshot([schema, "public"]))
        # exactly two tables changed: the voter's row (voted flipped) and EVERY option of the vote
        assert set(changed) == {f"{schema}.supervision_votevoter", f"{schema}.supervision_voteoption"}, changed.keys()
        [(voter_xmin, voter_row)] = changed[f"{schema}.supervision_votevoter"]
        assert voter_row == {
            "id": voter_rows[user.pk], "vote_id": vid, "user_id": user.pk,
            "organization_id": voter_row["organization_id"], "voted": True,
        }  # fmt: skip
        options = changed[f"{schema}.supervision_voteoption"]
        assert sorted(row["id"] for _xmin, row in options) == sorted(ids)  # all rewritten, chosen or not
        assert {xmin for xmin, _row in options} == {voter_xmin}  # one statement, one version for all
        # no changed row holds a voter and an option together: the options hold no one
        assert all(set(row) == {"id", "vote_id", "position", "text", "count"} for _xmin, row in options)
    # every option version is the last cast's: nothing tells which options the last voter chose
    with unit.world.tenant, connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT xmin::text FROM supervision_voteoption WHERE vote_id = %s", [vid])
        assert len(cursor.fetchall()) == 1
    # no log line (the request log included) and no captured statement carries a choice
    logged = [record.getMessage() + " " + json.dumps(record.__dict__, default=str) for record in caplog.records]
    assert any("votes/mine/<int:vote_id>/cast" in line for line in logged)  # the request log ran, route only
    assert any("supervision_votevoter" in line for line in logged)  # the SQL log ran
    for line in logged:
        assert not any(text in line for text in texts), line
        assert not ("UPDATE" in line and "supervision_voteoption" in line), line
        assert not any(f"[{option}]" in line for option in ids), line
    assert not any("supervision_voteoption" in sql and "UPDATE" in sql for sql in statements)
    # nothing audited at cast time (and no audit entry anywhere names an option)
    with unit.world.tenant:
        assert AuditEvent.objects.count() == audit_before
        for event in AuditEvent.objects.all():
            assert not any(text in json.dumps(event.details, ensure_ascii=False) for text in texts)
    unit.worker.post(f"{BASE}/votes/{vid}/close")
    tally = unit.worker.get(f"{BASE}/votes/{vid}/tally").json()
    assert [o["count"] for o in tally["options"]] == [1, 1, 1]


# ---------------------------------------------------------------------------------- concurrency


def _race_world(slug: str, voters: int) -> tuple[Any, Vote, list[User]]:
    """A fresh tenant, committed (threads need their own connections): a branch of ``voters``
    members with accounts and an open vote of two options."""
    connection.set_schema_to_public()
    tenant = do_provision_tenant(
        CommitteeDraft(name=f"{slug}党委", short_name=slug, slug=slug, unified_code=next_unified_code())
    )
    users = [UserFactory() for _ in range(voters)]
    organizer = UserFactory()
    with tenant:
        branch = do_create_organization(
            kind="branch", name="并发支部", parent=do_create_organization(kind="committee", name="并发党委")
        )
        for user in users:
            do_assign_role(user=user, role=TenantRole.MEMBER)
            member = new_member(Organization.objects.get(pk=branch.pk), name=user.name, phone=user.phone)
            Member.objects.filter(pk=member.pk).update(user=user)
        do_assign_role(user=organizer, role=TenantRole.SECRETARY, organization_id=branch.pk)
        now = timezone.now()
        vote = votes.do_create_vote(
            actor=Actor.for_user(organizer), organization=branch.pk, title="并发表决", scope="subtree",
            max_choices=1, opens_at=now - timedelta(minutes=1), closes_at=now + timedelta(days=1),
            options=["同意", "不同意"],
        )  # fmt: skip
        votes.do_transition(vote, CampaignStatus.OPEN, actor=Actor.for_user(organizer))
    connection.set_schema_to_public()
    return tenant, vote, users


def _run_casts(tenant: Any, vote: Vote, jobs: list[tuple[User, int]]) -> list[str]:
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []

    def run(user: User, option: int) -> None:
        try:
            with tenant:
                barrier.wait(timeout=20)
                actor = Actor.for_user(user)
                votes.do_cast(votes.my_vote(actor, vote.pk), [option], actor=actor)
            outcomes.append("voted")
        except ServiceError as error:
            outcomes.append(str(error.code))
        except Exception as error:  # noqa: BLE001 - report anything else in the assertion
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_the_same_voter_casting_twice_at_once_counts_once(django_db_blocker: Any, platform_world: Any) -> None:
    with django_db_blocker.unblock():
        tenant, vote, (user,) = _race_world("ballot-twice", 1)
        with tenant:
            a, b = VoteOption.objects.filter(vote=vote).values_list("pk", flat=True)
        outcomes = _run_casts(tenant, vote, [(user, a), (user, b)])
        assert sorted(outcomes) == ["supervision.already_voted", "voted"]
        with tenant:
            assert sum(VoteOption.objects.filter(vote=vote).values_list("count", flat=True)) == 1
            assert VoteVoter.objects.get(vote=vote).voted is True


def test_thirty_voters_in_parallel_are_counted_exactly(django_db_blocker: Any, platform_world: Any) -> None:
    with django_db_blocker.unblock():
        tenant, vote, users = _race_world("ballot-thirty", 30)
        with tenant:
            a, b = VoteOption.objects.filter(vote=vote).order_by("position").values_list("pk", flat=True)
        outcomes = _run_casts(tenant, vote, [(user, a if n % 3 else b) for n, user in enumerate(users)])
        assert outcomes == ["voted"] * 30
        with tenant:
            counts = list(VoteOption.objects.filter(vote=vote).order_by("position").values_list("count", flat=True))
            assert counts == [20, 10]
            assert VoteVoter.objects.filter(vote=vote, voted=True).count() == 30


# ---------------------------------------------------------------------------------- isolation


def test_every_vote_endpoint_is_isolated_between_tenants_and_from_anonymous(
    unit: Unit, tenant_a: TenantWorld, tenant_b: TenantWorld
) -> None:
    vote = open_vote(unit)
    vid = vote["id"]
    draft = create_vote(unit)
    # the tenant admin of A reads everything (the isolation kit snapshots with A's admin)
    for endpoint in (
        Endpoint(f"{BASE}/votes", object_id=draft["id"], change={"title": "被改"},
                 create={"organization": unit.orgs["first"].pk, "title": "外人", "options": ["a", "b"], **window()}),
        Endpoint(f"{BASE}/votes", object_id=vid, change={"title": "被改"}, deletable=False),
        Endpoint(f"{BASE}/votes/{vid}/turnout", change=None, deletable=False),
    ):  # fmt: skip
        assert_tenant_isolated(endpoint, owner=tenant_a, outsider=tenant_b)
    option = option_ids(vote)[0]
    for client, expect in (
        (api(tenant_a.host, tenant_b.admin), {403, 404}),
        (api(tenant_a.host, tenant_b.member), {403, 404}),
        (api(tenant_a.host), {401}),
        (api(tenant_b.host, tenant_b.admin), {404}),
    ):
        for action in ("open", "close", "cancel"):
            assert client.post(f"{BASE}/votes/{vid}/{action}").status_code in expect | {405}
        assert client.get(f"{BASE}/votes/{vid}/tally").status_code in expect
        assert client.get(f"{BASE}/votes/mine/{vid}").status_code in expect
        assert client.get(f"{BASE}/votes/mine/{vid}/tally").status_code in expect
        assert client.post(f"{BASE}/votes/mine/{vid}/cast", {"options": [option]}, format="json").status_code in expect
        mine = client.get(f"{BASE}/votes/mine")
        assert mine.status_code in expect or vid not in {row["id"] for row in mine.json()["results"]}
    with tenant_a.tenant:
        assert not VoteVoter.objects.filter(vote_id=vid, voted=True).exists()
        assert Vote.objects.get(pk=vid).status == CampaignStatus.OPEN
    # a member of A is no organizer: the console refuses them
    assert api(tenant_a.host, unit.voters[0]).get(f"{BASE}/votes/{vid}").status_code == 403
