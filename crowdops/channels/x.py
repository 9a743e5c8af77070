"""X (formerly Twitter): posts through API v2 with an OAuth 2.0 user-context token (`tweet.write`, `tweet.read`,
`users.read`).

X takes no idempotency key, so an ambiguous post is checked by reading the account's recent posts and matching the
text: X shortens links to t.co and escapes `&`, `<` and `>`, so texts are compared with every link replaced by a
placeholder. X also refuses a text it already has ("duplicate content"); that answer is reconciled the same way.

`paused_until` follows the posting budget X reports on `POST /2/tweets` (the 15-minute window and the 24-hour user
and app limits): look-ups have budgets of their own, which must not stop publishing.
"""

import html
import unicodedata
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from crowdops.channels.base import (
    Ambiguous,
    ChannelConfig,
    CheckResult,
    Clock,
    NotPublished,
    Outcome,
    Permanent,
    Post,
    Resolution,
    Retry,
    Sent,
)
from crowdops.channels.http import (
    Answer,
    HttpClient,
    classify_status,
    epoch_time,
    iso_time,
    retry_after,
    server_said,
    utc_now,
)
from crowdops.domain.text import x_url_spans  # twitter-text's link finder: the same links X shortens

API_ROOT = "https://api.x.com"
PLATFORM = "X"
# A post found on the account counts as ours only if X dated it no earlier than this before it was queued.
CLOCK_SLACK = timedelta(minutes=5)
# (remaining, reset) header pairs X sends on POST /2/tweets; a remaining of 0 means posting must wait for the reset.
BUDGETS = (
    ("x-rate-limit-remaining", "x-rate-limit-reset"),
    ("x-user-limit-24hour-remaining", "x-user-limit-24hour-reset"),
    ("x-app-limit-24hour-remaining", "x-app-limit-24hour-reset"),
)
TOKEN_REJECTED = "X rejected the token — re-enter it in Channels."
LINK = "\ufffclink\ufffc"

T = TypeVar("T")


