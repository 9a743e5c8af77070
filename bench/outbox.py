"""Outbox benchmarks (part of `make bench`): drain throughput against a bare `requests` loop, and how long the GUI
event loop stalls while the worker publishes to a slow server. Both against the tests' Mastodon-like server."""

import contextlib
import secrets
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the tests' Mastodon-like server

from crowdops.app import App, open_app  # noqa: E402
from crowdops.channels.tid import new_tid  # noqa: E402
from crowdops.domain.outbox import OutboxStatus  # noqa: E402
from crowdops.services.inputs import DraftInput  # noqa: E402
from tests.mastodon_server import TOKEN  # noqa: E402

CHANNEL = "Bench Mastodon"
PASSPHRASE = "bench-passphrase"


@dataclass
class DrainResult:
    posts: int
    app_s: float
    bare_s: float

    @property
    def ratio(self) -> float:
        """App throughput over bare throughput (≥ 0.8 is the goal)."""
        return self.bare_s / self.app_s


def _fresh_app(db: Path, server_url: str) -> App:
    for leftover in db.parent.glob(db.name + "*"):
        leftover.unlink()
    app = open_app(db)
    app.users.add("bench-cmdr", "commander", PASSPHRASE)
    app.users.add("bench-comms", "comms", PASSPHRASE, actor="bench-cmdr")
    op = app.operations.create("Bench Derby", "event", timezone="Europe/Athens", actor="bench-cmdr")
    app.channels.add(CHANNEL, "mastodon", actor="bench-cmdr", base_url=server_url)
    app.channels.set_secret(CHANNEL, TOKEN, actor="bench-cmdr")
    draft = app.messages.draft(op.id, DraftInput(text="Gate 3 is open.", channels=[CHANNEL]), actor="bench-comms")
    app.approvals.submit(draft.short_id, actor="bench-comms")
    app.approvals.approve(draft.short_id, actor="bench-cmdr", passphrase=PASSPHRASE)
    return app


def queue_copies(db: Path, posts: int) -> list[str]:
    """`posts` queued copies of the one approved row, each with its own keys and text (raw SQL: approving a
    thousand messages one by one would measure scrypt, not the outbox)."""
    now = datetime.now(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    texts = [f"Gate {n % 9 + 1} is open; use the north entrance. Update {n}." for n in range(posts)]
    with sqlite3.connect(db) as raw:
        template = raw.execute("SELECT * FROM outbox_items LIMIT 1").fetchone()
        columns = [c[1] for c in raw.execute("PRAGMA table_info(outbox_items)")]
        approval = raw.execute("SELECT * FROM approvals LIMIT 1").fetchone()
        approval_columns = [c[1] for c in raw.execute("PRAGMA table_info(approvals)")]
        raw.execute("DELETE FROM outbox_items")
        rows, approvals = [], []
        for text in texts:
            # One outbox row per approval, channel and language: each copy gets an approval of its own.
            approval_id = uuid.uuid4().hex
            approvals.append((approval_id, *approval[1:]))
            row = dict(zip(columns, template, strict=True))
            row.update(
                id=uuid.uuid4().hex,
                idempotency_key=secrets.token_hex(16),
                record_key=new_tid(datetime.now(UTC)),
                text=text,
                status="queued",
                created_at=now,
                queued_at=now,
                approval_id=approval_id,
            )
            rows.append(tuple(row[c] for c in columns))
        assert approval_columns[0] == "id"
        raw.executemany(f"INSERT INTO approvals VALUES ({', '.join('?' * len(approval_columns))})", approvals)
        raw.executemany(f"INSERT INTO outbox_items VALUES ({', '.join('?' * len(columns))})", rows)
    return texts


def bare_loop(url: str, texts: list[str]) -> float:
    session = requests.Session()
    started = time.perf_counter()
    for text in texts:
        answer = session.post(
            f"{url}/api/v1/statuses",
            json={"status": text, "language": "en", "visibility": "public"},
            headers={"Authorization": f"Bearer {TOKEN}", "Idempotency-Key": secrets.token_hex(16)},
            timeout=(5, 20),
        )
        answer.raise_for_status()
        answer.json()
    session.close()
    return time.perf_counter() - started


@contextlib.contextmanager
def mastodon_server(latency: float = 0.0) -> Iterator[str]:
    """The tests' Mastodon-like server in a process of its own, so it shares no GIL with what is measured."""
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "mastodon_server.py"), "--latency", str(latency)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert server.stdout is not None
        yield server.stdout.readline().strip()
    finally:
        server.kill()
        server.wait()


