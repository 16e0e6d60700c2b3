"""HTTP through Django's WSGI handler on a bounded pool of threads, inside an ASGI server.

Why (ADR 0016): under Django's ASGI handler every sync view, middleware and ORM call of a
request hops into a thread, and persistent database connections leak with those threads. Here
each request runs whole on one thread of a fixed pool, as under a threaded WSGI server: the
threads are few and reused, so each keeps one persistent database connection
(``CONN_MAX_AGE``) and ``request_finished`` closes the stale ones on the thread that owns them.
WebSockets stay on Channels in the same process, so one port and one server serve both.

A response whose body is in memory (nearly all: JSON) is collected on the worker thread and
sent in two messages; a streaming one (file downloads, exports) is sent chunk by chunk as the
thread produces it, with back-pressure.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import io
import sys
import tempfile
from collections.abc import Awaitable, Callable, Coroutine, Iterable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Coroutine[Any, Any, None]]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# Bodies above this are spooled to a temporary file while they are received (uploads go
# straight to the object store; API bodies are small).
_SPOOL_LIMIT = 1024 * 1024


def _environ(scope: Scope, body: Any) -> dict[str, Any]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", "").encode("utf8").decode("latin1"),
        "PATH_INFO": scope["path"].encode("utf8").decode("latin1"),
        "QUERY_STRING": scope["query_string"].decode("latin1"),
        "SERVER_PROTOCOL": f"HTTP/{scope['http_version']}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    server = scope.get("server") or ("localhost", 80)
    environ["SERVER_NAME"], environ["SERVER_PORT"] = server[0], str(server[1] or 0)
    client = scope.get("client")
    if client:
        environ["REMOTE_ADDR"], environ["REMOTE_PORT"] = client[0], str(client[1])
    for raw_name, raw_value in scope.get("headers", ()):
        name = raw_name.decode("latin1").upper().replace("-", "_")
        if name not in ("CONTENT_LENGTH", "CONTENT_TYPE"):
            name = f"HTTP_{name}"
        value = raw_value.decode("latin1")
        environ[name] = f"{environ[name]},{value}" if name in environ else value
    return environ


class _Disconnected(Exception):
    """The client left before its request body arrived: nothing to answer."""


async def _read_body(receive: Receive) -> Any:
    body = io.BytesIO()
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            body.close()
            raise _Disconnected
        chunk = message.get("body", b"")
        if chunk:
            size += len(chunk)
            if size > _SPOOL_LIMIT and isinstance(body, io.BytesIO):
                spooled = tempfile.SpooledTemporaryFile(max_size=_SPOOL_LIMIT)  # noqa: SIM115 - closed by the caller
                spooled.write(body.getvalue())
                body = spooled  # type: ignore[assignment]
            body.write(chunk)
        if not message.get("more_body", False):
            break
    body.seek(0)
    return body


class _Exchange:
    """One request on a worker thread: the status and headers, then the body."""

    def __init__(self, loop: asyncio.AbstractEventLoop, send: Send) -> None:
        self.loop = loop
        self.send = send
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.started = False

    def start_response(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., Any]:
        if exc_info is not None and self.started:
            raise exc_info[1].with_traceback(exc_info[2])
        self.status = int(status.split(" ", 1)[0])
        self.headers = [(name.lower().encode("latin1"), value.encode("latin1")) for name, value in headers]
        return self._write

    def _send_from_thread(self, message: Message) -> None:
        asyncio.run_coroutine_threadsafe(self.send(message), self.loop).result()

    def _start(self) -> None:
        if not self.started:
            self.started = True
            self._send_from_thread({"type": "http.response.start", "status": self.status, "headers": self.headers})

    def _write(self, chunk: bytes) -> None:
        # The legacy write() callable: streamed as it comes.
        self._start()
        self._send_from_thread({"type": "http.response.body", "body": chunk, "more_body": True})

    def run(self, app: WSGIApp, environ: dict[str, Any]) -> bytes | None:
        """Runs the application; the whole body when it is in memory, None once it was streamed."""
        iterable = app(environ, self.start_response)
        try:
            # A Django response says whether its body is in memory; write() was streamed already.
            in_memory = isinstance(iterable, list | tuple) or getattr(iterable, "streaming", None) is False
            if in_memory and not self.started:
                return b"".join(iterable)
            self._stream(iterable)
            return None
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()  # request_finished: the thread's connections are tidied on this thread

    def _stream(self, iterable: Iterable[bytes]) -> None:
        self._start()
        for chunk in iterable:
            if chunk:
                self._send_from_thread({"type": "http.response.body", "body": chunk, "more_body": True})
        self._send_from_thread({"type": "http.response.body", "body": b"", "more_body": False})


class WSGIThreads:
    """An ASGI application serving HTTP with ``app`` (WSGI) on ``threads`` worker threads."""

    def __init__(self, app: WSGIApp, threads: int) -> None:
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="http")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        try:
            body = await _read_body(receive)
        except _Disconnected:
            return  # as Django's ASGI handler: the view does not run for a request that was abandoned
        loop = asyncio.get_running_loop()
        exchange = _Exchange(loop, send)
        run = functools.partial(contextvars.copy_context().run, exchange.run, self.app, _environ(scope, body))
        try:
            content = await loop.run_in_executor(self.executor, run)
        finally:
            body.close()
        if content is not None:
            await send({"type": "http.response.start", "status": exchange.status, "headers": exchange.headers})
            await send({"type": "http.response.body", "body": content, "more_body": False})
