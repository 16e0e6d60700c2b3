"""The libraries: the group's shared one and each tenant's, search with ACL, uploads through the
confidentiality gate, media processing, the showcase and the regulations library."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from partycloud.audit.models import AuditEvent
from services.storage import DataClass, get_storage
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.isolation import Endpoint, assert_root_only, assert_tenant_isolated
from tests.learning_support import (
    REGULATION_TEXT,
    clean_search,  # noqa: F401 (autouse)
    eager_tasks,
    fetch,
    pdf_bytes,
    png_bytes,
    upload,
    uploaded_id,
    video_bytes,
)

pytestmark = pytest.mark.django_db

ARTICLE = {
    "kind": "article",
    "title": "加强党员教育管理的几点体会",
    "summary": "",
    "body_html": "<p onclick='x()'>坚持把党员<strong>教育</strong>管理放在突出位置。</p><script>alert(1)</script>",
    "tags": ["党员教育", "体会"],
    "marking": "internal",
}


def create(client: Any, body: dict[str, Any], *, publish: bool = True) -> dict[str, Any]:
    response = client.post("/api/v1/learning/resources", {**body, "publish": publish})
    assert response.status_code == 201, response.json()
    result: dict[str, Any] = response.json()
    return result


def search(client: Any, text: str, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/search", {"q": text, **params})
    assert response.status_code == 200, response.json()
    result: dict[str, Any] = response.json()
    return result


def titles(result: dict[str, Any]) -> set[str]:
    return {row["title"] for row in result["results"]}


def test_article_is_sanitized_published_and_found_with_highlights(
    tenant_a: TenantWorld, tenant_b: TenantWorld, django_capture_on_commit_callbacks: Any
) -> None:
    admin = api(tenant_a.host, tenant_a.admin)
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        created = create(admin, ARTICLE)
        create(admin, {**ARTICLE, "title": "职工文体活动安排", "body_html": "<p>工会组织职工参加运动会。</p>"})
    assert "<script>" not in created["body_html"]
    assert "onclick" not in created["body_html"]
    assert created["status"] == "published"

    found = search(api(tenant_a.host, tenant_a.member), "党员教育")
    assert titles(found) == {ARTICLE["title"]}
    highlight = " ".join(found["results"][0]["highlights"].get("title", []))
    assert "<em>" in highlight
    # Another tenant never sees it.
    assert ARTICLE["title"] not in titles(search(api(tenant_b.host, tenant_b.member), "党员教育"))


def test_group_library_is_shared_only_when_published(
    tenant_a: TenantWorld, tenant_b: TenantWorld, group_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    group = api(ROOT_HOST, group_admin)
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        shared = create(group, {**ARTICLE, "title": "集团共享：党员教育读本"})
        draft = create(group, {**ARTICLE, "title": "集团草稿：党员教育提纲"}, publish=False)
    for world in (tenant_a, tenant_b):
        found = titles(search(api(world.host, world.member), "党员教育"))
        assert shared["title"] in found
        assert draft["title"] not in found
        item = api(world.host, world.member).get(f"/api/v1/learning/library/{shared['id']}")
        assert item.status_code == 200
        assert item.json()["source"] == "group"
        assert api(world.host, world.member).get(f"/api/v1/learning/library/{draft['id']}").status_code == 404


def test_classified_title_is_refused_and_its_upload_deleted(tenant_a: TenantWorld) -> None:
    admin = api(tenant_a.host, tenant_a.admin)
    document = uploaded_id(admin, "learning.document", "学习材料.pdf", "application/pdf", pdf_bytes("党员教育学习材料"))
    response = admin.post(
        "/api/v1/learning/resources",
        {"kind": "document", "title": "机密★1年 学习材料", "file_upload": document},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "confidentiality.classified"
    assert "机密★" in response.json()["message"]
    assert admin.get("/api/v1/learning/resources").json()["count"] == 0
    with tenant_a.tenant:
        from partycloud.uploads.models import Upload

        stored = Upload.objects.get(pk=document)
        assert get_storage().stat(DataClass.MEDIA, stored.key) is None
    assert AuditEvent.objects.filter(target_type="learning.refused").exists()


def test_classified_file_text_is_refused_at_upload(tenant_a: TenantWorld) -> None:
    admin = api(tenant_a.host, tenant_a.admin)
    response = upload(
        admin, "learning.document", "通知.pdf", "application/pdf", pdf_bytes("秘密★5年", "关于某项工作的通知")
    )
    assert response.status_code == 400
    assert response.json()["code"] == "confidentiality.classified"


def test_document_gets_preview_pages_and_a_download(
    tenant_a: TenantWorld, django_capture_on_commit_callbacks: Any
) -> None:
    admin = api(tenant_a.host, tenant_a.admin)
    pdf = pdf_bytes("中国共产党章程学习辅导", "党员教育管理")
    document = uploaded_id(admin, "learning.document", "辅导材料.pdf", "application/pdf", pdf)
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        created = create(admin, {"kind": "document", "title": "党章学习辅导", "file_upload": document})
    item = api(tenant_a.host, tenant_a.member).get(f"/api/v1/learning/library/{created['id']}").json()
    assert item["file"]["name"] == "辅导材料.pdf"
    assert len(item["preview_urls"]) == 1
    assert fetch(api(tenant_a.host), item["file"]["url"]) == (200, pdf)
    # The extracted text is searchable.
    assert "党章学习辅导" in titles(search(api(tenant_a.host, tenant_a.member), "章程"))


def test_gallery_gets_thumbnails(tenant_a: TenantWorld, django_capture_on_commit_callbacks: Any) -> None:
    admin = api(tenant_a.host, tenant_a.admin)
    images = [uploaded_id(admin, "learning.image", f"{n}.png", "image/png", png_bytes()) for n in range(2)]
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        created = create(
            admin,
            {"kind": "gallery", "title": "主题党日活动剪影", "image_uploads": images, "captions": ["重温入党誓词"]},
        )
    item = api(tenant_a.host, tenant_a.member).get(f"/api/v1/learning/library/{created['id']}").json()
    assert [image["caption"] for image in item["images"]] == ["重温入党誓词", ""]
    assert all(image["thumbnail_url"] != image["url"] for image in item["images"])
    assert item["cover_url"]


def test_video_is_transcoded_and_played_through_signed_playlists(
    tenant_a: TenantWorld, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    admin = api(tenant_a.host, tenant_a.admin)
    video = uploaded_id(admin, "learning.video", "党课.mp4", "video/mp4", video_bytes(tmp_path))
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        created = create(admin, {"kind": "video", "title": "精品党课：初心使命", "file_upload": video})
    member = api(tenant_a.host, tenant_a.member)
    item = member.get(f"/api/v1/learning/library/{created['id']}").json()
    assert item["video"]["status"] == "ready"
    assert item["video"]["renditions"] == ["360p"]
    assert 2 <= item["video"]["duration_seconds"] <= 4
    anonymous = api(tenant_a.host)  # players fetch playlists without our headers: the URL is the key
    master = anonymous.get(item["video"]["play_url"])
    assert master.status_code == 200
    assert b"#EXT-X-STREAM-INF" in master.content
    variant_uri = next(line for line in master.content.decode().splitlines() if line and not line.startswith("#"))
    variant = anonymous.get(item["video"]["play_url"].rsplit("/", 1)[0] + "/" + variant_uri)
    assert variant.status_code == 200
    segment_url = next(line for line in variant.content.decode().splitlines() if line and not line.startswith("#"))
    status, segment = fetch(anonymous, segment_url)
    assert status == 200
    assert segment[:1] == b"G"  # an MPEG-TS packet
    # A tampered token is refused.
    assert anonymous.get(item["video"]["play_url"].replace("/hls/", "/hls/x")).status_code == 403


def test_showcase_proposal_approved_by_the_group_is_seen_by_every_tenant(
    tenant_a: TenantWorld, tenant_b: TenantWorld, group_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    admin = api(tenant_a.host, tenant_a.admin)
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        created = create(admin, {**ARTICLE, "title": "甲公司党建品牌经验"})
    proposed = admin.post(f"/api/v1/learning/resources/{created['id']}/propose", {"note": "值得推广"})
    assert proposed.json()["showcase_status"] == "proposed"
    assert admin.post(f"/api/v1/learning/resources/{created['id']}/propose", {}).status_code == 409
    group = api(ROOT_HOST, group_admin)
    proposal = group.get("/api/v1/learning/showcase-proposals", {"status": "proposed"}).json()["results"][0]
    assert proposal["tenant_name"] == "甲公司"
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        decided = group.post(f"/api/v1/learning/showcase-proposals/{proposal['id']}/approve", {})
    assert decided.status_code == 200, decided.json()
    copy = decided.json()["copy_uuid"]
    item = api(tenant_b.host, tenant_b.member).get(f"/api/v1/learning/library/{copy}").json()
    assert item["source"] == "showcase"
    assert item["origin_name"] == "甲公司"
    assert "甲公司党建品牌经验" in titles(search(api(tenant_b.host, tenant_b.member), "党建品牌"))
    assert admin.get(f"/api/v1/learning/resources/{created['id']}").json()["showcase_status"] == "approved"
    # Tenants do not decide.
    assert api(tenant_a.host, tenant_a.admin).post(
        f"/api/v1/learning/showcase-proposals/{proposal['id']}/decline", {}
    ).status_code in {403, 404}


def test_regulation_is_split_into_searchable_articles(
    tenant_a: TenantWorld, tenant_b: TenantWorld, group_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    group = api(ROOT_HOST, group_admin)
    text = uploaded_id(group, "learning.regulation", "条例.txt", "text/plain", REGULATION_TEXT.encode())
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        response = group.post(
            "/api/v1/learning/regulations",
            {"title": "中国共产党党员教育管理工作条例", "issuer": "中共中央", "upload": text, "publish": True},
        )
    assert response.status_code == 201, response.json()
    regulation = response.json()
    assert regulation["article_count"] >= 5
    articles = group.get(f"/api/v1/learning/regulations/{regulation['id']}/articles").json()
    numbered = [article for article in articles if article["number"]]
    assert [article["number"] for article in numbered] == ["第一条", "第二条", "第三条", "第四条", "第五条"]
    assert numbered[3]["heading"].startswith("第二章")
    # "保守党的秘密" is the Party's own wording, not a classified marking.
    found = search(api(tenant_b.host, tenant_b.member), "集中学习培训", kind="regulation")
    assert [row["title"] for row in found["results"]] == ["中国共产党党员教育管理工作条例 第四条"]


def test_readers_cannot_manage_and_group_viewers_read_only(
    tenant_a: TenantWorld, group_viewer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = api(tenant_a.host, tenant_a.member)
    assert member.post("/api/v1/learning/resources", {**ARTICLE}).status_code == 403
    assert api(ROOT_HOST, group_viewer).post("/api/v1/learning/resources", {**ARTICLE}).status_code == 403
    assert api(ROOT_HOST, group_viewer).get("/api/v1/learning/resources").status_code == 200


def test_library_endpoints_are_tenant_isolated(
    tenant_a: TenantWorld, tenant_b: TenantWorld, django_capture_on_commit_callbacks: Any
) -> None:
    admin = api(tenant_a.host, tenant_a.admin)
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        created = create(admin, ARTICLE)
    assert_tenant_isolated(
        Endpoint("/api/v1/learning/resources", object_id=created["id"], change={"title": "改"}, create=ARTICLE),
        owner=tenant_a,
        outsider=tenant_b,
    )
    item = f"/api/v1/learning/library/{created['id']}"
    assert api(tenant_b.host, tenant_b.admin).get(item).status_code == 404
    assert api(tenant_a.host, tenant_b.admin).get(item).status_code == 403
    assert api(tenant_a.host).get(item).status_code == 401
    assert api(tenant_a.host).get(f"{item}/cover").status_code == 401
    category = admin.post("/api/v1/learning/categories", {"name": "支部书记讲党课", "position": 9}).json()
    assert_tenant_isolated(
        Endpoint("/api/v1/learning/categories", object_id=category["id"], change={"name": "改"}),
        owner=tenant_a,
        outsider=tenant_b,
    )
    # Outsiders' searches never return A's document.
    assert ARTICLE["title"] not in titles(search(api(tenant_b.host, tenant_b.admin), "党员教育"))


def test_showcase_queue_is_root_only(tenant_a: TenantWorld, group_admin: Any) -> None:
    assert_root_only(
        Endpoint("/api/v1/learning/showcase-proposals"),
        allowed=group_admin,
        tenant_users=[tenant_a.admin, tenant_a.member],
    )
