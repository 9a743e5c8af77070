"""Reading the times people type (crowdops.domain.times): zones, offsets, impossible and skipped times, the future."""

from datetime import UTC, datetime, timedelta

import pytest

from crowdops.domain.errors import ValidationError
from crowdops.domain.times import (
    FUTURE_TOLERANCE,
    format_local,
    iso_utc,
    parse_since,
    parse_until,
    parse_when,
    zone,
)

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)  # 15:00 EEST in Athens
LATE_2026 = datetime(2026, 12, 1, tzinfo=UTC)  # after both 2026 clock changes
ATHENS = zone("Europe/Athens")


# -- zone() -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Europe/Athens", "UTC", "Etc/UTC", "America/New_York", "Asia/Kolkata"])
def test_zone_accepts_iana_names(name: str) -> None:
    assert zone(name).key == name


@pytest.mark.parametrize("name", ["", "utc", "Europe/athens", "Mars/Olympus", "../../etc/passwd", "EEST", " UTC"])
def test_zone_refuses_unknown_names_with_an_example(name: str) -> None:
    with pytest.raises(ValidationError, match=r"Unknown time zone .*Europe/Athens"):
        zone(name)


# -- parse_when: what is accepted ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-05-01T14:30", datetime(2026, 5, 1, 11, 30, tzinfo=UTC)),  # local to the zone (EEST, +3)
        ("2026-05-01 14:30", datetime(2026, 5, 1, 11, 30, tzinfo=UTC)),  # a space instead of T
        ("2026-05-01T14:30+03:00", datetime(2026, 5, 1, 11, 30, tzinfo=UTC)),
        ("2026-05-01T12:30+01:00", datetime(2026, 5, 1, 11, 30, tzinfo=UTC)),  # an explicit offset wins
        ("2026-05-01T11:30Z", datetime(2026, 5, 1, 11, 30, tzinfo=UTC)),
        ("2026-05-01T11:30:15.5Z", datetime(2026, 5, 1, 11, 30, 15, 500000, tzinfo=UTC)),
        ("2026-01-15T09:00", datetime(2026, 1, 15, 7, 0, tzinfo=UTC)),  # winter: EET, +2
        ("14:30", datetime(2026, 5, 1, 11, 30, tzinfo=UTC)),  # today in the zone
        ("9:05", datetime(2026, 5, 1, 6, 5, tzinfo=UTC)),
        ("  14:30  ", datetime(2026, 5, 1, 11, 30, tzinfo=UTC)),
    ],
)
def test_parse_when_reads_iso_and_hh_mm_into_utc(text: str, expected: datetime) -> None:
    result = parse_when(text, ATHENS, NOW)
    assert result == expected
    assert result.utcoffset() == timedelta(0)


def test_hh_mm_means_today_in_the_operations_zone_not_in_utc() -> None:
    # 22:30 UTC on 1 May is already 01:30 on 2 May in Athens: "01:00" is 2 May 01:00 EEST = 1 May 22:00 UTC.
    now = datetime(2026, 5, 1, 22, 30, tzinfo=UTC)
    assert parse_when("01:00", ATHENS, now) == datetime(2026, 5, 1, 22, 0, tzinfo=UTC)
    assert parse_when("01:00", zone("UTC"), now) == datetime(2026, 5, 1, 1, 0, tzinfo=UTC)


# Athens, 1 May 2026 00:10 EEST: just after midnight, during a night operation.
JUST_AFTER_MIDNIGHT = datetime(2026, 4, 30, 21, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23:50", datetime(2026, 4, 30, 20, 50, tzinfo=UTC)),  # last night, not tonight
        ("00:00", datetime(2026, 4, 30, 21, 0, tzinfo=UTC)),  # today, just past
        ("00:15", datetime(2026, 4, 30, 21, 15, tzinfo=UTC)),  # today: within the tolerance
        ("00:16", datetime(2026, 4, 29, 21, 16, tzinfo=UTC)),  # beyond it: yesterday's 00:16
    ],
)
def test_hh_mm_means_its_latest_occurrence_that_is_not_in_the_future(text: str, expected: datetime) -> None:
    assert parse_when(text, ATHENS, JUST_AFTER_MIDNIGHT) == expected


