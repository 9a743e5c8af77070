"""Bluesky (AT Protocol): one `app.bsky.feed.post` record per post, signed in with the account's app password.

Every post is written with `putRecord` under the record key chosen when it was queued, so a repeat writes the same
record again (same cid) instead of a second post; an ambiguous post is resolved by reading that key back.
`createRecord` is never used: on an existing key the reference PDS answers 500, which would look ambiguous forever.

Signing in (`createSession`) is itself rate-limited, so the session is kept in the `SessionCache` and refreshed
when a call answers `ExpiredToken` (HTTP 400 on the reference PDS, not 401).
`paused_until` follows the `ratelimit-remaining`/`ratelimit-reset` headers of every answer.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

import regex

from crowdops.channels.base import (
    Ambiguous,
    ChannelConfig,
    CheckResult,
    Clock,
    MemorySessionCache,
    NotPublished,
    Outcome,
    Permanent,
    Post,
    Resolution,
    Retry,
    Sent,
    SessionCache,
)
from crowdops.channels.common import HttpPublisher, first_missing
from crowdops.channels.http import (
    Answer,
    RateLimitHeaders,
    Reply,
    classify_status,
    epoch_time,
    retry_after,
    server_said,
    utc_now,
)
from crowdops.domain.errors import ValidationError
from crowdops.domain.text import measure

DEFAULT_SERVICE = "https://bsky.social"
PLATFORM = "Bluesky"
COLLECTION = "app.bsky.feed.post"
APP_PASSWORD_REFUSED = "Bluesky refused the app password — re-enter it in Channels."
TOKEN_ERRORS = ("ExpiredToken", "InvalidToken")
_TOO_LONG = re.compile(r"longer than|too long|graphemes", re.IGNORECASE)
RATE_LIMIT = RateLimitHeaders("ratelimit-remaining", "ratelimit-reset", epoch_time)

# What a failed request means depends on what it was for; the post itself keeps the shared client's wording.
Role = Literal["post", "look-up", "sign-in", "test"]
_TRANSPORT: dict[str, tuple[str, str]] = {  # (never connected, no clear answer)
    "look-up": (
        "Could not reach {host} to check the post; will check again later.",
        "{host} did not answer the check in time; will check again later.",
    ),
    "sign-in": ("Could not reach {host} to sign in to Bluesky.", "{host} did not answer the sign-in in time."),
    "test": (
        "No connection to {host} — check the network and the server address.",
        "{host} did not answer in time; try again in a moment.",
    ),
}


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in session, for one account on one server. The tokens are as secret as the app password."""

    service: str
    identifier: str
    did: str
    handle: str
    access: str = field(repr=False)
    refresh: str = field(repr=False)

    @classmethod
    def from_body(cls, body: Any, service: str, identifier: str) -> "Session | None":
        """From a createSession/refreshSession answer, or from what `dump` stored."""
        if not isinstance(body, dict):
            return None
        access, refresh, did = body.get("accessJwt"), body.get("refreshJwt"), body.get("did")
        if not all(isinstance(v, str) and v for v in (access, refresh, did)):
            return None
        handle = body.get("handle")
        return cls(service, identifier, did, handle if isinstance(handle, str) else "", access, refresh)

    @classmethod
    def load(cls, value: str | None, service: str, identifier: str) -> "Session | None":
        """A stored session, only if it belongs to this server and account (their settings may have changed)."""
        try:
            body = json.loads(value) if value else None
        except ValueError:
            return None
        if not isinstance(body, dict) or body.get("service") != service:
            return None
        if str(body.get("identifier", "")).casefold() != identifier.casefold():
            return None
        return cls.from_body(body, service, identifier)

    def dump(self) -> str:
        return json.dumps(
            {
                "service": self.service,
                "identifier": self.identifier,
                "did": self.did,
                "handle": self.handle,
                "accessJwt": self.access,
                "refreshJwt": self.refresh,
            }
        )


