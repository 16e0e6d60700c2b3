"""Issue 17, "everything searchable through the existing search service": community threads,
announcements and cadre publicities become search documents only when a whole tenant sees them
(or, for the group's, everyone): the search's ACL knows tenants, not organizations
(docs/search.md, tenants/exchange/search.py, tenants/supervision/search.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from partycloud.accounts.models import User
from tenants.supervision import publicity as publicity_service
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.learning_support import clean_search, eager_tasks  # noqa: F401 (autouse)
from tests.test_exchange_community import make_board, post_thread
from tests.test_exchange_interactions import BASE as EXCHANGE
from tests.test_exchange_interactions import Unit, make_unit
from tests.test_supervision_announcements import BASE as ANNOUNCEMENTS
from tests.test_supervision_announcements import person
from tests.test_supervision_publicity import BASE as PUBLICITIES
from tests.test_supervision_publicity import CANDIDATES

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(tenant_a: TenantWorld) -> Unit:
    return make_unit(tenant_a)


def found(host: str, user: User | None, q: str) -> dict[str, dict[str, Any]]:
    response = api(host, user).get("/api/v1/search", {"q": q})
    assert response.status_code == 200, response.content
    return {row["title"]: row for row in response.json()["results"]}


def refused(host: str, q: str) -> bool:
    return api(host, None).get("/api/v1/search", {"q": q}).status_code in (401, 403)


def test_a_tenant_wide_thread_is_found_by_its_tenant_and_a_branch_board_thread_is_no_document(
    unit: Unit, tenant_b: TenantWorld, django_capture_on_commit_callbacks: Any
) -> None:
    admin, bob = unit.client(unit.world.admin), unit.client(unit.bob)
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        wide = make_board(admin, "全体交流").json()
        branch = make_board(admin, "一支部园地", unit.first.pk).json()
        thread = post_thread(bob, wide["id"], "廉洁文化进支部的体会", "大家谈谈廉洁文化建设").json()
        post_thread(bob, branch["id"], "廉洁文化支部内部讨论", "支部内部的廉洁文化话题")
    mine = found(unit.world.host, unit.carol, "廉洁文化")
    assert "廉洁文化进支部的体会" in mine
    row = mine["廉洁文化进支部的体会"]
    assert (row["kind"], row["source"]) == ("thread", "tenant")
    assert (row["data"]["id"], row["data"]["scope"]) == (thread["id"], "tenant")
    assert row["data"]["board_name"] == "全体交流"
    assert "廉洁文化支部内部讨论" not in mine  # a unit's board: the threads list's own filter finds it
    assert "廉洁文化进支部的体会" not in found(tenant_b.host, tenant_b.member, "廉洁文化")
    assert refused(unit.world.host, "廉洁文化")
    # Hidden by a moderator: gone; shown again: back; the board deactivated: gone.
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        assert admin.post(f"{EXCHANGE}/threads/{thread['id']}/hide", {"note": "不当"}).status_code == 200
    assert "廉洁文化进支部的体会" not in found(unit.world.host, unit.carol, "廉洁文化")
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        assert admin.post(f"{EXCHANGE}/threads/{thread['id']}/unhide", {}).status_code == 200
    assert "廉洁文化进支部的体会" in found(unit.world.host, unit.carol, "廉洁文化")
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        assert admin.delete(f"{EXCHANGE}/boards/{wide['id']}").status_code == 204
    assert "廉洁文化进支部的体会" not in found(unit.world.host, unit.carol, "廉洁文化")


def test_a_group_board_thread_is_found_from_every_tenant(
    unit: Unit, tenant_b: TenantWorld, group_admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    root = api(ROOT_HOST, group_admin)
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        board = root.post(f"{EXCHANGE}/boards?scope=group", {"name": "集团话题"}, format="json")
        assert board.status_code == 201, board.content
        made = post_thread(unit.client(unit.bob), board.json()["id"], "数字化党建经验交流", scope="group")
        assert made.status_code == 201, made.content
    for host, user in ((unit.world.host, unit.carol), (tenant_b.host, tenant_b.member)):
        row = found(host, user, "数字化党建")["数字化党建经验交流"]
        assert (row["source"], row["data"]["scope"]) == ("group", "group")


def test_a_tenant_announcement_is_found_by_its_tenant_until_withdrawn_and_a_unit_one_is_no_document(
    tenant_a: TenantWorld, tenant_b: TenantWorld, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.test_meetings_records import tree

    orgs = tree(tenant_a)
    reader = person(tenant_a, orgs["first"])
    admin = api(tenant_a.host, tenant_a.admin)

    def publish(title: str, scope: str, unit: str = "committee") -> dict[str, Any]:
        body = {"title": title, "body_html": "<p>党费收缴使用情况</p>", "organization": orgs[unit].pk}
        created = admin.post(ANNOUNCEMENTS, {**body, "scope": scope}, format="json")
        assert created.status_code == 201, created.content
        published = admin.post(f"{ANNOUNCEMENTS}/{created.json()['id']}/publish")
        assert published.status_code == 200, published.content
        result: dict[str, Any] = published.json()
        return result

    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        wide = publish("全公司党费收缴公示", "tenant")
        publish("本单位党费收缴公示", "unit", "first")
    mine = found(tenant_a.host, reader, "党费收缴")
    assert "全公司党费收缴公示" in mine
    assert (mine["全公司党费收缴公示"]["kind"], mine["全公司党费收缴公示"]["data"]["uuid"]) == (
        "announcement",
        wide["uuid"],
    )
    assert "本单位党费收缴公示" not in mine
    assert "全公司党费收缴公示" not in found(tenant_b.host, tenant_b.member, "党费收缴")
    assert refused(tenant_a.host, "党费收缴")
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        assert admin.post(f"{ANNOUNCEMENTS}/{wide['id']}/withdraw").status_code == 200
    assert "全公司党费收缴公示" not in found(tenant_a.host, reader, "党费收缴")


def test_a_group_announcement_is_found_from_both_tenants(
    tenant_a: TenantWorld, tenant_b: TenantWorld, group_admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.test_meetings_records import tree

    reader_a = person(tenant_a, tree(tenant_a)["first"])
    reader_b = person(tenant_b, tree(tenant_b)["first"])
    group = api(ROOT_HOST, group_admin)
    created = group.post(ANNOUNCEMENTS, {"title": "集团主题教育通知", "body_html": "<p>主题教育</p>"}, format="json")
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        assert group.post(f"{ANNOUNCEMENTS}/{created.json()['id']}/publish").status_code == 200
    for host, user in ((tenant_a.host, reader_a), (tenant_b.host, reader_b)):
        row = found(host, user, "主题教育")["集团主题教育通知"]
        assert (row["kind"], row["source"]) == ("announcement", "group")


def test_a_tenant_publicity_is_found_by_its_tenant_only_while_open(
    tenant_a: TenantWorld,
    tenant_b: TenantWorld,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from tests.test_meetings_records import tree

    orgs = tree(tenant_a)
    reader = person(tenant_a, orgs["second"])
    admin = api(tenant_a.host, tenant_a.admin)
    monkeypatch.setattr(publicity_service, "today", lambda: date(2026, 9, 20))
    body = {
        "title": "关于拟任干部的任前公示", "organization": orgs["committee"].pk, "body_html": "<p>拟任命以下同志</p>",
        "candidates": CANDIDATES, "contact": "电话 0755-1234567",
    }  # fmt: skip
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        wide = admin.post(PUBLICITIES, {**body, "scope": "tenant"}, format="json").json()
        narrow = {**body, "title": "支部任前公示", "scope": "unit", "organization": orgs["second"].pk}
        narrow = admin.post(PUBLICITIES, narrow, format="json").json()
        for made in (wide, narrow):
            opened = admin.post(f"{PUBLICITIES}/{made['id']}/publish", {"starts_on": "2026-09-28"}, format="json")
            assert opened.status_code == 200, opened.content
    mine = found(tenant_a.host, reader, "办公室主任")  # a candidate's proposed post
    assert mine["关于拟任干部的任前公示"]["kind"] == "publicity"
    assert mine["关于拟任干部的任前公示"]["data"]["uuid"] == wide["uuid"]
    assert "支部任前公示" not in mine
    assert "关于拟任干部的任前公示" not in found(tenant_b.host, tenant_b.member, "办公室主任")
    assert refused(tenant_a.host, "办公室主任")
    # The window over: closed, no longer a document (the portal shows the open ones).
    with tenant_a.tenant, eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        assert publicity_service.do_close_ended(date(2026, 10, 20)) == 2
    assert "关于拟任干部的任前公示" not in found(tenant_a.host, reader, "办公室主任")