def test_hh_mm_yesterday_uses_yesterdays_offset_across_a_clock_change() -> None:
    # Athens sprang forward at 03:00 on 29 March 2026: 23:50 the evening before was EET (+2), not EEST (+3).
    after_the_change = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 04:30 EEST
    assert parse_when("23:50", ATHENS, after_the_change) == datetime(2026, 3, 28, 21, 50, tzinfo=UTC)
    assert parse_when("02:30", ATHENS, after_the_change) == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # EET, today
    # It fell back at 04:00 on 25 October: 23:50 the evening before was EEST (+3), not EET (+2).
    after_fall_back = datetime(2026, 10, 25, 3, 0, tzinfo=UTC)  # 05:00 EET
    assert parse_when("23:50", ATHENS, after_fall_back) == datetime(2026, 10, 24, 20, 50, tzinfo=UTC)


def test_hh_mm_of_a_skipped_time_is_refused_today_and_yesterday() -> None:
    before_the_gap = datetime(2026, 3, 28, 22, 10, tzinfo=UTC)  # 00:10 EET on 29 March; 03:30 is still to come
    assert parse_when("03:30", ATHENS, before_the_gap) == datetime(2026, 3, 28, 1, 30, tzinfo=UTC)  # 28 March
    for now in (datetime(2026, 3, 29, 7, 0, tzinfo=UTC), datetime(2026, 3, 29, 22, 10, tzinfo=UTC)):
        with pytest.raises(ValidationError, match=r"'03:30' does not exist in Europe/Athens"):
            parse_when("03:30", ATHENS, now)


def test_the_result_does_not_depend_on_the_zone_of_now() -> None:
    now_in_athens = NOW.astimezone(ATHENS)
    assert parse_when("14:30", ATHENS, now_in_athens) == parse_when("14:30", ATHENS, NOW)


# -- parse_when: what is refused ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-30T10:00", r"not a real date and time"),
        ("2026-13-01T10:00", r"not a real date and time"),
        ("2026-04-31", r"not a real date and time"),
        ("yesterday", r"Cannot read the time 'yesterday'"),
        ("now", r"Cannot read the time"),
        ("1430", r"Cannot read the time"),
        ("14h30", r"Cannot read the time"),
        ("25:00", r"not a time of day"),
        ("12:60", r"not a time of day"),
        ("", r"The time is empty"),
        ("   ", r"The time is empty"),
        ("2026-05-01T14:30+25:00", r"not a real date and time"),
    ],
)
def test_parse_when_refuses_garbage_and_impossible_dates(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_when(text, ATHENS, NOW)


@pytest.mark.parametrize("text", ["2026-03-29T03:00", "2026-03-29T03:30", "2026-03-29T03:59"])
def test_a_time_the_clocks_skip_is_refused_not_guessed(text: str) -> None:
    # Athens springs forward on 29 March 2026 at 03:00 EET to 04:00 EEST.
    with pytest.raises(ValidationError, match=r"does not exist in Europe/Athens: the clocks skipped it"):
        parse_when(text, ATHENS, LATE_2026)


def test_the_edges_of_the_spring_gap_exist() -> None:
    assert parse_when("2026-03-29T02:59", ATHENS, LATE_2026) == datetime(2026, 3, 29, 0, 59, tzinfo=UTC)
    assert parse_when("2026-03-29T04:00", ATHENS, LATE_2026) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_a_skipped_time_with_an_explicit_offset_is_a_real_moment() -> None:
    assert parse_when("2026-03-29T03:30+02:00", ATHENS, LATE_2026) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_a_repeated_time_means_its_first_occurrence() -> None:
    # Athens falls back on 25 October 2026 at 04:00 EEST to 03:00 EET: 03:30 happens twice.
    first = parse_when("2026-10-25T03:30", ATHENS, LATE_2026)
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 03:30 EEST (+3), not 01:30 UTC (EET)
    assert parse_when("2026-10-25T03:30+02:00", ATHENS, LATE_2026) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_future_tolerance_is_five_minutes() -> None:
    assert timedelta(minutes=5) == FUTURE_TOLERANCE
    assert parse_when("15:05", ATHENS, NOW) == NOW + FUTURE_TOLERANCE
    assert parse_when("2026-05-01T15:05", ATHENS, NOW) == NOW + FUTURE_TOLERANCE
    with pytest.raises(ValidationError, match=r"2026-05-01 15:06 EEST is in the future"):
        parse_when("2026-05-01T15:06", ATHENS, NOW)
    with pytest.raises(ValidationError, match=r"in the future"):
        parse_when("2026-05-02T10:00", ATHENS, NOW)
    with pytest.raises(ValidationError, match=r"in the future"):
        parse_when("2026-05-01T12:05:01Z", ATHENS, NOW)


# -- parse_since, formatting --------------------------------------------------------------------------------


def test_parse_since_allows_any_time_and_reads_dates_as_local_midnight() -> None:
    assert parse_since("2026-05-01", ATHENS) == datetime(2026, 4, 30, 21, 0, tzinfo=UTC)
    assert parse_since("2030-01-01T00:00Z", ATHENS) == datetime(2030, 1, 1, tzinfo=UTC)
    assert parse_since("2026-05-01T14:30", ATHENS) == datetime(2026, 5, 1, 11, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-05-01", datetime(2026, 5, 1, 21, 0, tzinfo=UTC) - timedelta(microseconds=1)),  # to 23:59:59.999999
        ("2026-03-29", datetime(2026, 3, 29, 21, 0, tzinfo=UTC) - timedelta(microseconds=1)),  # 23 hours long
        ("2026-10-25", datetime(2026, 10, 25, 22, 0, tzinfo=UTC) - timedelta(microseconds=1)),  # 25 hours long
        ("2026-05-01T14:30", datetime(2026, 5, 1, 11, 30, tzinfo=UTC)),  # a time is taken as it is
        ("2026-05-01T00:00Z", datetime(2026, 5, 1, tzinfo=UTC)),
    ],
)
def test_parse_until_reads_a_date_as_the_whole_day(text: str, expected: datetime) -> None:
    assert parse_until(text, ATHENS) == expected


