"""Configuration: what managers write, and what they see when they get it wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import TINY, write_forecast

from coverage.cli import main
from coverage.config import load_config
from coverage.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


def run_check(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    config = tmp_path / "team.yaml"
    config.write_text(text, encoding="utf-8")
    if not (tmp_path / "forecast.csv").exists():
        write_forecast(tmp_path / "forecast.csv", [])
    code = main(["check", str(config)])
    err = capsys.readouterr().err
    return code, [line for line in err.splitlines() if line.strip()]


# (mutation of TINY, expected line, expected path, words in the message)
BAD_CONFIGS = [
    pytest.param(
        ("America/New_York\n  interval", "America/Nowhere\n  interval"),
        4,
        "plan.timezone",
        "unknown time zone",
        id="bad-timezone",
    ),
    pytest.param(
        ("America/New_York\n  interval", "America\n  interval"), 4, "plan.timezone", "unknown time zone", id="timezone-folder"
    ),
    pytest.param(("kind: realtime", "kind: live"), 14, "channels.chat.kind", "unknown channel kind", id="bad-channel-kind"),
    pytest.param(('"09:00"', '"9am"'), 24, "sites.nyc.shifts.day.start", "not a time of day", id="bad-clock"),
    pytest.param(
        ("max_days_per_week: 5}", "max_days_per_week: 5, overtime: yes}"),
        26,
        "contracts.full_time.overtime",
        "unknown key",
        id="unknown-key",
    ),
    pytest.param(("site: nyc, contract", "site: nyk, contract"), 31, "agents[0].site", "unknown site 'nyk'", id="unknown-site"),
    pytest.param(
        ("contract: full_time, skills", "contract: fulltime, skills"),
        31,
        "agents[0].contract",
        "unknown contract",
        id="unknown-contract",
    ),
    pytest.param(
        ("skills: [chat]}", "skills: [chat, phone]}"), 31, "agents[0].skills[1]", "unknown channel 'phone'", id="unknown-skill"
    ),
    pytest.param(
        ("skills: [chat]}", "skills: [chat], shifts: [night]}"),
        31,
        "agents[0].shifts[0]",
        "has no shift 'night'",
        id="unknown-shift",
    ),
    pytest.param(("days: 7", "days: seven"), 3, "plan.days", "valid integer", id="not-a-number"),
    pytest.param(("interval_minutes: 60", "interval_minutes: 45"), 5, "plan.interval_minutes", "60, 30 or 15", id="bad-interval"),
    pytest.param(("shrinkage: 0.0", "shrinkage: 1.5"), 11, "shrinkage", "less than 1", id="shrinkage-out-of-range"),
    pytest.param(
        ("{min: 0, max: 40}", "{min: 45, max: 40}"),
        26,
        "contracts.full_time.hours_per_week",
        "min (45.0) is above max",
        id="min-above-max",
    ),
    pytest.param(("file: forecast.csv", "file: missing.csv"), 18, "forecast.file", "not found", id="missing-forecast"),
    pytest.param(
        ("    shifts:\n", "    holidays: XX\n    shifts:\n"),
        23,
        "sites.nyc.holidays",
        "unknown holiday country",
        id="bad-holidays",
    ),
    pytest.param(
        ("hours: 8}", "hours: 8, unpaid_break_minutes: 600}"),
        24,
        "sites.nyc.shifts.day",
        "shorter than the shift",
        id="break-too-long",
    ),
    pytest.param(
        ("  - {id: a1", "  - {id: a1, site: nyc, contract: full_time, skills: [chat]}\n  - {id: a1"),
        32,
        "agents[1].id",
        "duplicate agent id",
        id="duplicate-agent",
    ),
    pytest.param(("weekend: [Sat, Sun]", "weekend: [Saturday]"), 10, "weekend[0]", "'Mon'", id="bad-weekday"),
]


@pytest.mark.parametrize("mutation, line, where, words", BAD_CONFIGS)
def test_each_bad_config_gives_one_located_line_and_exit_2(tmp_path, capsys, mutation, line, where, words) -> None:
    old, new = mutation
    assert old in TINY
    code, lines = run_check(tmp_path, TINY.replace(old, new, 1), capsys)
    assert code == 2
    assert not any("Traceback" in text for text in lines)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{tmp_path / 'team.yaml'}:{line}: {where}: "), lines[0]
    assert words in lines[0]


def test_all_problems_are_listed_not_just_the_first(tmp_path, capsys) -> None:
    text = TINY.replace("kind: realtime", "kind: live").replace("site: nyc, contract", "site: nyk, contract")
    text = text.replace("days: 7", "days: 0")
    code, lines = run_check(tmp_path, text, capsys)
    assert code == 2
    assert [line.split(": ")[1] for line in lines] == ["plan.days", "channels.chat.kind", "agents[0].site"]


def test_yaml_syntax_error_names_the_line(tmp_path, capsys) -> None:
    code, lines = run_check(tmp_path, TINY.replace("  days: 7\n", "  days: [7\n"), capsys)
    assert code == 2 and len(lines) == 1
    assert lines[0].startswith(f"{tmp_path / 'team.yaml'}:") and "not valid YAML" in lines[0]


def test_missing_section_and_unknown_section(tmp_path, capsys) -> None:
    text = TINY.replace("rules:", "rulez:").split("agents:")[0]
    code, lines = run_check(tmp_path, text, capsys)
    assert code == 2
    assert any(": rulez: unknown section" in line for line in lines)
    assert any(": agents: required section is missing" in line for line in lines)


def test_not_utf8_and_missing_file(tmp_path, capsys) -> None:
    config = tmp_path / "latin1.yaml"
    config.write_bytes(TINY.replace("a1", "zoë").encode("latin-1"))
    assert main(["check", str(config)]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    assert main(["check", str(tmp_path / "nope.yaml")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_unquoted_clock_times_are_read_as_times(make_config) -> None:
    config = make_config(TINY.replace('"09:00"', "09:00").replace('{start: "22:00", end: "06:00"}', "{start: 22:00, end: 6:00}"))
    assert config.sites["nyc"].shifts["day"].start == "09:00"
    assert config.overnight.end == "06:00"


def test_rules_are_overridden_by_contract_then_agent(make_config) -> None:
    text = TINY.replace("max_days_per_week: 5}", "max_days_per_week: 5, max_consecutive_days: 4}")
    text = text.replace("skills: [chat]}", "skills: [chat], min_rest_hours: 12, max_consecutive_days: 3}")
    config = make_config(text)
    rules = config.rules_for(config.agents[0])
    assert (rules.min_rest_hours, rules.max_consecutive_days, rules.max_days_per_week) == (12, 3, 5)
    assert rules.hours_per_week.max == 40


def test_leave_ranges_are_inclusive(make_config) -> None:
    config = make_config(
        TINY.replace("skills: [chat]}", "skills: [chat], leave: [2026-12-01, {from: 2026-12-09, to: 2026-12-11}]}")
    )
    assert len(config.agents[0].leave_days()) == 4


@pytest.mark.parametrize("name", ["example.yaml", "nine-to-five.yaml", "dst-crossing.yaml"])
def test_shipped_configs_load(name: str) -> None:
    config = load_config(ROOT / "configs" / name)
    assert config.agents


def test_example_holidays_come_from_the_holidays_package() -> None:
    config = load_config(ROOT / "configs" / "example.yaml")
    assert {d.isoformat() for d in config.holidays_at("toronto")} >= {"2026-12-25", "2026-12-26"}
    assert "2026-12-08" in {d.isoformat() for d in config.holidays_at("manila")}  # Immaculate Conception


def test_input_error_lists_problems() -> None:
    with pytest.raises(InputError) as caught:
        load_config(Path("/nonexistent/plan.yaml"))
    assert "file not found" in str(caught.value)


# --------------------------------------------------------------------------- values YAML converts
#
# YAML turns text into dates, numbers, booleans and nothing before the schema sees it, and some
# conversions fail inside PyYAML itself (ValueError, OverflowError, KeyError, AttributeError,
# IndexError, UnicodeEncodeError, ConstructorError). Each must reach the manager as one located
# line, `FILE:LINE: path: what (expected ...)`, with exit 2.

SEXAGESIMAL_OVERFLOW = "1" + ":00" * 200 + ".5"  # base-60 float: 60**200 does not fit a float (OverflowError)

# (old text in TINY, new text, the line after "FILE:")
YAML_VALUES = [
    pytest.param(
        "start: 2026-12-07",
        "start: 2026-02-30",
        "2: plan.start: '2026-02-30' is not a date: February 2026 has 28 days (expected a real date, YYYY-MM-DD; put text in quotes)",
        id="date-day-past-month",
    ),
    pytest.param(
        "start: 2026-12-07",
        "start: 2026-13-01",
        "2: plan.start: '2026-13-01' is not a date: there is no month 13 (expected a real date, YYYY-MM-DD; put text in quotes)",
        id="date-month-13",
    ),
    pytest.param(
        "start: 2026-12-07",
        "start: 0000-01-01",
        "2: plan.start: '0000-01-01' is not a date: year 0 does not exist in the calendar (expected a real date, YYYY-MM-DD; put text in quotes)",
        id="date-year-0",
    ),
    pytest.param(
        "start: 2026-12-07",
        "start: 2026-12-07T25:00:00",
        "2: plan.start: '2026-12-07T25:00:00' is not a date: hour 25 is past 23 "
        "(expected a real date and time, YYYY-MM-DD HH:MM:SS+HH:MM; put text in quotes)",
        id="timestamp-hour-25",
    ),
    pytest.param(
        "start: 2026-12-07",
        "start: 2026-12-07 10:00:00 +25:00",
        "2: plan.start: '2026-12-07 10:00:00 +25:00' is not a date: offset +25:00 is a day or more "
        "(expected a real date and time, YYYY-MM-DD HH:MM:SS+HH:MM; put text in quotes)",
        id="timestamp-offset-25h",
    ),
    pytest.param(
        "skills: [chat]}",
        "skills: [chat], leave: [2026-12-41]}",
        "31: agents[0].leave[0]: '2026-12-41' is not a date: December 2026 has 31 days (expected a real date, YYYY-MM-DD; put text in quotes)",
        id="date-in-a-flow-list",
    ),
    pytest.param(
        "start: 2026-12-07",
        "start: 9999-12-28",
        "2: plan.start: 9999-12-28 is outside the years a plan can use (expected a date from 1900-01-01 to 2199-12-31)",
        id="date-near-the-end-of-the-calendar",
    ),
    pytest.param(
        "days: 7",
        "days: 0x_",
        "3: plan.days: '0x_' is not an integer (expected digits such as 42, 0x2A or 1_000; put text in quotes)",
        id="hex-without-digits",
    ),
    pytest.param(
        "days: 7",
        f"days: {SEXAGESIMAL_OVERFLOW}",
        "3: plan.days: '1:00:00:00:00:00:00:00:00:00:00:00:00...' is not a number (expected e.g. 1.5, 1.0e+3 or .inf; put text in quotes)",
        id="base-60-float-overflow",
    ),
    pytest.param(
        "days: 7",
        "days: !!int abc",
        "3: plan.days: 'abc' is not an integer (expected digits such as 42, 0x2A or 1_000; put text in quotes)",
        id="tag-int-on-text",
    ),
    pytest.param(
        "days: 7",
        "days: !!int ''",
        "3: plan.days: '' is not an integer (expected digits such as 42, 0x2A or 1_000; put text in quotes)",
        id="tag-int-on-nothing",
    ),
    pytest.param(
        "days: 7",
        "days: !!float ''",
        "3: plan.days: '' is not a number (expected e.g. 1.5, 1.0e+3 or .inf; put text in quotes)",
        id="tag-float-on-nothing",
    ),
    pytest.param(
        "days: 7",
        "days: !!bool maybe",
        "3: plan.days: 'maybe' is not a boolean (expected true or false; put text in quotes)",
        id="tag-bool-on-text",
    ),
    pytest.param(
        "days: 7",
        "days: !!timestamp soon",
        "3: plan.days: 'soon' is not a date: not in the form YYYY-MM-DD (expected a real date, YYYY-MM-DD; put text in quotes)",
        id="tag-timestamp-on-text",
    ),
    pytest.param(
        "days: 7",
        "days: !!binary ü",
        "3: plan.days: !!binary data is not a config value (expected text, a number or a date)",
        id="binary-not-ascii",
    ),
    pytest.param(
        "days: 7",
        "days: !!binary Nw==",
        "3: plan.days: !!binary data is not a config value (expected text, a number or a date)",
        id="binary",
    ),
    pytest.param(
        "weekend: [Sat, Sun]",
        "weekend: !!set {Sat, Sun}",
        "10: weekend: a !!set has no order, and the plan's outputs follow the config's order (expected a list: [a, b])",
        id="set",
    ),
    pytest.param(
        "shrinkage: 0.0",
        "shrinkage: !!omap [default: 0.1]",
        "11: shrinkage: Input should be a valid dictionary (got a list of pairs (!!omap or !!pairs); expected a mapping of keys and values)",
        id="omap-for-a-mapping",
    ),
    pytest.param(
        "days: 7",
        "days: !!omap {a: 1}",
        "3: plan.days: !!omap is a list of one-key mappings, not a mapping (expected e.g. !!omap [a: 1, b: 2])",
        id="omap-on-a-mapping",
    ),
    pytest.param(
        "days: 7",
        "days: !!pairs [1, 2]",
        "3: plan.days: each item of !!pairs is a one-key mapping, not a single value (expected e.g. !!pairs [a: 1, b: 2])",
        id="pairs-of-scalars",
    ),
    pytest.param(
        "days: 7", "days: !shift 7", "3: plan.days: unknown tag !shift (expected a value without a tag)", id="unknown-tag"
    ),
    pytest.param(
        "days: 7",
        "days: !!python/object:os.system 7",
        "3: plan.days: unknown tag !!python/object:os.system (expected a value without a tag)",
        id="python-tag",
    ),
    pytest.param(
        "days: 7",
        "days: !!map [1]",
        "3: plan.days: !!map cannot tag a list (expected a mapping after !!map)",
        id="tag-map-on-a-list",
    ),
    pytest.param(
        "kind: realtime",
        "kind: !!merge realtime",
        "14: channels.chat.kind: unknown tag !!merge (expected a value without a tag)",
        id="tag-merge-on-a-value",
    ),
    pytest.param(
        "plan:\n",
        "plan: !!str\n",
        "1: plan: !!str cannot tag a mapping (expected a single value after !!str)",
        id="tag-str-on-a-mapping",
    ),
    pytest.param(
        "days: 7",
        "days: 7\n  <<: 5",
        "4: plan: << merges a mapping or a list of mappings, not a single value (expected e.g. <<: *defaults)",
        id="merge-a-number",
    ),
    pytest.param(
        "days: 7",
        "days: 7\n  [a, b]: 1",
        "4: plan: a list or mapping as a key (expected text, a number or a date before the colon)",
        id="list-as-key",
    ),
    pytest.param(
        "days: 7",
        "days: 7\n  2026-02-30: 1",
        "4: plan.2026-02-30: '2026-02-30' is not a date: February 2026 has 28 days (expected a real date, YYYY-MM-DD; put text in quotes)",
        id="bad-date-as-key",
    ),
    pytest.param(
        "days: 7",
        "days: ~",
        "3: plan.days: Input should be a valid integer (got '~', which YAML reads as no value; expected a whole number)",
        id="tilde",
    ),
    pytest.param(
        "days: 7",
        "days: null",
        "3: plan.days: Input should be a valid integer (got 'null', which YAML reads as no value; expected a whole number)",
        id="null",
    ),
    pytest.param(
        "days: 7", "days:", "3: plan.days: Input should be a valid integer (got no value; expected a whole number)", id="empty"
    ),
    pytest.param(
        "rules:\n  min_rest_hours: 11\n  max_consecutive_days: 6\n",
        "rules:\n",
        "27: rules: Input should be a valid dictionary (got no value; expected a mapping of keys and values)",
        id="empty-section",
    ),
    pytest.param(
        "{id: a1,",
        "{id: 007,",
        "31: agents[0].id: Input should be a valid string (got 007, which YAML reads as the number 7; expected text: put it in quotes, '007')",
        id="number-for-text",
    ),
    pytest.param(
        "    shifts:",
        "    holidays: 2026-12-07\n    shifts:",
        "23: sites.nyc.holidays: Input should be a valid string (got 2026-12-07, which YAML reads as a date; "
        "expected text: put it in quotes, '2026-12-07')",
        id="date-for-text",
    ),
    pytest.param(
        "start: 2026-12-07",
        "start: 2026-12-07T10:00:00",
        "2: plan.start: Datetimes provided to dates should have zero time - e.g. be exact dates "
        "(got 2026-12-07T10:00:00, which YAML reads as a date and time; expected a date without a time of day)",
        id="timestamp-for-date",
    ),
    pytest.param(
        "skills: [chat]}",
        "skills: [chat], leave: [~]}",
        "31: agents[0].leave[0]: Input should be a valid date (got '~', which YAML reads as no value; expected a date such as 2026-12-07)",
        id="nothing-for-a-leave-day",
    ),
    pytest.param(
        "  nyc:",
        "  2026-12-07:",
        "21: sites.2026-12-07: key 2026-12-07 is read by YAML as a date (expected a name: put it in quotes, '2026-12-07')",
        id="date-as-a-name",
    ),
    pytest.param(
        "  nyc:",
        "  ~:",
        "21: sites.~: key ~ is read by YAML as no value (expected a name: put it in quotes, '~')",
        id="nothing-as-a-name",
    ),
    pytest.param(
        "day: {start",
        "1: {start",
        "24: sites.nyc.shifts.1: key 1 is read by YAML as a number (expected a name: put it in quotes, '1')",
        id="number-as-a-name",
    ),
    pytest.param(
        "  full_time:",
        '  "full time":',
        "26: contracts.full time: 'full time' is not a name (expected letters, digits, '_', '.' and '-', without spaces)",
        id="name-with-a-space",
    ),
    *(
        pytest.param(
            "{id: a1,",
            f'{{id: "{dots}",',
            f"31: agents[0].id: {dots!r} is made of dots only, which a file named by it (calendars/AGENT.ics) reads as "
            "a folder or a hidden file (expected a name with a letter, digit, '_' or '-')",
            id=f"{len(dots)}-dots-as-an-agent-id",
        )
        for dots in (".", "..", "...")
    ),
    pytest.param(
        "  nyc:",
        '  "..":',
        "21: sites...: '..' is made of dots only, which a file named by it (calendars/AGENT.ics) reads as "
        "a folder or a hidden file (expected a name with a letter, digit, '_' or '-')",
        id="dots-as-a-site",
    ),
    pytest.param(
        "days: 7",
        "days: 1.0e3",  # YAML 1.1 needs the exponent's sign: 1.0e+3 is a number, 1.0e3 text
        "3: plan.days: Input should be a valid integer, unable to parse string as an integer (got '1.0e3'; expected a whole number)",
        id="exponent-without-sign",
    ),
]


@pytest.mark.parametrize("old, new, expected", YAML_VALUES)
def test_each_yaml_value_gives_one_located_line_and_exit_2(tmp_path, capsys, old, new, expected) -> None:
    assert old in TINY
    code, lines = run_check(tmp_path, TINY.replace(old, new, 1), capsys)
    assert (code, lines) == (2, [f"{tmp_path / 'team.yaml'}:{expected}"])


@pytest.mark.parametrize("ident", ["-cmd", "-2", ".hidden", "a..b", "..a", "a.", "-.", "_"])
def test_ids_with_dots_or_a_leading_dash_that_are_not_dots_only_stay_valid(make_config, ident: str) -> None:
    """Only dots-only ids are refused: issue 30's hostile ids (a leading '-', '.hidden') are valid and kept inert."""
    assert make_config(TINY.replace("{id: a1,", f'{{id: "{ident}",')).agents[0].id == ident


