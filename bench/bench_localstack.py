"""What LocalStack's S3 adds to a CI run: building its tool venv, and starting it per session.

    .venv/bin/python bench/bench_localstack.py

Measured in one run, with the machine's load beside them:

  (a) building the tool venv from uv's cache into a fresh directory (what a fresh CI checkout
      pays once; a cold uv cache adds the download of ~70 MB of wheels)
  (b) the first start from that venv (it writes the bytecode of the modules it imports)
  (c) a later start (what every test session pays)
  (d) baseline: moto's ThreadedMotoServer start, what the other S3 cases use

Standard library and the app's venv only; LocalStack runs in its own venv.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import localstack  # noqa: E402 (scripts/ is not a package)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def timed_start(python: Path) -> float:
    with tempfile.TemporaryDirectory(prefix="localstack-bench-") as state:
        began = time.monotonic()
        process = localstack.start(free_port(), Path(state), python)
        elapsed = time.monotonic() - began
        localstack.stop(process)
    return elapsed


def moto_start() -> float:
    from moto.server import ThreadedMotoServer

    began = time.monotonic()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    elapsed = time.monotonic() - began
    server.stop()
    return elapsed


def main() -> None:
    print(f"load before: {os.getloadavg()[0]:.1f} (1 min), {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="localstack-venv-", dir=ROOT / "var") as tools:
        began = time.monotonic()
        python = localstack.ensure_installed(Path(tools) / "localstack")
        install = time.monotonic() - began
        first = timed_start(python)
        later = [timed_start(python) for _ in range(2)]
    moto = moto_start()
    print(f"(a) tool venv built from uv's cache     {install:6.1f} s")
    print(f"(b) first LocalStack start (bytecode)   {first:6.1f} s")
    print(f"(c) later LocalStack starts             {min(later):6.1f} / {max(later):.1f} s")
    print(f"(d) baseline: moto server start          {moto:6.2f} s")
    print(f"fresh CI checkout pays (a)+(b) = {install + first:.1f} s; each later session (c) = {min(later):.1f} s")
    print(f"load after: {os.getloadavg()[0]:.1f} (1 min)")


if __name__ == "__main__":
    main()
