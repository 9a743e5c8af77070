"""Telegram: a bot, made an admin of the channel, posts with the Bot API's `sendMessage`.

The Bot API puts the bot token in the URL path (`/bot<token>/sendMessage`), so this module never lets a URL reach a
message: the shared client names only the host, a server's own words are scrubbed of the token, and an unexpected
error is re-raised without its text. Keep the `urllib3` logger above DEBUG, which logs request paths.

A bot cannot read a channel's history, so an ambiguous send cannot be checked: a person looks at the channel.
`paused_until` follows Telegram's flood control (`retry_after` in an error 429).
"""

import re
from datetime import datetime, timedelta
from typing import Any, TypeVar

from crowdops.channels.base import (
    Ambiguous,
    CheckResult,
    NeedsPerson,
    Outcome,
    Permanent,
    Post,
    Resolution,
    Retry,
    Sent,
)
from crowdops.channels.common import HttpPublisher, without_secret
from crowdops.channels.http import Answer, Reply, retry_after

API_ROOT = "https://api.telegram.org"
PLATFORM = "Telegram"
# What @BotFather hands out: the bot's numeric id, a colon, then letters, digits, "-" and "_" (safe in a URL path).
TOKEN_SHAPE = re.compile(r"\d+:[A-Za-z0-9_-]+")
TOKEN_REJECTED = "Telegram rejected the bot token — re-enter it in Channels."
NOT_ADMIN = (
    "The bot may not post in this channel — make it an admin of the channel with the right to post messages, "
    "then try again."
)
CANNOT_CHECK = "Telegram cannot be checked: look at the channel and mark the post as sent or not sent."

T = TypeVar("T")


