"""The X adapter against a local server speaking API v2's request and response shapes."""

from datetime import UTC, datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from crowdops.channels.base import Ambiguous, ChannelConfig, NotPublished, Permanent, Post, Retry, Sent
from crowdops.channels.x import XPublisher
from tests.channels.helpers import assert_hidden, epoch, new_post, nobody_at, stalled
from tests.conftest import FakeClock

TOKEN = "x-oauth2-user-token-SECRET-0001"
TEXT = "Road closed at Syntagma until 18:00. Details: https://police.example/closures & updates."
AS_X_RETURNS = "Road closed at Syntagma until 18:00. Details: https://t.co/AbC123xyz &amp; updates."
DUPLICATE = {
    "detail": "You are not allowed to create a Tweet with duplicate content.",
    "type": "about:blank",
    "title": "Forbidden",
    "status": 403,
}
ME = {"data": {"id": "4242", "name": "City Police", "username": "cityPolice"}}


def make(
    httpserver: HTTPServer,
    clock: FakeClock,
    *,
    account: str = "cityPolice",
    base_url: str | None = None,
    secret: str = TOKEN,
    timeout: tuple[float, float] | None = None,
) -> XPublisher:
    url = httpserver.url_for("/") if base_url is None else base_url
    config = ChannelConfig(name="X main", kind="x", base_url=url, account=account, secret=secret)
    return XPublisher(config, clock=clock, timeout=timeout)


def a_post(clock: FakeClock, text: str = TEXT) -> Post:
    return new_post(text, clock.now)


def expect_timeline(httpserver: HTTPServer, posts: list[dict[str, str]]) -> None:
    httpserver.expect_request("/2/users/me", method="GET").respond_with_json(ME)
    query = {"max_results": "100", "tweet.fields": "created_at,text"}
    body = {"data": posts, "meta": {"result_count": len(posts)}} if posts else {"meta": {"result_count": 0}}
    httpserver.expect_request("/2/users/4242/tweets", method="GET", query_string=query).respond_with_json(body)


# -- publish ------------------------------------------------------------------------------------------------------


