"""The embedded RTMP/HLS ingest of `make run` (scripts/liveingest.py), end to end.

nginx-rtmp is started through the same code as scripts/devservices.py, on free
ports with a temporary var dir, its hooks pointing at a stub of the platform.
ffmpeg pushes a test pattern; the stub, the HLS output and the recording tell
whether the ingest works.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tenants.live.playback import hls_token
from tests.live import load_script

GOOD_KEY = "t_x.good"
BAD_KEY = "t_x.bad"
PLAYBACK = "t_x-7-0123456789ab"  # what the platform renames GOOD_KEY's stream to
HLS_SECRET = "test-hls-secret"


liveingest = load_script("liveingest")
devservices = load_script("devservices")
NGINX = liveingest.NginxRtmp.find()

needs_nginx_rtmp = pytest.mark.skipif(NGINX is None, reason="nginx or libnginx-mod-rtmp is not installed (apt)")
needs_ffmpeg = pytest.mark.skipif(
    not (shutil.which("ffmpeg") and shutil.which("ffprobe")), reason="ffmpeg/ffprobe are not installed"
)


class HookStub:
    """The platform's root-host hooks: lets GOOD_KEY in renamed to PLAYBACK (302), lets the relay
    of PLAYBACK into the HLS application, refuses everything else with 403."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, str]]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                fields = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                path = urllib.parse.urlsplit(self.path).path
                stub.calls.append((path, fields))
                app, name = fields.get("app"), fields.get("name")
                if path.endswith("done"):
                    self.send_response(200)
                elif app == liveingest.APPLICATION and name == GOOD_KEY:
                    self.send_response(302)
                    self.send_header("Location", PLAYBACK)
                elif app == liveingest.HLS_APPLICATION and name == PLAYBACK:
                    self.send_response(200)
                else:
                    self.send_response(403)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def names(self, path: str, app: str = "live") -> list[str]:
        return [fields.get("name", "") for called, fields in self.calls if called == path and fields.get("app") == app]


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
        control_port=liveingest.free_port(),
        hls_secret=HLS_SECRET,
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


def signed(ingest: Any, name: str, expires: int, file: str = "index.m3u8", secret: str = HLS_SECRET) -> str:
    """A playback URL signed the way the platform signs it (tenants.live.playback)."""
    return f"{ingest.hls_base_url}/{hls_token(name, expires, secret)}/{expires}/{name}/{file}"


def http_get(url: str, origin: str = "") -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Origin": origin} if origin else {})  # noqa: S310 (http, ours)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, b"", dict(error.headers)


