"""The audit chain: every change is recorded, the chain verifies, and tampering is found and named."""

import json
import sqlite3
from pathlib import Path

import keyring
import pytest
from keyring.backends.fail import Keyring as NoKeyring

from crowdops.app import App
from crowdops.cli.main import main
from crowdops.domain.audit import GENESIS, AuditEntry, compute_mac, verify_chain
from crowdops.services.inputs import IncidentInput
from crowdops.store.secrets import SecretStoreError


def _entries(app: App) -> list[tuple[int, str, str, str]]:
    with sqlite3.connect(app.db.path) as raw:
        return raw.execute("SELECT seq, actor, action, subject FROM audit_log ORDER BY seq").fetchall()


def test_every_change_appends_a_signed_entry(staffed: App):
    op = staffed.operations.current()
    logged = staffed.incidents.log(op.id, IncidentInput("medical", 3, "Collapsed runner"), actor="comms")
    fixed = staffed.incidents.correct(logged.short_id, actor="cmdr", severity=4, reason="confirmed")
    staffed.operations.set_phase("Athens March", "after", actor="cmdr")
    actions = [(actor, action) for _, actor, action, _ in _entries(staffed)]
    assert actions[:4] == [
        ("(local administrator)", "user.add"),
        ("cmdr", "user.add"),
        ("cmdr", "user.add"),
        ("cmdr", "user.add"),
    ]
    assert ("cmdr", "operation.create") in actions and ("(local administrator)", "operation.use") in actions
    assert actions[-3:] == [("comms", "incident.log"), ("cmdr", "incident.correct"), ("cmdr", "operation.phase")]
    trail = staffed.audit.trail(f"incident:{fixed.id.hex}")
    assert len(trail) == 1
    data = json.loads(trail[0].data)
    assert (data["severity"], data["corrects"], data["reason"]) == (4, logged.id.hex, "confirmed")
    verdict = staffed.audit.verify()
    assert verdict.ok and verdict.checked == len(actions)


def test_a_refused_action_records_nothing(staffed: App):
    before = len(_entries(staffed))
    op = staffed.operations.current()
    with pytest.raises(Exception, match="may not log"):
        staffed.incidents.log(op.id, IncidentInput("medical", 3, "x"), actor="watcher")
    assert len(_entries(staffed)) == before


def test_the_database_refuses_to_change_or_remove_an_entry(staffed: App):
    with sqlite3.connect(staffed.db.path) as raw:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute("UPDATE audit_log SET actor = 'Mallory' WHERE seq = 1")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute("DELETE FROM audit_log WHERE seq = 1")


def _tamper(path: Path, sql: str) -> None:
    """What someone with the file and a SQLite shell could do: drop the guard, then edit."""
    with sqlite3.connect(path) as raw:
        raw.execute("DROP TRIGGER audit_log_no_update")
        raw.execute("DROP TRIGGER audit_log_no_delete")
        raw.execute(sql)


@pytest.mark.parametrize(
    ("sql", "first_bad", "reason"),
    [
        ("UPDATE audit_log SET actor = 'Mallory' WHERE seq = 3", 3, "entry 3 was altered"),
        ("UPDATE audit_log SET data = replace(data, 'commander', 'observer') WHERE seq = 1", 1, "entry 1 was altered"),
        ("DELETE FROM audit_log WHERE seq = 3", 4, "entry 3 is missing"),
        ("UPDATE audit_log SET mac = (SELECT mac FROM audit_log WHERE seq = 1) WHERE seq = 2", 2, "altered"),
    ],
)
def test_verify_names_the_first_tampered_entry(staffed: App, capsys, sql: str, first_bad: int, reason: str):
    staffed.close()
    _tamper(staffed.db.path, sql)
    assert main(["--db", str(staffed.db.path), "audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"BROKEN at entry {first_bad}" in out and reason in out


def test_verify_and_head_on_the_cli(staffed: App, capsys):
    staffed.close()
    assert main(["--db", str(staffed.db.path), "audit", "verify"]) == 0
    assert "Audit chain intact" in capsys.readouterr().out
    assert main(["--db", str(staffed.db.path), "--json", "audit", "head"]) == 0
    head = json.loads(capsys.readouterr().out)
    assert head["seq"] == len(_entries(staffed)) and len(head["mac"]) == 64


def test_a_database_whose_key_is_not_in_this_keyring_is_refused_not_resigned(staffed: App, memory_keyring):
    memory_keyring._store.clear()  # another computer, or the key was lost
    staffed.context.audit._key = None  # a fresh process
    op = staffed.operations.current()
    with pytest.raises(SecretStoreError, match="audit key of this database is not in this computer's keyring"):
        staffed.incidents.log(op.id, IncidentInput("medical", 3, "x"), actor="cmdr")
    with pytest.raises(SecretStoreError, match="not in this computer's keyring"):
        staffed.audit.verify()


def test_no_usable_keyring_is_said_plainly(app: App):
    keyring.set_keyring(NoKeyring())
    with pytest.raises(SecretStoreError, match="No secure system keyring is available"):
        app.users.add("cmdr", "commander", "secret-1")
    assert app.users.list() == []  # nothing was written without its audit entry


def test_a_plain_file_keyring_found_by_chance_is_refused(app: App, tmp_path: Path, monkeypatch):
    """keyring would silently use keyrings.alt's plain-text file if that package is installed: never by chance."""
    from keyrings.alt.file import PlaintextKeyring

    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    keyring.set_keyring(PlaintextKeyring())
    with pytest.raises(SecretStoreError, match="No secure system keyring"):
        app.users.add("cmdr", "commander", "secret-1")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")  # chosen by name: allowed
    assert app.users.add("cmdr", "commander", "secret-1").name == "cmdr"


def test_verify_chain_detects_reordering():
    key = b"k" * 32
    entries, previous = [], GENESIS
    for seq in (1, 2, 3):
        draft = AuditEntry(seq, "2026-05-01T12:00:00.000000Z", "a", "x", "s", "{}", "")
        mac = compute_mac(key, previous, draft)
        entries.append(AuditEntry(seq, draft.at, "a", "x", "s", "{}", mac))
        previous = mac
    assert verify_chain(key, entries).ok
    swapped = [entries[0], entries[2], entries[1]]
    assert verify_chain(key, swapped).first_bad == 3
    assert not verify_chain(b"other key", entries).ok