@pytest.mark.parametrize("text, days", [("0x1F", 31), ("1_0", 10), ("010", 10), ("0b101", 5), ("!!str 7", 7), ("!!float 7", 7)])
def test_integers_in_other_yaml_spellings_are_read(make_config, text: str, days: int) -> None:
    """`010` is ten, as a manager means it, not YAML 1.1's octal eight."""
    assert make_config(TINY.replace("days: 7", f"days: {text}")).plan.days == days


def test_yaml_booleans_and_base_60_where_a_field_wants_them(make_config) -> None:
    text = TINY.replace("skills: [chat]}", "skills: [chat], works_holidays: yes}").replace(
        "time_limit_seconds: 10", "time_limit_seconds: 1:00:00"
    )
    config = make_config(text)
    assert config.agents[0].works_holidays is True
    assert config.plan.time_limit_seconds == 3600


def test_every_value_problem_is_listed_at_once(tmp_path, capsys) -> None:
    text = (
        TINY.replace("start: 2026-12-07", "start: 2026-02-30")
        .replace("days: 7", "days: !!int x")
        .replace("seed: 1", "seed: 1\n  seed: 2")
    )
    code, lines = run_check(tmp_path, text, capsys)
    assert code == 2
    assert [line.split(": ")[1] for line in lines] == ["plan.start", "plan.days", "plan.seed"]


