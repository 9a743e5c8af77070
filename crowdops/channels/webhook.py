"""Webhook: posts to a receiver we configure (the agency website, an intranet page, a partner system).

What the receiver gets, for every post (and every re-send of it):

    POST <address>
    Content-Type: application/json; charset=utf-8
    X-CrowdOps-Event: post                 ("ping" for the connection test, whose body is {"ping":true})
    X-CrowdOps-Timestamp: <unix seconds>
    X-CrowdOps-Signature: sha256=<hex>
    Idempotency-Key: <32 hex characters, the same for every attempt at one post>

    {"channel":…,"created_at":"2026-05-01T12:00:00+00:00","id":"<message item id>","idempotency_key":…,
     "language":"en","text":…}

The body is compact JSON with sorted keys, UTF-8. The signature is the hex HMAC-SHA256, keyed with the channel's
secret, of the timestamp, a full stop and the exact body bytes: `hmac(secret, f"{timestamp}.".encode() + body)`.
A receiver should recompute it over the raw body before parsing, compare with `hmac.compare_digest`, and refuse
timestamps more than five minutes from its own clock (so a captured request cannot be replayed later).

Receivers must de-duplicate on `Idempotency-Key`: after an ambiguous attempt (timeout, 5xx) the same post is sent
again with the same key, and must then be answered as success without being published twice. While an earlier
copy is still being processed a receiver may answer 409 (we check again later).

A 2xx answer means published; it may carry JSON `{"id": …, "url": …}` naming the published item.
"""

import hashlib
import hmac
import json
from datetime import UTC
from typing import Any
from urllib.parse import urlsplit

from crowdops.channels.base import (
    Ambiguous,
    ChannelConfig,
    CheckResult,
    Outcome,
    Permanent,
    Post,
    Resolution,
    Retry,
    Sent,
)
from crowdops.channels.common import HttpPublisher, first_missing
from crowdops.channels.http import Answer, Reply, classify_status, retry_after, server_said

PLATFORM = "The receiver"


class WebhookPublisher(HttpPublisher):
    kind = "webhook"
    secret_mask = "[secret hidden]"

    def _server(self, config: ChannelConfig) -> str:
        # The client names only scheme and host in its messages: the path or query of a webhook address may itself
        # be a secret (many receivers put a token there).
        return _origin(config.base_url.strip())

    @property
    def _address(self) -> str:
        return self.config.base_url.strip()

    def _publish(self, post: Post) -> Outcome:
        answer = self._send(post_body(post, self.config.name), "post", post.idempotency_key)
        if not isinstance(answer, Answer):
            return answer
        self.paused_until = retry_after(answer.header("Retry-After"), self.clock()) if answer.status == 429 else None
        return self._classify(answer, post)

    def _resolve(self, post: Post) -> Resolution:
        """The receiver de-duplicates on the Idempotency-Key, so asking is sending the same post again."""
        outcome = self._publish(post)
        if isinstance(outcome, Retry):  # not reached this time; the earlier attempt may still have been published
            return Ambiguous(f"Could not check with the receiver yet: {outcome.message}", outcome.not_before)
        return outcome

    def _check(self) -> CheckResult:
        answer = self._send(_compact({"ping": True}), "ping")
        if not isinstance(answer, Answer):
            return CheckResult(False, answer.message)
        if 200 <= answer.status < 300:
            return CheckResult(True, f"The receiver at {self._http.base_url} answered the test.")
        return CheckResult(False, self._refused(answer).message)

    # -- requests -------------------------------------------------------------------------------------------------

    def _send(self, body: bytes, event: str, key: str = "") -> Reply:
        timestamp = str(int(self.clock().timestamp()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-CrowdOps-Event": event,
            "X-CrowdOps-Timestamp": timestamp,
            "X-CrowdOps-Signature": "sha256=" + sign(self.config.secret, timestamp, body),
        }
        if key:
            headers["Idempotency-Key"] = key
        # No redirects: requests would turn a redirected POST into a GET without the post.
        return self._http.request("POST", self._address, data=body, headers=headers, allow_redirects=False)

    # -- answers --------------------------------------------------------------------------------------------------

    def _classify(self, answer: Answer, post: Post) -> Outcome:
        if 200 <= answer.status < 300:
            return self._sent(answer, post)
        return self._refused(answer)

    def _sent(self, answer: Answer, post: Post) -> Outcome:
        body = answer.json if isinstance(answer.json, dict) else {}
        if answer.json is None and answer.text.strip() and "json" in answer.header("Content-Type").lower():
            return Ambiguous("The receiver's answer could not be read; the post may have been published.")
        remote_id = body.get("id")
        url = body.get("url")
        return Sent(
            str(remote_id) if isinstance(remote_id, str | int) and str(remote_id) else post.idempotency_key,
            url if isinstance(url, str) and url.startswith(("http://", "https://")) else "",
        )

    def _refused(self, answer: Answer) -> Retry | Ambiguous | Permanent:
        status = answer.status
        if status == 409:  # the IETF Idempotency-Key draft: an earlier copy is still being processed
            return Ambiguous("The receiver is still working on an earlier copy of this post; will check again.")
        if status in (401, 403):
            return Permanent(
                f"The receiver refused our signature (HTTP {status}) — check that the secret in Channels matches "
                "the receiver's."
            )
        if 300 <= status < 400:
            return Permanent(
                f"The receiver answered with a redirect (HTTP {status}) — enter its final address in Channels."
            )
        if status in (404, 408, 429) or status >= 500:
            return classify_status(answer, PLATFORM, self.clock())
        return Permanent(f"The receiver refused the post (HTTP {status}: {server_said(answer)}).")

    def _setup_problem(self) -> Permanent | None:
        return first_missing(
            (self._address, "No address set for this webhook — enter the receiver's address in Channels."),
            (self.config.secret, "No signing secret is set for this webhook — enter it in Channels."),
        )


def post_body(post: Post, channel: str) -> bytes:
    """The exact bytes sent and signed for `post` (the same for every attempt)."""
    return _compact(
        {
            "id": str(post.item_id),
            "idempotency_key": post.idempotency_key,
            "language": post.language,
            "text": post.text,
            "created_at": post.created_at.astimezone(UTC).isoformat(),
            "channel": channel,
        }
    )


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def _compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode("utf-8")


def _origin(address: str) -> str:
    """Scheme and host of `address` (no user, path or query), or "" when it has none."""
    try:
        parts = urlsplit(address)
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return ""
    if not parts.scheme or not parts.hostname:
        return ""
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname  # IPv6
    return f"{parts.scheme}://{host}{port}"
