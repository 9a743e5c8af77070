"""The Bluesky adapter against a local server speaking the AT Protocol's XRPC shapes as the reference PDS does."""

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from crowdops.channels.base import (
    Ambiguous,
    ChannelConfig,
    MemorySessionCache,
    NotPublished,
    Permanent,
    Post,
    Retry,
    Sent,
)
from crowdops.channels.bluesky import APP_PASSWORD_REFUSED, BlueskyPublisher, facets
from crowdops.channels.tid import new_tid
from tests.channels.helpers import NOW, RawServer, Received, assert_hidden, epoch, new_post, nobody_at, stalled

PASSWORD = "app-password-SECRET-k2j4-9x8w"
HANDLE = "police.bsky.example"
DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
TEXT = "Road closed at the Old Bridge until 18:00. Use Mill Street instead."
XRPC = "/xrpc/"


def nsid(request: Received) -> str:
    """The XRPC method a request calls."""
    return request.path.removeprefix(XRPC)


@dataclass
class FakePDS:
    """The part of a PDS the adapter uses, answering as the reference PDS does: ExpiredToken is HTTP 400, a missing
    record is 400 RecordNotFound, and putRecord of an identical record returns the same cid."""

    records: dict[str, dict[str, Any]] = field(default_factory=dict)  # rkey -> {"value", "cid"}
    received: list[Received] = field(default_factory=list)
    access: set[str] = field(default_factory=set)
    refresh: set[str] = field(default_factory=set)
    expired: set[str] = field(default_factory=set)
    issued: int = 0
    rate_headers: dict[str, str] = field(default_factory=dict)

    def calls(self, method: str) -> list[Received]:
        return [r for r in self.received if nsid(r) == method]

    def expire_access(self) -> None:
        self.expired |= self.access

    def expire_refresh(self) -> None:
        self.expired |= self.refresh

    def route(self, request: Received) -> tuple[int, Any]:
        self.received.append(request)
        routes: dict[str, Callable[[Received], tuple[int, Any]]] = {
            "com.atproto.server.createSession": self.create_session,
            "com.atproto.server.refreshSession": self.refresh_session,
            "com.atproto.server.getSession": self.authorised(lambda r: (200, {"handle": HANDLE, "did": DID})),
            "com.atproto.repo.putRecord": self.authorised(self.put_record),
            "com.atproto.repo.getRecord": self.authorised(self.get_record),
        }
        return routes[nsid(request)](request)

    def create_session(self, request: Received) -> tuple[int, Any]:
        body = request.json()
        if body.get("identifier") not in (HANDLE, DID) or body.get("password") != PASSWORD:
            return 401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
        return 200, self._issue()

    def refresh_session(self, request: Received) -> tuple[int, Any]:
        token = _bearer(request)
        if token in self.expired:
            return 400, {"error": "ExpiredToken", "message": "Token has expired"}
        if token not in self.refresh:
            return 400, {"error": "InvalidToken", "message": "Token could not be verified"}
        self.refresh.discard(token)  # refresh tokens are used once
        return 200, self._issue()

    def authorised(self, route: Callable[[Received], tuple[int, Any]]) -> Callable[[Received], tuple[int, Any]]:
        def check(request: Received) -> tuple[int, Any]:
            token = _bearer(request)
            if token in self.expired:
                return 400, {"error": "ExpiredToken", "message": "Token has expired"}
            if token not in self.access:
                return 401, {"error": "AuthenticationRequired", "message": "Authentication Required"}
            return route(request)

        return check

    def put_record(self, request: Received) -> tuple[int, Any]:
        body = request.json()
        assert body["repo"] == DID and body["collection"] == "app.bsky.feed.post"
        cid = "bafyrei" + hashlib.sha256(json.dumps(body["record"], sort_keys=True).encode()).hexdigest()[:52]
        self.records[body["rkey"]] = {"value": body["record"], "cid": cid}
        uri = f"at://{DID}/app.bsky.feed.post/{body['rkey']}"
        return 200, {"uri": uri, "cid": cid, "commit": {"cid": "bafyreicommit", "rev": "3lbzrev"}}

    def get_record(self, request: Received) -> tuple[int, Any]:
        rkey = request.query["rkey"]
        uri = f"at://{request.query['repo']}/{request.query['collection']}/{rkey}"
        if rkey not in self.records:
            return 400, {"error": "RecordNotFound", "message": f"Could not locate record: {uri}"}
        return 200, {"uri": uri, **self.records[rkey]}

    def _issue(self) -> dict[str, Any]:
        self.issued += 1
        access, refresh = f"access-{self.issued}", f"refresh-{self.issued}"
        self.access.add(access)
        self.refresh.add(refresh)
        return {"did": DID, "handle": HANDLE, "accessJwt": access, "refreshJwt": refresh, "active": True}

    def serve(self, server: HTTPServer) -> None:
        def handler(request: Request) -> Response:
            status, body = self.route(Received.of(request))
            return Response(json.dumps(body), status=status, headers=self.rate_headers, content_type="application/json")

        for name in ("createSession", "refreshSession", "getSession"):
            server.expect_request(f"{XRPC}com.atproto.server.{name}").respond_with_handler(handler)
        for name in ("putRecord", "getRecord"):
            server.expect_request(f"{XRPC}com.atproto.repo.{name}").respond_with_handler(handler)


