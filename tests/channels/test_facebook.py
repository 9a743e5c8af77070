"""The Facebook Page adapter against a local server speaking the Graph API's request and response shapes."""

import json
from datetime import timedelta

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from crowdops.channels.base import Ambiguous, ChannelConfig, NotPublished, Permanent, Post, Retry, Sent
from crowdops.channels.facebook import FacebookPublisher
from tests.channels.helpers import assert_hidden, new_post, nobody_at, stalled
from tests.conftest import FakeClock

TOKEN = "EAAGpagetokenSECRET0001"
PAGE = "1122334455"
TEXT = "Crowd at the stadium gates: use entrance B.\nStewards will guide you."
POSTS = f"/{PAGE}/published_posts"


def make(
    httpserver: HTTPServer,
    clock: FakeClock,
    *,
    base_url: str | None = None,
    secret: str = TOKEN,
    timeout: tuple[float, float] | None = None,
) -> FacebookPublisher:
    url = httpserver.url_for("/v21.0") if base_url is None else base_url
    config = ChannelConfig(name="City Police page", kind="facebook", base_url=url, page_id=PAGE, secret=secret)
    return FacebookPublisher(config, clock=clock, timeout=timeout)


def a_post(clock: FakeClock, text: str = TEXT) -> Post:
    return new_post(text, clock.now)


def graph_error(code: int, message: str = "An error occurred", subcode: int | None = None) -> dict[str, object]:
    error: dict[str, object] = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEf"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


def assert_token_only_in_body_or_header(httpserver: HTTPServer) -> None:
    for request, _ in httpserver.log:
        assert TOKEN not in request.url
        in_form = request.form.get("access_token") == TOKEN
        assert in_form or request.headers.get("Authorization") == f"Bearer {TOKEN}"


# -- publish ------------------------------------------------------------------------------------------------------


