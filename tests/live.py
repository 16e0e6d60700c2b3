"""A real server for tests that need one: uvicorn in a subprocess, on the test database.

It runs the production layout (scripts/webserver.py, ADR 0016): HTTP on a pool of threads with
persistent database connections, WebSockets through Channels.

The server is a separate process: it sees only committed data (the session fixtures'
tenants and users). Host names are sent explicitly, so no DNS is involved.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import IO

import httpx
from django.conf import settings

REPO = Path(__file__).resolve().parents[1]


@dataclass
class LiveServer:
    port: int

    def url(self, host: str, path: str = "/", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    def connect(self) -> socket.socket:
        """A TCP connection to the server, whatever host name the request will carry."""
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)

    def http(self, host: str) -> httpx.Client:
        return httpx.Client(
            base_url=f"http://127.0.0.1:{self.port}", headers={"Host": f"{host}:{self.port}"}, timeout=10
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url_of_test_db() -> str:
    db = settings.DATABASES["default"]
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_server(
    *,
    extra_env: dict[str, str] | None = None,
    workers: int = 1,
    output: IO[bytes] | None = None,
    timeout: float = 60,  # a loaded CI machine imports Django slowly
) -> tuple[subprocess.Popen[bytes], int]:
    """uvicorn on a free port; ``output``: a file for its stdout and stderr (its log lines)."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "partycloud.settings.test",
        "DATABASE_URL": database_url_of_test_db(),
        "PYTHONPATH": f"{REPO}:{REPO / 'platform'}",
        **(extra_env or {}),
    }
    # Persistent connections as in production (the test settings turn them off in-process).
    env.setdefault("DATABASE_CONN_MAX_AGE", "60")
    command = load_script("webserver").command(
        sys.executable, host="127.0.0.1", port=port, processes=workers, extra=["--log-level", "warning"]
    )
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=output)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process, port
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"uvicorn did not answer /healthz within {timeout:.0f} s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def load_script(name: str) -> ModuleType:
    """A module of scripts/ (not a package), loaded once: devservices finds ``liveingest`` in
    ``sys.modules``."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
