"""Media of posts after upload, on the workers: the video is probed (a micro-video longer than the
schema's limit is refused and removed), then transcoded to an HLS ladder with the learning
platform's pipeline (``tenants.learning.media``); pictures get thumbnails. Progress is saved on
the post for the author's and the reviewers' screens."""

from __future__ import annotations

import logging
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.search.indexing import index_on_commit
from partycloud.tenancy.context import active_schema
from partycloud.uploads.services import discard_object, object_key
from services.media.images import image_size, make_thumbnail
from services.media.video import probe
from services.storage import DataClass, get_storage
from services.tasks import tenant_task
from services.tasks.periodic import tenant_beat_entry
from services.tasks.redrive import grace_seconds, redrive
from tenants.exchange import counts
from tenants.exchange.errors import PostCode
from tenants.exchange.models import MediaStatus, Post, PostKind, PostStatus
from tenants.exchange.posts import SEARCH_KIND, exchange_settings, notify_author
from tenants.learning.media import download_video, transcode_video

log = logging.getLogger(__name__)

PROGRESS_SAVE_INTERVAL = 1.0  # seconds between progress writes


@tenant_task(name="exchange.process_post_media", acks_late=True)
def process_post_media(post_id: int) -> str:
    post = Post.objects.filter(pk=post_id).first()
    if post is None:
        return "gone"
    if post.media_status == MediaStatus.READY:
        return "already"  # a delivery of a task that finished just before its worker died
    Post.objects.filter(pk=post_id).update(media_status=MediaStatus.PROCESSING, media_progress=0)
    try:
        with tempfile.TemporaryDirectory(prefix="pc-post-") as folder:
            work = Path(folder)
            _process_images(post, work)
            if post.file_key and not _process_video(post, work):
                return "too_long"
    except Exception as error:
        log.exception("media processing failed for post %s in %s", post_id, active_schema())
        Post.objects.filter(pk=post_id).update(media_status=MediaStatus.FAILED, media_error=str(error)[:300])
        return "failed"
    with transaction.atomic():
        Post.objects.filter(pk=post_id).update(media_status=MediaStatus.READY, media_progress=1)
        index_on_commit(SEARCH_KIND, [str(post.uuid)])
    return "ready"


def _process_video(post: Post, work: Path) -> bool:
    """Probe, refuse a too long micro-video, transcode; False when it was refused."""
    source = download_video(post.file_key, work)
    if post.kind == PostKind.MICRO_VIDEO:
        limit = exchange_settings().micro_video_max_seconds
        duration = probe(source).duration
        if duration > limit:
            _refuse_too_long(post, duration, limit)
            return False
    last_saved = 0.0

    def progress(fraction: float) -> None:
        nonlocal last_saved
        if time.monotonic() - last_saved >= PROGRESS_SAVE_INTERVAL or fraction >= 1:
            last_saved = time.monotonic()
            Post.objects.filter(pk=post.pk).update(media_progress=round(fraction * 0.95, 3))

    done = transcode_video(source, work, owner=post.uuid, file_key=post.file_key, progress=progress)
    Post.objects.filter(pk=post.pk).update(
        hls_prefix=done.hls_prefix,
        renditions=done.renditions,
        duration_seconds=done.duration,
        poster_key=done.poster_key,
        cover_key=post.cover_key or done.poster_key,
    )
    return True


def _refuse_too_long(post: Post, duration: float, limit: int) -> None:
    """The post is returned to its author with the rule named, and the video removed."""
    message = _("The micro-video lasts %(duration)d seconds; at most %(limit)d are allowed. It was removed.") % {
        "duration": round(duration),
        "limit": limit,
    }
    key = post.file_key
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        locked.file_key = locked.file_name = locked.file_type = ""
        locked.file_size = None
        locked.duration_seconds = duration
        locked.media_status = MediaStatus.FAILED
        locked.media_error = PostCode.VIDEO_TOO_LONG.value
        if locked.status != PostStatus.WITHDRAWN:
            locked.status = PostStatus.REJECTED
            locked.review_note = message[:500]
        locked.save()
        notify_author(locked, _("Your micro-video was refused: %(title)s") % {"title": locked.title}, message)
        index_on_commit(SEARCH_KIND, [str(locked.uuid)])
        transaction.on_commit(lambda: discard_object(DataClass.MEDIA, key))


def _process_images(post: Post, work: Path) -> None:
    images = [image for image in post.images.all() if not image.thumbnail_key]
    for image in images:
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
    if images and not post.cover_key and not post.file_key:
        Post.objects.filter(pk=post.pk).update(cover_key=images[0].thumbnail_key)
        post.cover_key = images[0].thumbnail_key


@tenant_task(name="exchange.redrive_media")
def redrive_media() -> int:
    """Every 5 minutes, per tenant and for the group's posts: media still ``queued`` after the
    grace period never reached a worker (the broker was down when it was sent). Send it again."""
    since = timezone.now() - timedelta(seconds=grace_seconds())
    stalled = Post.objects.filter(media_status=MediaStatus.QUEUED, updated_at__lt=since)
    return redrive(process_post_media, stalled.values_list("pk"), what="post media jobs")


SCHEDULE = {
    "exchange-media-redrive": tenant_beat_entry("exchange.redrive_media", crontab(minute="*/5"), window_seconds=120),
    # The group's posts live in the public schema, which the fan-out does not visit.
    "exchange-media-redrive-group": {"task": "exchange.redrive_media", "schedule": crontab(minute="*/5")},
    # The cached counts of likes, favourites, shares, comments and threads, checked nightly (counts.recount).
    "exchange-recount": tenant_beat_entry("exchange.recount", crontab(hour=3, minute=40), window_seconds=3600),
    "exchange-recount-group": {"task": "exchange.recount", "schedule": crontab(hour=3, minute=40)},
}


@tenant_task(name="exchange.recount")
def recount() -> dict[str, int]:
    """Nightly, per tenant and for the group's rows: recompute the cached counts, fix and log drift."""
    return counts.recount(active_schema())
