"""Shared test set-up: headless Qt, an in-memory keyring, a fixed clock and a fresh database per test."""

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything can import Qt
os.environ.pop("CROWDOPS_DB", None)
os.environ.pop("CROWDOPS_PASSPHRASE", None)

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from crowdops.app import App, build_app
from crowdops.services.context import ServiceContext
from crowdops.store.database import open_database


class MemoryKeyring(KeyringBackend):
    """Keeps secrets in a dict so tests never touch the machine's real keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self._store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._store.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def shared_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A file keyring under tmp_path, used in this process and by the CLI processes a test starts: they inherit
    the environment variables set here, also returned for tests that build a child's environment from scratch.
    Request it before any fixture that writes (the audit key is made on the first write)."""
    from keyrings.alt.file import PlaintextKeyring

    env = {"PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring", "XDG_DATA_HOME": str(tmp_path / "xdg")}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    keyring.set_keyring(PlaintextKeyring())
    return env


class FakeClock:
    """A clock that moves only when a test moves it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 5, 1, 12, 0, tzinfo=UTC))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "crowdops.db"


@pytest.fixture
def app(db_path: Path, clock: FakeClock) -> Iterator[App]:
    built = build_app(ServiceContext(db=open_database(db_path), clock=clock))
    yield built
    built.close()


@pytest.fixture
def staffed(app: App) -> App:
    """An app with a commander, a comms officer, a trainer and an observer, and a current protest operation."""
    app.users.add("cmdr", "commander", "secret-1")
    app.users.add("comms", "comms", "secret-2", actor="cmdr")
    app.users.add("trainer", "trainer", "secret-3", actor="cmdr")
    app.users.add("watcher", "observer", "secret-4", actor="cmdr")
    app.operations.create("Athens March", "protest", timezone="Europe/Athens", phase="during", actor="cmdr")
    app.operations.use("Athens March")
    return app
