"""Error codes are enums, one per app: declared, unique, listed in the OpenAPI schema and docs/api.md (issue 12)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

from partycloud.core.errors import ErrorCode, ServiceError, all_error_codes, code_enums
from tenants.members.errors import MembersCode

REPO = Path(__file__).resolve().parents[1]
RAISERS = {"ServiceError", "NotAllowed", "NotFoundError", "Conflict", "Block", "MediaError"}


def _python_files():
    for base in ("platform/partycloud", "tenants"):
        for path in sorted((REPO / base).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_no_error_is_raised_with_a_bare_string_code():
    offenders = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            first = node.args[0]
            if (
                name in RAISERS
                and isinstance(first, ast.Constant | ast.JoinedStr)
                and isinstance(getattr(first, "value", ""), str)
            ):
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert offenders == [], "raise with an app's ErrorCode member, not a string: " + ", ".join(offenders)


def test_codes_are_unique_described_and_live_in_their_apps_errors_module():
    seen: dict[str, str] = {}
    for enum in code_enums():
        assert enum.__module__.endswith(".errors"), enum
        for member in enum:
            assert member.value not in seen, f"{member.value} in {enum.__name__} and {seen[member.value]}"
            seen[member.value] = enum.__name__
            assert member.description.strip(), f"{member.value} has no description"
    assert len(seen) > 200
    assert set(all_error_codes()) == set(seen)


def test_a_member_is_its_code_and_an_undeclared_code_fails_in_tests():
    assert MembersCode.BAD_DATE == "members.bad_date"
    assert ServiceError("members.bad_date", "x").code is MembersCode.BAD_DATE  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not declared"):
        ServiceError("members.no_such_code", "x")  # type: ignore[arg-type]
    assert isinstance(MembersCode.BAD_DATE, ErrorCode | str)


def test_docs_api_md_lists_every_code():
    call_command("error_codes", "--check")
    text = (REPO / "docs" / "api.md").read_text()
    for code in all_error_codes():
        assert f"`{code}`" in text


def test_the_openapi_schema_lists_every_code_per_app():
    schema = SchemaGenerator(urlconf="partycloud.urls_schema").get_schema(request=None, public=True)
    schemas = schema["components"]["schemas"]
    refs = [choice.get("$ref", "") for choice in schemas["Error"]["properties"]["code"]["anyOf"]]
    for enum in code_enums():
        assert f"#/components/schemas/{enum.__name__}" in refs
        assert schemas[enum.__name__]["enum"] == [member.value for member in enum]