def _bearer(request: Received) -> str:
    return request.headers.get("authorization", "").removeprefix("Bearer ")


# -- helpers ------------------------------------------------------------------------------------------------------


def make(
    base_url: str,
    *,
    sessions: MemorySessionCache | None = None,
    password: str = PASSWORD,
    account: str = HANDLE,
    timeout: tuple[float, float] | None = None,
) -> BlueskyPublisher:
    config = ChannelConfig(name="Police Bluesky", kind="bluesky", base_url=base_url, account=account, secret=password)
    return BlueskyPublisher(config, clock=lambda: NOW, timeout=timeout, sessions=sessions)


def a_post(text: str = TEXT, language: str = "en") -> Post:
    created = datetime(2026, 5, 1, 11, 58, 0, 123456, tzinfo=UTC)
    return new_post(text, created, language=language, record_key=new_tid(created))


@pytest.fixture
def pds(httpserver: HTTPServer) -> FakePDS:
    server = FakePDS()
    server.serve(httpserver)
    return server


@pytest.fixture
def url(httpserver: HTTPServer) -> str:
    return httpserver.url_for("/")


@pytest.fixture
def raw_servers() -> Iterator[list[RawServer]]:
    servers: list[RawServer] = []
    yield servers
    for server in servers:
        server.close()


def put_record_answers(httpserver: HTTPServer) -> Any:
    """The next putRecord gets the answer set on the returned handler; the fake PDS answers everything else."""
    return httpserver.expect_oneshot_request(f"{XRPC}com.atproto.repo.putRecord")


# -- publish ------------------------------------------------------------------------------------------------------


