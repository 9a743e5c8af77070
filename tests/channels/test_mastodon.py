"""The Mastodon adapter against a local server speaking Mastodon's REST API shapes (statuses, accounts, instance)."""

import html
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from crowdops.channels.base import Ambiguous, ChannelConfig, NotPublished, Permanent, Post, Retry, Sent
from crowdops.channels.mastodon import MastodonPublisher, comparable, plain_text
from tests.channels.helpers import NOW, RawServer, Received, assert_hidden, new_post, nobody_at, stalled

TOKEN = "mastodon-access-token-SECRET-7f3a9c"
TEXT = "Road closed at the Old Bridge until 18:00. Use Mill Street instead."
INSTANCE = "https://social.police.example"


@dataclass
class FakeMastodon:
    """The part of a Mastodon server the adapter uses, with Mastodon's behaviour: an Idempotency-Key repeat answers
    with the status already made; statuses come newest first, paged with max_id; HTML `content`."""

    statuses: list[dict[str, Any]] = field(default_factory=list)  # oldest first
    by_key: dict[str, dict[str, Any]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)

    def add(self, text: str, created_at: datetime, content: str | None = None) -> dict[str, Any]:
        status_id = str(110_000_000 + len(self.statuses))
        status = {
            "id": status_id,
            "created_at": created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "url": f"{INSTANCE}/@police/{status_id}",
            "uri": f"{INSTANCE}/users/police/statuses/{status_id}",
            "visibility": "public",
            "language": "en",
            "content": content if content is not None else as_html(text),
            "reblog": None,
        }
        self.statuses.append(status)
        return status

    def post_status(self, request: Received) -> tuple[int, Any]:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return 401, {"error": "The access token is invalid"}
        key = request.headers.get("idempotency-key", "")
        if key in self.by_key:
            return 200, self.by_key[key]
        body = request.json()
        if len(body["status"]) > 500:
            return 422, {"error": "Validation failed: Text character limit of 500 exceeded"}
        self.by_key[key] = self.add(body["status"], NOW)
        return 200, self.by_key[key]

    def verify_credentials(self, request: Received) -> tuple[int, Any]:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return 401, {"error": "The access token is invalid"}
        return 200, {"id": "109", "username": "police", "acct": "police", "display_name": "City Police"}

    def account_statuses(self, request: Received) -> tuple[int, Any]:
        newest_first = list(reversed(self.statuses))
        if "max_id" in request.query:
            newest_first = [s for s in newest_first if int(s["id"]) < int(request.query["max_id"])]
        return 200, newest_first[: int(request.query.get("limit", "20"))]

    def serve(self, server: HTTPServer) -> None:
        routes: list[tuple[str | re.Pattern[str], str, Callable[[Received], tuple[int, Any]]]] = [
            ("/api/v1/statuses", "POST", self.post_status),
            ("/api/v1/accounts/verify_credentials", "GET", self.verify_credentials),
            (re.compile(r"^/api/v1/accounts/\d+/statuses$"), "GET", self.account_statuses),
        ]
        for path, method, route in routes:
            server.expect_request(path, method=method).respond_with_handler(self._werkzeug(route))

    def _werkzeug(self, route: Callable[[Received], tuple[int, Any]]) -> Callable[[Request], Response]:
        def handler(request: Request) -> Response:
            received = Received.of(request)
            self.received.append(received)
            status, body = route(received)
            return Response(json.dumps(body), status=status, content_type="application/json")

        return handler

    def posts_received(self) -> list[Received]:
        return [r for r in self.received if r.method == "POST"]


def as_html(text: str) -> str:
    """Roughly Mastodon's plain-text formatter: escaped, blank lines make paragraphs, newlines make <br />."""
    paragraphs = re.split(r"\n\n+", html.escape(text, quote=False))
    return "".join("<p>" + p.replace("\n", "<br />") + "</p>" for p in paragraphs)


# -- helpers ------------------------------------------------------------------------------------------------------


def make(
    base_url: str, *, now: datetime = NOW, timeout: tuple[float, float] | None = None, secret: str = TOKEN
) -> MastodonPublisher:
    config = ChannelConfig(name="Police Mastodon", kind="mastodon", base_url=base_url, account="police", secret=secret)
    return MastodonPublisher(config, clock=lambda: now, timeout=timeout)


