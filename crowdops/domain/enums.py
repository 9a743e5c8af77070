"""Closed vocabularies of the domain. Values are stable slugs used in the database, the CLI and imports."""

from enum import StrEnum
from typing import TypeVar

from crowdops.domain.errors import ValidationError

E = TypeVar("E", bound=StrEnum)


class OperationKind(StrEnum):
    PROTEST = "protest"  # demonstrations, marches, rallies
    EVENT = "event"  # sport, concerts, religious and cultural gatherings
    MIGRATION = "migration"  # movements of people on the move

    @property
    def label(self) -> str:
        return {"protest": "Protest", "event": "Large event", "migration": "Migration movement"}[self.value]


class Phase(StrEnum):
    BEFORE = "before"
    DURING = "during"
    AFTER = "after"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Role(StrEnum):
    COMMANDER = "commander"
    COMMS = "comms"
    TRAINER = "trainer"
    OBSERVER = "observer"

    @property
    def label(self) -> str:
        return {
            "commander": "Commander",
            "comms": "Comms staff",
            "trainer": "Trainer",
            "observer": "Observer",
        }[self.value]

    @property
    def noun_phrase(self) -> str:
        """The role inside a sentence: "kim is a comms officer"."""
        return {
            "commander": "a commander",
            "comms": "a comms officer",
            "trainer": "a trainer",
            "observer": "an observer",
        }[self.value]


class Source(StrEnum):
    OFFICER = "officer"
    ORGANISER = "organiser"
    PUBLIC = "public"
    SOCIAL_MEDIA = "social-media"
    PARTNER_AGENCY = "partner-agency"

    @property
    def label(self) -> str:
        return {
            "officer": "Officer",
            "organiser": "Organiser",
            "public": "Member of the public",
            "social-media": "Social media",
            "partner-agency": "Partner agency",
        }[self.value]


SEVERITY_LABELS: dict[int, str] = {1: "Minimal", 2: "Minor", 3: "Moderate", 4: "Serious", 5: "Critical"}
SEVERITY_MIN = 1
SEVERITY_MAX = 5


def parse_enum(enum: type[E], value: str, what: str) -> E:
    """Read a slug into an enum, or raise a ValidationError that lists the allowed values."""
    try:
        return enum(value.strip().lower())
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise ValidationError(f"Unknown {what} '{value}': use one of {allowed}.") from None
