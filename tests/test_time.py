"""Local wall-clock → UTC, across daylight-saving changes and midnight."""

from __future__ import annotations

from datetime import date

import pendulum
import pytest

from coverage.time import (
    Grid,
    clock_range_utc,
    local_to_utc,
    on_duty_spans,
    parse_export_timestamp,
    parse_timestamp,
    parse_wall_timestamp,
    period_grid,
    shift_instances,
    to_local,
    week_monday,
)


def utc(text: str) -> pendulum.DateTime:
    return pendulum.parse(text)


@pytest.mark.parametrize(
    "day, zone, expected",
    [
        (date(2026, 10, 23), "Europe/Dublin", "2026-10-23T08:00:00Z"),  # Irish summer time, UTC+1
        (date(2026, 10, 26), "Europe/Dublin", "2026-10-26T09:00:00Z"),  # after 25 Oct: UTC+0
        (date(2026, 10, 30), "America/New_York", "2026-10-30T13:00:00Z"),  # EDT, UTC-4
        (date(2026, 11, 2), "America/New_York", "2026-11-02T14:00:00Z"),  # after 1 Nov: EST, UTC-5
        (date(2026, 12, 7), "Asia/Manila", "2026-12-07T01:00:00Z"),  # no DST, UTC+8
        (date(2026, 12, 7), "Asia/Kolkata", "2026-12-07T03:30:00Z"),  # half-hour offset
    ],
)
def test_nine_oclock_in_utc(day: date, zone: str, expected: str) -> None:
    assert local_to_utc(day, "09:00", zone) == utc(expected)


def test_start_time_skipped_by_spring_forward_uses_the_offset_before_the_jump() -> None:
    # New York, 8 Mar 2026: clocks jump 02:00 EST -> 03:00 EDT; 02:30 EST is 07:30Z = 03:30 EDT.
    start = local_to_utc(date(2026, 3, 8), "02:30", "America/New_York")
    assert start == utc("2026-03-08T07:30:00Z")
    assert to_local(start, "America/New_York").strftime("%H:%M") == "03:30"


def test_start_time_repeated_by_fall_back_means_the_first_occurrence() -> None:
    # New York, 1 Nov 2026: 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
    assert local_to_utc(date(2026, 11, 1), "01:30", "America/New_York") == utc("2026-11-01T05:30:00Z")


def test_night_shift_crossing_midnight_and_the_fall_back_night_lasts_one_hour_longer() -> None:
    start = local_to_utc(date(2026, 10, 31), "22:00", "America/New_York")  # 02:00Z on 1 Nov (EDT)
    end_local = to_local(start.add(hours=9), "America/New_York")
    assert start == utc("2026-11-01T02:00:00Z")
    # Nine real hours later the wall clock shows 06:00, not 07:00: the night had 25 hours.
    assert end_local.strftime("%Y-%m-%d %H:%M") == "2026-11-01 06:00"


def test_parse_timestamp_naive_values_are_local_to_the_given_zone() -> None:
    assert parse_timestamp("2026-12-07 09:00", "Europe/Dublin") == utc("2026-12-07T09:00:00Z")
    assert parse_timestamp("2026-12-07T09:00:00-05:00", "Europe/Dublin") == utc("2026-12-07T14:00:00Z")
    with pytest.raises(ValueError, match="not an ISO 8601"):
        parse_timestamp("next tuesday", "UTC")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("05.03.2026 14:00", "2026-03-05T14:00:00Z"),  # 5 March (DIN 5008), not 3 May
        ("28.09.2026", "2026-09-28T00:00:00Z"),  # refused before as "no month 28"
        ("5.3.26", "2026-03-05T00:00:00Z"),  # short year: 20yy, still day first (was 3 May)
        ("01.12.2026 09:30:15", "2026-12-01T09:30:15Z"),
        ("12/01/2026 09:30", "2026-12-01T09:30:00Z"),  # slashes stay US month/day/year
    ],
)
def test_dotted_dates_are_day_month_year(text: str, expected: str) -> None:
    """Nobody writes month.day.year with dots: a German or most-of-Europe export is day.month.year. Read
    month first, its 1st-12th of each month moved months away with no word (05.03.2026 became 3 May)."""
    assert parse_timestamp(text, "UTC") == utc(expected)
    assert parse_export_timestamp(text, "UTC") == utc(expected)
    assert parse_wall_timestamp(text, "UTC") == utc(expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("05.03.2026.", "2026-03-05T00:00:00Z"),  # Croatia, Serbia: the date ends in a dot (was 3 May)
        ("05.03.2026. 14:00", "2026-03-05T14:00:00Z"),  # (was 3 May; 13.03.2026. 14:00 was 13 March)
        ("5. 3. 2026 14:00", "2026-03-05T14:00:00Z"),  # Czechia, Slovakia: spaced (was 3 May)
        ("13.03.26.", "2026-03-13T00:00:00Z"),  # (was 26 March 2013)
    ],
)
def test_dotted_dates_ending_in_a_dot_or_spaced_are_day_month_year_too(text: str, expected: str) -> None:
    """A Croatian export writes 5 March as 05.03.2026. and a Czech one as 5. 3. 2026. _DOTTED did not match them, so
    the parser guessed: month first where the day is 12 or less (3 May), day first from the 13th (13 March) — half a
    file one way and half the other, with no word. 13.03.2026. was refused before the dotted dates came (no month
    13): this mix is new with them."""
    assert parse_timestamp(text, "UTC") == utc(expected)
    assert parse_export_timestamp(text, "UTC") == utc(expected)
    assert parse_wall_timestamp(text, "UTC") == utc(expected)


