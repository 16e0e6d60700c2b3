"""A lesson's recording into the library, and the media server's files afterwards.

The media server records every publishing session to ``LIVE_RECORDINGS_DIR`` as
``<playback name>-<unix time>.flv`` and cuts HLS under ``LIVE_HLS_DIR/<playback name>/``
(scripts/liveingest.py; SRS alike, helm/partycloud). When a lesson ends (``lesson_ended``) a task
(tenants.live.media_tasks) waits ``LIVE_RECORDING_DELAY_SECONDS`` (an encoder that reconnects
takes the lesson live again, and the next end takes everything), then:

1. joins the lesson's recordings (every playback name of its keys, oldest first) into one MP4
   without re-encoding, stores it through the platform's storage (partycloud.uploads) as a
   verified upload of the organizer's, and creates a DRAFT video resource in the library of the
   lesson's schema (the group's library for a group lesson) through the learning app's own
   path: its media pipeline transcodes the HLS ladder; the confidentiality gate applies when an
   admin publishes it;
2. links it to the lesson (``Lesson.recording_resource_uuid``, ``replay_for``);
3. deletes the recording files and the lesson's HLS folders.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from partycloud.accounts.actor import Actor
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import ServiceError
from partycloud.uploads.models import Upload, UploadStatus
from partycloud.uploads.services import discard_object, object_key
from services.storage import DataClass, get_storage
from tenants.learning import uploads as learning_uploads
from tenants.learning.library import ResourceDraft, do_create_resource
from tenants.learning.models import ResourceKind
from tenants.live.models import Lesson, LessonStatus, StreamKey

log = logging.getLogger(__name__)

FFMPEG = "ffmpeg"
REMUX_TIMEOUT_SECONDS = 3600
# The recorder may still be closing its file when on_publish_done arrives.
SETTLE_SECONDS = 1.0
SETTLE_TIMEOUT_SECONDS = 15.0
# An HLS folder nothing has written for this long belongs to an ended stream.
HLS_STALE_SECONDS = 3600


def recordings_dir() -> Path | None:
    return Path(settings.LIVE_RECORDINGS_DIR) if settings.LIVE_RECORDINGS_DIR else None


def hls_dir() -> Path | None:
    return Path(settings.LIVE_HLS_DIR) if settings.LIVE_HLS_DIR else None


def playback_names(lesson: Lesson) -> list[str]:
    """Every playback name the lesson's keys were published under (active schema)."""
    return list(
        StreamKey.objects.filter(lesson=lesson).exclude(playback_name="").values_list("playback_name", flat=True)
    )


def recording_files(names: list[str]) -> list[Path]:
    """The recordings of these playback names, oldest session first."""
    folder = recordings_dir()
    if folder is None or not folder.is_dir() or not names:
        return []
    pattern = re.compile(r"^(?P<name>.+)-(?P<at>[0-9]+)\.flv$")
    wanted = set(names)
    found = []
    for path in folder.iterdir():
        match = pattern.match(path.name)
        if match and match["name"] in wanted and path.is_file():
            found.append((int(match["at"]), path.name, path))
    return [path for _, _, path in sorted(found)]


def _settled(paths: list[Path]) -> None:
    """Wait until the files stop growing (the recorder closed them), at most SETTLE_TIMEOUT_SECONDS."""
    deadline = time.monotonic() + SETTLE_TIMEOUT_SECONDS
    sizes = [path.stat().st_size for path in paths]
    while time.monotonic() < deadline:
        time.sleep(SETTLE_SECONDS)
        now = [path.stat().st_size for path in paths]
        if now == sizes:
            return
        sizes = now


def join_recordings(paths: list[Path], target: Path) -> None:
    """One MP4 of the sessions, streams copied (h264 + aac from the encoder), moov at the front."""
    work = target.parent
    listing = work / "sessions.txt"
    # The concat demuxer reads the list; our own files only (the names are ours, quoted).
    listing.write_text("".join(f"file '{path.resolve().as_posix()}'\n" for path in paths))
    command = [FFMPEG, "-nostdin", "-y", "-hide_banner", "-loglevel", "error"]
    command += ["-protocol_whitelist", "file", "-f", "concat", "-safe", "0", "-i", str(listing)]
    command += ["-map", "0", "-c", "copy", "-movflags", "+faststart", str(target)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=REMUX_TIMEOUT_SECONDS, check=False)  # noqa: S603
    if result.returncode != 0 or not target.is_file():
        raise RuntimeError(f"ffmpeg could not join the recordings: {result.stderr[-500:]}")


