"""Forecast inputs: the volumes CSV at another resolution, the weekly profile, and history → profile.

Small hand-countable cases: TINY's week runs from Monday 2026-12-07 00:00 New York
(05:00 UTC) for 7 days on an hourly grid; slot k starts at 05:00 UTC + k hours.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import TINY

from coverage.cli import main
from coverage.config import Config, load_config
from coverage.demand import requirements
from coverage.errors import InputError
from coverage.forecast import RowSpacing, build_profile, load_volumes, read_history
from coverage.gaps import coverage_of, service_summary, write_coverage_csv
from coverage.roster import Assignment, Roster
from coverage.time import local_to_utc

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def profile_text(*, timezone: str = "UTC", weekly: str = "{chat: 168}", extra: str = "") -> str:
    return TINY.replace(
        "  file: forecast.csv\n  timezone: UTC\n",
        f"  profile: profile.csv\n  timezone: {timezone}\n  weekly_volume: {weekly}\n{extra}",
    )


def write_profile(folder: Path, shares: dict[str, list[float]] | None = None, lines: list[str] | None = None) -> Path:
    path = folder / "profile.csv"
    if lines is None:
        lines = [
            f"{c},{WEEKDAYS[k // 24]},{k % 24},{v}"
            for c, values in (shares or {"chat": [1.0] * 168}).items()
            for k, v in enumerate(values)
        ]
    path.write_text("channel,weekday,hour,share\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def only(hour_of_week: int) -> list[float]:
    return [1.0 if k == hour_of_week else 0.0 for k in range(168)]


# --------------------------------------------------------------------------- (1) the volumes CSV at other resolutions


def test_hourly_rows_are_spread_over_a_15_minute_grid(make_config: Callable[..., Config]) -> None:
    text = TINY.replace("interval_minutes: 60", "interval_minutes: 15").replace(
        "  timezone: UTC\n", "  timezone: UTC\n  interval_minutes: 60\n", 1
    )
    config = make_config(text, forecast=[("2026-12-07T06:00:00Z", "chat", 10), ("2026-12-07T06:30:00Z", "chat", 4)])
    volume = load_volumes(config).volume["chat"]
    # 06:00–07:00 → slots 4..7 get 2.5 each; the row at 06:30 covers 06:30–07:30 → slots 6..9 get 1 each
    assert volume[3:11] == [0.0, 2.5, 2.5, 3.5, 3.5, 1.0, 1.0, 0.0]
    assert sum(volume) == pytest.approx(14)


def test_an_hourly_export_on_a_30_minute_grid_is_read_as_hourly_volumes(make_config: Callable[..., Config]) -> None:
    """Without `forecast.interval_minutes`, rows an hour apart cover their hour: every half hour gets half, none is left at 0."""
    text = TINY.replace("interval_minutes: 60", "interval_minutes: 30")
    rows = [(f"2026-12-07T{hour:02d}:00:00Z", "chat", 6) for hour in (6, 7, 9)]  # 08:00 missing: an hour with no contacts
    data = load_volumes(make_config(text, forecast=rows))
    # the grid starts 05:00Z (midnight New York): 06:00 is slot 2
    assert data.volume["chat"][1:9] == [0.0, 3.0, 3.0, 3.0, 3.0, 0.0, 0.0, 3.0]
    assert data.spacing == (RowSpacing("chat", 60, 60),)


@pytest.mark.parametrize(
    ("rows", "grid", "expected"),
    [
        ([("2026-12-07T06:00:00Z", 1), ("2026-12-07T06:30:00Z", 1)], 30, (RowSpacing("chat", 30, 30),)),  # as fine as the grid
        ([("2026-12-07T06:00:00Z", 1), ("2026-12-07T06:15:00Z", 1)], 60, (RowSpacing("chat", 15, 60),)),  # finer: summed
        ([("2026-12-07T06:00:00Z", 1)], 15, ()),  # one row says nothing about its spacing: one grid interval
        ([("2026-12-07T06:00:00Z", 1), ("2026-12-08T06:00:00Z", 1)], 15, (RowSpacing("chat", 1440, 60),)),  # at most an hour
    ],
)
def test_the_rows_spacing_sets_their_length_from_a_grid_interval_up_to_an_hour(
    make_config: Callable[..., Config], rows: list[tuple[str, float]], grid: int, expected: tuple
) -> None:
    config = make_config(
        TINY.replace("interval_minutes: 60", f"interval_minutes: {grid}"), forecast=[(s, "chat", v) for s, v in rows]
    )
    assert load_volumes(config).spacing == expected


def test_each_channel_is_read_at_its_own_spacing(make_config: Callable[..., Config]) -> None:
    """Hourly chat beside quarter-hourly phone on a 15-minute grid: chat spread over its four quarters, phone where it falls."""
    text = TINY.replace("interval_minutes: 60", "interval_minutes: 15").replace(
        "channels:\n",
        "channels:\n  phone: {kind: realtime, aht_seconds: 300, service_level: {percent: 80, within_seconds: 60}}\n",
        1,
    )
    rows = [("2026-12-07T06:00:00Z", "chat", 8), ("2026-12-07T07:00:00Z", "chat", 8)]
    rows += [("2026-12-07T06:00:00Z", "phone", 3), ("2026-12-07T06:15:00Z", "phone", 1)]
    data = load_volumes(make_config(text, forecast=rows))
    # the grid starts 05:00Z: 06:00 is slot 4
    assert data.volume["chat"][4:12] == [2.0] * 8
    assert data.volume["phone"][4:7] == [3.0, 1.0, 0.0]
    assert data.spacing == (RowSpacing("chat", 60, 60), RowSpacing("phone", 15, 15))


def test_a_given_row_length_wins_over_the_spacing(make_config: Callable[..., Config]) -> None:
    text = TINY.replace("interval_minutes: 60", "interval_minutes: 30").replace(
        "  timezone: UTC\n", "  timezone: UTC\n  interval_minutes: 30\n", 1
    )
    rows = [("2026-12-07T06:00:00Z", "chat", 6), ("2026-12-07T07:00:00Z", "chat", 6)]
    data = load_volumes(make_config(text, forecast=rows))
    assert data.volume["chat"][2:6] == [6.0, 0.0, 6.0, 0.0]
    assert data.spacing == ()  # nothing read off the rows


def test_daily_rows_are_spread_over_their_day_and_cut_at_the_period(make_config: Callable[..., Config]) -> None:
    text = TINY.replace("  timezone: UTC\n", "  timezone: UTC\n  interval_minutes: 1440\n", 1)
    config = make_config(text, forecast=[("2026-12-07", "chat", 240), ("2026-12-08", "chat", 48), ("2026-11-30", "chat", 999)])
    data = load_volumes(config)
    volume = data.volume["chat"]
    # 7 Dec UTC: 05:00–24:00 are in the period: 19 hours of 10; 8 Dec: 24 hours of 2
    assert volume[:19] == [10.0] * 19 and volume[19:43] == [2.0] * 24 and volume[43] == 0.0
    assert data.ignored_rows == 1  # the week before is wholly outside


def test_finer_rows_are_summed(make_config: Callable[..., Config]) -> None:
    config = make_config(
        forecast=[("2026-12-07T05:00:00Z", "chat", 1), ("2026-12-07T05:15:00Z", "chat", 2), ("2026-12-07T05:30:00Z", "chat", 3)]
    )
    assert load_volumes(config).volume["chat"][:2] == [6.0, 0.0]


# --------------------------------------------------------------------------- (2) weekly profile


def test_uniform_profile_gives_the_weekly_volume_evenly(make_config: Callable[..., Config], tmp_path: Path) -> None:
    write_profile(tmp_path)
    config = make_config(profile_text())
    assert load_volumes(config).volume["chat"] == pytest.approx([1.0] * 168)
    quarter = make_config(profile_text().replace("interval_minutes: 60", "interval_minutes: 15"))
    volume = load_volumes(quarter).volume["chat"]
    assert len(volume) == 672 and volume == pytest.approx([0.25] * 672)  # an hourly share spread over 4 quarters


def test_profile_hours_are_in_the_named_zone(make_config: Callable[..., Config], tmp_path: Path) -> None:
    write_profile(tmp_path, {"chat": only(9)})  # all volume on Monday 09:00–10:00
    config = make_config(profile_text(timezone="America/New_York", weekly="{chat: 100}"))
    volume = load_volumes(config).volume["chat"]
    assert volume[9] == pytest.approx(100) and sum(volume) == pytest.approx(100)  # 09:00 New York = 14:00 UTC = slot 9
    # Kolkata is UTC+5:30: Monday 09:00 there is 03:30 UTC, half in the 03:00 and half in the 04:00 UTC interval
    # (the period's Monday 03:30 UTC is the 14th: slots 166 and 167)
    config = make_config(profile_text(timezone="Asia/Kolkata", weekly="{chat: 100}"))
    volume = load_volumes(config).volume["chat"]
    assert volume[166] == pytest.approx(50) and volume[167] == pytest.approx(50) and sum(volume) == pytest.approx(100)


def test_growth_and_dated_multipliers(make_config: Callable[..., Config], tmp_path: Path) -> None:
    write_profile(tmp_path)
    extra = (
        "  growth_per_week: 0.1\n"
        "  multipliers:\n"
        "    - {from: 2026-12-09, to: 2026-12-09, factor: 3, name: Black Friday}\n"
        "    - {from: 2026-12-01, to: 2026-12-31, factor: 1.2, channels: [chat], name: Q4 peak}\n"
    )
    config = make_config(profile_text(timezone="America/New_York", extra=extra).replace("days: 7", "days: 14"))
    volume = load_volumes(config).volume["chat"]
    assert volume[0] == pytest.approx(1.2)  # Mon 7 Dec, week 0, Q4 ×1.2
    assert volume[2 * 24] == pytest.approx(3.6)  # Wed 9 Dec: ×3 inside the Q4 ×1.2
    assert volume[3 * 24] == pytest.approx(1.2)
    assert volume[7 * 24] == pytest.approx(1.32)  # Mon 14 Dec: one week of 10 % growth
    from_earlier = make_config(
        profile_text(timezone="America/New_York", extra="  growth_per_week: 0.1\n  growth_from: 2026-11-30\n")
    )
    assert load_volumes(from_earlier).volume["chat"][0] == pytest.approx(1.1)


def test_profile_shares_are_normalised(make_config: Callable[..., Config], tmp_path: Path) -> None:
    write_profile(tmp_path, {"chat": [50.0 if k < 84 else 150.0 for k in range(168)]})  # counts, not fractions
    volume = load_volumes(make_config(profile_text(weekly="{chat: 2000}"))).volume["chat"]
    assert sum(volume) == pytest.approx(2000)
    # slot 0 is Mon 05:00 UTC (first half), slot 100 is Fri 09:00 UTC (second half): 1:3
    assert volume[100] == pytest.approx(3 * volume[0])


@pytest.mark.parametrize(
    "lines, expected",
    [
        (["chat,Mon,0,1", "chat,Mon,0,2"], "profile.csv:3: hour: duplicate row for chat Mon 00:00 (also line 2"),
        (["chat,Monday,0,1"], "profile.csv:2: weekday: 'Monday' is not a weekday"),
        (["chat,Mon,24,1"], "profile.csv:2: hour: '24' is not an hour of the day (expected 0 to 23)"),
        (["chat,Mon,1,-3"], "profile.csv:2: share: '-3' is negative"),
        (["sms,Mon,1,3"], "profile.csv:2: channel: unknown channel 'sms'"),
        (["chat,Mon,1"], "profile.csv:2: row: 3 fields (expected 4"),
        (["chat,Mon,1,5"], "profile.csv:?: hour: chat has no share for 167 hour(s) of the week, e.g. Mon 00, Mon 02, Mon 03"),
    ],
)
def test_profile_errors_name_file_line_and_column(
    make_config: Callable[..., Config], tmp_path: Path, lines: list[str], expected: str
) -> None:
    write_profile(tmp_path)
    config = make_config(profile_text())
    write_profile(tmp_path, lines=lines)
    with pytest.raises(InputError) as caught:
        load_volumes(config)
    assert expected in str(caught.value)


def test_all_zero_profile_is_an_error(make_config: Callable[..., Config], tmp_path: Path) -> None:
    write_profile(tmp_path, {"chat": [0.0] * 168})
    with pytest.raises(InputError, match="chat's shares are all zero"):
        load_volumes(make_config(profile_text()))


@pytest.mark.parametrize(
    "text, expected",
    [
        (profile_text(weekly="{chat: 10, fax: 3}"), "plan.yaml:20: forecast.weekly_volume.fax: unknown channel 'fax'"),
        (profile_text().replace("  weekly_volume: {chat: 168}\n", ""), "forecast: 'profile' needs 'weekly_volume'"),
        (
            profile_text().replace("  profile: profile.csv\n", "  profile: profile.csv\n  file: forecast.csv\n"),
            "give exactly one of 'file'",
        ),
        (TINY.replace("  timezone: UTC\n", "  timezone: UTC\n  growth_per_week: 0.02\n", 1), "shape a 'profile' forecast"),
        (
            profile_text(extra="  multipliers: [{from: 2026-12-09, to: 2026-12-01, factor: 3}]\n"),
            "forecast.multipliers[0]: 'to' (2026-12-01) is before 'from'",
        ),
        (
            profile_text(extra="  multipliers: [{from: 2026-12-09, to: 2026-12-09, factor: 3, channels: [sms]}]\n"),
            "forecast.multipliers[0].channels[0]: unknown channel 'sms'",
        ),
        (profile_text().replace("profile.csv", "nowhere.csv"), "forecast.profile: file 'nowhere.csv' not found"),
    ],
)
def test_forecast_config_errors(make_config: Callable[..., Config], tmp_path: Path, text: str, expected: str) -> None:
    write_profile(tmp_path)
    with pytest.raises(InputError) as caught:
        make_config(text)
    assert expected in str(caught.value)


# --------------------------------------------------------------------------- (3) history → profile

HISTORY = [
    # two weeks before Monday 30 Nov 2026 (UTC): week of 16 Nov and week of 23 Nov
    *[(f"2026-11-16T09:{m:02d}:00Z", "chat") for m in (1, 20, 40)],
    ("2026-11-17T10:05:00Z", "chat"),
    *[(f"2026-11-23T09:{m:02d}:00Z", "chat") for m in (1, 10, 20, 30, 40)],
    ("2026-11-24T10:05:00Z", "chat"),
    ("2026-11-29T23:59:00Z", "email"),  # the newest ticket: the window ends at midnight after it
    ("2026-11-09T12:00:00Z", "chat"),  # older than the window
]


def write_history(path: Path, rows: list[tuple[str, str]], extra_lines: list[str] | None = None) -> Path:
    lines = (
        ["ticket_id,created_at,channel,subject"] + [f"{k},{t},{c},hello" for k, (t, c) in enumerate(rows)] + (extra_lines or [])
    )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def email_config(make_config: Callable[..., Config]) -> Config:
    return make_config(
        TINY.replace(
            "  service_level: {percent: 80, within_seconds: 60}\n",
            "  service_level: {percent: 80, within_seconds: 60}\n  email: {kind: backlog, aht_seconds: 300, respond_within_hours: 4}\n",
        )
    )


def test_history_becomes_a_weekly_profile(make_config: Callable[..., Config], tmp_path: Path) -> None:
    config = email_config(make_config)
    file = write_history(tmp_path / "history.csv", HISTORY)
    history = build_profile(read_history(file, config), config, 2, file)
    assert (str(history.first_day), str(history.last_day), history.tickets, history.outside) == (
        "2026-11-16",
        "2026-11-29",
        11,
        1,
    )
    assert history.weekly_volume == {"chat": 5.0, "email": 0.5}
    assert history.shares["chat"][9] == pytest.approx(0.8) and history.shares["chat"][24 + 10] == pytest.approx(0.2)
    assert history.shares["email"][6 * 24 + 23] == 1.0
    assert history.weekly_counts["chat"][0][9] == 3 and history.weekly_counts["chat"][1][9] == 5
    assert history.trend_per_week["chat"] == pytest.approx(0.5)  # 4 then 6 chats


def test_history_too_short_for_the_weeks_asked(make_config: Callable[..., Config], tmp_path: Path) -> None:
    config = email_config(make_config)
    file = write_history(tmp_path / "history.csv", HISTORY[:-1])
    with pytest.raises(
        InputError, match=r"history covers 14 days from 2026-11-16 to 2026-11-29, less than 3 weeks \(use --weeks 2"
    ):
        build_profile(read_history(file, config), config, 3, file)


def test_history_errors_are_located(make_config: Callable[..., Config], tmp_path: Path) -> None:
    config = make_config()
    file = write_history(
        tmp_path / "history.csv",
        HISTORY[:2],
        ["7,yesterday,chat,x", "8,2026-11-20T10:00:00Z,sms,x", "9,2026-11-20T11:00:00Z,sms,x"],
    )
    with pytest.raises(InputError) as caught:
        read_history(file, config)
    lines = str(caught.value).splitlines()
    assert lines[0].endswith(
        "history.csv:4: created_at: 'yesterday' is not a date and time (expected e.g. 2026-12-07 09:00 "
        'or 2026-12-07T09:00:00+00:00; give another layout with --date-format, e.g. "%d/%m/%Y %H:%M")'
    )
    assert lines[1].endswith(
        "history.csv:5: channel: unknown channel 'sms' on 2 row(s) (expected one of: chat; "
        'map it with --map "sms=chat" or leave such rows out with --drop-unmapped)'
    )
    missing = tmp_path / "bad.csv"
    missing.write_text("when,channel\n2026-11-20T10:00:00Z,chat\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.csv:1: header: missing column\(s\) created_at"):
        read_history(missing, config)


def test_covplan_forecast_round_trip(
    tmp_path: Path, make_config: Callable[..., Config], capsys: pytest.CaptureFixture[str]
) -> None:
    config = email_config(make_config)
    history = write_history(tmp_path / "history.csv", HISTORY)
    out = tmp_path / "forecast-out"
    assert (
        main(["forecast", str(history), "--config", str(config.source), "--out", str(out), "--weeks", "2", "--method", "profile"])
        == 0
    )
    assert "2 week(s) from 2026-11-16 to 2026-11-29 (UTC): 11 tickets, 1 older ones ignored" in capsys.readouterr().out
    assert {p.name for p in out.iterdir()} >= {"profile.csv", "forecast.yaml", "forecast.png", "forecast.svg"}
    with (out / "profile.csv").open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 2 * 168 and {k: rows[9][k] for k in ("channel", "weekday", "hour", "share")} == {
        "channel": "chat",
        "weekday": "Mon",
        "hour": "9",
        "share": "0.80000000",
    }
    snippet = (out / "forecast.yaml").read_text(encoding="utf-8")
    assert "weekly_volume: {chat: 5, email: 0.5}" in snippet and "chat +50.00 %" in snippet
    # the section pastes into a plan: one week in UTC holds every hour of the week once
    plan = tmp_path / "planned.yaml"  # beside the config: forecast.yaml names profile.csv relative to it
    text = email_config(make_config).source.read_text(encoding="utf-8")
    section = snippet[snippet.index("forecast:") :]
    text = text[: text.index("forecast:")] + section + text[text.index("sites:") :]
    plan.write_text(text.replace("America/New_York\n  interval", "UTC\n  interval"), encoding="utf-8")
    volume = load_volumes(load_config(plan)).volume
    assert sum(volume["chat"]) == pytest.approx(5) and volume["chat"][9] == pytest.approx(4)


def test_covplan_forecast_bad_input_exits_2(
    tmp_path: Path, make_config: Callable[..., Config], capsys: pytest.CaptureFixture[str]
) -> None:
    config = make_config()
    history = write_history(tmp_path / "history.csv", [("2026-11-20T10:00:00Z", "fax")])
    assert main(["forecast", str(history), "--config", str(config.source), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "history.csv:2: channel: unknown channel 'fax'" in err and "Traceback" not in err


# --------------------------------------------------------------------------- predicted service in coverage.csv and summary.json


def test_service_columns_and_summary_for_a_roster(make_config: Callable[..., Config], tmp_path: Path) -> None:
    # 100 chats in the 09:00 New York hour (slot 9), AHT 360 s: 10 Erlangs; shrinkage 0.3
    text = TINY.replace("shrinkage: 0.0", "shrinkage: 0.3")
    config = make_config(text, forecast=[("2026-12-07T14:00:00Z", "chat", 100)])
    req = requirements(config)
    # 80 % within 60 s: SL(12) = 67.8 %, SL(13) = 82.7 % → 13 on contacts → 13 / 0.7 = 18.6 → 19 rostered
    assert req.required["chat"][9] == 19
    start = local_to_utc(config.plan.start, "09:00", "America/New_York")
    roster = Roster(
        tuple(Assignment(f"a{k}", "nyc", "chat", "day", config.plan.start, start, start.add(hours=8)) for k in range(20))
    )
    cov = coverage_of(roster, req, config)
    path = write_coverage_csv(cov, tmp_path / "coverage.csv")
    with path.open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0]) == [
        "interval_start_utc",
        "channel",
        "required",
        "scheduled",
        "gap",
        "volume",
        "agents_on_contacts",
        "service_level",
        "asa_seconds",
        "occupancy",
        "abandon_rate",
    ]
    busy = rows[9]
    # 20 rostered × (1 − 0.3) = 14 on contacts: SL = 1 − C(14, 10)·e^(−4·60/360) = 1 − 0.17413 × 0.51342 = 91.06 %,
    # ASA = 0.17413 × 360 / 4 = 15.67 s, occupancy 10 / 14
    assert (busy["required"], busy["scheduled"], busy["volume"], busy["agents_on_contacts"]) == ("19", "20", "100", "14")
    assert (busy["service_level"], busy["asa_seconds"], busy["occupancy"], busy["abandon_rate"]) == (
        "0.9106",
        "15.6719",
        "0.7143",
        "0",
    )
    assert rows[10]["service_level"] == "1" and rows[10]["asa_seconds"] == "0"  # no contacts, nobody waits
    block = service_summary(cov, config)["chat"]
    assert block.model == "erlang_c" and block.volume == 100
    assert block.intervals_below_target == 0
    assert block.worst_intervals[0].interval_start_utc == "2026-12-07T14:00:00+00:00"
    json.dumps(block.to_json(), allow_nan=False)


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"start,channel,volume,0\x0c0\n", "forecast.csv:1: header: unknown column(s) '0\\x0c0'"),
        (b"x" * 200_000, "forecast.csv:1: header: not readable as CSV: field larger than field limit"),
    ],
)
def test_unreadable_csv_is_one_located_line(make_config: Callable[..., Config], content: bytes, expected: str) -> None:
    config = make_config()
    config.forecast_path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        load_volumes(config)
    assert expected in str(caught.value) and len(str(caught.value).splitlines()) == 1


# --------------------------------------------------------------------------- (1b) local times over a daylight-saving change


def _local_rows_config(make_config: Callable[..., Config], start: str, rows: list[tuple[str, str, float]]) -> Config:
    """TINY from `start`, its forecast's `start` values on New York's wall clock, as a spreadsheet in local time writes them."""
    text = TINY.replace("start: 2026-12-07", f"start: {start}").replace(
        "  file: forecast.csv\n  timezone: UTC\n", "  file: forecast.csv\n  timezone: America/New_York\n"
    )
    return make_config(text, forecast=rows)


def test_the_hour_that_repeats_when_clocks_go_back_is_read_twice(make_config: Callable[..., Config]) -> None:
    # New York goes back at 02:00 EDT on Sunday 7 November 2027: 01:00 comes twice (05:00Z, then 06:00Z).
    rows = [
        ("2027-11-07T00:00", "chat", 1),
        ("2027-11-07T01:00", "chat", 2),
        ("2027-11-07T01:00", "chat", 3),
        ("2027-11-07T02:00", "chat", 4),
    ]
    config = _local_rows_config(make_config, "2027-11-01", rows)
    volume = load_volumes(config).volume["chat"]
    first = 6 * 24  # the grid starts Mon 1 Nov 00:00 EDT = 04:00Z; Sun 7 Nov 00:00 EDT is 6 days later
    assert volume[first : first + 4] == [1, 2, 3, 4]  # 04:00Z, 05:00Z (01:00 EDT), 06:00Z (01:00 EST), 07:00Z (02:00 EST)
    assert sum(volume) == 10


def test_a_local_time_the_clocks_skip_is_one_line_that_says_so(make_config: Callable[..., Config]) -> None:
    # New York jumps from 02:00 to 03:00 on Sunday 14 March 2027: a row at 02:00 is no hour of that day.
    rows = [("2027-03-14T01:00", "chat", 1), ("2027-03-14T02:00", "chat", 2), ("2027-03-14T03:00", "chat", 3)]
    config = _local_rows_config(make_config, "2027-03-08", rows)
    with pytest.raises(InputError) as caught:
        load_volumes(config)
    (line,) = str(caught.value).splitlines()  # the 03:00 row is not called a duplicate of it
    assert line.endswith(
        "forecast.csv:3: start: '2027-03-14T02:00' does not exist in America/New_York (its clocks jump past it "
        "that night; expected a local time that exists there, or leave the row out)"
    )


def test_a_forecast_saved_day_first_is_refused_not_read_half_month_first(make_config: Callable[..., Config]) -> None:
    """Saved from a European spreadsheet, 8 December reads 08/12/2026 and 13 December 13/12/2026: the first was read
    as 12 August (outside the period, ignored) and the second as 13 December, so a day-first forecast lost its first
    twelve days of every month with no word. The row the month-first reading cannot be is named instead."""
    config = make_config(TINY, forecast=[("08/12/2026 10:00", "chat", 3), ("13/12/2026 10:00", "chat", 3)])
    with pytest.raises(InputError) as caught:
        load_volumes(config)
    assert "forecast.csv:3: start: '13/12/2026 10:00' has no month 13: a date with slashes and the year last is read " in (
        str(caught.value)
    )


def test_a_forecast_saved_with_dots_is_read_day_first(make_config: Callable[..., Config]) -> None:
    """A German spreadsheet saves 8 December as 08.12.2026: read month first it was 12 August, outside the
    period and ignored with no word. Dots are day.month.year (the grid starts 05:00 UTC on Mon 7 December)."""
    config = make_config(TINY, forecast=[("08.12.2026 10:00", "chat", 3), ("13.12.2026 10:00", "chat", 4)])
    chat = load_volumes(config).volume["chat"]
    assert (chat[24 + 5], chat[6 * 24 + 5], sum(chat)) == (3, 4, 7)
