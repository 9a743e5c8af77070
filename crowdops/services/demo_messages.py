"""Demo channels and messages, written through the same services as real ones (four eyes included), so the
Messages and Review views have something to show: one approved and queued, one waiting for review, and a rumour
response drafted from the demo rumour register (see demo_registers)."""

from dataclasses import dataclass

from crowdops.domain.errors import ConflictError
from crowdops.services.approvals import ApprovalService
from crowdops.services.channels import ChannelService
from crowdops.services.decisions import DecisionService
from crowdops.services.demo_content import DEMO_PASSPHRASE, EXERCISE, PROTEST
from crowdops.services.demo_registers import build_protest_registers
from crowdops.services.messages import DraftInput, MessageService
from crowdops.services.operations import OperationService
from crowdops.services.rumours import RumourService

TRAINING_FEED = "Training feed"
DEMO_MASTODON = "Police Mastodon (demo, no account)"


@dataclass(frozen=True, slots=True)
class DemoMessagesResult:
    channels_created: list[str]
    messages_created: int


class DemoMessages:
    def __init__(
        self,
        operations: OperationService,
        channels: ChannelService,
        messages: MessageService,
        approvals: ApprovalService,
        rumours: RumourService,
        decisions: DecisionService,
    ) -> None:
        self._operations, self._channels, self._messages, self._approvals = operations, channels, messages, approvals
        self._rumours, self._decisions = rumours, decisions

    def build(self, new_operations: list[str]) -> DemoMessagesResult:
        """Channels if missing, and messages only in demo operations made just now (never in someone's own)."""
        made_channels = []
        for name, platform in ((TRAINING_FEED, "sandbox"), (DEMO_MASTODON, "mastodon")):
            try:
                self._channels.add(name, platform, actor="Papadaki")
                made_channels.append(name)
            except ConflictError:
                pass
        made = 0
        if PROTEST.name in new_operations:
            self._protest_messages()
            made += 3
        if EXERCISE.name in new_operations:
            self._exercise_message()
            made += 1
        return DemoMessagesResult(made_channels, made)

    def _protest_messages(self) -> None:
        protest = self._operations.get(PROTEST.name)
        approved = self._messages.draft(
            protest.id,
            DraftInput(
                template="road-closure",
                values={"road": "Panepistimiou Street", "until": "18:00", "alternative": "Akadimias Street"},
                channels=[TRAINING_FEED],  # published on the first start; the demo Mastodon account cannot be
            ),
            actor="Weber",
        )
        self._approvals.submit(approved.short_id, actor="Weber")
        self._approvals.approve(approved.short_id, actor="Papadaki", passphrase=DEMO_PASSPHRASE)
        waiting = self._messages.draft(
            protest.id,
            DraftInput(template="crowd-density", values={"area": "Syntagma Square", "alternative": "Amalias Avenue"}),
            actor="Haddad",
        )
        self._approvals.submit(waiting.short_id, actor="Haddad")
        build_protest_registers(protest.id, self._rumours, self._decisions)  # its rumour response is the third

    def _exercise_message(self) -> None:
        drill = self._operations.get(EXERCISE.name)
        exercise = self._messages.draft(
            drill.id,
            DraftInput(
                text="[EXERCISE] North stand: move calmly to Gate A and follow the stewards.",
                priority="urgent",
                purpose="warning",
            ),
            actor="Okafor",
        )
        self._approvals.submit(exercise.short_id, actor="Okafor")
