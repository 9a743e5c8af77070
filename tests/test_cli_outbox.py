"""Publishing through the CLI against a local Mastodon-like server: channel add/secret/test, sync --once and its
exit codes, outbox list/retry/cancel/resolve, and bad input refused with one clear line and nothing changed."""

import io
import json
import socket
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from crowdops.app import App
from crowdops.cli.main import main
from tests.mastodon_server import TOKEN, MastodonServer

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def server() -> MastodonServer:
    with MastodonServer() as running:
        yield running


@pytest.fixture
def cli(staffed: App, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    db = str(staffed.db.path)
    staffed.close()

    def run(*args: str, stdin: str | None = None, passphrase: str = "secret-1") -> tuple[int, str, str]:
        monkeypatch.setenv("CROWDOPS_PASSPHRASE", passphrase)
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        capsys.readouterr()
        try:
            code = main(["--db", db, *args])
        except SystemExit as usage:  # argparse refuses a command line with exit 2
            code = int(usage.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _dead_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens here any more


def _approve(cli: Cli, text: str, channel: str) -> str:
    code, out, err = cli("message", "draft", "--text", text, "--channel", channel, "--as", "comms")
    assert code == 0, err
    message_id = out.strip()
    assert cli("message", "submit", message_id, "--as", "comms")[0] == 0
    code, _, err = cli("message", "approve", message_id, "--as", "cmdr")
    assert code == 0, err
    return message_id


def _outbox(cli: Cli) -> list[dict]:
    code, out, err = cli("--json", "outbox", "list")
    assert code == 0, err
    return json.loads(out)


def _add_mastodon(cli: Cli, url: str, name: str = "Police Mastodon") -> None:
    code, out, err = cli("channel", "add", name, "--kind", "mastodon", "--base-url", url, "--as", "cmdr")
    assert code == 0, err
    assert f"crowdops channel secret {name}" in out  # says what comes next
    code, out, err = cli("channel", "secret", name, "--as", "cmdr", stdin=TOKEN + "\n")
    assert (code, err) == (0, ""), err
    assert TOKEN not in out


def test_from_channel_to_published_post(cli: Cli, server: MastodonServer) -> None:
    _add_mastodon(cli, server.url)
    code, out, _ = cli("channel", "test", "Police Mastodon")
    assert code == 0 and out.startswith("OK: ") and "@police" in out
    _approve(cli, "Gate 3 is open. Use the north entrance.", "Police Mastodon")
    assert [e["status"] for e in _outbox(cli)] == ["queued"]

    code, out, err = cli("sync", "--once")
    assert (code, err) == (0, ""), err
    assert "1 sent" in out
    [entry] = _outbox(cli)
    assert entry["status"] == "sent" and entry["url"] == server.state.statuses[0]["url"]
    assert [s["content"] for s in server.state.statuses] == ["<p>Gate 3 is open. Use the north entrance.</p>"]

    code, out, _ = cli("outbox", "list")
    assert code == 0 and "Published" in out and entry["url"] in out
    assert cli("sync", "--once")[0] == 0 and len(server.state.statuses) == 1  # nothing twice


def test_an_unreachable_server_leaves_the_post_queued_with_the_reason_and_exit_3(cli: Cli) -> None:
    _add_mastodon(cli, _dead_url())
    _approve(cli, "Gate 3 is open.", "Police Mastodon")
    code, out, err = cli("--json", "sync", "--once")
    assert (code, err) == (3, "")
    report = json.loads(out)
    assert report["pending"] == 1 and report["unreachable"] == ["Police Mastodon"]
    [entry] = _outbox(cli)
    assert entry["status"] == "queued" and entry["attempts"] == 1
    assert "the post was not sent" in entry["last_error"] and entry["next_attempt_at"]

    code, out, err = cli("outbox", "retry", entry["id"][:8])
    assert (code, err) == (0, "") and "Waiting to send" in out
    assert _outbox(cli)[0]["next_attempt_at"] is None  # due now
    code, out, err = cli("outbox", "cancel", entry["id"][:8], "--as", "comms")
    assert code == 1 and "only a commander" in err
    code, out, err = cli("outbox", "cancel", entry["id"][:8], "--as", "cmdr")
    assert (code, err) == (0, "") and "Cancelled" in out
    assert cli("sync", "--once")[0] == 0  # nothing left to do


def test_resolving_a_post_by_hand(cli: Cli, tmp_path: Path, staffed: App) -> None:
    _add_mastodon(cli, _dead_url())
    _approve(cli, "Gate 3 is open.", "Police Mastodon")
    db = sqlite3.connect(staffed.db.path)
    with db:  # as a worker that died mid-request leaves it
        db.execute("UPDATE outbox_items SET status = 'unknown', maybe_sent = 1")
    db.close()
    [entry] = _outbox(cli)
    ref = entry["id"][:8]
    code, _, err = cli("outbox", "cancel", ref, "--as", "cmdr")
    assert code == 1 and "may already be out" in err
    code, _, err = cli("outbox", "resolve", ref, "--sent", "not a url", "--as", "cmdr")
    assert code == 1 and "is not the address of a post" in err
    code, _, err = cli("outbox", "resolve", ref, "--as", "cmdr")
    assert code == 2 and "one of the arguments --sent --not-sent is required" in err
    assert _outbox(cli)[0]["status"] == "unknown"  # refusals changed nothing
    code, out, err = cli("outbox", "resolve", ref, "--sent", "https://social.example/@police/9", "--as", "cmdr")
    assert (code, err) == (0, "") and "Published" in out
    assert _outbox(cli)[0]["url"] == "https://social.example/@police/9"


@pytest.mark.parametrize(
    ("args", "stdin", "error"),
    [
        (["channel", "add", "X1", "--kind", "myspace", "--as", "cmdr"], None, "Unknown platform 'myspace'"),
        (["channel", "add", "M1", "--kind", "mastodon", "--base-url", "ftp://x", "--as", "cmdr"], None, "not a server"),
        (["channel", "secret", "Nope", "--as", "cmdr"], "tok\n", "No channel named 'Nope'"),
        (["outbox", "retry", "zz"], None, "'zz' is not an outbox id"),
        (["outbox", "retry", "abcd"], None, "No post in the outbox with id abcd"),
        (["outbox", "list", "--status", "lost"], None, "Unknown outbox state 'lost'"),
    ],
)
def test_bad_input_is_refused_in_one_line(cli: Cli, args: list[str], stdin: str | None, error: str) -> None:
    code, out, err = cli(*args, stdin=stdin)
    assert (code, out) == (1, "")
    assert err.startswith("crowdops: ") and error in err and err.count("\n") == 1


def test_a_secret_is_checked_and_never_printed(cli: Cli, server: MastodonServer) -> None:
    assert cli("channel", "add", "Feed", "--kind", "sandbox", "--as", "cmdr")[0] == 0
    code, _, err = cli("channel", "secret", "Feed", "--as", "cmdr", stdin="x\n")
    assert code == 1 and "needs no token" in err
    cli("channel", "add", "Police Mastodon", "--kind", "mastodon", "--base-url", server.url, "--as", "cmdr")
    code, _, err = cli("channel", "secret", "Police Mastodon", "--as", "cmdr", stdin="\n")
    assert code == 1 and "empty" in err
    code, out, _ = cli("channel", "test", "Police Mastodon")
    assert code == 1 and out.startswith("Not working: No token is set for 'Police Mastodon'")
    cli("channel", "secret", "Police Mastodon", "--as", "cmdr", stdin="wrong-token\n")
    code, out, _ = cli("channel", "test", "Police Mastodon")
    assert code == 1 and "wrong-token" not in out and "re-enter it in Channels" in out
    code, out, _ = cli("--json", "channel", "list")
    assert "wrong-token" not in out and json.loads(out)[1]["base_url"] == server.url
    code, out, _ = cli("audit", "verify")
    assert code == 0


def test_channel_test_learns_the_instances_length_limit_and_submit_honours_it(cli: Cli, server: MastodonServer) -> None:
    server.state.max_characters = 40
    _add_mastodon(cli, server.url)
    code, out, _ = cli("channel", "test", "Police Mastodon")
    assert code == 0 and "up to 40 characters" in out
    assert json.loads(cli("--json", "channel", "list")[1])[0]["name"] == "Police Mastodon"
    long = "Gate 3 is open. Please use the north entrance today."  # 52 characters
    code, out, err = cli("message", "draft", "--text", long, "--channel", "Police Mastodon", "--as", "comms")
    assert code == 0, err
    code, _, err = cli("message", "submit", out.strip(), "--as", "comms")
    assert code == 1 and "Police Mastodon (en): 52 of 40" in err


def test_fixing_a_channel_and_retrying_its_failed_post(cli: Cli, server: MastodonServer) -> None:
    assert cli("channel", "add", "Police Mastodon", "--kind", "mastodon", "--as", "cmdr")[0] == 0
    cli("channel", "secret", "Police Mastodon", "--as", "cmdr", stdin=TOKEN + "\n")
    _approve(cli, "Gate 3 is open.", "Police Mastodon")
    assert cli("sync", "--once")[0] == 0  # nothing pending: it failed, loudly
    [entry] = _outbox(cli)
    assert (entry["status"], entry["last_error"]) == (
        "failed",
        "'Police Mastodon' has no server address yet: set it in Channels.",
    )
    code, _, err = cli("channel", "set", "Police Mastodon", "--as", "cmdr")
    assert code == 1 and "Nothing to change" in err
    code, _, err = cli("channel", "set", "Police Mastodon", "--base-url", server.url, "--as", "comms")
    assert code == 1 and "only a commander" in err
    code, out, err = cli("--json", "channel", "set", "Police Mastodon", "--base-url", server.url, "--as", "cmdr")
    assert (code, err) == (0, "") and json.loads(out)["base_url"] == server.url
    assert cli("outbox", "retry", entry["id"][:8], "--as", "comms")[0] == 0
    assert cli("sync", "--once")[0] == 0
    assert _outbox(cli)[0]["status"] == "sent" and len(server.state.statuses) == 1


def test_stale_limits_are_shown_and_set_by_a_commander(cli: Cli) -> None:
    code, out, _ = cli("--json", "outbox", "stale-after")
    assert code == 0 and json.loads(out) == {"life-safety": 30, "urgent": 120, "routine": 720}
    code, _, err = cli("outbox", "stale-after", "urgent")
    assert code == 1 and "Give the priority, the minutes and who you are" in err
    code, out, err = cli("outbox", "stale-after", "urgent", "90", "--as", "cmdr")
    assert (code, err) == (0, "") and "urgent: held after 90 min" in out
    code, _, err = cli("outbox", "stale-after", "urgent", "90", "--as", "watcher")
    assert code == 1 and "only a commander" in err


def test_without_a_secure_keyring_a_token_is_refused_and_kept_nowhere(
    cli: Cli, staffed: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    assert cli("channel", "add", "Police Mastodon", "--kind", "mastodon", "--as", "cmdr")[0] == 0
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    keyring.set_keyring(PlaintextKeyring())  # what keyring falls back to by chance when keyrings.alt is installed
    code, out, err = cli("channel", "secret", "Police Mastodon", "--as", "cmdr", stdin="tok-7f3a9c\n")
    assert (code, out) == (1, "") and "No secure system keyring is available" in err
    assert "tok-7f3a9c" not in err
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(b"tok-7f3a9c" not in p.read_bytes() for p in files)  # no plain-text keyring file, no database row
    assert b"tok-7f3a9c" not in Path(staffed.db.path).read_bytes()
