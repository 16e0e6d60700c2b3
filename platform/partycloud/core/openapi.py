"""The OpenAPI schema's error codes: one enum schema per app, and ``Error.code`` is one of them.

A drf-spectacular post-processing hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``), so the
generated front-end types and any client see every code with what it means.
"""

from __future__ import annotations

from typing import Any

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