# --------------------------------------------------------------------------- duplicate keys

DUPLICATE_KEYS = [
    pytest.param(
        "forecast:",
        "  chat:\n    kind: backlog\n    aht_seconds: 60\n    respond_within_hours: 4\nforecast:",
        "17: channels.chat: duplicate key (first at line 13; each key once)",
        id="second-channel-of-the-same-name",
    ),
    pytest.param("views:", "plan:\n  days: 3\nviews:", "8: plan: duplicate key (first at line 1; each key once)", id="section"),
    pytest.param(
        '      day: {start: "09:00", hours: 8}',
        '      day: {start: "09:00", hours: 8, hours: 9}',
        "24: sites.nyc.shifts.day.hours: duplicate key (first at line 24; each key once)",
        id="flow-mapping",
    ),
    pytest.param(
        "seed: 1",
        "seed: 1\n  1: a\n  0x1: b",
        "9: plan.0x1: duplicate key (first at line 8; each key once)",
        id="same-number-two-spellings",
    ),
    pytest.param(
        "seed: 1",
        "seed: 1\n  ~: a\n  null: b",
        "9: plan.null: duplicate key (first at line 8; each key once)",
        id="two-spellings-of-nothing",
    ),
    pytest.param(
        "seed: 1",
        "seed: 1\n  <<: {a: 1, a: 2}",
        "8: plan.a: duplicate key (first at line 8; each key once)",
        id="inside-a-merged-mapping",
    ),
]


