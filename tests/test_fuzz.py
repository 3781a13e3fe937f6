"""The property tests at volume (`make test-all`): thousands of broken configs, forecasts and rosters.

Same strategies and the same promise as tests/test_properties.py — exit 2
with located lines, never a traceback, an internal error or a hang — with
enough examples to reach rare shapes. benchmarks/fuzz.py runs the same checks
and reports how many inputs were tried (benchmarks/RESULTS.md, "Fuzzing").
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from strategies import PROPERTIES, QUICK, check_team, teams

VOLUME = settings(QUICK, max_examples=1500)

pytestmark = pytest.mark.slow


@given(team=PROPERTIES["config"][1])
@VOLUME
def test_fuzz_config_loader(team) -> None:
    PROPERTIES["config"][0](team)


@given(text=PROPERTIES["forecast"][1])
@VOLUME
def test_fuzz_forecast_reader(text: str) -> None:
    PROPERTIES["forecast"][0](text)


@given(text=PROPERTIES["roster"][1])
@VOLUME
def test_fuzz_roster_reader(text: str) -> None:
    PROPERTIES["roster"][0](text)


@given(team=teams())
@settings(QUICK, max_examples=200)
def test_fuzz_solver_against_checker(team) -> None:
    check_team(team)
