"""Video: probe with ffprobe, transcode to an HLS ladder with one ffmpeg process, grab a poster.

Uploads are untrusted: ffmpeg and ffprobe only get the demuxers in ``INPUT_FORMATS`` and the
``file`` protocol, because playlist-like demuxers (hls, concat, image2 …) open the files or URLs
named *inside* the upload — a fake "video" could read server files or reach the network.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext

from services.media.errors import MediaError
from services.media.hls import is_safe_relative

log = logging.getLogger(__name__)

FFMPEG = "ffmpeg"
FFPROBE = "ffprobe"
INPUT_FORMATS = "mov,matroska,avi,mpegts,flv,mpeg,asf,ogg"
_SAFE_INPUT = ("-format_whitelist", INPUT_FORMATS, "-protocol_whitelist", "file")
_QUIET = ("-nostdin", "-y", "-hide_banner", "-loglevel", "error")
_THREADS = ("-threads", "2")
_RUNG_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
# Every rung is H.264 Main (profile_idc 0x4d, constraint_set1) + AAC-LC; the level comes from the output.
_H264_MAIN = "avc1.4d40"
_AAC_LC = "mp4a.40.2"
POSTER_MAX_WIDTH = 1280
PROGRESS_INTERVAL_SECONDS = 0.5
STDERR_TAIL_BYTES = 2000


@dataclass(frozen=True)
class Rendition:
    """One rung of the ladder: ``name`` is also its folder in the output (``360p/index.m3u8``)."""

    name: str
    height: int
    video_bitrate_k: int
    audio_bitrate_k: int


DEFAULT_LADDER = (Rendition("360p", 360, 800, 96), Rendition("720p", 720, 2800, 128))


@dataclass(frozen=True)
class VideoInfo:
    """What the player shows: width and height after the rotation that phones record as metadata."""

    duration: float
    width: int
    height: int
    has_audio: bool
    codec: str


@dataclass
class HlsOutput:
    """``master`` and ``poster`` are paths inside ``out_dir``; ``files`` are relative to ``out_dir``."""

    master: Path
    renditions: list[str]
    poster: Path
    duration: float
    files: list[Path]


@dataclass(frozen=True)
class _Source:
    info: VideoInfo
    video_stream: int
    audio_stream: int | None


@dataclass(frozen=True)
class _Variant:
    rendition: Rendition
    bandwidth: int
    average_bandwidth: int
    width: int
    height: int
    frame_rate: float
    codecs: str
    segments: list[str]


def probe(path: Path, *, timeout_seconds: float = 60) -> VideoInfo:
    """Duration, displayed size, audio and codec of a video; ``media.not_video`` for anything else."""
    return _probe_source(path, time.monotonic() + timeout_seconds).info


def select_renditions(ladder: Sequence[Rendition], source_height: int) -> list[Rendition]:
    """The rungs not taller than the source, lowest first; at least the lowest, shrunk to the source."""
    if not ladder:
        raise ValueError("the ladder needs at least one rendition")
    rungs = sorted(ladder, key=lambda rung: rung.height)
    fitting = [rung for rung in rungs if rung.height <= source_height]
    if fitting:
        return fitting
    # H.264 4:2:0 wants even dimensions.
    return [replace(rungs[0], height=max(2, source_height - source_height % 2))]


def transcode_to_hls(
    source: Path,
    out_dir: Path,
    *,
    ladder: Sequence[Rendition] = DEFAULT_LADDER,
    progress: Callable[[float], None] | None = None,
    segment_seconds: int = 6,
    timeout_seconds: float = 3600,
) -> HlsOutput:
    """Transcode ``source`` into ``out_dir``: ``<rung>/index.m3u8`` + ``<rung>/seg_%05d.ts`` per rung,
    ``master.m3u8`` and ``poster.jpg``.

    ``progress`` gets fractions in [0, 1], non-decreasing, at most about twice a second, the last
    one exactly 1.0 once everything is written. If it raises, ffmpeg is killed and the exception
    propagates (a way to cancel). ``timeout_seconds`` bounds the whole call.
    """
    if segment_seconds < 1:
        raise ValueError("segment_seconds must be at least 1")
    for rung in ladder:
        if not _RUNG_NAME.match(rung.name):
            raise ValueError(f"rendition name {rung.name!r} is not a plain folder name")
    deadline = time.monotonic() + timeout_seconds
    video = _probe_source(source, deadline)
    rungs = select_renditions(ladder, video.info.height)
    out_dir.mkdir(parents=True, exist_ok=True)
    for rung in rungs:
        (out_dir / rung.name).mkdir(exist_ok=True)
    reporter = _ProgressReporter(progress)

    def on_time(seconds: float) -> None:
        # 1.0 is kept for the very end, after the poster and the master playlist.
        reporter.report(min(seconds / video.info.duration, 0.99))

    ffmpeg_log = _run_ffmpeg(_hls_command(source, rungs, video, segment_seconds), out_dir, deadline, on_time)
    # ffmpeg's hls muxer exits 0 even when it could not write a segment: check what is on disk.
    try:
        variants = [_describe_variant(out_dir, rung, video.audio_stream is not None, deadline) for rung in rungs]
    except (_IncompleteOutput, OSError) as error:
        raise _failed(str(error), ffmpeg_log) from error
    poster = _grab_poster(source, out_dir, video, deadline)
    master = out_dir / "master.m3u8"
    master.write_text(_master_playlist(variants), encoding="utf-8")
    files = [Path("master.m3u8"), Path(poster.name)]
    for variant in variants:
        folder = Path(variant.rendition.name)
        files += [folder / "index.m3u8", *(folder / segment for segment in variant.segments)]
    reporter.finish()
    return HlsOutput(
        master=master,
        renditions=[rung.name for rung in rungs],
        poster=poster,
        duration=video.info.duration,
        files=files,
    )


# --- probing -------------------------------------------------------------------------------


def _probe_source(path: Path, deadline: float) -> _Source:
    data = _ffprobe(path, deadline)
    streams: list[dict[str, Any]] = data.get("streams") or []
    video = next(
        (
            stream
            for stream in streams
            if stream.get("codec_type") == "video" and not (stream.get("disposition") or {}).get("attached_pic")
        ),
        None,
    )
    audio = next((stream for stream in streams if stream.get("codec_type") == "audio"), None)
    if video is None:
        raise _not_video(path, "no video stream")
    duration = _number(data.get("format", {}).get("duration")) or _number(video.get("duration"))
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if duration <= 0 or width <= 0 or height <= 0:
        raise _not_video(path, f"duration {duration}, size {width}x{height}")
    if _rotation(video) % 180 == 90:
        width, height = height, width
    return _Source(
        info=VideoInfo(
            duration=duration,
            width=width,
            height=height,
            has_audio=audio is not None,
            codec=str(video.get("codec_name") or "unknown"),
        ),
        video_stream=int(video["index"]),
        audio_stream=int(audio["index"]) if audio is not None else None,
    )


def _ffprobe(path: Path, deadline: float) -> dict[str, Any]:
    command = [
        FFPROBE,
        "-v",
        "error",
        *_SAFE_INPUT,
        "-print_format",
        "json",
        "-show_format",
        "-show_streams",
        str(path.resolve()),
    ]
    try:
        result = subprocess.run(  # noqa: S603 (fixed argv, no shell)
            command, capture_output=True, timeout=_remaining(deadline), check=False
        )
    except FileNotFoundError as error:
        raise _tool_missing(FFPROBE) from error
    except subprocess.TimeoutExpired as error:
        raise _timed_out(FFPROBE) from error
    if result.returncode != 0:
        raise _not_video(path, result.stderr.decode(errors="replace")[-STDERR_TAIL_BYTES:])
    try:
        data = json.loads(result.stdout)
    except ValueError as error:
        raise _not_video(path, "unreadable ffprobe output") from error
    if not isinstance(data, dict):
        raise _not_video(path, "unreadable ffprobe output")
    return data


def _rotation(stream: dict[str, Any]) -> int:
    for side_data in stream.get("side_data_list") or []:
        if "rotation" in side_data:
            return int(_number(side_data["rotation"]))
    return int(_number((stream.get("tags") or {}).get("rotate")))


def _number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0


# --- ffmpeg --------------------------------------------------------------------------------


def _hls_command(source: Path, rungs: list[Rendition], video: _Source, segment_seconds: int) -> list[str]:
    """One process for the whole ladder: decode once, ``split`` the picture, one encoder per rung."""
    audio = video.audio_stream
    labels = "".join(f"[s{index}]" for index in range(len(rungs)))
    graph = [f"[0:{video.video_stream}]split={len(rungs)}{labels}"]
    graph += [f"[s{index}]scale=-2:{rung.height},format=yuv420p[v{index}]" for index, rung in enumerate(rungs)]
    command = [
        FFMPEG,
        *_QUIET,
        *_THREADS,
        *_SAFE_INPUT,
        "-i",
        str(source.resolve()),
        "-filter_complex",
        ";".join(graph),
    ]
    stream_map = []
    for index, rung in enumerate(rungs):
        command += ["-map", f"[v{index}]"]
        bitrate = rung.video_bitrate_k
        command += [f"-b:v:{index}", f"{bitrate}k", f"-maxrate:v:{index}", f"{bitrate * 107 // 100}k"]
        command += [f"-bufsize:v:{index}", f"{bitrate * 3 // 2}k"]
        if audio is None:
            stream_map.append(f"v:{index},name:{rung.name}")
        else:
            command += ["-map", f"0:{audio}", f"-b:a:{index}", f"{rung.audio_bitrate_k}k"]
            stream_map.append(f"v:{index},a:{index},name:{rung.name}")
    command += ["-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main", *_THREADS]
    # Keyframes exactly on segment boundaries, none elsewhere from scene cuts: segments start cleanly.
    command += ["-force_key_frames", f"expr:gte(t,n_forced*{segment_seconds})", "-sc_threshold", "0"]
    if audio is not None:
        command += ["-c:a", "aac", "-ac", "2"]
    command += [
        "-max_muxing_queue_size",
        "1024",
        "-f",
        "hls",
        "-hls_time",
        str(segment_seconds),
        "-hls_playlist_type",
        "vod",
        "-hls_list_size",
        "0",
        "-hls_flags",
        "independent_segments",
        "-hls_segment_filename",
        "%v/seg_%05d.ts",
        "-var_stream_map",
        " ".join(stream_map),
        "-progress",
        "pipe:1",
        "-nostats",
        "%v/index.m3u8",
    ]
    return command


def _grab_poster(source: Path, out_dir: Path, video: _Source, deadline: float) -> Path:
    """A JPEG at 10% of the video, at least 1 s in (past fade-ins), never past the middle."""
    poster = out_dir / "poster.jpg"
    duration = video.info.duration
    for at in (min(max(duration * 0.1, 1.0), duration / 2), 0.0):
        poster.unlink(missing_ok=True)
        command = [FFMPEG, *_QUIET, *_THREADS, "-ss", f"{at:.3f}", *_SAFE_INPUT, "-i", str(source.resolve())]
        command += ["-map", f"0:{video.video_stream}", "-frames:v", "1"]
        command += ["-vf", f"scale=w='min({POSTER_MAX_WIDTH},iw)':h=-2", "-q:v", "3", "-f", "image2", "-update", "1"]
        _run_ffmpeg([*command, poster.name], out_dir, deadline, None)
        # Seeking can land past the last decodable frame of a short clip: then take the first one.
        if poster.is_file() and poster.stat().st_size > 0:
            return poster
    raise _failed("no poster frame", "")


def _run_ffmpeg(command: list[str], cwd: Path, deadline: float, on_time: Callable[[float], None] | None) -> str:
    """Run ffmpeg in ``cwd`` (output names are relative, so ``%`` in the folder cannot break patterns);
    return the end of what it wrote to stderr."""
    expired = threading.Event()
    remaining = _remaining(deadline)
    with tempfile.TemporaryFile() as stderr:
        try:
            process = subprocess.Popen(  # noqa: S603 (fixed argv, no shell)
                command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, text=True
            )
        except FileNotFoundError as error:
            raise _tool_missing(FFMPEG) from error

        def expire() -> None:
            expired.set()
            process.kill()

        timer = threading.Timer(remaining, expire)
        timer.start()
        try:
            assert process.stdout is not None
            _read_progress(process.stdout, on_time)
            returncode = process.wait()
        finally:
            timer.cancel()
            if process.poll() is None:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
        if expired.is_set():
            raise _timed_out(FFMPEG)
        if returncode != 0:
            raise _failed(f"exit status {returncode}", _tail(stderr))
        return _tail(stderr)


def _read_progress(stdout: IO[str], on_time: Callable[[float], None] | None) -> None:
    """``-progress pipe:1`` prints ``key=value`` blocks; ``out_time_us`` (and the misnamed
    ``out_time_ms``, also microseconds) is how far the output got."""
    for line in stdout:
        key, _, value = line.strip().partition("=")
        if on_time is not None and key in ("out_time_us", "out_time_ms") and value.isdigit():
            on_time(int(value) / 1_000_000)


def _tail(stderr: IO[bytes]) -> str:
    stderr.seek(0, 2)
    stderr.seek(max(0, stderr.tell() - STDERR_TAIL_BYTES))
    return stderr.read().decode(errors="replace")


def _remaining(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _timed_out("media processing")
    return remaining


class _IncompleteOutput(Exception):
    """ffmpeg did not leave the files it should have."""


class _ProgressReporter:
    """Forwards fractions that moved forward, no more often than every ``PROGRESS_INTERVAL_SECONDS``."""

    def __init__(self, callback: Callable[[float], None] | None) -> None:
        self.callback = callback
        self.last_fraction = 0.0
        self.last_at = 0.0

    def report(self, fraction: float) -> None:
        now = time.monotonic()
        if self.callback is None or fraction <= self.last_fraction or now - self.last_at < PROGRESS_INTERVAL_SECONDS:
            return
        self.last_fraction, self.last_at = fraction, now
        self.callback(fraction)

    def finish(self) -> None:
        if self.callback is not None:
            self.callback(1.0)


# --- playlists -----------------------------------------------------------------------------


def _describe_variant(out_dir: Path, rung: Rendition, has_audio: bool, deadline: float) -> _Variant:
    """Segments and measured bit rates from the rung's playlist, size and level from its first segment."""
    folder = out_dir / rung.name
    lines = (folder / "index.m3u8").read_text(encoding="utf-8").splitlines()
    if "#EXT-X-ENDLIST" not in lines:
        raise _IncompleteOutput(f"{rung.name}/index.m3u8 is not complete")
    durations: list[float] = []
    segments: list[str] = []
    for line in lines:
        if line.startswith("#EXTINF:"):
            durations.append(_number(line[len("#EXTINF:") :].split(",", 1)[0]))
        elif line and not line.startswith("#"):
            segments.append(line)
    if not segments or len(segments) != len(durations):
        raise _IncompleteOutput(f"{rung.name}/index.m3u8 lists no segments")
    for name in segments:
        if not is_safe_relative(name) or not (folder / name).is_file() or not (folder / name).stat().st_size:
            raise _IncompleteOutput(f"{rung.name}/{name} is missing or empty")
    sizes = [(folder / name).stat().st_size * 8 for name in segments]
    average = sum(sizes) / max(sum(durations), 0.001)
    # BANDWIDTH is the peak segment bit rate; a short tail segment would exaggerate it.
    full = [bits / seconds for bits, seconds in zip(sizes, durations, strict=True) if seconds >= max(durations) / 2]
    peak = max([average, *full])
    stream = next(
        stream
        for stream in _ffprobe(folder / segments[0], deadline).get("streams", [])
        if stream.get("codec_type") == "video"
    )
    numerator, _, denominator = str(stream.get("avg_frame_rate") or "0/1").partition("/")
    frame_rate = _number(numerator) / (_number(denominator) or 1)
    codecs = f"{_H264_MAIN}{int(stream.get('level') or 31):02x}" + (f",{_AAC_LC}" if has_audio else "")
    return _Variant(
        rendition=rung,
        bandwidth=int(peak) + 1,
        average_bandwidth=int(average) + 1,
        width=int(stream["width"]),
        height=int(stream["height"]),
        frame_rate=frame_rate,
        codecs=codecs,
        segments=segments,
    )


