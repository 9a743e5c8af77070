"""The message commands end to end through the CLI: draft from a template, submit, four-eyes approve, show."""

import json
from pathlib import Path

import pytest

from crowdops.app import App
from crowdops.cli.main import main


@pytest.fixture
def cli(staffed: App, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    staffed.channels.add("Police Mastodon", "mastodon", actor="cmdr")
    staffed.channels.add("Training feed", "sandbox", actor="cmdr")
    staffed.users.add("cmdr2", "commander", "secret-5", actor="cmdr")
    db = str(staffed.db.path)
    staffed.close()

    def run(*args: str, passphrase: str | None = None) -> tuple[int, str, str]:
        if passphrase is None:
            monkeypatch.delenv("CROWDOPS_PASSPHRASE", raising=False)
        else:
            monkeypatch.setenv("CROWDOPS_PASSPHRASE", passphrase)
        code = main(["--db", db, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _messages(cli) -> list[dict]:
    code, out, _ = cli("--json", "message", "list")
    assert code == 0
    return json.loads(out)


def test_a_message_from_draft_to_outbox(cli):
    code, out, err = cli(
        "message",
        "draft",
        "--template",
        "road-closure",
        "--set",
        "road=Panepistimiou Street",
        "--set",
        "until=18:00",
        "--set",
        "alternative=Akadimias Street",
        "--as",
        "comms",
    )
    assert code == 0, err
    message_id = out.strip()
    assert len(message_id) == 36  # the full id alone, for scripts: ID=$(crowdops message draft ...)
    assert cli("message", "submit", message_id, "--as", "comms")[0] == 0

    code, _, err = cli("message", "approve", message_id, "--as", "comms", passphrase="secret-2")
    assert code == 1 and "only a commander may approve" in err
    code, _, err = cli("message", "approve", message_id, "--as", "cmdr", passphrase="wrong")
    assert code == 1 and err.strip() == "crowdops: Wrong passphrase for cmdr."
    code, out, err = cli("message", "approve", message_id, "--as", "cmdr", passphrase="secret-1")
    assert code == 0, err
    assert "14 posts queued" in out  # 2 channels × 7 languages

    code, _, err = cli("message", "approve", message_id, "--as", "cmdr2", passphrase="secret-5")
    assert code == 1 and "already approved" in err
    [message] = _messages(cli)
    assert message["status"] == "approved" and len(message["outbox"]) == 14
    code, out, _ = cli("message", "show", message_id[:8])
    assert code == 0 and "[ar — Arabic]" in out and "Audit trail:" in out and "message.approve" in out


def test_nobody_approves_what_they_edited_and_a_stale_hash_is_refused(cli):
    message_id = cli("message", "draft", "--text", "Avoid Omonia Square.", "--as", "comms")[1].strip()
    assert (
        cli("message", "translate", message_id, "--lang", "el", "--text", "Αποφύγετε την Ομόνοια.", "--as", "cmdr")[0]
        == 0
    )
    assert cli("message", "submit", message_id, "--as", "comms")[0] == 0
    code, _, err = cli("message", "approve", message_id, "--as", "cmdr", passphrase="secret-1")
    assert code == 1 and "wrote or edited this message" in err
    code, _, err = cli("message", "approve", message_id, "--as", "cmdr2", "--hash", "0" * 64, passphrase="secret-5")
    assert code == 1 and "changed after you reviewed it" in err
    assert _messages(cli)[0]["status"] == "submitted"
    [message] = _messages(cli)
    code, _, err = cli(
        "message", "approve", message_id, "--as", "cmdr2", "--hash", message["content_hash"], passphrase="secret-5"
    )
    assert code == 0, err


def test_privacy_flags_must_be_acknowledged_on_submit(cli):
    message_id = cli(
        "message", "draft", "--text", "Lost child found; call Maria on +30 694 123 4567.", "--as", "comms"
    )[1].strip()
    code, _, err = cli("message", "submit", message_id, "--as", "comms")
    assert code == 1 and "must be acknowledged" in err and "phone:+306941234567" in err
    assert _messages(cli)[0]["status"] == "draft"
    assert cli("message", "submit", message_id, "--ack", "phone:+306941234567", "--as", "comms")[0] == 0
    [message] = _messages(cli)
    assert message["privacy_flags"][0]["acknowledged_by"] == "comms"


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--text", "   "], "The message text is empty"),
        (["--text", "x" * 63_207], "more than any platform takes"),
        (["--text", "bad \x07 bell"], "control character"),
        (["--text", "hi", "--lang", "xx"], "Unknown language code 'xx'"),
        (["--template", "road-closure", "--set", "road=Stadiou"], "Fill in {until}"),
        (["--template", "no-such-template"], "No template 'no-such-template'"),
        (["--text", "hi", "--channel", "Nowhere"], "No channel named 'Nowhere'"),
        (["--text", "hi", "--purpose", "gossip"], "Unknown purpose 'gossip'"),
        (["--text", "hi", "--link", "incident:deadbeef"], "No incident deadbeef"),
    ],
)
def test_bad_drafts_are_refused_and_write_nothing(cli, args: list[str], error: str):
    code, out, err = cli("message", "draft", *args, "--as", "comms")
    assert code == 1 and out == ""
    assert error in err and len(err.strip().splitlines()) == 1
    assert _messages(cli) == []


def test_reject_needs_a_reason_and_withdraw_stops_a_message(cli):
    message_id = cli("message", "draft", "--text", "Gates open at 18:00.", "--as", "comms")[1].strip()
    cli("message", "submit", message_id, "--as", "comms")
    code, _, err = cli("message", "reject", message_id, "--reason", " ", "--as", "cmdr")
    assert code == 1 and "Say why" in err
    assert cli("message", "reject", message_id, "--reason", "Wrong gate number", "--as", "cmdr")[0] == 0
    assert _messages(cli)[0]["status_reason"] == "Wrong gate number"
    assert cli("message", "withdraw", message_id, "--as", "comms")[0] == 0
    code, _, err = cli("message", "submit", message_id, "--as", "comms")
    assert code == 1 and "withdrawn" in err


def test_templates_and_channels_are_listed(cli, tmp_path: Path):
    code, out, _ = cli("template", "list")
    assert code == 0 and "road-closure" in out and "route-change" in out and "entry-gates" not in out  # a protest
    code, out, _ = cli("--json", "channel", "list")
    assert [c["platform"] for c in json.loads(out)] == ["mastodon", "sandbox"]


def test_pasted_windows_line_breaks_are_kept_as_line_breaks_and_invisible_text_is_empty(cli):
    code, _, err = cli("message", "draft", "--text", "Gate A closed.\r\nUse Gate B.", "--as", "comms")
    assert code == 0, err
    [message] = _messages(cli)
    assert message["variants"][0]["text"] == "Gate A closed.\nUse Gate B."
    code, _, err = cli("message", "draft", "--text", "\u200b\u200f ", "--as", "comms")
    assert code == 1 and "The message text is empty" in err


def test_break_glass_is_only_for_a_commanders_own_life_safety_message(cli):
    theirs = cli("message", "draft", "--text", "Leave Gate C now.", "--priority", "life-safety", "--as", "comms")[
        1
    ].strip()
    code, _, err = cli("message", "approve", theirs, "--break-glass", "No time", "--as", "cmdr", passphrase="secret-1")
    assert code == 1 and "Only a message you wrote yourself" in err
    assert _messages(cli)[0]["status"] == "draft"
    own = cli("message", "draft", "--text", "Leave Gate D now.", "--priority", "life-safety", "--as", "cmdr")[1].strip()
    code, out, err = cli(
        "message",
        "approve",
        own,
        "--break-glass",
        "Crush risk, nobody to co-sign",
        "--as",
        "cmdr",
        passphrase="secret-1",
    )
    assert code == 0, err
    assert "UNREVIEWED" in out
