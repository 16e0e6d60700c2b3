#!/usr/bin/env python3
"""LocalStack's S3, in a tool environment of its own, for the storage contract tests.

    python scripts/localstack.py install          # build (or reuse) var/tools/localstack, print its python
    python scripts/localstack.py serve --port N   # run S3 on 127.0.0.1:N in the foreground

moto, the tests' default S3, enforces neither POST policies nor URL signatures or expiry.
LocalStack's S3 does (an oversize or wrong-key POST answers 400/403, an expired or tampered
presigned URL 403; it checks presigned signatures only for the secret key ``test``). It is
not in the app's lock: ``localstack-core`` pins old versions of libraries the app uses, and
4.13.1 is its last release running on Python 3.11. It gets a venv under ``var/tools/``,
built once with uv (from its cache after the first time: a few seconds) and rebuilt only
when :data:`REQUIREMENTS` or the Python version change. The venv is built under a lock, so
that parallel test sessions of one checkout build it once.

Standard library only: ``tests/localstack_server.py`` and ``.ci/run`` load this file.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOL_DIR = ROOT / "var" / "tools" / "localstack"
# The pins that work on Python 3.11 (newer cbor2/pyopenssl/cryptography/service_identity break
# localstack-core 4.13.1's runtime imports).
REQUIREMENTS = [
    "localstack-core[runtime]==4.13.1",
    "cbor2<6",
    "pyopenssl<25",
    "cryptography<45",
    "service_identity<25",
]
START_TIMEOUT = 60.0  # seconds; about 5 on an idle 2-core machine
ACCESS_KEY = "test"
SECRET_KEY = "test"  # noqa: S105 (LocalStack verifies presigned signatures for this secret only)
REGION = "us-east-1"


class LocalStackError(Exception):
    pass


def stamp() -> str:
    """What the venv was built from; a different one rebuilds it."""
    source = json.dumps([REQUIREMENTS, sys.version_info[:2]])
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def venv_python(tool_dir: Path = TOOL_DIR) -> Path:
    return tool_dir / "venv" / "bin" / "python"


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()[-3000:]
        raise LocalStackError(f"{what} failed (exit {result.returncode}):\n{output}")


def _uv() -> str | None:
    beside = Path(sys.executable).parent / "uv"
    return str(beside) if beside.exists() else shutil.which("uv")


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def ensure_installed(tool_dir: Path = TOOL_DIR) -> Path:
    """The tool venv's python, after building the venv when missing or stale."""
    marker = tool_dir / "installed"
    with _locked(tool_dir.parent / "localstack.lock"):
        if marker.exists() and marker.read_text().strip() == stamp() and venv_python(tool_dir).exists():
            return venv_python(tool_dir)
        shutil.rmtree(tool_dir, ignore_errors=True)
        tool_dir.mkdir(parents=True)
        venv = tool_dir / "venv"
        uv = _uv()
        if uv:
            _run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], "creating the LocalStack venv")
            install = [uv, "pip", "install", "--quiet", "--python", str(venv_python(tool_dir))]
        else:
            _run([sys.executable, "-m", "venv", str(venv)], "creating the LocalStack venv")
            install = [str(venv_python(tool_dir)), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        _run([*install, *REQUIREMENTS], f"installing {' '.join(REQUIREMENTS)}")
        marker.write_text(stamp() + "\n")
        return venv_python(tool_dir)


def server_environment(port: int, state_dir: Path) -> dict[str, str]:
    """S3 only, signatures checked, on loopback, nothing written outside ``state_dir``, no calls
    to the internet (DNS server, TLS certificate download, analytics)."""
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {
        # Bytecode is written by the first start, for the ~1,400 modules it imports: compiling
        # them again at every start would take longer than the rest of the start (and compiling
        # the whole venv at install time, 300 MB, much longer).
        **environment,
        "SERVICES": "s3",
        "S3_SKIP_SIGNATURE_VALIDATION": "0",
        "GATEWAY_LISTEN": f"127.0.0.1:{port}",
        # In a container LocalStack believes it is its own image and writes /var/lib/localstack.
        "OVERRIDE_IN_DOCKER": "0",
        "FILESYSTEM_ROOT": str(state_dir),
        "DNS_ADDRESS": "0",
        "SKIP_SSL_CERT_DOWNLOAD": "1",
        "DISABLE_EVENTS": "1",
        "LOCALSTACK_TELEMETRY": "0",
    }


def health_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/_localstack/health"


def s3_ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(health_url(port), timeout=2) as response:  # noqa: S310 (loopback)
            services = json.load(response).get("services", {})
    except (OSError, ValueError):
        return False
    return services.get("s3") in {"available", "running"}


def start(port: int, state_dir: Path, python: Path | None = None) -> subprocess.Popen[bytes]:
    """Start LocalStack's S3 on 127.0.0.1:``port`` and wait until it answers. Its output goes
    to ``state_dir/localstack.log``; the caller stops it with :func:`stop`."""
    python = python or ensure_installed()
    state_dir.mkdir(parents=True, exist_ok=True)
    log = state_dir / "localstack.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(python), "-m", "localstack.runtime.main"],
            env=server_environment(port, state_dir),
            cwd=state_dir,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + START_TIMEOUT
    while not s3_ready(port):
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            tail = log.read_text(errors="replace")[-3000:]
            raise LocalStackError(f"LocalStack did not start on port {port}:\n{tail}")
        time.sleep(0.1)
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("install", help="build or reuse the tool venv; print its python")
    serve = commands.add_parser("serve", help="run S3 in the foreground until Ctrl-C")
    serve.add_argument("--port", type=int, default=4566)
    args = parser.parse_args(argv)
    try:
        began = time.monotonic()
        python = ensure_installed()
        if args.command == "install":
            print(f"{python} (ready in {time.monotonic() - began:.1f} s)")
            return 0
        with tempfile.TemporaryDirectory(prefix="localstack-") as state:
            process = start(args.port, Path(state), python)
            print(f"S3 on http://127.0.0.1:{args.port} (access key {ACCESS_KEY}, secret {SECRET_KEY}); Ctrl-C stops it")
            try:
                process.wait()
            except KeyboardInterrupt:
                stop(process)
    except LocalStackError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
