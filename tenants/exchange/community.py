"""The members' community (党员社区, docs/exchange.md "Community"): boards and threads; a
thread's replies are comments on ``(thread, id)`` (``exchange.interactions``).

Boards, in the active schema:

- a unit's board (``organization`` set): read and posted in by the members of the unit's subtree,
  and by the workers (secretaries, committee members) whose scope covers the unit or lies under
  it; managed by the workers covering the unit and the tenant admin;
- a tenant-wide board (``organization`` null): everyone of the tenant; managed by the tenant admin;
- in the public schema, a group-wide board: every tenant's people read and post; group admins manage.

Threads: visible ones to readers, their own pending or hidden ones to authors, everything of the
boards they manage to moderators. Listed pinned first, then by the last reply (a new thread counts
as its own last activity).

Search (``tenants.exchange.search``): the visible threads of active tenant-wide and group-wide
boards are documents; posting, approving, hiding, unhiding, deleting and changing the board
re-index them (``index_threads``, ``index_board_threads``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import GroupRoleKind, User
from partycloud.accounts.roles import TenantRole, tenant_roles_of
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import NotFoundError, ServiceError
from partycloud.tenancy.context import active_schema
from partycloud.tenancy.models import PartyCommittee, TenantAccess
from tenants.access.services import organizations_by_id, user_covers, user_scope
from tenants.exchange import counts, mentions
from tenants.exchange.errors import CommunityCode, InteractionCode
from tenants.exchange.models import Board, CommentStatus, Reaction, ReactionKind, TargetType, Thread
from tenants.exchange.search import index_board_threads, index_threads
from tenants.exchange.visibility import WORKERS, audience_chain
from tenants.organizations.models import Organization

PUBLIC = "public"
THREAD_QUEUES = ("pending", "hidden")
TITLE_MAX_LENGTH = 120
BODY_MAX_LENGTH = 5000


# ------------------------------------------------------------------------------ who reads and manages boards


def _group_admin(actor: Actor) -> bool:
    return GroupRoleKind.GROUP_ADMIN in actor.group_roles


def _group_member(actor: Actor) -> bool:
    """Someone of any tenant, or the group's staff (group-wide boards)."""
    if actor.user is None:
        return False
    return bool(actor.group_roles) or TenantAccess.objects.filter(user_id=actor.user.pk).exists()


def _subtree_ids(paths: Sequence[str]) -> list[int]:
    covered = Q(pk__in=[])
    for path in paths:
        covered |= Q(path__startswith=path)
    return list(Organization.objects.filter(covered).values_list("pk", flat=True))


def _path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def readable_boards(actor: Actor) -> QuerySet[Board]:
    """The boards of the active schema ``actor`` reads (closed ones included; see ``boards_for``)."""
    boards = Board.objects.all()
    if actor.user is None:
        return boards.none()
    if active_schema() == PUBLIC:
        return boards if _group_member(actor) else boards.none()
    roles = tenant_roles_of(actor.user)
    if TenantRole.TENANT_ADMIN in roles:
        return boards
    units = set(audience_chain(actor))
    if roles & WORKERS:
        scope = user_scope(actor.user, WORKERS)
        paths = scope.paths or ()
        if scope.whole_tenant:
            return boards
        units |= set(_subtree_ids(paths))
        for path in paths:
            units |= set(_path_ids(path))
    if not roles and not units:
        return boards.none()
    return boards.filter(Q(organization_id__isnull=True) | Q(organization_id__in=sorted(units)))


def managed_boards(actor: Actor) -> QuerySet[Board]:
    """The boards ``actor`` manages (and moderates)."""
    boards = Board.objects.all()
    if actor.user is None:
        return boards.none()
    if active_schema() == PUBLIC:
        return boards if _group_admin(actor) else boards.none()
    roles = tenant_roles_of(actor.user)
    if TenantRole.TENANT_ADMIN in roles:
        return boards
    if not roles & WORKERS:
        return boards.none()
    scope = user_scope(actor.user, WORKERS - {TenantRole.TENANT_ADMIN})
    if scope.whole_tenant:
        return boards.filter(organization_id__isnull=False)
    return boards.filter(organization_id__in=_subtree_ids(scope.paths or ()))


