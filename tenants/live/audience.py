"""Who may watch which lesson, and how code names a lesson wherever its rows live.

A lesson is a tenant's (rows in the tenant's schema, audience: the whole tenant or an
organization's subtree) or the group's (rows in the public schema, audience: the subsidiaries in
``audience_tenants``, empty = all). A member always watches from their own tenant's host, so every
viewer question is asked with the dialled tenant active; ``LessonRef`` says which schema holds the
lesson and ``in_lesson_schema`` switches there for a block.

The chat room of a lesson is one channel-layer group, ``t.<schema>.lesson.<id>``: for a group
lesson ``t.public.lesson.<id>``, one room across all tenants.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.roles import TenantRole, tenant_roles_of
from partycloud.core.errors import NotFoundError
from partycloud.tenancy.context import active_schema, active_tenant, use_public_schema, use_tenant
from partycloud.tenancy.models import PartyCommittee
from services.realtime.groups import group_name
from tenants.access.services import user_scope
from tenants.live.errors import LiveCode
from tenants.live.models import Lesson, LessonStatus
from tenants.members.models import Member, MemberStatus

PUBLIC = "public"
# Roles that see every lesson of the tenant whatever its audience (they organize or oversee).
OVERSEERS = frozenset({TenantRole.TENANT_ADMIN, TenantRole.SECRETARY})
# Member records that make a viewer part of an organization's audience.
WATCHING_STATUSES = (MemberStatus.ACTIVE,)


class LessonScope(StrEnum):
    TENANT = "tenant"
    GROUP = "group"


@dataclass(frozen=True)
class LessonRef:
    """A lesson wherever its rows are: ``schema`` is the tenant's or ``public`` (a group lesson)."""

    scope: LessonScope
    lesson_id: int
    schema: str

    @classmethod
    def of(cls, scope: str, lesson_id: int, tenant: PartyCommittee | None = None) -> LessonRef:
        """The lesson ``lesson_id`` of the group, or of ``tenant`` (default: the active tenant)."""
        kind = LessonScope(scope)
        if kind is LessonScope.GROUP:
            return cls(kind, int(lesson_id), PUBLIC)
        schema = tenant.schema_name if tenant is not None else active_schema()
        return cls(kind, int(lesson_id), schema)

    @property
    def room(self) -> str:
        """The channel-layer group of the lesson's chat (one room across tenants for a group lesson)."""
        return group_name(self.schema, "lesson", self.lesson_id)

    @property
    def token(self) -> str:
        """A stable string for cache keys, Redis keys and object keys: ``<schema>:<id>``."""
        return f"{self.schema}:{self.lesson_id}"


@contextmanager
def in_lesson_schema(ref: LessonRef) -> Iterator[None]:
    """Run the block in the schema holding ``ref``'s rows; the previously active tenant is active
    again afterwards. Evaluate querysets inside the block."""
    if ref.scope is LessonScope.TENANT:
        yield
        return
    tenant = active_tenant()
    use_public_schema()
    try:
        yield
    finally:
        use_tenant(tenant)


@dataclass(frozen=True)
class Viewer:
    """A signed-in person watching from the active tenant: what the audience rules and the chat
    need to know of them. ``organization_path`` is their member record's organization (None: no
    counted record, e.g. an admin who is not a member here)."""

    user_id: int
    name: str
    tenant_id: int
    tenant_schema: str
    unit: str  # the tenant's short name, shown before the name in chat: 中能电力·张三
    organization_id: int | None
    organization_path: str | None
    oversees_paths: tuple[str, ...] | None  # subtrees they oversee; None: the whole tenant; () none
    roles: frozenset[str]

    @property
    def display_name(self) -> str:
        return f"{self.unit}·{self.name}"

    def oversees(self, path: str | None) -> bool:
        if self.oversees_paths is None:
            return bool(self.roles & OVERSEERS)
        return path is not None and any(path.startswith(root) for root in self.oversees_paths)


def viewer_of(actor: Actor) -> Viewer | None:
    """The viewer ``actor`` is in the active tenant; None when they have neither a role nor a
    member record here (anonymous callers, other tenants' users)."""
    user = actor.user
    if user is None or not user.is_authenticated:
        return None
    roles = frozenset(tenant_roles_of(user))
    member = (
        Member.objects.filter(user_id=user.pk, status__in=WATCHING_STATUSES)
        .select_related("organization")
        .only("name", "organization__id", "organization__path")
        .first()
    )
    if not roles and member is None:
        return None
    tenant = active_tenant()
    scope = user_scope(user, OVERSEERS)
    return Viewer(
        user_id=user.pk,
        name=(member.name if member is not None else "") or actor.name,
        tenant_id=tenant.pk,
        tenant_schema=tenant.schema_name,
        unit=tenant.short_name or tenant.name,
        organization_id=member.organization.pk if member is not None else None,
        organization_path=member.organization.path if member is not None else None,
        oversees_paths=scope.paths if roles & OVERSEERS else (),
        roles=roles,
    )


def _in_tenant_audience(lesson: Lesson, viewer: Viewer) -> bool:
    if lesson.organization is None:
        return True
    path = lesson.organization.path
    if viewer.organization_path is not None and viewer.organization_path.startswith(path):
        return True
    return viewer.oversees(path)


