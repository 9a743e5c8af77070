"""Publishing channels as a Qt table model: name, kind, where it publishes and whether its token is set.

A row is a ChannelRecord with its token state, read together off the GUI thread (the keyring may be slow or
locked)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from crowdops.gui.models.register_model import _RecordModel
from crowdops.gui.wording import DANGER, NEUTRAL, OK, PLATFORM_NAMES, WAITING, tr

if TYPE_CHECKING:
    from crowdops.app import App
    from crowdops.services.records import ChannelRecord

# What each kind of account needs besides its token (the rest is hidden in the add form).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "mastodon": ("base_url",),
    "bluesky": ("account", "base_url"),
    "x": ("account",),
    "facebook": ("page_id",),
    "telegram": ("chat_id",),
    "webhook": ("base_url",),
    "sandbox": (),
}
TOKEN_SET, TOKEN_MISSING, TOKEN_NOT_NEEDED, KEYRING_LOCKED = "set", "missing", "not needed", "keyring"
TOKEN_WORDS = {
    TOKEN_SET: "Token set",
    TOKEN_MISSING: "No token yet",
    TOKEN_NOT_NEEDED: "Needs no token",
    KEYRING_LOCKED: "Keyring not available",
}
TOKEN_CHIP = {TOKEN_SET: OK, TOKEN_MISSING: DANGER, TOKEN_NOT_NEEDED: NEUTRAL, KEYRING_LOCKED: WAITING}


@dataclass(frozen=True, slots=True)
class ChannelRow:
    channel: ChannelRecord
    token: str

    @property
    def id(self) -> uuid.UUID:
        return self.channel.id


def read_channels(app: App) -> list[ChannelRow]:
    """Off the GUI thread: every channel and its token state."""
    from crowdops.domain.errors import CrowdOpsError

    rows = []
    for channel in app.channels.list():
        if channel.platform == "sandbox":
            token = TOKEN_NOT_NEEDED
        else:
            try:
                token = TOKEN_SET if app.channels.has_secret(channel.name) else TOKEN_MISSING
            except CrowdOpsError:
                token = KEYRING_LOCKED
        rows.append(ChannelRow(channel, token))
    return rows


def kind_label(platform: str) -> str:
    return tr(PLATFORM_NAMES.get(platform, platform))


def where(channel: ChannelRecord) -> str:
    """Where a channel publishes, as its owner would recognise it."""
    if channel.platform == "sandbox":
        return tr("This computer's training feed")
    for value in (channel.account, channel.page_id, channel.chat_id):
        if value:
            return f"{value} · {channel.base_url}" if channel.base_url else value
    return channel.base_url or tr("not set yet")


class ChannelModel(_RecordModel[ChannelRow]):
    NAME, KIND, WHERE, TOKEN = range(4)
    HEADERS = ("Name", "Kind", "Where", "Token")
    STRETCH = WHERE

    def __init__(self, parent: Any = None) -> None:
        super().__init__(lambda: None, parent)  # type: ignore[arg-type,return-value]  # no times shown

    def _display(self, record: ChannelRow, column: int) -> str:
        match column:
            case self.NAME:
                return record.channel.name
            case self.KIND:
                return kind_label(record.channel.platform)
            case self.WHERE:
                return where(record.channel)
            case _:
                return tr(TOKEN_WORDS[record.token])

    def _chip(self, record: ChannelRow, column: int) -> str | None:
        return TOKEN_CHIP[record.token] if column == self.TOKEN else None

    def set_channels(self, rows: list[ChannelRow]) -> None:
        self.set_rows(rows, ZoneInfo("UTC"))
