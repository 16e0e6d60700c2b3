#!/usr/bin/env python3
"""Run PartyCloud on one machine: what `make run` starts, under scripts/devservices.py.

Prepares the database (`bootstrap_platform`, then `seed_demo --if-empty`), then
runs the web server (the production layout of scripts/webserver.py: uvicorn with
WEB_CONCURRENCY worker processes on one port, HTTP on WEB_THREADS threads in each,
WebSockets through Channels), a Celery worker and Celery beat side by side, each in a
process group of its own. Ctrl-C or SIGTERM stops them all and exits 0 (a second
Ctrl-C stops them at once); when one of them dies on its own, the others are
stopped and we exit 1.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import webserver  # scripts/ is on sys.path: this file runs as a script

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PYTHON_ROOTS = (".", "platform")  # see ARCHITECTURE.md: `platform/` is a folder, not a package
GRACE_PERIOD = 10.0  # seconds between SIGTERM and SIGKILL
POLL_INTERVAL = 0.2


def log(message: str) -> None:
    print(f"run: {message}", file=sys.stderr, flush=True)


class StopRequests:
    """Counts Ctrl-C and SIGTERM: the first asks for a graceful stop, the next for an immediate one."""

    def __init__(self) -> None:
        self.count = 0
        signal.signal(signal.SIGINT, self.on_signal)
        signal.signal(signal.SIGTERM, self.on_signal)

    def on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.count += 1


class Child:
    """A process in a process group of its own: signals reach all of it, and only it."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, start_new_session=True)

    def running(self) -> bool:
        return self.process.poll() is None

    def signal_group(self, signum: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)


def development_vapid_keys(env: dict[str, str]) -> None:
    """Web Push needs a VAPID key pair; unless the environment has one, keep a development pair
    under var/ (the same across restarts, so phones' subscriptions stay valid)."""
    if env.get("VAPID_PRIVATE_KEY"):
        return
    path = ROOT / "var" / "vapid-dev.env"
    if not path.exists():
        result = subprocess.run(
            manage("generate_vapid_keys"), cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True
        )
        if result.returncode != 0:
            log(f"no development VAPID keys (push stays off): {result.stderr.strip()[-300:]}")
            return
        path.parent.mkdir(exist_ok=True)
        path.write_text(result.stdout)
        path.chmod(0o600)
        log(f"generated development VAPID keys in {path.relative_to(ROOT)}")
    for line in path.read_text().splitlines():
        name, _, value = line.partition("=")
        if name and value:
            env.setdefault(name.strip(), value.strip())


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "partycloud.settings")
    paths = [path for path in env.get("PYTHONPATH", "").split(os.pathsep) if path]
    env["PYTHONPATH"] = os.pathsep.join([*(root for root in PYTHON_ROOTS if root not in paths), *paths])
    development_vapid_keys(env)
    return env


def wait_any(children: list[Child], stops: StopRequests, *, tick: Callable[[], None] = lambda: None) -> Child | None:
    """The first child to exit, or None when a stop is requested first."""
    while not stops.count:
        for child in children:
            if not child.running():
                return child
        tick()
        time.sleep(POLL_INTERVAL)
    return None


def stop_children(children: list[Child], stops: StopRequests) -> None:
    """SIGTERM every child's group; SIGKILL those still running after the grace period or another stop request."""
    for child in children:
        child.signal_group(signal.SIGTERM)
    requests = stops.count
    deadline = time.monotonic() + GRACE_PERIOD
    while any(child.running() for child in children) and time.monotonic() < deadline and stops.count == requests:
        time.sleep(POLL_INTERVAL / 2)
    for child in children:
        if child.running():
            log(f"killing {child.name}")
            child.signal_group(signal.SIGKILL)
            child.process.wait()


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        return f"was killed by {signal.Signals(-returncode).name}"
    return f"exited with code {returncode}"


def manage(*args: str) -> list[str]:
    return [sys.executable, "manage.py", *args]


def run_steps(steps: list[list[str]], env: dict[str, str], stops: StopRequests) -> int | None:
    """Run the preparation steps in turn; the exit code to stop with, or None when all succeeded."""
    for command in steps:
        step = Child(" ".join(command[1:]), command, env)
        log(step.name)
        if wait_any([step], stops) is None:
            log(f"stopping {step.name}")
            stop_children([step], stops)
            return 0
        if step.process.returncode != 0:
            log(f"{step.name} failed: it {describe_exit(step.process.returncode)}")
            return 1
    return None


def tenant_lines(env: dict[str, str]) -> list[str]:
    """The `slug url name` lines of `manage.py list_tenant_urls`, laid out for the banner."""
    result = subprocess.run(
        manage("list_tenant_urls"), cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    if result.returncode != 0:
        log(f"manage.py list_tenant_urls failed: it {describe_exit(result.returncode)}\n{result.stderr.strip()}")
        return []
    rows = [line.split(maxsplit=2) for line in result.stdout.splitlines() if line.strip()]
    width = max((len(row[0]) for row in rows), default=0)
    return [f"  {row[0]:<{width}}  {'  '.join(row[1:])}" for row in rows]


def port_accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def main() -> int:
    stops = StopRequests()
    env = child_env()
    port = int(env.get("PORT", "8000"))
    (ROOT / "var").mkdir(exist_ok=True)

    failed = run_steps([manage("bootstrap_platform"), manage("seed_demo", "--if-empty")], env, stops)
    if failed is not None:
        return failed
    banner = [f"PartyCloud is running: http://localhost:{port}", *tenant_lines(env), "Press Ctrl-C to stop."]
    if stops.count:
        return 0

    if port_accepts(port):
        log(f"port {port} is already in use: stop what uses it, or set PORT")
        return 1
    web = webserver.command(sys.executable, host="0.0.0.0", port=port, processes=webserver.workers(env))  # noqa: S104
    celery = [str(VENV_BIN / "celery"), "-A", "partycloud"]
    commands = {
        "web": web,
        "celery worker": [*celery, "worker", "--loglevel=INFO", "--concurrency=2"],
        "celery beat": [*celery, "beat", "--loglevel=INFO", "--schedule", "var/celerybeat-schedule"],
    }
    children = [Child(name, command, env) for name, command in commands.items()]

    announced = False

    def announce_once_listening() -> None:
        nonlocal announced
        if not announced and port_accepts(port):
            print("\n" + "\n".join(banner) + "\n", flush=True)
            announced = True

    died = wait_any(children, stops, tick=announce_once_listening)
    if died is None:
        log("stopping")
        stop_children(children, stops)
        return 0
    log(f"{died.name} {describe_exit(died.process.returncode)} unexpectedly; stopping the others")
    stop_children(children, stops)
    return 1


if __name__ == "__main__":
    sys.exit(main())