def _in_group_audience(lesson: Lesson, viewer: Viewer) -> bool:
    return not lesson.audience_tenants or viewer.tenant_id in lesson.audience_tenants


def not_found() -> NotFoundError:
    return NotFoundError(LiveCode.LESSON_NOT_FOUND, _("No such lesson, or it is not for you."))


def find_viewable(ref: LessonRef, viewer: Viewer) -> Lesson:
    """The lesson ``ref`` if ``viewer`` is in its audience; 404 otherwise (an outsider learns
    nothing of a lesson, not even that it exists). Cancelled lessons are not watchable."""
    lesson = watchable_lesson(ref)
    if lesson is None or not in_audience(ref, lesson, viewer):
        raise not_found()
    return lesson


def watchable_lesson(ref: LessonRef) -> Lesson | None:
    """The lesson ``ref`` unless cancelled (its organization loaded), whoever asks. One query."""
    lessons = Lesson.objects.exclude(status=LessonStatus.CANCELLED).filter(pk=ref.lesson_id)
    if ref.scope is LessonScope.TENANT:  # the public schema has no organizations
        lessons = lessons.select_related("organization")
    with in_lesson_schema(ref):
        return lessons.first()


def in_audience(ref: LessonRef, lesson: Lesson, viewer: Viewer) -> bool:
    """Whether ``viewer`` may watch ``lesson`` (no query)."""
    allowed = _in_group_audience if ref.scope is LessonScope.GROUP else _in_tenant_audience
    return allowed(lesson, viewer)


def viewable_lessons(
    viewer: Viewer, statuses: Iterable[str] | None = None, scope: LessonScope | None = None
) -> list[tuple[LessonRef, Lesson]]:
    """Every lesson ``viewer`` may watch from the active tenant, the tenant's and the group's (or
    only ``scope``'s), newest start first; cancelled ones left out (``statuses``: only these). Two queries."""
    wanted = [status for status in (statuses or LessonStatus.values) if status != LessonStatus.CANCELLED]
    tenant_lessons = Lesson.objects.select_related("organization").filter(status__in=wanted)
    if viewer.oversees_paths is not None or not (viewer.roles & OVERSEERS):
        audience = Q(organization__isnull=True)
        paths = [p for p in (viewer.organization_path,) if p] + list(viewer.oversees_paths or ())
        for path in paths:
            # The lesson's organization is an ancestor of (or is) the viewer's organization, or
            # lies in a subtree the viewer oversees.
            audience |= Q(organization__path__in=_ancestors(path)) | Q(organization__path__startswith=path)
        tenant_lessons = tenant_lessons.filter(audience)
    schema = active_schema()
    found = []
    if scope in (None, LessonScope.TENANT):
        found = [(LessonRef(LessonScope.TENANT, lesson.pk, schema), lesson) for lesson in tenant_lessons]
    group_lessons: list[Lesson] = []
    if scope in (None, LessonScope.GROUP):
        with in_lesson_schema(LessonRef.of(LessonScope.GROUP, 0)):
            group_lessons = list(
                Lesson.objects.filter(status__in=wanted).filter(
                    Q(audience_tenants=[]) | Q(audience_tenants__contains=[viewer.tenant_id])
                )
            )
    found += [(LessonRef(LessonScope.GROUP, lesson.pk, PUBLIC), lesson) for lesson in group_lessons]
    found.sort(key=lambda pair: (pair[1].starts_at, pair[0].scope, pair[1].pk), reverse=True)
    return found


def can_host(ref: LessonRef, lesson: Lesson, viewer: Viewer) -> bool:
    """Whether ``viewer`` hosts ``lesson`` (moderates its chat): for a tenant's lesson its organizer,
    the tenant admins, and secretaries whose scope covers the audience. A group lesson is hosted
    by group admins on the root host only, never from a tenant's host."""
    if ref.scope is LessonScope.GROUP:
        return False
    if lesson.organizer_id == viewer.user_id or TenantRole.TENANT_ADMIN in viewer.roles:
        return True
    if TenantRole.SECRETARY not in viewer.roles:
        return False
    if viewer.oversees_paths is None:
        return True
    return lesson.organization is not None and viewer.oversees(lesson.organization.path)


def _ancestors(path: str) -> list[str]:
    """The paths of the organization at ``path`` ("/1/4/9/") and every one above it."""
    parts = [part for part in path.strip("/").split("/") if part]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def watched_lesson(actor: Actor, scope: str, lesson_id: int) -> tuple[LessonRef, Lesson, Viewer]:
    """What every viewer endpoint starts with: the caller as a viewer of the active tenant, the
    lesson ``scope``/``lesson_id`` they may watch; 404 ``live.lesson_not_found`` otherwise (an
    unknown scope, no role or record here, outside the audience)."""
    viewer = viewer_of(actor)
    if viewer is None or scope not in LessonScope.__members__.values():
        raise not_found()
    ref = LessonRef.of(scope, lesson_id)
    return ref, find_viewable(ref, viewer), viewer
