"""The CP-SAT roster model on instances small enough to solve by hand.

Every roster the solver returns is re-verified by the independent checker,
and its objective is recomputed from the roster's coverage.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers import QUIET, TINY, hourly, nine_to_five_new_york, solved
from ortools.sat.python import cp_model

from coverage.config import load_config
from coverage.demand import requirements
from coverage.gaps import coverage_of, summary
from coverage.solve import (
    WEIGHT_OVER_AGENT,
    WEIGHT_SHORT_AGENT,
    WEIGHT_UNCOVERED,
    SolveOptions,
    SolveParams,
    runner,
    solve,
)
from coverage.solve.runner import WHOLE_ROOT_LP, configure_search

ROOT = Path(__file__).resolve().parents[2]


def test_weights_put_somebody_there_first() -> None:
    assert WEIGHT_UNCOVERED > WEIGHT_SHORT_AGENT > WEIGHT_OVER_AGENT > 0


def test_one_agent_two_days_allowed_three_needed(make_config) -> None:
    # Demand 09-17 on Mon-Wed, but the contract allows 2 days a week: one day stays uncovered.
    config = make_config(TINY.replace("max_days_per_week: 5", "max_days_per_week: 2"), nine_to_five_new_york(range(7, 10)))
    _, result = solved(config)
    assert result.status == "OPTIMAL"
    assert len(result.roster) == 2
    assert result.objective == 8 * (WEIGHT_UNCOVERED + WEIGHT_SHORT_AGENT)  # 8 uncovered hours


def test_weekly_minimum_forces_shifts_without_demand(make_config) -> None:
    # No demand at all; min 16 h a week with 8 h shifts → exactly 2 shifts, 16 overstaffed agent-hours.
    config = make_config(TINY.replace("{min: 0, max: 40}", "{min: 16, max: 40}"))
    _, result = solved(config)
    assert result.status == "OPTIMAL"
    assert len(result.roster) == 2
    assert result.objective == 16 * WEIGHT_OVER_AGENT


def test_minimum_rest_is_elapsed_time(make_config) -> None:
    # Templates late 18:00-02:00 and early 08:00-16:00 local: late then early is 6 h rest.
    text = TINY.replace(
        'day: {start: "09:00", hours: 8}', 'late: {start: "18:00", hours: 8}\n      early: {start: "08:00", hours: 8}'
    )
    text = text.replace("days: 7", "days: 2")
    # Monday evening late (23:00-07:00Z) and Tuesday early (13:00-21:00Z) both needed.
    forecast = hourly("2026-12-07T23:00:00", 8) + hourly("2026-12-08T13:00:00", 8)
    _, result = solved(make_config(text, forecast))
    assert result.status == "OPTIMAL"
    assert len(result.roster) == 1  # 6 h < 11 h rest: only one of the two
    assert result.objective == 8 * (WEIGHT_UNCOVERED + WEIGHT_SHORT_AGENT)


def test_leave_and_public_holidays_block_days(make_config) -> None:
    text = TINY.replace("    shifts:\n", "    holidays: US\n    shifts:\n").replace("days: 7", "days: 3")
    text = text.replace("start: 2026-12-07", "start: 2026-12-24")  # Thu 24, Fri 25 (Christmas), Sat 26
    text = text.replace("skills: [chat]}", "skills: [chat], leave: [2026-12-24]}")
    forecast = hourly("2026-12-24T14:00:00", 8) + hourly("2026-12-25T14:00:00", 8) + hourly("2026-12-26T14:00:00", 8)
    _, result = solved(make_config(text, forecast))
    assert [a.day for a in result.roster.assignments] == [date(2026, 12, 26)]


def test_works_holidays_lifts_the_holiday_block(make_config) -> None:
    text = TINY.replace("    shifts:\n", "    holidays: US\n    shifts:\n").replace("days: 7", "days: 1")
    text = text.replace("start: 2026-12-07", "start: 2026-12-25").replace(
        "skills: [chat]}", "skills: [chat], works_holidays: true}"
    )
    _, result = solved(make_config(text, hourly("2026-12-25T14:00:00", 8)))
    assert [a.day for a in result.roster.assignments] == [date(2026, 12, 25)]
    assert result.objective == 0


def test_max_consecutive_days(make_config) -> None:
    text = TINY.replace("max_consecutive_days: 6", "max_consecutive_days: 2").replace(
        "max_days_per_week: 5", "max_days_per_week: 7"
    )
    _, result = solved(make_config(text, nine_to_five_new_york(range(7, 14))))
    days = sorted(a.day.day for a in result.roster.assignments)
    assert len(days) == 5  # best pattern over 7 days with runs of at most 2: on,on,off,on,on,off,on
    assert result.objective == 2 * 8 * (WEIGHT_UNCOVERED + WEIGHT_SHORT_AGENT)


def test_max_weekends_zero_keeps_saturday_and_sunday_free(make_config) -> None:
    text = TINY.replace("max_consecutive_days: 6", "max_consecutive_days: 6\n  max_weekends_per_period: 0")
    _, result = solved(make_config(text, nine_to_five_new_york(range(7, 14))))
    assert sorted(a.day.isoweekday() for a in result.roster.assignments) == [1, 2, 3, 4, 5]


def test_channel_is_one_of_the_agents_skills_and_follows_demand(make_config) -> None:
    text = TINY.replace("channels:\n", "channels:\n  email: {kind: backlog, aht_seconds: 3600, respond_within_hours: 1}\n")
    text = text.replace("skills: [chat]}", "skills: [chat, email]}").replace("days: 7", "days: 1")
    _, result = solved(make_config(text, hourly("2026-12-07T14:00:00", 8, channel="email")))
    assert [a.channel for a in result.roster.assignments] == ["email"]
    assert result.objective == 0


def test_contradictory_rules_have_no_roster_and_say_why(make_config) -> None:
    config = make_config(TINY.replace("{min: 0, max: 40}", "{min: 48, max: 60}"))
    result = solve(config, requirements(config), QUIET)
    assert result.roster is None
    assert result.status == "INFEASIBLE"
    assert any("agent a1" in reason and "48" in reason for reason in result.reasons)


def test_nine_to_five_team_leaves_the_hand_counted_gaps() -> None:
    """8 agents Mon-Fri 09-17 New York, one agent needed every hour, 4 weeks.

    Per week 168 - 40 = 128 h uncovered; weekends 48 h; overnight 22-06 is 8 h x 7 = 56 h.
    """
    config = load_config(ROOT / "configs" / "nine-to-five.yaml")
    needs, result = solved(config)
    assert result.status == "OPTIMAL"
    assert len(result.roster) == 8 * 5 * 4
    digest = summary(
        coverage_of(result.roster, needs, config),
        config,
        status=result.status,
        objective=result.objective,
        best_bound=result.best_bound,
        wall_seconds=result.wall_seconds,
    )
    assert digest.uncovered_hours == {"chat": 4 * 128}
    view = digest.views["America/New_York"]
    assert (view.uncovered_hours, view.weekend_uncovered_hours, view.overnight_uncovered_hours) == (4 * 128, 4 * 48, 4 * 56)
    assert digest.coverage_ratio == round(40 / 168, 4)


def test_dst_crossing_roster_is_clean_and_shifts_move_in_utc() -> None:
    config = load_config(ROOT / "configs" / "dst-crossing.yaml")
    _, result = solved(config, SolveOptions(time_limit_seconds=10, seed=1, workers=2, progress=None))
    assert result.roster is not None
    starts = {(a.site, a.shift, a.day): a.start_utc.strftime("%H:%M") for a in result.roster.assignments}
    dublin_day = {day: hhmm for (site, shift, day), hhmm in starts.items() if site == "dublin" and shift == "day"}
    assert all(hhmm == ("08:00" if day < date(2026, 10, 25) else "09:00") for day, hhmm in dublin_day.items())
    ny_day = {day: hhmm for (site, shift, day), hhmm in starts.items() if site == "new_york" and shift == "day"}
    assert all(hhmm == ("13:00" if day < date(2026, 11, 1) else "14:00") for day, hhmm in ny_day.items())


@pytest.mark.slow
def test_example_team_gets_a_clean_roster() -> None:
    config = load_config(ROOT / "configs" / "example.yaml")
    _, result = solved(config, SolveOptions(time_limit_seconds=30, seed=1, workers=2, progress=None))
    assert result.roster is not None and len(result.roster) > 300


def test_progress_lines_show_objective_bound_and_gap(make_config) -> None:
    import io

    stream = io.StringIO()
    config = make_config(TINY, nine_to_five_new_york(range(7, 12)))
    result = solve(config, requirements(config), SolveOptions(time_limit_seconds=10, seed=1, workers=2, progress=stream))
    assert result.objective == 0 and result.first_solution_seconds is not None
    first = stream.getvalue().splitlines()[0]
    assert "objective" in first and "bound" in first and "gap" in first


def test_on_a_terminal_the_progress_is_a_bar(make_config) -> None:
    import io

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    config = make_config(TINY, nine_to_five_new_york(range(7, 12)))
    result = solve(config, requirements(config), SolveOptions(time_limit_seconds=10, seed=1, workers=2, progress=stream))
    assert result.objective == 0
    shown = stream.getvalue()
    assert "searching" in shown and "objective" in shown and "gap" in shown
    assert "\x1b[" in shown  # drawn with terminal control codes, not plain lines


class _Parameters:
    """Stands in for CP-SAT's parameter message: configure_search only sets fields and appends subsolvers."""

    def __init__(self) -> None:
        self.subsolvers: list[str] = []
        self.ignore_subsolvers: list[str] = []
        self.subsolver_params: list[_Parameters] = []
        self.num_full_subsolvers = 0
        self.linearization_level = 1
        self.root_lp_iterations = 2000  # CP-SAT's default


