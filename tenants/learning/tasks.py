"""Media processing after upload, on the workers: video → HLS ladder + poster, document →
preview pages, gallery → thumbnails. Progress is saved on the resource for the console."""

from __future__ import annotations

import logging
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.db import transaction
from django.utils import timezone

from partycloud.search.indexing import index_on_commit
from partycloud.tenancy.context import active_schema
from partycloud.uploads.services import object_key
from services.media.documents import render_preview
from services.media.images import image_size, make_thumbnail
from services.storage import DataClass, get_storage
from services.tasks import tenant_task
from services.tasks.periodic import tenant_beat_entry
from services.tasks.redrive import grace_seconds, redrive
from tenants.learning.media import HLS_TYPES, download_video, output_identity, transcode_video
from tenants.learning.models import MediaStatus, Resource, ResourceKind

log = logging.getLogger(__name__)

PROGRESS_SAVE_INTERVAL = 1.0  # seconds between progress writes


@tenant_task(name="learning.process_resource_media", acks_late=True)
def process_resource_media(resource_id: int) -> str:
    resource = Resource.objects.filter(pk=resource_id).first()
    if resource is None:
        return "gone"
    if resource.media_status == MediaStatus.READY:
        return "already"  # a delivery of a task that finished just before its worker died
    Resource.objects.filter(pk=resource_id).update(media_status=MediaStatus.PROCESSING, media_progress=0)
    try:
        with tempfile.TemporaryDirectory(prefix="pc-media-") as work:
            if resource.kind == ResourceKind.VIDEO:
                _process_video(resource, Path(work))
            elif resource.kind == ResourceKind.DOCUMENT:
                _process_document(resource, Path(work))
            elif resource.kind == ResourceKind.GALLERY:
                _process_gallery(resource, Path(work))
    except Exception as error:
        log.exception("media processing failed for resource %s in %s", resource_id, active_schema())
        Resource.objects.filter(pk=resource_id).update(media_status=MediaStatus.FAILED, media_error=str(error)[:300])
        return "failed"
    with transaction.atomic():
        Resource.objects.filter(pk=resource_id).update(media_status=MediaStatus.READY, media_progress=1)
        index_on_commit("resource", [str(resource.uuid)])
    return "ready"


def _process_video(resource: Resource, work: Path) -> None:
    source = download_video(resource.file_key, work)
    last_saved = 0.0

    def progress(fraction: float) -> None:
        nonlocal last_saved
        if time.monotonic() - last_saved >= PROGRESS_SAVE_INTERVAL or fraction >= 1:
            last_saved = time.monotonic()
            # Transcoding is 95% of the work; uploading the ladder the rest.
            Resource.objects.filter(pk=resource.pk).update(media_progress=round(fraction * 0.95, 3))

    done = transcode_video(source, work, owner=resource.uuid, file_key=resource.file_key, progress=progress)
    Resource.objects.filter(pk=resource.pk).update(
        hls_prefix=done.hls_prefix,
        renditions=done.renditions,
        duration_seconds=done.duration,
        cover_key=resource.cover_key or done.poster_key,
    )


def _process_document(resource: Resource, work: Path) -> None:
    source = work / "source"
    get_storage().download_to(DataClass.MEDIA, resource.file_key, source)
    pages = render_preview(source, resource.file_type, work / "preview")
    keys = []
    prefix = object_key("preview", identity=output_identity(resource.uuid, "preview", resource.file_key))
    get_storage().delete_prefix(DataClass.MEDIA, f"{prefix}/")
    for page in pages:
        key = f"{prefix}/{page.name}"
        get_storage().put(DataClass.MEDIA, key, page, content_type=HLS_TYPES.get(page.suffix, "image/png"))
        keys.append(key)
    Resource.objects.filter(pk=resource.pk).update(
        preview_keys=keys, cover_key=resource.cover_key or (keys[0] if keys else "")
    )


def _process_gallery(resource: Resource, work: Path) -> None:
    images = list(resource.images.all())
    for done, image in enumerate(images, start=1):
        source = work / f"image-{image.pk}"
        get_storage().download_to(DataClass.MEDIA, image.key, source)
        thumbnail = work / f"thumb-{image.pk}.webp"
        make_thumbnail(source, thumbnail)
        width, height = image_size(source)
        key = object_key("image", name="thumbnail.webp")
        get_storage().put(DataClass.MEDIA, key, thumbnail, content_type="image/webp")
        image.thumbnail_key = key
        image.width, image.height = width, height
        image.save(update_fields=["thumbnail_key", "width", "height"])
        Resource.objects.filter(pk=resource.pk).update(media_progress=round(done / len(images), 3))
    if images and not resource.cover_key:
        Resource.objects.filter(pk=resource.pk).update(cover_key=images[0].thumbnail_key)


@tenant_task(name="learning.redrive_media")
def redrive_media() -> int:
    """Every 5 minutes, per tenant and for the group's library: media still ``queued`` after the
    grace period never reached a worker (the task starts by marking it ``processing``): their
    task was not sent while the broker was down. Send it again."""
    since = timezone.now() - timedelta(seconds=grace_seconds())
    stalled = Resource.objects.filter(media_status=MediaStatus.QUEUED, updated_at__lt=since)
    return redrive(process_resource_media, stalled.values_list("pk"), what="media jobs")


SCHEDULE = {
    "learning-media-redrive": tenant_beat_entry("learning.redrive_media", crontab(minute="*/5"), window_seconds=120),
    # The group's shared library lives in the public schema, which the fan-out does not visit.
    "learning-media-redrive-group": {"task": "learning.redrive_media", "schedule": crontab(minute="*/5")},
}
