"""Who sees and who moderates which post, in the schema that is active (DOMAIN_RULES §6).

A tenant's posts (rows of its schema) are addressed to an organization (``audience_id``): a
published post addressed to X is seen by the members of X's whole subtree. The workers of the
writing unit (its secretaries and committee members, or anyone whose such role covers the unit
from above) see and review their unit's posts in every status; the tenant admin sees everything.
A member always sees the posts they wrote (a micro-video they uploaded, while it is reviewed).

The group's posts (rows of the public schema, no organization) are seen, once published, by every
signed-in user of any tenant and by the group's staff; group admins see and moderate them all.

``visible_posts``, ``can_see_post`` and ``can_moderate_post`` are the contract other parts of the
exchange build on (comments, shares, the feed): their signatures stay as they are.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import GroupRoleKind
from partycloud.accounts.roles import TenantRole, tenant_roles_of
from partycloud.tenancy.context import active_schema
from partycloud.tenancy.models import TenantAccess
from tenants.access.services import organizations_by_id, user_covers, user_scope
from tenants.exchange.models import Post, PostStatus
from tenants.members.models import COUNTED_STATUSES, Member
from tenants.organizations.models import Organization

PUBLIC = "public"
# The roles that write and review a unit's posts, within the subtrees their assignment covers.
WORKERS = frozenset({TenantRole.TENANT_ADMIN, TenantRole.SECRETARY, TenantRole.COMMITTEE_MEMBER})


def _path_ids(path: str) -> list[int]:
    """The organization ids along a path ("/1/4/9/" → [1, 4, 9]): the node and its ancestors."""
    return [int(part) for part in path.strip("/").split("/") if part]


def member_organization(actor: Actor) -> Organization | None:
    """The organization of ``actor``'s counted member record in the active tenant (None: none)."""
    if actor.user is None:
        return None
    member = (
        Member.objects.filter(user_id=actor.user.pk, status__in=COUNTED_STATUSES)
        .select_related("organization")
        .only("organization__id", "organization__path")
        .order_by("pk")
        .first()
    )
    return member.organization if member is not None else None


def audience_chain(actor: Actor) -> list[int]:
    """The organizations whose published posts reach ``actor``: their member organization and
    every one above it (empty without a counted member record)."""
    organization = member_organization(actor)
    return _path_ids(organization.path) if organization is not None else []


def _is_group_member(actor: Actor) -> bool:
    """A signed-in user of any tenant (a role or a member record somewhere) or the group's staff."""
    if actor.user is None:
        return False
    if actor.group_roles:
        return True
    return TenantAccess.objects.filter(user_id=actor.user.pk).exists()


def _is_group_admin(actor: Actor) -> bool:
    return GroupRoleKind.GROUP_ADMIN in actor.group_roles


def _tenant_roles(actor: Actor) -> frozenset[str]:
    # Not ``actor.roles``: the actor may have been built on another host; roles are the active tenant's.
    return tenant_roles_of(actor.user) if actor.user is not None else frozenset()


def _worker_units(actor: Actor) -> Q | None:
    """Posts written by a unit ``actor`` works for (None: every unit of the tenant)."""
    scope = user_scope(actor.user, WORKERS - {TenantRole.TENANT_ADMIN})
    if scope.whole_tenant:
        return None
    if not scope.paths:
        return Q(pk__in=[])
    covered = Q(pk__in=[])
    for path in scope.paths:
        covered |= Q(path__startswith=path)
    return Q(organization_id__in=Organization.objects.filter(covered).values("pk"))


def visible_posts(actor: Actor) -> QuerySet[Post]:
    """The posts of the active schema ``actor`` may see (every status where they may)."""
    posts = Post.objects.all()
    if actor.user is None:
        return posts.none()
    if active_schema() == PUBLIC:
        if _is_group_admin(actor):
            return posts
        if not _is_group_member(actor):
            return posts.none()
        return posts.filter(Q(status=PostStatus.PUBLISHED) | Q(author_id=actor.user.pk))
    roles = _tenant_roles(actor)
    if TenantRole.TENANT_ADMIN in roles:
        return posts
    seen = Q(author_id=actor.user.pk)
    chain = audience_chain(actor)
    if roles & WORKERS:
        units = _worker_units(actor)
        if units is None:
            return posts
        seen |= units
        # A worker without a member record here still reads what is addressed above their units.
        scope = user_scope(actor.user, WORKERS)
        for path in scope.paths or ():
            chain += _path_ids(path)
    if chain:
        seen |= Q(status=PostStatus.PUBLISHED, audience_id__in=sorted(set(chain)))
    if not roles and not chain:
        return posts.none()  # neither a role nor a member record in this tenant
    return posts.filter(seen)


def can_see_post(actor: Actor, post: Post) -> bool:
    """Whether ``actor`` may see ``post`` (a row of the active schema)."""
    if actor.user is None:
        return False
    if active_schema() == PUBLIC:
        if _is_group_admin(actor) or post.author_id == actor.user.pk:
            return True
        return post.status == PostStatus.PUBLISHED and _is_group_member(actor)
    if post.author_id == actor.user.pk or can_moderate_post(actor, post):
        return True
    if post.status != PostStatus.PUBLISHED or post.audience_id is None:
        return False
    chain = audience_chain(actor)
    if not chain and _tenant_roles(actor) & WORKERS:
        found = organizations_by_id([post.audience_id])
        target = found.get(post.audience_id)
        scope = user_scope(actor.user, WORKERS)
        return target is not None and any(
            target.path == path or path.startswith(target.path) for path in scope.paths or ()
        )
    return post.audience_id in chain


def can_moderate_post(actor: Actor, post: Post) -> bool:
    """Whether ``actor`` moderates ``post`` (reviews it, hides its comments): the workers of the
    post's unit (or above) and the tenant admin; group admins for the group's posts."""
    if actor.user is None:
        return False
    if active_schema() == PUBLIC:
        return _is_group_admin(actor)
    roles = _tenant_roles(actor)
    if TenantRole.TENANT_ADMIN in roles:
        return True
    if not roles & WORKERS or post.organization_id is None:
        return False
    return user_covers(actor.user, post.organization_id, WORKERS)