class BlueskyPublisher(HttpPublisher):
    kind = "bluesky"
    default_server = DEFAULT_SERVICE
    secret_mask = "[app password]"

    def __init__(
        self,
        config: ChannelConfig,
        *,
        clock: Clock = utc_now,
        timeout: tuple[float, float] | None = None,
        sessions: SessionCache | None = None,
    ):
        super().__init__(config, clock=clock, timeout=timeout)
        self._sessions = sessions if sessions is not None else MemorySessionCache()
        self._identifier = config.account.strip().removeprefix("@")
        self._session: Session | None = None

    def __repr__(self) -> str:
        return f"BlueskyPublisher({self.config.name!r}, {self._identifier!r}, {self._http.base_url!r})"

    def _server(self, config: ChannelConfig) -> str:
        return config.base_url.strip() or self.default_server

    # -- publish --------------------------------------------------------------------------------------------------

    def _publish(self, post: Post) -> Outcome:
        too_long = _too_long(post.text)
        if too_long:
            return too_long
        answer = self._authed("POST", "com.atproto.repo.putRecord", lambda s: {"json": put_record(s.did, post)}, "post")
        if not isinstance(answer, Answer):
            return answer
        if 200 <= answer.status < 300:
            return self._sent(answer.json)
        return self._refused(answer)

    def _refused(self, answer: Answer) -> Retry | Ambiguous | Permanent:
        if answer.status == 429:
            return Retry(
                "Bluesky is rate-limiting this account; will try again when the limit resets.", self._wait(answer)
            )
        if answer.status == 401:
            return Permanent(APP_PASSWORD_REFUSED)
        if answer.status == 400:
            said = _said(answer)
            if _TOO_LONG.search(said):
                return Permanent(f"The text is too long for Bluesky; shorten it. (Bluesky said: {said})")
            return Permanent(f"Bluesky refused the post: {said}")
        return classify_status(answer, PLATFORM, self.clock())

    def _sent(self, body: Any) -> Sent | Ambiguous:
        uri = body.get("uri") if isinstance(body, dict) else None
        parts = uri.removeprefix("at://").split("/") if isinstance(uri, str) and uri.startswith("at://") else []
        if len(parts) != 3 or not all(parts):
            return Ambiguous("Bluesky's answer could not be read; the post may have been published.")
        did, _, rkey = parts
        session = self._session
        handle = session.handle if session and session.did == did and session.handle != "handle.invalid" else ""
        return Sent(uri, f"https://bsky.app/profile/{handle or did}/post/{rkey}")

    # -- resolve --------------------------------------------------------------------------------------------------

    def _resolve(self, post: Post) -> Resolution:
        answer = self._authed(
            "GET",
            "com.atproto.repo.getRecord",
            lambda s: {"params": {"repo": s.did, "collection": COLLECTION, "rkey": post.record_key}},
            "look-up",
        )
        if not isinstance(answer, Answer):
            return answer
        if answer.status == 200:
            return self._sent(answer.json)
        return self._not_found_or_unknown(answer)

    def _not_found_or_unknown(self, answer: Answer) -> Resolution:
        if answer.status == 400 and _error(answer) == "RecordNotFound":
            return NotPublished()
        if answer.status == 429:
            return Retry("Bluesky is rate-limiting this account; will check the post later.", self._wait(answer))
        if answer.status == 401:
            return Permanent(APP_PASSWORD_REFUSED)
        wait = retry_after(answer.header("Retry-After"), self.clock())
        return Ambiguous(f"Could not check Bluesky for the post ({_said(answer)}); will check again later.", wait)

    # -- check ----------------------------------------------------------------------------------------------------

    def _check(self) -> CheckResult:
        answer = self._authed("GET", "com.atproto.server.getSession", lambda s: {}, "test")
        if not isinstance(answer, Answer):
            return CheckResult(False, answer.message)
        if answer.status == 200:
            handle = answer.json.get("handle") if isinstance(answer.json, dict) else None
            known = handle if isinstance(handle, str) and handle else self._session.handle if self._session else ""
            return CheckResult(True, f"Signed in as @{known or self._identifier}")
        if answer.status == 401:
            return CheckResult(False, APP_PASSWORD_REFUSED)
        if answer.status == 429:
            return CheckResult(False, "Bluesky is rate-limiting this account; try again in a few minutes.")
        if answer.status >= 500:
            return CheckResult(False, f"{self._host} has a server error (HTTP {answer.status}); try again later.")
        return CheckResult(False, f"Bluesky answered: {_said(answer)}")

    # -- session --------------------------------------------------------------------------------------------------

    def _authed(self, method: str, nsid: str, build: Callable[[Session], dict[str, Any]], role: Role) -> Reply:
        """A call with the session's access token; an expired token is renewed and the call made once more."""
        session = self._current_session()
        if not isinstance(session, Session):
            return session
        answer = self._send(method, nsid, session.access, role, **build(session))
        if not (isinstance(answer, Answer) and _token_refused(answer)):
            return answer
        session = self._renew(session)  # the call was refused before it was read: repeating it is safe
        if not isinstance(session, Session):
            return session
        return self._send(method, nsid, session.access, role, **build(session))

    def _current_session(self) -> Session | Retry | Permanent:
        # Read the cache every time: another publisher for this account may have refreshed the tokens since.
        self._session = Session.load(self._sessions.load(), self._http.base_url, self._identifier)
        return self._session or self._sign_in()

    def _sign_in(self) -> Session | Retry | Permanent:
        body = {"identifier": self._identifier, "password": self.config.secret}
        answer = self._send("POST", "com.atproto.server.createSession", "", "sign-in", json=body)
        return self._session_from(answer)

    def _renew(self, session: Session) -> Session | Retry | Permanent:
        answer = self._send("POST", "com.atproto.server.refreshSession", session.refresh, "sign-in")
        if isinstance(answer, Answer) and answer.status in (400, 401):
            # The refresh token has expired or was revoked too: sign in afresh, once.
            self._keep(None)
            return self._sign_in()
        return self._session_from(answer)

    def _session_from(self, answer: Reply) -> Session | Retry | Permanent:
        if isinstance(answer, Retry | Permanent):
            return answer
        if isinstance(answer, Ambiguous):  # a sign-in cannot publish anything
            return Retry(answer.message, answer.not_before)
        if answer.status != 200:
            return self._sign_in_refused(answer)
        session = Session.from_body(answer.json, self._http.base_url, self._identifier)
        if session is None:
            return Retry("Bluesky's answer to the sign-in could not be read; will try again later.")
        self._keep(session)
        return session

    def _sign_in_refused(self, answer: Answer) -> Retry | Permanent:
        if answer.status == 429:
            return Retry(
                "Bluesky is limiting sign-ins for this account; will try again when the limit resets.",
                self._wait(answer),
            )
        if answer.status == 401 and _error(answer) in ("AuthenticationRequired", ""):
            return Permanent(APP_PASSWORD_REFUSED)
        if answer.status in (400, 401, 403):
            return Permanent(f"Bluesky refused the sign-in ({_said(answer)}) — check the account in Channels.")
        wait = retry_after(answer.header("Retry-After"), self.clock())
        return Retry(f"Bluesky could not sign us in (HTTP {answer.status}); will try again later.", wait)

    def _keep(self, session: Session | None) -> None:
        self._session = session
        self._sessions.save(session.dump() if session else None)

    # -- plumbing -------------------------------------------------------------------------------------------------

    def _send(self, method: str, nsid: str, token: str, role: Role, **kwargs: Any) -> Reply:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        answer = self._http.request(method, f"/xrpc/{nsid}", headers=headers, **kwargs)
        if isinstance(answer, Answer):
            self.paused_until = RATE_LIMIT.paused_until(answer, self.clock())
            return answer
        if role == "post" or isinstance(answer, Permanent):
            return answer
        no_connection, no_answer = _TRANSPORT[role]
        if isinstance(answer, Retry):
            return Retry(no_connection.format(host=self._host))
        return Ambiguous(no_answer.format(host=self._host))

    def _wait(self, answer: Answer) -> datetime | None:
        return RATE_LIMIT.wait(answer, self.clock())

    def _setup_problem(self) -> Permanent | None:
        return first_missing(
            (self._identifier, "No Bluesky account is set for this channel; enter its handle in Channels."),
            (self.config.secret, "No app password is set for this Bluesky account; enter it in Channels."),
        )