class TelegramPublisher(HttpPublisher):
    kind = "telegram"
    default_server = API_ROOT

    def _publish(self, post: Post) -> Outcome:
        body = {"chat_id": self.config.chat_id.strip(), "text": post.text, "disable_web_page_preview": False}
        answer = self._call("POST", "sendMessage", json=body)
        if not isinstance(answer, Answer):
            return answer
        if answer.status == 200 and isinstance(answer.json, dict) and answer.json.get("ok") is True:
            return self._sent(answer.json.get("result"))
        return self._refused(answer)

    def resolve(self, post: Post) -> Resolution:
        """Never asks Telegram (nor needs the settings): a bot cannot read the channel."""
        return NeedsPerson(CANNOT_CHECK)

    def _check(self) -> CheckResult:
        me = self._result("getMe")
        if not isinstance(me, dict):
            return CheckResult(False, me)
        chat = self._result("getChat", {"chat_id": self.config.chat_id.strip()})
        if not isinstance(chat, dict):
            return CheckResult(False, chat)
        title = chat.get("title") or chat.get("username") or self.config.chat_id
        return CheckResult(True, f"Bot @{me.get('username', '?')} in {title}")

    # -- answers --------------------------------------------------------------------------------------------------

    def _sent(self, result: Any) -> Outcome:
        message_id = result.get("message_id") if isinstance(result, dict) else None
        if not isinstance(message_id, int):
            return Ambiguous("Telegram's answer could not be read; the post may have been published.")
        return Sent(str(message_id), self._message_url(result.get("chat"), message_id))

    def _message_url(self, chat: Any, message_id: int) -> str:
        # Only a public channel (one with a @name) has a link anyone can open.
        username = chat.get("username") if isinstance(chat, dict) else None
        chat_id = self.config.chat_id.strip()
        if not username and chat_id.startswith("@"):
            username = chat_id[1:]
        return f"https://t.me/{username}/{message_id}" if isinstance(username, str) and username else ""

    def _refused(self, answer: Answer) -> Outcome:
        body = answer.json if isinstance(answer.json, dict) else {}
        code = body.get("error_code") if isinstance(body.get("error_code"), int) else answer.status
        if answer.status >= 500 or code >= 500:
            return Ambiguous(f"Telegram had a server error (HTTP {answer.status}); the post may have been published.")
        if code < 300:  # a success status without a readable success
            return Ambiguous("Telegram's answer could not be read; the post may have been published.")
        if code == 429:
            return Retry("Telegram asks us to slow down (flood control); will try again later.", self.paused_until)
        return _refusal(code, _description(body), body.get("parameters"), self.config.chat_id.strip())

    # -- helpers --------------------------------------------------------------------------------------------------

    def _call(self, method: str, api_method: str, **kwargs: Any) -> Reply:
        try:
            answer = self._http.request(method, f"/bot{self.config.secret.strip()}/{api_method}", **kwargs)
        except Exception as error:
            # Its text may hold the URL, and with it the token: re-raise with the kind of error only.
            raise RuntimeError(f"Telegram request failed unexpectedly ({type(error).__name__})") from None
        if isinstance(answer, Answer) and _error_code(answer) == 429:
            self.paused_until = self._flood_wait(answer)
        return answer

    def _flood_wait(self, answer: Answer) -> datetime | None:
        parameters = answer.json.get("parameters") if isinstance(answer.json, dict) else None
        seconds = parameters.get("retry_after") if isinstance(parameters, dict) else None
        if isinstance(seconds, int) and seconds >= 0:
            return self.clock() + timedelta(seconds=seconds)
        return retry_after(answer.header("Retry-After"), self.clock())

    def _result(self, api_method: str, body: dict[str, str] | None = None) -> dict[str, Any] | str:
        """The `result` of a read-only call, or what went wrong in plain words."""
        answer = self._call("POST", api_method, json=body or {})
        if not isinstance(answer, Answer):
            return answer.message if isinstance(answer, Permanent) else "Could not reach Telegram — check the network."
        result = answer.json.get("result") if isinstance(answer.json, dict) else None
        if answer.status == 200 and isinstance(result, dict):
            return result
        return self._refused(answer).message if answer.status != 200 else "Telegram's answer could not be read."

    def _setup_problem(self) -> Permanent | None:
        if not self.config.secret.strip():
            return Permanent("No bot token is set for this Telegram channel — enter it in Channels.")
        if not TOKEN_SHAPE.fullmatch(self.config.secret.strip()):
            return Permanent(
                "The bot token does not look like one from @BotFather (digits, a colon, then letters) — "
                "paste it again in Channels."
            )
        if not self.config.chat_id.strip():
            return Permanent("No Telegram channel is set — enter the channel's @name or numeric id in Channels.")
        return None

    def _hide(self, result: T) -> T:
        # The token as it goes into the URL path, surrounding blanks stripped: that is what a server could echo.
        return without_secret(result, self.config.secret.strip(), self.secret_mask)


def _refusal(code: int, description: str, parameters: Any, chat_id: str) -> Permanent:
    """A 4xx answer in a comms officer's words."""
    lowered = description.lower()
    if code in (401, 404):  # 404: Telegram's answer for a token it does not know at all
        return Permanent(TOKEN_REJECTED)
    if "chat not found" in lowered:
        return Permanent(
            f"Telegram does not know the channel {chat_id} — check its @name or id in Channels, and that the bot "
            "was added to it."
        )
    moved = parameters.get("migrate_to_chat_id") if isinstance(parameters, dict) else None
    if moved:
        return Permanent(f"The group has moved to a new id ({moved}) — enter it in Channels.")
    if code == 403 or any(words in lowered for words in ("rights", "admin", "not a member", "kicked", "forbidden")):
        return Permanent(NOT_ADMIN)
    return Permanent(f"Telegram refused the post: {description or f'HTTP {code}'}")


def _error_code(answer: Answer) -> int:
    code = answer.json.get("error_code") if isinstance(answer.json, dict) else None
    return code if isinstance(code, int) else answer.status


def _description(body: dict[str, Any]) -> str:
    text = body.get("description")
    text = text.strip() if isinstance(text, str) else ""
    return text if len(text) <= 200 else text[:199] + "…"
