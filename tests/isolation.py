"""The isolation test kit: prove that an object of tenant A is invisible and untouchable
for tenant B's admin (on B's host), for a B user's token on A's host, and for an anonymous
caller. Every endpoint that serves tenant data runs through ``assert_tenant_isolated``;
group-root endpoints run through ``assert_root_only``.

Usage::

    assert_tenant_isolated(
        Endpoint("/api/v1/roles", object_id=assignment.pk, change={"role": "secretary"}),
        owner=tenant_a, outsider=tenant_b,
    )
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rest_framework.test import APIClient

from partycloud.accounts.models import User
from tests.conftest import ROOT_HOST, TenantWorld, api

DENIED = {401, 403, 404, 405}


@dataclass
class Endpoint:
    """A collection URL and, optionally, one object in it (made in the owner's tenant)."""

    list_url: str
    object_id: Any = None
    change: dict[str, Any] | None = field(default_factory=dict)  # None: the endpoint has no PATCH
    create: dict[str, Any] | None = None  # a body that would create a new object
    deletable: bool = True
    detail_url: str | None = None
    # Fields that change with the clock, not with a write (a quiz attempt's seconds_left).
    volatile: tuple[str, ...] = ()

    @property
    def object_url(self) -> str | None:
        if self.detail_url:
            return self.detail_url
        return None if self.object_id is None else f"{self.list_url}/{self.object_id}"


def _ids(response: Any) -> set[str]:
    body = response.json()
    rows = body.get("results", body) if isinstance(body, dict) else body
    if not isinstance(rows, list):
        return set()
    return {str(row.get("id")) for row in rows if isinstance(row, dict)}


def _snapshot(endpoint: Endpoint, owner: TenantWorld) -> Any:
    if endpoint.object_url is None:
        return api(owner.host, owner.admin).get(endpoint.list_url).json()
    response = api(owner.host, owner.admin).get(endpoint.object_url)
    assert response.status_code == 200, f"the owner's admin must read {endpoint.object_url}: {response.status_code}"
    body = response.json()
    return {key: value for key, value in body.items() if key not in endpoint.volatile} if endpoint.volatile else body


def _assert_denied(client: APIClient, endpoint: Endpoint, who: str, *, expect: set[int]) -> None:
    url = endpoint.object_url
    listing = client.get(endpoint.list_url)
    if listing.status_code == 200:
        assert endpoint.object_id is None or str(endpoint.object_id) not in _ids(listing), (
            f"{who} sees the object in {endpoint.list_url}"
        )
    else:
        assert listing.status_code in expect, f"{who} listing {endpoint.list_url}: {listing.status_code}"
    if url is None:
        return
    for method, body in (
        ("get", None),
        ("patch", endpoint.change),
        ("put", endpoint.change),
        ("delete", None),
    ):
        if method in {"patch", "put"} and endpoint.change is None:
            continue
        response = (
            getattr(client, method)(url, body, format="json") if body is not None else getattr(client, method)(url)
        )
        assert response.status_code in expect, (
            f"{who} {method.upper()} {url}: {response.status_code} {response.content[:200]!r}"
        )
    if endpoint.create is not None:
        response = client.post(endpoint.list_url, endpoint.create, format="json")
        assert response.status_code in expect, f"{who} POST {endpoint.list_url}: {response.status_code}"


def _rows(response: Any) -> list[Any]:
    body = response.json()
    rows = body.get("results", [body]) if isinstance(body, dict) else body
    return rows if isinstance(rows, list) else []


def _assert_not_served(client: APIClient, endpoint: Endpoint, before: Any) -> None:
    listing = client.get(endpoint.list_url)
    assert listing.status_code < 500
    if listing.status_code == 200:
        assert before not in _rows(listing), f"tenant B's host lists tenant A's object at {endpoint.list_url}"
    url = endpoint.object_url or endpoint.list_url
    detail = client.get(url)
    assert detail.status_code < 500
    assert detail.status_code != 200 or detail.json() != before, f"tenant B's host serves tenant A's object at {url}"
    if endpoint.change is not None:
        assert client.patch(url, endpoint.change, format="json").status_code < 500
    if endpoint.deletable and endpoint.object_url:
        assert client.delete(url).status_code < 500


def assert_tenant_isolated(endpoint: Endpoint, *, owner: TenantWorld, outsider: TenantWorld) -> None:
    """Tenant B's admin on B's host, B's admin's token on A's host, and anonymous on A's host
    can neither list, read, change nor delete A's object; afterwards the object is unchanged."""
    before = _snapshot(endpoint, owner)
    # B's admin on B's own host. Primary keys are per schema, so B may own an object with the
    # same id: what must never happen is B's host serving A's object, or B's writes reaching it.
    _assert_not_served(api(outsider.host, outsider.admin), endpoint, before)
    # B's users carrying their token to A's host: no role here, so no access.
    for user, label in ((outsider.admin, "B admin token"), (outsider.member, "B member token")):
        _assert_denied(api(owner.host, user), endpoint, f"{label} on A host", expect={403, 404, 405})
    # Nobody signed in.
    _assert_denied(api(owner.host), endpoint, "anonymous on A host", expect={401})
    assert _snapshot(endpoint, owner) == before, "the object changed while outsiders poked at it"


def assert_root_only(endpoint: Endpoint, *, allowed: User, tenant_users: list[User]) -> None:
    """A group-root endpoint: tenant users get nothing on the root host, the URL does not exist
    on a tenant host, and anonymous callers are refused."""
    response = api(ROOT_HOST, allowed).get(endpoint.object_url or endpoint.list_url)
    assert response.status_code == 200, f"group user must read {endpoint.list_url}: {response.status_code}"
    for user in tenant_users:
        _assert_denied(api(ROOT_HOST, user), endpoint, f"tenant user {user.pk} on root host", expect={403, 404, 405})
    _assert_denied(api(ROOT_HOST), endpoint, "anonymous on root host", expect={401})