@pytest.mark.parametrize(
    ("workers", "threads", "full", "subsolvers"),
    [(2, 4, 1, ["max_lp_sym"]), (6, 6, 1, ["max_lp_sym"]), (7, 7, 1, ["max_lp_sym"]), (8, 8, 0, []), (16, 16, 0, [])],
)
def test_portfolio_gives_one_thread_to_max_lp_sym_and_the_rest_to_neighbourhood_search(workers, threads, full, subsolvers):
    parameters = _Parameters()
    configure_search(parameters, SolveParams(time_limit_seconds=5, workers=workers))
    assert (parameters.num_workers, parameters.num_full_subsolvers, parameters.subsolvers) == (threads, full, subsolvers)
    assert parameters.max_time_in_seconds == 5 and parameters.random_seed == 1


@pytest.mark.parametrize(("workers", "ignored"), [(1, []), (2, ["fs_random"]), (7, ["fs_random"]), (8, [])])
def test_our_portfolio_leaves_out_the_random_tree_search_with_an_lp_for_a_first_roster(workers, ignored):
    """Below 8 workers fs_random's thread goes to feasibility jump until the first roster; CP-SAT's own portfolio is left alone."""
    parameters = _Parameters()
    configure_search(parameters, SolveParams(workers=workers))
    assert parameters.ignore_subsolvers == ignored


