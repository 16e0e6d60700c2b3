"""Browsing the library from the database (``GET /api/v1/learning/library``, issue 14): what a
search without words lists, with the same visibility, without the search engine."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tenants.learning.models import Resource
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.isolation import Endpoint, assert_tenant_isolated
from tests.learning_support import clean_search, eager_tasks  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db

LIBRARY = "/api/v1/learning/library"
RESOURCES = "/api/v1/learning/resources"


def create(client: Any, title: str, *, publish: bool = True, **fields: Any) -> dict[str, Any]:
    body = {"kind": "article", "title": title, "body_html": f"<p>{title}</p>", "publish": publish, **fields}
    response = client.post(RESOURCES, body, format="json")
    assert response.status_code == 201, response.json()
    result: dict[str, Any] = response.json()
    return result


def published_days_ago(world: TenantWorld | None, uuid: str, days: int) -> None:
    """Set a resource's publication date (the list's order) in its schema."""
    when = timezone.now() - timedelta(days=days)
    if world is None:
        Resource.objects.filter(uuid=uuid).update(published_at=when)
        return
    with world.tenant:
        Resource.objects.filter(uuid=uuid).update(published_at=when)


def browse(client: Any, **params: Any) -> dict[str, Any]:
    response = client.get(LIBRARY, params)
    assert response.status_code == 200, response.json()
    result: dict[str, Any] = response.json()
    return result


def titles(page: dict[str, Any]) -> list[str]:
    return [row["title"] for row in page["results"]]


@pytest.fixture
def libraries(
    tenant_a: TenantWorld, tenant_b: TenantWorld, group_admin: Any, django_capture_on_commit_callbacks: Any
) -> dict[str, dict[str, Any]]:
    """Tenant A's library, tenant B's and the group's, with drafts, spread over the last days."""
    a, b, group = api(tenant_a.host, tenant_a.admin), api(tenant_b.host, tenant_b.admin), api(ROOT_HOST, group_admin)
    category = a.post("/api/v1/learning/categories", {"name": "支部书记讲党课", "position": 1}).json()
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        made = {
            "a_old": create(a, "甲：三会一课制度", tags=["组织生活"]),
            "a_new": create(a, "甲：主题党日方案", category=category["id"], tags=["党日"]),
            "a_draft": create(a, "甲：草稿", publish=False),
            "a_video": create(a, "甲：党课视频链接", kind="link", link_url="https://example.com/v"),
            "b_own": create(b, "乙：本单位学习材料"),
            "group": create(group, "集团：党员教育读本", tags=["党日"]),
            "group_draft": create(group, "集团：草稿", publish=False),
        }
    published_days_ago(tenant_a, made["a_old"]["id"], 5)
    published_days_ago(tenant_a, made["a_new"]["id"], 1)
    published_days_ago(tenant_a, made["a_video"]["id"], 3)
    published_days_ago(None, made["group"]["id"], 2)
    return made


def test_a_member_browses_her_library_and_the_groups_newest_first(
    tenant_a: TenantWorld, libraries: dict[str, dict[str, Any]]
) -> None:
    page = browse(api(tenant_a.host, tenant_a.member))
    assert titles(page) == ["甲：主题党日方案", "集团：党员教育读本", "甲：党课视频链接", "甲：三会一课制度"]
    assert page["count"] == 4
    first = page["results"][0]
    assert first["id"] == f"{tenant_a.tenant.schema_name}:resource:{libraries['a_new']['id']}"
    assert first["source"] == "tenant"
    assert first["category"] == "支部书记讲党课"
    assert first["data"]["uuid"] == libraries["a_new"]["id"]
    assert page["results"][1]["source"] == "group"
    assert page["results"][1]["owner_tenant"] == "public"
    # The facet counts are over everything visible, like the search's.
    facets = {name: {row["value"]: row["count"] for row in rows} for name, rows in page["facets"].items()}
    assert facets["kind"] == {"article": 3, "link": 1}
    assert facets["category"] == {"支部书记讲党课": 1}
    assert facets["tags"] == {"党日": 2, "组织生活": 1}
    assert facets["source"] == {"tenant": 3, "group": 1}


def test_filters_narrow_the_list_and_pages_follow_the_same_order(
    tenant_a: TenantWorld, libraries: dict[str, dict[str, Any]]
) -> None:
    member = api(tenant_a.host, tenant_a.member)
    assert titles(browse(member, kind="link")) == ["甲：党课视频链接"]
    assert titles(browse(member, category="支部书记讲党课")) == ["甲：主题党日方案"]
    assert titles(browse(member, tag="党日")) == ["甲：主题党日方案", "集团：党员教育读本"]
    assert titles(browse(member, source="group")) == ["集团：党员教育读本"]
    assert browse(member, source="showcase")["count"] == 0
    by_kind = browse(member, kind="link")
    assert {row["value"] for row in by_kind["facets"]["kind"]} == {"article", "link"}  # counts ignore filters

    pages = [browse(member, page=number, page_size=3) for number in (1, 2)]
    assert titles(pages[0]) + titles(pages[1]) == titles(browse(member))
    assert [page["count"] for page in pages] == [4, 4]
    assert titles(browse(member, page=3, page_size=3)) == []
    refused = member.get(LIBRARY, {"page": 1000, "page_size": 100})
    assert refused.status_code == 400
    assert refused.json()["field"] == "page"


def test_the_root_host_browses_the_groups_library_only(
    group_admin: Any, group_viewer: Any, libraries: dict[str, dict[str, Any]]
) -> None:
    for user in (group_admin, group_viewer):
        page = browse(api(ROOT_HOST, user))
        assert titles(page) == ["集团：党员教育读本"]  # never a draft, never a tenant's resource
        assert page["results"][0]["source"] == "group"


def test_browsing_is_tenant_isolated(
    tenant_a: TenantWorld, tenant_b: TenantWorld, libraries: dict[str, dict[str, Any]]
) -> None:
    created = libraries["a_new"]
    assert_tenant_isolated(
        Endpoint(
            LIBRARY,
            object_id=f"{tenant_a.tenant.schema_name}:resource:{created['id']}",
            detail_url=f"/api/v1/learning/library/{created['id']}",
            change=None,
            deletable=False,
        ),
        owner=tenant_a,
        outsider=tenant_b,
    )
    assert titles(browse(api(tenant_b.host, tenant_b.member))) == ["乙：本单位学习材料", "集团：党员教育读本"]
    assert api(tenant_a.host).get(LIBRARY).status_code == 401
    assert api(tenant_a.host, tenant_b.member).get(LIBRARY).status_code == 403
    assert api(ROOT_HOST, tenant_a.admin).get(LIBRARY).status_code == 403