@needs_nginx_rtmp
@needs_ffmpeg
def test_publish_is_authorized_renamed_cut_into_signed_hls_and_recorded(ingest: Any, hooks: HookStub) -> None:
    rtmp_url: str = ingest.rtmp_url
    hls_dir: Path = ingest.hls_dir
    recordings_dir: Path = ingest.recordings_dir
    on_publish, on_publish_done = liveingest.HOOK_PATHS["on_publish"], liveingest.HOOK_PATHS["on_publish_done"]

    # A key the platform refuses: the encoder fails at once, nothing is written.
    refused = push(rtmp_url, BAD_KEY, seconds=3)
    refused_output = refused.communicate(timeout=15)[0]
    assert refused.returncode != 0, refused_output
    assert BAD_KEY in hooks.names(on_publish)
    assert not list(hls_dir.iterdir())

    # An allowed key: renamed to its playback name, relayed to the HLS application, which cuts
    # HLS under that name only; the key appears in no file name.
    publisher = push(rtmp_url, GOOD_KEY, seconds=30)
    try:
        playlist = hls_dir / PLAYBACK / "index.m3u8"
        assert wait_for(lambda: playlist.exists() and ".ts" in playlist.read_text(), timeout=15)
        assert hooks.names(on_publish) == [BAD_KEY, GOOD_KEY]
        assert hooks.names(on_publish, app=liveingest.HLS_APPLICATION) == [PLAYBACK]
        assert [path.name for path in hls_dir.iterdir()] == [PLAYBACK]
        segment_name = next(line for line in playlist.read_text().splitlines() if line.endswith(".ts"))
        assert ffprobe_streams(hls_dir / PLAYBACK / segment_name)[:1] == ["h264"]

        # Only signed paths are served: the playlist and (relative URL, same token) its segments,
        # with CORS for the site's origins only. A wrong token 403, an expired one 410.
        expires = int(time.time()) + 600
        status, body, headers = http_get(signed(ingest, PLAYBACK, expires), origin="http://power.localhost:8000")
        assert status == 200
        assert headers["Access-Control-Allow-Origin"] == "http://power.localhost:8000"
        assert b"#EXTM3U" in body
        segment = next(line for line in body.decode().splitlines() if line.endswith(".ts"))
        status, body, _ = http_get(signed(ingest, PLAYBACK, expires, file=segment))
        assert status == 200
        assert len(body) > 1000
        assert not http_get(signed(ingest, PLAYBACK, expires), origin="http://evil.example")[2].get(
            "Access-Control-Allow-Origin"
        )
        assert http_get(signed(ingest, PLAYBACK, expires, secret="guess"))[0] == 403
        assert http_get(signed(ingest, PLAYBACK, expires + 1).replace(f"/{expires + 1}/", f"/{expires}/"))[0] == 403
        assert http_get(signed(ingest, PLAYBACK, int(time.time()) - 1))[0] == 410
        assert http_get(f"http://127.0.0.1:{ingest.http_port}/hls/{PLAYBACK}/index.m3u8")[0] == 404

        # Nobody else publishes into the HLS application: not under another name (the hook
        # refuses it), not under the playback name (the relay already publishes it).
        for name in ("sneaky", PLAYBACK):
            direct = push(f"rtmp://127.0.0.1:{ingest.rtmp_port}/{liveingest.HLS_APPLICATION}", name, seconds=2)
            assert direct.communicate(timeout=15)[0] is not None
            assert direct.returncode != 0
        assert [path.name for path in hls_dir.iterdir()] == [PLAYBACK]

        # The control API drops the publisher (a rotated key), by its playback name.
        query = urllib.parse.urlencode({"app": liveingest.APPLICATION, "name": PLAYBACK})
        status, body, _ = http_get(f"{ingest.control_url}/drop/publisher?{query}")
        assert (status, body.strip()) == (200, b"1")
    finally:
        output = publisher.communicate(timeout=20)[0]
    assert publisher.returncode != 0, output  # dropped

    # The end is reported with the original key, and the session is recorded under the playback name.
    assert wait_for(lambda: GOOD_KEY in hooks.names(on_publish_done), timeout=10), hooks.calls
    recordings = sorted(recordings_dir.glob("*.flv"))
    assert [path.name.rsplit("-", 1)[0] for path in recordings] == [PLAYBACK]
    assert wait_for(lambda: recordings[-1].stat().st_size > 10_000, timeout=5)
    assert sorted(ffprobe_streams(recordings[-1])) == ["aac", "h264"]


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


def test_the_ingest_exports_what_the_platform_needs(tmp_path: Path) -> None:
    server = liveingest.LiveIngest(tmp_path, hook_base_url="http://127.0.0.1:8000", control_port=8936)
    env = server.env()
    assert env["LIVE_HLS_BASE_URL"] == f"http://127.0.0.1:{server.http_port}/shls"
    assert env["LIVE_RECORDINGS_DIR"] == str(tmp_path / "live" / "recordings")
    assert env["LIVE_CONTROL_URL"] == "http://127.0.0.1:8936/control"
    # One secret per var dir, kept across restarts (URLs handed out stay valid), private.
    assert len(env["LIVE_HLS_SECRET"]) >= 40
    again = liveingest.LiveIngest(tmp_path, hook_base_url="http://127.0.0.1:8000")
    assert again.hls_secret == env["LIVE_HLS_SECRET"]
    assert (tmp_path / "live" / "hls.secret").stat().st_mode & 0o077 == 0
    given = liveingest.LiveIngest(tmp_path, hook_base_url="http://127.0.0.1:8000", hls_secret="given")
    assert given.env()["LIVE_HLS_SECRET"] == "given"