def _master_playlist(variants: list[_Variant]) -> str:
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for variant in variants:
        attributes = [
            f"BANDWIDTH={variant.bandwidth}",
            f"AVERAGE-BANDWIDTH={variant.average_bandwidth}",
            f"RESOLUTION={variant.width}x{variant.height}",
        ]
        if variant.frame_rate > 0:
            attributes.append(f"FRAME-RATE={variant.frame_rate:.3f}")
        attributes.append(f'CODECS="{variant.codecs}"')
        lines += [f"#EXT-X-STREAM-INF:{','.join(attributes)}", f"{variant.rendition.name}/index.m3u8"]
    return "\n".join(lines) + "\n"


# --- errors --------------------------------------------------------------------------------


def _not_video(path: Path, detail: str) -> MediaError:
    log.info("not a video: %s (%s)", path.name, detail.strip())
    return MediaError("media.not_video", gettext("The file is not a video that can be played."))


def _failed(reason: str, stderr_tail: str) -> MediaError:
    log.error("ffmpeg failed: %s\n%s", reason, stderr_tail.strip())
    return MediaError("media.transcode_failed", gettext("The video could not be converted."))


def _timed_out(tool: str) -> MediaError:
    log.error("%s timed out", tool)
    return MediaError("media.timeout", gettext("Processing the file took too long."))


def _tool_missing(tool: str) -> MediaError:
    log.error("%s is not installed (not on PATH)", tool)
    return MediaError("media.unavailable", gettext("Media processing is not available on this server."))
