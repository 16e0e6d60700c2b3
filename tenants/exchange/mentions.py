"""@mentions and the notifications of replies (docs/exchange.md, "Interactions").

The client picks the people to mention from ``mentionable`` (the users of the writer's party
committee: a role or a member record there) and sends their ids; ``check_mentions`` validates
them. The text keeps what was typed (``@张三``); the ids are what counts.

Notifications (``EXCHANGE_REPLY``) go, once a comment shows, to the author of the post or thread,
to the author of the comment replied to and to each person mentioned, never to the writer and at
most once each. Notifications live in the recipient's tenant: a comment on a group row notifies
in the tenant its recipient wrote from (``tenant_schema``); the group's own staff get none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from partycloud.core.errors import ServiceError
from partycloud.tenancy.context import active_schema
from partycloud.tenancy.models import PartyCommittee
from tenants.exchange.errors import InteractionCode
from tenants.exchange.models import Comment, TargetType, Thread
from tenants.members.models import COUNTED_STATUSES, Member
from tenants.notifications.kinds import NotificationKind
from tenants.notifications.services import do_notify

if TYPE_CHECKING:
    from tenants.exchange.interactions import Target

PUBLIC = "public"
MAX_MENTIONS = 10


def _home_tenant(actor: Actor) -> PartyCommittee | None:
    if actor.schema_name == PUBLIC:
        return None
    return PartyCommittee.objects.filter(schema_name=actor.schema_name).first()


def mentionable(actor: Actor, search: str) -> QuerySet[User]:
    """The users of the caller's party committee, by name (none on the group's host)."""
    tenant = _home_tenant(actor)
    if tenant is None:
        return User.objects.none()
    users = User.objects.filter(tenant_access__tenant=tenant, is_active=True)
    search = search.strip()
    if search:
        users = users.filter(name__icontains=search[:50])
    return users.order_by("name", "pk").distinct()


def mentionable_rows(users: Sequence[User], schema: str = "") -> list[dict[str, Any]]:
    """Each user with the organization of their member record here (to tell namesakes apart)."""
    units: dict[int, str] = {}
    if active_schema() != PUBLIC:
        for user_id, organization in (
            Member.objects.filter(user_id__in=[user.pk for user in users], status__in=COUNTED_STATUSES)
            .order_by("pk")
            .values_list("user_id", "organization__name")
        ):
            units.setdefault(user_id, organization)
    return [{"id": user.pk, "name": user.name, "organization": units.get(user.pk, "")} for user in users]


def check_mentions(actor: Actor, user_ids: Sequence[int]) -> list[User]:
    """The users mentioned: each must be of the caller's party committee; at most ten."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return []
    if len(wanted) > MAX_MENTIONS:
        raise ServiceError(
            InteractionCode.BAD_MENTION, _("Mention at most %(limit)s people.") % {"limit": MAX_MENTIONS}, "mentions"
        )
    tenant = _home_tenant(actor)
    found = list(User.objects.filter(pk__in=wanted, tenant_access__tenant=tenant, is_active=True)) if tenant else []
    if len(found) != len(wanted):
        raise ServiceError(InteractionCode.BAD_MENTION, _("Mention only members of your party committee."), "mentions")
    return found


# ------------------------------------------------------------------------------ notifications


def target_link(target: Target | None, thread: Thread | None = None, comment_id: int | None = None) -> str:
    """The portal page of a post (by its UUID) or a thread (``?scope=group`` for the group's rows)."""
    if target is not None and target.post is not None:
        path = f"/exchange/posts/{target.post.uuid}"
    else:
        thread_id = thread.pk if thread is not None else target.id if target is not None else 0
        path = f"/exchange/threads/{thread_id}"
    if active_schema() == PUBLIC:
        path += "?scope=group"
    return f"{path}#comment-{comment_id}" if comment_id else path


def _notify(recipients: list[tuple[int, str]], title: str, body: str, link: str) -> None:
    """Notify each ``(user id, tenant schema)`` in that tenant (once each)."""
    seen: set[int] = set()
    for user_id, schema in recipients:
        if user_id in seen or not schema or schema == PUBLIC:
            continue
        seen.add(user_id)
        user = User.objects.filter(pk=user_id, is_active=True).first()
        if user is None:
            continue
        with schema_context(schema):
            do_notify(user, title, body, link, kind=NotificationKind.EXCHANGE_REPLY)


def _row_schema(stored: str) -> str:
    """The tenant of a row's author: the active tenant for its rows, ``tenant_schema`` on group rows."""
    schema = active_schema()
    return schema if schema != PUBLIC else stored


def notify_comment(target: Target, comment: Comment) -> None:
    """A comment (or reply) now shows: its target's author, the author replied to, the mentioned."""
    me, name = comment.author_id, comment.author_name
    link = target_link(target, comment_id=comment.pk)
    excerpt = comment.body[:100]
    recipients: list[tuple[int, str, str]] = []
    if target.author_id and target.author_id != me:
        stored = target.thread.tenant_schema if target.thread is not None else ""
        title = (
            _("%(name)s replied to your thread “%(title)s”")
            if target.type == TargetType.THREAD
            else _("%(name)s commented on your post “%(title)s”")
        ) % {"name": name, "title": target.title[:60]}
        recipients.append((target.author_id, _row_schema(stored), title))
    if comment.reply_to_id and comment.reply_to_id != me:
        # The tenant the person replied to wrote from (their comment under the same target).
        stored = (
            Comment.objects.filter(
                target_type=comment.target_type, target_id=comment.target_id, author_id=comment.reply_to_id
            )
            .values_list("tenant_schema", flat=True)
            .first()
        ) or ""
        recipients.append(
            (comment.reply_to_id, _row_schema(stored), _("%(name)s replied to your comment") % {"name": name})
        )
    home = _row_schema(comment.tenant_schema)
    for user_id in comment.mentions:
        if user_id != me:
            recipients.append((user_id, home, _("%(name)s mentioned you") % {"name": name}))
    seen: set[int] = set()
    for user_id, schema, title in recipients:
        if user_id not in seen:
            seen.add(user_id)
            _notify([(user_id, schema)], title, excerpt, link)


def notify_thread_mentions(thread: Thread) -> None:
    """A thread now shows: the people it mentions."""
    link = target_link(None, thread)
    home = _row_schema(thread.tenant_schema)
    title = _("%(name)s mentioned you in “%(title)s”") % {"name": thread.author_name, "title": thread.title[:60]}
    _notify(
        [(user_id, home) for user_id in thread.mentions if user_id != thread.author_id], title, thread.body[:100], link
    )
