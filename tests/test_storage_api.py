"""The upload API end to end on the filesystem backend, through the real views: start an upload,
send the bytes to the returned URL like a browser (no login: the signature authorizes), complete,
and the server verifies size, real type, text and the confidentiality gate."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from partycloud.accounts.actor import Actor
from partycloud.audit.models import AuditEvent
from partycloud.core.errors import Conflict, NotFoundError, ServiceError
from partycloud.uploads.models import Upload, UploadStatus
from partycloud.uploads.purposes import MULTIPART_THRESHOLD, Purpose, register_purpose, unregister_purpose
from partycloud.uploads.services import claim_upload, do_abort_stale_uploads, download_url
from partycloud.uploads.tasks import abort_stale_uploads
from services.storage import sniffing
from services.storage.base import DataClass
from services.storage.filesystem import FilesystemStorage
from tests import s3_server
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.isolation import Endpoint, assert_tenant_isolated

# Fixtures of tests/s3_server.py used here.
fs_storage = s3_server.fs_storage

MiB = 1024 * 1024
PDF = "application/pdf"
DOCX = sniffing.DOCX
DOCUMENT = "tests.document"
VIDEO = "tests.video"
ADMIN_ONLY = "tests.admin_only"


@pytest.fixture(autouse=True)
def purposes(fs_storage: FilesystemStorage) -> Iterator[None]:
    register_purpose(
        Purpose(
            DOCUMENT,
            DataClass.MEDIA,
            "document",
            frozenset({PDF, DOCX, sniffing.XLSX, sniffing.PPTX, "text/plain", "image/png"}),
            1 * MiB,
            extract_text=True,
        )
    )
    register_purpose(Purpose(VIDEO, DataClass.MEDIA, "video", frozenset({"video/mp4", "video/webm"}), 200 * MiB))
    register_purpose(
        Purpose(
            ADMIN_ONLY,
            DataClass.RECORDS,
            "evidence",
            frozenset({PDF}),
            MiB,
            permission=lambda actor: actor.name.endswith("管理员"),
        )
    )
    yield
    for name in (DOCUMENT, VIDEO, ADMIN_ONLY):
        unregister_purpose(name)


# ---------------------------------------------------------------------------- files


def make_pdf(*lines: str) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont("STSong-Light", 14)
    for index, line in enumerate(lines):
        page.drawString(72, 800 - 20 * index, line)
    page.save()
    return buffer.getvalue()


def make_docx(body: str, *, header: str = "") -> bytes:
    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    document.add_paragraph(body)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "表格单元"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_xlsx(*rows: tuple[Any, ...]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "党员名册"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make_pptx(*slides: str) -> bytes:
    """A minimal presentation: the parts that identify it and one text run per slide."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/ppt/presentation.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>',
        )
        archive.writestr("ppt/presentation.xml", "<p:presentation/>")
        for number, text in enumerate(slides, start=1):
            archive.writestr(
                f"ppt/slides/slide{number}.xml",
                '<p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:p><a:r>'
                f"<a:t>{text}</a:t></a:r></a:p></p:sld>",
            )
    return buffer.getvalue()


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def fake_mp4(size: int) -> bytes:
    head = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    return head + bytes(size - len(head))


# ---------------------------------------------------------------------------- helpers


def start(client: Any, filename: str, content_type: str, size: int, purpose: str = DOCUMENT) -> Any:
    return client.post(
        "/api/v1/uploads", {"purpose": purpose, "filename": filename, "content_type": content_type, "size": size}
    )


def send_form(host: str, started: dict[str, Any], content: bytes, filename: str = "f") -> Any:
    """What the browser does with the POST form: the fields, then the file. No login."""
    post = started["post"]
    form = {**post["fields"], "file": SimpleUploadedFile(filename, content, post["fields"]["Content-Type"])}
    return api(host).post(post["url"], form, format="multipart")


