"""Uploading a 200 MB video: straight to S3 with presigned multipart vs through the app server.

Separate processes: a moto S3 server, and a uvicorn app server (one worker) started twice,
once with S3 configured and once with the filesystem backend. The client in this process
runs the same upload protocol against both (POST /api/v1/uploads, PUT the parts to the
signed URLs, complete), so the only difference is who receives the bytes:

  (a) direct   the browser PUTs parts to S3; the app server only signs URLs and verifies
  (b) proxied  the parts go to the app server (the filesystem backend's part view)
  (c) proxied  one 200 MB form POST to the filesystem backend's upload view

For each: the APP SERVER PROCESS's CPU time (utime + stime from /proc/<pid>/stat) and the
wall time, then the ratios. Under ASGI, Django spools each request body to a temporary
file before the view runs, so a proxied byte is written twice on the app server.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from support import REPO, bench_database, unified_code

SIZE = int(os.environ.get("BENCH_UPLOAD_MB", "200")) * 1024 * 1024
PURPOSE = "bench.video"
BUCKET_PREFIX = "pcbench"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- app server side


def asgi_app() -> Any:
    """The app server's entry point (``uvicorn --factory bench_upload:asgi_app``): the
    platform with the benchmark's upload purpose registered."""
    from partycloud.asgi import application
    from partycloud.uploads.purposes import Purpose, register_purpose
    from services.storage import DataClass

    register_purpose(Purpose(PURPOSE, DataClass.MEDIA, "video", frozenset({"video/mp4"}), 4 * SIZE))
    return application


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer within 60 s")


@contextmanager
def running(
    command: list[str], env: dict[str, str], probe: str, what: str, *, quiet: bool = False
) -> Iterator[subprocess.Popen[bytes]]:
    output = subprocess.DEVNULL if quiet else None
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=output)
    try:
        wait_for(probe, process, what)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@dataclass
class Measure:
    label: str
    cpu: float
    wall: float

    def line(self) -> str:
        rate = SIZE / 1024 / 1024 / self.wall
        return f"{self.label:58s} app CPU {self.cpu:6.2f} s   wall {self.wall:6.2f} s   ({rate:5.0f} MB/s)"


@contextmanager
def measured(label: str, pid: int, results: list[Measure]) -> Iterator[None]:
    cpu, wall = cpu_seconds(pid), time.perf_counter()
    yield
    results.append(Measure(label, cpu_seconds(pid) - cpu, time.perf_counter() - wall))


# --------------------------------------------------------------------------- client side