def test_a_deterministic_search_keeps_the_random_tree_search_with_an_lp():
    """Interleaved, no subsolver holds a thread; fs_random stays (the example team's pinned deterministic figures)."""
    parameters = _Parameters()
    configure_search(parameters, SolveParams(workers=2, deterministic=True))
    assert parameters.ignore_subsolvers == [] and parameters.subsolvers == ["max_lp_sym"]


def test_without_the_random_tree_search_cp_sat_still_finds_and_proves_the_roster():
    """The real message: CP-SAT still has first-solution workers (feasibility jump) and finds a feasible, optimal roster."""
    model = cp_model.CpModel()
    days = [[model.new_bool_var(f"x{a}{d}") for d in range(7)] for a in range(3)]
    for row in days:
        model.add(sum(row) == 5)  # five working days each
    for d in range(7):
        model.add(sum(row[d] for row in days) >= 2)  # two on duty every day
    model.minimize(sum(row[5] + row[6] for row in days))  # weekend days worked
    solver = cp_model.CpSolver()
    configure_search(solver.parameters, SolveParams(time_limit_seconds=10, workers=2))
    assert list(solver.parameters.ignore_subsolvers) == ["fs_random"]
    assert solver.solve(model) == cp_model.OPTIMAL
    assert solver.objective_value == 4  # 15 working days cover 7 x 2 = 14 slots: both weekend days need 2, and 4 is the fewest


