"""What makes a valid incident entry, including the METHANE major-incident report."""

from dataclasses import dataclass

from crowdops.domain.enums import SEVERITY_MAX, SEVERITY_MIN
from crowdops.domain.errors import ValidationError

MAX_DESCRIPTION = 4000
MAX_LOCATION = 300
MAX_REASON = 300


def clean_description(text: str | None) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise ValidationError("The description is empty: say in a few words what happened.")
    if len(cleaned) > MAX_DESCRIPTION:
        raise ValidationError(f"The description is {len(cleaned)} characters long; the limit is {MAX_DESCRIPTION}.")
    if "\x00" in cleaned:
        raise ValidationError("The description contains a NUL character; remove it.")
    return cleaned


def check_severity(value: int | str) -> int:
    try:
        severity = int(str(value).strip())
    except ValueError:
        raise ValidationError(
            f"Severity '{value}' is not a number: use {SEVERITY_MIN} (minimal) to {SEVERITY_MAX} (critical)."
        ) from None
    if not SEVERITY_MIN <= severity <= SEVERITY_MAX:
        raise ValidationError(
            f"Severity {severity} is out of range: use {SEVERITY_MIN} (minimal) to {SEVERITY_MAX} (critical)."
        )
    return severity


def clean_location(text: str | None) -> str:
    cleaned = (text or "").strip()
    if len(cleaned) > MAX_LOCATION:
        raise ValidationError(f"The location is {len(cleaned)} characters long; the limit is {MAX_LOCATION}.")
    return cleaned


def clean_reason(text: str) -> str:
    """Why an entry is corrected. Refused when too long rather than cut: the log keeps what was said."""
    cleaned = text.strip()
    if len(cleaned) > MAX_REASON:
        raise ValidationError(f"The reason is {len(cleaned)} characters long; the limit is {MAX_REASON}.")
    return cleaned


def check_coordinates(lat: float | None, lon: float | None) -> tuple[float | None, float | None]:
    if (lat is None) != (lon is None):
        raise ValidationError("Give both latitude and longitude, or neither.")
    if lat is None or lon is None:
        return None, None
    if not -90.0 <= lat <= 90.0:
        raise ValidationError(f"Latitude {lat} is out of range: use -90 to 90.")
    if not -180.0 <= lon <= 180.0:
        raise ValidationError(f"Longitude {lon} is out of range: use -180 to 180.")
    return lat, lon


@dataclass(frozen=True, slots=True)
class MethaneReport:
    """The standard major-incident report: each letter is one field the receiving services expect."""

    major_incident: bool  # M: declared (True) or on standby (False)
    exact_location: str  # E
    incident_type: str  # T
    hazards: str  # H
    access: str  # A
    casualties: str  # N: number and type of casualties
    emergency_services: str  # E: present and required

    FIELDS = (
        ("major_incident", "Major incident declared"),
        ("exact_location", "Exact location"),
        ("incident_type", "Type of incident"),
        ("hazards", "Hazards"),
        ("access", "Access"),
        ("casualties", "Number of casualties"),
        ("emergency_services", "Emergency services"),
    )

    def __post_init__(self) -> None:
        for name, label in self.FIELDS[1:]:
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValidationError(f"The METHANE report needs '{label}'.")
            if len(value) > MAX_LOCATION * 2:
                raise ValidationError(f"The METHANE field '{label}' is too long (limit {MAX_LOCATION * 2}).")
            object.__setattr__(self, name, value.strip())

    def to_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name, _ in self.FIELDS}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> "MethaneReport":
        missing = [label for name, label in cls.FIELDS if name not in data]
        if missing:
            raise ValidationError(f"The METHANE report needs '{missing[0]}'.")
        return cls(
            major_incident=bool(data["major_incident"]),
            exact_location=str(data["exact_location"]),
            incident_type=str(data["incident_type"]),
            hazards=str(data["hazards"]),
            access=str(data["access"]),
            casualties=str(data["casualties"]),
            emergency_services=str(data["emergency_services"]),
        )

    def summary(self) -> str:
        """A one-paragraph description for the timeline and for search."""
        declared = "MAJOR INCIDENT DECLARED" if self.major_incident else "Major incident STANDBY"
        return (
            f"{declared}. E: {self.exact_location}. T: {self.incident_type}. H: {self.hazards}. "
            f"A: {self.access}. N: {self.casualties}. E: {self.emergency_services}."
        )
