"""An S3 endpoint for tests, and fixtures that switch ``services.storage`` between its backends.

By default a local moto server (``ThreadedMotoServer`` on 127.0.0.1, a free port) started once
per session. With ``S3_ENDPOINT`` (and ``S3_ACCESS_KEY``/``S3_SECRET_KEY``/``S3_REGION``) set in
the environment at test time, that server is used instead, e.g. a real MinIO::

    docker run -p 9000:9000 minio/minio server /data
    S3_ENDPOINT=http://127.0.0.1:9000 S3_ACCESS_KEY=minioadmin S3_SECRET_KEY=minioadmin pytest tests/test_storage_contract.py

moto accepts any credentials and enforces neither POST policies nor URL signatures or expiry
(``S3Endpoint.enforces_policies`` is False): those cases run against MinIO and the filesystem
backend only, and the policy documents themselves are checked in unit tests.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from services.storage.base import get_storage
from services.storage.filesystem import FilesystemStorage
from services.storage.s3 import S3Storage
from tests.live import free_port


@dataclass(frozen=True)
class S3Endpoint:
    url: str
    access_key: str
    secret_key: str
    region: str
    # False for moto: it accepts any POST form and any (even expired or tampered) presigned URL.
    enforces_policies: bool


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[S3Endpoint]:
    """moto on a free loopback port, or the server named by the environment's S3_ENDPOINT."""
    if os.environ.get("S3_ENDPOINT"):
        yield S3Endpoint(
            url=os.environ["S3_ENDPOINT"],
            access_key=os.environ.get("S3_ACCESS_KEY", ""),
            secret_key=os.environ.get("S3_SECRET_KEY", ""),
            region=os.environ.get("S3_REGION", "us-east-1"),
            enforces_policies=True,
        )
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


@pytest.fixture
def s3_storage(s3_endpoint: S3Endpoint, settings: Any) -> Iterator[S3Storage]:
    """``get_storage()`` is the S3 backend on the test endpoint, buckets created."""
    settings.S3_ENDPOINT = s3_endpoint.url
    settings.S3_PUBLIC_ENDPOINT = s3_endpoint.url
    settings.S3_ACCESS_KEY = s3_endpoint.access_key
    settings.S3_SECRET_KEY = s3_endpoint.secret_key
    settings.S3_REGION = s3_endpoint.region
    get_storage.cache_clear()
    storage = get_storage()
    assert isinstance(storage, S3Storage)
    storage.ensure_buckets()
    yield storage
    get_storage.cache_clear()


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