def a_post(text: str = TEXT, *, age: timedelta = timedelta(minutes=2)) -> Post:
    return new_post(text, NOW - age, record_key="3lbzq2x7mtk2a")


@pytest.fixture
def fake(httpserver: HTTPServer) -> FakeMastodon:
    server = FakeMastodon()
    server.serve(httpserver)
    return server


# -- publish ------------------------------------------------------------------------------------------------------


def test_publish_sends_the_text_with_its_language_key_and_token(httpserver: HTTPServer, fake: FakeMastodon) -> None:
    post = Post(uuid.uuid4(), "Κλειστός δρόμος 🚧 μέχρι τις 18:00.", "el", uuid.uuid4().hex, "", NOW)

    outcome = make(httpserver.url_for("/")).publish(post)

    assert outcome == Sent("110000000", f"{INSTANCE}/@police/110000000")
    (received,) = fake.posts_received()
    assert received.headers["authorization"] == f"Bearer {TOKEN}"
    assert received.headers["idempotency-key"] == post.idempotency_key
    assert received.json() == {"status": post.text, "language": "el", "visibility": "public"}


def test_a_repeat_with_the_same_key_returns_the_same_status(httpserver: HTTPServer, fake: FakeMastodon) -> None:
    publisher, post = make(httpserver.url_for("/")), a_post()

    first = publisher.publish(post)
    again = publisher.resolve(post)

    assert isinstance(first, Sent) and again == first
    assert len(fake.statuses) == 1
    assert [r.headers["idempotency-key"] for r in fake.posts_received()] == [post.idempotency_key] * 2


