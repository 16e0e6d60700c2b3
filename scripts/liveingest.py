"""The embedded live-video ingest for `make run` and tests: an nginx with the RTMP module.

Encoders (OBS, ffmpeg) push RTMP to `rtmp://127.0.0.1:<rtmp port>/live/<stream key>`.
nginx asks the platform whether the key may publish (`on_publish`, a form POST
to the root host; 2xx lets it in, 403 refuses) and tells it when the stream ends
(`on_publish_done`). A published stream is cut into HLS under
`<var>/live/hls/<key>/index.m3u8`, served over HTTP at `LIVE_HLS_BASE_URL`, and
recorded whole to `<var>/live/recordings/<key>-<unix time>.flv`.

The nginx runs with its own prefix and config under `<var>/live/nginx`, not as
the machine's service. Where nginx or Debian's libnginx-mod-rtmp is missing,
live video is simply not configured (LIVE_RTMP_URL stays empty).

Used by scripts/devservices.py (`--for run`) and tests/test_live_ingest.py.
Standard library only.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

LOCALHOST = "127.0.0.1"
APPLICATION = "live"
DEFAULT_RTMP_PORT = 1935
DEFAULT_HTTP_PORT = 8935
START_TIMEOUT = 15.0
STOP_TIMEOUT = 15.0
HOOK_PATHS = {"on_publish": "/api/v1/live/hooks/on-publish", "on_publish_done": "/api/v1/live/hooks/on-publish-done"}
# Debian's snippet loads `modules/...` relative to the prefix, which fails under our own -p.
MODULE_PATHS = (Path("/usr/lib/nginx/modules/ngx_rtmp_module.so"), Path("/usr/lib64/nginx/modules/ngx_rtmp_module.so"))
NGINX_PATHS = (Path("/usr/sbin/nginx"), Path("/usr/local/sbin/nginx"))
WORKER_USER = "nobody"


class LiveIngestError(Exception):
    """The ingest could not start; the message says why."""


@dataclass(frozen=True)
class NginxRtmp:
    binary: Path
    module: Path

    @classmethod
    def find(cls) -> NginxRtmp | None:
        """The nginx binary and the RTMP module, or None when either is missing."""
        on_path = shutil.which("nginx")
        binaries = [Path(on_path)] if on_path else []
        binary = next((path for path in [*binaries, *NGINX_PATHS] if os.access(path, os.X_OK)), None)
        module = next((path for path in MODULE_PATHS if path.is_file()), None)
        if binary is None or module is None:
            return None
        return cls(binary, module)


def missing_reason() -> str:
    return "live video is not configured: install nginx and libnginx-mod-rtmp (apt) for the embedded RTMP ingest"


def port_accepts(port: int, host: str = LOCALHOST) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOCALHOST, 0))
        port: int = sock.getsockname()[1]
        return port


def preferred_port(port: int) -> int:
    """`port` when nothing listens there, else any free one."""
    return free_port() if port_accepts(port) else port


def process_alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError, IndexError):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    return True


def wait_until(check: Callable[[], bool], *, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def cors_origin_pattern(base_domain: str, site_port: int) -> str:
    """A PCRE for the site's origins: the root host, its tenants' subdomains and 127.0.0.1, on the site's port."""
    domain = base_domain.replace(".", r"\.")
    port = f":{site_port}" if site_port not in (80, 443, 0) else ""
    return rf"^https?://(([a-z0-9-]+\.)*{domain}|127\.0\.0\.1){port}$"


