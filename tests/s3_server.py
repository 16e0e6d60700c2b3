"""An S3 endpoint for tests, and fixtures that switch ``services.storage`` between its backends.

By default a local moto server (``ThreadedMotoServer`` on 127.0.0.1, a free port) started once
per session. With ``S3_ENDPOINT`` (and ``S3_ACCESS_KEY``/``S3_SECRET_KEY``/``S3_REGION``) set in
the environment at test time, that server is used instead, e.g. a real MinIO::

    docker run -p 9000:9000 minio/minio server /data
    S3_ENDPOINT=http://127.0.0.1:9000 S3_ACCESS_KEY=minioadmin S3_SECRET_KEY=minioadmin pytest tests/test_storage_contract.py

moto accepts any credentials and enforces neither POST policies nor URL signatures or expiry
(``S3Endpoint.enforces_policies`` is False). The cases that need them run against
``enforcing_s3_endpoint``: LocalStack's S3 (``scripts/localstack.py``: its own venv under
``var/tools/``, built on first use, and one server per test session), or the environment's
``S3_ENDPOINT`` when set.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from services.storage.base import get_storage
from services.storage.filesystem import FilesystemStorage
from services.storage.s3 import S3Storage
from tests.live import free_port, load_script


@dataclass(frozen=True)
class S3Endpoint:
    url: str
    access_key: str
    secret_key: str
    region: str
    # False for moto: it accepts any POST form and any (even expired or tampered) presigned URL.
    enforces_policies: bool


def endpoint_from_environment() -> S3Endpoint | None:
    if not os.environ.get("S3_ENDPOINT"):
        return None
    return S3Endpoint(
        url=os.environ["S3_ENDPOINT"],
        access_key=os.environ.get("S3_ACCESS_KEY", ""),
        secret_key=os.environ.get("S3_SECRET_KEY", ""),
        region=os.environ.get("S3_REGION", "us-east-1"),
        enforces_policies=True,
    )


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[S3Endpoint]:
    """moto on a free loopback port, or the server named by the environment's S3_ENDPOINT."""
    if (configured := endpoint_from_environment()) is not None:
        yield configured
        return
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield S3Endpoint(
            url=f"http://127.0.0.1:{port}",
            access_key="moto-access",
            secret_key="moto-secret",
            region="us-east-1",
            enforces_policies=False,
        )
    finally:
        server.stop()


@pytest.fixture(scope="session")
def enforcing_s3_endpoint() -> Iterator[S3Endpoint]:
    """An S3 that enforces POST policies, URL signatures and expiry: LocalStack on a free
    loopback port (started once per session), or the environment's S3_ENDPOINT.

    Skipped, saying why, only when LocalStack's tool venv cannot be built (no package index
    reachable); ``.ci/run`` builds it beforehand, so that CI fails instead."""
    if (configured := endpoint_from_environment()) is not None:
        yield configured
        return
    localstack = load_script("localstack")
    try:
        python = localstack.ensure_installed()
    except localstack.LocalStackError as error:
        pytest.skip(f"LocalStack's tool venv could not be built (python scripts/localstack.py install): {error}")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="localstack-") as state:
        server = localstack.start(port, Path(state), python)
        try:
            yield S3Endpoint(
                url=f"http://127.0.0.1:{port}",
                access_key=localstack.ACCESS_KEY,
                secret_key=localstack.SECRET_KEY,
                region=localstack.REGION,
                enforces_policies=True,
            )
        finally:
            localstack.stop(server)


@contextlib.contextmanager
def storage_on(endpoint: S3Endpoint, settings: Any) -> Iterator[S3Storage]:
    """``get_storage()`` is the S3 backend on ``endpoint``, buckets created."""
    settings.S3_ENDPOINT = endpoint.url
    settings.S3_PUBLIC_ENDPOINT = endpoint.url
    settings.S3_ACCESS_KEY = endpoint.access_key
    settings.S3_SECRET_KEY = endpoint.secret_key
    settings.S3_REGION = endpoint.region
    get_storage.cache_clear()
    storage = get_storage()
    assert isinstance(storage, S3Storage)
    storage.ensure_buckets()
    try:
        yield storage
    finally:
        get_storage.cache_clear()


@pytest.fixture
def s3_storage(s3_endpoint: S3Endpoint, settings: Any) -> Iterator[S3Storage]:
    """``get_storage()`` is the S3 backend on the test endpoint (moto), buckets created."""
    with storage_on(s3_endpoint, settings) as storage:
        yield storage


@pytest.fixture
def enforcing_s3_storage(enforcing_s3_endpoint: S3Endpoint, settings: Any) -> Iterator[S3Storage]:
    """``get_storage()`` is the S3 backend on the enforcing endpoint (LocalStack), buckets created."""
    with storage_on(enforcing_s3_endpoint, settings) as storage:
        yield storage


@pytest.fixture
def fs_storage(settings: Any, tmp_path: Path) -> Iterator[FilesystemStorage]:
    """``get_storage()`` is the filesystem backend on a fresh directory."""
    settings.S3_ENDPOINT = ""
    settings.STORAGE_ROOT = tmp_path / "objects"
    get_storage.cache_clear()
    storage = get_storage()
    assert isinstance(storage, FilesystemStorage)
    storage.ensure_buckets()
    yield storage
    get_storage.cache_clear()
