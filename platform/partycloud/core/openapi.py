"""The OpenAPI schema's error codes: one enum schema per app, and ``Error.code`` is one of them.

A drf-spectacular post-processing hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``), so the
generated front-end types and any client see every code with what it means.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response

from partycloud.core.errors import ErrorCode, code_enums

VALIDATION_PATTERN = r"^validation\.[a-z_]+$"


def enum_schema(enum: type[ErrorCode]) -> dict[str, Any]:
    app = enum.__module__.rsplit(".", 1)[0]
    lines = "\n".join(f"- `{member.value}`: {member.description}" for member in enum)
    return {
        "type": "string",
        "enum": [member.value for member in enum],
        "description": f"Error codes of `{app}`.\n\n{lines}",
    }


def add_error_codes(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    choices: list[dict[str, Any]] = []
    for enum in code_enums():
        schemas[enum.__name__] = enum_schema(enum)
        choices.append({"$ref": f"#/components/schemas/{enum.__name__}"})
    choices.append(
        {
            "type": "string",
            "pattern": VALIDATION_PATTERN,
            "description": "A field rule that failed (validation.required, validation.max_length, ...); "
            "`errors` lists each with its field.",
        }
    )
    error = schemas.get("Error")
    if error is not None:
        error["properties"]["code"] = {"anyOf": choices, "example": "tenancy.slug_taken"}
    return result


# ---- error responses (ADR 0018) ------------------------------------------------------------------

ERROR_REF = {"$ref": "#/components/schemas/Error"}
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Why each status can answer; the body is always an Error.
ERROR_DESCRIPTIONS = {
    "400": "The body or a parameter is invalid, or a business rule refused the request.",
    "401": "Not signed in, or the token or session was refused.",
    "403": "The caller's roles do not allow this here (or the CSRF check failed, or the tenant is suspended).",
    "404": "No such object here (addressed, referred to, or the caller's own), or no such page.",
    "409": "The object is in use or in a state that does not allow this.",
    "415": "The body's content type is not accepted.",
    "429": "Too many requests; wait and retry.",
    "503": "A backing service (database, search, object store, media) is unavailable; retry later.",
}


def _error_statuses(operation_method: str, operation: dict[str, Any]) -> list[str]:
    """The error statuses every operation of this shape can answer (views add others: 409, ...)."""
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    secured = any(requirement for requirement in operation.get("security", []) or [])
    statuses = []
    if has_body or parameters:
        statuses.append("400")
    if secured or operation.get("security") is None:
        # A refused token answers 401 even where anonymous callers are welcome.
        statuses.append("401")
    if secured:
        statuses.append("403")
    if parameters or has_body or secured:
        # The object addressed, one the body or a filter names, the caller's own record ("me"),
        # or a page past the last one.
        statuses.append("404")
    if has_body:
        statuses.append("415")
    if secured and operation_method in ("post", "put", "patch", "delete"):
        # A write can meet an object in a state that refuses it (core.errors.Conflict).
        statuses.append("409")
    # Throttles and the database apply to every operation.
    statuses += ["429", "503"]
    return statuses


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Document each operation's error answers with the shared ``Error`` component.

    A status the view documented itself (``extend_schema(responses={409: ERROR_RESPONSE})``) is
    kept; the others are filled in from the operation's shape (``_error_statuses``).
    """
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, response in responses.items():
                if status >= "400" and not response.get("content"):
                    response["content"] = {"application/json": {"schema": ERROR_REF}}
            for status in _error_statuses(method, operation):
                responses.setdefault(
                    status,
                    {"description": ERROR_DESCRIPTIONS[status], "content": {"application/json": {"schema": ERROR_REF}}},
                )
    return result


# For views: ``@extend_schema(responses={..., 409: ERROR_RESPONSE})`` documents a status the
# shape-based rules above do not add (the hook gives it the Error body).
ERROR_RESPONSE = OpenApiResponse(description="An Error: code, message, field.")


class HostSchemaView(SpectacularAPIView):
    """``GET /api/schema/``: this host's own operations only.

    django-tenants routes the group root through ``PUBLIC_SCHEMA_URLCONF`` (``request.urlconf``) and
    tenant hosts through ``ROOT_URLCONF``; the schema is generated from the same urlconf, once per
    urlconf and language in this process (generating takes seconds and the routes never change at
    run time).
    """

    _cache: ClassVar[dict[tuple[str, str], dict[str, Any]]] = {}

    def _get_schema_response(self, request: Any) -> Response:
        urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
        key = (str(urlconf), get_language() or "")
        schema = self._cache.get(key)
        if schema is None:
            generator = self.generator_class(urlconf=urlconf, api_version=None, patterns=None)
            schema = generator.get_schema(request=request, public=self.serve_public)  # type: ignore[no-untyped-call]
            self._cache[key] = schema
        filename = self._get_filename(request, None)  # type: ignore[no-untyped-call]
        return Response(schema, headers={"Content-Disposition": f'inline; filename="{filename}"'})
