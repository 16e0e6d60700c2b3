"""What the contract fuzzing (tests/test_api_fuzz.py) found, pinned down one by one; and each
host's schema: its own operations only, every error documented with the shared ``Error``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.test_learning_study import make_quiz


def schema_of(host: str) -> dict[str, Any]:
    response = api(host).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema: dict[str, Any] = json.loads(response.content)
    return schema


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


# ---------------------------------------------------------------- each host its own schema


def test_root_host_schema_lists_only_root_operations(tenant_a: TenantWorld) -> None:
    paths = set(schema_of(ROOT_HOST)["paths"])
    assert "/api/v1/tenants" in paths
    assert "/api/v1/group/summary" in paths
    assert "/api/v1/members" not in paths  # tenant-only: answers 404 on the root host
    assert "/api/v1/roles" not in paths
    assert "/api/v1/auth/login" in paths  # shared by both hosts


def test_tenant_host_schema_lists_only_tenant_operations(tenant_a: TenantWorld) -> None:
    paths = set(schema_of(tenant_a.host)["paths"])
    assert "/api/v1/members" in paths
    assert "/api/v1/tenants" not in paths
    assert "/api/v1/group/summary" not in paths
    assert "/api/v1/auth/login" in paths


def test_every_listed_path_is_routed_on_its_host(tenant_a: TenantWorld, group_admin: Any) -> None:
    """A path the host's schema lists never answers the HTML 404 of an unrouted URL there."""
    for host, user in ((ROOT_HOST, group_admin), (tenant_a.host, tenant_a.admin)):
        client = api(host, user)
        for path, item in schema_of(host)["paths"].items():
            if "{" in path or "get" not in item:
                continue
            response = client.get(path)
            assert response.status_code != 404 or response["Content-Type"].startswith("application/json"), (
                host,
                path,
            )


def test_every_operation_documents_its_errors_with_the_error_component(tenant_a: TenantWorld) -> None:
    other_bodies: set[tuple[str, str, str]] = set()
    for host in (ROOT_HOST, tenant_a.host):
        schema = schema_of(host)
        assert "Error" in schema["components"]["schemas"]
        for method, path, operation in operations(schema):
            errors = {status: response for status, response in operation["responses"].items() if status >= "400"}
            assert {"429", "503"} <= set(errors), (method, path)
            if any(parameter["in"] == "path" for parameter in operation.get("parameters", [])):
                assert "404" in errors, (method, path)
            if operation.get("security") and any(operation["security"]):
                assert {"401", "403"} <= set(errors), (method, path)
            if "requestBody" in operation:
                assert "400" in errors, (method, path)
            for status, response in errors.items():
                schema_of_body = response["content"]["application/json"]["schema"]
                if schema_of_body != {"$ref": "#/components/schemas/Error"}:
                    other_bodies.add((method, path, status))
    # The one refusal that is not an Error: a letter's public check page shows "not genuine".
    assert other_bodies == {("get", "/api/v1/transfer-letters/verify", "404")}


# ---------------------------------------------------------------- server errors found by fuzzing


@pytest.mark.parametrize("upload_id", ["not-a-uuid", "12345", "0" * 40])
def test_upload_addressed_by_a_malformed_id_is_not_found(tenant_a: TenantWorld, upload_id: str) -> None:
    client = api(tenant_a.host, tenant_a.member)
    for method in (client.get, client.delete):
        response = method(f"/api/v1/uploads/{upload_id}")
        assert response.status_code == 404
        assert response.json()["code"] == "storage.no_upload"


@pytest.mark.parametrize("year", ["0", "10000", "99999999999"])
def test_dues_annual_summary_refuses_an_out_of_range_year(tenant_a: TenantWorld, year: str) -> None:
    response = api(tenant_a.host, tenant_a.admin).get("/api/v1/dues/assessments/annual", {"year": year})
    assert response.status_code == 400
    assert response.json()["field"] == "year"


def test_dues_annual_summary_has_its_documented_shape(tenant_a: TenantWorld) -> None:
    body = api(tenant_a.host, tenant_a.admin).get("/api/v1/dues/assessments/annual", {"year": "2026"}).json()
    assert body["year"] == 2026
    assert len(body["months"]) == 12
    assert set(body["months"][0]) == {"month", "amount_due", "amount_paid", "arrears", "voluntary"}
    assert body["totals"]["amount_due"] == "0.00"


def test_deleting_a_question_bank_a_quiz_uses_is_a_conflict(tenant_a: TenantWorld) -> None:
    admin = api(tenant_a.host, tenant_a.admin)
    quiz = make_quiz(admin)
    response = admin.delete(f"/api/v1/learning/question-banks/{quiz['bank']}")
    assert response.status_code == 409
    assert response.json()["code"] == "learning.bank_in_use"
    assert admin.get(f"/api/v1/learning/question-banks/{quiz['bank']}").status_code == 200


def test_a_created_question_bank_has_every_documented_property(tenant_a: TenantWorld) -> None:
    admin = api(tenant_a.host, tenant_a.admin)
    created = admin.post("/api/v1/learning/question-banks", {"title": "党史"}).json()
    assert created["question_count"] == 0
    changed = admin.patch(f"/api/v1/learning/question-banks/{created['id']}", {"title": "党史题库"}).json()
    assert changed["question_count"] == 0


@pytest.mark.parametrize(
    "moment",
    [
        "2026-01-01T00:00:00+23:59",
        "2026-01-01T00:00:00-16:00",
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:59:59-05:00",
    ],
)
def test_audit_filter_refuses_a_moment_without_a_utc_equivalent(tenant_a: TenantWorld, moment: str) -> None:
    client = api(tenant_a.host, tenant_a.admin)
    for name in ("since", "until"):
        response = client.get("/api/v1/audit-events", {name: moment})
        assert response.status_code == 400, response.content
        assert response.json()["field"] == name


def test_audit_filter_takes_the_widest_real_offset(tenant_a: TenantWorld) -> None:
    response = api(tenant_a.host, tenant_a.admin).get("/api/v1/audit-events", {"since": "2026-01-01T00:00:00+14:00"})
    assert response.status_code == 200


def test_dashboard_threshold_beyond_its_column_is_refused(platform_world: dict[str, Any], group_admin: Any) -> None:
    response = api(ROOT_HOST, group_admin).put(
        "/api/v1/group/dashboard/thresholds",
        {"figure": "arrears_rate", "green_until": 1e12, "amber_until": 2e12, "higher_is_worse": True},
        format="json",
    )
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/api/v1/members/not-a-number", "/api/v1/members/1.5", "/api/v1/no-such-thing"])
def test_an_unrouted_api_url_answers_a_json_error(tenant_a: TenantWorld, path: str) -> None:
    response = api(tenant_a.host, tenant_a.admin).get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_unrouted_page_url_is_still_the_app(tenant_a: TenantWorld) -> None:
    """The console's client-side routes are the app (200, or 503 where the front end is not built)."""
    assert api(tenant_a.host).get("/console/members/7").status_code in (200, 503)


def test_names_of_optional_relations_are_nullable_in_the_schema(tenant_a: TenantWorld) -> None:
    """An event of the group root has no tenant: its tenant_name is null, and the schema says so."""
    root = schema_of(ROOT_HOST)["components"]["schemas"]
    assert root["AuditEvent"]["properties"]["tenant_name"]["nullable"] is True
    tenant = schema_of(tenant_a.host)["components"]["schemas"]
    for name in ("from_organization_name", "to_organization_name", "counterpart_name"):
        assert tenant["Transfer"]["properties"][name]["nullable"] is True
