"""Per-tenant backup and restore, end to end: a seeded tenant is backed up, restored under a new
slug (new schema, new host), and the copy has the same rows table by table, serves its API and
its files, while the original is untouched. On the filesystem store and on S3 (moto)."""

from __future__ import annotations

import io
import json
import tarfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from partycloud.audit.models import AuditEvent
from partycloud.backup.archive import MANIFEST
from partycloud.backup.services import schema_tables
from partycloud.rollups.models import PendingTenant
from partycloud.tenancy.models import Domain, PartyCommittee, TenantAccess
from partycloud.tenancy.services import CommitteeDraft, do_provision_tenant
from services.storage import DataClass, Storage, get_storage
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tenants.dues.assessments import do_assess_month
from tenants.dues.models import DuesBase
from tenants.members.services import do_create_member
from tenants.organizations.services import do_create_organization
from tests import s3_server
from tests.conftest import TenantWorld, api
from tests.factories import UserFactory, make_id_card, next_unified_code
from tests.learning_support import clean_search, eager_tasks, fetch, pdf_bytes, uploaded_id  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db

fs_storage = s3_server.fs_storage
s3_endpoint = s3_server.s3_endpoint
s3_storage = s3_server.s3_storage

PDF_TITLE = "党章学习辅导（备份恢复）"


@pytest.fixture(params=["filesystem", "s3"])
def storage(request: pytest.FixtureRequest) -> Storage:
    return request.getfixturevalue("fs_storage" if request.param == "filesystem" else "s3_storage")


@pytest.fixture
def seeded(platform_world: Any, storage: Storage, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    """A tenant with organizations, members (one of them a signed-in user's), dues and a
    library document (an uploaded PDF with its preview)."""
    admin, member_user = UserFactory(), UserFactory()
    tenant = do_provision_tenant(
        CommitteeDraft(name="丙公司党委", short_name="丙公司", slug="gamma", unified_code=next_unified_code()),
        first_admin=admin,
    )
    with tenant:
        do_assign_role(user=member_user, role=TenantRole.MEMBER)
        branch = do_create_organization(
            kind="branch", name="第一党支部", parent=do_create_organization(kind="committee", name="丙")
        )
        for index, name in enumerate(["张三", "李四", "王五"]):
            extra = {"phone": member_user.phone} if index == 0 else {}
            member = do_create_member(
                {"name": name, "gender": "male", "joined_on": date(2010, 1, 1), "confirmed_on": date(2011, 1, 1),
                 "membership": "full", "dues_category": "employee", "organization": branch} | extra,
                id_card_number=make_id_card(),
            )  # fmt: skip
            DuesBase.objects.create(member=member, amount=Decimal("8000.00"), effective_from=date(2026, 1, 1))
        do_assess_month(date(2026, 6, 1))
    world = TenantWorld(tenant, admin, UserFactory(), member_user, UserFactory())
    client = api(world.host, admin)
    pdf = pdf_bytes("中国共产党章程学习辅导", "备份与恢复")
    upload = uploaded_id(client, "learning.document", "辅导材料.pdf", "application/pdf", pdf)
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/learning/resources",
            {"kind": "document", "title": PDF_TITLE, "file_upload": upload, "publish": True},
        )
    assert created.status_code == 201, created.json()
    connection.set_schema_to_public()
    return {"world": world, "pdf": pdf, "resource": created.json()["id"]}


def row_counts(schema: str) -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in schema_tables(schema):
            cursor.execute(sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table)))
            counts[table] = cursor.fetchone()[0]
    return counts


def object_keys(storage: Storage, schema: str) -> list[tuple[str, str]]:
    return sorted((dc.value, key) for dc in DataClass for key in storage.list_keys(dc, f"t/{schema}/"))