def test_a_date_range_of_one_day_covers_that_day_in_the_zone() -> None:
    since, until = parse_since("2026-10-25", ATHENS), parse_until("2026-10-25", ATHENS)
    assert until - since == timedelta(hours=25) - timedelta(microseconds=1)  # the clocks fell back that night


@pytest.mark.parametrize("parse", [parse_since, parse_until])
@pytest.mark.parametrize(("text", "message"), [("2026-02-30", "not a real date"), ("last week", "Cannot read")])
def test_time_bounds_refuse_garbage(parse: object, text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse(text, ATHENS)  # type: ignore[operator]


def test_format_local_and_iso_utc() -> None:
    moment = datetime(2026, 5, 1, 11, 32, 7, tzinfo=UTC)
    assert format_local(moment, ATHENS) == "2026-05-01 14:32 EEST"
    assert format_local(moment, ATHENS, seconds=True) == "2026-05-01 14:32:07 EEST"
    assert format_local(datetime(2026, 1, 1, tzinfo=UTC), ATHENS) == "2026-01-01 02:00 EET"
    assert iso_utc(moment.astimezone(ATHENS)) == "2026-05-01T11:32:07Z"


def test_a_schedule_is_read_as_the_next_occurrence_and_kept_within_a_week() -> None:
    from zoneinfo import ZoneInfo

    from crowdops.domain.times import parse_schedule

    athens = ZoneInfo("Europe/Athens")
    now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)  # 15:00 in Athens
    assert parse_schedule("16:30", athens, now) == datetime(2026, 5, 1, 13, 30, tzinfo=UTC)  # today, still ahead
    assert parse_schedule("09:00", athens, now) == datetime(2026, 5, 2, 6, 0, tzinfo=UTC)  # tomorrow's
    assert parse_schedule("2026-05-03T10:00+00:00", athens, now) == datetime(2026, 5, 3, 10, 0, tzinfo=UTC)
    for text, error in (
        ("2026-05-01T14:00", "has passed"),
        ("2026-05-09T15:00", "more than a week ahead"),
        ("", "empty"),
        ("25:00", "not a time of day"),
    ):
        with pytest.raises(ValidationError, match=error):
            parse_schedule(text, athens, now)
