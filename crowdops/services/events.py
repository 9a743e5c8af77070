"""A small synchronous event bus. Services publish after their transaction commits; the GUI adapts the bus to
queued Qt signals, so handlers here must be quick and thread-safe."""

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IncidentLogged:
    operation_id: uuid.UUID
    incident_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class OperationsChanged:
    """An operation was created or changed (its phase, say)."""


@dataclass(frozen=True, slots=True)
class CurrentOperationChanged:
    operation_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class MessageChanged:
    """A message was drafted, edited, submitted, approved, rejected or withdrawn."""

    operation_id: uuid.UUID
    message_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class OutboxChanged:
    """Posts moved in the outbox (sent, failed, held, retried, cancelled, resolved); counts may have changed."""


@dataclass(frozen=True, slots=True)
class ConnectivityChanged:
    state: str  # online, degraded, offline
    unreachable: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RumourChanged:
    """A rumour was entered, moved on, answered or given evidence."""

    operation_id: uuid.UUID
    rumour_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class DecisionChanged:
    """A decision was logged or revised; `decision_id` is the new entry."""

    operation_id: uuid.UUID
    decision_id: uuid.UUID


Event = (
    IncidentLogged
    | OperationsChanged
    | CurrentOperationChanged
    | MessageChanged
    | OutboxChanged
    | ConnectivityChanged
    | RumourChanged
    | DecisionChanged
)
Handler = Callable[[Event], None]


class EventBus:
    def __init__(self) -> None:
        self._handlers: list[Handler] = []
        self._lock = threading.Lock()

    def subscribe(self, handler: Handler) -> Callable[[], None]:
        with self._lock:
            self._handlers.append(handler)

        def unsubscribe() -> None:
            with self._lock:
                if handler in self._handlers:
                    self._handlers.remove(handler)

        return unsubscribe

    def publish(self, event: Event) -> None:
        with self._lock:
            handlers = list(self._handlers)
        for handler in handlers:
            handler(event)