def upload(world: TenantWorld, filename: str, content_type: str, content: bytes, **kwargs: Any) -> Any:
    """Start, send, complete; returns the completion response."""
    client = api(world.host, world.member)
    started = start(client, filename, content_type, len(content), **kwargs)
    assert started.status_code == 201, started.json()
    assert send_form(world.host, started.json(), content).status_code == 204
    return client.post(f"/api/v1/uploads/{started.json()['id']}/complete", {})


def stored_files(storage: FilesystemStorage) -> list[str]:
    return sorted(
        str(path.relative_to(storage.root))
        for path in storage.root.rglob("*")
        if path.is_file() and ".multipart" not in path.parts
    )


# ---------------------------------------------------------------------------- the happy path


def test_a_document_is_uploaded_verified_and_claimed(tenant_a: TenantWorld, fs_storage: FilesystemStorage):
    content = make_pdf("学习贯彻党的二十大精神", "Study notes")
    client = api(tenant_a.host, tenant_a.member)
    started = start(client, "学习笔记.pdf", PDF, len(content))
    assert started.status_code == 201, started.json()
    body = started.json()
    assert body["method"] == "post"
    assert body["multipart"] is None
    assert body["key"].startswith(f"t/{tenant_a.tenant.schema_name}/document/")
    assert body["post"]["url"] == "/api/v1/storage/upload"
    assert set(body["post"]["fields"]) == {"key", "Content-Type", "policy"}
    assert send_form(tenant_a.host, body, content).status_code == 204

    completed = client.post(f"/api/v1/uploads/{body['id']}/complete", {})
    assert completed.status_code == 200, completed.json()
    result = completed.json()
    assert (result["status"], result["size"], result["detected_type"]) == ("verified", len(content), PDF)
    assert result["filename"] == "学习笔记.pdf"
    with tenant_a.tenant:
        record = Upload.objects.get(pk=body["id"])
        assert "学习贯彻党的二十大精神" in record.text
        claimed = claim_upload(body["id"], purpose=DOCUMENT, user=tenant_a.member)
        assert claimed.status == UploadStatus.CONSUMED
        with pytest.raises(Conflict):  # the creator as an Actor (services) or a User: the same person
            claim_upload(body["id"], purpose=DOCUMENT, user=Actor.for_user(tenant_a.member))
        url = download_url(DataClass.MEDIA, claimed.key, filename=claimed.filename, inline=False)
    download = api(tenant_a.host).get(url)
    assert download.status_code == 200
    assert download.getvalue() == content
    assert "attachment; filename*=utf-8''" in download["Content-Disposition"]


def test_claim_needs_the_same_creator_purpose_and_a_verified_upload(tenant_a: TenantWorld):
    content = make_pdf("会议纪要")
    client = api(tenant_a.host, tenant_a.member)
    pending = start(client, "a.pdf", PDF, len(content)).json()
    done = upload(tenant_a, "b.pdf", PDF, content).json()
    with tenant_a.tenant:
        with pytest.raises(NotFoundError):
            claim_upload(done["id"], purpose=DOCUMENT, user=tenant_a.secretary)
        with pytest.raises(NotFoundError):
            claim_upload("not-a-uuid", purpose=DOCUMENT, user=tenant_a.member)
        with pytest.raises(ServiceError) as wrong:
            claim_upload(done["id"], purpose=VIDEO, user=tenant_a.member)
        assert wrong.value.code == "storage.wrong_purpose"
        with pytest.raises(Conflict) as unverified:
            claim_upload(pending["id"], purpose=DOCUMENT, user=tenant_a.member)
        assert unverified.value.code == "storage.not_verified"


def test_an_upload_of_one_tenant_cannot_be_claimed_in_another(tenant_a: TenantWorld, tenant_b: TenantWorld):
    done = upload(tenant_a, "c.pdf", PDF, make_pdf("党课")).json()
    with tenant_b.tenant, pytest.raises(NotFoundError):
        claim_upload(done["id"], purpose=DOCUMENT, user=tenant_a.member)