def test_publish_sends_message_and_token_as_form_data(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request(f"/v21.0/{PAGE}/feed", method="POST").respond_with_json({"id": f"{PAGE}_987654321"})

    outcome = make(httpserver, clock).publish(a_post(clock))

    assert outcome == Sent(f"{PAGE}_987654321", f"https://www.facebook.com/{PAGE}_987654321")
    request, _ = httpserver.log[0]
    assert request.form["message"] == TEXT
    assert request.form["access_token"] == TOKEN
    assert request.query_string == b""
    assert_token_only_in_body_or_header(httpserver)


@pytest.mark.parametrize("code", [1, 2])
def test_maybe_posted_codes_are_ambiguous(httpserver: HTTPServer, clock: FakeClock, code: int) -> None:
    httpserver.expect_request(f"/v21.0/{PAGE}/feed").respond_with_json(graph_error(code), status=500)

    outcome = make(httpserver, clock).publish(a_post(clock))

    assert isinstance(outcome, Ambiguous)


@pytest.mark.parametrize("code", [4, 17, 32, 613])
def test_throttling_codes_retry_after_a_default_wait(httpserver: HTTPServer, clock: FakeClock, code: int) -> None:
    httpserver.expect_request(f"/v21.0/{PAGE}/feed").respond_with_json(graph_error(code, "Too many calls"), status=400)
    publisher = make(httpserver, clock)

    outcome = publisher.publish(a_post(clock))

    assert isinstance(outcome, Retry)
    assert outcome.not_before == clock.now + timedelta(minutes=5)
    assert publisher.paused_until == outcome.not_before


def test_throttling_waits_as_long_as_graph_estimates(httpserver: HTTPServer, clock: FakeClock) -> None:
    usage = {PAGE: [{"type": "pages", "call_count": 100, "total_cputime": 20, "estimated_time_to_regain_access": 12}]}
    httpserver.expect_request(f"/v21.0/{PAGE}/feed").respond_with_json(
        graph_error(32), status=400, headers={"X-Business-Use-Case-Usage": json.dumps(usage)}
    )
    publisher = make(httpserver, clock)

    outcome = publisher.publish(a_post(clock))

    assert isinstance(outcome, Retry)
    assert outcome.not_before == clock.now + timedelta(minutes=12)
    assert publisher.paused_until == clock.now + timedelta(minutes=12)


def test_spent_app_usage_pauses_after_a_success(httpserver: HTTPServer, clock: FakeClock) -> None:
    usage = {"call_count": 100, "total_cputime": 40, "total_time": 38}
    httpserver.expect_request(f"/v21.0/{PAGE}/feed").respond_with_json(
        {"id": f"{PAGE}_1"}, headers={"X-App-Usage": json.dumps(usage)}
    )
    publisher = make(httpserver, clock)

    assert isinstance(publisher.publish(a_post(clock)), Sent)
    assert publisher.paused_until == clock.now + timedelta(minutes=5)


def test_usage_below_the_limit_does_not_pause(httpserver: HTTPServer, clock: FakeClock) -> None:
    usage = {"call_count": 64, "total_cputime": 10, "total_time": 12}
    httpserver.expect_request(f"/v21.0/{PAGE}/feed").respond_with_json(
        {"id": f"{PAGE}_1"}, headers={"X-App-Usage": json.dumps(usage)}
    )
    publisher = make(httpserver, clock)

    publisher.publish(a_post(clock))

    assert publisher.paused_until is None


def test_expired_token_is_permanent(httpserver: HTTPServer, clock: FakeClock) -> None:
    error = graph_error(190, "Error validating access token: Session has expired", subcode=463)
    httpserver.expect_request(f"/v21.0/{PAGE}/feed").respond_with_json(error, status=400)

    outcome = make(httpserver, clock).publish(a_post(clock))

    assert outcome == Permanent("Facebook: the page token expired — re-enter it in Channels.")


@pytest.mark.parametrize(("code", "words"), [(10, "may not post"), (200, "may not post"), (368, "blocked")])
def test_permission_and_block_codes_are_permanent(
    httpserver: HTTPServer, clock: FakeClock, code: int, words: str
) -> None:
    httpserver.expect_request(f"/v21.0/{PAGE}/feed").respond_with_json(graph_error(code, "Not allowed"), status=403)

    outcome = make(httpserver, clock).publish(a_post(clock))

    assert isinstance(outcome, Permanent)
    assert words in outcome.message


def test_other_graph_errors_are_permanent_with_facebook_s_words(httpserver: HTTPServer, clock: FakeClock) -> None:
    error = graph_error(100, "Invalid parameter")
    httpserver.expect_request(f"/v21.0/{PAGE}/feed").respond_with_json(error, status=400)

    outcome = make(httpserver, clock).publish(a_post(clock))

    assert outcome == Permanent("Facebook refused the post: Invalid parameter")


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_ambiguous(httpserver: HTTPServer, clock: FakeClock, status: int) -> None:
    httpserver.expect_request(f"/v21.0/{PAGE}/feed").respond_with_data("<html>Bad gateway</html>", status=status)

    assert isinstance(make(httpserver, clock).publish(a_post(clock)), Ambiguous)


def test_connection_refused_is_a_retry(httpserver: HTTPServer, clock: FakeClock) -> None:
    publisher = make(httpserver, clock, base_url=nobody_at("/v21.0"))

    assert isinstance(publisher.publish(a_post(clock)), Retry)


def test_read_timeout_is_ambiguous(httpserver: HTTPServer, clock: FakeClock) -> None:
    with stalled(
        httpserver, f"/v21.0/{PAGE}/feed", Response('{"id": "1"}', status=200, content_type="application/json")
    ):
        outcome = make(httpserver, clock, timeout=(1, 0.3)).publish(a_post(clock))

    assert isinstance(outcome, Ambiguous)


def test_garbled_success_is_ambiguous(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request(f"/v21.0/{PAGE}/feed").respond_with_data('{"id": "11223', content_type="application/json")

    assert isinstance(make(httpserver, clock).publish(a_post(clock)), Ambiguous)


def test_missing_page_id_is_permanent_without_a_request(httpserver: HTTPServer, clock: FakeClock) -> None:
    config = ChannelConfig(name="p", kind="facebook", base_url=httpserver.url_for("/"), secret=TOKEN)

    outcome = FacebookPublisher(config, clock=clock).publish(a_post(clock))

    assert isinstance(outcome, Permanent)
    assert httpserver.log == []


# -- resolve and duplicates ---------------------------------------------------------------------------------------


def published(*posts: dict[str, str], after: str | None = None, server: HTTPServer | None = None) -> dict[str, object]:
    body: dict[str, object] = {"data": list(posts)}
    if after and server:
        query = f"access_token={TOKEN}&fields=id%2Cmessage%2Ccreated_time&limit=50&after={after}"
        body["paging"] = {"cursors": {"after": after}, "next": server.url_for(f"/v21.0{POSTS}") + "?" + query}
    return body


def test_ambiguous_post_found_on_the_page(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request(f"/v21.0/{PAGE}/feed").respond_with_json(graph_error(2, "Service unavailable"), 503)
    query = {"fields": "id,message,created_time", "limit": "50"}
    httpserver.expect_request(f"/v21.0{POSTS}", method="GET", query_string=query).respond_with_json(
        published(
            {"id": f"{PAGE}_3", "message": "Other news", "created_time": "2026-05-01T12:01:00+0000"},
            {"id": f"{PAGE}_2", "message": TEXT, "created_time": "2026-05-01T12:00:04+0000"},
        )
    )
    publisher, post = make(httpserver, clock), a_post(clock)

    assert isinstance(publisher.publish(post), Ambiguous)
    assert publisher.resolve(post) == Sent(f"{PAGE}_2", f"https://www.facebook.com/{PAGE}_2")
    assert_token_only_in_body_or_header(httpserver)


def test_ambiguous_post_absent_from_the_page(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request(f"/v21.0{POSTS}").respond_with_json(
        published({"id": f"{PAGE}_1", "message": TEXT, "created_time": "2026-05-01T10:00:00+0000"})
    )

    outcome = make(httpserver, clock).resolve(a_post(clock))

    assert isinstance(outcome, NotPublished)


def test_resolve_follows_the_next_page_without_the_token_in_the_url(httpserver: HTTPServer, clock: FakeClock) -> None:
    recent = [
        {"id": f"{PAGE}_{n}", "message": f"Update {n}", "created_time": "2026-05-01T12:03:00+0000"} for n in range(50)
    ]
    httpserver.expect_ordered_request(f"/v21.0{POSTS}").respond_with_json(
        published(*recent, after="CURSOR1", server=httpserver)
    )
    httpserver.expect_ordered_request(f"/v21.0{POSTS}").respond_with_json(
        published({"id": f"{PAGE}_77", "message": TEXT, "created_time": "2026-05-01T12:02:00+0000"})
    )

    outcome = make(httpserver, clock).resolve(a_post(clock))

    assert outcome == Sent(f"{PAGE}_77", f"https://www.facebook.com/{PAGE}_77")
    second, _ = httpserver.log[1]
    assert dict(second.args) == {"fields": "id,message,created_time", "limit": "50", "after": "CURSOR1"}
    assert second.headers["Authorization"] == f"Bearer {TOKEN}"


def test_resolve_reads_at_most_three_pages(httpserver: HTTPServer, clock: FakeClock) -> None:
    recent = {"id": f"{PAGE}_9", "message": "Busy day", "created_time": "2026-05-01T12:03:00+0000"}
    httpserver.expect_request(f"/v21.0{POSTS}").respond_with_json(published(recent, after="MORE", server=httpserver))

    outcome = make(httpserver, clock).resolve(a_post(clock))

    assert isinstance(outcome, NotPublished)
    assert len(httpserver.log) == 3


def test_resolve_stops_once_posts_are_older_than_the_post(httpserver: HTTPServer, clock: FakeClock) -> None:
    old = {"id": f"{PAGE}_1", "message": "Yesterday", "created_time": "2026-04-30T12:00:00+0000"}
    httpserver.expect_request(f"/v21.0{POSTS}").respond_with_json(published(old, after="MORE", server=httpserver))

    assert isinstance(make(httpserver, clock).resolve(a_post(clock)), NotPublished)
    assert len(httpserver.log) == 1


def test_resolve_never_follows_a_link_to_another_host(httpserver: HTTPServer, clock: FakeClock) -> None:
    recent = {"id": f"{PAGE}_9", "message": "Busy day", "created_time": "2026-05-01T12:03:00+0000"}
    body = published(recent)
    body["paging"] = {"next": f"https://elsewhere.example/v21.0{POSTS}?after=X"}
    httpserver.expect_request(f"/v21.0{POSTS}").respond_with_json(body)

    assert isinstance(make(httpserver, clock).resolve(a_post(clock)), NotPublished)
    assert len(httpserver.log) == 1


def test_resolve_with_an_expired_token_needs_a_person(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request(f"/v21.0{POSTS}").respond_with_json(graph_error(190), status=400)

    assert isinstance(make(httpserver, clock).resolve(a_post(clock)), Permanent)


def test_resolve_when_facebook_fails_is_ambiguous(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request(f"/v21.0{POSTS}").respond_with_data("", status=502)

    assert isinstance(make(httpserver, clock).resolve(a_post(clock)), Ambiguous)
    unreachable = make(httpserver, clock, base_url=nobody_at())
    assert isinstance(unreachable.resolve(a_post(clock)), Ambiguous)


def test_duplicate_post_is_reconciled_by_a_lookup(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request(f"/v21.0/{PAGE}/feed").respond_with_json(
        graph_error(506, "Duplicate status message"), 400
    )
    httpserver.expect_request(f"/v21.0{POSTS}").respond_with_json(
        published({"id": f"{PAGE}_5", "message": TEXT, "created_time": "2026-05-01T12:00:01+0000"})
    )

    outcome = make(httpserver, clock).publish(a_post(clock))

    assert outcome == Sent(f"{PAGE}_5", f"https://www.facebook.com/{PAGE}_5")


def test_duplicate_post_not_found_stays_ambiguous(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request(f"/v21.0/{PAGE}/feed").respond_with_json(
        graph_error(506, "Duplicate status message"), 400
    )
    httpserver.expect_request(f"/v21.0{POSTS}").respond_with_json(published())

    assert isinstance(make(httpserver, clock).publish(a_post(clock)), Ambiguous)


# -- check, secrecy -----------------------------------------------------------------------------------------------


def test_check_names_the_page(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request(
        f"/v21.0/{PAGE}", method="GET", query_string={"fields": "name"}, headers={"Authorization": f"Bearer {TOKEN}"}
    ).respond_with_json({"name": "City Police", "id": PAGE})

    result = make(httpserver, clock).check()

    assert result.ok
    assert result.detail == "Page: City Police"


def test_check_with_an_expired_token(httpserver: HTTPServer, clock: FakeClock) -> None:
    httpserver.expect_request(f"/v21.0/{PAGE}").respond_with_json(graph_error(190), status=400)

    result = make(httpserver, clock).check()

    assert not result.ok
    assert "expired" in result.detail


def test_the_token_never_appears_in_an_outcome(httpserver: HTTPServer, clock: FakeClock) -> None:
    echo = graph_error(100, f"Invalid OAuth access token - {TOKEN}")
    httpserver.expect_request(f"/v21.0/{PAGE}/feed").respond_with_json(echo, status=400)
    httpserver.expect_request(f"/v21.0{POSTS}").respond_with_json(echo, status=500)
    httpserver.expect_request(f"/v21.0/{PAGE}").respond_with_json(echo, status=400)
    publisher = make(httpserver, clock)

    outcomes = [publisher.publish(a_post(clock)), publisher.resolve(a_post(clock)), publisher.check()]

    assert_hidden([*outcomes, publisher], TOKEN)
