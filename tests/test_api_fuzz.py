"""Contract fuzzing: schemathesis over each host's own OpenAPI schema, as each role.

Every operation that ``GET /api/schema/`` lists on a host is called with generated data (valid
and invalid), in process through the WSGI application, as each role that works on that host. The
answers must never be a server error and must conform to the schema: a documented status, the
documented content type and a body that matches. Each operation runs inside a savepoint that is
rolled back, so deletes and state changes touch nothing the next operation or test sees.

Path parameters are drawn from real objects as well as generated ones: before fuzzing ``/x/{id}``
the role lists ``/x`` and the ids it sees are offered first. ``docs/api.md`` says how to run
this alone and how to widen it (``FUZZ_SCALE, FUZZ_ONLY``).
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from partycloud.accounts.models import User
from partycloud.wsgi import application
from tests.conftest import ROOT_HOST, TenantWorld

# Examples per operation and role: (positive, negative); the roles that can change things get
# more. CI keeps the whole run (both hosts, every role) under four minutes on two cores;
# FUZZ_SCALE=10 digs ten times deeper locally.
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
EXAMPLES = {"group_admin": (3, 2), "tenant_admin": (3, 2)}
OTHER_ROLES_EXAMPLES = (1, 1)
KNOWN_ID_EXAMPLES = 2

pytestmark = pytest.mark.timeout(1200)

# A regular expression on "METHOD /path" to fuzz some operations only (local runs).
ONLY = os.environ.get("FUZZ_ONLY", "")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# Operations not fuzzed, each with the reason (nothing is skipped silently). None today: the
# streaming endpoints (storage/upload, storage/part, storage/object) are plain Django views that
# no schema lists; test_storage_api and test_storage_contract cover them.
EXCLUDED: dict[tuple[str, str], str] = {}


@dataclass
class Failure:
    operation: str
    role: str
    message: str


@dataclass
class Run:
    host: str
    role: str
    headers: dict[str, str]
    failures: dict[tuple[str, str], Failure] = field(default_factory=dict)
    calls: int = 0

    def record(self, operation: str, error: BaseException) -> None:
        if isinstance(error, FailureGroup):
            title = ", ".join(sorted({failure.title for failure in error.exceptions}))
        else:
            title = f"{type(error).__name__}: {error}"
        self.failures.setdefault((operation, title), Failure(operation, self.role, str(error)[:3000]))


def _bearer(user: User | None) -> dict[str, str]:
    if user is None:
        return {}
    return {"Authorization": f"Bearer {RefreshToken.for_user(user).access_token}"}


def _host_schema(host: str) -> Any:
    """The schema as ``GET /api/schema/`` serves it on ``host`` (JSON)."""
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/", application, headers={"Host": host, "Accept": "application/vnd.oai.openapi+json"}
    )
    schema.config.update(base_url=f"http://{host}")
    return schema


def _list_path(path: str) -> str | None:
    """``/api/v1/x/{id}/y`` → ``/api/v1/x`` (where the ids of ``{id}`` can be found)."""
    match = re.match(r"^(.*?)/\{[^}]+\}", path)
    return match.group(1) if match and "{" not in match.group(1) else None


def _known_ids(run: Run, list_path: str, name: str) -> list[Any]:
    client = _client()
    response = client.get(list_path, headers={**run.headers, "Host": run.host})
    if response.status_code != 200:
        return []
    data = response.get_json(silent=True)
    rows = data.get("results", []) if isinstance(data, dict) else data if isinstance(data, list) else []
    key = name if rows and isinstance(rows[0], dict) and name in rows[0] else "id"
    return [row[key] for row in rows if isinstance(row, dict) and key in row][:5]


def _client() -> Any:
    from werkzeug import Client

    return Client(application)


def _fuzz_operation(run: Run, operation: Any) -> None:
    label = f"{operation.method.upper()} {operation.path}"
    path_names = [p.name for p in operation.path_parameters]
    ids: list[Any] = []
    list_path = _list_path(operation.path)
    if list_path and len(path_names) == 1:
        ids = _known_ids(run, list_path, path_names[0])

    positive, negative = EXAMPLES.get(run.role, OTHER_ROLES_EXAMPLES)
    strategies = [
        (operation.as_strategy(GenerationMode.POSITIVE), positive),
        (operation.as_strategy(GenerationMode.NEGATIVE), negative),
    ]
    if ids:
        known = [operation.as_strategy(path_parameters={path_names[0]: value}) for value in ids]
        strategies.insert(0, (st.one_of(*known), KNOWN_ID_EXAMPLES))

    for strategy, examples in strategies:

        @given(case=strategy)
        @settings(
            max_examples=max(1, round(examples * SCALE)),
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def call(case: Any) -> None:
            run.calls += 1
            if os.environ.get("FUZZ_TRACE"):
                print(case.as_curl_command(), flush=True)
            sid = transaction.savepoint()
            try:
                response = case.call(app=application, base_url=f"http://{run.host}", headers=run.headers)
                case.validate_response(response, checks=CHECKS)
            except (Exception, FailureGroup) as error:  # noqa: BLE001 - every failure is collected, then reported
                run.record(label, error)
            finally:
                transaction.savepoint_rollback(sid)
                connection.set_schema_to_public()

        # Negative mode for an operation with nothing to invalidate (no body, no parameters).
        with contextlib.suppress(Unsatisfiable):
            call()


def _fuzz(run: Run) -> None:
    schema = _host_schema(run.host)
    started, cpu_started = time.monotonic(), time.process_time()
    timings = []
    for result in schema.get_all_operations():
        operation = result.ok()
        key = (operation.method.upper(), operation.path)
        if key in EXCLUDED or not re.search(ONLY, f"{key[0]} {key[1]}"):
            continue
        op_started = time.monotonic()
        _fuzz_operation(run, operation)
        timings.append((time.monotonic() - op_started, key))
    elapsed = time.monotonic() - started
    if os.environ.get("FUZZ_TIMINGS"):
        for seconds, key in sorted(timings, reverse=True)[:15]:
            print(f"  {seconds:6.2f} s  {key}")
    cpu = time.process_time() - cpu_started
    print(
        f"\n{run.host} as {run.role}: {run.calls} calls in {elapsed:.1f} s ({cpu:.1f} s CPU), {len(run.failures)} failures"
    )
    if run.failures:
        report_file = os.environ.get("FUZZ_REPORT")
        if report_file:
            with open(report_file, "a", encoding="utf-8") as out:
                for failure in run.failures.values():
                    out.write(f"\n=== [{run.host} {failure.role}] {failure.operation}\n{failure.message}\n")
        report = "\n\n".join(f"[{f.role}] {f.operation}\n{f.message}" for f in run.failures.values())
        pytest.fail(f"{len(run.failures)} contract failures on {run.host} as {run.role}:\n\n{report}")


@pytest.fixture
def fuzz_world(platform_world: dict[str, Any], db: None) -> Iterator[dict[str, Any]]:
    """The session's world, inside this test's transaction: like Django's test client, keep the
    WSGI handler from closing the connection (and with it the transaction) after each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield platform_world
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


ROOT_ROLES = ["group_admin", "member", "anonymous"]
TENANT_ROLES = ["tenant_admin", "secretary", "member", "anonymous"]


def _user(world: dict[str, Any], role: str) -> User | None:
    tenant: TenantWorld = world["a"]
    return {
        "group_admin": world["group_admin"],
        "tenant_admin": tenant.admin,
        "secretary": tenant.secretary,
        "member": tenant.member,
        "anonymous": None,
    }[role]


@pytest.mark.parametrize("role", ROOT_ROLES)
def test_root_host_conforms_to_its_schema(fuzz_world: dict[str, Any], role: str) -> None:
    _fuzz(Run(ROOT_HOST, role, _bearer(_user(fuzz_world, role))))


@pytest.mark.parametrize("role", TENANT_ROLES)
def test_tenant_host_conforms_to_its_schema(fuzz_world: dict[str, Any], role: str) -> None:
    tenant: TenantWorld = fuzz_world["a"]
    _fuzz(Run(tenant.host, role, _bearer(_user(fuzz_world, role))))