@pytest.mark.parametrize(
    ("retry_after", "reset", "expected"),
    [
        ("120", "2026-05-01T12:01:00.000Z", NOW + timedelta(seconds=120)),
        ("Fri, 01 May 2026 12:05:00 GMT", "2026-05-01T12:03:00.000Z", datetime(2026, 5, 1, 12, 5, tzinfo=UTC)),
        (None, "2026-05-01T12:10:00.000Z", datetime(2026, 5, 1, 12, 10, tzinfo=UTC)),
    ],
    ids=["seconds", "http-date", "reset-only"],
)
def test_rate_limited_waits_for_the_later_of_retry_after_and_reset(
    httpserver: HTTPServer, retry_after: str | None, reset: str, expected: datetime
) -> None:
    headers = {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
    if retry_after:
        headers["Retry-After"] = retry_after
    httpserver.expect_request("/api/v1/statuses", method="POST").respond_with_json(
        {"error": "Too many requests"}, status=429, headers=headers
    )
    publisher = make(httpserver.url_for("/"))

    outcome = publisher.publish(a_post())

    assert isinstance(outcome, Retry) and outcome.not_before == expected
    assert publisher.paused_until == expected


def test_a_spent_budget_pauses_the_channel_until_the_reset(httpserver: HTTPServer, fake: FakeMastodon) -> None:
    reset = "2026-05-01T12:05:00.000Z"
    httpserver.clear_all_handlers()
    httpserver.expect_oneshot_request("/api/v1/statuses", method="POST").respond_with_json(
        {"id": "1", "url": f"{INSTANCE}/@police/1"}, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
    )
    httpserver.expect_oneshot_request("/api/v1/statuses", method="POST").respond_with_json(
        {"id": "2", "url": f"{INSTANCE}/@police/2"},
        headers={"X-RateLimit-Remaining": "299", "X-RateLimit-Reset": reset},
    )
    publisher = make(httpserver.url_for("/"))

    assert publisher.publish(a_post()) == Sent("1", f"{INSTANCE}/@police/1")
    assert publisher.paused_until == datetime(2026, 5, 1, 12, 5, tzinfo=UTC)
    assert isinstance(publisher.publish(a_post()), Sent)
    assert publisher.paused_until is None


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_ambiguous(httpserver: HTTPServer, status: int) -> None:
    httpserver.expect_request("/api/v1/statuses", method="POST").respond_with_data("Bad gateway", status=status)

    outcome = make(httpserver.url_for("/")).publish(a_post())

    assert isinstance(outcome, Ambiguous)
    assert f"HTTP {status}" in outcome.message


def test_an_unreachable_server_means_not_sent() -> None:
    outcome = make(nobody_at()).publish(a_post())

    assert isinstance(outcome, Retry)
    assert "not sent" in outcome.message


def test_no_answer_in_time_is_ambiguous(httpserver: HTTPServer) -> None:
    with stalled(httpserver, re.compile(".*"), Response("{}", status=200, content_type="application/json")):
        outcome = make(httpserver.url_for("/"), timeout=(1, 0.3)).publish(a_post())

    assert isinstance(outcome, Ambiguous)


def test_a_reset_after_the_post_was_stored_is_ambiguous_and_resolve_finds_it(
    httpserver: HTTPServer, fake: FakeMastodon
) -> None:
    def store_then_drop(request: Received) -> None:
        fake.post_status(request)  # stored, but the client never hears back

    dropping = RawServer(store_then_drop)
    post = a_post()
    try:
        outcome = make(dropping.url).publish(post)
    finally:
        dropping.close()

    assert isinstance(outcome, Ambiguous)
    assert len(fake.statuses) == 1  # the server did store it

    found = make(httpserver.url_for("/")).resolve(post)

    assert found == Sent("110000000", f"{INSTANCE}/@police/110000000")
    assert len(fake.statuses) == 1  # the same key brought back the same status, not a second one


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("<html><body>Welcome</body></html>", "text/html"), ('{"id": "110000000"}', "application/json")],
    ids=["not-json", "no-url"],
)
def test_an_unreadable_success_is_ambiguous(httpserver: HTTPServer, body: str, content_type: str) -> None:
    httpserver.expect_request("/api/v1/statuses", method="POST").respond_with_data(body, content_type=content_type)

    outcome = make(httpserver.url_for("/")).publish(a_post())

    assert isinstance(outcome, Ambiguous)
    assert "may have been published" in outcome.message


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_token_needs_a_person(httpserver: HTTPServer, status: int) -> None:
    httpserver.expect_request("/api/v1/statuses", method="POST").respond_with_json(
        {"error": "The access token was revoked"}, status=status
    )

    outcome = make(httpserver.url_for("/")).publish(a_post())

    assert isinstance(outcome, Permanent)
    assert "re-enter it in Channels" in outcome.message
    assert "The access token was revoked" in outcome.message


def test_a_validation_failure_says_what_the_server_said(httpserver: HTTPServer, fake: FakeMastodon) -> None:
    outcome = make(httpserver.url_for("/")).publish(a_post("x" * 501))

    assert outcome == Permanent("Mastodon refused the post: Validation failed: Text character limit of 500 exceeded")


# -- resolve ------------------------------------------------------------------------------------------------------


def test_after_the_key_expired_resolve_finds_the_post_among_recent_statuses(
    httpserver: HTTPServer, fake: FakeMastodon
) -> None:
    text = (
        "Flooding on Quay Road & Mill Lane.\nAvoid the area.\n\n"
        "Updates: https://police.example/flood-info #flood @met@hub.example"
    )
    content = (
        '<p>Flooding on Quay Road &amp; Mill Lane.<br />Avoid the area.</p><p>Updates: <a href="https://police.example/'
        'flood-info" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span><span class="">'
        'police.example/flood-info</span><span class="invisible"></span></a> <a href="https://social.police.example/'
        'tags/flood" class="mention hashtag" rel="tag">#<span>flood</span></a> <span class="h-card"><a href="https://'
        'hub.example/@met" class="u-url mention">@<span>met</span></a></span></p>'
    )
    fake.add("Earlier news", NOW - timedelta(hours=3))
    ours = fake.add(text, NOW - timedelta(hours=1, minutes=59), content=content)
    fake.add("Later news", NOW - timedelta(minutes=30))

    found = make(httpserver.url_for("/")).resolve(a_post(text, age=timedelta(hours=2)))

    assert found == Sent(ours["id"], ours["url"])
    assert fake.posts_received() == []  # looked up, never re-sent