@pytest.mark.parametrize(
    ("filename", "content_type", "builder", "expected"),
    [
        (
            "述职报告.docx",
            DOCX,
            lambda: make_docx("支部工作总结", header="第一党支部"),
            ["第一党支部", "支部工作总结", "表格单元"],
        ),
        (
            "名册.xlsx",
            sniffing.XLSX,
            lambda: make_xlsx(("姓名", "入党时间"), ("张三", 2001)),
            ["党员名册", "张三\t2001"],
        ),
        ("党课.pptx", sniffing.PPTX, lambda: make_pptx("第一讲 &amp; 导论", "第二讲"), ["第一讲 & 导论", "第二讲"]),
        ("通知.txt", "text/plain", lambda: "\ufeff关于召开组织生活会的通知\n".encode(), ["关于召开组织生活会的通知"]),
    ],
)
def test_office_documents_and_text_are_recognized_and_their_text_extracted(
    tenant_a: TenantWorld, filename: str, content_type: str, builder: Any, expected: list[str]
):
    response = upload(tenant_a, filename, content_type, builder())
    assert response.status_code == 200, response.json()
    assert response.json()["detected_type"] == content_type
    with tenant_a.tenant:
        text = Upload.objects.get(pk=response.json()["id"]).text
    for piece in expected:
        assert piece in text


# ---------------------------------------------------------------------------- refusals


def test_a_classified_pdf_is_refused_deleted_and_audited(tenant_a: TenantWorld, fs_storage: FilesystemStorage):
    content = make_pdf("机密★1年", "关于某项目的请示")
    client = api(tenant_a.host, tenant_a.member)
    started = start(client, "请示.pdf", PDF, len(content)).json()
    assert send_form(tenant_a.host, started, content).status_code == 204
    assert fs_storage.stat(DataClass.MEDIA, started["key"]) is not None

    response = client.post(f"/api/v1/uploads/{started['id']}/complete", {})
    assert response.status_code == 400
    assert response.json()["code"] == "confidentiality.classified"
    assert response.json()["field"] == "file"
    assert fs_storage.stat(DataClass.MEDIA, started["key"]) is None
    assert not fs_storage.path(DataClass.MEDIA, started["key"]).exists()
    assert stored_files(fs_storage) == []
    with tenant_a.tenant:
        record = Upload.objects.get(pk=started["id"])
        assert (record.status, record.error_code) == (UploadStatus.REJECTED, "confidentiality.classified")
        assert record.text == ""
    event = AuditEvent.objects.get(target_type="storage.upload", target_id=started["id"])
    assert event.tenant_id == tenant_a.tenant.pk
    assert event.actor_id == tenant_a.member.pk
    assert (event.event, event.details["code"]) == ("upload.reject", "confidentiality.classified")
    # Completing again changes nothing.
    assert client.post(f"/api/v1/uploads/{started['id']}/complete", {}).status_code == 409


def test_a_classification_stamp_in_a_docx_header_is_found(tenant_a: TenantWorld):
    response = upload(tenant_a, "a.docx", DOCX, make_docx("正文", header="密级：秘密"))
    assert (response.status_code, response.json()["code"]) == (400, "confidentiality.classified")


def test_a_classified_file_name_is_refused(tenant_a: TenantWorld):
    response = upload(tenant_a, "【绝密】名单.txt", "text/plain", "名单".encode())
    assert (response.status_code, response.json()["code"]) == (400, "confidentiality.classified")
    assert response.json()["field"] == "file"


def test_a_pdf_that_is_really_a_png_is_refused(tenant_a: TenantWorld, fs_storage: FilesystemStorage):
    response = upload(tenant_a, "scan.pdf", PDF, PNG)
    assert response.status_code == 400
    assert response.json()["code"] == "storage.type_mismatch"
    assert "image/png" in response.json()["message"]
    assert stored_files(fs_storage) == []
    with tenant_a.tenant:
        assert Upload.objects.get(key__isnull=False, filename="scan.pdf").status == UploadStatus.REJECTED