class XPublisher:
    kind = "x"

    def __init__(self, config: ChannelConfig, *, clock: Clock = utc_now, timeout: tuple[float, float] | None = None):
        self.config = config
        self.clock = clock
        self.paused_until: datetime | None = None
        self._http = HttpClient(config.base_url or API_ROOT, clock=clock, timeout=timeout)
        self._user_id: str | None = None

    def __repr__(self) -> str:
        return f"XPublisher({self.config.name!r})"

    # -- publish --------------------------------------------------------------------------------------------------

    def publish(self, post: Post) -> Outcome:
        problem = self._token_problem()
        if problem:
            return problem
        answer = self._http.request("POST", "/2/tweets", json={"text": post.text}, headers=self._auth())
        if not isinstance(answer, Answer):
            return self._hide(answer)
        self.paused_until = self._budget_spent_until(answer)
        return self._hide(self._classify(answer, post))

    def _classify(self, answer: Answer, post: Post) -> Outcome:
        if answer.status in (200, 201):
            return self._sent(answer)
        if answer.status == 403 and _is_duplicate(answer):
            return self._reconcile(post)
        if answer.status == 429:
            return Retry("X is rate-limiting posts; will try again when the limit resets.", self.paused_until)
        if answer.status == 401:
            return Permanent(TOKEN_REJECTED)
        if 400 <= answer.status < 500 and answer.status not in (404, 408):  # 403 also: not allowed to post this
            return Permanent(f"X refused the post: {_said(answer)}")
        return classify_status(answer, PLATFORM, self.clock())

    def _sent(self, answer: Answer) -> Outcome:
        data = answer.json.get("data") if isinstance(answer.json, dict) else None
        post_id = data.get("id") if isinstance(data, dict) else None
        if not isinstance(post_id, str) or not post_id:
            return Ambiguous("X's answer could not be read; the post may have been published.")
        return Sent(post_id, self._post_url(post_id))

    def _reconcile(self, post: Post) -> Outcome:
        # "Duplicate content": X already has this text, most likely from our own earlier attempt.
        found = self.resolve(post)
        if isinstance(found, Sent):
            return found
        return Ambiguous(
            "X says this text is already on the account, but it is not among the recent posts yet; will check again.",
            getattr(found, "not_before", None),
        )

    def _budget_spent_until(self, answer: Answer) -> datetime | None:
        """When posting may resume: the latest reset of a budget this answer reports as spent, or a 429's wait."""
        times = [epoch_time(answer.header(reset)) for left, reset in BUDGETS if answer.header(left).strip() == "0"]
        if answer.status == 429:
            times += [
                epoch_time(answer.header("x-rate-limit-reset")),
                retry_after(answer.header("Retry-After"), self.clock()),
            ]
        known = [when for when in times if when is not None]
        return max(known) if known else None

    # -- resolve --------------------------------------------------------------------------------------------------

    def resolve(self, post: Post) -> Resolution:
        problem = self._token_problem()
        if problem:
            return problem
        user_id = self._me_id()
        if not isinstance(user_id, str):
            return self._hide(user_id)
        params = {"max_results": "100", "tweet.fields": "created_at,text"}
        answer = self._http.request("GET", f"/2/users/{user_id}/tweets", params=params, headers=self._auth())
        if not isinstance(answer, Answer) or answer.status != 200:
            return self._hide(self._lookup_failed(answer))
        posts = answer.json.get("data", []) if isinstance(answer.json, dict) else None
        if not isinstance(posts, list):
            return Ambiguous("X's list of recent posts could not be read; will check again.")
        return self._find(posts, post)

    def _find(self, posts: list[Any], post: Post) -> Sent | NotPublished:
        wanted = _comparable(post.text)
        earliest = post.created_at - CLOCK_SLACK
        for item in posts:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                continue
            created = _time(item.get("created_at"))
            text = item.get("text")
            if isinstance(text, str) and _comparable(html.unescape(text)) == wanted and created and created >= earliest:
                return Sent(item["id"], self._post_url(item["id"]))
        return NotPublished("Checked X: the post is not among the account's recent posts.")

    def _me_id(self) -> str | Resolution:
        if self._user_id is None:
            me = self._me()
            if not isinstance(me, str):
                return me
            self._user_id = me
        return self._user_id

    def _me(self) -> str | Resolution:
        answer = self._http.request("GET", "/2/users/me", headers=self._auth())
        if not isinstance(answer, Answer) or answer.status != 200:
            return self._lookup_failed(answer)
        data = answer.json.get("data") if isinstance(answer.json, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            return Ambiguous("X's answer about the account could not be read; will check again.")
        return data["id"]

    def _lookup_failed(self, answer: Answer | Retry | Ambiguous | Permanent) -> Resolution:
        # Never Retry here: that could read as "certainly not published" and send a second copy.
        if isinstance(answer, Permanent):
            return answer
        if not isinstance(answer, Answer):
            return Ambiguous("Could not reach X to check whether the post went out; will check again.")
        if answer.status == 401:
            return Permanent(TOKEN_REJECTED)
        if answer.status == 403:
            return Permanent(f"X does not let this token read the account ({_said(answer)}) — re-enter it in Channels.")
        if answer.status == 429:
            wait = epoch_time(answer.header("x-rate-limit-reset")) or retry_after(
                answer.header("Retry-After"), self.clock()
            )
            return Ambiguous("X is rate-limiting look-ups; will check again later.", wait)
        return Ambiguous(f"Could not check X for the post yet ({_said(answer)}); will check again.")

    # -- check ----------------------------------------------------------------------------------------------------

    def check(self) -> CheckResult:
        problem = self._token_problem()
        if problem:
            return CheckResult(False, problem.message)
        answer = self._http.request("GET", "/2/users/me", headers=self._auth())
        if not isinstance(answer, Answer):
            return CheckResult(
                False, answer.message if isinstance(answer, Permanent) else "Could not reach X — check the network."
            )
        data = answer.json.get("data") if isinstance(answer.json, dict) else None
        if answer.status != 200 or not isinstance(data, dict) or not isinstance(data.get("username"), str):
            said = TOKEN_REJECTED if answer.status == 401 else f"X did not confirm the account: {_said(answer)}"
            return self._hide(CheckResult(False, said))
        return self._signed_in_as(data["username"])

    def _signed_in_as(self, username: str) -> CheckResult:
        expected = self.config.account.lstrip("@")
        if expected and expected.lower() != username.lower():
            return CheckResult(
                False, f"The token signs in as @{username}, not @{expected} — check the account or the token."
            )
        return CheckResult(True, f"Signed in as @{username}")

    # -- helpers --------------------------------------------------------------------------------------------------

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.config.secret}"}

    def _post_url(self, post_id: str) -> str:
        return f"https://x.com/{self.config.account.lstrip('@') or 'i'}/status/{post_id}"

    def _token_problem(self) -> Permanent | None:
        secret = self.config.secret
        if not secret.strip():
            return Permanent("No token is set for this X account — enter it in Channels.")
        if any(ch.isspace() or not ch.isprintable() for ch in secret):
            return Permanent("The X token contains spaces or line breaks — paste it again in Channels.")
        return None

    def _hide(self, result: T) -> T:
        return _without_secret(result, self.config.secret)


def _is_duplicate(answer: Answer) -> bool:
    return "duplicate content" in (_said(answer) + " " + answer.text).lower()


def _said(answer: Answer) -> str:
    """X's problem `detail`, with the first specific error when there is one (v2 problem+json)."""
    said = server_said(answer)
    errors = answer.json.get("errors") if isinstance(answer.json, dict) else None
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    detail = first.get("message")
    if isinstance(detail, str) and detail.strip() and detail.strip() not in said:
        said = f"{said}: {detail.strip()}"
    return said if len(said) <= 200 else said[:199] + "…"


def _comparable(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n")).strip()
    for start, end in reversed(x_url_spans(text)):
        text = text[:start] + LINK + text[end:]
    return text


def _time(value: object) -> datetime | None:
    return iso_time(value) if isinstance(value, str) else None


def _without_secret(result: T, secret: str) -> T:
    """Belt and braces: a server may echo what it was sent; the token must never reach a screen or a log."""
    for name in ("message", "detail"):
        text = getattr(result, name, None)
        if secret and isinstance(text, str) and secret in text:
            return replace(result, **{name: text.replace(secret, "[token hidden]")})  # type: ignore[type-var]
    return result
