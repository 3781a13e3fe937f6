"""Our own neighbourhoods (coverage.solve.neighbourhoods): shift variables fixed outside, every auxiliary free.

The queue case: ann answers email alone, 07:00-15:00 New York, six minutes an
email, so ten an hour; 60 emails arrive Monday 00:00-06:00 (ten an hour),
each due four hours later. Worked Monday, she answers them 07:00-13:00 in
arrival order, each 4 hours late: 240 contact-hours, 24 agent-hours of work an
hour late at 400 each = 9,600, plus one per agent-hour over the pace (six on
Monday, 09:00-15:00 once the queue is empty, and all eight of Tuesday's,
which has no email): 9,614.
"""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path

import yaml

from coverage.check import check_roster
from coverage.config import Config, load_config
from coverage.demand import requirements
from coverage.solve import ModelInputs, SolveParams, solve
from coverage.solve.data import ModelData
from coverage.solve.model import BuiltModel, build_model
from coverage.solve.neighbourhoods import NeighbourhoodSearch, hand_over, shift_vars, wanted
from coverage.solve.runner import configure_search

NY = "America/New_York"
MONDAY, TUESDAY = date(2027, 1, 4), date(2027, 1, 5)


def email_team(tmp_path: Path) -> Config:
    """ann, email only, 07:00-15:00 on Monday and Tuesday; 60 emails Monday 00:00-06:00, due within 4 hours."""
    data = {
        "plan": {"start": "2027-01-04", "days": 2, "timezone": NY, "interval_minutes": 60},
        "views": [NY],
        "shrinkage": 0.0,
        "channels": {"email": {"kind": "backlog", "aht_seconds": 360, "respond_within_hours": 4}},
        "forecast": {"file": "forecast.csv", "timezone": NY},
        "sites": {"nyc": {"timezone": NY, "shifts": {"morning": {"start": "07:00", "hours": 8}}}},
        "contracts": {"c": {"hours_per_week": {"min": 0, "max": 56}, "max_days_per_week": 7}},
        "rules": {"min_rest_hours": 11, "max_consecutive_days": 7},
        "agents": [{"id": "ann", "site": "nyc", "contract": "c", "skills": ["email"]}],
    }
    rows = "".join(f"2027-01-04T{h:02d}:00:00,email,10\n" for h in range(6))
    (tmp_path / "forecast.csv").write_text("start,channel,volume\n" + rows)
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return load_config(tmp_path / "plan.yaml")


def model_of(config: Config) -> BuiltModel:
    return build_model(ModelData.of(config, requirements(config)))


def roster_solution(built: BuiltModel, days: set[date]) -> tuple[list[int], int]:
    """A solution of the model in which ann works exactly `days`, and its exact cost."""
    from ortools.sat.python import cp_model

    model = built.model.clone()
    for option, var in built.variables.choices.items():
        model.add(model.get_int_var_from_proto_index(var.index) == int(option.instance.day in days))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    return list(solver.response_proto.solution), built.exact_objective(solver.value)


def search_of(built: BuiltModel, deadline: float | None = None) -> NeighbourhoodSearch:
    return NeighbourhoodSearch(
        built.model,
        built.variables,
        built.exact_objective,
        built.roster_from,
        deadline if deadline is not None else time.monotonic() + 600,
    )


def test_the_shift_variables_are_the_choices_and_nothing_else(tmp_path: Path) -> None:
    """Two days, one template, one channel: two shift variables; the queue's waiting and late work are not among them."""
    built = model_of(email_team(tmp_path))
    pieces = shift_vars(built.variables)
    assert sorted((p.agent, p.day) for p in pieces) == [("ann", MONDAY), ("ann", TUESDAY)]
    assert len(built.model.proto.variables) > 2 * 48  # a waiting and a late variable per hour at least, all auxiliary


def test_a_window_of_monday_fixes_tuesday_and_leaves_every_auxiliary_whole(tmp_path: Path) -> None:
    built = model_of(email_team(tmp_path))
    search = search_of(built)
    values, cost = roster_solution(built, {TUESDAY})
    search.offer(values, cost)
    search._take_offer()
    assert search._narrow(lambda agent, day: day == MONDAY) == 1
    variables = search._sub.proto.variables
    shift = {p.index: p.day for p in shift_vars(built.variables)}
    for index, var in enumerate(built.model.proto.variables):
        if shift.get(index) == TUESDAY:
            assert list(variables[index].domain) == [1, 1]  # worked in the incumbent, fixed
        else:
            assert list(variables[index].domain) == list(var.domain)  # Monday's shift and every auxiliary: free


def test_freeing_monday_alone_gets_the_whole_gain_of_working_it(tmp_path: Path) -> None:
    """Worked only on Tuesday, ann leaves Monday's 60 emails a day late. Freeing Monday alone (Tuesday's shift stays
    fixed) finds the move, and prices it with the queue re-run whole: 9,614 (module docstring), Tuesday's lateness
    gone too — what CP-SAT's own neighbourhoods, with Tuesday's waiting work fixed, would not see."""
    config = email_team(tmp_path)
    built = model_of(config)
    values, cost = roster_solution(built, {TUESDAY})
    assert cost > 9_614 * 3  # every email answered on Tuesday, 25 hours or more late
    search = search_of(built)
    search.offer(values, cost)
    search._take_offer()
    step = search.explore(lambda agent, day: day == MONDAY, seconds=30)
    assert (step.freed, step.status, step.gain) == (1, "OPTIMAL", cost - 9_614)
    assert search.best is not None and search.best.objective == 9_614
    roster = search.best.roster
    assert sorted(a.day for a in roster.assignments) == [MONDAY, TUESDAY]
    assert check_roster(roster, config) == []


