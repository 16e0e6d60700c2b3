"""Real Celery workers for the fault tests: ``celery -A partycloud worker`` in a process group of
its own (the pool's children and their ffmpeg die with it), on the test database, consuming a
queue of its own (the Redis server is shared with other runs).

A worker started with ``pause_at`` stops its task at that pause point (services.tasks.pause) and
``wait_paused`` returns once it stands there; ``kill`` is SIGKILL to the whole group: no graceful
shutdown, no ack, the message stays unacked in Redis until ``VISIBILITY_TIMEOUT`` has passed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from tests.live import REPO, database_url_of_test_db

# Small, so a killed worker's task comes back within seconds (production: 5 h, settings/base.py).
VISIBILITY_TIMEOUT = 2


@dataclass
class Worker:
    queue: str
    process: subprocess.Popen[bytes]
    marker: Path | None = None
    log: Path = field(default_factory=Path)

    def running(self) -> bool:
        return self.process.poll() is None

    def wait_paused(self, timeout: float = 60) -> None:
        """Until the task reached its pause point (the worker wrote the marker)."""
        assert self.marker is not None, "this worker has no pause point"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.marker.exists():
                return
            if not self.running():
                raise AssertionError(f"the worker exited with {self.process.returncode}: {self.tail()}")
            time.sleep(0.05)
        raise AssertionError(f"the task did not reach its pause point in {timeout} s: {self.tail()}")

    def kill(self) -> None:
        """SIGKILL to the worker and its pool (what the OOM killer or a node loss does)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self, characters: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-characters:] if self.log.exists() else ""


def worker_env(queue: str, *, pause_at: str = "", marker: Path | None = None) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        "DATABASE_URL": database_url_of_test_db(),
        "PYTHONPATH": f"{REPO}:{REPO / 'platform'}",
        "TEST_STORAGE_ROOT": str(settings.STORAGE_ROOT),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_VISIBILITY_TIMEOUT_SECONDS": str(VISIBILITY_TIMEOUT),
        "CELERY_UNACKED_RESTORE_INTERVAL_SECONDS": "1",
        "TASK_PAUSE_AT": pause_at,
        "TASK_PAUSE_MARKER": str(marker or ""),
    }


def start_worker(queue: str, log_dir: Path, *, pause_at: str = "", concurrency: int = 1) -> Worker:
    """A worker as production runs it (prefork pool), consuming ``queue``; it is ready once it
    answers a ping."""
    marker = log_dir / f"paused-{uuid.uuid4().hex[:8]}" if pause_at else None
    log = log_dir / f"worker-{uuid.uuid4().hex[:8]}.log"
    command = [sys.executable, "-m", "celery", "-A", "partycloud", "worker", "-Q", queue]
    command += ["--concurrency", str(concurrency), "--loglevel", "INFO", "--without-gossip", "--without-mingle"]
    command += ["--hostname", f"{queue}-{uuid.uuid4().hex[:6]}@%h"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=REPO, env=worker_env(queue, pause_at=pause_at, marker=marker),
            stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    worker = Worker(queue, process, marker, log)
    wait_ready(worker)
    return worker


def wait_ready(worker: Worker, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not worker.running():
            raise AssertionError(f"the worker exited with {worker.process.returncode}: {worker.tail()}")
        if "ready." in worker.tail():
            return
        time.sleep(0.1)
    worker.kill()
    raise AssertionError(f"the worker was not ready in {timeout} s: {worker.tail()}")


def new_queue() -> str:
    return f"faults-{uuid.uuid4().hex[:8]}"


def wait_until(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout} s")