class LiveIngest:
    """Our nginx-rtmp, kept under `<var>/live`."""

    label = "nginx-rtmp (live video)"

    def __init__(
        self,
        var_dir: Path,
        *,
        hook_base_url: str,
        rtmp_port: int = DEFAULT_RTMP_PORT,
        http_port: int = DEFAULT_HTTP_PORT,
        hook_secret: str = "",
        base_domain: str = "localhost",
        site_port: int = 8000,
    ) -> None:
        self.root = var_dir / "live"
        self.home = self.root / "nginx"
        self.hls_dir = self.root / "hls"
        self.recordings_dir = self.root / "recordings"
        self.conf_file = self.home / "nginx.conf"
        self.pid_file = self.home / "nginx.pid"
        self.ports_file = self.home / "ports"
        self.log_file = self.home / "error.log"
        self.hook_base_url = hook_base_url.rstrip("/")
        self.rtmp_port = rtmp_port
        self.http_port = http_port
        self.hook_secret = hook_secret
        self.base_domain = base_domain
        self.site_port = site_port
        self.process: subprocess.Popen[bytes] | None = None

    # What the platform's processes get.

    @property
    def rtmp_url(self) -> str:
        return f"rtmp://{LOCALHOST}:{self.rtmp_port}/{APPLICATION}"

    @property
    def hls_base_url(self) -> str:
        return f"http://{LOCALHOST}:{self.http_port}/hls"

    def env(self) -> dict[str, str]:
        return {"LIVE_RTMP_URL": self.rtmp_url, "LIVE_HLS_BASE_URL": self.hls_base_url}

    @property
    def where(self) -> str:
        return f"rtmp {LOCALHOST}:{self.rtmp_port}, hls {self.hls_base_url} ({self.root})"

    # Config.

    def hook_url(self, call: str) -> str:
        url = self.hook_base_url + HOOK_PATHS[call]
        if self.hook_secret:
            url += "?" + urllib.parse.urlencode({"secret": self.hook_secret})
        return url

    def worker_user(self) -> pwd.struct_passwd | None:
        """The user of nginx's workers, when we run as root; None runs them as ourselves.

        As root nginx runs its workers as nobody, who must own the output folders and
        be able to reach them. Where it cannot (a var dir under /root or a private
        temporary directory), the workers run as root: this nginx only listens on
        loopback and serves nothing but the HLS folder.
        """
        if os.geteuid() != 0:
            return None
        try:
            worker = pwd.getpwnam(WORKER_USER)
        except KeyError:
            return pwd.getpwuid(0)
        self.root.mkdir(parents=True, exist_ok=True)
        reach = subprocess.run(["runuser", "-u", WORKER_USER, "--", "test", "-x", str(self.root)], check=False)
        return worker if reach.returncode == 0 else pwd.getpwuid(0)

    def config(self, nginx: NginxRtmp, worker: pwd.struct_passwd | None) -> str:
        user_line = f"user {worker.pw_name} {_group_name(worker.pw_gid)};" if worker else ""
        temp = self.home / "tmp"
        temp_paths = "\n".join(
            f"    {kind}_temp_path {temp / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        cors = cors_origin_pattern(self.base_domain, self.site_port)
        return f"""# Written by scripts/liveingest.py at every start: change it there.
load_module {nginx.module};
daemon off;
master_process on;
worker_processes 1;
{user_line}
pid {self.pid_file};
error_log {self.log_file} info;

events {{
    worker_connections 256;
}}

rtmp {{
    server {{
        listen {LOCALHOST}:{self.rtmp_port};
        chunk_size 4096;

        application {APPLICATION} {{
            live on;
            deny play all;
            notify_method post;
            on_publish {self.hook_url("on_publish")};
            on_publish_done {self.hook_url("on_publish_done")};

            hls on;
            hls_path {self.hls_dir};
            hls_nested on;
            hls_fragment 2s;
            hls_playlist_length 20s;

            record all;
            record_path {self.recordings_dir};
            record_unique on;
        }}
    }}
}}

http {{
    access_log off;
    sendfile on;
{temp_paths}
    types {{
        application/vnd.apple.mpegurl m3u8;
        video/mp2t ts;
    }}
    map $http_origin $cors_origin {{
        default "";
        "~{cors}" $http_origin;
    }}

    server {{
        listen {LOCALHOST}:{self.http_port};

        location /hls/ {{
            alias {self.hls_dir}/;
            add_header Cache-Control no-cache always;
            add_header Access-Control-Allow-Origin $cors_origin always;
            add_header Vary Origin always;
            if ($request_method = OPTIONS) {{
                add_header Access-Control-Allow-Origin $cors_origin;
                add_header Access-Control-Allow-Methods "GET, HEAD, OPTIONS";
                add_header Access-Control-Allow-Headers "Range";
                add_header Access-Control-Max-Age 3600;
                return 204;
            }}
        }}
    }}
}}
"""

    def prepare(self, nginx: NginxRtmp) -> None:
        for path in (self.home, self.home / "tmp", self.hls_dir, self.recordings_dir):
            path.mkdir(parents=True, exist_ok=True)
        worker = self.worker_user()
        if worker is not None:
            # The module chowns the HLS folder for its workers, not the recordings one.
            for path in (self.hls_dir, self.recordings_dir, self.home / "tmp"):
                os.chown(path, worker.pw_uid, worker.pw_gid)
        self.conf_file.write_text(self.config(nginx, worker))
        self.ports_file.write_text(f"{self.rtmp_port} {self.http_port}\n")

    def config_current(self, nginx: NginxRtmp) -> bool:
        """Whether the config on disk is the one we would write now (same ports, hooks, secret, origins)."""
        try:
            return self.conf_file.read_text() == self.config(nginx, self.worker_user())
        except OSError:
            return False

    # Lifecycle.

    def command(self, nginx: NginxRtmp, *extra: str) -> list[str]:
        return [str(nginx.binary), "-p", str(self.home), "-c", str(self.conf_file), "-e", str(self.log_file), *extra]

    def running_pid(self) -> int | None:
        """The pid of our nginx if one is up (and our ports set to its ports); stale files are dropped."""
        try:
            pid = int(self.pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        if process_alive(pid) and _program_of(pid) in ("nginx", None):
            with contextlib.suppress(OSError, ValueError):
                self.rtmp_port, self.http_port = (int(word) for word in self.ports_file.read_text().split()[:2])
            return pid
        with contextlib.suppress(FileNotFoundError):
            self.pid_file.unlink()
        return None

    def ready(self) -> bool:
        return port_accepts(self.rtmp_port) and port_accepts(self.http_port)

    def start(self, nginx: NginxRtmp) -> None:
        self.prepare(nginx)
        test = subprocess.run(self.command(nginx, "-t", "-q"), capture_output=True, text=True, check=False)
        if test.returncode != 0:
            raise LiveIngestError(f"nginx rejects {self.conf_file}:\n{(test.stderr or test.stdout).strip()}")
        with (self.home / "nginx.out").open("ab") as output:
            self.process = subprocess.Popen(
                self.command(nginx),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=self.home,
                start_new_session=True,  # away from the terminal's Ctrl-C; we stop it ourselves
            )
        process = self.process
        answered = wait_until(lambda: self.ready() or process.poll() is not None, timeout=START_TIMEOUT)
        if not answered or process.poll() is not None:
            self.stop()
            raise LiveIngestError(f"nginx did not start at {self.where}:\n{_tail(self.log_file)}")

    def stop(self) -> bool:
        """Stop our nginx; whether one was running."""
        pid = self.running_pid()
        if pid is None and self.process is not None and self.process.poll() is None:
            pid = self.process.pid
        if pid is None:
            return False
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGQUIT)  # graceful: lets the recorder close its file
            if not wait_until(lambda: not process_alive(pid), timeout=STOP_TIMEOUT):
                os.kill(pid, signal.SIGKILL)
                wait_until(lambda: not process_alive(pid), timeout=5)
        if self.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=1)
        return True


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def _program_of(pid: int) -> str | None:
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").split()
    except OSError:
        return None
    # nginx renames its master: "nginx: master process /usr/sbin/nginx ...".
    return os.path.basename(words[0].decode(errors="replace")).rstrip(":") if words else None


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no log at {path})"
