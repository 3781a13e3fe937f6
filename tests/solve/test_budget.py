"""The time budget of a staged run: the whole model is built only when building and starting it fits in the limit.

No test waits for a clock: the search's clock is replaced by one that jumps
(`JumpingClock`), and the whole model's estimated seconds are set by hand.
The instance is test_staged's: one agent on Mon 7 - Wed 9 Dec, two days in a
row at most, one agent needed 09:00-17:00 New York each day; the best roster
works two of the days and costs 4,000 (one day short), which the head
counts prove.
"""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from helpers import QUIET, TINY, hourly, main_search_finds_nothing

from coverage.check import Checker
from coverage.demand import requirements
from coverage.roster import Assignment, Roster
from coverage.solve import search, size, solve, staged
from coverage.solve.size import model_size

THREE_DAYS = TINY.replace("days: 7", "days: 3").replace("max_consecutive_days: 6", "max_consecutive_days: 2")
DAY_SHIFTS = hourly("2026-12-07T14:00:00", 8) + hourly("2026-12-08T14:00:00", 8) + hourly("2026-12-09T14:00:00", 8)
STAGED = replace(QUIET, staged=True)  # 20 s, 2 workers, silent


class JumpingClock:
    """perf_counter as the search reads it: real time, until `jump_to_limit` moves it to the end of the time limit."""

    def __init__(self) -> None:
        self.offset = 0.0
        self.started: float | None = None

    def perf_counter(self) -> float:
        now = time.perf_counter() + self.offset
        if self.started is None:
            self.started = now
        return now

    def jump_to(self, seconds: float) -> None:
        """From now on the clock reads `seconds` since the run started."""
        assert self.started is not None
        self.offset += self.started + seconds - self.perf_counter()


@pytest.fixture
def instance(make_config):
    config = make_config(THREE_DAYS, DAY_SHIFTS)
    return config, requirements(config)


def never_built(*args, **kwargs):
    raise AssertionError("the whole model was built")


def test_stages_past_their_share_return_their_roster_by_the_limit(instance, monkeypatch) -> None:
    """The stages end with the limit used up: the whole model is never built, the stages' roster is the result.

    Status FEASIBLE, the head-count bound (4,000) proven, the objective left
    empty (only the whole model prices a roster), and the note says why.
    """
    config, needs = instance
    clock = JumpingClock()
    monkeypatch.setattr(search, "wallclock", clock)
    real_start = staged.staged_start
    seen = []

    def stages_that_overrun(*args, **kwargs):
        start = real_start(*args, **kwargs)
        seen.append(start)
        clock.jump_to(STAGED.time_limit_seconds)
        return start

    monkeypatch.setattr(staged, "staged_start", stages_that_overrun)
    monkeypatch.setattr(search, "build_model", never_built)
    result = solve(config, needs, STAGED)
    assert (result.status, result.objective, result.best_bound) == ("FEASIBLE", None, 4000)
    assert result.roster == seen[0].roster and len(result.roster.assignments) == 2
    assert Checker(config).check(result.roster) == []
    assert result.reasons[0].startswith("the stages took 20 s of the 20 s limit and the whole model would take about ")
    assert result.reasons[0].endswith(" s to build and start: the stages' roster is the result")


def test_with_time_left_the_whole_model_prices_and_searches_the_staged_roster(instance) -> None:
    """The same run on the real clock: the whole model fits in the time the stages leave (a tiny model: well under a second)."""
    config, needs = instance
    assert model_size(config, needs.grid).seconds < 0.3 * STAGED.time_limit_seconds
    result = solve(config, needs, STAGED)
    assert (result.status, result.objective, result.best_bound) == ("OPTIMAL", 4000, 4000)
    assert result.reasons == []


def test_a_whole_model_too_slow_to_build_leaves_the_whole_limit_to_the_stages(instance, monkeypatch) -> None:
    """Estimated before anything is built: at 100 s a shift choice, the whole model cannot fit in 30 % of 20 s.

    The stages then get the whole limit (their shares scaled up from 70 %) and
    their roster is the result, as when the whole model would not fit in memory.
    """
    config, needs = instance
    monkeypatch.setattr(size, "SECONDS_PER_CHOICE", 100.0)
    limits = []
    real_start = staged.staged_start

    def recorded(config, requirements, params, *args, **kwargs):
        limits.append(params.time_limit_seconds)
        return real_start(config, requirements, params, *args, **kwargs)

    monkeypatch.setattr(staged, "staged_start", recorded)
    monkeypatch.setattr(search, "build_model", never_built)
    result = solve(config, needs, STAGED)
    assert (result.status, result.objective, result.best_bound) == ("FEASIBLE", None, 4000)
    assert limits == [pytest.approx(20 / 0.7)]
    assert Checker(config).check(result.roster) == []
    whole = model_size(config, needs.grid)
    assert (whole.choices, whole.cover_terms, whole.cells) == (3, 3 * 8, 3 * 24)  # three day shifts, 72 hours of chat
    assert result.reasons == [  # 3 × 100 s + 24 cover terms and 72 cells at well under a second
        "the whole model would take about 300 s to build and start, and the stages leave it 6 s of the 20 s limit: "
        "solving in stages only (headcounts, then site by site)"
    ]