def _said(answer: Answer) -> str:
    """XRPC errors carry a code (`error`) and a sentence (`message`): the sentence says more."""
    message = answer.json.get("message") if isinstance(answer.json, dict) else None
    if isinstance(message, str) and message.strip():
        return server_said(Answer(answer.status, answer.headers, {"message": message}, ""))
    return server_said(answer)


def _token_refused(answer: Answer) -> bool:
    # The reference PDS answers an expired token with 400 ExpiredToken; a 401 means it no longer knows the session
    # (revoked, or the server was reset). Either way the call was not carried out, and a new session may fix it.
    return answer.status == 401 or (answer.status == 400 and _error(answer) in TOKEN_ERRORS)


def _error(answer: Answer) -> str:
    error = answer.json.get("error") if isinstance(answer.json, dict) else None
    return error if isinstance(error, str) else ""


def _too_long(text: str) -> Permanent | None:
    try:
        size = measure(text, "bluesky")
    except ValidationError as error:
        return Permanent(str(error))
    if size.ok:
        return None
    return Permanent(
        f"The text is too long for Bluesky: {size.length} characters and {size.bytes} bytes, where Bluesky allows "
        f"{size.limit} characters and {size.byte_limit} bytes. Shorten it."
    )


# -- the record ---------------------------------------------------------------------------------------------------


