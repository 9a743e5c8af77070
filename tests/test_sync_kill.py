"""Exactly once, under kill -9: `crowdops sync --watch` is killed again and again at the worst moments of a
request — before the server stores the post, after it stored it but before answering, and after answering — against
a server that honours `Idempotency-Key` like Mastodon. In the end every approved post exists exactly once on the
server, and every outbox row says `sent` with that post's URL."""

import os
import random
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text

import crowdops.domain.passphrases as passphrases
from crowdops.app import App, build_app
from crowdops.services.context import ServiceContext
from crowdops.services.inputs import DraftInput
from crowdops.store.database import open_database
from crowdops.store.message_models import OutboxItem
from tests.mastodon_server import PHASES, TOKEN, MastodonServer

ROOT = Path(__file__).resolve().parent.parent
# A longer run by hand: KILL_TEST_KILLS=200 KILL_TEST_POSTS=600 .venv/bin/pytest tests/test_sync_kill.py
POSTS = int(os.environ.get("KILL_TEST_POSTS", "80"))
KILLS = int(os.environ.get("KILL_TEST_KILLS", "25"))


def _approved_posts(app: App, server_url: str) -> list[str]:
    app.users.add("cmdr", "commander", "secret-1")
    app.users.add("comms", "comms", "secret-2", actor="cmdr")
    op = app.operations.create("Derby", "event", timezone="Europe/Athens", actor="cmdr")
    app.channels.add("Police Mastodon", "mastodon", actor="cmdr", base_url=server_url)
    app.channels.set_secret("Police Mastodon", TOKEN, actor="cmdr")
    texts = []
    for n in range(POSTS):
        body = f"Gate {n % 7 + 1} is open; use the north entrance. Update {n + 1}."
        draft = app.messages.draft(op.id, DraftInput(text=body, channels=["Police Mastodon"]), actor="comms")
        app.approvals.submit(draft.short_id, actor="comms")
        app.approvals.approve(draft.short_id, actor="cmdr", passphrase="secret-1")
        texts.append(body)
    return texts


def _rows(db: Path) -> list[OutboxItem]:
    app = build_app(ServiceContext(db=open_database(db)))
    try:
        with app.db.read() as session:
            return list(session.scalars(select(OutboxItem)))
    finally:
        app.close()


def _watch(db: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CROWDOPS_")}
    return subprocess.Popen(
        [sys.executable, "-m", "crowdops", "--db", str(db), "sync", "--watch", "--interval", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for(condition: threading.Event, process: subprocess.Popen[bytes], deadline_s: float) -> bool:
    """Until the trap springs, the process dies, or the deadline passes (a hung worker fails the test)."""
    for _ in range(int(deadline_s * 20)):
        if condition.wait(0.05):
            return True
        if process.poll() is not None:
            return False
    return False


@pytest.mark.slow
@pytest.mark.timeout(max(300, KILLS * 12))
@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_killing_the_worker_at_random_moments_loses_and_duplicates_nothing(
    shared_keyring: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passphrases, "_N", 2**8)
    db = tmp_path / "crowdops.db"
    rng = random.Random(20261128)
    with MastodonServer() as server:
        app = build_app(ServiceContext(db=open_database(db)))
        try:
            texts = _approved_posts(app, server.url)
        finally:
            app.close()
        state = server.state
        kills, where = 0, []
        while kills < KILLS:
            phase = rng.choice(PHASES)
            state.arm(phase, state.requests[phase] + rng.randint(1, 3))
            worker = _watch(db)
            sprung = _wait_for(state.sprung, worker, deadline_s=60)
            worker.kill()
            worker.wait(30)
            state.release.set()
            assert sprung, f"the worker stopped or hung instead of sending: {worker.stderr.read().decode()[-500:]}"
            kills += 1
            where.append(phase)
        state.disarm()
        # Time passes: whatever waits for a backoff is due now. One pass must then finish everything.
        app = build_app(ServiceContext(db=open_database(db)))
        try:
            with app.db.write() as session:
                session.execute(text("UPDATE outbox_items SET next_attempt_at = NULL"))
        finally:
            app.close()
        env = {k: v for k, v in os.environ.items() if not k.startswith("CROWDOPS_")}
        done = subprocess.run(
            [sys.executable, "-m", "crowdops", "--db", str(db), "sync", "--once"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr

        assert set(where) == set(PHASES)  # every kind of moment was hit
        created = [s["content"].removeprefix("<p>").removesuffix("</p>") for s in state.statuses]
        assert len(created) == POSTS and sorted(created) == sorted(texts)  # none lost, none twice
        rows = _rows(db)
        assert len(rows) == POSTS
        assert {r.status for r in rows} == {"sent"}
        assert all(r.remote_url == state.by_key[r.idempotency_key]["url"] for r in rows)