def test_publish_writes_the_record_under_its_key_with_facets_in_bytes(url: str, pds: FakePDS) -> None:
    text = "Πλημμύρα 🌊 στην οδό Ερμού: https://police.example/flood. #πλημμύρα #Athens"
    post = a_post(text, language="el")

    outcome = make(url).publish(post)

    assert outcome == Sent(
        f"at://{DID}/app.bsky.feed.post/{post.record_key}", f"https://bsky.app/profile/{HANDLE}/post/{post.record_key}"
    )
    (sign_in,) = pds.calls("com.atproto.server.createSession")
    assert sign_in.json() == {"identifier": HANDLE, "password": PASSWORD}
    (put,) = pds.calls("com.atproto.repo.putRecord")
    assert put.headers["authorization"] == "Bearer access-1"
    body = put.json()
    assert (body["repo"], body["collection"], body["rkey"]) == (DID, "app.bsky.feed.post", post.record_key)
    record = body["record"]
    assert record["$type"] == "app.bsky.feed.post"
    assert record["text"] == text
    assert record["createdAt"] == "2026-05-01T11:58:00.123Z"
    assert record["langs"] == ["el"]
    encoded = text.encode()
    spans = [
        (encoded[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode(), f["features"]) for f in record["facets"]
    ]
    assert spans == [
        (
            "https://police.example/flood",
            [{"$type": "app.bsky.richtext.facet#link", "uri": "https://police.example/flood"}],
        ),
        ("#πλημμύρα", [{"$type": "app.bsky.richtext.facet#tag", "tag": "πλημμύρα"}]),
        ("#Athens", [{"$type": "app.bsky.richtext.facet#tag", "tag": "Athens"}]),
    ]
    assert record["facets"][0]["index"] == {"byteStart": 50, "byteEnd": 78}  # "🌊" is 4 bytes, each Greek letter 2


def test_facets_follow_blueskys_rules() -> None:
    text = "See (https://en.wikipedia.org/wiki/Kerb_(road)) and https://x.example/a#b, #2024 #1.5 #tag! x#no"

    found = {text.encode()[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode() for f in facets(text)}

    assert found == {"https://en.wikipedia.org/wiki/Kerb_(road)", "https://x.example/a#b", "#tag"}
    assert facets("no links here") == []


def test_the_session_is_kept_and_reused(url: str, pds: FakePDS) -> None:
    sessions = MemorySessionCache()

    assert isinstance(make(url, sessions=sessions).publish(a_post()), Sent)
    assert isinstance(make(url, sessions=sessions).publish(a_post()), Sent)  # a new instance, e.g. after a restart

    assert len(pds.calls("com.atproto.server.createSession")) == 1
    assert json.loads(sessions.value or "")["did"] == DID


def test_a_session_of_another_account_is_not_used(url: str, pds: FakePDS) -> None:
    sessions = MemorySessionCache()
    make(url, sessions=sessions).check()

    result = make(url, sessions=sessions, account="someone.else.example").check()

    assert not result.ok  # it signed in as itself (and was refused) instead of borrowing our tokens
    assert len(pds.calls("com.atproto.server.createSession")) == 2
    assert len(pds.calls("com.atproto.server.getSession")) == 1  # only ours, with our token


def test_a_session_the_server_no_longer_knows_is_replaced(url: str, pds: FakePDS) -> None:
    sessions = MemorySessionCache()
    make(url, sessions=sessions).check()
    pds.access.clear()  # revoked: the PDS now answers 401 to the access token
    pds.refresh.clear()

    outcome = make(url, sessions=sessions).publish(a_post())

    assert isinstance(outcome, Sent)
    assert len(pds.calls("com.atproto.server.refreshSession")) == 1
    assert len(pds.calls("com.atproto.server.createSession")) == 2


def test_an_expired_token_is_refreshed_once_and_the_post_sent(url: str, pds: FakePDS) -> None:
    sessions = MemorySessionCache()
    make(url, sessions=sessions).check()
    pds.expire_access()

    outcome = make(url, sessions=sessions).publish(a_post())

    assert isinstance(outcome, Sent)
    assert len(pds.calls("com.atproto.server.createSession")) == 1
    (refresh,) = pds.calls("com.atproto.server.refreshSession")
    assert refresh.headers["authorization"] == "Bearer refresh-1"
    assert [r.headers["authorization"] for r in pds.calls("com.atproto.repo.putRecord")] == [
        "Bearer access-1",
        "Bearer access-2",
    ]
    assert json.loads(sessions.value or "")["accessJwt"] == "access-2"


def test_when_the_refresh_token_has_expired_too_a_new_session_is_made(url: str, pds: FakePDS) -> None:
    sessions = MemorySessionCache()
    make(url, sessions=sessions).check()
    pds.expire_access()
    pds.expire_refresh()

    outcome = make(url, sessions=sessions).publish(a_post())

    assert isinstance(outcome, Sent)
    assert len(pds.calls("com.atproto.server.refreshSession")) == 1
    assert len(pds.calls("com.atproto.server.createSession")) == 2


def test_a_wrong_app_password_needs_a_person(url: str, pds: FakePDS) -> None:
    outcome = make(url, password="wrong-app-password").publish(a_post())

    assert outcome == Permanent(APP_PASSWORD_REFUSED)
    assert pds.calls("com.atproto.repo.putRecord") == []


def test_a_rate_limited_sign_in_waits_for_the_reset(httpserver: HTTPServer, url: str) -> None:
    reset = NOW + timedelta(minutes=4)
    httpserver.expect_request(f"{XRPC}com.atproto.server.createSession").respond_with_json(
        {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
        status=429,
        headers={
            "ratelimit-limit": "30",
            "ratelimit-remaining": "0",
            "ratelimit-reset": epoch(reset),
            "Retry-After": "60",
        },
    )
    publisher = make(url)

    outcome = publisher.publish(a_post())

    assert outcome == Retry(
        "Bluesky is limiting sign-ins for this account; will try again when the limit resets.", reset
    )
    assert publisher.paused_until == reset


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "90"}, NOW + timedelta(seconds=90)),
        ({"Retry-After": "Fri, 01 May 2026 12:07:00 GMT"}, datetime(2026, 5, 1, 12, 7, tzinfo=UTC)),
        (
            {"ratelimit-remaining": "0", "ratelimit-reset": epoch(NOW + timedelta(minutes=20))},
            NOW + timedelta(minutes=20),
        ),
    ],
    ids=["retry-after-seconds", "retry-after-date", "ratelimit-reset"],
)
def test_a_rate_limited_post_waits(
    httpserver: HTTPServer, url: str, pds: FakePDS, headers: dict[str, str], expected: datetime
) -> None:
    put_record_answers(httpserver).respond_with_json({"error": "RateLimitExceeded"}, status=429, headers=headers)
    publisher = make(url)

    outcome = publisher.publish(a_post())

    assert isinstance(outcome, Retry) and outcome.not_before == expected
    assert publisher.paused_until == expected


