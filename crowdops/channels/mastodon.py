"""Mastodon: one status per post through `POST /api/v1/statuses`, with an access token (scope `write:statuses`,
plus `read:accounts` and `read:statuses` for the checks).

Mastodon remembers an `Idempotency-Key` for an hour and answers a repeat with the status it already made, so an
ambiguous post is resolved by sending the same request again while the key is fresh. Later, the account's recent
statuses are searched for the exact text instead.

`paused_until` follows the `X-RateLimit-*` headers of every answer: Mastodon's limit counts all of an account's
API calls together, so a spent budget stops publishing too.
"""

import html
import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from crowdops.channels.base import (
    Ambiguous,
    ChannelConfig,
    CheckResult,
    Clock,
    NeedsPerson,
    NotPublished,
    Outcome,
    Permanent,
    Post,
    Resolution,
    Retry,
    Sent,
)
from crowdops.channels.common import HttpPublisher, first_missing
from crowdops.channels.http import (
    Answer,
    RateLimitHeaders,
    Reply,
    classify_status,
    iso_time,
    retry_after,
    server_said,
    utc_now,
)

PLATFORM = "Mastodon"
# Mastodon keeps an Idempotency-Key for 3600 s from when it stored the status; a margin for clocks and queues.
KEY_LIFETIME = timedelta(minutes=50)
PAGE_SIZE = 40
MAX_PAGES = 5
# A status dated this much before the post was queued cannot be ours (allows for the server's clock being off).
CLOCK_SLACK = timedelta(minutes=10)
TOKEN_REJECTED = "Mastodon refused the access token — it has expired or been revoked; re-enter it in Channels."
# Mastodon's limit counts all of an account's API calls together.
RATE_LIMIT = RateLimitHeaders("X-RateLimit-Remaining", "X-RateLimit-Reset", iso_time)


