"""The search API: the ACL comes from the host, never from the client; reindex jobs are the
platform operators' (the group admin on the root host). Search runs on both backends."""

from __future__ import annotations

from typing import Any

import pytest

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from partycloud.core.errors import NotAllowed
from partycloud.search.jobs import do_request_reindex, run_reindex_job
from partycloud.search.models import ReindexJob, ReindexStatus
from services.search import SearchBackend, Visibility
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.es_server import NoteSource, make_doc
from tests.isolation import Endpoint, assert_root_only, assert_tenant_isolated

pytest_plugins = ["tests.es_server"]  # search_backend, notes

SEARCH = "/api/v1/search"
REINDEX = "/api/v1/search/reindex"


def index_world(backend: SearchBackend) -> None:
    backend.index([
        make_doc(1, owner="t_alpha", title="甲公司 党课 讲稿", category="党课", tags=["讲稿"], source="tenant"),
        make_doc(2, owner="t_alpha", visibility=Visibility.SHARED, title="甲公司 党课 共享", source="tenant"),
        make_doc(1, owner="t_beta", title="乙公司 党课 内部", source="tenant"),
        make_doc(2, owner="t_beta", visibility=Visibility.SHARED, title="乙公司 党课 共享", source="tenant"),
        make_doc(1, owner="public", title="集团 党课 自用", source="group"),
        make_doc(2, owner="public", visibility=Visibility.SHARED, title="集团 党课 <精品>", source="group",
                 data={"uuid": "u-2"}),
    ])  # fmt: skip


def result_ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def test_search_answers_with_hits_facets_and_highlights(search_backend: SearchBackend, tenant_a: TenantWorld) -> None:
    index_world(search_backend)
    response = api(tenant_a.host, tenant_a.member).get(SEARCH, {"q": "精品 党课"})
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (1, 1, 20)
    (row,) = body["results"]
    assert row["id"] == "public:article:2"
    assert row["owner_tenant"] == "public"
    assert row["source"] == "group"
    assert row["data"] == {"uuid": "u-2"}
    (title,) = row["highlights"]["title"]
    assert "<em>精品</em>" in title
    assert "&lt;" in title
    assert body["facets"]["source"] == [{"value": "group", "count": 1}]
    assert set(body["facets"]) == {"kind", "category", "tags", "source"}
    assert isinstance(body["took_ms"], float)


def test_the_acl_comes_from_the_host(
    search_backend: SearchBackend, tenant_a: TenantWorld, tenant_b: TenantWorld, group_viewer: User
) -> None:
    index_world(search_backend)
    shared = ["public:article:2", "t_alpha:article:2", "t_beta:article:2"]
    # Whatever the client claims, the host decides whose documents are visible.
    spoof: dict[str, str] = {"q": "党课", "tenant": "t_beta", "owner_tenant": "t_beta", "acl": "public"}
    assert result_ids(api(tenant_a.host, tenant_a.member).get(SEARCH, spoof)) == sorted([*shared, "t_alpha:article:1"])
    assert result_ids(api(tenant_b.host, tenant_b.member).get(SEARCH, spoof)) == sorted([*shared, "t_beta:article:1"])
    assert result_ids(api(ROOT_HOST, group_viewer).get(SEARCH, spoof)) == sorted([*shared, "public:article:1"])


def test_filters_sorting_and_paging(search_backend: SearchBackend, tenant_a: TenantWorld) -> None:
    index_world(search_backend)
    client = api(tenant_a.host, tenant_a.member)
    assert result_ids(client.get(SEARCH, {"source": "group"})) == ["public:article:2"]
    assert result_ids(client.get(SEARCH, {"source": ["group", "tenant"], "category": "党课"})) == ["t_alpha:article:1"]
    assert result_ids(client.get(SEARCH, {"tag": "讲稿", "q": "党课"})) == ["t_alpha:article:1"]
    paging = {"q": "党课", "sort": "newest", "page": "2", "page_size": "3"}
    page = client.get(SEARCH, paging).json()
    assert (page["count"], len(page["results"])) == (4, 1)
    refused = client.get(SEARCH, {"page_size": 101})
    assert refused.status_code == 400
    assert refused.json()["field"] == "page_size"
    # Too deep: the engine's refusal (services.search.InvalidQuery) is answered as the platform's error.
    too_deep = client.get(SEARCH, {"page": 501, "page_size": 20})
    assert too_deep.status_code == 400
    assert (too_deep.json()["code"], too_deep.json()["field"]) == ("search.invalid_page", "page")


def test_search_needs_a_role_on_the_host(
    search_backend: SearchBackend, tenant_a: TenantWorld, tenant_b: TenantWorld, group_viewer: User
) -> None:
    assert api(tenant_a.host).get(SEARCH).status_code == 401
    assert api(tenant_a.host, tenant_b.member).get(SEARCH).status_code == 403
    assert api(tenant_a.host, group_viewer).get(SEARCH).status_code == 403
    assert api(ROOT_HOST, tenant_a.admin).get(SEARCH).status_code == 403
    assert api(ROOT_HOST).get(SEARCH).status_code == 401