def test_a_spent_budget_pauses_the_channel_until_the_reset(url: str, pds: FakePDS) -> None:
    reset = NOW + timedelta(minutes=30)
    pds.rate_headers = {"ratelimit-limit": "5000", "ratelimit-remaining": "0", "ratelimit-reset": epoch(reset)}
    publisher = make(url)

    assert isinstance(publisher.publish(a_post()), Sent)
    assert publisher.paused_until == reset

    pds.rate_headers = {"ratelimit-limit": "5000", "ratelimit-remaining": "4997", "ratelimit-reset": epoch(reset)}
    assert isinstance(publisher.publish(a_post()), Sent)
    assert publisher.paused_until is None


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_ambiguous(httpserver: HTTPServer, url: str, pds: FakePDS, status: int) -> None:
    put_record_answers(httpserver).respond_with_json({"error": "InternalServerError"}, status=status)

    outcome = make(url).publish(a_post())

    assert isinstance(outcome, Ambiguous) and f"HTTP {status}" in outcome.message


def test_an_unreachable_server_means_not_sent() -> None:
    outcome = make(nobody_at()).publish(a_post())

    assert isinstance(outcome, Retry)


def test_no_answer_in_time_is_ambiguous(httpserver: HTTPServer, url: str, pds: FakePDS) -> None:
    with stalled(httpserver, f"{XRPC}com.atproto.repo.putRecord", Response("{}", content_type="application/json")):
        outcome = make(url, timeout=(1, 0.3)).publish(a_post())

    assert isinstance(outcome, Ambiguous)


