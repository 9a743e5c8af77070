"""Reading and showing times. Stored times are UTC; people read and type them in the operation's zone."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from crowdops.domain.errors import ValidationError

# A clock a few minutes fast on another laptop must not make a report "from the future".
FUTURE_TOLERANCE = timedelta(minutes=5)

_HH_MM = re.compile(r"^(\d{1,2}):(\d{2})$")
_EXAMPLE = "use ISO 8601 such as 2026-05-01T14:30 or 2026-05-01T14:30+03:00, or 14:30 for the latest 14:30"


def zone(name: str) -> ZoneInfo:
    """An IANA time zone by name, or a ValidationError that says what is expected."""
    try:
        if name and name in _known_zones():
            return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    raise ValidationError(f"Unknown time zone '{name}': use an IANA name such as Europe/Athens or UTC.")


def _known_zones() -> set[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = available_timezones() | {"UTC"}
    return _ZONES


_ZONES: set[str] | None = None


def parse_when(text: str, tz: ZoneInfo, now: datetime) -> datetime:
    """Read a time a person typed into an aware UTC datetime.

    A time without an offset is local to `tz`. `HH:MM` means its latest occurrence that is not in the future:
    today, or yesterday if today's is still to come (so 23:50 typed at 00:10 is last night). A local time that
    the clocks skip (spring forward) is refused rather than guessed; one they repeat (fall back) means its first
    occurrence. Times more than a few minutes after `now` are refused.
    """
    raw = text.strip()
    if not raw:
        raise ValidationError(f"The time is empty: {_EXAMPLE}.")
    local = _parse_local(raw, tz, now)
    if local.tzinfo is None:
        local = _attach_zone(local, tz, raw)
    moment = local.astimezone(UTC)
    if moment > now.astimezone(UTC) + FUTURE_TOLERANCE:
        shown = format_local(moment, tz)
        raise ValidationError(f"The time {shown} is in the future: an incident is logged when it has happened.")
    return moment


SCHEDULE_HORIZON = timedelta(days=7)


def parse_schedule(text: str, tz: ZoneInfo, now: datetime) -> datetime:
    """When a post should go out, as a person typed it: ISO 8601 (local to `tz` without an offset) or `HH:MM`,
    its next occurrence. Refused in the past or more than a week ahead (a typo, most likely)."""
    raw = text.strip()
    if not raw:
        raise ValidationError(f"The time is empty: {_EXAMPLE.replace('the latest', 'the next')}.")
    match = _HH_MM.match(raw)
    if match:
        local = _parse_local(raw, tz, now)  # the latest occurrence; the next one is a day on, unless still ahead
        if local.replace(tzinfo=tz) <= now.astimezone(tz):
            local += timedelta(days=1)
    else:
        local = _parse_local(raw, tz, now)
    if local.tzinfo is None:
        local = _attach_zone(local, tz, raw)
    moment = local.astimezone(UTC)
    if moment < now.astimezone(UTC) - timedelta(minutes=1):
        raise ValidationError(f"{format_local(moment, tz)} has passed: a post can be scheduled only ahead.")
    if moment > now.astimezone(UTC) + SCHEDULE_HORIZON:
        raise ValidationError(f"{format_local(moment, tz)} is more than a week ahead; schedule it nearer the time.")
    return moment


def _parse_local(raw: str, tz: ZoneInfo, now: datetime) -> datetime:
    match = _HH_MM.match(raw)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 23 or minute > 59:
            raise ValidationError(f"'{raw}' is not a time of day: {_EXAMPLE}.")
        latest = datetime.combine(now.astimezone(tz).date(), time(hour, minute))
        if latest.replace(tzinfo=tz) > now + FUTURE_TOLERANCE:
            latest -= timedelta(days=1)  # on the naive wall time: yesterday's offset may differ (DST)
        return latest
    try:
        return datetime.fromisoformat(raw.replace(" ", "T", 1) if "T" not in raw else raw)
    except ValueError as error:
        if _looks_like_iso(raw):
            raise ValidationError(f"'{raw}' is not a real date and time ({error}).") from None
        raise ValidationError(f"Cannot read the time '{raw}': {_EXAMPLE}.") from None


def _looks_like_iso(raw: str) -> bool:
    return re.match(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?", raw) is not None


def _attach_zone(naive: datetime, tz: ZoneInfo, raw: str) -> datetime:
    first = naive.replace(tzinfo=tz, fold=0)
    round_trip = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if round_trip != naive:
        raise ValidationError(f"The time '{raw}' does not exist in {tz.key}: the clocks skipped it.")
    return first


def parse_since(text: str, tz: ZoneInfo) -> datetime:
    """Read a lower time bound (for filters); any time, past or future, is allowed. A date alone means the start
    of that day."""
    return _parse_bound(text, tz, whole_day=False)


def parse_until(text: str, tz: ZoneInfo) -> datetime:
    """Read an upper time bound, inclusive. A date alone includes the whole of that day."""
    return _parse_bound(text, tz, whole_day=True)


def _parse_bound(text: str, tz: ZoneInfo, *, whole_day: bool) -> datetime:
    raw = text.strip()
    try:
        if re.match(r"^\d{4}-\d{2}-\d{2}$", raw):
            day = date.fromisoformat(raw)
            if whole_day:
                # The last instant before the next day starts: stored times have microseconds, no finer.
                return _start_of(day + timedelta(days=1), tz) - timedelta(microseconds=1)
            return _start_of(day, tz)
        parsed = datetime.fromisoformat(raw)
    except (ValueError, OverflowError):
        if _looks_like_iso(raw):
            raise ValidationError(f"'{raw}' is not a real date and time.") from None
        raise ValidationError(f"Cannot read the time '{raw}': use ISO 8601 such as 2026-05-01T14:30.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def _start_of(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=tz).astimezone(UTC)


def format_local(moment: datetime, tz: ZoneInfo, *, seconds: bool = False) -> str:
    """'2026-05-01 14:32 EEST' in the operation's zone."""
    local = moment.astimezone(tz)
    pattern = "%Y-%m-%d %H:%M:%S %Z" if seconds else "%Y-%m-%d %H:%M %Z"
    return local.strftime(pattern)


def iso_utc(moment: datetime) -> str:
    """Stable machine form: '2026-05-01T11:32:00Z'."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
