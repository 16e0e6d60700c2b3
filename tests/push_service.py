"""A real Web Push service stand-in on 127.0.0.1, for tests.

It does what FCM or Mozilla's autopush does with our requests: checks the VAPID
``Authorization: vapid t=<JWT>, k=<key>`` header (ES256 signature against the key, audience,
expiry, subject), then — standing in for the browser as well — decrypts the aes128gcm body
with the subscription's private key and auth secret (RFC 8291). Tests read what arrived and
choose the status it answers (201, 410 for a revoked subscription, 500 for an outage).
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Device:
    """A browser's side of a subscription: the key pair and auth secret only it holds."""

    token: str
    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)


@dataclass
class Received:
    device: str
    payload: dict[str, Any]
    claims: dict[str, Any]
    vapid_key: str
    headers: dict[str, str]


class PushService:
    def __init__(self) -> None:
        self.devices: dict[str, Device] = {}
        self.answers: dict[str, int] = {}  # token → status to answer (default 201)
        self.received: list[Received] = []
        self.rejected: list[str] = []  # why requests were refused (a test failing here names the reason)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def device(self, token: str) -> Device:
        self.devices[token] = Device(token)
        return self.devices[token]

    def endpoint(self, token: str) -> str:
        return f"{self.origin}/push/{token}"

    def subscription(self, token: str) -> dict[str, Any]:
        """What the browser's ``PushSubscription.toJSON()`` would give for a new device."""
        device = self.device(token)
        return {"endpoint": self.endpoint(token), "keys": {"p256dh": device.p256dh, "auth": device.auth}}

    def verify_vapid(self, authorization: str) -> tuple[dict[str, Any], str]:
        scheme, _, params = authorization.partition(" ")
        assert scheme.lower() == "vapid", f"authorization scheme {scheme!r}"
        values = dict(part.strip().split("=", 1) for part in params.split(","))
        token, key = values["t"], values["k"]
        header_b64, claims_b64, signature_b64 = token.split(".")
        assert json.loads(b64url_decode(header_b64))["alg"] == "ES256"
        signature = b64url_decode(signature_b64)
        public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(key))
        der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
        public_key.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        claims = json.loads(b64url_decode(claims_b64))
        assert claims["aud"] == self.origin, f"audience {claims['aud']!r}"
        assert time.time() < claims["exp"] <= time.time() + 24 * 3600, "expiry must be within 24 hours"
        assert claims["sub"].startswith(("mailto:", "https:")), "subject must be a contact"
        return claims, key

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                token = self.path.rsplit("/", 1)[-1]
                status = service.answers.get(token, 201)
                try:
                    device = service.devices[token]
                    assert self.headers["Content-Encoding"] == "aes128gcm"
                    assert self.headers["TTL"] is not None
                    claims, key = service.verify_vapid(self.headers["Authorization"])
                    plain = http_ece.decrypt(
                        body, private_key=device.private_key, auth_secret=device.auth_secret, version="aes128gcm"
                    )
                except (AssertionError, KeyError, ValueError, InvalidSignature) as error:
                    service.rejected.append(f"{type(error).__name__}: {error}")
                    status = 400
                else:
                    if status < 300:
                        service.received.append(
                            Received(
                                token, json.loads(plain), claims, key, {k.lower(): v for k, v in self.headers.items()}
                            )
                        )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # quiet in test output
                return

        return Handler


@contextmanager
def push_service() -> Iterator[PushService]:
    service = PushService()
    service.thread.start()
    try:
        yield service
    finally:
        service.server.shutdown()
        service.server.server_close()