def test_a_step_that_finds_nothing_cheaper_keeps_the_incumbent_and_a_bigger_one_finds_the_optimum(tmp_path: Path) -> None:
    """Worked both days: Monday is the best it can be with Tuesday fixed; freed too, Tuesday goes (its 8 hours over
    the pace, 8): 9,606, the optimum the deadline tests of test_backlog.py pin for Monday alone."""
    built = model_of(email_team(tmp_path))
    values, cost = roster_solution(built, {MONDAY, TUESDAY})
    assert cost == 9_614
    search = search_of(built)
    search.offer(values, cost)
    search._take_offer()
    step = search.explore(lambda agent, day: day == MONDAY, seconds=30)
    assert (step.status, step.gain, search.best) == ("OPTIMAL", 0.0, None)
    step = search.explore(lambda agent, day: True, seconds=30)
    assert (step.status, step.gain) == ("OPTIMAL", 8)
    assert search.best is not None and search.best.objective == 9_606


def test_no_step_starts_past_the_deadline(tmp_path: Path) -> None:
    built = model_of(email_team(tmp_path))
    search = search_of(built, deadline=time.monotonic() - 1)
    values, cost = roster_solution(built, {TUESDAY})
    search.offer(values, cost)
    assert search.work() is None
    assert search._thread is None and search.steps == []


def test_stop_ends_the_step_under_way_and_starts_no_other() -> None:
    """A big neighbourhood of the example team with ten minutes to run: stopped, the step returns and none follows."""
    from ortools.sat.python import cp_model

    root = Path(__file__).resolve().parents[2]
    config = load_config(root / "configs" / "example.yaml")
    built = model_of(config)
    solver = cp_model.CpSolver()
    configure_search(solver.parameters, SolveParams(time_limit_seconds=20, workers=2))
    solver.parameters.stop_after_first_solution = True
    assert solver.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    search = search_of(built)
    search.start_from(list(solver.response_proto.solution), built.exact_objective(solver.value))
    search._loose = False
    running = threading.Thread(target=search.explore, args=(lambda agent, day: True, 600.0))
    running.start()
    while search._step is None and running.is_alive():
        time.sleep(0.01)
    search.stop()
    running.join()
    assert search.steps[-1].status in ("FEASIBLE", "UNKNOWN")  # cut short, not proved
    assert search.work() == search._best_cost() and search._thread is None  # stopped: no new step


def test_deterministic_runs_never_use_them_and_the_default_is_off() -> None:
    assert not wanted(SolveParams(deterministic=True, neighbourhoods=True))
    assert wanted(SolveParams(neighbourhoods=True))
    assert not wanted(SolveParams())


def test_the_hand_over_starts_from_cp_sats_roster_and_keeps_what_it_improves(tmp_path: Path) -> None:
    """Handed the Tuesday-only roster, our neighbourhoods (alone, for a few seconds) reach the optimum: Monday only, 9,606."""
    from coverage.solve.runner import Progress

    built = model_of(email_team(tmp_path))
    model = built.model.clone()
    for option, var in built.variables.choices.items():
        model.add_hint(model.get_int_var_from_proto_index(var.index), int(option.instance.day == TUESDAY))
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.fix_variables_to_their_hinted_value = True
    assert solver.solve(model) == cp_model.OPTIMAL  # CP-SAT's "last roster": Tuesday only
    search, interrupted = hand_over(built, solver, Progress(None, time.perf_counter(), 5), seconds=5)
    assert not interrupted and search.best is not None and search.best.objective == 9_606
    assert sorted(a.day for a in search.best.roster.assignments) == [MONDAY]
    assert search.steps[0].kind == "tighten"  # CP-SAT's auxiliaries first set tight


def test_a_plan_with_them_returns_a_roster_the_checker_passes(tmp_path: Path) -> None:
    config = email_team(tmp_path)
    needs = requirements(config)
    result = solve(config, needs, ModelInputs(explain=False), SolveParams(time_limit_seconds=5, workers=2, neighbourhoods=True))
    assert result.roster is not None and check_roster(result.roster, config) == []
    assert result.objective == 9_606  # the optimum (proved at once: the neighbourhoods had nothing to add)


def test_handed_over_early_the_example_teams_roster_is_ours_and_priced_as_the_checker_prices_it(monkeypatch) -> None:
    """CP-SAT's search stopped at its first roster, ours the rest: the roster returned
    passes the checker, and its cost is
    what the published weights give for it, recomputed from the roster alone (tests/helpers.objective_from_roster)."""
    from helpers import objective_from_roster

    from coverage.solve import neighbourhoods, search

    monkeypatch.setattr(neighbourhoods, "stall_seconds", lambda limit: 0.0)  # CP-SAT stops at its first roster, ours the rest
    monkeypatch.setattr(search, "polishing", lambda *args, **kwargs: None)  # one search, not a first one and a second
    handed: list[NeighbourhoodSearch] = []
    real = neighbourhoods.hand_over

    def spy(*args, **kwargs):
        search, interrupted = real(*args, **kwargs)
        handed.append(search)
        return search, interrupted

    monkeypatch.setattr(neighbourhoods, "hand_over", spy)
    root = Path(__file__).resolve().parents[2]
    config = load_config(root / "configs" / "example.yaml")
    needs = requirements(config)
    result = solve(config, needs, ModelInputs(explain=False), SolveParams(time_limit_seconds=12, workers=2, neighbourhoods=True))
    assert len(handed) == 1 and any(step.gain > 0 for step in handed[0].steps)
    assert result.roster is not None and check_roster(result.roster, config) == []
    assert result.objective == objective_from_roster(config, needs, result)