def make_video(path: Path) -> None:
    """SIZE bytes that sniff as MP4 (an ftyp box), the rest incompressible."""
    block = os.urandom(1024 * 1024)
    with open(path, "wb") as file:
        head = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
        file.write(head + block[len(head) :])
        for _ in range(SIZE // len(block) - 1):
            file.write(block)
        file.write(block[: SIZE % len(block)])


def upload_in_parts(api: httpx.Client, browser: httpx.Client, video: Path) -> dict[str, Any]:
    """What the browser does: start, get part URLs, PUT each part, complete."""
    started = api.post(
        "/api/v1/uploads",
        json={"purpose": PURPOSE, "filename": "党课.mp4", "content_type": "video/mp4", "size": SIZE},
    )
    started.raise_for_status()
    body = started.json()
    assert body["method"] == "multipart", body
    part_size, part_count = body["multipart"]["part_size"], body["multipart"]["part_count"]
    urls = api.post(f"/api/v1/uploads/{body['id']}/parts", json={"part_numbers": list(range(1, part_count + 1))})
    urls.raise_for_status()
    parts = []
    with open(video, "rb") as file:
        for part in urls.json()["parts"]:
            file.seek((part["part_number"] - 1) * part_size)
            response = browser.put(part["url"], content=file.read(part_size))
            response.raise_for_status()
            parts.append({"part_number": part["part_number"], "etag": response.headers["ETag"]})
    done = api.post(f"/api/v1/uploads/{body['id']}/complete", json={"parts": parts}, timeout=300)
    done.raise_for_status()
    result: dict[str, Any] = done.json()
    assert (result["status"], result["size"]) == ("verified", SIZE), result
    return result


def warm_up(api: httpx.Client) -> None:
    """Load the code paths once (first-request imports, URL resolving) before measuring."""
    started = api.post(
        "/api/v1/uploads",
        json={"purpose": PURPOSE, "filename": "warm.mp4", "content_type": "video/mp4", "size": SIZE},
    )
    started.raise_for_status()
    upload = started.json()["id"]
    api.post(f"/api/v1/uploads/{upload}/parts", json={"part_numbers": [1]}).raise_for_status()
    api.get(f"/api/v1/uploads/{upload}/parts").raise_for_status()
    api.delete(f"/api/v1/uploads/{upload}").raise_for_status()


def main() -> None:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    os.environ["S3_BUCKET_PREFIX"] = BUCKET_PREFIX
    scratch = Path(tempfile.mkdtemp(prefix="partycloud-bench-upload-"))
    try:
        video = scratch / "video.mp4"
        make_video(video)
        with bench_database("upload") as database_url:
            run(database_url, scratch, video)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(database_url: str, scratch: Path, video: Path) -> None:
    from rest_framework_simplejwt.tokens import RefreshToken

    from partycloud.accounts.models import User
    from partycloud.tenancy.services import CommitteeDraft, do_provision_tenant
    from services.storage.base import DataClass
    from services.storage.filesystem import FilesystemStorage
    from services.storage.s3 import S3Storage

    admin = User.objects.create_user("13700000001", "bench-pass-2026", name="基准管理员")
    tenant = do_provision_tenant(
        CommitteeDraft(name="基准公司党委", short_name="基准", slug="bench", unified_code=unified_code(1)),
        first_admin=admin,
    )
    token = str(RefreshToken.for_user(admin).access_token)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "partycloud.settings",
        "DJANGO_DEBUG": "0",
        "API_THROTTLE_USER": "1000000/min",
        "PYTHONPATH": f"{REPO}:{REPO / 'platform'}:{REPO / 'bench'}",
        "S3_BUCKET_PREFIX": BUCKET_PREFIX,
        "S3_ACCESS_KEY": "bench",
        "S3_SECRET_KEY": "bench-secret",
        "STORAGE_ROOT": str(scratch / "objects"),
    }
    s3_port, app_port = free_port(), free_port()
    s3_url = f"http://127.0.0.1:{s3_port}"
    moto = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)]
    app = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "bench_upload:asgi_app",
        "--port",
        str(app_port),
        "--lifespan",
        "off",
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    host = f"{tenant.primary_host}:{app_port}"
    app_base = f"http://127.0.0.1:{app_port}"
    results: list[Measure] = []
    env["PYTHONWARNINGS"] = "ignore"
    with running(moto, env, s3_url, "moto", quiet=True):
        S3Storage(s3_url, access_key="bench", secret_key="bench-secret", region="us-east-1").ensure_buckets()
        with (
            running(app, {**env, "S3_ENDPOINT": s3_url}, f"{app_base}/healthz", "app server (S3)") as server,
            httpx.Client(
                base_url=app_base, headers={"Host": host, "Authorization": f"Bearer {token}"}, timeout=60
            ) as api,
            httpx.Client(timeout=120) as browser,
        ):
            warm_up(api)
            with measured("(a) direct to S3, presigned multipart (app signs only)", server.pid, results):
                upload_in_parts(api, browser, video)

        with (
            running(app, {**env, "S3_ENDPOINT": ""}, f"{app_base}/healthz", "app server (filesystem)") as server,
            httpx.Client(
                base_url=app_base, headers={"Host": host, "Authorization": f"Bearer {token}"}, timeout=60
            ) as api,
            httpx.Client(base_url=app_base, headers={"Host": host}, timeout=120) as browser,
        ):
            warm_up(api)
            with measured("(b) proxied: parts PUT to the app server (filesystem)", server.pid, results):
                upload_in_parts(api, browser, video)
            storage = FilesystemStorage(scratch / "objects")
            target = f"t/{tenant.schema_name}/video/bench-form-post"
            post = storage.presign_post(DataClass.MEDIA, target, content_type="video/mp4", max_size=SIZE)
            with measured("(c) proxied: one form POST to the app server's upload view", server.pid, results):
                with open(video, "rb") as file:
                    response = browser.post(post.url, data=post.fields, files={"file": ("v.mp4", file, "video/mp4")})
                assert response.status_code == 204, response.text
            stored = storage.stat(DataClass.MEDIA, target)
            assert stored is not None
            assert stored.size == SIZE

    print(f"upload of {SIZE // 1024 // 1024} MB, app server = one uvicorn worker, S3 = moto (separate process)")
    for result in results:
        print(result.line())
    direct = results[0]
    for result in results[1:]:
        name = result.label.split(":")[0]
        print(
            f"ratio {name} / (a) direct: app CPU {result.cpu / max(direct.cpu, 0.01):5.1f}x, "
            f"wall {result.wall / direct.wall:4.2f}x"
        )


if __name__ == "__main__":
    main()