@pytest.mark.parametrize("text", ["05.03.2026.14:00", "1.2.3", "10.5.1"])
def test_dotted_text_that_is_no_day_month_year_date_is_refused_not_guessed(text: str) -> None:
    """What starts like a dotted date but is none the parser read month first, or as year.month.day: 05.03.2026.14:00
    as 3 May, the version number 1.2.3 as 3 February 2001, 10.5.1 as 1 May 2010."""
    with pytest.raises(ValueError, match="is not a date and time"):
        parse_timestamp(text, "UTC")
    with pytest.raises(ValueError, match="is not a date and time"):
        parse_export_timestamp(text, "UTC")


def test_a_dotted_date_with_no_such_month_is_refused_and_an_explicit_format_wins() -> None:
    with pytest.raises(ValueError, match=r"'03.15.2026 10:00' has no month 15: a date with dots is read day.month.year"):
        parse_timestamp("03.15.2026 10:00", "UTC")
    assert parse_export_timestamp("03.15.2026 10:00", "UTC", "%m.%d.%Y %H:%M") == utc("2026-03-15T10:00:00Z")
    assert parse_export_timestamp("05.03.2026 14:00", "UTC", "%m.%d.%Y %H:%M") == utc("2026-05-03T14:00:00Z")
    with pytest.raises(ValueError, match="not an ISO 8601"):
        parse_timestamp("31.02.2026", "UTC")  # no 31 February, day first or not


def test_week_monday() -> None:
    assert week_monday(date(2026, 12, 13)) == date(2026, 12, 7)  # Sunday -> Monday before
    assert week_monday(date(2026, 12, 7)) == date(2026, 12, 7)


def test_grid_counts_only_whole_intervals() -> None:
    grid = Grid(start=utc("2026-12-07T00:00:00Z"), minutes=60, count=24)
    assert grid.covered(utc("2026-12-07T03:30:00Z"), utc("2026-12-07T06:00:00Z")) == range(4, 6)
    assert grid.covered(utc("2026-12-06T22:00:00Z"), utc("2026-12-07T02:00:00Z")) == range(0, 2)
    assert grid.index(utc("2026-12-07T05:00:00Z")) == 5
    assert grid.index(utc("2026-12-07T05:30:00Z")) is None


def test_break_sits_in_the_middle_on_a_quarter_hour() -> None:
    start = utc("2026-12-07T14:00:00Z")
    spans = on_duty_spans(start, start.add(hours=9), 60)
    assert spans == [(start, start.add(hours=4)), (start.add(hours=5), start.add(hours=9))]
    assert on_duty_spans(start, start.add(hours=8), 0) == [(start, start.add(hours=8))]


def test_period_grid_has_23_or_25_hours_on_clock_change_days(make_config) -> None:
    config = make_config()
    text = config.source.read_text().replace("start: 2026-12-07\n  days: 7", "start: 2026-10-31\n  days: 2")
    config.source.write_text(text)
    from coverage.config import load_config

    grid = period_grid(load_config(config.source).plan)
    assert grid.start == utc("2026-10-31T04:00:00Z")
    assert grid.count == 49  # 24 h on Saturday + 25 h on the fall-back Sunday


def test_shift_instances_belong_to_the_period_their_start_falls_in(make_config) -> None:
    config = make_config()
    instances = shift_instances(config)
    assert [s.day for s in instances] == [date(2026, 12, 7 + k) for k in range(7)]
    assert instances[0].start_utc == utc("2026-12-07T14:00:00Z")
    assert instances[0].paid_minutes == 480


def test_duty_slots_skip_the_break_and_partial_slots() -> None:
    from coverage.time import duty_slots

    grid = Grid(start=utc("2026-12-07T00:00:00Z"), minutes=60, count=24)
    # 14:00-23:00Z with a 60 min break from 18:00: on duty 14-18 and 19-23.
    assert duty_slots(grid, utc("2026-12-07T14:00:00Z"), utc("2026-12-07T23:00:00Z"), 60) == [14, 15, 16, 17, 19, 20, 21, 22]
    half = Grid(start=utc("2026-12-07T00:00:00Z"), minutes=30, count=48)
    # 8 h with a 30 min break: break at +3:30, exactly one 30-minute slot lost.
    assert duty_slots(half, utc("2026-12-07T00:00:00Z"), utc("2026-12-07T08:00:00Z"), 30) == [
        0,
        1,
        2,
        3,
        4,
        5,
        6,
        8,
        9,
        10,
        11,
        12,
        13,
        14,
        15,
    ]
    # A 45 min break starts on a 15-minute step: (480 - 45) / 2 = 217 -> +3:30, on duty again at 04:15.
    assert duty_slots(half, utc("2026-12-07T00:00:00Z"), utc("2026-12-07T08:00:00Z"), 45) == [
        0,
        1,
        2,
        3,
        4,
        5,
        6,
        9,
        10,
        11,
        12,
        13,
        14,
        15,
    ]


def test_clock_range_utc_keeps_wall_clock_times_across_the_fall_back_night() -> None:
    """New York on Sun 2026-11-01: 00:00 and 01:00 EDT (04:00Z, 05:00Z), then 02:00 and 03:00 EST (07:00Z, 08:00Z)."""
    starts = clock_range_utc(date(2026, 11, 1), "00:00", "03:00", 60, "America/New_York")
    assert [s.isoformat() for s in starts] == [
        "2026-11-01T04:00:00+00:00",
        "2026-11-01T05:00:00+00:00",
        "2026-11-01T07:00:00+00:00",
        "2026-11-01T08:00:00+00:00",
    ]