@pytest.mark.parametrize("old, new, expected", DUPLICATE_KEYS)
def test_a_key_given_twice_names_both_lines(tmp_path, capsys, old, new, expected) -> None:
    assert old in TINY
    code, lines = run_check(tmp_path, TINY.replace(old, new, 1), capsys)
    assert (code, lines) == (2, [f"{tmp_path / 'team.yaml'}:{expected}"])


def test_merge_keys_and_aliases_are_not_duplicates(make_config) -> None:
    """A key written beside a merge (<<) overrides the merged one: that is what merge keys are for."""
    shifts = '      day: {start: "09:00", hours: 8}\n'
    merged = (
        '      day: &day {start: "09:00", hours: 8}\n'
        '      late: &late\n        <<: *day\n        start: "14:00"\n'
        '      night:\n        <<: [*late, *day]\n        start: "22:00"\n        hours: 9\n'
    )
    config = make_config(TINY.replace(shifts, merged))
    templates = config.sites["nyc"].shifts
    assert [(name, t.start, t.hours) for name, t in templates.items()] == [
        ("day", "09:00", 8),
        ("late", "14:00", 8),
        ("night", "22:00", 9),
    ]


# --------------------------------------------------------------------------- values only the report, plots and exports read

LATE_VALUES = [
    pytest.param(
        "views: [America/New_York]",
        "views: [America/NewYork]",
        "8: views[0]: unknown time zone 'America/NewYork' (expected an IANA name such as Europe/Dublin)",
        id="view-zone-typo",
    ),
    pytest.param(
        "views: [America/New_York]",
        "views: [America/New_York, UTC, America/New_York]",
        "8: views[2]: 'America/New_York' is listed twice (also views[0]; expected each zone once)",
        id="view-twice",
    ),
    pytest.param(
        "weekend: [Sat, Sun]",
        "weekend: [Sat, Sat]",
        "10: weekend[1]: 'Sat' is listed twice (also weekend[0]; expected each day once)",
        id="weekend-day-twice",
    ),
    pytest.param(
        'overnight: {start: "22:00", end: "06:00"}',
        'overnight: {start: "22:00", end: "22:00"}',
        "9: overnight: start and end are both 22:00: the window would be empty (expected two times, e.g. 22:00 to 06:00)",
        id="empty-overnight",
    ),
    pytest.param(
        "rules:",
        'night_shift: {start: "22:00", end: "23:00"}\nrules:',
        "27: night_shift: min_hours (3) is longer than the window 22:00-23:00 (1 h), so no shift would count as a night "
        "(expected min_hours within the window)",
        id="night-window-shorter-than-a-night",
    ),
    pytest.param(
        "{id: a1,",
        '{id: a1, name: "Ann\\x01",',
        "31: agents[0].name: 'Ann\\x01' contains U+0001, a control character (expected text on one line)",
        id="control-character-in-a-name",
    ),
    pytest.param(
        "{id: a1,",
        '{id: a1, name: "Dana\\u2028Cohen",',
        "31: agents[0].name: 'Dana\\u2028Cohen' contains U+2028, a line separator (expected text on one line)",
        id="line-separator-in-a-name",
    ),
    pytest.param(
        "{id: a1,",
        '{id: a1, name: "\\ud800",',
        "31: agents[0].name: '\\ud800' contains U+D800, half of a surrogate pair, not a character (expected text on one line)",
        id="lone-surrogate-in-a-name",
    ),
]

