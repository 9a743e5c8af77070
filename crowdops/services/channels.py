"""Publishing channels: the official accounts messages go to. Exercises may only use sandbox channels.

A channel's settings (server, account, page, chat) live in the database; its token lives only in the OS keyring.
"""

from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crowdops.channels.base import CheckResult
from crowdops.domain.enums import Role
from crowdops.domain.errors import ConflictError, NotFoundError, ValidationError
from crowdops.domain.names import name_key
from crowdops.domain.permissions import require_can_manage_channels
from crowdops.domain.text import PLATFORMS
from crowdops.services.context import ServiceContext
from crowdops.services.records import ChannelRecord
from crowdops.services.users import find_user
from crowdops.store.message_models import Channel
from crowdops.store.secrets import get_secret, set_secret
from crowdops.sync.publishers import build_publisher, secret_name

SANDBOX = "sandbox"
MAX_SECRET = 4096


def channel_record(channel: Channel) -> ChannelRecord:
    return ChannelRecord(
        id=channel.id,
        name=channel.name,
        platform=channel.platform,
        base_url=channel.base_url,
        account=channel.account,
        page_id=channel.page_id,
        chat_id=channel.chat_id,
        char_limit=channel.char_limit,
    )


def find_channel(session: Session, name: str) -> Channel:
    channel = session.scalars(select(Channel).where(Channel.name_key == name_key(name.strip()))).one_or_none()
    if channel is None:
        raise NotFoundError(f"No channel named '{name}'.")
    return channel


def require_allowed_in(channel: Channel, exercise: bool) -> None:
    """Exercise isolation, enforced wherever a channel is chosen or a post is queued."""
    if exercise and channel.platform != SANDBOX:
        raise ValidationError(
            f"'{channel.name}' is a live {channel.platform} account; an exercise may only use sandbox channels."
        )


def _clean_url(value: str) -> str:
    url = value.strip().rstrip("/")
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(f"'{value}' is not a server address: give it whole, like https://social.example.org.")
    return url


def _short(value: str, label: str, limit: int) -> str:
    clean = value.strip()
    if len(clean) > limit:
        raise ValidationError(f"The {label} is {len(clean)} characters long; the limit is {limit}.")
    return clean


