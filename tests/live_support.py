"""Shared builders of the live-lesson tests: an organization tree with members who log in,
and lessons of a tenant or of the group."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from tenants.live.models import Lesson
from tenants.live.services import do_schedule_lesson
from tenants.members.services import do_create_member
from tenants.organizations.models import Organization
from tenants.organizations.services import do_create_organization
from tests.conftest import TenantWorld
from tests.factories import UserFactory, make_id_card


@dataclass
class Tree:
    committee: Organization
    branch: Organization
    sibling: Organization
    branch_member: User  # a member (with a login) of ``branch``
    sibling_member: User  # of ``sibling``


def add_member(organization: Organization, user: User | None = None) -> User:
    """A member record in ``organization`` for ``user`` (a new login when None; linked by the phone); run in the tenant."""
    user = user or UserFactory()
    data = {"name": user.name, "gender": "male", "joined_on": date(2012, 7, 1), "confirmed_on": date(2013, 7, 1),
            "membership": "full", "dues_category": "employee", "organization": organization, "phone": user.phone}  # fmt: skip
    do_create_member(data, id_card_number=make_id_card())
    return user


def make_tree(world: TenantWorld) -> Tree:
    with world.tenant:
        committee = do_create_organization(kind="committee", name="直播党委")
        branch = do_create_organization(kind="branch", name="第一党支部", parent=committee)
        sibling = do_create_organization(kind="branch", name="第二党支部", parent=committee)
        return Tree(committee, branch, sibling, add_member(branch), add_member(sibling))


def schedule(world: TenantWorld | None, start_in: timedelta = timedelta(hours=2), **extra: Any) -> Lesson:
    """A lesson of ``world``'s tenant (scheduled by its admin), or of the group (``world`` None)."""
    start = timezone.now() + start_in
    fields = {"title": "学习党的二十大精神", "lecturer": "王书记", "starts_at": start,
              "planned_end_at": start + timedelta(hours=1), **extra}  # fmt: skip
    if world is None:
        connection.set_schema_to_public()  # a request leaves the connection on its tenant's schema
        admin = User.objects.get(name="集团管理员")
        return do_schedule_lesson(actor=Actor.for_user(admin), **fields)
    with world.tenant:
        return do_schedule_lesson(actor=Actor.for_user(world.admin), **fields)


def set_status(world: TenantWorld | None, lesson: Lesson, status: str, **fields: Any) -> None:
    if world is None:
        connection.set_schema_to_public()
    with world.tenant if world is not None else _public():
        Lesson.objects.filter(pk=lesson.pk).update(status=status, **fields)


@contextmanager
def _public() -> Iterator[None]:
    yield