def test_after_the_key_expired_a_post_that_is_not_there_may_be_sent_again(
    httpserver: HTTPServer, fake: FakeMastodon
) -> None:
    fake.add(TEXT, NOW - timedelta(days=2))  # the same words, days before: not ours
    for minute in range(60):  # a busy account: more than one page since the post was queued
        fake.add(f"Update {minute}", NOW - timedelta(minutes=90 - minute))

    found = make(httpserver.url_for("/")).resolve(a_post(age=timedelta(hours=1)))

    assert found == NotPublished()
    pages = [r.query for r in fake.received if r.path.endswith("/statuses")]
    assert pages == [{"limit": "40"}, {"limit": "40", "max_id": "110000021"}]
    assert fake.posts_received() == []


def test_after_the_key_expired_a_failed_look_up_is_never_a_go_ahead(httpserver: HTTPServer, fake: FakeMastodon) -> None:
    httpserver.clear_all_handlers()
    httpserver.expect_request("/api/v1/accounts/verify_credentials").respond_with_json(
        {"error": "Too many requests"}, status=429, headers={"X-RateLimit-Reset": "2026-05-01T12:05:00.000Z"}
    )

    found = make(httpserver.url_for("/")).resolve(a_post(age=timedelta(hours=1)))
    unreachable = make(nobody_at()).resolve(a_post(age=timedelta(hours=1)))

    assert isinstance(found, Ambiguous) and found.not_before == datetime(2026, 5, 1, 12, 5, tzinfo=UTC)
    assert isinstance(unreachable, Ambiguous) and "check" in unreachable.message


def test_plain_text_undoes_mastodons_formatting() -> None:
    assert plain_text("<p>a &amp; b<br>c</p><p>d &lt;e&gt; &#39;f&#39;</p>") == "a & b\nc\n\nd <e> 'f'"
    assert comparable("a\r\n\r\n\r\nb @ops@hub.example ") == "a\n\nb @ops"


# -- check and the instance limit ---------------------------------------------------------------------------------


def test_check_names_the_account(httpserver: HTTPServer, fake: FakeMastodon) -> None:
    result = make(httpserver.url_for("/")).check()

    assert result.ok
    assert result.detail == f"Signed in as @police on localhost:{httpserver.port}"


def test_check_explains_failures_in_plain_words(httpserver: HTTPServer, fake: FakeMastodon) -> None:
    refused = make(httpserver.url_for("/"), secret="an-old-token").check()
    unreachable = make(nobody_at()).check()

    assert not refused.ok and "re-enter it in Channels" in refused.detail
    assert not unreachable.ok and unreachable.detail.startswith("No connection to 127.0.0.1")


def test_max_characters_reads_the_instance_limit_once(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v2/instance").respond_with_json(
        {"domain": "social.police.example", "configuration": {"statuses": {"max_characters": 1000}}}
    )
    publisher = make(httpserver.url_for("/"))

    assert publisher.max_characters() == 1000
    assert publisher.max_characters() == 1000
    assert len(httpserver.log) == 1
    assert "Authorization" not in httpserver.log[0][0].headers


def test_max_characters_is_none_when_it_cannot_be_read(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v2/instance").respond_with_json({"domain": "old.example"})

    assert make(httpserver.url_for("/")).max_characters() is None
    assert make(nobody_at()).max_characters() is None


# -- the secret ---------------------------------------------------------------------------------------------------


def test_the_token_never_appears_in_a_message_or_repr(httpserver: HTTPServer) -> None:
    echo = {"error": f"Validation failed: unknown token {TOKEN}"}  # a server that echoes what it got
    httpserver.expect_request("/api/v1/statuses", method="POST").respond_with_json(echo, status=422)
    httpserver.expect_request("/api/v1/accounts/verify_credentials").respond_with_json(echo, status=418)
    publisher = make(httpserver.url_for("/"))

    results = [
        publisher.publish(a_post()),
        publisher.resolve(a_post()),
        publisher.check(),
        make(nobody_at()).publish(a_post()),
    ]

    assert_hidden([*results, publisher, publisher.config], TOKEN)
    assert "Validation failed" in results[0].message  # type: ignore[union-attr]
