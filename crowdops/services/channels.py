"""Publishing channels: the official accounts messages go to. Exercises may only use sandbox channels."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crowdops.domain.enums import Role
from crowdops.domain.errors import ConflictError, NotFoundError, ValidationError
from crowdops.domain.names import name_key
from crowdops.domain.permissions import require_can_manage_channels
from crowdops.domain.text import PLATFORMS
from crowdops.services.context import ServiceContext
from crowdops.services.records import ChannelRecord
from crowdops.services.users import find_user
from crowdops.store.message_models import Channel

SANDBOX = "sandbox"


def channel_record(channel: Channel) -> ChannelRecord:
    return ChannelRecord(id=channel.id, name=channel.name, platform=channel.platform)


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


class ChannelService:
    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    def add(self, name: str, platform: str, *, actor: str) -> ChannelRecord:
        clean = name.strip()
        if not clean or len(clean) > 80:
            raise ValidationError("A channel needs a name of 1 to 80 characters.")
        chosen = platform.strip().lower()
        if chosen not in PLATFORMS:
            raise ValidationError(f"Unknown platform '{platform}': use one of {', '.join(PLATFORMS)}.")
        with self._ctx.db.write() as session:
            user = find_user(session, actor)
            require_can_manage_channels(Role(user.role), user.name)
            channel = Channel(name=clean, platform=chosen, created_at=self._ctx.clock())
            session.add(channel)
            try:
                session.flush()
            except IntegrityError:
                raise ConflictError(f"A channel named '{clean}' already exists.") from None
            self._ctx.record(
                session, user.name, "channel.add", f"channel:{channel.id.hex}", name=clean, platform=chosen
            )
            return channel_record(channel)

    def list(self) -> list[ChannelRecord]:
        with self._ctx.db.read() as session:
            return [channel_record(c) for c in session.scalars(select(Channel).order_by(Channel.name_key))]
