"""What the adapter tests share: a fixed time, posts, requests as a fake server sees them, servers that fail in the
ways networks do (nobody listening, no answer in time, a reset after the request was read), and the secrecy check."""

import json
import re
import socket
import struct
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from crowdops.channels.base import Post

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)  # where the shared `clock` fixture starts too


def new_post(text: str, created_at: datetime, *, language: str = "en", record_key: str = "") -> Post:
    """A queued post with a fresh item id and idempotency key."""
    return Post(uuid.uuid4(), text, language, uuid.uuid4().hex, record_key, created_at)


@dataclass
class Received:
    """A request as a fake server saw it."""

    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    query: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @classmethod
    def of(cls, request: Request) -> "Received":
        headers = {k.lower(): v for k, v in request.headers.items()}
        return cls(request.method, request.path, headers, dict(request.args), request.get_data())


def epoch(when: datetime) -> str:
    """Unix seconds, as X and Bluesky send rate-limit resets."""
    return str(int(when.timestamp()))


def unused_port() -> int:
    """A local port nobody listens on: a connection to it is refused, so nothing can have been sent."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nobody_at(path: str = "") -> str:
    """An address where the connection is refused."""
    return f"http://127.0.0.1:{unused_port()}{path}"


@contextmanager
def stalled(httpserver: HTTPServer, path: str | re.Pattern[str], answer: Response) -> Iterator[None]:
    """The server takes the next request for `path` and does not answer (then with `answer`) until the block ends.
    A one-shot handler, so it comes before any permanent one a fake server has for that path."""
    release = threading.Event()

    def handler(request: Request) -> Response:
        release.wait(10)
        return answer

    httpserver.expect_oneshot_request(path).respond_with_handler(handler)
    try:
        yield
    finally:
        release.set()
        # The server handles one request at a time: once this one is answered, the stalled one is done.
        httpserver.expect_request("/drained").respond_with_data("")
        requests.get(httpserver.url_for("/drained"), timeout=5)


class RawServer:
    """A bare TCP server that passes each request to `respond` and answers with its (status, JSON body) — or, when
    it returns None, resets the connection unanswered: the server acted, but the client never learns it."""

    def __init__(self, respond: Callable[[Received], tuple[int, Any] | None]) -> None:
        self.respond = respond
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return  # closed
            with connection:
                self._answer(connection)

    def _answer(self, connection: socket.socket) -> None:
        connection.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data:
            data += connection.recv(65536)
        head, _, body = data.partition(b"\r\n\r\n")
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, target, _ = request_line.split(" ", 2)
        headers = {name.strip().lower(): value.strip() for name, _, value in (h.partition(":") for h in header_lines)}
        while len(body) < int(headers.get("content-length", "0")):
            body += connection.recv(65536)
        reply = self.respond(Received(method, target.split("?")[0], headers, {}, body))
        if reply is None:
            # Linger 0: close with a TCP reset instead of an orderly end.
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
        payload = json.dumps(reply[1]).encode()
        head_out = f"HTTP/1.1 {reply[0]} X\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        connection.sendall(head_out.encode() + b"Connection: close\r\n\r\n" + payload)

    def close(self) -> None:
        self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self.thread.join(5)


def assert_hidden(shown: Iterable[object], *secrets: str) -> None:
    """None of `secrets` appears in anything shown: outcomes, check results, reprs, exceptions."""
    for thing in shown:
        for secret in secrets:
            assert secret not in str(thing)
            assert secret not in repr(thing)
