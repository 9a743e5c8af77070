"""Facebook Page: posts through the Graph API with a page access token (`pages_manage_posts`,
`pages_read_engagement`).

The token goes in the form body (posting) or the `Authorization: Bearer` header (reading), never in a URL, where
proxies and logs would keep it; the `paging.next` links Graph returns carry the token in their query, so it is
removed before they are followed.

Graph has no idempotency key. An ambiguous post is checked by reading the page's recent published posts and matching
the exact message; Graph's "duplicate post" error is reconciled the same way.

`paused_until` follows the usage Graph reports in `X-App-Usage`, `X-Page-Usage` and `X-Business-Use-Case-Usage`
(percentages of the budget; 100 means spent) on every answer, since those budgets are shared by all calls, and the
throttling error codes.
"""

import json
import unicodedata
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from crowdops.channels.base import (
    Ambiguous,
    CheckResult,
    NotPublished,
    Outcome,
    Permanent,
    Post,
    Resolution,
    Retry,
    Sent,
)
from crowdops.channels.common import HttpPublisher, token_problem
from crowdops.channels.http import Answer, Reply, classify_status, iso_time, retry_after, server_said

API_ROOT = "https://graph.facebook.com/v21.0"
PLATFORM = "Facebook"
CLOCK_SLACK = timedelta(
    minutes=5
)  # a post found counts as ours if Facebook dated it no earlier than this before queueing
DEFAULT_THROTTLE = timedelta(minutes=5)  # when Graph throttles without saying for how long
MAX_EXTRA_PAGES = 2  # `paging.next` is followed at most twice: 150 posts is far more than a few minutes' worth
# Graph error codes (developers.facebook.com/docs/graph-api/guides/error-handling).
MAYBE_POSTED = {1, 2}  # unknown / temporary service error: the post may exist
THROTTLED = {4, 17, 32, 613, *range(80001, 80015)}  # app, user, page, custom and business use-case rate limits
TOKEN_EXPIRED = 190
TOKEN_EXPIRED_MESSAGE = "Facebook: the page token expired — re-enter it in Channels."
BLOCKED = 368
DUPLICATE = 506
USAGE_HEADERS = ("X-App-Usage", "X-Page-Usage", "X-Business-Use-Case-Usage")
PERCENT_KEYS = ("call_count", "total_time", "total_cputime")


