"""HTTP through a WSGI application on a thread pool inside the ASGI server (partycloud.core.wsgi_threads)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from partycloud.core.wsgi_threads import WSGIThreads


def call(
    app: WSGIThreads, *, method: str = "GET", path: str = "/", body: bytes = b"", chunk: int = 0
) -> list[dict[str, Any]]:
    """One request through the ASGI interface; the messages sent back."""
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": b"q=%E5%85%9A",
        "http_version": "1.1",
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
        "client": ("10.0.0.7", 5555),
        "headers": [
            (b"host", b"a.partycloud.test"),
            (b"content-type", b"application/json"),
            (b"x-a", b"1"),
            (b"x-a", b"2"),
        ],
    }
    parts = [body[i : i + chunk] for i in range(0, len(body), chunk)] if chunk and body else [body]
    incoming = [
        {"type": "http.request", "body": part, "more_body": index < len(parts) - 1} for index, part in enumerate(parts)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(dict(message))

    asyncio.run(app(scope, receive, send))
    return sent


class Response(list[bytes]):
    """A list body with close(), like a Django response's."""

    streaming = False

    def __init__(self, parts: Iterable[bytes], on_close: Callable[[], None]) -> None:
        super().__init__(parts)
        self.on_close = on_close

    def close(self) -> None:
        self.on_close()


def test_environ_body_and_an_in_memory_response_in_two_messages():
    seen: dict[str, Any] = {}
    closed_on: list[str] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen.update(environ)
        seen["body"] = environ["wsgi.input"].read()
        seen["thread"] = threading.current_thread().name
        start_response("201 Created", [("Content-Type", "text/plain"), ("X-Out", "yes")])
        return Response([b"hello ", b"world"], lambda: closed_on.append(threading.current_thread().name))

    sent = call(WSGIThreads(app, 2), method="POST", path="/api/v1/党", body=b"x" * 10_000, chunk=3000)
    assert sent == [
        {
            "type": "http.response.start",
            "status": 201,
            "headers": [(b"content-type", b"text/plain"), (b"x-out", b"yes")],
        },
        {"type": "http.response.body", "body": b"hello world", "more_body": False},
    ]
    assert seen["body"] == b"x" * 10_000
    assert seen["REQUEST_METHOD"] == "POST"
    assert seen["PATH_INFO"] == "/api/v1/党".encode().decode("latin1")  # PEP 3333: bytes as latin-1
    assert seen["QUERY_STRING"] == "q=%E5%85%9A"
    assert seen["HTTP_HOST"] == "a.partycloud.test"
    assert seen["CONTENT_TYPE"] == "application/json"
    assert seen["HTTP_X_A"] == "1,2"
    assert seen["REMOTE_ADDR"] == "10.0.0.7"
    assert seen["SERVER_PORT"] == "8000"
    # The request ran, and its response was closed (Django's request_finished), on a pool thread.
    assert seen["thread"].startswith("http")
    assert closed_on == [seen["thread"]]


def test_a_large_body_is_spooled_and_read_whole():
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        data = environ["wsgi.input"].read()
        start_response("200 OK", [])
        return [str(len(data)).encode()]

    sent = call(WSGIThreads(app, 1), method="PUT", body=b"y" * 3_000_000, chunk=65536)
    assert sent[-1]["body"] == b"3000000"


def test_a_streaming_response_is_sent_as_it_is_produced():
    def chunks() -> Iterator[bytes]:
        yield b"a"
        yield b""
        yield b"b"

    class Streaming:
        streaming = True

        def __iter__(self) -> Iterator[bytes]:
            return chunks()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        start_response("200 OK", [("Content-Type", "text/csv")])
        return Streaming()

    sent = call(WSGIThreads(app, 1))
    assert [m.get("body") for m in sent] == [None, b"a", b"b", b""]
    assert sent[0]["status"] == 200
    assert sent[-1]["more_body"] is False


def test_requests_run_side_by_side_on_the_pool():
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        time.sleep(0.3)  # a database wait: the GIL is free
        start_response("200 OK", [])
        return [b"ok"]

    threads = WSGIThreads(app, 4)

    async def four() -> None:
        async def one() -> None:
            async def receive() -> dict[str, Any]:
                return {"type": "http.request", "body": b"", "more_body": False}

            async def send(message: Any) -> None:
                pass

            scope = {
                "type": "http",
                "method": "GET",
                "path": "/",
                "query_string": b"",
                "http_version": "1.1",
                "headers": [],
            }
            await threads(scope, receive, send)

        await asyncio.gather(*(one() for _ in range(4)))

    started = time.monotonic()
    asyncio.run(four())
    assert time.monotonic() - started < 1.0  # not 4 x 0.3 s one after the other


def test_a_client_gone_before_its_body_arrived_runs_nothing():
    ran: list[bool] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        ran.append(True)
        start_response("200 OK", [])
        return [b""]

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    sent: list[Any] = []

    async def send(message: Any) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/", "query_string": b"", "http_version": "1.1", "headers": []}
    asyncio.run(WSGIThreads(app, 1)(scope, receive, send))
    assert ran == []
    assert sent == []
