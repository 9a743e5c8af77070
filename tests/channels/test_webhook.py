"""The webhook adapter against a local receiver that checks what it gets the way the module docstring asks."""

import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from crowdops.channels.base import Ambiguous, ChannelConfig, Permanent, Post, Retry, Sent
from crowdops.channels.webhook import WebhookPublisher
from tests.channels.helpers import assert_hidden, nobody_at, stalled
from tests.conftest import FakeClock

SECRET = "whsec-SECRET-signing-key-0001"
TEXT = "Σταθμός Ομόνοια: κλειστός έως τις 20:00. Metro station Omonia closed until 20:00."
KEY = "0123456789abcdef0123456789abcdef"
ITEM = uuid.UUID("6f1c2b9a-0000-4000-8000-000000000001")


def make(
    httpserver: HTTPServer,
    clock: FakeClock,
    *,
    base_url: str | None = None,
    secret: str = SECRET,
    timeout: tuple[float, float] | None = None,
) -> WebhookPublisher:
    url = httpserver.url_for("/hooks/crowdops") if base_url is None else base_url
    config = ChannelConfig(name="Agency website", kind="webhook", base_url=url, secret=secret)
    return WebhookPublisher(config, clock=clock, timeout=timeout)


def a_post(clock: FakeClock) -> Post:
    return Post(ITEM, TEXT, "el", KEY, "", clock.now)


def verified(request: Request) -> bytes:
    """What a receiver does first: recompute the signature over the raw body, and refuse it if it differs."""
    body = request.get_data()
    timestamp = request.headers["X-CrowdOps-Timestamp"]
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(request.headers["X-CrowdOps-Signature"], f"sha256={expected}")
    return body


# -- publish ------------------------------------------------------------------------------------------------------


