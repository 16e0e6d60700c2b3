"""Courses: ordered resources from this library or the group's shared one, and each learner's progress."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import stored_user
from partycloud.core.confidentiality import check_unclassified
from partycloud.core.errors import ServiceError
from tenants.learning.errors import LearningCode
from tenants.learning.library import locate_resource
from tenants.learning.models import Category, Course, CourseItem, ResourceStatus, StudyRecord

MAX_ITEMS = 100


def _items(resource_uuids: Sequence[UUID]) -> list[CourseItem]:
    if not resource_uuids:
        raise ServiceError(LearningCode.COURSE_EMPTY, _("A course needs at least one resource."), "items")
    if len(resource_uuids) > MAX_ITEMS:
        raise ServiceError(LearningCode.COURSE_TOO_LONG, _("A course holds at most 100 resources."), "items")
    if len(set(resource_uuids)) != len(resource_uuids):
        raise ServiceError(LearningCode.COURSE_DUPLICATE, _("A resource appears twice in the course."), "items")
    items = []
    for position, uuid in enumerate(resource_uuids):
        resource = locate_resource(uuid).resource  # published here or in the group's library
        items.append(CourseItem(position=position, resource_uuid=uuid, title=resource.title, kind=resource.kind))
    return items


def do_save_course(
    *,
    actor: Actor,
    title: str,
    summary: str,
    resource_uuids: Sequence[UUID],
    category_id: int | None = None,
    course: Course | None = None,
) -> Course:
    check_unclassified([("title", title), ("description", summary)])
    items = _items(resource_uuids)
    category = Category.objects.filter(pk=category_id).first() if category_id else None
    if category_id and category is None:
        raise ServiceError(LearningCode.UNKNOWN_CATEGORY, _("This category does not exist."), "category")
    with transaction.atomic():
        if course is None:
            course = Course(created_by=stored_user(actor.user))
        course.title = title.strip()
        course.summary = summary.strip()
        course.category = category
        course.save()
        course.items.all().delete()
        for item in items:
            item.course = course
        CourseItem.objects.bulk_create(items)
    return course


def do_publish_course(course: Course, *, published: bool = True) -> Course:
    course.status = ResourceStatus.PUBLISHED if published else ResourceStatus.ARCHIVED
    if published:
        course.published_at = course.published_at or timezone.now()
    course.save(update_fields=["status", "published_at"])
    return course


def course_progress(course: Course, user: Any) -> dict[str, Any]:
    items = list(course.items.all())
    records = {
        record.resource_uuid: record
        for record in StudyRecord.objects.filter(user=user, resource_uuid__in=[item.resource_uuid for item in items])
    }
    outline = []
    for item in items:
        record = records.get(item.resource_uuid)
        outline.append(
            {
                "position": item.position,
                "resource": str(item.resource_uuid),
                "title": item.title,
                "kind": item.kind,
                "seconds": record.seconds if record else 0,
                "completed": bool(record and record.completed_at),
            }
        )
    done = sum(1 for entry in outline if entry["completed"])
    return {
        "items": outline,
        "completed": done,
        "total": len(items),
        "percent": round(100 * done / len(items)) if items else 0,
    }
