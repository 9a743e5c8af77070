"""Builds the adapter for a channel: its settings from the database, its secret from the OS keyring.

Exercise isolation is enforced here as well as where posts are queued: a post of an exercise operation only ever
gets a sandbox publisher; asking for anything else is refused before a connection could be made.
"""

import importlib
from typing import Any

from crowdops.channels.base import ChannelConfig, Clock, Publisher
from crowdops.domain.errors import PermissionDeniedError, ValidationError
from crowdops.store.database import Database
from crowdops.store.message_models import Channel
from crowdops.store.secrets import get_secret, set_secret
from crowdops.sync.sandbox import SandboxPublisher

ADAPTERS = {
    "mastodon": "crowdops.channels.mastodon:MastodonPublisher",
    "bluesky": "crowdops.channels.bluesky:BlueskyPublisher",
    "x": "crowdops.channels.x:XPublisher",
    "facebook": "crowdops.channels.facebook:FacebookPublisher",
    "telegram": "crowdops.channels.telegram:TelegramPublisher",
    "webhook": "crowdops.channels.webhook:WebhookPublisher",
}

# What each kind of account cannot publish without (besides its secret). Checked when publishing, not when adding,
# so a channel can be prepared before its details are known; a post for it then fails loudly, saying what is missing.
REQUIRED = {
    "mastodon": ("base_url", "server address"),
    "webhook": ("base_url", "address to post to"),
    "bluesky": ("account", "account handle"),
    "facebook": ("page_id", "page id"),
    "telegram": ("chat_id", "channel (@name or id)"),
}


def secret_name(channel_id_hex: str) -> str:
    return f"channel-{channel_id_hex}"


class KeyringSessionCache:
    """A platform login session (Bluesky's tokens) kept in the keyring, so a restart does not log in again."""

    def __init__(self, channel_id_hex: str) -> None:
        self._name = secret_name(channel_id_hex) + "-session"

    def load(self) -> str | None:
        value = get_secret(self._name)
        return value or None

    def save(self, value: str | None) -> None:
        set_secret(self._name, value or "")


def channel_config(channel: Channel, secret: str) -> ChannelConfig:
    return ChannelConfig(
        name=channel.name,
        kind=channel.platform,
        base_url=channel.base_url,
        account=channel.account,
        page_id=channel.page_id,
        chat_id=channel.chat_id,
        secret=secret,
    )


def _adapter_class(kind: str) -> Any:
    module_name, _, class_name = ADAPTERS[kind].partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def build_publisher(db: Database, channel: Channel, *, exercise: bool, clock: Clock) -> Publisher:
    """Raises ValidationError (in plain words) when the channel cannot publish: no secret, unknown kind."""
    if channel.platform == "sandbox":
        return SandboxPublisher(db, channel.id, channel.name, clock=clock)
    if exercise:
        raise PermissionDeniedError(
            f"'{channel.name}' is a live {channel.platform} account; an exercise may only publish to sandbox channels."
        )
    if channel.platform not in ADAPTERS:
        raise ValidationError(f"CrowdOps cannot publish to '{channel.platform}' channels.")
    if channel.platform in REQUIRED:
        setting, what = REQUIRED[channel.platform]
        if not getattr(channel, setting):
            raise ValidationError(f"'{channel.name}' has no {what} yet: set it in Channels.")
    secret = get_secret(secret_name(channel.id.hex))
    if not secret:
        raise ValidationError(
            f"No token is set for '{channel.name}' — set it in Channels (crowdops channel secret {channel.name})."
        )
    config = channel_config(channel, secret)
    cls = _adapter_class(channel.platform)
    if channel.platform == "bluesky":
        return cls(config, clock=clock, sessions=KeyringSessionCache(channel.id.hex))
    return cls(config, clock=clock)