def test_a_reset_after_the_record_was_stored_is_ambiguous_and_resolve_finds_it(
    url: str, pds: FakePDS, raw_servers: list[RawServer]
) -> None:
    def store_then_drop(request: Received) -> tuple[int, Any] | None:
        answer = pds.route(request)
        return None if nsid(request) == "com.atproto.repo.putRecord" else answer

    raw_servers.append(dropping := RawServer(store_then_drop))
    post = a_post()

    outcome = make(dropping.url).publish(post)
    found = make(url).resolve(post)

    assert isinstance(outcome, Ambiguous)
    assert list(pds.records) == [post.record_key]  # the server did store it
    assert found == Sent(
        f"at://{DID}/app.bsky.feed.post/{post.record_key}", f"https://bsky.app/profile/{HANDLE}/post/{post.record_key}"
    )


def test_a_repeated_put_is_the_same_record_and_resolve_confirms_it(
    httpserver: HTTPServer, url: str, pds: FakePDS
) -> None:
    publisher, post = make(url), a_post()

    first, second = publisher.publish(post), publisher.publish(post)
    found = publisher.resolve(post)

    assert isinstance(first, Sent) and first == second == found
    cids = [
        json.loads(response.get_data())["cid"] for request, response in httpserver.log if "putRecord" in request.path
    ]
    assert len(cids) == 2 and cids[0] == cids[1]
    assert len(pds.records) == 1


def test_a_record_that_is_not_there_may_be_sent_again(url: str, pds: FakePDS) -> None:
    post = a_post()

    found = make(url).resolve(post)

    assert found == NotPublished()
    (lookup,) = pds.calls("com.atproto.repo.getRecord")
    assert lookup.query == {"repo": DID, "collection": "app.bsky.feed.post", "rkey": post.record_key}


def test_a_failed_look_up_says_so(url: str, pds: FakePDS) -> None:
    found = make(nobody_at()).resolve(a_post())

    assert isinstance(found, Retry) and "sign in" in found.message


def test_an_unreadable_success_is_ambiguous(httpserver: HTTPServer, url: str, pds: FakePDS) -> None:
    put_record_answers(httpserver).respond_with_data("<html>upstream</html>", content_type="text/html")

    outcome = make(url).publish(a_post())

    assert isinstance(outcome, Ambiguous) and "may have been published" in outcome.message


def test_a_text_too_long_for_bluesky_is_refused_before_sending(url: str, pds: FakePDS) -> None:
    outcome = make(url).publish(a_post("Ω" * 301))

    assert isinstance(outcome, Permanent) and "too long for Bluesky" in outcome.message
    assert pds.received == []


def test_the_servers_length_refusal_needs_a_person(httpserver: HTTPServer, url: str, pds: FakePDS) -> None:
    put_record_answers(httpserver).respond_with_json(
        {
            "error": "InvalidRequest",
            "message": "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes",
        },
        status=400,
    )

    outcome = make(url).publish(a_post())

    assert isinstance(outcome, Permanent) and "too long for Bluesky" in outcome.message


# -- check, defaults and the secret -------------------------------------------------------------------------------


def test_check_names_the_account(url: str, pds: FakePDS) -> None:
    assert make(url).check().detail == f"Signed in as @{HANDLE}"
    assert make(url).check().ok


def test_check_explains_a_refused_password(url: str, pds: FakePDS) -> None:
    result = make(url, password="wrong-app-password").check()

    assert not result.ok and result.detail == APP_PASSWORD_REFUSED


def test_the_default_server_is_bsky_social() -> None:
    config = ChannelConfig(name="Police Bluesky", kind="bluesky", account=HANDLE, secret=PASSWORD)

    assert "https://bsky.social" in repr(BlueskyPublisher(config))


def test_the_app_password_never_appears_in_a_message_or_repr(httpserver: HTTPServer, url: str) -> None:
    echo = {"error": "InvalidRequest", "message": f"Password {PASSWORD} is not an app password"}
    httpserver.expect_request(f"{XRPC}com.atproto.server.createSession").respond_with_json(echo, status=400)
    publisher = make(url)

    results = [publisher.publish(a_post()), publisher.resolve(a_post()), publisher.check()]

    assert_hidden([*results, publisher, publisher.config], PASSWORD)
    assert "is not an app password" in results[0].message  # type: ignore[union-attr]
