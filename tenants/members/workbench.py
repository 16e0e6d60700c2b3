"""Members' part of the console's home: imports that ended with errors, and the head counts."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from partycloud.core.workbench import Figure, Link, Todo
from tenants.access.services import Scope
from tenants.members.models import COUNTED_STATUSES, ImportStatus, Member, MemberImport, Membership

# A failed import older than this has been dealt with or given up on.
IMPORT_HORIZON_DAYS = 30


def todos(scope: Scope, today: date) -> list[Todo]:
    # Imports load the whole tenant's sheet (tenant admins only): not a scoped secretary's to-do.
    if not scope.whole_tenant:
        return []
    recent = MemberImport.objects.filter(created_at__date__gte=today - timedelta(days=IMPORT_HORIZON_DAYS))
    failed = recent.filter(status=ImportStatus.FAILED)
    # A later successful import replaced the failed sheet.
    last_success = recent.filter(status=ImportStatus.SUCCEEDED).order_by("-created_at").first()
    if last_success is not None:
        failed = failed.filter(created_at__gt=last_success.created_at)
    return [
        Todo(
            kind="members.import_failed",
            module="members",
            title=_("Member import with errors: nothing imported"),
            subject=upload.filename,
            detail=_("%(count)d rows with errors") % {"count": upload.error_count}
            if upload.error_count
            else upload.message,
            since=upload.created_at.date(),
            link=Link("/members/import"),
        )
        for upload in failed
    ]


def members_in(scope: Scope) -> Q:
    """Counted members (active or away) in the scope, as a filter on ``Member``."""
    condition = scope.filter("organization__path")
    counted = Q(status__in=COUNTED_STATUSES)
    return counted if condition is None else counted & condition


def user_ids_in(scope: Scope) -> list[int] | None:
    """The accounts of the scope's members (None: the whole tenant, no filter needed)."""
    if scope.whole_tenant:
        return None
    return list(Member.objects.filter(members_in(scope), user__isnull=False).values_list("user_id", flat=True))


def figures(scope: Scope, month: date) -> list[Figure]:
    counts = Member.objects.filter(members_in(scope)).aggregate(
        members=Count("id"),
        probationary=Count("id", filter=Q(membership=Membership.PROBATIONARY)),
    )
    link = Link("/members")
    return [
        Figure("members.total", "members", _("Party members"), counts["members"], "", link),
        Figure("members.probationary", "members", _("Probationary members"), counts["probationary"], "", link),
    ]