def test_publish_sends_a_signed_compact_body(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request("/hooks/crowdops", method="POST").respond_with_json(
        {"id": "news-881", "url": "https://police.example/news/881"}, status=201
    )

    outcome = make(httpserver, clock).publish(a_post(clock))

    assert outcome == Sent("news-881", "https://police.example/news/881")
    request, _ = httpserver.log[0]
    body = verified(request)
    assert json.loads(body) == {
        "id": str(ITEM),
        "idempotency_key": KEY,
        "language": "el",
        "text": TEXT,
        "created_at": "2026-05-01T12:00:00+00:00",
        "channel": "Agency website",
    }
    assert body == json.dumps(json.loads(body), separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()
    assert request.headers["X-CrowdOps-Timestamp"] == str(int(datetime(2026, 5, 1, 12, tzinfo=UTC).timestamp()))
    assert request.headers["Idempotency-Key"] == KEY
    assert request.headers["X-CrowdOps-Event"] == "post"
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert SECRET.encode() not in body and SECRET not in str(request.headers)


def test_a_bare_success_uses_the_idempotency_key(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request("/hooks/crowdops").respond_with_data("", status=204)

    assert make(httpserver, clock).publish(a_post(clock)) == Sent(KEY, "")


def test_a_plain_text_success_is_still_a_success(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request("/hooks/crowdops").respond_with_data("OK", status=200, content_type="text/plain")

    assert make(httpserver, clock).publish(a_post(clock)) == Sent(KEY, "")


def test_garbled_json_success_is_ambiguous(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request("/hooks/crowdops").respond_with_data('{"id": "ne', content_type="application/json")

    assert isinstance(make(httpserver, clock).publish(a_post(clock)), Ambiguous)


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [
        ("90", datetime(2026, 5, 1, 12, 1, 30, tzinfo=UTC)),
        ("Fri, 01 May 2026 12:20:00 GMT", datetime(2026, 5, 1, 12, 20, tzinfo=UTC)),
    ],
    ids=["seconds", "http-date"],
)
def test_429_with_retry_after(httpserver: HTTPServer, clock: FakeClock, retry_after: str, expected: datetime) -> None:
    httpserver.expect_request("/hooks/crowdops").respond_with_data("slow down", 429, {"Retry-After": retry_after})
    publisher = make(httpserver, clock)

    outcome = publisher.publish(a_post(clock))

    assert isinstance(outcome, Retry)
    assert outcome.not_before == expected
    assert publisher.paused_until == expected


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_ambiguous(httpserver: HTTPServer, clock: FakeClock, status: int) -> None:
    httpserver.expect_request("/hooks/crowdops").respond_with_data("down", status=status)

    assert isinstance(make(httpserver, clock).publish(a_post(clock)), Ambiguous)


def test_connection_refused_is_a_retry(httpserver: HTTPServer, clock: FakeClock) -> None:
    publisher = make(httpserver, clock, base_url=nobody_at("/hook?token=address-secret"))

    outcome = publisher.publish(a_post(clock))

    assert isinstance(outcome, Retry)
    assert "address-secret" not in str(outcome)  # only scheme and host of the address are ever shown


def test_read_timeout_is_ambiguous(httpserver: HTTPServer, clock: FakeClock) -> None:
    with stalled(httpserver, "/hooks/crowdops", Response("", status=204)):
        outcome = make(httpserver, clock, timeout=(1, 0.3)).publish(a_post(clock))

    assert isinstance(outcome, Ambiguous)


@pytest.mark.parametrize(
    ("status", "words"), [(400, "HTTP 400"), (422, "HTTP 422"), (401, "signature"), (403, "signature")]
)
def test_refusals_are_permanent_with_the_status(
    httpserver: HTTPServer, clock: FakeClock, status: int, words: str
) -> None:
    httpserver.expect_request("/hooks/crowdops").respond_with_json({"error": "text missing"}, status=status)

    outcome = make(httpserver, clock).publish(a_post(clock))

    assert isinstance(outcome, Permanent)
    assert words in outcome.message


def test_a_copy_still_in_progress_is_ambiguous(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request("/hooks/crowdops").respond_with_data("", status=409)

    assert isinstance(make(httpserver, clock).publish(a_post(clock)), Ambiguous)


def test_a_redirect_is_not_followed(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request("/hooks/crowdops").respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/elsewhere")}
    )

    outcome = make(httpserver, clock).publish(a_post(clock))

    assert isinstance(outcome, Permanent)
    assert len(httpserver.log) == 1


@pytest.mark.parametrize(("address", "secret"), [("", SECRET), (None, "")])
def test_missing_settings_are_permanent_without_a_request(
    httpserver: HTTPServer, clock: FakeClock, address: str | None, secret: str
) -> None:
    outcome = make(httpserver, clock, base_url=address, secret=secret).publish(a_post(clock))

    assert isinstance(outcome, Permanent)
    assert httpserver.log == []


def test_no_address_says_so(httpserver: HTTPServer, clock: FakeClock) -> None:
    outcome = make(httpserver, clock, base_url="").publish(a_post(clock))

    assert isinstance(outcome, Permanent)
    assert outcome.message.startswith("No address set")


# -- resolve ------------------------------------------------------------------------------------------------------


def test_resolve_sends_the_same_post_with_the_same_key(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_ordered_request("/hooks/crowdops").respond_with_data("", status=503)
    httpserver.expect_ordered_request("/hooks/crowdops").respond_with_json({"id": "news-881"})
    publisher, post = make(httpserver, clock), a_post(clock)

    assert isinstance(publisher.publish(post), Ambiguous)
    clock.advance(minutes=3)
    assert publisher.resolve(post) == Sent("news-881", "")

    (first, _), (second, _) = httpserver.log
    assert verified(first) == verified(second)  # the same bytes, each signed with its own timestamp
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"] == KEY
    assert int(second.headers["X-CrowdOps-Timestamp"]) - int(first.headers["X-CrowdOps-Timestamp"]) == 180


def test_resolve_when_unreachable_stays_ambiguous(httpserver: HTTPServer, clock: FakeClock) -> None:
    publisher = make(httpserver, clock, base_url=nobody_at("/hook"))

    assert isinstance(publisher.resolve(a_post(clock)), Ambiguous)


# -- check, secrecy -----------------------------------------------------------------------------------------------


def test_check_sends_a_signed_ping(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request("/hooks/crowdops", method="POST", headers={"X-CrowdOps-Event": "ping"}).respond_with_data(
        "", status=204
    )

    result = make(httpserver, clock).check()

    assert result.ok
    request, _ = httpserver.log[0]
    assert verified(request) == b'{"ping":true}'


def test_check_with_a_wrong_secret(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request("/hooks/crowdops").respond_with_data("bad signature", status=401)

    result = make(httpserver, clock).check()

    assert not result.ok
    assert "secret" in result.detail


def test_the_secret_never_appears_in_an_outcome(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request("/hooks/crowdops").respond_with_json({"error": f"expected key {SECRET}"}, status=400)
    publisher = make(httpserver, clock)

    outcomes = [publisher.publish(a_post(clock)), publisher.resolve(a_post(clock)), publisher.check()]

    assert_hidden([*outcomes, publisher], SECRET)