def _store_as_upload(path: Path, lesson: Lesson) -> Upload:
    """The joined recording in the media store, as a verified upload of the lesson's organizer."""
    key = object_key("video", name="recording.mp4")
    info = get_storage().put(DataClass.MEDIA, key, path, content_type="video/mp4")
    filename = f"{lesson.title[:200] or 'lesson'}.mp4"
    return Upload.objects.create(
        purpose=learning_uploads.VIDEO,
        data_class=DataClass.MEDIA.value,
        key=key,
        filename=filename,
        declared_type="video/mp4",
        declared_size=info.size,
        size=info.size,
        detected_type="video/mp4",
        status=UploadStatus.VERIFIED,
        created_by=lesson.organizer,
        verified_at=timezone.now(),
    )


def do_take_recording(lesson_id: int) -> str:
    """Take the ended lesson's recordings into the library as a draft video (active schema);
    what happened, for the task's result: ``taken``, ``gone``, ``not_ended``, ``already``,
    ``no_recording``, ``no_organizer``, ``refused``."""
    lesson = Lesson.objects.select_related("organizer").filter(pk=lesson_id).first()
    if lesson is None:
        return "gone"
    if lesson.status != LessonStatus.ENDED:
        return "not_ended"  # live again (a reconnect): its next end takes everything
    names = playback_names(lesson)
    files = recording_files(names)
    if lesson.recording_resource_uuid is not None:
        if files:
            log.warning("live: lesson %s already has its recording; %d newer file(s) left", lesson.pk, len(files))
        return "already"
    if not files:
        clean_hls(names)
        return "no_recording"
    if lesson.organizer is None:
        log.warning("live: lesson %s has no organizer to own its recording; files left in place", lesson.pk)
        return "no_organizer"
    _settled(files)
    with tempfile.TemporaryDirectory(prefix="pc-live-") as work:
        joined = Path(work) / "recording.mp4"
        join_recordings(files, joined)
        upload = _store_as_upload(joined, lesson)
    actor = Actor.for_user(lesson.organizer)
    draft = ResourceDraft(
        kind=ResourceKind.VIDEO, title=lesson.title, summary=lesson.description.strip()[:500], file_upload=upload.pk
    )
    try:
        resource = do_create_resource(actor=actor, draft=draft, publish=False)
    except ServiceError as refused:
        # The learning app refused it (e.g. the gate on the title): its upload is discarded.
        discard_object(DataClass.MEDIA, upload.key)
        log.warning("live: the recording of lesson %s was refused by the library: %s", lesson.pk, refused.code)
        return "refused"
    with transaction.atomic():
        Lesson.objects.filter(pk=lesson.pk).update(recording_resource_uuid=resource.uuid)
        do_record_audit(
            event="live.recording.take",
            actor=Actor.system(),
            target=lesson,
            details={"resource": str(resource.uuid), "sessions": len(files)},
        )
    for path in files:
        path.unlink(missing_ok=True)
    clean_hls(names)
    return "taken"


def clean_hls(names: list[str]) -> int:
    """Delete the HLS folders of these playback names; how many were there."""
    removed = 0
    root = hls_dir()
    if root is None:
        return 0
    for name in names:
        folder = root / name
        if name and folder.is_dir() and folder.parent == root:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def clean_stale_hls(*, older_than_seconds: float = HLS_STALE_SECONDS, now: float | None = None) -> int:
    """Delete every HLS folder nothing has written to for ``older_than_seconds`` (a live stream
    writes a segment every 2 s, so these are ended streams'); how many were removed."""
    root = hls_dir()
    if root is None or not root.is_dir():
        return 0
    now = time.time() if now is None else now
    removed = 0
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        newest = max((path.stat().st_mtime for path in folder.iterdir()), default=folder.stat().st_mtime)
        if now - newest > older_than_seconds:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed
