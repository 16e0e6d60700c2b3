"""Members open what search finds (issue 11): the group's shared regulations read on every tenant
host, facets without a bucket twice, the index repairing itself after a lost index task, and the
isolation of the regulation, question and study endpoints."""

from __future__ import annotations

from typing import Any

import pytest

from partycloud.search.tasks import index_documents_task, reconcile_task
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.isolation import Endpoint, assert_tenant_isolated
from tests.learning_support import REGULATION_TEXT, clean_search, eager_tasks, uploaded_id  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db

TITLE = "中国共产党党员教育管理工作条例"


def make_regulation(client: Any, title: str = TITLE, *, publish: bool = True) -> dict[str, Any]:
    text = uploaded_id(client, "learning.regulation", "条例.txt", "text/plain", REGULATION_TEXT.encode())
    response = client.post(
        "/api/v1/learning/regulations", {"title": title, "issuer": "中共中央", "upload": text, "publish": publish}
    )
    assert response.status_code == 201, response.json()
    result: dict[str, Any] = response.json()
    return result


def search(client: Any, text: str, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/search", {"q": text, **params})
    assert response.status_code == 200, response.json()
    result: dict[str, Any] = response.json()
    return result


def test_a_member_opens_a_group_regulation_article_found_by_search(
    tenant_a: TenantWorld, tenant_b: TenantWorld, group_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    group = api(ROOT_HOST, group_admin)
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        shared = make_regulation(group)
        draft = make_regulation(group, "集团草稿：党内法规汇编", publish=False)
        own = make_regulation(api(tenant_a.host, tenant_a.admin), "甲公司党员教育实施细则")
        other = make_regulation(api(tenant_b.host, tenant_b.admin), "乙公司党员教育实施细则")
    member = api(tenant_a.host, tenant_a.member)

    hit = search(member, "集中学习培训", kind="regulation")["results"]
    hit = next(row for row in hit if row["source"] == "group")
    assert hit["data"]["regulation"] == shared["id"]

    # The portal's 党规党章 list: the tenant's own and the group's published ones, nobody else's.
    listed = member.get("/api/v1/learning/library/regulations")
    assert listed.status_code == 200
    assert [(row["title"], row["source"]) for row in listed.json()] == [
        ("甲公司党员教育实施细则", "tenant"),
        (TITLE, "group"),
    ]
    assert listed.json()[1]["article_count"] == shared["article_count"]

    opened = member.get(f"/api/v1/learning/library/regulations/{hit['data']['regulation']}")
    assert opened.status_code == 200, opened.json()
    body = opened.json()
    assert (body["title"], body["source"]) == (TITLE, "group")
    article = next(row for row in body["articles"] if row["id"] == hit["data"]["article"])
    assert article["number"] == "第四条"
    assert "集中学习培训" in article["text"]

    for hidden in (draft["id"], other["id"]):
        response = member.get(f"/api/v1/learning/library/regulations/{hidden}")
        assert response.status_code == 404
        assert response.json()["code"] == "learning.regulation_not_found"
    assert member.get(f"/api/v1/learning/library/regulations/{own['id']}").json()["source"] == "tenant"
    # The group site reads its own library.
    root = api(ROOT_HOST, group_admin).get("/api/v1/learning/library/regulations").json()
    assert [(row["title"], row["source"]) for row in root] == [(TITLE, "group")]


def test_reading_the_group_library_leaves_the_host_schema_active(
    tenant_a: TenantWorld, group_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from partycloud.tenancy.context import active_schema
    from tenants.learning.regulations import read_regulation, readable_regulations

    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        shared = make_regulation(api(ROOT_HOST, group_admin))
    with tenant_a.tenant:
        assert [found.source for found in readable_regulations()] == ["group"]
        assert read_regulation(shared["id"]).articles
        assert active_schema() == tenant_a.tenant.schema_name


def test_facets_never_show_one_bucket_twice(
    tenant_a: TenantWorld, group_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        make_regulation(api(ROOT_HOST, group_admin))
    facets = search(api(tenant_a.host, tenant_a.member), "党员")["facets"]
    assert [row["value"] for row in facets["kind"]] == ["regulation"]
    assert facets["category"] == [], "regulation articles are a kind, not also a category"


# ---------------------------------------------------------------- the index repairs itself


def test_the_reconcile_finds_a_change_and_drops_a_deletion_whose_index_task_was_lost(
    tenant_a: TenantWorld, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = api(tenant_a.host, tenant_a.admin)
    member = api(tenant_a.host, tenant_a.member)
    article = {"kind": "article", "title": "党员教育读本", "body_html": "<p>学习党章。</p>", "publish": True}
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        doomed = admin.post("/api/v1/learning/resources", article).json()
    assert [row["title"] for row in search(member, "党员教育")["results"]] == ["党员教育读本"]

    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("broker unreachable")

    # The changes commit; their index tasks are lost on the way to the broker.
    monkeypatch.setattr(index_documents_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        created = admin.post("/api/v1/learning/resources", {**article, "title": "党员教育新编"})
        assert created.status_code == 201
        assert admin.delete(f"/api/v1/learning/resources/{doomed['id']}").status_code == 204
    assert [row["title"] for row in search(member, "党员教育")["results"]] == ["党员教育读本"], "search is wrong"

    with tenant_a.tenant:
        report = reconcile_task.apply(throw=True).get()
    assert report == {"checked": 1, "reindexed": 1, "deleted": 1}
    assert [row["title"] for row in search(member, "党员教育")["results"]] == ["党员教育新编"]
    with tenant_a.tenant:
        assert reconcile_task.apply(throw=True).get() == {"checked": 1, "reindexed": 0, "deleted": 0}


def test_an_edit_whose_index_task_was_lost_is_reindexed(
    tenant_a: TenantWorld, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = api(tenant_a.host, tenant_a.admin)
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        created = admin.post(
            "/api/v1/learning/resources",
            {"kind": "article", "title": "支部工作手册", "body_html": "<p>手册</p>", "publish": True},
        ).json()
    monkeypatch.setattr(index_documents_task, "delay", lambda *args, **kwargs: None)  # dropped silently
    with django_capture_on_commit_callbacks(execute=True):
        edited = admin.patch(f"/api/v1/learning/resources/{created['id']}", {"title": "党员教育工作手册"})
        assert edited.status_code == 200
    member = api(tenant_a.host, tenant_a.member)
    assert search(member, "党员教育")["count"] == 0
    with tenant_a.tenant:
        assert reconcile_task.apply(throw=True).get()["reindexed"] == 1
    assert [row["title"] for row in search(member, "党员教育")["results"]] == ["党员教育工作手册"]


# ---------------------------------------------------------------- isolation (issue 11's missing tests)


def test_regulation_endpoints_are_tenant_isolated(
    tenant_a: TenantWorld, tenant_b: TenantWorld, django_capture_on_commit_callbacks: Any
) -> None:
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        own = make_regulation(api(tenant_a.host, tenant_a.admin), "甲公司党员教育实施细则")
    detail = f"/api/v1/learning/regulations/{own['id']}"
    articles = f"{detail}/articles"
    # The snapshot compares the articles (a regulation's own row carries a download URL signed anew
    # every second); the regulation itself is checked below, deletion included.
    assert_tenant_isolated(
        Endpoint("/api/v1/learning/regulations", object_id=own["id"], change=None, detail_url=articles),
        owner=tenant_a,
        outsider=tenant_b,
    )
    reading = f"/api/v1/learning/library/regulations/{own['id']}"
    for url in (detail, articles, reading):
        assert api(tenant_b.host, tenant_b.admin).get(url).status_code == 404
        assert api(tenant_a.host, tenant_b.member).get(url).status_code == 403
        assert api(tenant_a.host).get(url).status_code == 401
    for method in ("delete", "post"):
        target = detail if method == "delete" else f"{detail}/unpublish"
        assert getattr(api(tenant_b.host, tenant_b.admin), method)(target).status_code == 404
        assert getattr(api(tenant_a.host, tenant_b.admin), method)(target).status_code == 403
        assert getattr(api(tenant_a.host), method)(target).status_code == 401
    assert api(tenant_a.host, tenant_a.admin).get(detail).json()["status"] == "published"
    # The readers' list carries signed download URLs too: checked by hand, like the reader above.
    outsiders_list = api(tenant_b.host, tenant_b.member).get("/api/v1/learning/library/regulations").json()
    assert own["id"] not in {row["id"] for row in outsiders_list}
    assert api(tenant_a.host, tenant_b.member).get("/api/v1/learning/library/regulations").status_code == 403
    assert api(tenant_a.host).get("/api/v1/learning/library/regulations").status_code == 401


def test_question_endpoints_are_tenant_isolated(tenant_a: TenantWorld, tenant_b: TenantWorld) -> None:
    admin = api(tenant_a.host, tenant_a.admin)
    bank = admin.post("/api/v1/learning/question-banks", {"title": "党章知识"}).json()
    question = admin.post(
        "/api/v1/learning/questions",
        {"bank": bank["id"], "kind": "single", "stem": "预备期一般为？", "options": ["半年", "一年"], "answer": [1]},
    )
    assert question.status_code == 201, question.json()
    assert_tenant_isolated(
        Endpoint(
            "/api/v1/learning/questions",
            object_id=question.json()["id"],
            change={"stem": "改"},
            create={"bank": bank["id"], "kind": "true_false", "stem": "外来题", "answer": [0]},
        ),
        owner=tenant_a,
        outsider=tenant_b,
    )


def _study(world: TenantWorld, resource: str) -> None:
    response = api(world.host, world.member).post(
        "/api/v1/learning/study/heartbeats", {"resource": resource, "session": "s1", "state": "start"}
    )
    assert response.status_code == 200, response.json()


def test_study_endpoints_are_tenant_isolated(
    tenant_a: TenantWorld, tenant_b: TenantWorld, django_capture_on_commit_callbacks: Any
) -> None:
    admin = api(tenant_a.host, tenant_a.admin)
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        resource = admin.post(
            "/api/v1/learning/resources",
            {"kind": "article", "title": "甲公司学习材料", "body_html": "<p>材料</p>", "publish": True},
        ).json()["id"]
    _study(tenant_a, resource)
    from tenants.learning.models import StudyDay

    with tenant_a.tenant:
        StudyDay.objects.filter(user=tenant_a.member).update(reading_seconds=600)

    # Heartbeats: B's member can neither study A's resource on B's host nor carry a token to A's host.
    beat = {"resource": resource, "session": "s2", "state": "start"}
    on_b = api(tenant_b.host, tenant_b.member).post("/api/v1/learning/study/heartbeats", beat)
    assert on_b.status_code == 404
    assert on_b.json()["code"] == "learning.resource_not_found"
    assert api(tenant_a.host, tenant_b.member).post("/api/v1/learning/study/heartbeats", beat).status_code == 403
    assert api(tenant_a.host).post("/api/v1/learning/study/heartbeats", beat).status_code == 401

    # My study: one's own, in the tenant of the host.
    mine = api(tenant_a.host, tenant_a.member).get("/api/v1/learning/study/me").json()
    assert mine["today"]["reading_seconds"] == 600
    assert api(tenant_b.host, tenant_b.member).get("/api/v1/learning/study/me").json()["today"]["reading_seconds"] == 0
    assert api(tenant_a.host, tenant_b.member).get("/api/v1/learning/study/me").status_code == 403
    assert api(tenant_a.host).get("/api/v1/learning/study/me").status_code == 401

    # The managers' report: A's readers appear on A's host only, to A's managers only.
    assert_tenant_isolated(
        Endpoint("/api/v1/learning/study/report", change=None, deletable=False), owner=tenant_a, outsider=tenant_b
    )
    report = api(tenant_a.host, tenant_a.admin).get("/api/v1/learning/study/report")
    assert report.status_code == 200
    assert [row["user"] for row in report.json()] == [tenant_a.member.pk]
    assert api(tenant_b.host, tenant_b.admin).get("/api/v1/learning/study/report").json() == []
    for user in (tenant_b.admin, tenant_b.member):
        assert api(tenant_a.host, user).get("/api/v1/learning/study/report").status_code == 403
    assert api(tenant_a.host, tenant_a.member).get("/api/v1/learning/study/report").status_code == 403
    assert api(tenant_a.host).get("/api/v1/learning/study/report").status_code == 401
