"""A list reloaded while the worker publishes (every quarter second) must not reset the model: a reset makes the
view re-sort and re-measure every row on the GUI thread. Only what changed is signalled."""

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from pytestqt.qtbot import QtBot

from crowdops.gui.models.outbox_model import SandboxFeedModel
from crowdops.services.outbox import SandboxEntry

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")


def _entry(text: str, entry_id: uuid.UUID | None = None) -> SandboxEntry:
    return SandboxEntry(entry_id or uuid.uuid4(), "Training feed", "en", text, NOW)


def test_a_reload_signals_only_what_changed(qtbot: QtBot) -> None:
    model = SandboxFeedModel(lambda: NOW)
    first, second = _entry("one"), _entry("two")
    model.set_rows([second, first], UTC_ZONE)
    resets, changes, inserts = [], [], []
    model.modelReset.connect(lambda: resets.append(1))
    model.dataChanged.connect(lambda top, _bottom: changes.append(top.row()))
    model.rowsInserted.connect(lambda _parent, start, end: inserts.append((start, end)))

    model.set_rows([second, first], UTC_ZONE)  # the same rows: nothing to say
    assert (resets, changes, inserts) == ([], [], [])

    edited = _entry("one, edited", first.id)
    newest = _entry("three")
    model.set_rows([newest, second, edited], UTC_ZONE)  # one on top, one changed
    assert (resets, inserts, changes) == ([], [(0, 0)], [2])
    assert [model.record(r).text for r in range(3)] == ["three", "two", "one, edited"]

    model.set_rows([newest, edited], UTC_ZONE)  # one gone: the shape changed, so a reset
    assert resets == [1] and model.rowCount() == 2