def can_moderate_board(actor: Actor, board: Board) -> bool:
    if actor.user is None:
        return False
    if active_schema() == PUBLIC:
        return _group_admin(actor)
    roles = tenant_roles_of(actor.user)
    if TenantRole.TENANT_ADMIN in roles:
        return True
    if board.organization_id is None or not roles & WORKERS:
        return False
    return user_covers(actor.user, board.organization_id, WORKERS)


def boards_for(actor: Actor, *, manage: bool = False) -> QuerySet[Board]:
    if manage:
        return managed_boards(actor).order_by("position", "id")
    return readable_boards(actor).filter(is_active=True).order_by("position", "id")


def board_for(actor: Actor, board_id: int) -> Board:
    board = readable_boards(actor).filter(pk=board_id).first()
    if board is None:
        board = managed_boards(actor).filter(pk=board_id).first()
    if board is None:
        raise NotFoundError(CommunityCode.BOARD_NOT_FOUND, _("This board does not exist or is not visible to you."))
    return board


def check_can_post(actor: Actor, board: Board) -> None:
    if not board.is_active:
        raise ServiceError(CommunityCode.BOARD_INACTIVE, _("This board is closed."))
    if not readable_boards(actor).filter(pk=board.pk).exists():
        raise ServiceError(CommunityCode.NOT_MEMBER, _("Only members of the board's unit may post here."), status=403)


def board_rows(actor: Actor, boards: Sequence[Board]) -> list[dict[str, Any]]:
    names: dict[int, str] = {}
    if active_schema() != PUBLIC:
        found = organizations_by_id([b.organization_id for b in boards if b.organization_id])
        names = {pk: ref.name for pk, ref in found.items()}
    managed = set(managed_boards(actor).filter(pk__in=[b.pk for b in boards]).values_list("pk", flat=True))
    readable = set(readable_boards(actor).filter(pk__in=[b.pk for b in boards]).values_list("pk", flat=True))
    scope = "group" if active_schema() == PUBLIC else "tenant"
    return [
        {
            "id": board.pk,
            "scope": scope,
            "name": board.name,
            "description": board.description,
            "organization": board.organization_id,
            "organization_name": names.get(board.organization_id or 0, ""),
            "position": board.position,
            "is_active": board.is_active,
            "posts_need_review": board.posts_need_review,
            "thread_count": board.thread_count,
            "created_at": board.created_at,
            "can_manage": board.pk in managed,
            "can_post": board.is_active and board.pk in readable,
        }
        for board in boards
    ]


# ------------------------------------------------------------------------------ managing boards


def _check_board_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 60:
        raise ServiceError(CommunityCode.NAME_REQUIRED, _("Give the board a name of at most 60 characters."), "name")
    return name


def check_can_create_board(actor: Actor, organization_id: int | None) -> None:
    refused = ServiceError(
        CommunityCode.NOT_BOARD_MANAGER,
        _("You may not create a board for this organization."),
        "organization",
        status=403,
    )
    if actor.user is None:
        raise refused
    if active_schema() == PUBLIC:
        if not _group_admin(actor):
            raise refused
        if organization_id is not None:
            raise ServiceError(
                CommunityCode.BAD_ORGANIZATION, _("Group-wide boards belong to no organization."), "organization"
            )
        return
    roles = tenant_roles_of(actor.user)
    if organization_id is None:
        if TenantRole.TENANT_ADMIN not in roles:
            raise refused
        return
    if not organizations_by_id([organization_id]):
        raise ServiceError(CommunityCode.BAD_ORGANIZATION, _("No such organization."), "organization")
    if TenantRole.TENANT_ADMIN not in roles and not user_covers(actor.user, organization_id, WORKERS):
        raise refused


