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
from datetime import datetime, timedelta
from typing import Any

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
from crowdops.channels.http import (
    Answer,
    RateLimitHeaders,
    Reply,
    classify_status,
    epoch_time,
    iso_time,
    latest,
    retry_after,
    server_said,
)
from crowdops.domain.text import x_url_spans  # twitter-text's link finder: the same links X shortens

API_ROOT = "https://api.x.com"
PLATFORM = "X"
# A post found on the account counts as ours only if X dated it no earlier than this before it was queued.
CLOCK_SLACK = timedelta(minutes=5)
# The budgets X reports on POST /2/tweets (15-minute window, 24-hour user and app limits); the first also on a 429.
BUDGETS = (
    RateLimitHeaders("x-rate-limit-remaining", "x-rate-limit-reset", epoch_time),
    RateLimitHeaders("x-user-limit-24hour-remaining", "x-user-limit-24hour-reset", epoch_time),
    RateLimitHeaders("x-app-limit-24hour-remaining", "x-app-limit-24hour-reset", epoch_time),
)
TOKEN_REJECTED = "X rejected the token — re-enter it in Channels."
LINK = "\ufffclink\ufffc"


class XPublisher(HttpPublisher):
    kind = "x"
    default_server = API_ROOT
    _user_id: str | None = None  # the account's id, asked for once

    # -- publish --------------------------------------------------------------------------------------------------

    def _publish(self, post: Post) -> Outcome:
        answer = self._http.request("POST", "/2/tweets", json={"text": post.text}, headers=self._bearer())
        if not isinstance(answer, Answer):
            return answer
        self.paused_until = self._budget_spent_until(answer)
        return self._classify(answer, post)

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
        wait = BUDGETS[0].wait(answer, self.clock()) if answer.status == 429 else None
        return latest(wait, *(budget.spent(answer) for budget in BUDGETS))

    # -- resolve --------------------------------------------------------------------------------------------------

    def _resolve(self, post: Post) -> Resolution:
        user_id = self._me_id()
        if not isinstance(user_id, str):
            return user_id
        params = {"max_results": "100", "tweet.fields": "created_at,text"}
        answer = self._http.request("GET", f"/2/users/{user_id}/tweets", params=params, headers=self._bearer())
        if not isinstance(answer, Answer) or answer.status != 200:
            return self._lookup_failed(answer)
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
        answer = self._http.request("GET", "/2/users/me", headers=self._bearer())
        if not isinstance(answer, Answer) or answer.status != 200:
            return self._lookup_failed(answer)
        data = answer.json.get("data") if isinstance(answer.json, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            return Ambiguous("X's answer about the account could not be read; will check again.")
        return data["id"]

    def _lookup_failed(self, answer: Reply) -> Resolution:
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

    def _check(self) -> CheckResult:
        answer = self._http.request("GET", "/2/users/me", headers=self._bearer())
        if not isinstance(answer, Answer):
            return CheckResult(
                False, answer.message if isinstance(answer, Permanent) else "Could not reach X — check the network."
            )
        data = answer.json.get("data") if isinstance(answer.json, dict) else None
        if answer.status != 200 or not isinstance(data, dict) or not isinstance(data.get("username"), str):
            said = TOKEN_REJECTED if answer.status == 401 else f"X did not confirm the account: {_said(answer)}"
            return CheckResult(False, said)
        return self._signed_in_as(data["username"])

    def _signed_in_as(self, username: str) -> CheckResult:
        expected = self.config.account.lstrip("@")
        if expected and expected.lower() != username.lower():
            return CheckResult(
                False, f"The token signs in as @{username}, not @{expected} — check the account or the token."
            )
        return CheckResult(True, f"Signed in as @{username}")

    # -- helpers --------------------------------------------------------------------------------------------------

    def _post_url(self, post_id: str) -> str:
        return f"https://x.com/{self.config.account.lstrip('@') or 'i'}/status/{post_id}"

    def _setup_problem(self) -> Permanent | None:
        return token_problem(
            self.config.secret,
            missing="No token is set for this X account — enter it in Channels.",
            garbled="The X token contains spaces or line breaks — paste it again in Channels.",
        )


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
