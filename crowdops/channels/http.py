"""The one HTTP client every adapter uses: timeouts, and the line between "certainly not sent" and "maybe sent".

A request that never reached the server (refused, DNS failure, connect timeout) certainly did not publish anything:
`Retry`. Once the request has gone out, a read timeout, a reset or a garbled answer means the server may have acted
on it: `Ambiguous`. The rest of the classification is by status code, which adapters refine per platform.
"""

import contextlib
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from crowdops.channels.base import Ambiguous, Clock, Permanent, Retry

# urllib3 logs request paths at DEBUG, and Telegram puts the bot token in the path: never let that reach a log.
logging.getLogger("urllib3").setLevel(logging.INFO)

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0
USER_AGENT = "CrowdOps (official public-safety communication)"


@dataclass(frozen=True, slots=True)
class Answer:
    """A response that arrived, with its JSON body parsed when there is one (`json` is None if it was not JSON)."""

    status: int
    headers: Mapping[str, str]
    json: Any
    text: str

    def header(self, name: str) -> str:
        return self.headers.get(name, "") or ""


Reply = Answer | Retry | Ambiguous | Permanent  # what a request comes back as


def utc_now() -> datetime:
    return datetime.now(UTC)


def _never_connected(error: requests.RequestException) -> bool:
    if isinstance(error, requests.ConnectTimeout):
        return True
    if isinstance(error, requests.ConnectionError):
        reason = error.args[0] if error.args else None
        inner = getattr(reason, "reason", reason)  # MaxRetryError wraps the cause
        return isinstance(inner, NewConnectionError | NameResolutionError | ConnectTimeoutError)
    return False


class HttpClient:
    """A `requests.Session` with fixed timeouts; turns transport failures into outcomes instead of exceptions."""

    def __init__(self, base_url: str, *, clock: Clock = utc_now, timeout: tuple[float, float] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.clock = clock
        self.timeout = timeout or (CONNECT_TIMEOUT, READ_TIMEOUT)
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self._environment_once()

    def _environment_once(self) -> None:
        """Read the proxy and CA-bundle settings of the environment once, for this client's server, instead of on
        every request (requests walks the whole environment per call: a fifth of a post's cost on a fast server).
        A client lives for one outbox pass, so a changed environment is seen at the next pass."""
        self.session.trust_env = False
        with contextlib.suppress(ValueError):  # an unreadable address: its first request says so, permanently
            self.session.proxies.update(requests.utils.get_environ_proxies(self.base_url) if self.base_url else {})
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        if bundle:
            self.session.verify = bundle

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}/{path.lstrip('/')}"

    def request(self, method: str, path: str, **kwargs: Any) -> Reply:
        host = self.base_url or path
        try:
            response = self.session.request(method, self.url(path), timeout=self.timeout, **kwargs)
        except requests.exceptions.InvalidURL:
            return Permanent(f"The server address '{host}' is not valid; correct it in Channels.")
        except requests.exceptions.MissingSchema:
            return Permanent(f"The server address '{host}' needs http:// or https://; correct it in Channels.")
        except requests.exceptions.InvalidHeader:
            # Refused by requests before anything was sent (a token with a line break, say).
            return Permanent("The token cannot be sent as it is (it has line breaks); re-enter it in Channels.")
        except requests.RequestException as error:
            if _never_connected(error):
                return Retry(f"Could not reach {host} (no connection); the post was not sent.")
            if isinstance(error, requests.ReadTimeout):
                return Ambiguous(f"{host} did not answer in time; the post may have been published.")
            return Ambiguous(f"The connection to {host} broke after the post was sent; it may have been published.")
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = None
        return Answer(response.status_code, response.headers, body, response.text)

    def close(self) -> None:
        self.session.close()


def retry_after(value: str, now: datetime) -> datetime | None:
    """`Retry-After` as seconds or an HTTP date; None when absent or unreadable."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return now + timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def iso_time(value: str) -> datetime | None:
    """An ISO 8601 time such as Mastodon's `X-RateLimit-Reset`; None when unreadable."""
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def epoch_time(value: str) -> datetime | None:
    """Seconds since 1970, as X and Bluesky send `x-rate-limit-reset` / `ratelimit-reset`."""
    try:
        return datetime.fromtimestamp(int(value.strip()), UTC)
    except (ValueError, OverflowError, OSError):
        return None


def latest(*times: datetime | None) -> datetime | None:
    """The latest of the times that are known; None when none is."""
    return max((when for when in times if when is not None), default=None)


@dataclass(frozen=True, slots=True)
class RateLimitHeaders:
    """A platform's budget headers: how many calls are `remaining`, and when the budget `reset`s (read by `parse`)."""

    remaining: str
    reset: str
    parse: Callable[[str], datetime | None]

    def spent(self, answer: Answer) -> datetime | None:
        """The reset of the budget when this answer reports it spent (none left); None otherwise."""
        return self.parse(answer.header(self.reset)) if answer.header(self.remaining).strip() == "0" else None

    def wait(self, answer: Answer, now: datetime) -> datetime | None:
        """A 429's wait: the later of Retry-After and the reset of the budget."""
        return latest(retry_after(answer.header("Retry-After"), now), self.parse(answer.header(self.reset)))

    def paused_until(self, answer: Answer, now: datetime) -> datetime | None:
        """When calls may resume after this answer: a 429's wait, the reset of a spent budget, or None."""
        return self.wait(answer, now) if answer.status == 429 else self.spent(answer)


def server_said(answer: Answer, fallback: str = "") -> str:
    """The error text a server put in its JSON body, shortened; for messages shown to comms officers."""
    body = answer.json
    text = ""
    if isinstance(body, dict):
        for key in ("error_description", "error", "message", "detail", "description", "title"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                text = value.strip()
                break
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                text = value["message"].strip()
                break
    text = text or fallback or f"HTTP {answer.status}"
    return text if len(text) <= 200 else text[:199] + "…"


def classify_status(answer: Answer, platform: str, now: datetime) -> Retry | Ambiguous | Permanent:
    """A failed answer by its status code, for the cases every platform shares."""
    said = server_said(answer)
    if answer.status == 429:
        return Retry(
            f"{platform} is rate-limiting us; will try again later.", retry_after(answer.header("Retry-After"), now)
        )
    if answer.status in (401, 403):
        return Permanent(f"{platform} refused the credentials ({said}) — re-enter the token in Channels.")
    if answer.status == 404:
        return Permanent(f"{platform} does not know this address ({said}) — check the server address in Channels.")
    if answer.status == 408:
        return Ambiguous(f"{platform} timed out reading the post; it may have been published.")
    if answer.status >= 500:
        return Ambiguous(
            f"{platform} had a server error (HTTP {answer.status}); the post may have been published.",
            retry_after(answer.header("Retry-After"), now),
        )
    return Permanent(f"{platform} refused the post: {said}")
