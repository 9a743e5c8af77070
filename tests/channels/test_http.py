"""The shared HTTP client: the proxy environment read once per client (and still honoured), and the line between
"certainly not sent" and "maybe sent" for transport failures."""

import pytest
from pytest_httpserver import HTTPServer

from crowdops.channels.base import Ambiguous, Permanent, Retry
from crowdops.channels.http import Answer, HttpClient
from tests.channels.helpers import nobody_at


def test_the_proxy_environment_is_honoured_but_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.police.example:3128")
    monkeypatch.setenv("NO_PROXY", "intranet.example")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/police-ca.pem")
    outside = HttpClient("https://mastodon.social")
    inside = HttpClient("https://intranet.example/hooks")
    assert outside.session.proxies.get("https") == "http://proxy.police.example:3128"
    assert "https" not in inside.session.proxies  # NO_PROXY still applies
    assert outside.session.verify == "/etc/ssl/police-ca.pem"
    assert outside.session.trust_env is False  # not walked again on every request


def test_an_answer_comes_back_whole(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ok").respond_with_json({"id": "1"}, headers={"X-Thing": "yes"})
    answer = HttpClient(httpserver.url_for("/")).request("GET", "/ok")
    assert isinstance(answer, Answer)
    assert (answer.status, answer.json, answer.header("X-Thing")) == (200, {"id": "1"}, "yes")


def test_transport_failures_are_classified() -> None:
    assert isinstance(HttpClient(nobody_at()).request("POST", "/x"), Retry)  # never reached the server
    assert isinstance(HttpClient("not a url").request("POST", "/x"), Permanent)
    bad_header = HttpClient(nobody_at()).request("POST", "/x", headers={"Authorization": "a\nb"})
    assert isinstance(bad_header, Permanent) and "line breaks" in bad_header.message
    assert not isinstance(bad_header, Ambiguous)