def test_a_tenants_own_documents_are_isolated(
    search_backend: SearchBackend, tenant_a: TenantWorld, tenant_b: TenantWorld
) -> None:
    index_world(search_backend)
    doc_id = "t_alpha:article:1"
    assert_tenant_isolated(
        Endpoint(SEARCH, object_id=doc_id, change=None, deletable=False, detail_url=f"{SEARCH}/documents/{doc_id}"),
        owner=tenant_a,
        outsider=tenant_b,
    )
    # Nor does any query or filter surface it on the other tenant's host.
    client = api(tenant_b.host, tenant_b.admin)
    for params in ({"q": "甲公司"}, {"q": "讲稿"}, {"tag": "讲稿"}, {"category": "党课"}, {"page_size": 100}):
        assert doc_id not in result_ids(client.get(SEARCH, params))


def test_the_groups_own_documents_stay_on_the_root_host(
    search_backend: SearchBackend, tenant_a: TenantWorld, group_viewer: User
) -> None:
    index_world(search_backend)
    client = api(tenant_a.host, tenant_a.admin)
    assert "public:article:1" not in result_ids(client.get(SEARCH, {"q": "自用"}))
    assert client.get(f"{SEARCH}/documents/public:article:1").status_code == 404
    assert client.get(f"{SEARCH}/documents/public:article:2").status_code == 200
    assert api(ROOT_HOST, group_viewer).get(f"{SEARCH}/documents/public:article:1").status_code == 200


# ---------------------------------------------------------------- reindex jobs


def test_a_group_admin_reindexes_one_tenant_from_the_root_host(
    search_backend: SearchBackend, notes: NoteSource, tenant_a: TenantWorld, group_admin: User
) -> None:
    notes.put("t_alpha", "1", "党员 笔记")
    client = api(ROOT_HOST, group_admin)
    response = client.post(REINDEX, {"tenant": "t_alpha"}, format="json")
    assert response.status_code == 202
    job = response.json()["job"]
    assert (job["scope"], job["owner_tenant"], job["status"], job["progress"]) == ("tenant", "t_alpha", "queued", 0)
    assert client.post(REINDEX, {"tenant": "t_alpha"}, format="json").status_code == 409  # one at a time
    run_reindex_job(job["id"])  # what the Celery task does
    done = client.get(f"{REINDEX}/{job['id']}").json()
    assert (done["status"], done["total"], done["done"], done["progress"]) == ("done", 1, 1, 100)
    found = api(tenant_a.host, tenant_a.member).get(SEARCH, {"q": "党员"}).json()
    assert [row["id"] for row in found["results"]] == ["t_alpha:note:1"]
    unknown = client.post(REINDEX, {"tenant": "t_nowhere"}, format="json")
    assert (unknown.status_code, unknown.json()["code"], unknown.json()["field"]) == (
        400,
        "search.unknown_tenant",
        "tenant",
    )


def test_only_platform_operators_reindex(tenant_a: TenantWorld, group_viewer: User) -> None:
    """The index repairs itself: a tenant admin has no rebuild any more (issue 11)."""
    for user in (tenant_a.admin, tenant_a.secretary, tenant_a.member):
        assert api(tenant_a.host, user).post(REINDEX).status_code == 403
        assert api(tenant_a.host, user).get(REINDEX).status_code == 403
    assert api(ROOT_HOST, group_viewer).post(REINDEX).status_code == 403
    assert api(tenant_a.host).post(REINDEX).status_code == 401
    assert not ReindexJob.objects.exists()


def test_reindex_jobs_are_root_only(tenant_a: TenantWorld, tenant_b: TenantWorld, group_admin: User) -> None:
    job = api(ROOT_HOST, group_admin).post(REINDEX, {"tenant": "t_alpha"}, format="json").json()["job"]
    assert_root_only(
        Endpoint(REINDEX, object_id=job["id"], change=None, deletable=False),
        allowed=group_admin,
        tenant_users=[tenant_a.admin, tenant_b.admin, tenant_a.member],
    )
    assert api(tenant_a.host, tenant_a.admin).get(f"{REINDEX}/{job['id']}").status_code == 403


def test_the_service_refuses_a_rebuild_on_a_tenant_host(tenant_a: TenantWorld) -> None:
    with tenant_a.tenant, pytest.raises(NotAllowed) as refused:
        do_request_reindex(actor=Actor.for_user(tenant_a.admin))
    assert refused.value.code == "search.operators_only"


def test_a_group_admin_rebuilds_everything_on_the_root_host(
    search_backend: SearchBackend, notes: NoteSource, tenant_a: TenantWorld, group_admin: User
) -> None:
    notes.put("public", "1", "集团 笔记", visibility=Visibility.SHARED)
    notes.put("t_alpha", "1", "甲 笔记")
    client = api(ROOT_HOST, group_admin)
    response = client.post(REINDEX)
    assert response.status_code == 202
    job = response.json()["job"]
    assert (job["scope"], job["owner_tenant"]) == ("all", "public")
    assert [row["id"] for row in client.get(REINDEX).json()] == [job["id"]]
    assert run_reindex_job(job["id"]) == 2
    assert ReindexJob.objects.get(pk=job["id"]).status == ReindexStatus.DONE
    found = api(tenant_a.host, tenant_a.member).get(SEARCH, {"q": "笔记"}).json()
    assert sorted(row["id"] for row in found["results"]) == ["public:note:1", "t_alpha:note:1"]
