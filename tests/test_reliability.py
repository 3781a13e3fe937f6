"""Hostile input, interruptions and large data: the user sees one located line, and loses nothing.

Every bad-input class the README's "Reliability and limits" section lists is
tried here through `covplan` itself (coverage.cli.main), with the exact line
the user reads. Writing is tested by breaking it on purpose: a failure or a
Ctrl-C in the middle of a run must leave the previous outputs untouched.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from helpers import TINY, write_forecast

import coverage.config
import coverage.config.checks
import coverage.outputs
from coverage.cli import main
from coverage.errors import CoverageError
from coverage.outputs import (
    remove_leftovers,
    sigint_deferred,
    staged_outputs,
    write_bytes_atomic,
)

ROOT = Path(__file__).resolve().parent.parent

# A small team with real choices: three agents, three shifts a day, one agent
# needed around the clock, so many rosters are equally good and only a
# deterministic search returns the same one twice.
SMALL = """\
plan:
  start: 2026-12-07
  days: 7
  timezone: America/New_York
  time_limit_seconds: 10
  seed: 3
views: [America/New_York]
channels:
  chat:
    kind: realtime
    aht_seconds: 300
    service_level: {percent: 80, within_seconds: 60}
forecast:
  file: volumes/forecast.csv
sites:
  nyc:
    timezone: America/New_York
    shifts:
      early: {start: "06:00", hours: 8}
      late: {start: "14:00", hours: 8}
      night: {start: "22:00", hours: 8}
contracts:
  full_time: {hours_per_week: {min: 0, max: 40}, max_days_per_week: 5}
agents:
  - {id: ann, site: nyc, contract: full_time, skills: [chat]}
  - {id: bo, site: nyc, contract: full_time, skills: [chat]}
  - {id: cy, site: nyc, contract: full_time, skills: [chat]}
"""


def hourly_rows(first_day: int = 7, days: int = 7) -> list[tuple[str, str, float]]:
    """One chat an hour, every hour, from 2026-12-<first_day> 05:00 UTC (New York midnight)."""
    start = 24 * (first_day - 1) + 5
    return [(_utc(start + k), "chat", 1) for k in range(24 * days)]


def _utc(hours_since_dec_1: int) -> str:
    day, hour = divmod(hours_since_dec_1, 24)
    return f"2026-12-{day + 1:02d}T{hour:02d}:00:00Z"


def write_small(folder: Path) -> Path:
    """configs in `folder`, the forecast in `folder/volumes/`, as a manager's folder would have them."""
    (folder / "volumes").mkdir(parents=True, exist_ok=True)
    write_forecast(folder / "volumes" / "forecast.csv", hourly_rows())
    config = folder / "small.yaml"
    config.write_text(SMALL, encoding="utf-8")
    return config


def write_tiny(folder: Path, text: str = TINY, forecast: list[tuple[str, str, float]] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_forecast(folder / "forecast.csv", forecast or [])
    config = folder / "plan.yaml"
    config.write_text(textwrap.dedent(text), encoding="utf-8")
    return config


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- YAML limits


def test_billion_laughs_is_refused_at_the_alias_line_in_well_under_a_second(tmp_path: Path, capsys) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]  # 9**10 values
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\n")
    started = time.perf_counter()
    code, _, err = run(["check", bomb], capsys)
    assert time.perf_counter() - started < 5
    assert code == 2
    # line 10 (a9) repeats *a8, the alias standing for the most values
    assert err == (
        f"{bomb}:10: (document): aliases expand the document to more than 1,000,000 values "
        "(alias *a8: a 'billion laughs'? expected at most 1,000,000)\n"
    )


def test_aliases_a_manager_would_write_still_work(tmp_path: Path, capsys) -> None:
    text = TINY.replace('      day: {start: "09:00", hours: 8}', '      day: &std {start: "09:00", hours: 8}\n      day2: *std')
    contract = "  full_time: {hours_per_week: {min: 0, max: 40}, max_days_per_week: 5}\n"
    text = text.replace(contract, contract.replace("full_time: {", "full_time: &ft {") + "  also_full_time: *ft\n")
    config = write_tiny(tmp_path, text)
    code, out, err = run(["check", config], capsys)
    assert (code, err) == (0, "")
    assert "1 agents in 1 sites" in out


def test_an_alias_that_contains_itself_is_refused(tmp_path: Path, capsys) -> None:
    loop = tmp_path / "loop.yaml"
    loop.write_text("plan: &p\n  start: 2026-12-07\n  again: *p\n")
    assert run(["check", loop], capsys)[::2] == (
        2,
        f"{loop}:3: (document): alias *p refers to a value that contains itself (expected a value without loops)\n",
    )


def test_deeply_nested_document_is_refused_without_a_recursion_crash(tmp_path: Path, capsys) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("plan: " + "[" * 100_000 + "]" * 100_000 + "\n")
    code, _, err = run(["check", deep], capsys)
    assert code == 2
    assert (
        err
        == f"{deep}:1: (document): nested more than 64 levels deep (expected a plan config: a few levels of sections and keys)\n"
    )
    # block style: the mapping on line k+1 is at nesting level k+2 (document, plan, k1, ...); level 65 opens on line 64
    block = tmp_path / "block.yaml"
    block.write_text("plan:\n" + "".join("  " * k + f"k{k}:\n" for k in range(1, 100)))
    assert run(["check", block], capsys)[2].startswith(f"{block}:64: (document): nested more than 64 levels deep")


