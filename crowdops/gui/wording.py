"""Words for message records that every message view shows the same way: purposes, priorities, statuses, languages,
ages and audit actions. No widgets here, so views and models agree; every word goes through `tr`."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication

from crowdops.domain.audit import AuditEntry
from crowdops.domain.errors import CrowdOpsError
from crowdops.domain.languages import language
from crowdops.domain.messages import MessageStatus, Priority, Purpose
from crowdops.domain.outbox import PLAIN_WORDS

if TYPE_CHECKING:
    from crowdops.services.message_records import MessageRecord


log = logging.getLogger(__name__)


def tr(text: str) -> str:
    return QCoreApplication.translate("Messages", text)


# Chip kinds, named after their object names in app.qss.
NEUTRAL, WAITING, OK, DANGER = "ChipNeutral", "ChipWaiting", "ChipOk", "ChipDanger"

STATUS_CHIP = {
    MessageStatus.DRAFT: NEUTRAL,
    MessageStatus.SUBMITTED: WAITING,
    MessageStatus.APPROVED: OK,
    MessageStatus.REJECTED: DANGER,
    MessageStatus.WITHDRAWN: NEUTRAL,
}
PRIORITY_CHIP = {Priority.ROUTINE: NEUTRAL, Priority.URGENT: WAITING, Priority.LIFE_SAFETY: DANGER}

OUTBOX_WORDS = {status.value: words for status, words in PLAIN_WORDS.items()}  # one wording, the domain's

AUDIT_WORDS = {
    "message.draft": "Drafted",
    "message.translate": "Changed the text",
    "message.channels": "Changed the channels",
    "message.submit": "Submitted for approval",
    "message.privacy-ack": "Acknowledged a flagged item",
    "message.approve": "Approved",
    "message.break-glass": "Published WITHOUT a second approver",
    "message.reject": "Rejected",
    "message.withdraw": "Withdrew",
    # The outbox: the sync worker moving a post, and what a person did about it.
    "outbox.sent": "Published",
    "outbox.queued": "Not sent; will try again",
    "outbox.unknown": "May have been sent; checking",
    "outbox.held": "Held for a person",
    "outbox.failed": "Failed",
    "outbox.cancelled": "Cancelled",
    "outbox.retry": "Asked to try again now",
    "outbox.cancel": "Cancelled by hand",
    "outbox.resolve": "Resolved by hand",
}


def user_message(error: Exception) -> str:
    """A refusal's own sentence; anything else (a bug) is logged, and the user told plainly."""
    if isinstance(error, CrowdOpsError):
        return str(error)
    log.error("unexpected error", exc_info=error)
    return tr("Something went wrong and nothing was saved ({kind}). Try again; if it repeats, tell support.").format(
        kind=type(error).__name__
    )


def purpose_label(purpose: Purpose) -> str:
    return tr(purpose.value.replace("-", " ").capitalize())


def priority_label(priority: Priority) -> str:
    return tr({"routine": "Routine", "urgent": "Urgent", "life-safety": "LIFE-SAFETY"}[priority.value])


def language_title(code: str) -> str:
    """'Greek · Ελληνικά'; English alone."""
    lang = language(code)
    return lang.name if lang.native == lang.name else f"{lang.name} · {lang.native}"


def headline(record: MessageRecord) -> str:
    """The first line of the text a reader of the list recognises: English if there is one, else the first."""
    codes = record.languages
    if not codes:
        return ""
    text = record.text("en" if "en" in codes else codes[0]) or ""
    return text.strip().splitlines()[0] if text.strip() else ""


def short_time(moment: datetime, tz: ZoneInfo, now: datetime) -> str:
    local = moment.astimezone(tz)
    return local.strftime("%H:%M") if local.date() == now.astimezone(tz).date() else local.strftime("%d %b %H:%M")


PLATFORM_NAMES = {
    "x": "X",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "telegram": "Telegram",
    "facebook": "Facebook",
    "webhook": "Webhook",
    "sandbox": "Sandbox (training)",
}


def channel_title(name: str, platform: str) -> str:
    """'Police Mastodon · Mastodon'."""
    return f"{name} · {tr(PLATFORM_NAMES.get(platform, platform))}"


def ago(moment: datetime, now: datetime) -> str:
    """'just now', '12 min ago'."""
    waited = age(moment, now)
    return waited if waited == tr("just now") else tr("{age} ago").format(age=waited)


def age(moment: datetime, now: datetime) -> str:
    """'just now', '12 min', '3 h 05 min', '2 days'."""
    minutes = max(0, int((now - moment).total_seconds() // 60))
    if minutes < 1:
        return tr("just now")
    if minutes < 60:
        return tr("{m} min").format(m=minutes)
    if minutes < 24 * 60:
        return tr("{h} h {m:02d} min").format(h=minutes // 60, m=minutes % 60)
    return tr("{d} days").format(d=minutes // (24 * 60))


def audit_line(entry: AuditEntry, tz: ZoneInfo, now: datetime) -> tuple[str, str, str]:
    """(time, who, what) of one audit entry, in plain words; the time as short_time (the zone is in the title)."""
    moment = datetime.fromisoformat(entry.at.replace("Z", "+00:00"))
    when = short_time(moment, tz, now)
    what = tr(AUDIT_WORDS.get(entry.action, entry.action))
    try:
        data = json.loads(entry.data) if entry.data else {}
    except ValueError:
        data = {}
    detail = ""
    if entry.action == "message.translate" and data.get("language"):
        detail = language(str(data["language"])).name + (f", {data['channel']}" if data.get("channel") else "")
    elif entry.action == "message.channels":
        detail = ", ".join(data.get("channels") or []) or tr("none")
    elif entry.action == "message.privacy-ack":
        detail = str(data.get("kind", "")).replace("-", " ")
    elif entry.action in ("message.reject", "message.withdraw", "message.break-glass") and data.get("reason"):
        detail = str(data["reason"])
    elif entry.action == "message.approve" and data.get("queued"):
        detail = tr("{n} posts queued").format(n=len(data["queued"]))
    elif entry.action == "outbox.resolve":
        detail = tr("published at {url}").format(url=data.get("url")) if data.get("sent") else tr("not published")
    elif entry.action.startswith("outbox."):
        detail = str(data.get("reason") or data.get("url") or "")
    return when, entry.actor, f"{what}: {detail}" if detail else what
