"""Moderating comments (docs/exchange.md, "Moderation"): hiding and unhiding with a note (the
post's author and the moderators), approving comments held for review (moderators), reports by
members (one each; at ``hide_after_reports`` open reports the comment is hidden until a moderator
upholds or dismisses them), the console's queues and the schema's settings.

Moderators of a target: for a post, its unit's workers and the tenant admin
(``visibility.can_moderate_post``); for a thread, its board's managers (``community``); on the
group's rows, the group admins. Every moderation is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import GroupRoleKind, User
from partycloud.accounts.roles import TenantRole, tenant_roles_of
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import Conflict, ServiceError
from partycloud.tenancy.context import active_schema
from tenants.access.services import user_scope
from tenants.exchange import community, counts, mentions
from tenants.exchange.errors import InteractionCode
from tenants.exchange.interactions import (
    Target,
    build_rows,
    target_author_can_hide,
)
from tenants.exchange.models import (
    Comment,
    CommentReport,
    CommentReportStatus,
    CommentStatus,
    Post,
    TargetType,
    Thread,
)
from tenants.exchange.posts import exchange_settings
from tenants.exchange.visibility import WORKERS
from tenants.organizations.models import Organization

PUBLIC = "public"
COMMENT_QUEUES = ("pending", "reported", "hidden")

_MOVES = {
    "hide": ({CommentStatus.VISIBLE, CommentStatus.PENDING}, CommentStatus.HIDDEN),
    "unhide": ({CommentStatus.HIDDEN}, CommentStatus.VISIBLE),
    "approve": ({CommentStatus.PENDING}, CommentStatus.VISIBLE),
}


def _audit(actor: Actor, event: str, comment: Comment, **details: Any) -> None:
    do_record_audit(
        event=event, actor=actor, target_type="exchange.comment", target_id=comment.pk,
        target_label=comment.body[:60], details={key: value for key, value in details.items() if value},
    )  # fmt: skip


def do_moderate_comment(actor: Actor, target: Target, comment: Comment, *, action: str, note: str = "") -> Comment:
    """Hide or unhide (the post's author or a moderator), approve (a moderator) a comment."""
    allowed_by_author = action in {"hide", "unhide"} and target_author_can_hide(actor, target)
    if not (target.moderator or allowed_by_author):
        raise ServiceError(
            InteractionCode.NOT_MODERATOR, _("Only the author of the post or a moderator may do this."), status=403
        )
    allowed, status = _MOVES[action]
    if comment.status not in allowed:
        raise ServiceError(InteractionCode.BAD_STATUS, _("This is not possible in the comment's current status."))
    note = note.strip()[:300]
    with transaction.atomic():
        comment, before = counts.set_comment_status(
            comment.pk, status, moderated_by=actor.user, moderated_at=timezone.now(), moderation_note=note
        )
        if before not in allowed:  # changed meanwhile (another moderator, the author deleting it)
            raise Conflict(InteractionCode.BAD_STATUS, _("The comment changed meanwhile; reload and try again."))
        _audit(actor, f"exchange.comment.{action}", comment, note=note)
        if action == "approve":
            mentions.notify_comment(target, comment)
    return comment


def do_report_comment(actor: Actor, target: Target, comment: Comment, *, reason: str) -> Comment:
    """Report a comment (once per person). At the schema's ``hide_after_reports`` open reports
    the comment is hidden until a moderator decides."""
    if actor.user is None:
        raise ServiceError(InteractionCode.NOT_AUTHOR, _("Sign in first."), status=401)
    reason = reason.strip()
    if not reason or len(reason) > 300:
        raise ServiceError(InteractionCode.REASON_REQUIRED, _("Give a reason of at most 300 characters."), "reason")
    if comment.author_id == actor.user.pk:
        raise ServiceError(InteractionCode.OWN_COMMENT, _("You cannot report your own comment."))
    if comment.status != CommentStatus.VISIBLE:
        raise ServiceError(InteractionCode.BAD_STATUS, _("Only a visible comment can be reported."))
    threshold = exchange_settings().hide_after_reports
    with transaction.atomic():
        try:
            with transaction.atomic():
                CommentReport.objects.create(comment=comment, reporter=actor.user, reason=reason)
        except IntegrityError:
            raise Conflict(InteractionCode.ALREADY_REPORTED, _("You have already reported this comment.")) from None
        counts.add_report(comment.pk)
        open_reports = CommentReport.objects.filter(comment=comment, status=CommentReportStatus.OPEN).count()
        if open_reports >= threshold:
            comment, _before = counts.set_comment_status(
                comment.pk,
                CommentStatus.HIDDEN,
                moderated_by=None,
                moderated_at=timezone.now(),
                moderation_note=_("Hidden after %(count)s reports, awaiting review.") % {"count": open_reports},
            )
    comment.refresh_from_db()
    return comment


def do_decide_reports(actor: Actor, target: Target, comment: Comment, *, uphold: bool, note: str = "") -> Comment:
    """Uphold the open reports (the comment stays or becomes hidden) or dismiss them (a comment
    the reports hid shows again)."""
    if not target.moderator:
        raise ServiceError(InteractionCode.NOT_MODERATOR, _("Only a moderator may decide on reports."), status=403)
    note = note.strip()[:300]
    with transaction.atomic():
        reports = CommentReport.objects.select_for_update().filter(comment=comment, status=CommentReportStatus.OPEN)
        open_ids = list(reports.values_list("pk", flat=True))
        if not open_ids:
            raise ServiceError(InteractionCode.NO_OPEN_REPORTS, _("This comment has no open reports."))
        CommentReport.objects.filter(pk__in=open_ids).update(
            status=CommentReportStatus.UPHELD if uphold else CommentReportStatus.DISMISSED,
            handled_by=actor.user,
            handled_at=timezone.now(),
        )
        current = Comment.objects.get(pk=comment.pk)
        changes = {"moderated_by": actor.user, "moderated_at": timezone.now(), "moderation_note": note}
        if uphold and current.status in {CommentStatus.VISIBLE, CommentStatus.PENDING, CommentStatus.HIDDEN}:
            comment, _before = counts.set_comment_status(comment.pk, CommentStatus.HIDDEN, **changes)
        elif not uphold and current.status == CommentStatus.HIDDEN and current.moderated_by_id is None:
            comment, _before = counts.set_comment_status(comment.pk, CommentStatus.VISIBLE, **changes)
        else:
            comment = current
        _audit(
            actor,
            "exchange.comment.reports_uphold" if uphold else "exchange.comment.reports_dismiss",
            comment,
            count=len(open_ids),
            note=note,
        )
    return comment


# ------------------------------------------------------------------------------ queues


def moderated_posts(actor: Actor) -> QuerySet[Post]:
    """The posts of the active schema whose comments ``actor`` moderates."""
    posts = Post.objects.all()
    if actor.user is None:
        return posts.none()
    if active_schema() == PUBLIC:
        return posts if GroupRoleKind.GROUP_ADMIN in actor.group_roles else posts.none()
    roles = tenant_roles_of(actor.user)
    if TenantRole.TENANT_ADMIN in roles:
        return posts
    if not roles & WORKERS:
        return posts.none()
    scope = user_scope(actor.user, WORKERS - {TenantRole.TENANT_ADMIN})
    if scope.whole_tenant:
        return posts.filter(organization_id__isnull=False)
    covered = Q(pk__in=[])
    for path in scope.paths or ():
        covered |= Q(path__startswith=path)
    return posts.filter(organization_id__in=Organization.objects.filter(covered).values("pk"))


def _moderated_comments(actor: Actor, target_type: str | None = None) -> QuerySet[Comment]:
    on_posts = Q(target_type=TargetType.POST, target_id__in=moderated_posts(actor).values("pk"))
    on_threads = Q(
        target_type=TargetType.THREAD,
        target_id__in=Thread.objects.filter(board__in=community.managed_boards(actor).values("pk")).values("pk"),
    )
    where = (
        on_posts
        if target_type == TargetType.POST
        else on_threads
        if target_type == TargetType.THREAD
        else on_posts | on_threads
    )
    return Comment.objects.filter(where)


def _open_reports() -> Exists:
    return Exists(CommentReport.objects.filter(comment=OuterRef("pk"), status=CommentReportStatus.OPEN))


def comment_queue(actor: Actor, queue: str, target_type: str | None = None) -> QuerySet[Comment]:
    if queue not in COMMENT_QUEUES:
        raise ServiceError(InteractionCode.BAD_QUEUE, _("The queue is pending, reported or hidden."), "queue")
    if target_type and target_type not in TargetType.values:
        raise ServiceError(InteractionCode.BAD_TARGET, _("The target type is post or thread."), "target_type")
    comments = _moderated_comments(actor, target_type or None)
    comments = comments.filter(_open_reports()) if queue == "reported" else comments.filter(status=queue)
    return comments.order_by("-created_at", "-id")


def queue_rows(actor: Actor, comments: Sequence[Comment]) -> list[dict[str, Any]]:
    """Queue entries: the comment as moderators see it, its target's title and its reports."""
    post_ids = {c.target_id for c in comments if c.target_type == TargetType.POST}
    thread_ids = {c.target_id for c in comments if c.target_type == TargetType.THREAD}
    titles = {
        (TargetType.POST.value, pk): title
        for pk, title in Post.objects.filter(pk__in=post_ids).values_list("pk", "title")
    }
    titles |= {
        (TargetType.THREAD.value, pk): title
        for pk, title in Thread.objects.filter(pk__in=thread_ids).values_list("pk", "title")
    }
    rows = build_rows(actor, comments, moderates=lambda comment: True, hides=lambda comment: True)
    reports: dict[int, list[CommentReport]] = {}
    for report in CommentReport.objects.filter(comment__in=[c.pk for c in comments]).order_by("status", "-created_at"):
        reports.setdefault(report.comment_id, []).append(report)
    reporters = {
        pk: {"id": pk, "name": name}
        for pk, name in User.objects.filter(
            pk__in={r.reporter_id for group in reports.values() for r in group if r.reporter_id}
        ).values_list("pk", "name")
    }
    result = []
    for comment in comments:
        row = rows[comment.pk]
        row["target_title"] = titles.get((comment.target_type, comment.target_id), "")
        row["reports"] = [
            {
                "id": report.pk,
                "reason": report.reason,
                "reporter": reporters.get(report.reporter_id or 0),
                "status": report.status,
                "created_at": report.created_at,
            }
            for report in reports.get(comment.pk, [])
        ]
        result.append(row)
    return result


def summary(actor: Actor) -> dict[str, int]:
    comments = _moderated_comments(actor)
    threads = Thread.objects.filter(board__in=community.managed_boards(actor).values("pk"))
    return {
        "pending_comments": comments.filter(status=CommentStatus.PENDING).count(),
        "reported_comments": comments.filter(_open_reports()).count(),
        "hidden_comments": comments.filter(status=CommentStatus.HIDDEN).count(),
        "pending_threads": threads.filter(status=CommentStatus.PENDING).count(),
        "hidden_threads": threads.filter(status=CommentStatus.HIDDEN).count(),
    }


# ------------------------------------------------------------------------------ settings


def _can_change_settings(actor: Actor) -> bool:
    if actor.user is None:
        return False
    if active_schema() == PUBLIC:
        return GroupRoleKind.GROUP_ADMIN in actor.group_roles
    return TenantRole.TENANT_ADMIN in tenant_roles_of(actor.user)


def settings_row(actor: Actor) -> dict[str, Any]:
    row = exchange_settings()
    return {
        "comments_need_review": row.comments_need_review,
        "hide_after_reports": row.hide_after_reports,
        "allow_outside_shares": row.allow_outside_shares,
        "can_change": _can_change_settings(actor),
    }


def do_change_settings(actor: Actor, **changes: Any) -> None:
    if not _can_change_settings(actor):
        raise ServiceError(
            InteractionCode.NOT_MODERATOR, _("Only the administrator changes these settings."), status=403
        )
    fields = ("comments_need_review", "hide_after_reports", "allow_outside_shares")
    if "hide_after_reports" in changes and not 1 <= int(changes["hide_after_reports"]) <= 100:
        raise ServiceError(InteractionCode.BAD_SETTINGS, _("Hide after 1 to 100 reports."), "hide_after_reports")
    with transaction.atomic():
        row = exchange_settings()
        changed = [name for name in fields if name in changes and getattr(row, name) != changes[name]]
        if not changed:
            return
        for name in changed:
            setattr(row, name, changes[name])
        if row.pk is None:
            row.save()  # the defaults were in force until now
        else:
            row.save(update_fields=[*changed, "updated_at"])
        do_record_audit(
            event="exchange.settings.update", actor=actor, target_type="exchange.settings", target_id=row.pk,
            target_label="exchange", details={"fields": ", ".join(changed)},
        )  # fmt: skip