def test_a_long_chain_of_aliases_is_too_deep(tmp_path: Path, capsys) -> None:
    chain = tmp_path / "chain.yaml"
    chain.write_text("a0: &a0 [1]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 100)))
    code, _, err = run(["check", chain], capsys)
    assert code == 2
    assert err.startswith(f"{chain}:") and "aliases nest the document more than 64 levels deep" in err


def test_keys_with_line_breaks_stay_on_one_line(tmp_path: Path, capsys) -> None:
    config = write_tiny(tmp_path, TINY.replace("plan:\n", 'plan:\n  "\\r": 0\n').replace("views:", '"a\\nb": 1\nviews:'))
    code, _, err = run(["check", config], capsys)
    assert code == 2
    assert err.splitlines() == [
        f"{config}:9: 'a\\nb': unknown section (expected one of: {', '.join(coverage.config.SECTIONS)})",
        f"{config}:2: plan.'\\r': unknown key (check the spelling; see the config reference in docs/configuration.md)",
    ]


def test_control_characters_and_binary_files(tmp_path: Path, capsys) -> None:
    nul = tmp_path / "nul.yaml"
    nul.write_bytes(b"plan:\n  days: 7\x00\n")
    assert run(["check", nul], capsys)[::2] == (
        2,
        f"{nul}:2: (document): not valid YAML: control character U+0000 (expected printable text; was a binary file saved as .yaml?)\n",
    )
    png = tmp_path / "picture.yaml"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    code, _, err = run(["check", png], capsys)
    assert code == 2 and err.startswith(f"{png}:1: (document): not UTF-8 text (byte 0: 0x89 at column 1)")


def test_a_typo_only_the_report_reads_fails_check_and_plan_before_the_search(tmp_path: Path, capsys) -> None:
    """`views` is read only after the search: a typo there once cost the roster (exit 3 after searching)."""
    config = write_small(tmp_path)
    config.write_text(SMALL.replace("views: [America/New_York]", "views: [America/NewYork]"))
    expected = f"{config}:7: views[0]: unknown time zone 'America/NewYork' (expected an IANA name such as Europe/Dublin)\n"
    assert run(["check", config], capsys)[::2] == (2, expected)
    code, _, err = run(["plan", config, "--out", tmp_path / "out", "--quiet"], capsys)
    assert (code, err) == (2, expected)  # no "searching ..." line: it stopped before the search
    assert not (tmp_path / "out").exists()


def test_a_key_given_twice_is_named_before_the_error_it_would_cause(tmp_path: Path, capsys) -> None:
    """Two `chat:` channels kept the second silently, and agents then named an 'unknown' channel far away."""
    second = "  chat:\n    kind: backlog\n    aht_seconds: 300\n    respond_within_hours: 4\n"
    config = write_small(tmp_path)
    config.write_text(SMALL.replace("forecast:\n", second + "forecast:\n"))
    assert run(["check", config], capsys)[::2] == (
        2,
        f"{config}:13: channels.chat: duplicate key (first at line 9; each key once)\n",
    )


# --------------------------------------------------------------------------- sizes


def test_absurd_sizes_are_located_and_name_the_limit(tmp_path: Path, capsys) -> None:
    cases = {
        "ten-years": (("days: 7", "days: 3650"), "3: plan.days: Input should be less than or equal to 366 (got 3650)"),
        "one-minute": (
            ("interval_minutes: 60", "interval_minutes: 1"),
            "5: plan.interval_minutes: Input should be 60, 30 or 15 (got 1)",
        ),
        "seed": (
            ("seed: 1", "seed: 99999999999"),
            "7: plan.seed: Input should be less than or equal to 2147483647 (got 99999999999)",
        ),
        "infinite-aht": (
            ("aht_seconds: 360", "aht_seconds: .inf"),
            "15: channels.chat.aht_seconds: Input should be a finite number (got inf)",
        ),
        "run-length": (
            ("max_consecutive_days: 6", "max_consecutive_days: 1000000000"),
            "29: rules.max_consecutive_days: Input should be less than or equal to 366 (got 1000000000)",
        ),
    }
    for name, ((old, new), expected) in cases.items():
        config = write_tiny(tmp_path / name, TINY.replace(old, new))
        assert run(["check", config], capsys)[::2] == (2, f"{config}:{expected}\n"), name


def test_a_million_agents_is_refused_by_file_size_before_parsing(tmp_path: Path, capsys) -> None:
    agent = "  - {id: a%d, site: nyc, contract: full_time, skills: [chat]}\n"
    config = write_tiny(tmp_path, TINY + "".join(agent % k for k in range(2, 90_000)))  # ~5 MB; a million would be 55 MB
    started = time.perf_counter()
    code, _, err = run(["check", config], capsys)
    assert time.perf_counter() - started < 5
    assert (code, err) == (
        2,
        f"{config}:?: (document): file is larger than the limit of 4 MiB (expected a plan's own file; is this the right file?)\n",
    )


def test_team_and_grid_size_caps(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    # The real caps (10,000 agents, 2,000,000 shift options or grid cells) take a 1 MB config to reach;
    # the same code path with small caps: 3 agents × 1 shift × 7 days = 21 options, 7 × 24 × 1 = 168 cells.
    monkeypatch.setattr(coverage.config.checks, "MAX_AGENTS", 2)
    monkeypatch.setattr(coverage.config.checks, "MAX_SHIFT_OPTIONS", 20)
    monkeypatch.setattr(coverage.config.checks, "MAX_GRID_CELLS", 100)
    monkeypatch.setattr(coverage.config.checks, "MAX_VIEWS", 0)
    more = "  - {id: a2, site: nyc, contract: full_time, skills: [chat]}\n  - {id: a3, site: nyc, contract: full_time, skills: [chat]}\n"
    config = write_tiny(tmp_path, TINY + more)
    code, _, err = run(["check", config], capsys)
    assert code == 2
    assert err.splitlines() == [
        f"{config}:30: agents: 3 agents (expected at most 2; plan large teams site by site)",
        f"{config}:8: views: 1 view zones (expected at most 0: one heatmap is drawn per view)",
        f"{config}:30: agents: agents × allowed shifts × days is 21 (expected at most 20: fewer days or agents per plan)",
        f"{config}:12: channels: intervals × channels is 168 (expected at most 100: fewer channels, days or a coarser interval)",
    ]


@pytest.mark.slow
def test_ten_thousand_and_one_agents_is_over_the_real_cap(tmp_path: Path, capsys) -> None:
    agent = "  - {id: a%d, site: nyc, contract: full_time, skills: [chat]}\n"
    config = write_tiny(tmp_path, TINY + "".join(agent % k for k in range(2, 10_002)))
    code, _, err = run(["check", config], capsys)
    assert code == 2
    assert f"{config}:30: agents: 10,001 agents (expected at most 10,000; plan large teams site by site)" in err.splitlines()


# --------------------------------------------------------------------------- encodings and CSV shapes


def test_files_that_are_not_utf8_are_located_to_the_line(tmp_path: Path, capsys) -> None:
    config = write_tiny(tmp_path, TINY + "# Zoë's team\n")  # TINY has 31 lines
    config.write_bytes(config.read_bytes().replace("Zoë".encode(), "Zoë".encode("latin-1")))
    code, _, err = run(["check", config], capsys)
    assert (code, err) == (
        2,
        f"{config}:32: (document): not UTF-8 text (byte {len(TINY) + 4}: 0xEB at column 5); save the file as UTF-8\n",
    )

    config = write_tiny(tmp_path / "b")
    forecast = tmp_path / "b" / "forecast.csv"
    forecast.write_bytes(b"start,channel,volume\n2026-12-07T14:00:00Z,chat,1\n2026-12-07T15:00:00Z,caf\xe9,1\n")
    code, _, err = run(["check", config], capsys)
    # 21 + 28 bytes on lines 1-2, then "2026-12-07T15:00:00Z,caf" is 24 more: the é is byte 73, column 25
    assert (code, err) == (
        2,
        f"{forecast}:3: (document): not UTF-8 text (byte 73: 0xE9 at column 25); save the file as UTF-8 CSV\n",
    )

    roster = tmp_path / "rota.csv"
    roster.write_bytes(b"agent,shift,date\na1,day,2026-12-07\n\xff\xfea1,day,2026-12-08\n")
    code, _, err = run(["verify", config, roster], capsys)
    assert (code, err) == (
        2,
        f"{roster}:3: (document): not UTF-8 text (byte 35: 0xFF at column 1); save the file as UTF-8 CSV\n",
    )  # 17 + 18


def test_a_utf8_byte_order_mark_is_fine(tmp_path: Path, capsys) -> None:
    config = write_tiny(tmp_path, forecast=[("2026-12-07T14:00:00Z", "chat", 1)])
    config.write_bytes(b"\xef\xbb\xbf" + config.read_bytes())
    roster = tmp_path / "rota.csv"
    roster.write_bytes(b"\xef\xbb\xbfagent,shift,date\r\na1,day,2026-12-07\r\n")
    assert run(["verify", config, roster], capsys)[0] == 0


def test_forecast_columns_rows_and_duplicates(tmp_path: Path, capsys) -> None:
    config = write_tiny(tmp_path)
    forecast = tmp_path / "forecast.csv"
    expected = "(expected start,channel,volume)"
    cases = {
        "start,channel\n": f"{forecast}:1: header: missing column(s) volume {expected}",
        "start,channel,volume,note\n": f"{forecast}:1: header: unknown column(s) note {expected}",
        "start,channel,volume,volume\n": f"{forecast}:1: header: repeated column(s) volume {expected}",
        "start,channel,volume\n2026-12-07T14:00:00Z,chat,1,oops\n": f"{forecast}:2: row: 4 fields (expected 3: start,channel,volume)",
        "start,channel,volume\n99999999999999999999,chat,1\n": (
            f"{forecast}:2: start: '99999999999999999999' is out of range (expected e.g. 2026-12-07T09:00:00+00:00)"
        ),
        "start,channel,volume\n2026-12-07T14:00:00Z,chat,1e20\n": (
            f"{forecast}:2: volume: '1e20' is too large (expected a number of contacts of at most 1,000,000,000)"
        ),
        "start,channel,volume\n2026-12-07T14:00:00Z,chat,1\n\n2026-12-07T14:00:00+00:00,chat,2\n": (
            f"{forecast}:4: start: duplicate row for chat at 2026-12-07T14:00:00+00:00 (also line 2; expected one row per start and channel)"
        ),
    }
    for text, line in cases.items():
        forecast.write_text(text)
        code, _, err = run(["check", config], capsys)
        assert code == 2, text
        assert line in err.splitlines(), (text, err)


def test_ticket_history_with_a_timestamp_beyond_any_calendar(tmp_path: Path, capsys) -> None:
    config = write_tiny(tmp_path)
    history = tmp_path / "tickets.csv"
    history.write_text("created_at,channel\n2026-11-02T10:00:00Z,chat\n99999999999999999999,chat\n")
    code, _, err = run(["forecast", history, "--config", config, "--out", tmp_path / "out"], capsys)
    assert (code, err) == (
        2,
        f"{history}:3: created_at: '99999999999999999999' is out of range (expected e.g. 2026-12-07T09:00:00+00:00)\n",
    )


def test_forecast_rows_outside_the_period_are_counted_and_ignored(tmp_path: Path, capsys) -> None:
    rows = [("2026-12-06T14:00:00Z", "chat", 9), ("2026-12-07T14:00:00Z", "chat", 1), ("2027-03-01T14:00:00Z", "chat", 9)]
    config = write_tiny(tmp_path, forecast=rows)
    code, out, err = run(["check", config], capsys)
    assert (code, err) == (0, "")
    assert "forecast: 2 row(s) outside the rota period ignored" in out.splitlines()
    assert "1 required agent-hours" in out  # only the row inside the period counts


def test_check_says_when_hourly_rows_are_spread_over_a_finer_grid(tmp_path: Path, capsys) -> None:
    rows = [("2026-12-07T14:00:00Z", "chat", 1), ("2026-12-07T15:00:00Z", "chat", 1)]
    config = write_tiny(tmp_path, TINY.replace("interval_minutes: 60", "interval_minutes: 30"), forecast=rows)
    code, out, err = run(["check", config], capsys)
    assert (code, err) == (0, "")
    assert "1 channel," in out and "2 required agent-hours" in out  # two hours of one chat each: one agent each half hour
    assert out.splitlines()[-1] == (
        "forecast: chat rows are 60 minutes apart, so each row's volume is spread over the 2 30-minute intervals it covers "
        "(set forecast.interval_minutes if its rows mean otherwise)"
    )


def test_check_says_when_rows_are_further_apart_than_an_hour(tmp_path: Path, capsys) -> None:
    rows = [("2026-12-07T14:00:00Z", "chat", 1), ("2026-12-07T16:00:00Z", "chat", 1)]
    code, out, _ = run(["check", write_tiny(tmp_path, forecast=rows)], capsys)
    assert code == 0 and "2 required agent-hours" in out  # each row one hour of contacts: 14:00 and 16:00, not 15:00
    assert out.splitlines()[-1] == (
        "forecast: chat rows are 120 minutes apart; each is read as 60 minutes of contacts "
        "(set forecast.interval_minutes: 120 if each row holds 120 minutes' contacts)"
    )


def test_roster_columns_rows_and_line_numbers(tmp_path: Path, capsys) -> None:
    config = write_tiny(tmp_path)
    roster = tmp_path / "rota.csv"
    expected = "(expected agent,site,channel,shift,date,start_local,end_local,start_utc,end_utc"
    cases = {
        "agent,date\na1,2026-12-07\n": f"{roster}:1: header: missing column(s) shift {expected})",
        "agent,shift,date,note\n": f"{roster}:1: header: unknown column(s) note {expected})",
        "agent,shift,date,\n": f"{roster}:1: header: unknown column(s) (empty) {expected})",
        "agent,shift,date,date\n": f"{roster}:1: header: repeated column(s) date {expected} once each)",
        "agent,shift,date\na1,day,2026-12-07,x\n": f"{roster}:2: row: more fields than the header has (3)",
        # blank lines and a quoted line break do not shift the line numbers
        'agent,shift,date\n\n"a1",day,2026-12-07\n\n"a\n1",day,2026-12-08\n': f"{roster}:6: agent: unknown agent 'a\\n1' (expected an id from agents in plan.yaml)",
        "agent,shift,date\na1,day,9999-12-31\n": (
            f"{roster}:2: date: 9999-12-31 is more than a year from the rota period (expected a date in or near 2026-12-07 to 2026-12-13)"
        ),
        "agent,shift,date,start_utc\na1,day,2026-12-07,0001-01-01T00:00:00+14:00\n": (
            f"{roster}:2: date: date or time out of range (expected one near the rota period)"
        ),
        "agent,shift,date\na1,day,"
        + "7" * 200_000
        + "\n": f"{roster}:2: row: not readable as CSV: field larger than field limit (131072)",
    }
    for text, line in cases.items():
        roster.write_text(text)
        code, _, err = run(["verify", config, roster], capsys)
        assert code == 2, text[:60]
        assert err.splitlines() == [line], (text[:60], err)


def test_roster_duplicates_and_shifts_outside_the_period_are_rule_violations(tmp_path: Path, capsys) -> None:
    config = write_tiny(tmp_path)
    roster = tmp_path / "rota.csv"
    roster.write_text("agent,shift,date\na1,day,2026-12-07\na1,day,2026-12-07\na1,day,2026-12-20\n")
    code, out, err = run(["verify", config, roster], capsys)
    assert code == 1
    assert out.splitlines() == [  # the duplicate (line 3) breaks two rules; 20 December is after the 7-day period
        f"{roster}:3: agent a1: has two shifts on 2026-12-07 ('day' and 'day'; at most one per day)",
        f"{roster}:3: agent a1: shift 'day' on 2026-12-07 starting 2026-12-07 09:00 America/New_York overlaps "
        "shift 'day' on 2026-12-07 ending 2026-12-07 17:00 America/New_York",
        f"{roster}:4: agent a1: shift 'day' on 2026-12-20 starts 2026-12-20 09:00 America/New_York, "
        "outside the rota period 2026-12-07 to 2026-12-13 (America/New_York)",
    ]
    assert err == f"{roster}: 3 violation(s)\n"


# --------------------------------------------------------------------------- paths


def test_files_named_by_a_config_resolve_relative_to_it(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_small(tmp_path / "team")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, _ = run(["check", Path("..") / "team" / "small.yaml"], capsys)
    assert code == 0 and "168 required agent-hours" in out
    (tmp_path / "team" / "volumes" / "forecast.csv").unlink()
    code, _, err = run(["check", config], capsys)
    assert (code, err) == (
        2,
        f"{config}:14: forecast.file: file 'volumes/forecast.csv' not found (expected a path relative to small.yaml)\n",
    )


# --------------------------------------------------------------------------- writing


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "roster.csv"
    target.write_text("the published rota\n")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(coverage.outputs.os, "fsync", disk_full)
    with pytest.raises(
        CoverageError, match=r"roster.csv: cannot write \(No space left on device\); the previous file, if any, is unchanged"
    ):
        write_bytes_atomic(target, b"half a new ro")
    assert target.read_text() == "the published rota\n"
    assert [p.name for p in tmp_path.iterdir()] == ["roster.csv"]


def test_ctrl_c_inside_an_atomic_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "coverage.csv"
    target.write_text("old\n")

    def interrupted(source: str, destination: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(coverage.outputs.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_bytes_atomic(target, b"new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["coverage.csv"]


def test_written_files_are_readable_like_any_other_file(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        write_bytes_atomic(tmp_path / "new.csv", b"x\n")
    finally:
        os.umask(mask)
    assert (tmp_path / "new.csv").stat().st_mode & 0o777 == 0o644  # not mkstemp's 0o600: rosters are shared


def test_a_set_of_outputs_is_replaced_whole_or_not_at_all(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "roster.csv").write_text("old roster\n")
    (out / "coverage.csv").write_text("old coverage\n")
    with pytest.raises(KeyboardInterrupt):
        with staged_outputs(out) as staging:
            write_bytes_atomic(staging / "roster.csv", b"new roster\n")
            write_bytes_atomic(staging / "coverage.csv", b"new coverage\n")
            raise KeyboardInterrupt  # before the plots
    assert files_under(out) == {"coverage.csv": b"old coverage\n", "roster.csv": b"old roster\n"}

    with pytest.raises(RuntimeError):
        with staged_outputs(out) as staging:
            write_bytes_atomic(staging / "coverage.csv", b"new coverage\n")
            raise RuntimeError("a bug while drawing")
    assert (out / "coverage.csv").read_text() == "old coverage\n"

    with staged_outputs(out) as staging:
        write_bytes_atomic(staging / "roster.csv", b"new roster\n")
        write_bytes_atomic(staging / "calendars" / "a1.ics", b"BEGIN:VCALENDAR\n")
    assert files_under(out) == {
        "calendars/a1.ics": b"BEGIN:VCALENDAR\n",
        "coverage.csv": b"old coverage\n",
        "roster.csv": b"new roster\n",
    }


def test_ctrl_c_while_files_move_into_place_waits_until_all_have_moved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    real_replace = os.replace
    moved: list[str] = []

    def replace_then_ctrl_c(source, destination) -> None:
        real_replace(source, destination)
        moved.append(Path(destination).name)
        if len(moved) == 1:
            os.kill(os.getpid(), signal.SIGINT)  # the user presses Ctrl-C after the first rename

    with pytest.raises(KeyboardInterrupt):
        with staged_outputs(out) as staging:
            for name in ("a.csv", "b.csv", "c.csv"):
                (staging / name).write_text(name)
            monkeypatch.setattr(coverage.outputs.os, "replace", replace_then_ctrl_c)
    assert moved == ["a.csv", "b.csv", "c.csv"]  # Ctrl-C arrives once the whole set has moved
    assert sorted(p.name for p in out.iterdir()) == ["a.csv", "b.csv", "c.csv"]


def test_sigint_deferred_delivers_ctrl_c_after_the_block() -> None:
    steps = []
    with pytest.raises(KeyboardInterrupt):
        with sigint_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            steps.append("finished the block")
    assert steps == ["finished the block"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_leftovers_of_a_killed_run_are_cleaned_but_fresh_ones_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    old_stage, fresh_stage = out / ".covplan-staging-old", out / ".covplan-staging-fresh"
    old_temp, mine = out / ".roster.csv.covplan-abc.tmp", out / ".my-notes.tmp"
    for folder in (old_stage, fresh_stage):
        folder.mkdir()
        (folder / "roster.csv").write_text("x")
    for file in (old_temp, mine):
        file.write_text("x")
    hour_ago = time.time() - 3600
    for path in (old_stage, old_temp, mine):
        os.utime(path, (hour_ago, hour_ago))
    assert sorted(p.name for p in remove_leftovers(out)) == [".covplan-staging-old", ".roster.csv.covplan-abc.tmp"]
    assert sorted(p.name for p in out.iterdir()) == [".covplan-staging-fresh", ".my-notes.tmp"]


def test_out_must_be_a_directory_and_a_published_roster_needs_force(tmp_path: Path, capsys) -> None:
    config = write_small(tmp_path)
    afile = tmp_path / "notes.txt"
    afile.write_text("x")
    assert run(["plan", config, "--out", afile, "--quiet"], capsys)[::2] == (
        2,
        f"{afile}: exists and is not a directory (expected a directory for the outputs)\n",
    )
    code, _, err = run(["plan", config, "--out", afile / "sub", "--quiet"], capsys)
    assert (code, err) == (2, f"covplan: {afile / 'sub'}: Not a directory\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "roster.csv").write_text("somebody's plan\n")
    code, _, err = run(["plan", config, "--out", out, "--quiet"], capsys)
    assert code == 2 and "--force" in err
    assert (out / "roster.csv").read_text() == "somebody's plan\n"


# --------------------------------------------------------------------------- whole runs


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, dict[str, bytes]]]:
    """One deterministic plan of the small team: (config, out, every file under the work folder before)."""
    work = tmp_path_factory.mktemp("baseline")
    config = write_small(work / "team")
    before = files_under(work)
    out = work / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1796083200")  # what calendars and workbooks say they were written at
        assert main(["plan", str(config), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    yield config, out, before


def test_plan_writes_only_inside_out_and_leaves_no_temporary_files(baseline) -> None:
    config, out, before = baseline
    work = out.parent
    outside = {name: data for name, data in files_under(work).items() if not name.startswith("out/")}
    assert outside == before
    names = files_under(out)
    assert {"roster.csv", "coverage.csv", "gaps.csv", "summary.json", "gaps-America_New_York.png"} <= set(names)
    assert not [name for name in names if name.startswith(".") or "/." in name]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_same_config_seed_and_one_worker_give_byte_identical_outputs(baseline, tmp_path: Path, monkeypatch) -> None:
    config, first, _ = baseline
    second = tmp_path / "again"
    # Calendars (DTSTAMP) and workbooks (created/modified, zip times) say when they were written:
    # SOURCE_DATE_EPOCH, the reproducible-builds convention, fixes that moment.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")
    assert main(["plan", str(config), "--out", str(second), "--workers", "1", "--quiet"]) == 0
    a, b = files_under(first), files_under(second)
    assert set(a) == set(b)
    different = sorted(name for name in a if a[name] != b[name] and name != "summary.json")
    assert different == []  # every file byte for byte, pictures, workbook and calendars included
    assert {
        "roster.csv",
        "coverage.csv",
        "gaps.csv",
        "gaps-America_New_York.png",
        "gaps-America_New_York.svg",
        "roster.xlsx",
    } <= set(a)
    assert any(name.endswith(".ics") for name in a)
    one, two = json.loads(a["summary.json"]), json.loads(b["summary.json"])
    assert one.pop("wall_seconds") is not None and two.pop("wall_seconds") is not None
    assert one == two
    assert len(a["roster.csv"].splitlines()) == 1 + 15  # 3 agents × 5 days


def test_ctrl_c_while_writing_the_report_keeps_the_new_roster_and_the_previous_report(
    baseline, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, published, _ = baseline
    out = tmp_path / "out"
    shutil.copytree(published, out)
    (out / "roster.csv").write_text("agent,shift,date\nann,early,2026-12-07\n")  # an older, different rota
    before = files_under(out)
    real_write = coverage.outputs.write_bytes_atomic
    calls: list[Path] = []

    def ctrl_c_on_the_third_file(path: Path, data: bytes) -> Path:
        calls.append(Path(path))
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_write(path, data)

    monkeypatch.setattr(coverage.outputs, "write_bytes_atomic", ctrl_c_on_the_third_file)
    code, _, err = run(["plan", config, "--out", out, "--workers", "1", "--quiet", "--force"], capsys)
    assert code == 130
    assert calls[0] == out / "roster.csv"  # the roster first, on its own
    assert err.splitlines()[-1] == (
        f"covplan: interrupted while writing the report. The roster is published as {out / 'roster.csv'} (every hard rule "
        f"verified); other files in {out} are from an earlier run, if any. `covplan gaps {config} {out / 'roster.csv'} "
        f"--out {out}` writes its report"
    )
    after = files_under(out)
    assert after.pop("roster.csv") == (published / "roster.csv").read_bytes()  # the best roster, complete
    before.pop("roster.csv")
    assert after == before  # the report files: the previous set, whole
    assert main(["verify", str(config), str(out / "roster.csv")]) == 0


LATER_STEPS = {  # where a failure is injected after the search -> the step the message names
    "coverage.solve.gaps_why.explain_gaps": "explaining the gaps",
    "coverage.report.coverage_of": "writing the report",
    "coverage.report.write_plots": "writing the report",
    "coverage.report.write_roster_xlsx": "writing the report",
    "coverage.report.write_calendars": "writing the report",
    "coverage.htmlreport.write_html": "writing the report",
    "coverage.report.print_summary": "printing the summary",
    "coverage.roster.write_changes": "comparing with the kept roster",
}


@pytest.mark.parametrize("target", list(LATER_STEPS))
def test_a_failure_after_the_search_keeps_the_roster(
    baseline, target: str, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, published, _ = baseline
    out = tmp_path / "out"

    def broken(*args: object, **kwargs: object) -> object:
        raise ZeroDivisionError("injected")

    monkeypatch.setattr(target, broken)
    keep = ["--keep", str(published / "roster.csv")] if "write_changes" in target else []
    code, _, err = run(["plan", config, "--out", out, "--workers", "1", "--quiet", *keep], capsys)
    assert code == 3
    assert err.splitlines()[-1].startswith(
        f"covplan: {LATER_STEPS[target]} failed (internal error ZeroDivisionError: injected; this is a bug, please report it). "
        f"The roster is published as {out / 'roster.csv'} (every hard rule verified)"
    )
    assert (out / "roster.csv").read_bytes() == (published / "roster.csv").read_bytes()
    assert main(["verify", str(config), str(out / "roster.csv")]) == 0
    assert "Traceback" not in err


def test_a_full_disk_while_writing_the_report_keeps_the_roster(
    baseline, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, published, _ = baseline
    out = tmp_path / "out"
    real_write = coverage.outputs.write_bytes_atomic

    def full_after_the_roster(path: Path, data: bytes) -> Path:
        if Path(path).name != "roster.csv":
            raise CoverageError(f"{path}: cannot write (No space left on device); the previous file, if any, is unchanged")
        return real_write(path, data)

    monkeypatch.setattr(coverage.outputs, "write_bytes_atomic", full_after_the_roster)
    code, _, err = run(["plan", config, "--out", out, "--workers", "1", "--quiet"], capsys)
    assert code == 2
    assert "writing the report failed: " in err and "No space left on device" in err
    assert f"The roster is published as {out / 'roster.csv'}" in err
    assert (out / "roster.csv").read_bytes() == (published / "roster.csv").read_bytes()


def test_a_roster_the_checker_rejects_is_never_published(
    baseline, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A defect of ours, simulated: the checker finds a violation in what the search returned."""
    import coverage.check
    from coverage.check import Violation

    config, _, _ = baseline
    out = tmp_path / "out"
    monkeypatch.setattr(
        coverage.check,
        "check_roster",
        lambda roster, config: [Violation("max_consecutive_days", "ann", None, "ann: works 7 consecutive days (maximum 6)")],
    )
    code, _, err = run(["plan", config, "--out", out, "--workers", "1", "--quiet"], capsys)
    assert code == 3
    assert err.splitlines()[-2] == "roster.csv: agent ann: works 7 consecutive days (maximum 6)"
    assert err.splitlines()[-1].startswith(
        "covplan: the roster found breaks 1 hard rule(s) (above), so it is not published; "
        f"it is kept as {out / 'roster.rejected.csv'}"
    )
    assert not (out / "roster.csv").exists() and (out / "roster.rejected.csv").is_file()


def test_an_unexpected_error_is_one_line_and_exit_3(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_tiny(tmp_path)

    def broken(config: object) -> object:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("coverage.demand.requirements", broken)
    code, out, err = run(["check", config], capsys)
    assert (code, out) == (3, "")
    assert err == (
        "covplan: internal error (ZeroDivisionError: division by zero); this is a bug, please report it with the command "
        "and the files (COVPLAN_DEBUG=1 shows the traceback)\n"
    )
    monkeypatch.setenv("COVPLAN_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["check", str(config)])


@pytest.mark.slow
def test_ctrl_c_during_the_search_keeps_the_best_roster_found(tmp_path: Path) -> None:
    """A real Ctrl-C: the search stops, the best roster so far and its complete report are written."""
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "coverage",
        "plan",
        str(ROOT / "configs" / "example.yaml"),
        "--out",
        str(out),
        "--time-limit",
        "120",
        "--workers",
        "2",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    for line in process.stderr:
        if re.search(r"objective\s+[\d,]+", line):  # a roster exists
            break
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert {"roster.csv", "coverage.csv", "gaps.csv", "summary.json"} <= {p.name for p in out.iterdir()}
    assert json.loads((out / "summary.json").read_text())["status"] in ("FEASIBLE", "OPTIMAL")
    assert (
        subprocess.run(
            [sys.executable, "-m", "coverage", "verify", str(ROOT / "configs" / "example.yaml"), str(out / "roster.csv")],
            capture_output=True,
        ).returncode
        == 0
    )


def test_a_csv_saved_with_semicolons_is_one_line_that_says_so(tmp_path: Path, capsys) -> None:
    """Excel in many locales saves "CSV" with ';' between columns: the whole header is then one cell. Saying
    "missing column(s) start, channel, volume" (and, for a forecast, that it looks like one row per ticket)
    sends the manager looking for columns that are there; the one thing to fix is the separator."""
    config = write_tiny(tmp_path)
    forecast = tmp_path / "forecast.csv"
    forecast.write_text("start;channel;volume\r\n2026-12-07T14:00:00Z;chat;1\r\n")
    code, _, err = run(["check", config], capsys)
    assert (code, err.splitlines()) == (
        2,
        [
            f"{forecast}:1: header: columns separated by ';' (expected commas: start,channel,volume; save as CSV UTF-8, comma-delimited)"
        ],
    )
    forecast.write_text("start,channel,volume\n")
    roster = tmp_path / "rota.csv"
    roster.write_text("agent;shift;date\na1;day;2026-12-07\n")
    code, _, err = run(["verify", config, roster], capsys)
    assert (code, err.splitlines()) == (
        2,
        [
            f"{roster}:1: header: columns separated by ';' (expected commas: "
            "agent,site,channel,shift,date,start_local,end_local,start_utc,end_utc; save as CSV UTF-8, comma-delimited)"
        ],
    )
    availability = tmp_path / "availability.csv"
    availability.write_text("agent;day;from;to;level\na1;Mon;;;unavailable\n")
    config.write_text(config.read_text() + "availability_file: availability.csv\n")
    code, _, err = run(["check", config], capsys)
    assert (code, err.splitlines()) == (
        2,
        [
            f"{availability}:1: header: columns separated by ';' (expected commas: agent,day,from,to,level; save as CSV UTF-8, comma-delimited)"
        ],
    )


def test_check_reads_the_history_roster_plan_would_read(tmp_path: Path, capsys) -> None:
    """`check` validates every file the config names: a `history:` roster with a shift on an unknown template
    passed `check` (exit 0, "ok") and then stopped `plan` (exit 2). The same line now comes from `check`."""
    config = write_tiny(tmp_path, TINY + "history: previous.csv\n")
    previous = tmp_path / "previous.csv"
    previous.write_text("agent,shift,date\na1,night,2026-12-06\n")
    code, out, err = run(["check", config], capsys)
    assert (code, out) == (2, "")
    assert err.splitlines() == [f"{previous}:2: shift: site nyc has no shift 'night' (expected one of: day)"]
    previous.write_text("agent,shift,date\na1,day,2026-12-06\n")
    assert run(["check", config], capsys)[0] == 0


def test_the_outputs_never_replace_a_file_the_config_reads(tmp_path: Path, capsys) -> None:
    """A manager keeps the forecast as coverage.csv beside team.yaml and plans with `--out .`: the plan's own
    coverage.csv replaced it, silently, and the next `check` failed on the plan's columns. Refused before any search
    (exit 2, one line, the file untouched); `demand` writes requirements.csv, so a forecast of that name is refused too."""
    config = write_tiny(tmp_path, TINY.replace("file: forecast.csv", "file: coverage.csv"))
    (tmp_path / "forecast.csv").rename(tmp_path / "coverage.csv")
    before = (tmp_path / "coverage.csv").read_bytes()
    code, out, err = run(["plan", config, "--out", tmp_path, "--time-limit", "5"], capsys)
    assert (code, err.splitlines()) == (
        2,
        [
            f"{tmp_path / 'coverage.csv'}: the config reads this file, and the outputs written to {tmp_path} would replace it (rename it, or choose another --out directory)"
        ],
    )
    assert (tmp_path / "coverage.csv").read_bytes() == before and not (tmp_path / "roster.csv").exists()
    (tmp_path / "coverage.csv").rename(tmp_path / "requirements.csv")
    config.write_text(config.read_text().replace("file: coverage.csv", "file: requirements.csv"))
    assert run(["demand", config, "--out", tmp_path], capsys)[0] == 2
    assert run(["demand", config, "--out", tmp_path / "elsewhere"], capsys)[0] == 0


def test_forecast_never_replaces_the_forecast_the_config_reads(tmp_path: Path, capsys) -> None:
    """`covplan forecast export.csv --config plan.yaml --out .` beside the config's own forecast.csv wrote its backtest
    (channel,method,used,…) over it, and the next `check` failed on those columns. Refused before writing (exit 2, one
    line, nothing written); refreshing the profile the config already reads, in its own folder, stays allowed."""
    config = write_tiny(tmp_path, forecast=[("2026-12-07T14:00:00", "chat", 2.0)])
    before = (tmp_path / "forecast.csv").read_bytes()
    export = tmp_path / "tickets.csv"
    start = datetime(2026, 11, 9)  # three whole weeks of one chat an hour, New York's clock (forecast.timezone: UTC)
    export.write_text(
        "created_at,channel\n" + "".join(f"{start + timedelta(hours=h):%Y-%m-%d %H:%M},chat\n" for h in range(21 * 24))
    )
    argv = ["forecast", export, "--config", config, "--out", tmp_path, "--weeks", "1", "--holdout", "1"]
    code, _, err = run(argv, capsys)
    assert (code, err.splitlines()) == (
        2,
        [
            f"{tmp_path / 'forecast.csv'}: the config reads this file, and the outputs written to {tmp_path} would replace it "
            "(rename it, or choose another --out directory)"
        ],
    )
    assert (tmp_path / "forecast.csv").read_bytes() == before and not (tmp_path / "profile.csv").exists()
    assert run([*argv[:5], tmp_path / "fc", *argv[6:]], capsys)[0] == 0
    config.write_text(
        config.read_text().replace("  file: forecast.csv\n", "  profile: fc/profile.csv\n  weekly_volume: {chat: 168}\n")
    )
    assert run([*argv[:5], tmp_path / "fc", *argv[6:]], capsys)[0] == 0  # a new profile for the config that reads it