def test_a_file_whose_real_type_is_not_accepted_is_refused(tenant_a: TenantWorld):
    response = upload(tenant_a, "notes.txt", "text/plain", b"\x00\x01binary\xff\xfe")
    assert (response.status_code, response.json()["code"]) == (400, "storage.type_not_allowed")


def test_a_damaged_document_is_refused(tenant_a: TenantWorld):
    response = upload(tenant_a, "broken.pdf", PDF, b"%PDF-1.7\n" + b"garbage" * 100)
    assert (response.status_code, response.json()["code"]) == (400, "storage.unreadable")


def test_a_size_mismatch_is_refused(tenant_a: TenantWorld, fs_storage: FilesystemStorage):
    content = make_pdf("短")
    client = api(tenant_a.host, tenant_a.member)
    started = start(client, "a.pdf", PDF, len(content) + 100).json()
    # The store accepts up to the declared size; the server then finds fewer bytes.
    assert send_form(tenant_a.host, started, content).status_code == 204
    response = client.post(f"/api/v1/uploads/{started['id']}/complete", {})
    assert (response.status_code, response.json()["code"]) == (400, "storage.size_mismatch")
    assert stored_files(fs_storage) == []
    # More than declared never reaches the store.
    started = start(client, "b.pdf", PDF, 10).json()
    refused = send_form(tenant_a.host, started, content)
    assert (refused.status_code, refused.json()["code"]) == (400, "storage.too_large")
    assert stored_files(fs_storage) == []


def test_completing_before_the_bytes_arrived_is_refused(tenant_a: TenantWorld):
    client = api(tenant_a.host, tenant_a.member)
    started = start(client, "a.pdf", PDF, 100).json()
    response = client.post(f"/api/v1/uploads/{started['id']}/complete", {})
    assert (response.status_code, response.json()["code"]) == (400, "storage.not_uploaded")


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"purpose": "tests.nothing"}, "storage.unknown_purpose", "purpose"),
        ({"content_type": "application/x-msdownload", "filename": "a.exe"}, "storage.type_not_allowed", "content_type"),
        ({"filename": "a.exe"}, "storage.extension_not_allowed", "filename"),
        ({"filename": "a.docx"}, "storage.extension_mismatch", "filename"),
        ({"filename": "noextension"}, "storage.extension_not_allowed", "filename"),
        ({"size": 0}, "storage.empty_file", "size"),
        ({"size": MiB + 1}, "storage.too_large", "size"),
        ({"filename": "../../"}, "storage.no_filename", "filename"),
    ],
)
def test_starting_an_upload_validates_purpose_type_name_and_size(
    tenant_a: TenantWorld, body: dict[str, Any], code: str, field: str
):
    request = {"purpose": DOCUMENT, "filename": "a.pdf", "content_type": PDF, "size": 1000, **body}
    response = api(tenant_a.host, tenant_a.member).post("/api/v1/uploads", request)
    assert response.status_code == 400, response.json()
    assert (response.json()["code"], response.json()["field"]) == (code, field)


def test_declared_types_are_normalized_and_names_cleaned(tenant_a: TenantWorld):
    response = api(tenant_a.host, tenant_a.member).post(
        "/api/v1/uploads",
        {"purpose": DOCUMENT, "filename": "C:\\Users\\me\\报告\x07.PDF", "content_type": "Application/PDF", "size": 5},
    )
    assert response.status_code == 201
    with tenant_a.tenant:
        record = Upload.objects.get(pk=response.json()["id"])
    assert (record.filename, record.declared_type) == ("报告.PDF", PDF)


def test_a_purpose_may_restrict_who_uploads(tenant_a: TenantWorld):
    body = {"purpose": ADMIN_ONLY, "filename": "a.pdf", "content_type": PDF, "size": 10}
    assert api(tenant_a.host, tenant_a.member).post("/api/v1/uploads", body).status_code == 403
    assert api(tenant_a.host, tenant_a.admin).post("/api/v1/uploads", body).status_code == 201


