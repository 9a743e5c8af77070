"""What a person asks of the incident log, as typed (validated by IncidentService). Plain data: the GUI builds
these without loading the store."""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from crowdops.domain.enums import Source
from crowdops.domain.incidents import MethaneReport

DEFAULT_LIMIT = 100


@dataclass(frozen=True, slots=True)
class IncidentInput:
    """One entry as typed; validated by `IncidentService.log`."""

    category: str
    severity: int | str
    description: str
    at: str | None = None  # ISO 8601 or HH:MM, in the operation's zone; None means now
    location: str = ""
    latitude: float | None = None
    longitude: float | None = None
    source: str = Source.OFFICER.value
    methane: MethaneReport | None = None


@dataclass(frozen=True, slots=True)
class TimelineQuery:
    """A filter as typed in the CLI or the filter bar; turned into a store filter by `IncidentService`."""

    operation_id: uuid.UUID
    category: str | None = None
    min_severity: int = 1
    since: str | None = None
    until: str | None = None
    search: str = ""
    kinds: frozenset[str] = frozenset()  # rumours, decisions, messages: shown with the incidents


@dataclass(frozen=True, slots=True)
class DraftInput:
    """A new message as asked for: a text, or a template and its values."""

    text: str | None = None
    language: str | None = None  # with a template and no language: every language the template has
    purpose: str | None = None  # default: the template's, else guidance
    priority: str | None = None
    channels: Sequence[str] | None = None  # default: every channel the operation may use
    template: str | None = None
    values: Mapping[str, str] | None = None
    links: Sequence[tuple[str, str]] = ()  # (kind, id) — kind: incident, rumour, decision
