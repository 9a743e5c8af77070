"""What every HTTP adapter does the same way, written once: the constructor, the settings checked before any
request, and the secret kept out of everything an adapter returns.

An adapter subclasses `HttpPublisher` and supplies `_setup_problem`, `_publish`, `_resolve` and `_check`; the
public `publish`, `resolve` and `check` refuse up front when a setting is missing and mask the secret in whatever
message comes back, so no code path can forget either.
"""

from dataclasses import replace
from datetime import datetime
from typing import TypeVar
from urllib.parse import urlsplit

from crowdops.channels.base import ChannelConfig, CheckResult, Clock, Outcome, Permanent, Post, Resolution
from crowdops.channels.http import HttpClient, utc_now

T = TypeVar("T")


def without_secret(result: T, secret: str, mask: str) -> T:
    """Belt and braces: a server may echo what it was sent; the secret must never reach a screen or a log."""
    for name in ("message", "detail"):
        text = getattr(result, name, None)
        if secret and isinstance(text, str) and secret in text:
            return replace(result, **{name: text.replace(secret, mask)})  # type: ignore[type-var]
    return result


def first_missing(*required: tuple[str, str]) -> Permanent | None:
    """The first (value, message) whose value is empty, as the Permanent saying what to enter; None if all are set."""
    return next((Permanent(message) for value, message in required if not value), None)


def token_problem(secret: str, *, missing: str, garbled: str) -> Permanent | None:
    """A pasted token that cannot work: blank, or with spaces, line breaks or control characters in it."""
    if not secret.strip():
        return Permanent(missing)
    if any(ch.isspace() or not ch.isprintable() for ch in secret):
        return Permanent(garbled)
    return None


class HttpPublisher:
    """The shared half of an adapter (see the module docstring). `paused_until` is set by the adapter from the
    rate-limit information its platform sends."""

    kind: str
    default_server = ""  # the API root used when the channel names no server
    secret_mask = "[token hidden]"  # what stands in a message where the secret was

    def __init__(
        self, config: ChannelConfig, *, clock: Clock = utc_now, timeout: tuple[float, float] | None = None
    ) -> None:
        self.config = config
        self.clock = clock
        self.paused_until: datetime | None = None
        self._http = HttpClient(self._server(config), clock=clock, timeout=timeout)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.config.name!r})"  # never the secret

    def close(self) -> None:
        self._http.close()

    @property
    def _host(self) -> str:
        """The server as messages name it: host and port, or the whole address when it has none."""
        try:
            netloc = urlsplit(self._http.base_url).netloc
        except ValueError:  # "http://[::1": the request itself will say the address is not valid
            netloc = ""
        return netloc or self._http.base_url

    def publish(self, post: Post) -> Outcome:
        return self._hide(self._setup_problem() or self._publish(post))

    def resolve(self, post: Post) -> Resolution:
        return self._hide(self._setup_problem() or self._resolve(post))

    def check(self) -> CheckResult:
        problem = self._setup_problem()
        return self._hide(CheckResult(False, problem.message) if problem else self._check())

    # -- what an adapter supplies ---------------------------------------------------------------------------------

    def _server(self, config: ChannelConfig) -> str:
        return config.base_url or self.default_server

    def _setup_problem(self) -> Permanent | None:
        """A setting the adapter cannot work without, checked before any request."""
        raise NotImplementedError

    def _publish(self, post: Post) -> Outcome:
        raise NotImplementedError

    def _resolve(self, post: Post) -> Resolution:
        raise NotImplementedError

    def _check(self) -> CheckResult:
        raise NotImplementedError

    # -- helpers --------------------------------------------------------------------------------------------------

    def _hide(self, result: T) -> T:
        return without_secret(result, self.config.secret, self.secret_mask)

    def _bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.config.secret}"}