# ---------------------------------------------------------------------------- multipart


def test_a_large_video_is_uploaded_in_parts_and_resumed(tenant_a: TenantWorld, fs_storage: FilesystemStorage):
    size = MULTIPART_THRESHOLD + 3 * MiB
    content = fake_mp4(size)
    client = api(tenant_a.host, tenant_a.member)
    started = start(client, "党课录像.mp4", "video/mp4", size, purpose=VIDEO)
    assert started.status_code == 201, started.json()
    body = started.json()
    assert (body["method"], body["post"]) == ("multipart", None)
    part_size, part_count = body["multipart"]["part_size"], body["multipart"]["part_count"]
    assert (part_size, part_count) == (16 * MiB, 5)
    base = f"/api/v1/uploads/{body['id']}"
    urls = client.post(f"{base}/parts", {"part_numbers": [1, 2]}, format="json").json()["parts"]
    browser = api(tenant_a.host)
    for part in urls:
        number = part["part_number"]
        chunk = content[(number - 1) * part_size : number * part_size]
        sent = browser.put(part["url"], chunk, content_type="application/octet-stream")
        assert sent.status_code == 200
        assert sent["ETag"] == f'"{hashlib.md5(chunk, usedforsecurity=False).hexdigest()}"'
    # Completing now would lose data: the server says what is missing and keeps the upload.
    early = client.post(f"{base}/complete", {})
    assert (early.status_code, early.json()["code"], early.json()["missing"]) == (
        400,
        "storage.parts_missing",
        [3, 4, 5],
    )
    # The connection dropped; the browser comes back and asks what is there.
    stored = client.get(f"{base}/parts").json()["parts"]
    assert [p["part_number"] for p in stored] == [1, 2]
    missing = [n for n in range(1, part_count + 1) if n not in {p["part_number"] for p in stored}]
    for part in client.post(f"{base}/parts", {"part_numbers": missing}, format="json").json()["parts"]:
        number = part["part_number"]
        chunk = content[(number - 1) * part_size : number * part_size]
        assert browser.put(part["url"], chunk, content_type="application/octet-stream").status_code == 200
    done = client.post(f"{base}/complete", {})
    assert done.status_code == 200, done.json()
    assert (done.json()["status"], done.json()["size"], done.json()["detected_type"]) == ("verified", size, "video/mp4")
    assert fs_storage.read_range(DataClass.MEDIA, body["key"], size - 10) == content[-10:]
    assert not any((fs_storage.root / ".multipart").iterdir())


def test_part_requests_are_checked(tenant_a: TenantWorld):
    client = api(tenant_a.host, tenant_a.member)
    video = start(client, "a.mp4", "video/mp4", 100 * MiB, purpose=VIDEO).json()
    base = f"/api/v1/uploads/{video['id']}"
    too_many = client.post(f"{base}/parts", {"part_numbers": list(range(1, 102))}, format="json")
    assert too_many.status_code == 400
    beyond = client.post(f"{base}/parts", {"part_numbers": [8]}, format="json")
    assert (beyond.status_code, beyond.json()["code"]) == (400, "storage.part_numbers")
    document = start(client, "a.pdf", PDF, 100).json()
    not_parts = client.post(f"/api/v1/uploads/{document['id']}/parts", {"part_numbers": [1]}, format="json")
    assert (not_parts.status_code, not_parts.json()["code"]) == (400, "storage.not_multipart")


# ---------------------------------------------------------------------------- abort, cleanup, access


def test_cancelling_aborts_parts_and_deletes_the_object(tenant_a: TenantWorld, fs_storage: FilesystemStorage):
    client = api(tenant_a.host, tenant_a.member)
    video = start(client, "a.mp4", "video/mp4", 100 * MiB, purpose=VIDEO).json()
    part = client.post(f"/api/v1/uploads/{video['id']}/parts", {"part_numbers": [1]}, format="json").json()
    api(tenant_a.host).put(part["parts"][0]["url"], b"x" * 1000, content_type="application/octet-stream")
    assert client.delete(f"/api/v1/uploads/{video['id']}").status_code == 204
    assert client.get(f"/api/v1/uploads/{video['id']}").json()["status"] == "aborted"
    assert not any((fs_storage.root / ".multipart").iterdir())
    content = make_pdf("x")
    document = upload(tenant_a, "a.pdf", PDF, content).json()
    assert client.delete(f"/api/v1/uploads/{document['id']}").status_code == 204
    assert stored_files(fs_storage) == []


