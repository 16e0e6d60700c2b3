"""Fixtures: a real PostgreSQL test database with the group root, the template schema and two
tenants (``tenant_a``, ``tenant_b``) provisioned once per session; users per role; API clients
that authenticate the real way (JWT minted for the user, sent as a Bearer header)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from partycloud.accounts.mfa import enrol_with_secret
from partycloud.accounts.models import GroupRole, GroupRoleKind, User
from partycloud.tenancy.models import PartyCommittee
from partycloud.tenancy.services import CommitteeDraft, do_provision_tenant, ensure_group_root, ensure_template
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tests.factories import UserFactory, next_unified_code
from tests.live import LiveServer, start_server, stop_server
from tests.mfa_support import TEST_TOTP_SECRET

ROOT_HOST = "partycloud.test"  # settings.test.BASE_DOMAIN
RUN_LAST = ("/tests/faults/", "/tests/e2e/")  # see pytest_collection_modifyitems


@dataclass
class TenantWorld:
    """One tenant with a user per role."""

    tenant: PartyCommittee
    admin: User
    secretary: User
    member: User
    inspector: User

    @property
    def host(self) -> str:
        return self.tenant.primary_host


def _make_tenant(slug: str, name: str) -> TenantWorld:
    admin = UserFactory(name=f"{name}管理员")
    tenant = do_provision_tenant(
        CommitteeDraft(name=f"{name}党委", short_name=name, slug=slug, unified_code=next_unified_code()),
        first_admin=admin,
    )
    world = TenantWorld(tenant, admin, UserFactory(), UserFactory(), UserFactory())
    with tenant:
        do_assign_role(user=world.secretary, role=TenantRole.SECRETARY)
        do_assign_role(user=world.member, role=TenantRole.MEMBER)
        do_assign_role(user=world.inspector, role=TenantRole.DISCIPLINE_INSPECTOR)
    # Their roles require two-factor sign-in (MFA_REQUIRED_ROLES): enrolled with the tests' secret.
    enrol_with_secret(admin, TEST_TOTP_SECRET)
    enrol_with_secret(world.inspector, TEST_TOTP_SECRET)
    return world


@pytest.fixture(scope="session")
def platform_world(django_db_setup: None, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        ensure_group_root("测试集团党委")
        ensure_template()
        group_admin = UserFactory(name="集团管理员")
        group_viewer = UserFactory(name="集团查看员")
        GroupRole.objects.create(user=group_admin, role=GroupRoleKind.GROUP_ADMIN)
        GroupRole.objects.create(user=group_viewer, role=GroupRoleKind.GROUP_VIEWER)
        enrol_with_secret(group_admin, TEST_TOTP_SECRET)
        enrol_with_secret(group_viewer, TEST_TOTP_SECRET)
        world = {
            "a": _make_tenant("alpha", "甲公司"),
            "b": _make_tenant("beta", "乙公司"),
            "group_admin": group_admin,
            "group_viewer": group_viewer,
        }
        connection.set_schema_to_public()
        return world


@pytest.fixture
def tenant_a(platform_world: dict[str, Any], db: None) -> TenantWorld:
    world: TenantWorld = platform_world["a"]
    return world


@pytest.fixture
def tenant_b(platform_world: dict[str, Any], db: None) -> TenantWorld:
    world: TenantWorld = platform_world["b"]
    return world


@pytest.fixture
def group_admin(platform_world: dict[str, Any], db: None) -> User:
    user: User = platform_world["group_admin"]
    return user


@pytest.fixture
def group_viewer(platform_world: dict[str, Any], db: None) -> User:
    user: User = platform_world["group_viewer"]
    return user


def api(host: str, user: User | None = None, *, language: str = "zh-hans") -> APIClient:
    """A client on ``host``; with ``user``, carrying a freshly minted JWT for them."""
    client = APIClient(HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture(autouse=True)
def _back_to_public_schema() -> Iterator[None]:
    """Requests leave the connection on their tenant's schema; every test starts at the root."""
    connection.set_schema_to_public()
    yield
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _clear_login_lockouts() -> Iterator[None]:
    """Forget failed-login counters of this test run only (never FLUSHDB: Redis is shared)."""
    yield
    prefix = settings.CACHES["global"]["KEY_PREFIX"]
    client = caches["global"]._cache.get_client(write=True)  # type: ignore[attr-defined]
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


@pytest.fixture(scope="session")
def uvicorn_server(platform_world: dict[str, Any]) -> Iterator[LiveServer]:
    """A real uvicorn process on the test database (sees committed data only)."""
    process, port = start_server()
    try:
        yield LiveServer(port)
    finally:
        stop_server(process)


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser scenarios and fault drills run last: they commit their data (a real server must see
    it), and the tests that count rows, documents or tenants must not find it."""
    items.sort(key=lambda item: any(part in str(item.path).replace("\\", "/") for part in RUN_LAST))
