"""The embedded live-video ingest for `make run` and tests: an nginx with the RTMP module.

Encoders (OBS, ffmpeg) push RTMP to `rtmp://127.0.0.1:<rtmp port>/live/<stream key>`.
nginx asks the platform whether the key may publish (`on_publish`, a form POST
to the root host; a 3xx renames the stream to the lesson's playback name, 403
refuses) and tells it when the stream ends (`on_publish_done`). The stream is
recorded whole to `<var>/live/recordings/<playback name>-<unix time>.flv` and
relayed to the `hls` application, which cuts it into HLS under
`<var>/live/hls/<playback name>/index.m3u8`; the HTTP side serves that only under
signed paths (`LIVE_HLS_BASE_URL`/<token>/<expires>/<name>/index.m3u8, nginx
secure_link with `LIVE_HLS_SECRET`). A loopback control port (`LIVE_CONTROL_URL`)
lets the platform drop a publisher.

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
import secrets
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
# The relayed application that cuts HLS under the playback name (see the config).
HLS_APPLICATION = "hls"
DEFAULT_RTMP_PORT = 1935
DEFAULT_HTTP_PORT = 8935
DEFAULT_CONTROL_PORT = 8936
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
        control_port: int = DEFAULT_CONTROL_PORT,
        hook_secret: str = "",
        hls_secret: str = "",
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
        self.control_port = control_port
        self.hook_secret = hook_secret
        self.hls_secret = hls_secret or self.stored_hls_secret()
        self.base_domain = base_domain
        self.site_port = site_port
        self.process: subprocess.Popen[bytes] | None = None

    # What the platform's processes get.

    @property
    def rtmp_url(self) -> str:
        return f"rtmp://{LOCALHOST}:{self.rtmp_port}/{APPLICATION}"

    @property
    def hls_base_url(self) -> str:
        return f"http://{LOCALHOST}:{self.http_port}/shls"

    @property
    def control_url(self) -> str:
        return f"http://{LOCALHOST}:{self.control_port}/control"

    def env(self) -> dict[str, str]:
        return {
            "LIVE_RTMP_URL": self.rtmp_url,
            "LIVE_HLS_BASE_URL": self.hls_base_url,
            "LIVE_HLS_SECRET": self.hls_secret,
            "LIVE_RECORDINGS_DIR": str(self.recordings_dir),
            "LIVE_HLS_DIR": str(self.hls_dir),
            "LIVE_CONTROL_URL": self.control_url,
        }

    def stored_hls_secret(self) -> str:
        """The signing secret of the HLS URLs, generated once per var dir (kept across restarts,
        so URLs handed out before a restart stay valid until they expire)."""
        path = self.root / "hls.secret"
        with contextlib.suppress(OSError):
            secret = path.read_text().strip()
            if secret:
                return secret
        secret = secrets.token_urlsafe(32)
        self.root.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secret + "\n")
        return secret

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
            # The platform answers a 3xx whose Location is the lesson's playback name: the stream
            # (the recording, the relay below, the control API) goes on under that name. The
            # HLS module runs before the redirect, so HLS is cut in the relayed application.
            on_publish {self.hook_url("on_publish")};
            on_publish_done {self.hook_url("on_publish_done")};
            push rtmp://{LOCALHOST}:{self.rtmp_port}/{HLS_APPLICATION};

            record all;
            record_path {self.recordings_dir};
            record_unique on;
        }}

        # Only the relay above publishes here (the hook allows a playback name whose lesson is
        # being published, once); the HLS folders are named after the playback name.
        application {HLS_APPLICATION} {{
            live on;
            deny play all;
            allow publish {LOCALHOST};
            deny publish all;
            notify_method post;
            on_publish {self.hook_url("on_publish")};

            hls on;
            hls_path {self.hls_dir};
            hls_nested on;
            hls_fragment 2s;
            hls_playlist_length 20s;
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

        # Signed playback only: /shls/<token>/<expires>/<playback name>/<file>, the token the
        # base64url MD5 of "<expires>/<playback name> <secret>" (tenants.live.playback). The token
        # is in the path, so the playlist's relative segment URLs carry it too.
        location ~ "^/shls/(?<st_token>[A-Za-z0-9_-]{{22}})/(?<st_expires>[0-9]{{1,12}})/(?<st_name>[A-Za-z0-9_-]{{1,100}})/(?<st_file>[A-Za-z0-9_-]{{1,100}}\\.(m3u8|ts))$" {{
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
            secure_link $st_token,$st_expires;
            secure_link_md5 "$st_expires/$st_name {self.hls_secret}";
            if ($secure_link = "") {{
                return 403;
            }}
            if ($secure_link = "0") {{
                return 410;
            }}
            alias {self.hls_dir}/$st_name/$st_file;
        }}

        location / {{
            return 404;
        }}
    }}

    # The RTMP control API (drop a publisher whose key was rotated), for the platform only.
    server {{
        listen {LOCALHOST}:{self.control_port};
        location /control {{
            rtmp_control all;
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
        self.ports_file.write_text(f"{self.rtmp_port} {self.http_port} {self.control_port}\n")

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
                self.rtmp_port, self.http_port, self.control_port = (
                    int(word) for word in self.ports_file.read_text().split()[:3]
                )
            return pid
        with contextlib.suppress(FileNotFoundError):
            self.pid_file.unlink()
        return None

    def ready(self) -> bool:
        return all(port_accepts(port) for port in (self.rtmp_port, self.http_port, self.control_port))

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
