"""The libraries: resources in the schema of the host (the group's shared library on the root
host, a tenant's own library on its host), their life cycle, and the showcase.

Every write checks the confidentiality gate first; whatever was uploaded for a refused
resource is deleted. Search documents follow every change through ``index_on_commit``, and
media processing (document previews, video transcoding, gallery thumbnails) is queued after
commit.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import stored_user
from partycloud.audit.services import do_record_audit
from partycloud.core.confidentiality import check_unclassified
from partycloud.core.errors import Conflict, NotFoundError, ServiceError
from partycloud.core.richtext import html_to_text, sanitize_html
from partycloud.search.indexing import index_on_commit
from partycloud.tenancy.context import active_schema, active_tenant, use_public_schema, use_tenant
from partycloud.tenancy.models import PartyCommittee
from partycloud.uploads.models import Upload
from partycloud.uploads.services import claim_upload, discard_object
from services.storage import DataClass
from tenants.learning import showcase, uploads
from tenants.learning.errors import LearningCode
from tenants.learning.models import (
    Category,
    GalleryImage,
    MediaStatus,
    Resource,
    ResourceKind,
    ResourceStatus,
    ShowcaseProposal,
    ShowcaseStatus,
)
from tenants.learning.tasks import process_resource_media

PUBLIC = "public"
SEARCH_KIND = "resource"
MAX_TAGS = 10


@dataclass
class ResourceDraft:
    kind: str
    title: str
    summary: str = ""
    body_html: str = ""
    link_url: str = ""
    category_id: int | None = None
    tags: list[str] = field(default_factory=list)
    marking: str = "internal"
    file_upload: UUID | None = None  # document or video
    cover_upload: UUID | None = None
    image_uploads: list[UUID] = field(default_factory=list)  # gallery
    captions: list[str] = field(default_factory=list)


def _clean_tags(tags: Sequence[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags:
        tag = tag.strip()
        if tag and tag not in cleaned:
            cleaned.append(tag[:30])
    if len(cleaned) > MAX_TAGS:
        raise ServiceError(
            LearningCode.TOO_MANY_TAGS, _("At most %(count)d tags per resource.") % {"count": MAX_TAGS}, "tags"
        )
    return cleaned


def _check_category(category_id: int | None) -> Category | None:
    if category_id is None:
        return None
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise ServiceError(LearningCode.UNKNOWN_CATEGORY, _("This category does not exist."), "category")
    return category


# ---------------------------------------------------------------- categories

CATEGORY_FIELDS = frozenset({"name", "position"})


def _check_category_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - CATEGORY_FIELDS
    if unknown:
        raise ServiceError(LearningCode.UNKNOWN_FIELD, _("Unknown field."), sorted(unknown)[0])
    if "name" in fields and not str(fields["name"]).strip():
        raise ServiceError(LearningCode.NAME_REQUIRED, _("Enter a name."), "name")


def do_create_category(*, actor: Actor, name: str, position: int = 0) -> Category:
    """A category of the library of this host."""
    _check_category_fields({"name": name})
    return Category.objects.create(name=name.strip(), position=position)


def do_update_category(category: Category, *, actor: Actor, **changes: Any) -> Category:
    _check_category_fields(changes)
    for name, value in changes.items():
        setattr(category, name, value.strip() if name == "name" else value)
    category.save()
    return category


def do_delete_category(category: Category, *, actor: Actor) -> None:
    """Resources, courses and question banks of the category keep existing, uncategorized."""
    category.delete()


def _check_kind_fields(draft: ResourceDraft) -> None:
    needs = {
        ResourceKind.ARTICLE: ("body", not html_to_text(draft.body_html)),
        ResourceKind.DOCUMENT: ("file", draft.file_upload is None),
        ResourceKind.VIDEO: ("file", draft.file_upload is None),
        ResourceKind.GALLERY: ("images", not draft.image_uploads),
        ResourceKind.LINK: ("link_url", not draft.link_url),
    }
    if draft.kind not in needs:
        raise ServiceError(LearningCode.UNKNOWN_KIND, _("Unknown resource kind."), "kind")
    missing_field, missing = needs[ResourceKind(draft.kind)]
    if missing:
        messages = {
            "body": _("An article needs a body."),
            "file": _("Upload the file first."),
            "images": _("A gallery needs at least one picture."),
            "link_url": _("A link needs its address."),
        }
        raise ServiceError(LearningCode.INCOMPLETE, messages[missing_field], missing_field)


def refuse_classified(
    texts: list[tuple[str, str | None]], *, actor: Actor, upload_ids: Sequence[UUID], what: str
) -> None:
    """The confidentiality gate for a write, before anything is written: on refusal the uploads
    made for it are deleted from the store and marked rejected, and the refusal is logged."""
    try:
        check_unclassified(texts)
    except ServiceError as refusal:
        for upload in Upload.objects.filter(pk__in=list(upload_ids)):
            discard_object(DataClass(upload.data_class), upload.key)
            upload.status = "rejected"
            upload.error_code = refusal.code
            upload.save(update_fields=["status", "error_code"])
        do_record_audit(
            event="learning.classified.refuse",
            details={"marking": refusal.extra.get("marking", ""), "field": refusal.field or ""},
            actor=actor,
            target_type="learning.refused",
            target_id=what[:64],
            target_label=what,
        )
        raise


def _claim(upload_id: UUID, purpose: str, actor: Actor) -> Upload:
    return claim_upload(upload_id, purpose=purpose, user=actor.user)


def do_create_resource(*, actor: Actor, draft: ResourceDraft, publish: bool = False) -> Resource:
    """A new resource in this library; uploads must have been verified (partycloud.uploads)."""
    _check_kind_fields(draft)
    tags = _clean_tags(draft.tags)
    category = _check_category(draft.category_id)
    body_html = sanitize_html(draft.body_html) if draft.kind == ResourceKind.ARTICLE else ""
    body_text = html_to_text(body_html)
    upload_ids = [u for u in [draft.file_upload, draft.cover_upload, *draft.image_uploads] if u is not None]
    refuse_classified(
        [("title", draft.title), ("description", draft.summary), ("body", body_text)],
        actor=actor,
        upload_ids=upload_ids,
        what=draft.title,
    )
    with transaction.atomic():
        file_upload = cover = None
        images: list[Upload] = []
        if draft.file_upload is not None:
            purpose = uploads.VIDEO if draft.kind == ResourceKind.VIDEO else uploads.DOCUMENT
            file_upload = _claim(draft.file_upload, purpose, actor)
        if draft.cover_upload is not None:
            cover = _claim(draft.cover_upload, uploads.IMAGE, actor)
        if draft.kind == ResourceKind.GALLERY:
            images = [_claim(image, uploads.IMAGE, actor) for image in draft.image_uploads]
        resource = Resource.objects.create(
            kind=draft.kind,
            title=draft.title.strip(),
            summary=draft.summary.strip() or body_text[:140],
            body_html=body_html,
            text=body_text if draft.kind == ResourceKind.ARTICLE else (file_upload.text if file_upload else ""),
            link_url=draft.link_url,
            category=category,
            tags=tags,
            marking=draft.marking,
            cover_key=cover.key if cover else "",
            created_by=stored_user(actor.user),
        )
        if file_upload is not None:
            resource.file_key = file_upload.key
            resource.file_name = file_upload.filename
            resource.file_type = file_upload.detected_type
            resource.file_size = file_upload.size
            resource.media_status = MediaStatus.QUEUED
            resource.save()
        for position, image in enumerate(images):
            caption = draft.captions[position] if position < len(draft.captions) else ""
            GalleryImage.objects.create(resource=resource, position=position, key=image.key, caption=caption[:200])
        if images:
            resource.media_status = MediaStatus.QUEUED
            resource.save(update_fields=["media_status"])
        if publish:
            _publish(resource)
        _after_change(resource)
        if resource.media_status == MediaStatus.QUEUED:
            pk = resource.pk
            transaction.on_commit(lambda: process_resource_media.delay(pk))
    return resource


@dataclass
class ResourceChanges:
    title: str | None = None
    summary: str | None = None
    body_html: str | None = None
    link_url: str | None = None
    category_id: int | None = None
    clear_category: bool = False
    tags: list[str] | None = None
    marking: str | None = None


def do_update_resource(resource: Resource, *, actor: Actor, changes: ResourceChanges) -> Resource:
    if changes.body_html is not None and resource.kind == ResourceKind.ARTICLE:
        resource.body_html = sanitize_html(changes.body_html)
        resource.text = html_to_text(resource.body_html)
        if not resource.text:
            raise ServiceError(LearningCode.INCOMPLETE, _("An article needs a body."), "body")
    if changes.title is not None:
        resource.title = changes.title.strip()
    if changes.summary is not None:
        resource.summary = changes.summary.strip()
    if changes.link_url is not None and resource.kind == ResourceKind.LINK:
        resource.link_url = changes.link_url
    if changes.tags is not None:
        resource.tags = _clean_tags(changes.tags)
    if changes.marking is not None:
        resource.marking = changes.marking
    if changes.clear_category:
        resource.category = None
    elif changes.category_id is not None:
        resource.category = _check_category(changes.category_id)
    # Only the words change here: files already passed the gate when they were uploaded.
    refuse_classified(
        [("title", resource.title), ("description", resource.summary), ("body", html_to_text(resource.body_html))],
        actor=actor,
        upload_ids=[],
        what=resource.title,
    )
    with transaction.atomic():
        resource.save()
        _after_change(resource)
    return resource


def _publish(resource: Resource) -> None:
    resource.status = ResourceStatus.PUBLISHED
    resource.published_at = resource.published_at or timezone.now()
    resource.save(update_fields=["status", "published_at", "updated_at"])


def do_publish_resource(resource: Resource, *, actor: Actor) -> Resource:
    if resource.status == ResourceStatus.PUBLISHED:
        return resource
    with transaction.atomic():
        _publish(resource)
        _after_change(resource)
    return resource


def do_unpublish_resource(resource: Resource, *, actor: Actor) -> Resource:
    with transaction.atomic():
        resource.status = ResourceStatus.ARCHIVED
        resource.save(update_fields=["status", "updated_at"])
        _after_change(resource)
    return resource


def do_delete_resource(resource: Resource, *, actor: Actor) -> None:
    """Delete a resource and its stored objects (kept when the group's showcase holds a copy)."""
    keys = resource_object_keys(resource)
    uuid = resource.uuid
    schema = active_schema()
    with transaction.atomic():
        resource.delete()
        index_on_commit(SEARCH_KIND, [str(uuid)])
        do_record_audit(
            event="learning.resource.delete",
            actor=actor,
            target_type="learning.resource",
            target_id=str(uuid),
            target_label=resource.title,
        )
    if schema != PUBLIC and _showcase_holds_copy(schema, uuid):
        return
    for key in keys:
        transaction.on_commit(lambda key=key: discard_object(DataClass.MEDIA, key))  # type: ignore[misc]


def resource_object_keys(resource: Resource) -> list[str]:
    keys = [resource.file_key, resource.cover_key, *resource.preview_keys]
    keys += [key for image in resource.images.all() for key in (image.key, image.thumbnail_key)]
    return [key for key in keys if key]


def _after_change(resource: Resource) -> None:
    index_on_commit(SEARCH_KIND, [str(resource.uuid)])


# ---------------------------------------------------------------- reading across libraries


@dataclass
class Located:
    """A resource and the library it lives in ("public" is the group's shared library)."""

    resource: Resource
    schema: str

    @property
    def shared(self) -> bool:
        return self.schema == PUBLIC


@contextmanager
def in_group_library() -> Iterator[None]:
    """Work in the group's shared library (the public schema's learning rows) from a tenant
    host, for the block only; the tenant's schema is active again afterwards. Readers take
    published rows and nothing else: a public-schema row of this app is shared with every
    tenant once published, drafts stay the group's. Evaluate querysets inside the block (a
    lazy one would run in the tenant's schema)."""
    tenant = active_tenant()
    use_public_schema()
    try:
        yield
    finally:
        use_tenant(tenant)


def locate_resource(uuid: UUID, *, include_unpublished: bool = False) -> Located:
    """A resource visible from the current host: this library's own (drafts for its managers
    when asked), else the group's shared library (published only). The connection is back on
    the host's schema afterwards."""
    schema = active_schema()
    own = Resource.objects.select_related("category").filter(uuid=uuid).first()
    if own is not None and (include_unpublished or own.status == ResourceStatus.PUBLISHED):
        return Located(own, schema)
    if schema != PUBLIC:
        with in_group_library():
            shared = (
                Resource.objects.select_related("category")
                .filter(uuid=uuid, status=ResourceStatus.PUBLISHED)
                .prefetch_related("images")
                .first()
            )
            if shared is not None:
                list(shared.images.all())  # read while the public schema is active
        if shared is not None:
            return Located(shared, PUBLIC)
    raise NotFoundError(LearningCode.RESOURCE_NOT_FOUND, _("This learning resource does not exist."))


# ---------------------------------------------------------------- the group's showcase


def do_propose_to_showcase(resource: Resource, *, actor: Actor, note: str = "") -> ShowcaseProposal:
    """A tenant offers one of its published resources to the group's shared library."""
    if active_schema() == PUBLIC:
        raise ServiceError(LearningCode.ALREADY_SHARED, _("The group's own resources are shared already."))
    if resource.status != ResourceStatus.PUBLISHED:
        raise ServiceError(LearningCode.NOT_PUBLISHED, _("Publish the resource before proposing it."))
    if resource.showcase_status in {ShowcaseStatus.PROPOSED, ShowcaseStatus.APPROVED}:
        raise Conflict(LearningCode.ALREADY_PROPOSED, _("This resource has already been proposed to the showcase."))
    with transaction.atomic():
        resource.showcase_status = ShowcaseStatus.PROPOSED
        resource.save(update_fields=["showcase_status", "updated_at"])
        return do_offer_to_showcase(
            source=showcase.RESOURCE,
            item_uuid=resource.uuid,
            title=resource.title,
            kind=resource.kind,
            actor=actor,
            note=note,
        )


def do_offer_to_showcase(
    *, source: str, item_uuid: UUID, title: str, kind: str, actor: Actor, note: str = ""
) -> ShowcaseProposal:
    """The proposal row (public schema) for an item of the active tenant, whatever its source:
    the source's own check and status come first (``do_propose_to_showcase`` for resources)."""
    schema = active_schema()
    if schema == PUBLIC:
        raise ServiceError(LearningCode.ALREADY_SHARED, _("The group's own resources are shared already."))
    tenant = active_tenant()
    with transaction.atomic(), in_group_library():
        return ShowcaseProposal.objects.create(
            tenant_schema=schema,
            tenant_name=tenant.short_name or tenant.name,
            source=source,
            resource_uuid=item_uuid,
            title=title,
            kind=kind,
            note=note[:300],
            proposed_by=stored_user(actor.user),
        )


def do_decide_proposal(proposal: ShowcaseProposal, *, actor: Actor, approve: bool, note: str = "") -> ShowcaseProposal:
    """The group approves (a published copy enters the shared library, or the item's own group
    copy is made by its source) or declines a proposal."""
    if active_schema() != PUBLIC:
        raise ServiceError(LearningCode.GROUP_ONLY, _("Only the group decides on the showcase."), status=403)
    if proposal.status != ShowcaseStatus.PROPOSED:
        raise Conflict(LearningCode.ALREADY_DECIDED, _("This proposal has already been decided."))
    tenant = PartyCommittee.objects.get(schema_name=proposal.tenant_schema)
    if proposal.source != showcase.RESOURCE:
        return _decide_other(proposal, tenant, actor=actor, approve=approve, note=note)
    with transaction.atomic():
        use_tenant(tenant)
        try:
            original = (
                Resource.objects.select_for_update(of=("self",))
                .select_related("category")
                .filter(uuid=proposal.resource_uuid)
                .first()
            )
            if original is not None:
                images = list(original.images.all())
                original.showcase_status = ShowcaseStatus.APPROVED if approve else ShowcaseStatus.DECLINED
                original.save(update_fields=["showcase_status", "updated_at"])
        finally:
            use_public_schema()
        if approve and original is None:
            raise NotFoundError(LearningCode.RESOURCE_NOT_FOUND, _("The proposed resource no longer exists."))
        if approve and original is not None:
            copy = _showcase_copy(original, images, tenant, actor)
            proposal.copy_uuid = copy.uuid
        _record_decision(proposal, actor=actor, approve=approve, note=note)
    return proposal


def _decide_other(
    proposal: ShowcaseProposal, tenant: PartyCommittee, *, actor: Actor, approve: bool, note: str
) -> ShowcaseProposal:
    """A proposal of another app's item: its registered source marks the original and makes the copy."""
    source = showcase.showcase_source(proposal.source)
    if source is None:
        raise NotFoundError(LearningCode.RESOURCE_NOT_FOUND, _("The proposed resource no longer exists."))
    with transaction.atomic():
        use_tenant(tenant)
        try:
            original = source.mark(proposal.resource_uuid, approve)
        finally:
            use_public_schema()
        if approve and original is None:
            raise NotFoundError(LearningCode.RESOURCE_NOT_FOUND, _("The proposed resource no longer exists."))
        if approve:
            proposal.copy_uuid = source.copy(original, tenant, actor)
        _record_decision(proposal, actor=actor, approve=approve, note=note)
    return proposal


def _record_decision(proposal: ShowcaseProposal, *, actor: Actor, approve: bool, note: str) -> None:
    proposal.status = ShowcaseStatus.APPROVED if approve else ShowcaseStatus.DECLINED
    proposal.decided_by = stored_user(actor.user)
    proposal.decided_at = timezone.now()
    proposal.decision_note = note[:300]
    proposal.save()


def _showcase_copy(original: Resource, images: list[GalleryImage], tenant: PartyCommittee, actor: Actor) -> Resource:
    """The group's copy points at the tenant's stored objects (kept while the copy exists)."""
    category = Category.objects.filter(name=original.category.name).first() if original.category else None
    copy = Resource.objects.create(
        kind=original.kind,
        title=original.title,
        summary=original.summary,
        body_html=original.body_html,
        text=original.text,
        link_url=original.link_url,
        category=category,
        tags=original.tags,
        marking=original.marking,
        file_key=original.file_key,
        file_name=original.file_name,
        file_type=original.file_type,
        file_size=original.file_size,
        cover_key=original.cover_key,
        media_status=original.media_status,
        media_progress=original.media_progress,
        preview_keys=original.preview_keys,
        hls_prefix=original.hls_prefix,
        renditions=original.renditions,
        duration_seconds=original.duration_seconds,
        origin_tenant=tenant.schema_name,
        origin_name=tenant.short_name or tenant.name,
        origin_uuid=original.uuid,
        created_by=stored_user(actor.user),
    )
    for image in images:
        GalleryImage.objects.create(
            resource=copy,
            position=image.position,
            key=image.key,
            thumbnail_key=image.thumbnail_key,
            caption=image.caption,
            width=image.width,
            height=image.height,
        )
    _publish(copy)
    _after_change(copy)
    return copy


def _showcase_holds_copy(schema: str, uuid: UUID) -> bool:
    with in_group_library():
        return ShowcaseProposal.objects.filter(
            tenant_schema=schema, source=showcase.RESOURCE, resource_uuid=uuid, status=ShowcaseStatus.APPROVED
        ).exists()