class MastodonPublisher(HttpPublisher):
    kind = "mastodon"
    secret_mask = "[token]"

    def __init__(self, config: ChannelConfig, *, clock: Clock = utc_now, timeout: tuple[float, float] | None = None):
        super().__init__(config, clock=clock, timeout=timeout)
        self._max_characters: int | None = None

    def __repr__(self) -> str:
        return f"MastodonPublisher({self.config.name!r}, {self._http.base_url!r})"

    # -- publish --------------------------------------------------------------------------------------------------

    def _publish(self, post: Post) -> Outcome:
        return self._post_status(post)

    def _post_status(self, post: Post) -> Outcome:
        body = {"status": post.text, "language": post.language, "visibility": "public"}
        answer = self._call("POST", "/api/v1/statuses", json=body, headers={"Idempotency-Key": post.idempotency_key})
        if not isinstance(answer, Answer):
            return answer
        if 200 <= answer.status < 300:
            return _sent(answer.json)
        return self._refused(answer)

    def _refused(self, answer: Answer) -> Retry | Ambiguous | Permanent:
        if answer.status == 429:
            return Retry(
                "Mastodon is rate-limiting this account; will try again when the limit resets.", self._wait(answer)
            )
        if answer.status in (401, 403):
            return Permanent(_token_rejected(answer))
        if answer.status == 422:
            return Permanent(f"Mastodon refused the post: {server_said(answer)}")
        return classify_status(answer, PLATFORM, self.clock())

    # -- resolve --------------------------------------------------------------------------------------------------

    def _resolve(self, post: Post) -> Resolution:
        if self.clock() - post.created_at < KEY_LIFETIME:
            # Same key: Mastodon answers with the status it already made, or makes it now if it never did.
            return self._post_status(post)
        return self._search(post)

    def _search(self, post: Post) -> Resolution:
        me = self._call("GET", "/api/v1/accounts/verify_credentials")
        if not isinstance(me, Answer) or me.status != 200:
            return self._unchecked(me)
        account_id = me.json.get("id") if isinstance(me.json, dict) else None
        if not isinstance(account_id, str | int) or not str(account_id):
            return Ambiguous("Mastodon's account details could not be read; will check again later.")
        wanted = comparable(post.text)
        earliest = post.created_at - CLOCK_SLACK
        params: dict[str, Any] = {"limit": PAGE_SIZE}
        for _ in range(MAX_PAGES):
            page = self._call("GET", f"/api/v1/accounts/{quote(str(account_id), safe='')}/statuses", params=params)
            if not isinstance(page, Answer) or page.status != 200:
                return self._unchecked(page)
            if not isinstance(page.json, list):
                return Ambiguous("Mastodon's list of posts could not be read; will check again later.")
            # The same words posted before this post was queued are an earlier message, not this one.
            found = next((s for s in page.json if _is_match(s, wanted) and not _older_than(s, earliest)), None)
            if found is not None:
                return _sent(found)
            if len(page.json) < PAGE_SIZE or _older_than(page.json[-1], earliest):
                return NotPublished()
            last_id = page.json[-1].get("id") if isinstance(page.json[-1], dict) else None
            if not isinstance(last_id, str | int):
                return Ambiguous("Mastodon's list of posts could not be read; will check again later.")
            params["max_id"] = str(last_id)
        return NeedsPerson(
            f"Could not find the post among the account's last {PAGE_SIZE * MAX_PAGES} posts; "
            "look at the account to see whether it went out."
        )

    def _unchecked(self, answer: Reply) -> Resolution:
        """A look-up that failed. Never Retry: here a re-send is not protected by the key, so only proof allows it."""
        if isinstance(answer, Permanent):
            return answer
        if not isinstance(answer, Answer):
            return Ambiguous(f"Could not check {self._host} for the post ({_reason(answer)}); will check again later.")
        if answer.status in (401, 403):
            return Permanent(_token_rejected(answer))
        wait = self._wait(answer) if answer.status == 429 else retry_after(answer.header("Retry-After"), self.clock())
        return Ambiguous(f"Could not check Mastodon for the post (HTTP {answer.status}); will check again later.", wait)

    # -- check and limits -----------------------------------------------------------------------------------------

    def _check(self) -> CheckResult:
        answer = self._call("GET", "/api/v1/accounts/verify_credentials")
        if isinstance(answer, Retry):
            return CheckResult(False, f"No connection to {self._host} — check the network and the server address.")
        if isinstance(answer, Ambiguous):
            return CheckResult(False, f"{self._host} did not answer properly; try again in a moment.")
        if isinstance(answer, Permanent):
            return CheckResult(False, answer.message)
        return self._checked(answer)

    def _checked(self, answer: Answer) -> CheckResult:
        acct = answer.json.get("acct") if isinstance(answer.json, dict) else None
        if answer.status == 200 and isinstance(acct, str) and acct:
            return CheckResult(True, f"Signed in as @{acct} on {self._host}")
        if answer.status == 200:
            return CheckResult(False, f"{self._host} answered, but not like a Mastodon server — check the address.")
        if answer.status in (401, 403):
            return CheckResult(False, _token_rejected(answer))
        if answer.status == 404:
            return CheckResult(False, f"{self._host} has no Mastodon API at that address — check the server address.")
        if answer.status == 429:
            return CheckResult(False, "Mastodon is rate-limiting this account; try again in a few minutes.")
        if answer.status >= 500:
            return CheckResult(False, f"{self._host} has a server error (HTTP {answer.status}); try again later.")
        return CheckResult(False, f"Mastodon answered: {server_said(answer)}")

    def max_characters(self) -> int | None:
        """The instance's own post length limit (500 on most), or None when it cannot be read."""
        if self._max_characters is None and self.config.base_url:
            answer = self._call("GET", "/api/v2/instance", auth=False)
            if isinstance(answer, Answer) and answer.status == 200:
                self._max_characters = _instance_limit(answer.json)
        return self._max_characters

    # -- plumbing -------------------------------------------------------------------------------------------------

    def _call(self, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> Reply:
        headers = dict(kwargs.pop("headers", {}))
        if auth:
            headers.update(self._bearer())
        answer = self._http.request(method, path, headers=headers, **kwargs)
        if isinstance(answer, Answer):
            self.paused_until = RATE_LIMIT.paused_until(answer, self.clock())
        return answer

    def _wait(self, answer: Answer) -> datetime | None:
        return RATE_LIMIT.wait(answer, self.clock())

    def _setup_problem(self) -> Permanent | None:
        return first_missing(
            (self.config.base_url.strip(), "No Mastodon server address is set for this channel; enter it in Channels."),
            (self.config.secret, "No access token is set for this Mastodon account; enter it in Channels."),
        )


def _sent(status: Any) -> Sent | Ambiguous:
    remote_id = status.get("id") if isinstance(status, dict) else None
    url = status.get("url") if isinstance(status, dict) else None
    if not isinstance(remote_id, str | int) or not str(remote_id) or not isinstance(url, str) or not url:
        return Ambiguous("Mastodon's answer could not be read; the post may have been published.")
    return Sent(str(remote_id), url)


def _token_rejected(answer: Answer) -> str:
    said = server_said(answer)
    return TOKEN_REJECTED if said == f"HTTP {answer.status}" else f"{TOKEN_REJECTED} Mastodon said: {said}"


def _reason(outcome: Retry | Ambiguous) -> str:
    return "no connection" if isinstance(outcome, Retry) else "no clear answer"


def _instance_limit(body: Any) -> int | None:
    try:
        limit = body["configuration"]["statuses"]["max_characters"]
    except (KeyError, TypeError):
        return None
    return limit if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0 else None


def _older_than(status: Any, when: datetime) -> bool:
    created = iso_time(status.get("created_at", "")) if isinstance(status, dict) else None
    return created is not None and created < when


# -- matching a status to a post's text --------------------------------------------------------------------------

_PARAGRAPH_BREAK = re.compile(r"</p>\s*<p(?:\s[^>]*)?>", re.IGNORECASE)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
# Mastodon shows a mention of @user@server.example as @user; compare both sides that way.
_MENTION = re.compile(r"(?<![\w/=@])(@\w+(?:[.-]+\w+)*)@[\w-]+(?:\.[\w-]+)+")


def plain_text(content: str) -> str:
    """Mastodon's HTML `content` as the text that was posted: paragraphs were blank lines, <br> single newlines."""
    text = _PARAGRAPH_BREAK.sub("\n\n", content)
    text = _LINE_BREAK.sub("\n", text)
    return html.unescape(_TAG.sub("", text))


def comparable(text: str) -> str:
    """A text reduced to what survives Mastodon's formatting: line endings, runs of blank lines, mention hosts."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"\n{2,}", "\n\n", text)
    return _MENTION.sub(r"\1", text).strip()


def _is_match(status: Any, wanted: str) -> bool:
    if not isinstance(status, dict) or status.get("reblog"):
        return False  # a boost shows someone else's post, even with the same words
    source = status.get("text")
    if isinstance(source, str) and source and comparable(source) == wanted:
        return True
    content = status.get("content")
    return isinstance(content, str) and comparable(plain_text(content)) == wanted