SEARCH_VALUES = [
    pytest.param(
        "rules:",
        "weights: {uncovered: 100000000000000000000000000}\nrules:",
        "27: weights.uncovered: Input should be less than or equal to 1000000 (got 100000000000000000000000000)",
        id="weight-beyond-64-bits",
    ),
    pytest.param(
        "rules:",
        "cover: [{site: nyc, shift: day, count: 100000000000000000000000}]\nrules:",
        "27: cover[0].count: Input should be less than or equal to 10000 (got 100000000000000000000000)",
        id="cover-count-beyond-64-bits",
    ),
    pytest.param(
        "max_consecutive_days: 6",
        "max_consecutive_days: 6\n  max_shifts_per_period: {day: -5}",
        "30: rules.max_shifts_per_period.day: Input should be greater than or equal to 0 (got -5)",
        id="negative-shift-maximum",
    ),
    pytest.param(
        "max_consecutive_days: 6",
        "max_consecutive_days: 6\n  max_shifts_per_period: {dya: 2}",
        "30: rules.max_shifts_per_period.dya: no site has a shift 'dya' (expected one of: day)",
        id="shift-maximum-typo",
    ),
    pytest.param(
        "skills: [chat]}",
        "skills: [chat], leave: [{from: 2020-01-01, to: 2099-12-31}]}",
        "31: agents[0].leave[0]: 29,220 days of leave in one range (expected at most 1,098; set employment_end for someone who leaves)",
        id="leave-for-eighty-years",
    ),
]


@pytest.mark.parametrize("old, new, expected", LATE_VALUES + SEARCH_VALUES)
def test_values_read_after_or_during_the_search_are_checked_before_it(tmp_path, capsys, old, new, expected) -> None:
    assert old in TINY
    code, lines = run_check(tmp_path, TINY.replace(old, new, 1), capsys)
    assert (code, lines) == (2, [f"{tmp_path / 'team.yaml'}:{expected}"])


def test_names_people_write_in_right_to_left_scripts_load(tmp_path, capsys) -> None:
    """A right-to-left mark or a zero-width joiner is text (format characters), unlike a tab or a line break."""
    text = TINY.replace(
        "{id: a1,", '{id: a1, name: "\\u05d3\\u05e0\\u05d4 \\u200f\\u05db\\u05d4\\u05df \\u0915\\u094d\\u200d\\u0937",', 1
    )
    code, lines = run_check(tmp_path, text, capsys)
    assert code == 0, lines
