"""Helpdesk exports as they come: each vendor's documented layout gives the profile a hand count predicts.

The files in tests/data/ (see its README) all hold the same week in
America/New_York: Mon 09 two emails and a chat, Mon 10 a phone call, Wed 14
a chat, Sun 23 an email — plus rows that must not count.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import TINY

from coverage.cli import main
from coverage.config import Config, load_config
from coverage.errors import InputError
from coverage.forecast import build_profile, load_volumes
from coverage.helpdesk import ExportOptions, parse_mapping, read_export

DATA = Path(__file__).resolve().parent / "data"
MON_09, MON_10, WED_14, SUN_23 = 9, 10, 2 * 24 + 14, 6 * 24 + 23

THREE_CHANNELS = TINY.replace(
    "    service_level: {percent: 80, within_seconds: 60}\n",
    "    service_level: {percent: 80, within_seconds: 60}\n"
    "  email: {kind: backlog, aht_seconds: 300, respond_within_hours: 4}\n"
    "  phone: {kind: realtime, aht_seconds: 300, service_level: {percent: 80, within_seconds: 30}}\n",
).replace("  file: forecast.csv\n  timezone: UTC\n", "  file: forecast.csv\n  timezone: America/New_York\n")

SAME_WEEK = {"email": {MON_09: 2, SUN_23: 1}, "chat": {MON_09: 1, WED_14: 1}, "phone": {MON_10: 1}}


@pytest.fixture
def config(make_config: Callable[..., Config]) -> Config:
    return make_config(THREE_CHANNELS)


def hourly(file: Path, config: Config, options: ExportOptions) -> dict[str, dict[int, int]]:
    """Tickets per channel and hour of the week, from the one-week profile of the export."""
    tickets = read_export(file, config, options).arrivals
    history = build_profile(tickets, config, 1, file)
    return {
        channel: {h: round(share * history.weekly_volume[channel]) for h, share in enumerate(shares) if share}
        for channel, shares in history.shares.items()
    }


@pytest.mark.parametrize(
    "name, options, expected",
    [
        ("zendesk-tickets.csv", ExportOptions(vendor="zendesk"), SAME_WEEK),
        ("freshdesk-tickets.csv", ExportOptions(vendor="freshdesk"), SAME_WEEK),
        ("helpscout-conversations.csv", ExportOptions(vendor="helpscout"), SAME_WEEK),
        ("gorgias-tickets.csv", ExportOptions(vendor="gorgias", drop_unmapped=True), SAME_WEEK),
        (
            "front-messages.csv",
            ExportOptions(vendor="front", mapping=parse_mapping("Support=email, live chat=chat")),
            {"email": {MON_09: 2, SUN_23: 1}, "chat": {MON_09: 1, WED_14: 1}},
        ),
        ("intercom-messages.csv", ExportOptions(vendor="intercom"), {"chat": {MON_09: 2, WED_14: 1, SUN_23: 1}}),
    ],
)
def test_each_vendor_preset_gives_the_hand_counted_profile(
    config: Config, name: str, options: ExportOptions, expected: dict
) -> None:
    assert hourly(DATA / name, config, options) == expected


@pytest.mark.parametrize(
    "name, vendor, skipped, later, dropped",
    [
        ("zendesk-tickets.csv", "zendesk", {"Phone call (outbound)": 1, "Trigger, automation": 1}, 0, {}),
        ("freshdesk-tickets.csv", "freshdesk", {"10": 1}, 0, {}),
        ("gorgias-tickets.csv", "gorgias", {"internal-note": 1}, 0, {"facebook-messenger": 1}),
        ("intercom-messages.csv", "intercom", {}, 5, {}),  # two admin replies, a close, a note, a bot's opener
    ],
)
def test_rows_that_are_not_contacts_are_counted_not_planned(
    config: Config, name: str, vendor: str, skipped: dict, later: int, dropped: dict
) -> None:
    tickets = read_export(DATA / name, config, ExportOptions(vendor=vendor, drop_unmapped=True))
    assert (tickets.skipped, tickets.later_messages, tickets.dropped) == (skipped, later, dropped)


def test_zendesk_naive_times_are_the_account_zone_and_timezone_overrides_it(config: Config) -> None:
    tickets = read_export(DATA / "zendesk-tickets.csv", config, ExportOptions(vendor="zendesk"))
    assert (
        tickets.timezone == "America/New_York" and min(t for t, _ in tickets.arrivals).isoformat() == "2026-11-23T14:05:59+00:00"
    )
    utc = read_export(DATA / "zendesk-tickets.csv", config, ExportOptions(vendor="zendesk", timezone="UTC"))
    assert min(t for t, _ in utc.arrivals).isoformat() == "2026-11-23T09:05:59+00:00"


def test_an_unplanned_channel_says_how_to_map_or_drop_it(config: Config) -> None:
    with pytest.raises(InputError) as caught:
        read_export(DATA / "gorgias-tickets.csv", config, ExportOptions(vendor="gorgias"))
    assert str(caught.value).endswith(
        "gorgias-tickets.csv:8: channel: unknown channel 'facebook-messenger' (social by the gorgias preset) on 1 row(s) "
        '(expected one of: chat, email, phone; map it with --map "facebook-messenger=chat" or leave such rows out with --drop-unmapped)'
    )
    mapped = read_export(
        DATA / "gorgias-tickets.csv", config, ExportOptions(vendor="gorgias", mapping=parse_mapping("Facebook-Messenger=chat"))
    )
    assert sum(1 for _, c in mapped.arrivals if c == "chat") == 3


def test_generic_columns_case_insensitive_channels_and_spreadsheet_dates(config: Config, tmp_path: Path) -> None:
    # 46349.375 is 2026-11-23 09:00 (Excel's day count from 1899-12-30), in forecast.timezone
    export = tmp_path / "export.csv"
    export.write_text("Opened,Queue\n46349.375,Chat\n46349.4,E-MAIL\nsoon,Phone\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"export.csv:4: Opened: 'soon' is not a date and time .*--date-format"):
        read_export(
            export, config, ExportOptions(time_column="opened", channel_column="QUEUE", mapping=parse_mapping("e-mail=email"))
        )
    export.write_text("Opened,Queue\n46349.375,Chat\n46349.4,E-MAIL\n", encoding="utf-8")
    tickets = read_export(
        export, config, ExportOptions(time_column="opened", channel_column="QUEUE", mapping=parse_mapping("e-mail=email"))
    )
    assert [(t.isoformat(), c) for t, c in tickets.arrivals] == [
        ("2026-11-23T14:00:00+00:00", "chat"),
        ("2026-11-23T14:36:00+00:00", "email"),
    ]
    export.write_text("Opened,Queue\n05/11/2026 10:30,phone\n", encoding="utf-8")  # 5 November, day first
    tickets = read_export(
        export, config, ExportOptions(time_column="Opened", channel_column="Queue", date_format="%d/%m/%Y %H:%M")
    )
    assert [(t.isoformat(), c) for t, c in tickets.arrivals] == [("2026-11-05T15:30:00+00:00", "phone")]


def test_missing_columns_name_the_flags(config: Config, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text("Opened,Queue\n2026-11-23 09:00,chat\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_export(export, config, ExportOptions(vendor="zendesk"))
    assert (
        "export.csv:1: header: missing column(s) Created at or created_at (the arrival time; name it with --time-column; the header has Opened,Queue)"
        in str(caught.value)
    )
    with pytest.raises(
        InputError, match=r"covplan forecast:\?: --from: unknown helpdesk 'zendsk' \(expected one of: zendesk, freshdesk"
    ):
        read_export(export, config, ExportOptions(vendor="zendsk"))


def test_an_export_given_as_the_forecast_file_names_the_command(make_config: Callable[..., Config], tmp_path: Path) -> None:
    config = make_config(THREE_CHANNELS)
    config.forecast_path.write_bytes((DATA / "zendesk-tickets.csv").read_bytes())
    with pytest.raises(InputError) as caught:
        load_volumes(config)
    assert (
        "forecast.csv:1: header: this looks like a Zendesk Support ticket export, not a forecast; turn it into one with "
        "`covplan forecast forecast.csv --from zendesk --config CONFIG --out DIR`"
    ) in str(caught.value)


def test_forecast_csv_channels_match_without_regard_to_case(make_config: Callable[..., Config]) -> None:
    config = make_config(THREE_CHANNELS, forecast=[("2026-12-07T14:00:00Z", "Chat", 10), ("2026-12-07T15:00:00Z", "EMAIL", 4)])
    volume = load_volumes(config).volume
    assert (volume["chat"][9], volume["email"][10]) == (10, 4)


def test_covplan_forecast_reads_a_zendesk_export_into_a_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a team config without any forecast yet: covplan forecast is how it gets one
    plan = tmp_path / "team.yaml"
    text = THREE_CHANNELS.replace("forecast:\n  file: forecast.csv\n  timezone: America/New_York\n", "")
    plan.write_text(text, encoding="utf-8")
    out = tmp_path / "fc"
    code = main(
        [
            "forecast",
            str(DATA / "zendesk-tickets.csv"),
            "--from",
            "zendesk",
            "--config",
            str(plan),
            "--out",
            str(out),
            "--weeks",
            "1",
            "--holdout",
            "0",
            "--timezone",
            "America/New_York",
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "8 rows read (zendesk export, naive times in America/New_York): 6 customer contacts" in printed
    assert "not customer contacts, skipped: Phone call (outbound) 1, Trigger, automation 1" in printed
    with plan.open("a", encoding="utf-8") as stream:
        stream.write((out / "forecast.yaml").read_text(encoding="utf-8"))
    volume = load_volumes(load_config(plan)).volume  # profile: fc/profile.csv, relative to team.yaml
    assert sum(volume["email"]) == pytest.approx(3) and sum(volume["phone"]) == pytest.approx(1)
    with (out / "profile.csv").open(newline="") as stream:
        assert next(csv.reader(stream)) == ["channel", "weekday", "hour", "share"]


def test_a_day_first_export_is_refused_not_read_half_month_first(config: Config, tmp_path: Path) -> None:
    """A European spreadsheet writes 5 November as 05/11/2026 and 13 November as 13/11/2026. Read without
    --date-format, the first became 11 May (month first, the US layout) and the second 13 November (the only
    reading left): 4,394 of 9,131 tickets of an 8-week Zendesk export landed months away, and the forecast came out
    with no word. A year-last date is month/day/year, and one whose first number is no month says so."""
    export = tmp_path / "export.csv"
    export.write_text("Opened,Queue\n11/23/2026 09:00,chat\n05/11/2026 10:30,chat\n13/11/2026 10:30,chat\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_export(export, config, ExportOptions(time_column="Opened", channel_column="Queue"))
    assert str(caught.value).replace(f"{tmp_path}/", "").splitlines() == [
        "export.csv:4: Opened: '13/11/2026 10:30' has no month 13: a date with slashes and the year last is read month/day/year "
        '(expected e.g. 11/23/2026 09:00; a day-first export needs --date-format "%d/%m/%Y %H:%M")'
    ]
    export.write_text("Opened,Queue\n11/23/2026 09:00,chat\n", encoding="utf-8")
    tickets = read_export(export, config, ExportOptions(time_column="Opened", channel_column="Queue"))
    assert [t.isoformat() for t, _ in tickets.arrivals] == ["2026-11-23T14:00:00+00:00"]


def test_covplan_forecast_reads_a_dotted_export_day_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A German export writes 2 November as 02.11.2026. Read month first it was 11 February, and a week of the
    1st-12th of a month spread over February to August: `covplan forecast` kept the last week (one ticket) and
    called the rest "older", exit 0. Dotted dates are day.month.year; the hand count is the week as written."""
    plan = tmp_path / "team.yaml"
    plan.write_text(THREE_CHANNELS.replace("forecast:\n  file: forecast.csv\n  timezone: America/New_York\n", ""))
    export = tmp_path / "export.csv"
    export.write_text(
        "Erstellt,Kanal\n02.11.2026 09:15,email\n02.11.2026 09:40,email\n2.11.26 9:05,chat\n"
        "02.11.2026 10:30,phone\n04.11.2026 14:20,chat\n08.11.2026 23:45,email\n",
        encoding="utf-8",
    )
    args = ["forecast", str(export), "--time-column", "Erstellt", "--channel-column", "Kanal", "--config", str(plan)]
    code = main([*args, "--out", str(tmp_path / "fc"), "--weeks", "1", "--holdout", "0"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "1 week(s) from 2026-11-02 to 2026-11-08 (America/New_York): 6 tickets\n" in printed
    config = load_config(plan, need_demand=False)
    assert hourly(export, config, ExportOptions(time_column="Erstellt", channel_column="Kanal")) == SAME_WEEK


def test_a_dotted_month_first_export_is_refused_with_the_format_that_reads_it(config: Config, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text("Opened,Queue\n11.23.2026 09:00,chat\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_export(export, config, ExportOptions(time_column="Opened", channel_column="Queue"))
    assert str(caught.value).replace(f"{tmp_path}/", "").splitlines() == [
        "export.csv:2: Opened: '11.23.2026 09:00' has no month 23: a date with dots is read day.month.year "
        '(expected e.g. 23.11.2026 09:00; a month-first export needs --date-format "%m.%d.%Y %H:%M")'
    ]
    options = ExportOptions(time_column="Opened", channel_column="Queue", date_format="%m.%d.%Y %H:%M")
    assert [t.isoformat() for t, _ in read_export(export, config, options).arrivals] == ["2026-11-23T14:00:00+00:00"]


def test_us_short_dates_with_two_digit_years_are_month_day_year(config: Config, tmp_path: Path) -> None:
    """Excel's US short date writes 5 November 2026 as 11/5/26. Read as year/month/day it was 26 May 2011 (and
    2/3/26 was 26 March 2002), while 9/28/26 — no month 28 — became 28 September 2026: half an export fell
    years back and was dropped as "older" with no word. A two-digit year last is month/day/20yy, like a
    four-digit one; a first number that is no month is refused the same way."""
    export = tmp_path / "export.csv"
    export.write_text("Opened,Queue\n11/5/26 10:00,chat\n2/3/26 9:15,chat\n9/28/26 0:19,chat\n", encoding="utf-8")
    tickets = read_export(export, config, ExportOptions(time_column="Opened", channel_column="Queue"))
    assert [t.isoformat() for t, _ in tickets.arrivals] == [  # forecast.timezone America/New_York
        "2026-11-05T15:00:00+00:00",
        "2026-02-03T14:15:00+00:00",
        "2026-09-28T04:19:00+00:00",
    ]
    export.write_text("Opened,Queue\n13/11/26 10:00,chat\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"'13/11/26 10:00' has no month 13"):
        read_export(export, config, ExportOptions(time_column="Opened", channel_column="Queue"))