class FacebookPublisher(HttpPublisher):
    kind = "facebook"
    default_server = API_ROOT

    # -- publish --------------------------------------------------------------------------------------------------

    def _publish(self, post: Post) -> Outcome:
        form = {"message": post.text, "access_token": self.config.secret}
        answer = self._call("POST", f"/{self._page()}/feed", data=form)
        if not isinstance(answer, Answer):
            return answer
        return self._classify(answer, post)

    def _classify(self, answer: Answer, post: Post) -> Outcome:
        if answer.status == 200:
            return self._sent(answer)
        code = _error_code(answer)
        if code == DUPLICATE:
            return self._reconcile(post)
        refused = self._graph_error(answer, code)
        if refused:
            return refused
        if 400 <= answer.status < 500 and answer.status not in (404, 408, 429):
            return Permanent(f"Facebook refused the post: {server_said(answer)}")
        return classify_status(answer, PLATFORM, self.clock())

    def _sent(self, answer: Answer) -> Outcome:
        post_id = answer.json.get("id") if isinstance(answer.json, dict) else None
        if not isinstance(post_id, str) or not post_id:
            return Ambiguous("Facebook's answer could not be read; the post may have been published.")
        return Sent(post_id, f"https://www.facebook.com/{post_id}")

    def _reconcile(self, post: Post) -> Outcome:
        # "Duplicate post": the page already has this text, most likely from our own earlier attempt.
        found = self.resolve(post)
        if isinstance(found, Sent):
            return found
        return Ambiguous(
            "Facebook says this text is already on the page, but it is not among the recent posts yet; will check "
            "again.",
            getattr(found, "not_before", None),
        )

    def _graph_error(self, answer: Answer, code: int | None) -> Retry | Ambiguous | Permanent | None:
        """The outcome Graph's error code decides, whatever the HTTP status; None when the code says nothing."""
        said = server_said(answer)
        if code in MAYBE_POSTED:
            return Ambiguous(f"Facebook had a temporary problem ({said}); the post may have been published.")
        if code in THROTTLED:
            return Retry(
                f"Facebook is limiting how often we may post ({said}); will try again later.", self.paused_until
            )
        if code == TOKEN_EXPIRED:
            return Permanent(TOKEN_EXPIRED_MESSAGE)
        if _not_permitted(code):
            return Permanent(
                f"Facebook: this page token may not post on the page ({said}) — re-enter a page token with the "
                "pages_manage_posts permission in Channels."
            )
        if code == BLOCKED:
            return Permanent(
                f"Facebook has blocked posting from this page for now ({said}) — check the page on Facebook."
            )
        return None

    # -- resolve --------------------------------------------------------------------------------------------------

    def _resolve(self, post: Post) -> Resolution:
        params = {"fields": "id,message,created_time", "limit": "50"}
        path: str | None = f"/{self._page()}/published_posts"
        earliest = post.created_at - CLOCK_SLACK
        for _ in range(1 + MAX_EXTRA_PAGES):
            if path is None:
                break
            answer = self._call("GET", path, params=params, headers=self._bearer())
            if not isinstance(answer, Answer) or answer.status != 200:
                return self._lookup_failed(answer)
            if not isinstance(answer.json, dict) or not isinstance(answer.json.get("data"), list):
                return Ambiguous("Facebook's list of recent posts could not be read; will check again.")
            found, reached_older = _find(answer.json["data"], post, earliest)
            if found:
                return found
            path = None if reached_older else self._next_page(answer.json)
            params = {}  # the next link carries its own query
        return NotPublished("Checked Facebook: the post is not among the page's recent posts.")

    def _next_page(self, body: dict[str, Any]) -> str | None:
        """`paging.next` without its access_token, and only on the Graph host we use: the token goes nowhere else."""
        paging = body.get("paging")
        link = paging.get("next") if isinstance(paging, dict) else None
        if not isinstance(link, str):
            return None
        parts, root = urlsplit(link), urlsplit(self._http.base_url)
        if (parts.scheme, parts.netloc) != (root.scheme, root.netloc):
            return None
        query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != "access_token"]
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))

    def _lookup_failed(self, answer: Reply) -> Resolution:
        # Never Retry here: that could read as "certainly not published" and send a second copy.
        if isinstance(answer, Permanent):
            return answer
        if not isinstance(answer, Answer):
            return Ambiguous("Could not reach Facebook to check whether the post went out; will check again.")
        code = _error_code(answer)
        if code == TOKEN_EXPIRED:
            return Permanent(TOKEN_EXPIRED_MESSAGE)
        if _not_permitted(code):
            return Permanent(
                f"Facebook: this page token may not read the page's posts ({server_said(answer)}) — re-enter a page "
                "token with the pages_read_engagement permission in Channels."
            )
        wait = self.paused_until if code in THROTTLED or answer.status == 429 else None
        return Ambiguous(f"Could not check Facebook for the post yet ({server_said(answer)}); will check again.", wait)

    # -- check ----------------------------------------------------------------------------------------------------

    def _check(self) -> CheckResult:
        answer = self._call("GET", f"/{self._page()}", params={"fields": "name"}, headers=self._bearer())
        if not isinstance(answer, Answer):
            return CheckResult(False, _unreachable(answer))
        name = answer.json.get("name") if isinstance(answer.json, dict) else None
        if answer.status == 200 and isinstance(name, str):
            return CheckResult(True, f"Page: {name}")
        failed = self._graph_error(answer, _error_code(answer)) or classify_status(answer, PLATFORM, self.clock())
        return CheckResult(False, failed.message)

    # -- helpers --------------------------------------------------------------------------------------------------

    def _call(self, method: str, path: str, **kwargs: Any) -> Reply:
        answer = self._http.request(method, path, **kwargs)
        if isinstance(answer, Answer):
            self.paused_until = self._usage_spent_until(answer)
        return answer

    def _usage_spent_until(self, answer: Answer) -> datetime | None:
        """When calls may resume: Graph's estimate once a usage header reaches 100%, or after a throttling error."""
        now = self.clock()
        minutes = [m for name in USAGE_HEADERS for m in _spent(answer.header(name))]
        if minutes:
            return now + (timedelta(minutes=max(minutes)) if max(minutes) > 0 else DEFAULT_THROTTLE)
        if _error_code(answer) in THROTTLED or answer.status == 429:
            return retry_after(answer.header("Retry-After"), now) or now + DEFAULT_THROTTLE
        return None

    def _page(self) -> str:
        return quote(self.config.page_id.strip(), safe="")

    def _setup_problem(self) -> Permanent | None:
        if not self.config.page_id.strip():
            return Permanent("No Facebook page id is set — enter it in Channels.")
        return token_problem(
            self.config.secret,
            missing="No page token is set for this Facebook page — enter it in Channels.",
            garbled="The Facebook page token contains spaces or line breaks — paste it again in Channels.",
        )


def _find(items: list[Any], post: Post, earliest: datetime) -> tuple[Sent | None, bool]:
    """The matching post on one page of results, and whether this page already reached posts older than `earliest`
    (Graph lists the newest first, so later pages can only be older)."""
    wanted = _comparable(post.text)
    reached_older = False
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        created = iso_time(item["created_time"]) if isinstance(item.get("created_time"), str) else None
        if created is None or created < earliest:
            reached_older = reached_older or created is not None
            continue
        message = item.get("message")
        if isinstance(message, str) and _comparable(message) == wanted:
            return Sent(item["id"], f"https://www.facebook.com/{item['id']}"), True
    return None, reached_older


def _unreachable(failure: Retry | Ambiguous | Permanent) -> str:
    return failure.message if isinstance(failure, Permanent) else "Could not reach Facebook — check the network."


def _not_permitted(code: int | None) -> bool:
    """Graph's permission errors: 10, and the 200–299 range."""
    return code == 10 or (code is not None and 200 <= code <= 299)


def _error_code(answer: Answer) -> int | None:
    error = answer.json.get("error") if isinstance(answer.json, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, int) else None


def _spent(header: str) -> list[float]:
    """For a usage header: the minutes to wait for each budget at 100% (0 when Graph gives no estimate)."""
    try:
        usage = json.loads(header) if header.strip() else None
    except ValueError:
        return []
    entries: list[Any] = [usage]
    if isinstance(usage, dict) and not usage.keys() & set(PERCENT_KEYS):
        # Business use case: {"<object id>": [{"type": ..., "call_count": ..., ...}, ...]}
        entries = [entry for value in usage.values() if isinstance(value, list) for entry in value]
    return [_wait_minutes(entry) for entry in entries if isinstance(entry, dict) and _at_limit(entry)]


def _at_limit(entry: dict[str, Any]) -> bool:
    return any(isinstance(entry.get(key), int | float) and entry[key] >= 100 for key in PERCENT_KEYS)


def _wait_minutes(entry: dict[str, Any]) -> float:
    wait = entry.get("estimated_time_to_regain_access")
    return float(wait) if isinstance(wait, int | float) and wait > 0 else 0.0


def _comparable(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n")).strip()