def test_publish_posts_the_text_with_the_bearer_token(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request(
        "/2/tweets", method="POST", json={"text": TEXT}, headers={"Authorization": f"Bearer {TOKEN}"}
    ).respond_with_json({"data": {"id": "1850000000000000001", "text": TEXT}}, status=201)

    outcome = make(httpserver, clock).publish(a_post(clock))

    assert outcome == Sent("1850000000000000001", "https://x.com/cityPolice/status/1850000000000000001")
    request, _ = httpserver.log[0]
    assert TOKEN not in request.url


def test_url_without_an_account_uses_the_generic_path(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request("/2/tweets").respond_with_json({"data": {"id": "7", "text": TEXT}}, status=201)

    outcome = make(httpserver, clock, account="").publish(a_post(clock))

    assert outcome == Sent("7", "https://x.com/i/status/7")


def test_a_spent_budget_pauses_the_channel_even_on_success(httpserver: HTTPServer, clock: FakeClock) -> None:
    reset = clock.now + timedelta(minutes=12)
    headers = {"x-rate-limit-limit": "100", "x-rate-limit-remaining": "0", "x-rate-limit-reset": epoch(reset)}
    httpserver.expect_request("/2/tweets").respond_with_json({"data": {"id": "8"}}, status=201, headers=headers)
    publisher = make(httpserver, clock)

    assert isinstance(publisher.publish(a_post(clock)), Sent)
    assert publisher.paused_until == reset


def test_budget_left_does_not_pause(httpserver: HTTPServer, clock: FakeClock) -> None:
    headers = {"x-rate-limit-remaining": "99", "x-rate-limit-reset": epoch(clock.now + timedelta(minutes=15))}
    httpserver.expect_request("/2/tweets").respond_with_json({"data": {"id": "8"}}, status=201, headers=headers)
    publisher = make(httpserver, clock)

    publisher.publish(a_post(clock))

    assert publisher.paused_until is None


def test_429_waits_for_the_rate_limit_reset(httpserver: HTTPServer, clock: FakeClock) -> None:
    reset = clock.now + timedelta(minutes=9)
    headers = {"x-rate-limit-remaining": "0", "x-rate-limit-reset": epoch(reset)}
    httpserver.expect_request("/2/tweets").respond_with_json(
        {"title": "Too Many Requests"}, status=429, headers=headers
    )
    publisher = make(httpserver, clock)

    outcome = publisher.publish(a_post(clock))

    assert isinstance(outcome, Retry)
    assert outcome.not_before == reset
    assert publisher.paused_until == reset


def test_429_for_the_daily_user_limit_waits_for_that_reset(httpserver: HTTPServer, clock: FakeClock) -> None:
    window, day = clock.now + timedelta(minutes=15), clock.now + timedelta(hours=20)
    headers = {
        "x-rate-limit-remaining": "95",
        "x-rate-limit-reset": epoch(window),
        "x-user-limit-24hour-remaining": "0",
        "x-user-limit-24hour-reset": epoch(day),
    }
    httpserver.expect_request("/2/tweets").respond_with_json(
        {"title": "Too Many Requests"}, status=429, headers=headers
    )

    outcome = make(httpserver, clock).publish(a_post(clock))

    assert isinstance(outcome, Retry)
    assert outcome.not_before == day


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [
        ("120", datetime(2026, 5, 1, 12, 2, tzinfo=UTC)),
        ("Fri, 01 May 2026 12:30:00 GMT", datetime(2026, 5, 1, 12, 30, tzinfo=UTC)),
    ],
    ids=["seconds", "http-date"],
)
def test_429_with_retry_after(httpserver: HTTPServer, clock: FakeClock, retry_after: str, expected: datetime) -> None:
    httpserver.expect_request("/2/tweets").respond_with_data("", status=429, headers={"Retry-After": retry_after})
    publisher = make(httpserver, clock)

    outcome = publisher.publish(a_post(clock))

    assert isinstance(outcome, Retry)
    assert outcome.not_before == expected
    assert publisher.paused_until == expected


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_ambiguous(httpserver: HTTPServer, clock: FakeClock, status: int) -> None:
    httpserver.expect_request("/2/tweets").respond_with_data("upstream trouble", status=status)

    outcome = make(httpserver, clock).publish(a_post(clock))

    assert isinstance(outcome, Ambiguous)
    assert TOKEN not in str(outcome)


def test_connection_refused_is_a_retry(clock: FakeClock, httpserver: HTTPServer) -> None:
    publisher = make(httpserver, clock, base_url=nobody_at())

    outcome = publisher.publish(a_post(clock))

    assert isinstance(outcome, Retry)
    assert "not sent" in outcome.message


def test_read_timeout_is_ambiguous(httpserver: HTTPServer, clock: FakeClock) -> None:
    with stalled(httpserver, "/2/tweets", Response("{}", status=201, content_type="application/json")):
        outcome = make(httpserver, clock, timeout=(1, 0.3)).publish(a_post(clock))

    assert isinstance(outcome, Ambiguous)
    assert TOKEN not in str(outcome)


def test_garbled_success_is_ambiguous(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request("/2/tweets").respond_with_data(
        '{"data": {"id": "18', status=201, content_type="application/json"
    )

    assert isinstance(make(httpserver, clock).publish(a_post(clock)), Ambiguous)


def test_rejected_token_is_permanent(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request("/2/tweets").respond_with_json(
        {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}, status=401
    )

    outcome = make(httpserver, clock).publish(a_post(clock))

    assert outcome == Permanent("X rejected the token — re-enter it in Channels.")


def test_other_403_is_permanent_with_x_s_words(httpserver: HTTPServer, clock: FakeClock) -> None:
    detail = "You are not permitted to perform this action."
    httpserver.expect_request("/2/tweets").respond_with_json({"title": "Forbidden", "detail": detail}, status=403)

    outcome = make(httpserver, clock).publish(a_post(clock))

    assert isinstance(outcome, Permanent)
    assert detail in outcome.message


def test_missing_token_is_permanent_without_a_request(httpserver: HTTPServer, clock: FakeClock) -> None:
    outcome = make(httpserver, clock, secret="").publish(a_post(clock))

    assert isinstance(outcome, Permanent)
    assert httpserver.log == []


# -- duplicates and resolve ---------------------------------------------------------------------------------------


def test_duplicate_content_is_reconciled_by_a_lookup(httpserver: HTTPServer, clock: FakeClock) -> None:
    post = a_post(clock)
    clock.advance(seconds=40)
    httpserver.expect_request("/2/tweets", method="POST").respond_with_json(DUPLICATE, status=403)
    seen = {"id": "1851", "text": AS_X_RETURNS, "created_at": "2026-05-01T12:00:03.000Z"}
    expect_timeline(
        httpserver, [{"id": "1852", "text": "Something else", "created_at": "2026-05-01T12:00:20.000Z"}, seen]
    )

    outcome = make(httpserver, clock).publish(post)

    assert outcome == Sent("1851", "https://x.com/cityPolice/status/1851")
    for request, _ in httpserver.log:
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        assert TOKEN not in request.url


def test_duplicate_content_not_found_stays_ambiguous(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request("/2/tweets", method="POST").respond_with_json(DUPLICATE, status=403)
    expect_timeline(httpserver, [])

    outcome = make(httpserver, clock).publish(a_post(clock))

    assert isinstance(outcome, Ambiguous)


def test_resolve_ignores_the_same_text_posted_long_before(httpserver: HTTPServer, clock: FakeClock) -> None:
    expect_timeline(httpserver, [{"id": "1700", "text": AS_X_RETURNS, "created_at": "2026-05-01T11:50:00.000Z"}])

    assert make(httpserver, clock).resolve(a_post(clock)) == NotPublished(
        "Checked X: the post is not among the account's recent posts."
    )


def test_resolve_accepts_small_clock_differences(httpserver: HTTPServer, clock: FakeClock) -> None:
    expect_timeline(httpserver, [{"id": "1701", "text": AS_X_RETURNS, "created_at": "2026-05-01T11:56:00.000Z"}])

    assert make(httpserver, clock).resolve(a_post(clock)) == Sent("1701", "https://x.com/cityPolice/status/1701")


def test_resolve_asks_for_the_account_id_once(httpserver: HTTPServer, clock: FakeClock) -> None:
    expect_timeline(httpserver, [])
    publisher = make(httpserver, clock)

    publisher.resolve(a_post(clock))
    publisher.resolve(a_post(clock))

    assert [request.path for request, _ in httpserver.log].count("/2/users/me") == 1


def test_resolve_when_x_fails_is_ambiguous_never_a_retry(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request("/2/users/me").respond_with_json(ME)
    httpserver.expect_request("/2/users/4242/tweets").respond_with_data("", status=503)
    publisher = make(httpserver, clock)

    assert isinstance(publisher.resolve(a_post(clock)), Ambiguous)
    unreachable = make(httpserver, clock, base_url=nobody_at())
    assert isinstance(unreachable.resolve(a_post(clock)), Ambiguous)


def test_resolve_rate_limited_waits_for_the_reset(httpserver: HTTPServer, clock: FakeClock) -> None:
    reset = clock.now + timedelta(minutes=4)
    httpserver.expect_request("/2/users/me").respond_with_json(ME)
    httpserver.expect_request("/2/users/4242/tweets").respond_with_data(
        "", status=429, headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": epoch(reset)}
    )
    publisher = make(httpserver, clock)

    outcome = publisher.resolve(a_post(clock))

    assert isinstance(outcome, Ambiguous)
    assert outcome.not_before == reset
    assert publisher.paused_until is None  # a look-up budget does not stop posting


# -- check, secrecy -----------------------------------------------------------------------------------------------


def test_check_names_the_account(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request("/2/users/me", headers={"Authorization": f"Bearer {TOKEN}"}).respond_with_json(ME)

    result = make(httpserver, clock).check()

    assert result.ok
    assert result.detail == "Signed in as @cityPolice"


def test_check_notices_a_token_for_another_account(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request("/2/users/me").respond_with_json(ME)

    result = make(httpserver, clock, account="@fireBrigade").check()

    assert not result.ok
    assert "@fireBrigade" in result.detail


def test_check_with_a_rejected_token(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request("/2/users/me").respond_with_json({"title": "Unauthorized"}, status=401)

    result = make(httpserver, clock).check()

    assert not result.ok
    assert "re-enter" in result.detail


def test_the_token_never_appears_in_an_outcome(httpserver: HTTPServer, clock: FakeClock) -> None:
    echo = {"title": "Forbidden", "detail": f"Token {TOKEN} may not post"}
    httpserver.expect_request("/2/tweets").respond_with_json(echo, status=403)
    httpserver.expect_request("/2/users/me").respond_with_json({"detail": f"bad {TOKEN}"}, status=400)
    publisher = make(httpserver, clock)

    outcomes = [publisher.publish(a_post(clock)), publisher.check(), publisher.resolve(a_post(clock))]

    assert_hidden([*outcomes, publisher], TOKEN)
    assert "[token hidden]" in str(outcomes[0])