def test_deterministic_runs_ignore_the_clock(instance, monkeypatch) -> None:
    """A deterministic run's roster must not depend on the machine's speed: the whole model is searched however late."""
    config, needs = instance
    clock = JumpingClock()
    monkeypatch.setattr(search, "wallclock", clock)
    monkeypatch.setattr(size, "SECONDS_PER_CHOICE", 100.0)
    real_start = staged.staged_start

    def stages_that_overrun(*args, **kwargs):
        start = real_start(*args, **kwargs)
        clock.jump_to(STAGED.time_limit_seconds)
        return start

    monkeypatch.setattr(staged, "staged_start", stages_that_overrun)
    result = solve(config, needs, replace(STAGED, deterministic=True))
    assert (result.status, result.objective, result.best_bound) == ("OPTIMAL", 4000, 4000)


def test_a_completion_cut_short_keeps_the_staged_roster(instance, monkeypatch) -> None:
    """The whole model was built but its hint was not completed in the time left, and its search found nothing:
    the stages' roster still stands, unpriced, instead of no roster at all."""
    config, needs = instance
    from coverage.solve.runner import Completion

    out_of_time = Completion(None, rejected=False)
    monkeypatch.setattr(staged, "try_complete_hint", lambda rm, seconds=30.0, **kwargs: out_of_time)
    main_search_finds_nothing(monkeypatch)
    result = solve(config, needs, STAGED)
    assert (result.status, result.objective, result.best_bound) == ("FEASIBLE", None, 4000)
    assert len(result.roster.assignments) == 2 and Checker(config).check(result.roster) == []


def test_a_staged_roster_the_whole_model_rejects_is_never_the_result(instance, monkeypatch) -> None:
    """The completion returns None for two reasons: out of time, or the roster breaks a rule (INFEASIBLE under the
    fixed hint). Only the first may keep the stages' roster. Here the stages' roster works all three days against
    `max_consecutive_days: 2`: the whole model rejects it, its search finds nothing in the time left, and the run
    must not hand the broken roster back as FEASIBLE."""
    config, needs = instance
    from coverage.time import shift_instances

    def three_days_in_a_row(config, requirements, params, *args, **kwargs):
        shifts = [s for s in shift_instances(config) if s.shift == "day"]
        roster = Roster(tuple(Assignment("a1", s.site, "chat", s.shift, s.day, s.start_utc, s.end_utc) for s in shifts))
        return staged.StagedStart(0.0, roster, False, time.perf_counter())

    monkeypatch.setattr(staged, "staged_start", three_days_in_a_row)
    main_search_finds_nothing(monkeypatch)
    result = solve(config, needs, STAGED)
    assert result.roster is None or Checker(config).check(result.roster) == []


def test_a_deterministic_completion_keeps_a_wall_clock_safety_net(monkeypatch) -> None:
    """A completion bounded by CP-SAT's work (30 units) still ends by the clock, at 20 times its units (600 s): CP-SAT
    counted 0.01 units for 0.4 s of a real completion, so the work alone could hold a user for many minutes; a
    wall-clock completion keeps its own seconds."""
    from ortools.sat.python import cp_model

    from coverage.solve import runner

    seen: list[tuple[float, float]] = []
    real = runner.run_search

    def spy(model, params, progress=None, *, settings=None, **kwargs):
        def recorded(parameters) -> None:
            assert settings is not None
            settings(parameters)
            seen.append((parameters.max_deterministic_time, parameters.max_time_in_seconds))

        return real(model, params, progress, settings=recorded, **kwargs)

    monkeypatch.setattr(runner, "run_search", spy)
    model = cp_model.CpModel()
    x = model.new_int_var(0, 3, "x")
    model.add(x >= 1)
    model.add_hint(x, 2)
    assert runner.try_fill_hint(model, 30, deterministic=True).solver is not None
    assert runner.try_fill_hint(model, 5).solver is not None
    assert seen == [(30.0, 600.0), (float("inf"), 5.0)]
    assert runner.deterministic_wall_cap(1) == 60.0  # a minute at least
