"""The embedded RTMP/HLS ingest of `make run` (scripts/liveingest.py), end to end.

nginx-rtmp is started through the same code as scripts/devservices.py, on free
ports with a temporary var dir, its hooks pointing at a stub of the platform.
ffmpeg pushes a test pattern; the stub, the HLS output and the recording tell
whether the ingest works.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "t_x.good"
BAD_KEY = "t_x.bad"


def load_script(name: str) -> ModuleType:
    """A module of scripts/ (not a package); devservices finds `liveingest` in sys.modules."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


liveingest = load_script("liveingest")
devservices = load_script("devservices")
NGINX = liveingest.NginxRtmp.find()

needs_nginx_rtmp = pytest.mark.skipif(NGINX is None, reason="nginx or libnginx-mod-rtmp is not installed (apt)")
needs_ffmpeg = pytest.mark.skipif(
    not (shutil.which("ffmpeg") and shutil.which("ffprobe")), reason="ffmpeg/ffprobe are not installed"
)


class HookStub:
    """The platform's root-host hooks: allows GOOD_KEY, refuses every other key with 403."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, str]]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                fields = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                stub.calls.append((urllib.parse.urlsplit(self.path).path, fields))
                allowed = fields.get("name") == GOOD_KEY
                self.send_response(200 if allowed else 403)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def names(self, path: str) -> list[str]:
        return [fields.get("name", "") for called, fields in self.calls if called == path]


@pytest.fixture
def hooks() -> Iterator[HookStub]:
    stub = HookStub()
    stub.thread.start()
    yield stub
    stub.server.shutdown()
    stub.server.server_close()


@pytest.fixture
def ingest(tmp_path: Path, hooks: HookStub) -> Iterator[Any]:
    server = liveingest.LiveIngest(
        tmp_path,
        hook_base_url=f"http://127.0.0.1:{hooks.port}",
        rtmp_port=liveingest.free_port(),
        http_port=liveingest.free_port(),
    )
    server.start(NGINX)
    yield server
    server.stop()


def push(rtmp_url: str, key: str, seconds: float) -> subprocess.Popen[bytes]:
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re"]
    command += ["-f", "lavfi", "-i", "testsrc=size=640x360:rate=25"]
    command += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"]
    command += ["-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency"]
    command += ["-pix_fmt", "yuv420p", "-g", "50", "-c:a", "aac", "-f", "flv", f"{rtmp_url}/{key}"]
    return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def wait_for(check: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def ffprobe_streams(path: Path) -> list[str]:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=20,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return [line.strip().strip(",") for line in result.stdout.splitlines() if line.strip()]


@needs_nginx_rtmp
@needs_ffmpeg
def test_publish_is_authorized_cut_into_hls_and_recorded(ingest: Any, hooks: HookStub) -> None:
    rtmp_url: str = ingest.rtmp_url
    hls_dir: Path = ingest.hls_dir
    recordings_dir: Path = ingest.recordings_dir
    hls_base_url: str = ingest.hls_base_url
    on_publish, on_publish_done = liveingest.HOOK_PATHS["on_publish"], liveingest.HOOK_PATHS["on_publish_done"]

    # A key the platform refuses: the encoder fails at once, nothing is written.
    refused = push(rtmp_url, BAD_KEY, seconds=3)
    refused_output = refused.communicate(timeout=15)[0]
    assert refused.returncode != 0, refused_output
    assert BAD_KEY in hooks.names(on_publish)
    assert not (hls_dir / BAD_KEY / "index.m3u8").exists()

    # An allowed key: HLS appears while it streams, playable by ffprobe.
    publisher = push(rtmp_url, GOOD_KEY, seconds=7)
    try:
        playlist = hls_dir / GOOD_KEY / "index.m3u8"
        assert wait_for(lambda: playlist.exists() and ".ts" in playlist.read_text(), timeout=12)
        assert GOOD_KEY in hooks.names(on_publish)
        segment = hls_dir / GOOD_KEY / next(line for line in playlist.read_text().splitlines() if line.endswith(".ts"))
        assert ffprobe_streams(segment)[:1] == ["h264"]

        # The HTTP side serves the playlist, with CORS for the site's origins only.
        url = f"{hls_base_url}/{GOOD_KEY}/index.m3u8"
        request = urllib.request.Request(url, headers={"Origin": "http://power.localhost:8000"})  # noqa: S310 (http, ours)
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            assert response.status == 200
            assert response.headers["Access-Control-Allow-Origin"] == "http://power.localhost:8000"
            assert b"#EXTM3U" in response.read()
        request = urllib.request.Request(url, headers={"Origin": "http://evil.example"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            assert not response.headers.get("Access-Control-Allow-Origin")
    finally:
        output = publisher.communicate(timeout=20)[0]
    assert publisher.returncode == 0, output

    # The end of the stream is reported, and the whole session is recorded.
    assert wait_for(lambda: GOOD_KEY in hooks.names(on_publish_done), timeout=10), hooks.calls
    recordings = sorted(recordings_dir.glob(f"{GOOD_KEY}*.flv"))
    assert recordings, list(recordings_dir.iterdir())
    assert wait_for(lambda: recordings[-1].stat().st_size > 10_000, timeout=5)
    assert sorted(ffprobe_streams(recordings[-1])) == ["aac", "h264"]
    assert not list(recordings_dir.glob(f"{BAD_KEY}*"))


def test_without_nginx_rtmp_live_video_is_not_configured(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(liveingest, "MODULE_PATHS", ())
    monkeypatch.delenv("LIVE_RTMP_URL", raising=False)
    servers = devservices.Servers()
    assert devservices.LiveVideo().provide(servers) == {"LIVE_RTMP_URL": "", "LIVE_HLS_BASE_URL": ""}
    assert "live video is not configured" in capsys.readouterr().err
    assert not servers.started


def test_live_rtmp_url_from_the_environment_is_used_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIVE_RTMP_URL", "rtmp://media.example/live")
    servers = devservices.Servers()
    assert devservices.LiveVideo().provide(servers) == {}
    assert not servers.started


def test_hooks_go_to_the_root_host_with_the_secret(tmp_path: Path) -> None:
    server = liveingest.LiveIngest(tmp_path, hook_base_url="http://127.0.0.1:8000/", hook_secret="s3 cret&")
    assert server.hook_url("on_publish") == "http://127.0.0.1:8000/api/v1/live/hooks/on-publish?secret=s3+cret%26"
    assert server.hook_url("on_publish_done").startswith("http://127.0.0.1:8000/api/v1/live/hooks/on-publish-done?")