def test_a_tenant_is_backed_up_and_restored_under_a_new_slug_and_host(seeded: dict[str, Any], tmp_path: Path):
    world: TenantWorld = seeded["world"]
    original = world.tenant
    storage = get_storage()
    before = row_counts(original.schema_name)
    assert before["members_member"] == 3
    assert before["organizations_organization"] == 2
    assert before["dues_duesassessment"] == 3
    assert before["learning_resource"] == 1
    assert before["storage_upload"] >= 1
    original_keys = object_keys(storage, original.schema_name)
    assert len(original_keys) >= 2  # the PDF and its preview page

    archive = tmp_path / "gamma.tar.gz"
    call_command("backup_tenant", "gamma", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile(MANIFEST))  # type: ignore[arg-type]
    assert manifest["tables"]["members_member"]["rows"] == 3
    assert {entry["key"] for entry in manifest["objects"]} == {key for _dc, key in original_keys}
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"].values())
    assert manifest["versions"]["postgresql"]

    call_command(
        "restore_tenant",
        str(archive),
        "--slug",
        "gamma-copy",
        "--name",
        "丙公司党委（恢复）",
        stdout=io.StringIO(),
    )
    copy = PartyCommittee.objects.get(slug="gamma-copy")
    assert (copy.schema_name, copy.name, copy.unified_code) == ("t_gamma_copy", "丙公司党委（恢复）", None)
    assert Domain.objects.filter(tenant=copy, domain=copy.primary_host, is_primary=True).exists()

    # Same rows, table by table; the original untouched.
    assert row_counts(copy.schema_name) == before
    assert row_counts(original.schema_name) == before
    assert object_keys(storage, original.schema_name) == original_keys
    assert object_keys(storage, copy.schema_name) == [
        (dc, key.replace("t/t_gamma/", "t/t_gamma_copy/", 1)) for dc, key in original_keys
    ]
    # Stored keys follow the objects: nothing in the copy names the old schema's keys.
    with connection.cursor() as cursor:
        cursor.execute("SELECT file_key, preview_keys::text FROM t_gamma_copy.learning_resource")
        file_key, preview_keys = cursor.fetchone()
        cursor.execute("SELECT array_agg(key) FROM t_gamma_copy.storage_upload")
        upload_keys = cursor.fetchone()[0]
    assert file_key.startswith("t/t_gamma_copy/")
    assert "t/t_gamma_copy/" in preview_keys
    assert "t/t_gamma/" not in preview_keys
    assert all(key.startswith("t/t_gamma_copy/") for key in upload_keys)
    # Public rows: the access index and the audit trail, remapped; the rollups are queued.
    assert set(TenantAccess.objects.filter(tenant=copy).values_list("user_id", flat=True)) == set(
        TenantAccess.objects.filter(tenant=original).values_list("user_id", flat=True)
    )
    assert AuditEvent.objects.filter(tenant=copy, event="tenant.restore").exists()
    assert AuditEvent.objects.filter(tenant=original, event="tenant.backup").exists()
    assert AuditEvent.objects.filter(tenant=copy, event="tenant.provision").exists()  # the original's trail
    assert PendingTenant.objects.filter(schema_name=copy.schema_name).exists()

    # The new host serves: a member there reads the library item and downloads the same bytes.
    reader = api(copy.primary_host, world.member)
    item = reader.get(f"/api/v1/learning/library/{seeded['resource']}")
    assert item.status_code == 200, item.json()
    assert fetch(api(copy.primary_host), item.json()["file"]["url"]) == (200, seeded["pdf"])
    assert api(copy.primary_host, world.admin).get("/api/v1/members").status_code == 200
    found = reader.get("/api/v1/search", {"q": "章程"}).json()
    assert PDF_TITLE in {row["title"] for row in found["results"]}
    # The original still serves its own.
    assert api(world.host, world.member).get(f"/api/v1/learning/library/{seeded['resource']}").status_code == 200


def test_restore_refuses_a_taken_slug_a_damaged_archive_and_another_migration_state(
    seeded: dict[str, Any], tmp_path: Path
):
    archive = tmp_path / "gamma.tar.gz"
    call_command("backup_tenant", "gamma", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match=r"tenancy\.slug_taken"):
        call_command("restore_tenant", str(archive), "--slug", "gamma")
    with pytest.raises(CommandError, match=r"tenancy\.slug_reserved"):
        call_command("restore_tenant", str(archive), "--slug", "admin")

    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(CommandError, match=r"backup\.archive_invalid"):
        call_command("restore_tenant", str(damaged), "--slug", "gamma-two")

    # An archive made after a migration this platform does not have.
    unpacked = tmp_path / "unpacked"
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked, filter="data")
    manifest = json.loads((unpacked / MANIFEST).read_text())
    manifest["migrations"].append("members.9999_from_the_future")
    (unpacked / MANIFEST).write_text(json.dumps(manifest))
    future = tmp_path / "future.tar.gz"
    with tarfile.open(future, "w:gz") as tar:
        for path in sorted(unpacked.rglob("*")):
            tar.add(path, arcname=path.relative_to(unpacked).as_posix(), recursive=False)
    with pytest.raises(CommandError, match=r"backup\.incompatible.*members\.9999_from_the_future"):
        call_command("restore_tenant", str(future), "--slug", "gamma-two")

    assert not PartyCommittee.objects.filter(slug="gamma-two").exists()
    assert object_keys(get_storage(), "t_gamma_two") == []


def test_only_subsidiaries_are_backed_up(platform_world: Any, tmp_path: Path):
    with pytest.raises(CommandError, match=r"backup\.not_subsidiary"):
        call_command("backup_tenant", "group-root", str(tmp_path / "root.tar.gz"))
    with pytest.raises(CommandError, match="No party committee"):
        call_command("backup_tenant", "nowhere", str(tmp_path / "x.tar.gz"))