def test_stale_pending_uploads_are_aborted_by_the_daily_task(tenant_a: TenantWorld, fs_storage: FilesystemStorage):
    client = api(tenant_a.host, tenant_a.member)
    old = start(client, "old.pdf", PDF, 10).json()
    send_form(tenant_a.host, old, b"%PDF-1.4 x")
    fresh = start(client, "fresh.pdf", PDF, 10).json()
    video = start(client, "old.mp4", "video/mp4", 100 * MiB, purpose=VIDEO).json()
    with tenant_a.tenant:
        Upload.objects.filter(pk__in=[old["id"], video["id"]]).update(created_at=timezone.now() - timedelta(days=2))
        assert abort_stale_uploads() == 2
        assert do_abort_stale_uploads() == 0
        statuses = dict(Upload.objects.filter(pk__in=[old["id"], fresh["id"], video["id"]]).values_list("pk", "status"))
    assert sorted(statuses.values()) == ["aborted", "aborted", "pending"]
    assert stored_files(fs_storage) == []
    assert not any((fs_storage.root / ".multipart").iterdir())


def test_only_the_creator_acts_and_the_admin_reads(tenant_a: TenantWorld):
    done = upload(tenant_a, "a.pdf", PDF, make_pdf("x")).json()
    url = f"/api/v1/uploads/{done['id']}"
    assert api(tenant_a.host, tenant_a.admin).get(url).status_code == 200
    assert api(tenant_a.host, tenant_a.admin).delete(url).status_code == 403
    assert api(tenant_a.host, tenant_a.secretary).get(url).status_code == 404
    assert api(tenant_a.host, tenant_a.secretary).post(f"{url}/complete", {}).status_code == 404
    assert api(tenant_a.host).get(url).status_code == 401
    assert api(tenant_a.host, tenant_a.member).get(url).json()["status"] == "verified"
    assert "text" not in api(tenant_a.host, tenant_a.member).get(url).json()


def test_uploads_are_isolated_between_tenants(tenant_a: TenantWorld, tenant_b: TenantWorld):
    done = upload(tenant_a, "a.pdf", PDF, make_pdf("x")).json()
    create = {"purpose": DOCUMENT, "filename": "a.pdf", "content_type": PDF, "size": 10}
    assert_tenant_isolated(
        Endpoint("/api/v1/uploads", object_id=done["id"], create=create), owner=tenant_a, outsider=tenant_b
    )
    # The parts of a multipart upload, read by its creator (the admin here).
    video = start(api(tenant_a.host, tenant_a.admin), "a.mp4", "video/mp4", 100 * MiB, purpose=VIDEO).json()
    assert_tenant_isolated(
        Endpoint("/api/v1/uploads", detail_url=f"/api/v1/uploads/{video['id']}/parts", change=None, deletable=False),
        owner=tenant_a,
        outsider=tenant_b,
    )


def test_the_group_root_uploads_into_the_public_schema(group_admin: Any, tenant_a: TenantWorld):
    body = {"purpose": DOCUMENT, "filename": "a.pdf", "content_type": PDF, "size": 10}
    started = api(ROOT_HOST, group_admin).post("/api/v1/uploads", body)
    assert started.status_code == 201
    assert started.json()["key"].startswith("t/public/document/")
    assert Upload.objects.filter(pk=started.json()["id"]).exists()
    # Tenant users have no business on the root host.
    assert api(ROOT_HOST, tenant_a.admin).post("/api/v1/uploads", body).status_code == 403