def do_create_board(
    actor: Actor,
    *,
    name: str,
    description: str = "",
    organization: int | None = None,
    position: int = 0,
    posts_need_review: bool = False,
) -> Board:
    check_can_create_board(actor, organization)
    name = _check_board_name(name)
    # Function-level import: interactions imports this module (threads are its targets).
    from tenants.exchange.interactions import check_text

    check_text(actor, [("title", name)] + ([("body", description)] if description.strip() else []), what="board")
    with transaction.atomic():
        board = Board.objects.create(
            name=name,
            description=description.strip(),
            organization_id=organization,
            position=position,
            posts_need_review=posts_need_review,
        )
        do_record_audit(
            event="exchange.board.create", actor=actor, target_type="exchange.board", target_id=board.pk,
            target_label=board.name,
        )  # fmt: skip
    return board


def do_change_board(actor: Actor, board: Board, **changes: Any) -> Board:
    if not can_moderate_board(actor, board):
        raise ServiceError(CommunityCode.NOT_BOARD_MANAGER, _("Only the board's managers may change it."), status=403)
    if "name" in changes:
        changes["name"] = _check_board_name(changes["name"])
    if "description" in changes:
        changes["description"] = changes["description"].strip()
    texts = [(field, changes[key]) for key, field in (("name", "title"), ("description", "body")) if changes.get(key)]
    if texts:
        # Function-level import: interactions imports this module (threads are its targets).
        from tenants.exchange.interactions import check_text

        check_text(actor, texts, what=f"board:{board.pk}")
    changed = [key for key, value in changes.items() if getattr(board, key) != value]
    if not changed:
        return board
    with transaction.atomic():
        for key in changed:
            setattr(board, key, changes[key])
        board.save(update_fields=changed)
        do_record_audit(
            event="exchange.board.update", actor=actor, target_type="exchange.board", target_id=board.pk,
            target_label=board.name, details={"fields": ", ".join(changed)},
        )  # fmt: skip
        if {"is_active", "name", "organization_id"} & set(changed):
            index_board_threads(board.pk)  # search: the threads' documents follow their board
    return board


# ------------------------------------------------------------------------------ threads


def _thread_seen(actor: Actor) -> Q:
    seen = Q(status=CommentStatus.VISIBLE)
    if actor.user is not None:
        seen |= Q(author_id=actor.user.pk, status__in=[CommentStatus.PENDING, CommentStatus.HIDDEN])
    managed = managed_boards(actor)
    seen |= Q(board__in=managed.values("pk"), status__in=[CommentStatus.PENDING, CommentStatus.HIDDEN])
    return seen


def visible_threads(actor: Actor) -> QuerySet[Thread]:
    """The threads ``actor`` reads in the active schema."""
    boards = readable_boards(actor).values("pk")
    return Thread.objects.filter(board__in=boards).filter(_thread_seen(actor)).select_related("board")


def visible_thread(actor: Actor, thread_id: int) -> Thread | None:
    return visible_threads(actor).filter(pk=thread_id).first()


def thread_for(actor: Actor, thread_id: int) -> Thread:
    thread = visible_thread(actor, thread_id)
    if thread is None:
        raise NotFoundError(CommunityCode.THREAD_NOT_FOUND, _("This thread does not exist or is not visible to you."))
    return thread


def _ordered(threads: QuerySet[Thread]) -> QuerySet[Thread]:
    return threads.order_by("-pinned", F("last_reply_at").desc(nulls_last=True), "-created_at", "-id")


