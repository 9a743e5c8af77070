"""The Telegram adapter against a local server speaking the Bot API's request and response shapes."""

from datetime import timedelta

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from crowdops.channels.base import Ambiguous, ChannelConfig, NeedsPerson, Outcome, Permanent, Post, Retry, Sent
from crowdops.channels.telegram import TelegramPublisher
from tests.channels.helpers import assert_hidden, new_post, nobody_at, stalled
from tests.conftest import FakeClock

TOKEN = "123456789:AAHsecretBotTokenSECRET-0001_xyz"
SEND = f"/bot{TOKEN}/sendMessage"
TEXT = "Demonstration route changed: Panepistimiou is closed. Follow officers' instructions."
NOT_ADMIN = (
    "The bot may not post in this channel — make it an admin of the channel with the right to post messages, "
    "then try again."
)


def make(
    httpserver: HTTPServer,
    clock: FakeClock,
    *,
    chat_id: str = "@citypolice",
    base_url: str | None = None,
    secret: str = TOKEN,
    timeout: tuple[float, float] | None = None,
) -> TelegramPublisher:
    url = httpserver.url_for("/") if base_url is None else base_url
    config = ChannelConfig(name="Telegram", kind="telegram", base_url=url, chat_id=chat_id, secret=secret)
    return TelegramPublisher(config, clock=clock, timeout=timeout)


def a_post(clock: FakeClock, text: str = TEXT) -> Post:
    return new_post(text, clock.now)


def sent_message(message_id: int, chat: dict[str, object]) -> dict[str, object]:
    return {"ok": True, "result": {"message_id": message_id, "chat": chat, "date": 1777636800, "text": TEXT}}


def error(code: int, description: str, **parameters: object) -> dict[str, object]:
    body: dict[str, object] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body


def assert_secret_kept(*outcomes: object) -> None:
    assert_hidden(outcomes, TOKEN, TOKEN.split(":")[1])


# -- publish ------------------------------------------------------------------------------------------------------


def test_publish_sends_the_message_to_the_channel(httpserver: HTTPServer, clock: FakeClock) -> None:
    body = {"chat_id": "@citypolice", "text": TEXT, "disable_web_page_preview": False}
    httpserver.expect_request(SEND, method="POST", json=body).respond_with_json(
        sent_message(42, {"id": -1001234567890, "type": "channel", "title": "City Police", "username": "citypolice"})
    )

    outcome = make(httpserver, clock).publish(a_post(clock))

    assert outcome == Sent("42", "https://t.me/citypolice/42")
    request, _ = httpserver.log[0]
    assert request.query_string == b""  # the token is in the path only, as the Bot API wants it


def test_a_private_channel_has_no_public_link(httpserver: HTTPServer, clock: FakeClock) -> None:
    body = {"chat_id": "-1001234567890", "text": TEXT, "disable_web_page_preview": False}
    httpserver.expect_request(SEND, json=body).respond_with_json(
        sent_message(7, {"id": -1001234567890, "type": "channel", "title": "Staff"})
    )

    outcome = make(httpserver, clock, chat_id="-1001234567890").publish(a_post(clock))

    assert outcome == Sent("7", "")