def put_record(did: str, post: Post) -> dict[str, Any]:
    record: dict[str, Any] = {"$type": COLLECTION, "text": post.text, "createdAt": iso_millis(post.created_at)}
    if post.language:
        record["langs"] = [post.language]
    found = facets(post.text)
    if found:
        record["facets"] = found
    return {"repo": did, "collection": COLLECTION, "rkey": post.record_key, "record": record}


def iso_millis(when: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and Z, as Bluesky's own apps write `createdAt`."""
    when = when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
    return f"{when:%Y-%m-%dT%H:%M:%S}.{when.microsecond // 1000:03d}Z"


# A link starts the text or follows a space or "("; a hashtag starts the text or follows a space, so the "#part"
# of a URL is never a tag. The same rules as Bluesky's own apps (@atproto/api RichText.detectFacets).
_LINK = re.compile(r"(?<![^\s(])https?://\S+")
_HASHTAG = regex.compile(r"(?<!\S)[#＃](?!\ufe0f)(?P<tag>[^\s\u00ad\u2060\u200a-\u200d\u20e2]+)")
_TRAILING_PUNCTUATION = regex.compile(r"\p{P}+$")
_NOT_A_NUMBER = regex.compile(r"[^\d\p{P}]")
MAX_TAG_LENGTH = 64


def facets(text: str) -> list[dict[str, Any]]:
    """Links and hashtags, located by UTF-8 byte offsets as the AT Protocol counts them."""
    found: list[tuple[int, int, dict[str, str]]] = []
    for match in _LINK.finditer(text):
        url = _trim_url(match.group())
        if urlsplit(url).netloc:
            found.append(
                (match.start(), match.start() + len(url), {"$type": "app.bsky.richtext.facet#link", "uri": url})
            )
    links = list(found)
    for match in _HASHTAG.finditer(text):
        tag = _TRAILING_PUNCTUATION.sub("", match["tag"])
        start, end = match.start(), match.start("tag") + len(tag)
        if not _NOT_A_NUMBER.search(tag) or len(tag) > MAX_TAG_LENGTH:
            continue
        if any(start < link_end and link_start < end for link_start, link_end, _ in links):
            continue
        found.append((start, end, {"$type": "app.bsky.richtext.facet#tag", "tag": tag}))
    return [
        {"index": {"byteStart": _bytes(text[:start]), "byteEnd": _bytes(text[:end])}, "features": [feature]}
        for start, end, feature in sorted(found, key=lambda f: f[0])
    ]


def _trim_url(url: str) -> str:
    # "see https://example.org/a." ends the sentence, not the link; a ")" stays when it closes a "(" in the URL.
    while url and (url[-1] in ".,;:!?\"'" or (url[-1] == ")" and url.count(")") > url.count("("))):
        url = url[:-1]
    return url


def _bytes(text: str) -> int:
    return len(text.encode("utf-8"))