def threads_for(actor: Actor, *, board_id: int | None = None, search: str = "", mine: bool = False) -> QuerySet[Thread]:
    threads = visible_threads(actor).filter(board__is_active=True)
    if board_id is not None:
        board = board_for(actor, board_id)
        threads = visible_threads(actor).filter(board=board)
    if search.strip():
        threads = threads.filter(title__icontains=search.strip()[:60])
    if mine:
        threads = threads.filter(author_id=actor.user.pk if actor.user else None)
    return _ordered(threads.exclude(status=CommentStatus.DELETED))


def thread_queue(actor: Actor, queue: str) -> QuerySet[Thread]:
    if queue not in THREAD_QUEUES:
        raise ServiceError(InteractionCode.BAD_QUEUE, _("The queue is pending or hidden."), "queue")
    return (
        Thread.objects.filter(board__in=managed_boards(actor).values("pk"), status=queue)
        .select_related("board")
        .order_by("-created_at", "-id")
    )


def thread_rows(actor: Actor, threads: Sequence[Thread], *, excerpt: bool = False) -> list[dict[str, Any]]:
    me = actor.user.pk if actor.user else None
    ids = [t.pk for t in threads]
    reactions = set(
        Reaction.objects.filter(user_id=me or 0, target_type=TargetType.THREAD, target_id__in=ids).values_list(
            "target_id", "kind"
        )
    )
    user_ids = {t.author_id for t in threads if t.author_id} | {pk for t in threads for pk in t.mentions}
    people = {
        pk: {"id": pk, "name": name} for pk, name in User.objects.filter(pk__in=user_ids).values_list("pk", "name")
    }
    units = {
        schema: short or name
        for schema, short, name in PartyCommittee.objects.filter(
            schema_name__in={t.tenant_schema for t in threads if t.tenant_schema}
        ).values_list("schema_name", "short_name", "name")
    }
    managed = set(managed_boards(actor).filter(pk__in={t.board_id for t in threads}).values_list("pk", flat=True))
    readable = set(readable_boards(actor).filter(pk__in={t.board_id for t in threads}).values_list("pk", flat=True))
    scope = "group" if active_schema() == PUBLIC else "tenant"
    rows = []
    for thread in threads:
        mine = me is not None and thread.author_id == me
        moderator = thread.board_id in managed
        rows.append(
            {
                "id": thread.pk,
                "scope": scope,
                "board": thread.board_id,
                "board_name": thread.board.name,
                "title": thread.title,
                "body": thread.body[:200] if excerpt else thread.body,
                "mentions": [people[pk] for pk in thread.mentions if pk in people],
                "author": people.get(thread.author_id or 0),
                "author_unit": units.get(thread.tenant_schema, ""),
                "status": thread.status,
                "moderation_note": thread.moderation_note if mine or moderator else "",
                "pinned": thread.pinned,
                "locked": thread.locked,
                "reply_count": thread.reply_count,
                "like_count": thread.like_count,
                "created_at": thread.created_at,
                "last_reply_at": thread.last_reply_at,
                "mine": mine,
                "can_moderate": moderator,
                "can_reply": thread.status == CommentStatus.VISIBLE
                and not thread.locked
                and thread.board.is_active
                and thread.board_id in readable,
                "liked": (thread.pk, ReactionKind.LIKE) in reactions,
                "favourited": (thread.pk, ReactionKind.FAVOURITE) in reactions,
            }
        )
    return rows