class ChannelService:
    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    def add(
        self,
        name: str,
        platform: str,
        *,
        actor: str,
        base_url: str = "",
        account: str = "",
        page_id: str = "",
        chat_id: str = "",
    ) -> ChannelRecord:
        clean = name.strip()
        if not clean or len(clean) > 80:
            raise ValidationError("A channel needs a name of 1 to 80 characters.")
        chosen = platform.strip().lower()
        if chosen not in PLATFORMS:
            raise ValidationError(f"Unknown platform '{platform}': use one of {', '.join(PLATFORMS)}.")
        settings = {
            "base_url": _clean_url(base_url),
            "account": _short(account, "account", 200),
            "page_id": _short(page_id, "page id", 100),
            "chat_id": _short(chat_id, "chat id", 100),
        }
        with self._ctx.db.write() as session:
            user = find_user(session, actor)
            require_can_manage_channels(Role(user.role), user.name)
            channel = Channel(name=clean, platform=chosen, created_at=self._ctx.clock(), **settings)
            session.add(channel)
            try:
                session.flush()
            except IntegrityError:
                raise ConflictError(f"A channel named '{clean}' already exists.") from None
            self._ctx.record(
                session,
                user.name,
                "channel.add",
                f"channel:{channel.id.hex}",
                name=clean,
                platform=chosen,
                **{k: v for k, v in settings.items() if v},
            )
            return channel_record(channel)

    def update(
        self,
        name: str,
        *,
        actor: str,
        base_url: str | None = None,
        account: str | None = None,
        page_id: str | None = None,
        chat_id: str | None = None,
    ) -> ChannelRecord:
        """Change where a channel publishes; what is not given stays. Posts that failed for want of a setting can
        then be retried. Audited with the old and new values."""
        given = {"base_url": base_url, "account": account, "page_id": page_id, "chat_id": chat_id}
        if all(v is None for v in given.values()):
            raise ValidationError("Nothing to change: give a server address, account, page id or chat id.")
        cleaned = {
            "base_url": _clean_url(base_url) if base_url is not None else None,
            "account": _short(account, "account", 200) if account is not None else None,
            "page_id": _short(page_id, "page id", 100) if page_id is not None else None,
            "chat_id": _short(chat_id, "chat id", 100) if chat_id is not None else None,
        }
        with self._ctx.db.write() as session:
            user = find_user(session, actor)
            require_can_manage_channels(Role(user.role), user.name)
            channel = find_channel(session, name)
            changes = {
                k: (getattr(channel, k), v) for k, v in cleaned.items() if v is not None and getattr(channel, k) != v
            }
            if not changes:
                return channel_record(channel)
            for key, (_, value) in changes.items():
                setattr(channel, key, value)
            if "base_url" in changes:
                channel.char_limit = None  # another server: its limit is learned again by `channel test`
            session.flush()
            self._ctx.record(
                session,
                user.name,
                "channel.update",
                f"channel:{channel.id.hex}",
                **{k: {"from": old, "to": new} for k, (old, new) in changes.items()},
            )
            return channel_record(channel)

    def list(self) -> list[ChannelRecord]:
        with self._ctx.db.read() as session:
            return [channel_record(c) for c in session.scalars(select(Channel).order_by(Channel.name_key))]

    def get(self, name: str) -> ChannelRecord:
        with self._ctx.db.read() as session:
            return channel_record(find_channel(session, name))

    def set_secret(self, name: str, secret: str, *, actor: str) -> ChannelRecord:
        """Keep the account's token in the OS keyring (refused when there is no secure keyring). Audited, without
        the secret itself."""
        value = secret.strip()
        if not value:
            raise ValidationError("The token is empty; nothing was stored.")
        if len(value) > MAX_SECRET or any(c in value for c in "\r\n"):
            raise ValidationError("That does not look like a token (it is too long or has several lines).")
        with self._ctx.db.write() as session:
            user = find_user(session, actor)
            require_can_manage_channels(Role(user.role), user.name)
            channel = find_channel(session, name)
            if channel.platform == SANDBOX:
                raise ValidationError("A sandbox channel needs no token: it never leaves this computer.")
            set_secret(secret_name(channel.id.hex), value)  # first: if the keyring refuses, nothing is recorded
            self._ctx.record(session, user.name, "channel.secret-set", f"channel:{channel.id.hex}", name=channel.name)
            return channel_record(channel)

    def has_secret(self, name: str) -> bool:
        with self._ctx.db.read() as session:
            channel = find_channel(session, name)
        return channel.platform == SANDBOX or bool(get_secret(secret_name(channel.id.hex)))

    def test(self, name: str) -> CheckResult:
        """Reach the account and prove the token works, publishing nothing; learn the account's own length limit
        where the platform tells it (a Mastodon instance's). Network: never on the GUI thread."""
        with self._ctx.db.read() as session:
            channel = find_channel(session, name)
        try:
            publisher = build_publisher(self._ctx.db, channel, exercise=False, clock=self._ctx.clock)
        except (ValidationError, NotFoundError) as error:
            return CheckResult(False, str(error))
        result = publisher.check()
        limit_of = getattr(publisher, "max_characters", None)
        limit = limit_of() if result.ok and limit_of is not None else None
        if isinstance(limit, int) and limit > 0 and limit != channel.char_limit:
            with self._ctx.db.write() as session:
                stored = session.get(Channel, channel.id)
                assert stored is not None
                stored.char_limit = limit
                self._ctx.record(session, None, "channel.limit", f"channel:{channel.id.hex}", char_limit=limit)
            return CheckResult(True, f"{result.detail} Posts here may be up to {limit} characters.")
        return result