def test_the_link_falls_back_to_the_configured_name(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request(SEND).respond_with_json(sent_message(8, {"id": -100999, "type": "channel"}))

    assert make(httpserver, clock, chat_id="@cityalerts").publish(a_post(clock)) == Sent(
        "8", "https://t.me/cityalerts/8"
    )


def test_flood_control_retries_after_the_wait_telegram_asks(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request(SEND).respond_with_json(
        error(429, "Too Many Requests: retry after 35", retry_after=35), status=429
    )
    publisher = make(httpserver, clock)

    outcome = publisher.publish(a_post(clock))

    assert isinstance(outcome, Retry)
    assert outcome.not_before == clock.now + timedelta(seconds=35)
    assert publisher.paused_until == clock.now + timedelta(seconds=35)
    assert_secret_kept(outcome)


@pytest.mark.parametrize(
    ("status", "description", "message"),
    [
        (401, "Unauthorized", "Telegram rejected the bot token — re-enter it in Channels."),
        (404, "Not Found", "Telegram rejected the bot token — re-enter it in Channels."),
        (403, "Forbidden: bot is not a member of the channel chat", NOT_ADMIN),
        (403, "Forbidden: bot was kicked from the channel chat", NOT_ADMIN),
        (400, "Bad Request: need administrator rights in the channel chat", NOT_ADMIN),
        (
            400,
            "Bad Request: chat not found",
            "Telegram does not know the channel @citypolice — check its @name or id in Channels, and that the bot was "
            "added to it.",
        ),
        (400, "Bad Request: message is too long", "Telegram refused the post: Bad Request: message is too long"),
    ],
)
def test_refusals_are_permanent_in_plain_words(
    httpserver: HTTPServer, clock: FakeClock, status: int, description: str, message: str
) -> None:
    httpserver.expect_request(SEND).respond_with_json(error(status, description), status=status)

    outcome = make(httpserver, clock).publish(a_post(clock))

    assert outcome == Permanent(message)
    assert_secret_kept(outcome)


def test_a_group_that_moved_names_its_new_id(httpserver: HTTPServer, clock: FakeClock) -> None:
    body = error(400, "Bad Request: group chat was upgraded to a supergroup chat", migrate_to_chat_id=-1002233)
    httpserver.expect_request(SEND).respond_with_json(body, status=400)

    outcome = make(httpserver, clock, chat_id="-4455").publish(a_post(clock))

    assert isinstance(outcome, Permanent)
    assert "-1002233" in outcome.message


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_ambiguous(httpserver: HTTPServer, clock: FakeClock, status: int) -> None:
    httpserver.expect_request(SEND).respond_with_data("<html>nginx</html>", status=status)

    outcome = make(httpserver, clock).publish(a_post(clock))

    assert isinstance(outcome, Ambiguous)
    assert_secret_kept(outcome)


def test_connection_refused_is_a_retry(httpserver: HTTPServer, clock: FakeClock) -> None:
    outcome = make(httpserver, clock, base_url=nobody_at()).publish(a_post(clock))

    assert isinstance(outcome, Retry)
    assert_secret_kept(outcome)


def test_read_timeout_is_ambiguous(httpserver: HTTPServer, clock: FakeClock) -> None:
    with stalled(httpserver, SEND, Response('{"ok": true}', status=200, content_type="application/json")):
        outcome = make(httpserver, clock, timeout=(1, 0.3)).publish(a_post(clock))

    assert isinstance(outcome, Ambiguous)
    assert_secret_kept(outcome)


@pytest.mark.parametrize("body", ['{"ok": true, "result": {"message_', '{"ok": true}', "<html>ok</html>"])
def test_garbled_success_is_ambiguous(httpserver: HTTPServer, clock: FakeClock, body: str) -> None:
    httpserver.expect_request(SEND).respond_with_data(body, content_type="application/json")

    assert isinstance(make(httpserver, clock).publish(a_post(clock)), Ambiguous)


@pytest.mark.parametrize(("secret", "chat_id"), [("", "@citypolice"), ("not a token", "@citypolice"), (TOKEN, "")])
def test_missing_settings_are_permanent_without_a_request(
    httpserver: HTTPServer, clock: FakeClock, secret: str, chat_id: str
) -> None:
    outcome = make(httpserver, clock, secret=secret, chat_id=chat_id).publish(a_post(clock))

    assert isinstance(outcome, Permanent)
    assert httpserver.log == []


# -- resolve, check, secrecy --------------------------------------------------------------------------------------


def test_an_ambiguous_send_needs_a_person(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request(SEND).respond_with_data("", status=502)
    publisher, post = make(httpserver, clock), a_post(clock)

    assert isinstance(publisher.publish(post), Ambiguous)
    assert publisher.resolve(post) == NeedsPerson(
        "Telegram cannot be checked: look at the channel and mark the post as sent or not sent."
    )
    assert len(httpserver.log) == 1  # resolving sent nothing


def test_check_names_the_bot_and_the_channel(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request(f"/bot{TOKEN}/getMe").respond_with_json(
        {"ok": True, "result": {"id": 123456789, "is_bot": True, "first_name": "City Police", "username": "cp_bot"}}
    )
    httpserver.expect_request(f"/bot{TOKEN}/getChat", json={"chat_id": "@citypolice"}).respond_with_json(
        {"ok": True, "result": {"id": -1001234567890, "type": "channel", "title": "City Police Athens"}}
    )

    result = make(httpserver, clock).check()

    assert result.ok
    assert result.detail == "Bot @cp_bot in City Police Athens"


def test_check_with_a_rejected_token(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request(f"/bot{TOKEN}/getMe").respond_with_json(error(401, "Unauthorized"), status=401)

    result = make(httpserver, clock).check()

    assert not result.ok
    assert result.detail == "Telegram rejected the bot token — re-enter it in Channels."


def test_check_with_an_unknown_channel(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request(f"/bot{TOKEN}/getMe").respond_with_json({"ok": True, "result": {"username": "cp_bot"}})
    httpserver.expect_request(f"/bot{TOKEN}/getChat").respond_with_json(
        error(400, "Bad Request: chat not found"), status=400
    )

    result = make(httpserver, clock).check()

    assert not result.ok
    assert "does not know the channel" in result.detail


def test_the_token_never_appears_in_an_outcome(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request(SEND).respond_with_json(error(400, f"Bad Request: bad URL /bot{TOKEN}/x"), status=400)
    httpserver.expect_request(f"/bot{TOKEN}/getMe").respond_with_json(error(500, f"oops {TOKEN}"), status=500)
    publisher = make(httpserver, clock)
    unreachable = make(httpserver, clock, base_url=nobody_at())
    invalid = make(httpserver, clock, base_url="http://[::1")

    outcomes: list[object] = [publisher.publish(a_post(clock)), publisher.check()]
    outcomes += [unreachable.publish(a_post(clock)), unreachable.check(), invalid.publish(a_post(clock))]

    assert_secret_kept(*outcomes, repr(publisher))
    assert "[token hidden]" in str(outcomes[0])


def test_an_unexpected_error_does_not_carry_the_url(
    httpserver: HTTPServer, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    publisher = make(httpserver, clock)

    def broken(*args: object, **kwargs: object) -> Outcome:
        raise ValueError(f"cannot send to {args[1]}")

    monkeypatch.setattr(publisher._http.session, "request", broken)

    with pytest.raises(RuntimeError) as raised:
        publisher.publish(a_post(clock))

    assert_secret_kept(raised.value, repr(raised.value.__cause__))
    assert raised.value.__suppress_context__