def do_create_thread(actor: Actor, board: Board, *, title: str, body: str, mention_ids: Sequence[int] = ()) -> Thread:
    """Post a thread: checked like a comment (nothing written when refused); ``pending`` when the
    board reviews posts (not for its moderators)."""
    # Function-level import: interactions imports this module (threads are its targets).
    from tenants.exchange.interactions import check_text, stored_tenant_schema

    if actor.user is None:
        raise ServiceError(CommunityCode.NOT_MEMBER, _("Sign in first."), status=401)
    check_can_post(actor, board)
    title, body = title.strip(), body.strip()
    if not title or len(title) > TITLE_MAX_LENGTH:
        raise ServiceError(
            CommunityCode.TITLE_REQUIRED, _("Give the thread a title of at most 120 characters."), "title"
        )
    if not body:
        raise ServiceError(CommunityCode.BODY_REQUIRED, _("Write the thread's text."), "body")
    check_text(actor, [("title", title), ("body", body)], what=f"board:{board.pk}", max_length=BODY_MAX_LENGTH)
    mentioned = mentions.check_mentions(actor, mention_ids)
    status = (
        CommentStatus.PENDING
        if board.posts_need_review and not can_moderate_board(actor, board)
        else CommentStatus.VISIBLE
    )
    now = timezone.now()
    with transaction.atomic():
        thread = Thread.objects.create(
            board=board,
            title=title,
            body=body,
            mentions=[user.pk for user in mentioned],
            author=actor.user,
            author_name=actor.user.name,
            tenant_schema=stored_tenant_schema(actor),
            status=status,
            created_at=now,
            last_reply_at=now,
        )
        if status == CommentStatus.VISIBLE:
            counts.thread_shown(thread)
            mentions.notify_thread_mentions(thread)
        index_threads([thread.pk])
    return thread


def do_delete_thread(actor: Actor, thread: Thread) -> None:
    if actor.user is None or thread.author_id != actor.user.pk:
        raise ServiceError(InteractionCode.NOT_AUTHOR, _("Only the author may delete a thread."), status=403)
    with transaction.atomic():
        counts.set_thread_status(thread.pk, CommentStatus.DELETED)
        index_threads([thread.pk])


def _check_moderator(actor: Actor, thread: Thread) -> None:
    if not can_moderate_board(actor, thread.board):
        raise ServiceError(InteractionCode.NOT_MODERATOR, _("Only the board's moderators may do this."), status=403)


def do_set_thread_flags(
    actor: Actor, thread: Thread, *, pinned: bool | None = None, locked: bool | None = None
) -> Thread:
    _check_moderator(actor, thread)
    changes = {key: value for key, value in (("pinned", pinned), ("locked", locked)) if value is not None}
    changed = [key for key, value in changes.items() if getattr(thread, key) != value]
    if not changed:
        return thread
    with transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(**{key: changes[key] for key in changed})
        for key in changed:
            do_record_audit(
                event={"pinned": "exchange.thread.pin", "locked": "exchange.thread.lock"}[key],
                actor=actor, target_type="exchange.thread", target_id=thread.pk, target_label=thread.title,
                details={"value": changes[key]},
            )  # fmt: skip
    thread.refresh_from_db()
    return thread


_THREAD_MOVES = {
    "hide": ({CommentStatus.VISIBLE, CommentStatus.PENDING}, CommentStatus.HIDDEN),
    "unhide": ({CommentStatus.HIDDEN}, CommentStatus.VISIBLE),
    "approve": ({CommentStatus.PENDING}, CommentStatus.VISIBLE),
}


def do_moderate_thread(actor: Actor, thread: Thread, *, action: str, note: str = "") -> Thread:
    """Hide, unhide or approve a thread (the board's moderators), with a note, audited."""
    _check_moderator(actor, thread)
    allowed, status = _THREAD_MOVES[action]
    if thread.status not in allowed:
        raise ServiceError(InteractionCode.BAD_STATUS, _("This is not possible in the thread's current status."))
    with transaction.atomic():
        thread, _before = counts.set_thread_status(
            thread.pk,
            status,
            moderated_by=actor.user,
            moderated_at=timezone.now(),
            moderation_note=note.strip()[:300],
        )
        do_record_audit(
            event=f"exchange.thread.{action}", actor=actor, target_type="exchange.thread", target_id=thread.pk,
            target_label=thread.title, details={"note": note.strip()[:300]} if note.strip() else {},
        )  # fmt: skip
        if action == "approve":
            mentions.notify_thread_mentions(thread)
        index_threads([thread.pk])
    return thread
