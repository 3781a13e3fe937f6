"""Property-based tests: random teams and randomly broken files, through the real loaders and the CLI.

* Any small valid team: every roster the solver returns passes the independent
  checker, and when no rule sets a minimum a roster always exists.
* Any broken config, forecast or roster: `covplan` exits 2 (or 0/1 when the
  mutation happened to leave a valid file) and every line it prints is located
  `FILE:LINE: ...` — never a traceback, never an internal error (exit 3).
* Never a hang: sizes are bounded and each example runs under an alarm.

Examples per test are kept small for `make test` (about a minute in all);
tests/test_fuzz.py runs the same strategies at volume (`make test-all`), and
benchmarks/fuzz.py counts inputs for benchmarks/RESULTS.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import (
    FIXED_TEAM,
    FORECAST_HEADERS,
    QUICK,
    SWEEP_KEYS,
    SWEEP_VALUES,
    assert_located,
    broken_configs,
    check_broken_config,
    check_bytes,
    check_forecast_text,
    check_roster_text,
    check_team,
    config_paths,
    csv_texts,
    rosters,
    run_cli,
    teams,
    with_text_at,
    write_team,
)


@given(team=teams(minimums=False))
@settings(QUICK, max_examples=12)
def test_without_minimums_a_roster_always_exists_and_passes_the_checker(team) -> None:
    check_team(team, expect_roster=True)


@given(team=teams())
@settings(QUICK, max_examples=12)
def test_every_roster_the_solver_finds_passes_the_checker(team) -> None:
    check_team(team)


@given(team=broken_configs())
@settings(QUICK, max_examples=50)
def test_broken_configs_exit_2_with_located_lines(team) -> None:
    check_broken_config(team)


def test_yaml_values_and_keys_at_every_position_are_located(tmp_path: Path) -> None:
    cases = [(path, "replace", value) for path in config_paths(FIXED_TEAM) for value in SWEEP_VALUES]
    cases += [
        (path, how, key)
        for path in config_paths(FIXED_TEAM)
        if isinstance(path[-1], str)
        for how, key in [("rename", k) for k in SWEEP_KEYS] + [("twin", str(path[-1]))]
    ]
    for path, how, written in cases:
        config = write_team(tmp_path, with_text_at(path, how, written), [])
        code, err = run_cli(["check", str(config)])
        assert_located(code, err, {0, 2}, config, tmp_path / "forecast.csv")
        if how == "twin":
            assert code == 2 and "duplicate key" in err, (path, err)


@given(text=csv_texts(FORECAST_HEADERS, 3))
@settings(QUICK, max_examples=40)
def test_broken_forecasts_exit_2_with_located_lines(text: str) -> None:
    check_forecast_text(text)


@given(text=rosters())
@settings(QUICK, max_examples=40)
def test_broken_rosters_exit_1_or_2_with_located_lines(text: str) -> None:
    check_roster_text(text)


@given(data=st.binary(max_size=300))
@settings(QUICK, max_examples=30)
def test_arbitrary_bytes_as_any_input_never_crash(data: bytes) -> None:
    check_bytes(data)


def test_the_checks_catch_what_they_claim_to(tmp_path: Path) -> None:
    """The properties can fail: an unlocated line, a traceback and exit 3 are all caught."""
    with pytest.raises(AssertionError):
        assert_located(2, f"{tmp_path}/x.yaml:?: (document): file not found\n", {2}, tmp_path / "x.yaml")
    with pytest.raises(AssertionError):
        assert_located(2, "Traceback (most recent call last):\n", {2}, tmp_path / "x.yaml")
    with pytest.raises(AssertionError):
        assert_located(3, "covplan: internal error (KeyError: 'x')\n", {0, 2}, tmp_path / "x.yaml")
    assert_located(
        2, f"{tmp_path / 'x.yaml'}:12: plan.days: Input should be greater than or equal to 1 (got 0)\n", {2}, tmp_path / "x.yaml"
    )
