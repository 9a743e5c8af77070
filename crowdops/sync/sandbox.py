"""The sandbox channel: "publishes" into the training feed in the local database, for exercises and for trying the
app without accounts. Exactly once by construction: one feed entry per outbox row (a unique key), so a re-send
after a crash finds the entry it made before."""

import uuid
from datetime import datetime

from sqlalchemy import select

from crowdops.channels.base import CheckResult, Clock, NotPublished, Outcome, Post, Resolution, Sent
from crowdops.store.database import Database
from crowdops.store.message_models import SandboxPost


def sandbox_url(channel_name: str, post_id: uuid.UUID) -> str:
    return f"sandbox://{channel_name}/{post_id.hex[:12]}"


class SandboxPublisher:
    kind = "sandbox"
    paused_until: datetime | None = None

    def __init__(self, db: Database, channel_id: uuid.UUID, channel_name: str, *, clock: Clock) -> None:
        self._db = db
        self._channel_id = channel_id
        self._name = channel_name
        self._clock = clock

    def publish(self, post: Post) -> Outcome:
        with self._db.write() as session:
            entry = session.scalars(select(SandboxPost).where(SandboxPost.outbox_item_id == post.item_id)).first()
            if entry is None:
                entry = SandboxPost(
                    id=uuid.uuid4(),
                    channel_id=self._channel_id,
                    outbox_item_id=post.item_id,
                    language=post.language,
                    text=post.text,
                    posted_at=self._clock(),
                )
                session.add(entry)
            return Sent(entry.id.hex, sandbox_url(self._name, entry.id))

    def resolve(self, post: Post) -> Resolution:
        with self._db.read() as session:
            entry = session.scalars(select(SandboxPost).where(SandboxPost.outbox_item_id == post.item_id)).first()
        return NotPublished() if entry is None else Sent(entry.id.hex, sandbox_url(self._name, entry.id))

    def check(self) -> CheckResult:
        return CheckResult(True, "The training feed in this database; nothing leaves this computer.")
