"""A small Mastodon-like server for end-to-end and kill tests: `POST /api/v1/statuses` that honours
`Idempotency-Key` the way Mastodon does (a repeat answers with the status it already made, recorded only once the
status is stored), plus `verify_credentials` and `v2/instance`.

A test can stop the server at one of three moments of a status request, to kill a client exactly there:
`received` (before storing), `stored` (stored, not yet answered) and `answered` (the answer written).
"""

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "test-token-5f2c"
PHASES = ("received", "stored", "answered")


class MastodonState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: list[dict[str, Any]] = []  # every status created, in order
        self.by_key: dict[str, dict[str, Any]] = {}
        self.requests: Counter[str] = Counter()  # phase -> how many status requests reached it
        self.base_url = ""
        self.max_characters = 500  # what /api/v2/instance reports
        self.latency = 0.0  # seconds each status request takes (benchmarks: a slow, far-away server)
        # A trap: when `phase` is reached for the `at`-th time, set `sprung` and hold the request until `release`.
        self._trap: tuple[str, int] | None = None
        self.sprung = threading.Event()
        self.release = threading.Event()

    def arm(self, phase: str, at: int) -> None:
        with self.lock:
            self._trap = (phase, at)
            self.sprung.clear()
            self.release.clear()

    def disarm(self) -> None:
        with self.lock:
            self._trap = None
        self.release.set()

    def reach(self, phase: str) -> None:
        with self.lock:
            self.requests[phase] += 1
            trapped = self._trap == (phase, self.requests[phase])
            if trapped:
                self._trap = None
        if trapped:
            self.sprung.set()
            self.release.wait(30)

    def create(self, key: str, text: str, language: str) -> dict[str, Any]:
        with self.lock:
            if key and key in self.by_key:
                return self.by_key[key]
            number = len(self.statuses) + 1
            status = {
                "id": str(100000 + number),
                "url": f"{self.base_url}/@police/{100000 + number}",
                "content": f"<p>{text}</p>",
                "language": language,
                "created_at": "2026-11-28T12:00:00.000Z",
                "idempotency_key": key,
            }
            self.statuses.append(status)
            if key:
                self.by_key[key] = status
            return status


def _handler(state: MastodonState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave in one segment: otherwise delayed ACKs cost ~40 ms a request.
        wbufsize = 65536
        disable_nagle_algorithm = True

        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

        def _send(self, code: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()

        def _authorised(self) -> bool:
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                self._send(401, {"error": "The access token is invalid"})
                return False
            return True

        def do_GET(self) -> None:
            if self.path.startswith("/api/v2/instance"):  # public, as on Mastodon
                self._send(200, {"configuration": {"statuses": {"max_characters": state.max_characters}}})
                return
            if not self._authorised():
                return
            if self.path.startswith("/api/v1/accounts/verify_credentials"):
                self._send(200, {"id": "1", "acct": "police", "username": "police"})
            else:
                self._send(404, {"error": "Record not found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            if self.path != "/api/v1/statuses":
                self._send(404, {"error": "Record not found"})
                return
            if not self._authorised():
                return
            body = json.loads(raw or b"{}")
            if state.latency:
                threading.Event().wait(state.latency)
            state.reach("received")
            status = state.create(
                self.headers.get("Idempotency-Key", ""), body.get("status", ""), body.get("language", "")
            )
            state.reach("stored")
            try:
                self._send(200, status)
            except OSError:
                return  # the client is gone (killed): the status stays stored, as on a real server
            state.reach("answered")

    return Handler


class MastodonServer:
    def __init__(self) -> None:
        self.state = MastodonState()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.state.base_url = self.url
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "MastodonServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.state.disarm()
        self._server.shutdown()
        self._server.server_close()


def main() -> None:
    """Serve in a process of its own (benchmarks: no shared GIL with the client): print the URL, serve until killed."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.0, help="seconds each status request takes")
    args = parser.parse_args()
    server = MastodonServer()
    server.state.latency = args.latency
    print(server.url, flush=True)
    server._server.serve_forever()


if __name__ == "__main__":
    main()
