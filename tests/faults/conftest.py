"""Fault drills: real Redis, PostgreSQL, object-store and app-server processes, stopped and started.

Never the machine's own PostgreSQL (5432) or Redis (6379): every drill starts servers of its own
on free ports from the system binaries (as scripts/devservices.py does) and an app server
(``start_app``, the one place that knows how, so the production layout can be swapped in) whose
environment points at them. The app's log goes to a file the test reads (``App.log``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.live import free_port, start_server, stop_server

PG_BIN = Path("/usr/lib/postgresql/15/bin")
START_TIMEOUT = 30.0


def wait_for(check: Callable[[], bool], *, timeout: float = START_TIMEOUT, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


# ---------------------------------------------------------------------------- Redis


class ServerProcess:
    """A server we start as a child process on ``self.port``; ``stop`` waits until the port is closed."""

    name = "server"
    port: int
    process: subprocess.Popen[bytes] | None = None

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        self.process.wait(timeout=15)
        self.process = None
        wait_for(lambda: not port_open(self.port), what=f"{self.name} to close its port")


class RedisServer(ServerProcess):
    """A redis-server of our own. With the append-only file on, as a broker must run in production
    (docs/deploy.md): queued tasks survive a restart."""

    name = "redis"

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.directory)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self.answers, what=f"redis on {self.port}")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"*1\r\n$4\r\nPING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    directory = Path(tempfile.mkdtemp(prefix="faults-redis-"))
    server = RedisServer(directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


# ---------------------------------------------------------------------------- PostgreSQL


def as_postgres() -> list[str]:
    """PostgreSQL refuses to run as root: its binaries run as the postgres user then."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


class PostgresCluster:
    """A PostgreSQL cluster of our own (initdb, pg_ctl) on a free port."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        self.directory.chmod(0o755)
        self.data.mkdir(mode=0o700)
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres", "postgres")
            shutil.chown(self.directory, "postgres", "postgres")
        command = [*as_postgres(), str(PG_BIN / "initdb"), "-D", str(self.data), "--auth=trust", "--username=postgres"]
        subprocess.run([*command, "--encoding=UTF8", "--locale=C.UTF-8"], check=True, capture_output=True)

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off"
        command = [*as_postgres(), str(PG_BIN / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(self.data)]
        subprocess.run([*command, "-o", options, "-l", str(self.directory / "log")], check=True, capture_output=True)

    def stop(self, mode: str = "fast") -> None:
        command = [*as_postgres(), str(PG_BIN / "pg_ctl"), "stop", "-w", "-t", "60", "-m", mode, "-D", str(self.data)]
        subprocess.run(command, check=True, capture_output=True)

    def load(self, source_url: str, database: str) -> None:
        """A copy of ``source_url``'s database (pg_dump piped into psql)."""
        subprocess.run(
            [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", database], check=True
        )
        dump = subprocess.Popen([str(PG_BIN / "pg_dump"), "--no-owner", "-d", source_url], stdout=subprocess.PIPE)
        restore = subprocess.run(
            [str(PG_BIN / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", self.url(database)],
            stdin=dump.stdout,
            stdout=subprocess.DEVNULL,
            check=False,
        )
        assert dump.wait() == 0, "pg_dump of the test database failed"
        assert restore.returncode == 0, "loading the test database into our cluster failed"


@pytest.fixture(scope="module")
def postgres_cluster() -> Iterator[PostgresCluster]:
    # Not under /tmp/pytest-of-root (0700): the postgres user must reach the data directory.
    directory = Path(tempfile.mkdtemp(prefix="faults-pg-", dir="/var/tmp"))
    cluster = PostgresCluster(directory)
    cluster.init()
    cluster.start()
    try:
        yield cluster
    finally:
        subprocess.run(
            [*as_postgres(), str(PG_BIN / "pg_ctl"), "stop", "-m", "immediate", "-D", str(cluster.data)],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(directory, ignore_errors=True)


# ---------------------------------------------------------------------------- object store


class MotoServer(ServerProcess):
    """The S3 stand-in (moto's server) in a process of its own, so that it can be stopped. A
    restarted moto is empty: ``start`` is followed by ``ensure_buckets`` in the tests."""

    name = "moto"

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: port_open(self.port), what=f"moto on {self.port}")


@pytest.fixture(scope="module")
def moto_server() -> Iterator[MotoServer]:
    server = MotoServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


# ---------------------------------------------------------------------------- the app


@dataclass
class App:
    port: int
    log_path: Path
    process: subprocess.Popen[bytes]

    def http(self, host: str) -> httpx.Client:
        return httpx.Client(
            base_url=f"http://127.0.0.1:{self.port}", headers={"Host": f"{host}:{self.port}"}, timeout=30
        )

    def ws_url(self, host: str, path: str) -> str:
        return f"ws://{host}:{self.port}{path}"

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def start_app(env: dict[str, str]) -> Iterator[App]:
    """The app server on the test database unless ``env`` says otherwise (DATABASE_URL, REDIS_URL,
    S3_ENDPOINT…). The one place that starts it: switch the layout here."""
    log_path = Path(tempfile.mkstemp(prefix="faults-app-", suffix=".log")[1])
    with log_path.open("wb") as output:
        # The machine is shared by busy neighbours: give the app time to import Django.
        process, port = start_server(extra_env={"PYTHONUNBUFFERED": "1", **env}, output=output, timeout=120)
    try:
        yield App(port, log_path, process)
    finally:
        stop_server(process)
        log_path.unlink(missing_ok=True)


# ---------------------------------------------------------------------------- load


@dataclass
class Load:
    """Requests sent by a few threads until stopped: every answer is counted, odd ones kept."""

    send: Callable[[int], httpx.Response]
    threads: int = 4
    statuses: Counter[int] = field(default_factory=Counter)
    odd: list[tuple[int, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _workers: list[threading.Thread] = field(default_factory=list)

    def _run(self, index: int) -> None:
        sent = 0
        while not self._stop.is_set():
            try:
                response = self.send(index * 1_000_000 + sent)
            except httpx.HTTPError as error:
                self.errors.append(f"{type(error).__name__}: {error}")
                continue
            finally:
                sent += 1
            self.statuses[response.status_code] += 1
            if response.status_code >= 300:
                self.odd.append((response.status_code, response.text[:300]))

    def __enter__(self) -> Load:
        self._workers = [
            threading.Thread(target=self._run, args=(index,), daemon=True) for index in range(self.threads)
        ]
        for worker in self._workers:
            worker.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=60)

    def total(self) -> int:
        return sum(self.statuses.values())