def test_one_worker_runs_the_strong_relaxation_alone():
    parameters = _Parameters()
    configure_search(parameters, SolveParams(workers=1))
    assert (parameters.num_workers, parameters.linearization_level, parameters.subsolvers) == (1, 2, [])
    assert parameters.root_lp_iterations == WHOLE_ROOT_LP and parameters.subsolver_params == []


@pytest.mark.parametrize("workers", [2, 7, 8, 16])
def test_the_bound_worker_alone_solves_its_first_lp_whole(workers):
    """Only max_lp_sym gets the long root LP; the neighbourhood searches keep CP-SAT's chunks of 2,000 iterations."""
    parameters = _Parameters()
    configure_search(parameters, SolveParams(workers=workers))
    [sub] = parameters.subsolver_params
    assert (sub.name, sub.root_lp_iterations) == ("max_lp_sym", WHOLE_ROOT_LP)
    assert parameters.root_lp_iterations == 2000


def test_cp_sat_accepts_the_portfolio_and_hands_max_lp_sym_its_setting():
    """The real parameter message, not the stand-in: CP-SAT reads the merged worker settings and still solves."""
    model = cp_model.CpModel()
    picks = [model.new_bool_var(f"x{i}") for i in range(6)]
    model.add(sum(picks) <= 2)
    model.maximize(sum((i + 1) * x for i, x in enumerate(picks)))
    solver = cp_model.CpSolver()
    configure_search(solver.parameters, SolveParams(time_limit_seconds=5, workers=2))
    assert "root_lp_iterations: 10000000" in str(solver.parameters)
    assert solver.solve(model) == cp_model.OPTIMAL and solver.objective_value == 11


def _week_of_two(model: cp_model.CpModel) -> None:
    """Three people, five working days each, two on duty every day: 21 variables, few weekend days worked."""
    days = [[model.new_bool_var(f"x{a}{d}") for d in range(7)] for a in range(3)]
    for row in days:
        model.add(sum(row) == 5)
    for d in range(7):
        model.add(sum(row[d] for row in days) >= 2)
    model.minimize(sum(row[5] + row[6] for row in days))


@pytest.mark.parametrize(("big_from", "rounds"), [(21, 1), (22, 3)])
def test_a_big_model_is_presolved_once_a_small_one_three_times(monkeypatch, big_from, rounds):
    """From ONE_PRESOLVE_ROUND_FROM variables one round; below, CP-SAT's three; the search finds the optimum either way."""
    monkeypatch.setattr(runner, "ONE_PRESOLVE_ROUND_FROM", big_from)
    model = cp_model.CpModel()
    _week_of_two(model)
    code, solver, _ = runner.run_search(model, SolveParams(time_limit_seconds=10, workers=2))
    assert solver.parameters.max_presolve_iterations == rounds
    assert (code, solver.objective_value) == (cp_model.OPTIMAL, 4)


def test_a_search_of_its_own_settings_may_set_the_presolve_rounds(monkeypatch):
    """The rule is applied before a caller's settings (a benchmark's --param max_presolve_iterations=3 stands)."""
    monkeypatch.setattr(runner, "ONE_PRESOLVE_ROUND_FROM", 1)
    model = cp_model.CpModel()
    _week_of_two(model)

    def settings(parameters) -> None:
        parameters.max_presolve_iterations = 3
        parameters.num_workers = 1

    _, solver, _ = runner.run_search(model, SolveParams(time_limit_seconds=10), settings=settings)
    assert solver.parameters.max_presolve_iterations == 3
