"""Configuration: what managers write, and what they see when they get it wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TINY, write_forecast

from coverage.cli import main
from coverage.config import load_config
from coverage.errors import InputError

ROOT = Path(__file__).resolve().parent.parent


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
    pytest.param(("America/New_York\n  interval", "America/Nowhere\n  interval"), 4, "plan.timezone", "unknown time zone", id="bad-timezone"),
    pytest.param(("America/New_York\n  interval", "America\n  interval"), 4, "plan.timezone", "unknown time zone", id="timezone-folder"),
    pytest.param(("kind: realtime", "kind: live"), 14, "channels.chat.kind", "unknown channel kind", id="bad-channel-kind"),
    pytest.param(('"09:00"', '"9am"'), 24, "sites.nyc.shifts.day.start", "not a time of day", id="bad-clock"),
    pytest.param(("max_days_per_week: 5}", "max_days_per_week: 5, overtime: yes}"), 26, "contracts.full_time.overtime", "unknown key", id="unknown-key"),
    pytest.param(("site: nyc, contract", "site: nyk, contract"), 31, "agents[0].site", "unknown site 'nyk'", id="unknown-site"),
    pytest.param(("contract: full_time, skills", "contract: fulltime, skills"), 31, "agents[0].contract", "unknown contract", id="unknown-contract"),
    pytest.param(("skills: [chat]}", "skills: [chat, phone]}"), 31, "agents[0].skills[1]", "unknown channel 'phone'", id="unknown-skill"),
    pytest.param(("skills: [chat]}", "skills: [chat], shifts: [night]}"), 31, "agents[0].shifts[0]", "has no shift 'night'", id="unknown-shift"),
    pytest.param(("days: 7", "days: seven"), 3, "plan.days", "valid integer", id="not-a-number"),
    pytest.param(("interval_minutes: 60", "interval_minutes: 45"), 5, "plan.interval_minutes", "60, 30 or 15", id="bad-interval"),
    pytest.param(("shrinkage: 0.0", "shrinkage: 1.5"), 11, "shrinkage", "less than 1", id="shrinkage-out-of-range"),
    pytest.param(("{min: 0, max: 40}", "{min: 45, max: 40}"), 26, "contracts.full_time.hours_per_week", "min (45.0) is above max", id="min-above-max"),
    pytest.param(("file: forecast.csv", "file: missing.csv"), 18, "forecast.file", "not found", id="missing-forecast"),
    pytest.param(("    shifts:\n", "    holidays: XX\n    shifts:\n"), 23, "sites.nyc.holidays", "unknown holiday country", id="bad-holidays"),
    pytest.param(("hours: 8}", "hours: 8, unpaid_break_minutes: 600}"), 24, "sites.nyc.shifts.day", "shorter than the shift", id="break-too-long"),
    pytest.param(("  - {id: a1", "  - {id: a1, site: nyc, contract: full_time, skills: [chat]}\n  - {id: a1"), 32, "agents[1].id", "duplicate agent id", id="duplicate-agent"),
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
    config = make_config(TINY.replace("skills: [chat]}", "skills: [chat], leave: [2026-12-01, {from: 2026-12-09, to: 2026-12-11}]}"))
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