def drain_throughput(work: Path, posts: int, rounds: int = 3) -> list[DrainResult]:
    """Alternating rounds: the same `posts` bodies through a bare requests loop, then through the outbox."""
    results = []
    with mastodon_server() as url:
        db = work / "bench-outbox.db"
        app = _fresh_app(db, url)
        app.close()
        bare_loop(url, [f"warm-up {n}" for n in range(50)])
        for _ in range(rounds):
            texts = queue_copies(db, posts)
            bare = bare_loop(url, texts)
            app = open_app(db)
            try:
                started = time.perf_counter()
                report = app.sync.once().report
                app_s = time.perf_counter() - started
            finally:
                app.close()
            assert report.counts == {"sent": posts}, report.counts
            results.append(DrainResult(posts, app_s, bare))
    return results


def gui_stalls(work: Path, posts: int, latency: float, backlog: int = 500) -> tuple[float, float, int, float]:
    """The real main window, its Outbox view open over `backlog` queued posts, while its worker publishes to a server
    answering in `latency` s; a 5 ms timer probes the event loop until `posts` are out. Returns (max gap ms, p99 gap
    ms, posts sent, seconds)."""
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from crowdops.gui.launch import create_window, keep_long_lived_out_of_gc
    from crowdops.gui.main_window import OUTBOX
    from crowdops.services.events import Event, OutboxChanged

    qt = QApplication.instance() or QApplication([])
    with mastodon_server(latency) as url:
        db = work / "bench-outbox-gui.db"
        app = _fresh_app(db, url)
        app.operations.use("Bench Derby")
        app.close()
        queue_copies(db, backlog)
        app = open_app(db)
        window = create_window(app)
        keep_long_lived_out_of_gc()  # as launch.run does once the database is open
        window.show()
        window.state.set_user(app.users.get("bench-cmdr"))
        window.nav.setCurrentRow(OUTBOX)  # the busiest view: it reloads on every outbox change
        all_sent = threading.Event()

        def look(event: Event) -> None:  # on the worker's thread, not the GUI's
            if isinstance(event, OutboxChanged) and app.outbox.counts()[OutboxStatus.SENT] >= posts:
                all_sent.set()

        app.context.bus.subscribe(look)
        gaps: list[float] = []
        clock = QElapsedTimer()
        clock.start()
        last = [clock.elapsed()]

        def tick() -> None:
            now = clock.elapsed()
            gaps.append(now - last[0])
            last[0] = now
            if all_sent.is_set() or now > (posts * latency + 60) * 1000:
                qt.quit()

        probe = QTimer()
        probe.setInterval(5)
        probe.timeout.connect(tick)
        started = time.perf_counter()

        def begin() -> None:  # after the window's first load: measure the publishing, not the start-up
            app.sync.start()
            clock.restart()
            last[0] = clock.elapsed()
            probe.start()

        QTimer.singleShot(500, begin)
        qt.exec()
        seconds = time.perf_counter() - started
        probe.stop()
        sent = app.outbox.counts()[OutboxStatus.SENT]
        window.close()
        window.state.close()
        app.close()
    gaps.sort()
    return gaps[-1], gaps[int(len(gaps) * 0.99)], sent, seconds


def summary(results: list[DrainResult]) -> tuple[float, float, float]:
    app = statistics.median(r.app_s for r in results)
    bare = statistics.median(r.bare_s for r in results)
    return app, bare, bare / app
