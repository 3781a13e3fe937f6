"""`channels.NAME.count_weight`: an agent counts as their `weight` of a person toward the channel's requirement.

One agent is needed 09:00-17:00 New York (14:00-22:00Z) on Monday 7
December; the agents can work the 8-hour day shift. Every roster is checked
by the independent checker and its cost recomputed from the roster alone
(helpers.solved); the numbers below are worked out by hand.
"""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import pytest
from enumeration import EARLY_LATE, brute_force_optimum, demand
from helpers import QUIET, build_config, config_data, hourly, objective_from_roster, solved

from coverage.check import check_roster
from coverage.cli import main
from coverage.demand import requirements
from coverage.errors import InputError
from coverage.gaps import coverage_of, summary
from coverage.hires import cheapest, roadmap, target_met
from coverage.reach import on_duty_capacity
from coverage.results import MixFigures
from coverage.solve import Target, solve
from coverage.solve.aggregate import groups_of, headcount_model
from coverage.solve.polish import ChannelPolish
from coverage.solve.runner import run_search
from coverage.solve.scope import agent_scopes
from coverage.time import shift_instances

MONDAY = hourly("2026-12-07T14:00:00", 8)  # one agent needed through Monday's day shift
DUTY = range(9, 17)  # those hours' grid intervals (the grid starts at midnight New York, 05:00Z)


def team(tmp_path: Path, weights: list[float], count_weight: bool = True, **extra) -> object:
    """The tiny plan with one agent per weight, chat counting weight or not."""
    data = config_data()
    data["channels"]["chat"]["count_weight"] = count_weight
    data["agents"] = [
        {"id": f"a{k}", "site": "nyc", "contract": "full_time", "skills": ["chat"], "weight": weight}
        for k, weight in enumerate(weights, start=1)
    ]
    for key, value in extra.items():
        data[key] = value
    return build_config(tmp_path, data, MONDAY)


def on_duty(result) -> list[str]:
    return sorted(a.agent for a in result.roster.assignments)


def figures(config, needs, result):
    covered = coverage_of(result.roster, needs, config)
    digest = summary(covered, config, status=result.status, objective=result.objective, best_bound=None, wall_seconds=None)
    return covered, digest


def test_two_halves_meet_a_need_of_one(tmp_path: Path) -> None:
    config = team(tmp_path, [0.5, 0.5])
    needs, result = solved(config)
    assert (result.status, result.objective) == ("OPTIMAL", 0)
    assert on_duty(result) == ["a1", "a2"]
    covered, digest = figures(config, needs, result)
    assert [covered.scheduled["chat"][k] for k in DUTY] == [1.0] * 8
    assert sum(covered.gap("chat")) == 0
    assert digest.uncovered_hours == {"chat": 0} and digest.understaffed_agent_hours == {"chat": 0}


def test_half_a_person_alone_leaves_half_a_person_short(tmp_path: Path) -> None:
    """Eight hours, each half a person short: 8 x 0.5 x weights.understaffed (100) = 400, and no hour uncovered."""
    config = team(tmp_path, [0.5])
    needs, result = solved(config)
    assert (result.status, result.objective) == ("OPTIMAL", 400)
    covered, digest = figures(config, needs, result)
    assert [covered.scheduled["chat"][k] for k in DUTY] == [0.5] * 8
    assert [covered.gap("chat")[k] for k in DUTY] == [0.5] * 8
    assert digest.uncovered_hours == {"chat": 0}
    assert digest.understaffed_agent_hours == {"chat": 4.0}


def test_without_the_key_the_same_team_counts_heads(tmp_path: Path) -> None:
    """Weights count for nothing on chat: one of the two meets the need alone, and the other stays home (overstaffing costs)."""
    config = team(tmp_path, [0.5, 0.5], count_weight=False)
    needs, result = solved(config)
    assert (result.status, result.objective) == ("OPTIMAL", 0)
    assert len(on_duty(result)) == 1
    covered, _ = figures(config, needs, result)
    assert [covered.scheduled["chat"][k] for k in DUTY] == [1] * 8  # whole heads, printed as before
    assert all(isinstance(v, int) for v in covered.scheduled["chat"] + covered.gap("chat"))


def test_excess_costs_per_person_rounded_up_to_a_whole_unit(tmp_path: Path) -> None:
    """0.75 alone is 0.25 short (25 an hour: 200); with 0.5 beside it, 0.25 over (1 x 0.25, rounded up to 1 an hour: 8)."""
    config = team(tmp_path, [0.75, 0.5])
    needs, result = solved(config)
    assert (result.status, result.objective) == ("OPTIMAL", 8)
    assert on_duty(result) == ["a1", "a2"]
    covered, _ = figures(config, needs, result)
    assert [covered.scheduled["chat"][k] for k in DUTY] == [1.25] * 8
    rows = list(csv.DictReader(_written_coverage(covered, tmp_path).open()))
    assert {(r["scheduled"], r["gap"]) for r in rows if r["interval_start_utc"].startswith("2026-12-07T14")} == {("1.25", "0.0")}


def _written_coverage(covered, tmp_path: Path) -> Path:
    from coverage.gaps import write_coverage_csv

    return write_coverage_csv(covered, tmp_path / "out" / "coverage.csv")


def test_nobody_on_duty_is_uncovered_and_a_fraction_is_not(tmp_path: Path) -> None:
    """Need 2 with one agent of weight 0.5: the agent works, 1.5 short (150 an hour), no hour uncovered (400 an hour)."""
    config = team(tmp_path, [0.5])
    doubled = twice(config)
    result = checked(config, doubled)
    assert (result.status, result.objective) == ("OPTIMAL", 8 * 150)
    covered = coverage_of(result.roster, doubled, config)
    assert sum(covered.uncovered("chat")) == 0 and [covered.gap("chat")[k] for k in DUTY] == [1.5] * 8


def twice(config):
    """The requirements with two agents needed where one was."""
    needs = requirements(config)
    needs.required["chat"][:] = [2 * need for need in needs.required["chat"]]
    return needs


def checked(config, needs):
    """A solve whose roster the checker accepts and whose cost the roster alone gives (helpers.solved, for given requirements)."""
    result = solve(config, needs, QUIET)
    assert check_roster(result.roster, config) == []
    assert objective_from_roster(config, needs, result) == result.objective
    return result


def test_a_need_of_two_is_two_heads_or_two_whole_persons(tmp_path: Path) -> None:
    """Two halves on a need of 2: as heads nothing is short; as weights 1 person is short through 8 hours (800)."""
    for count_weight, scheduled, objective in ((False, 2, 0), (True, 1.0, 800)):
        config = team(tmp_path, [0.5, 0.5], count_weight=count_weight)
        needs = twice(config)
        result = checked(config, needs)
        assert (result.status, result.objective, on_duty(result)) == ("OPTIMAL", objective, ["a1", "a2"])
        assert [coverage_of(result.roster, needs, config).scheduled["chat"][k] for k in DUTY] == [scheduled] * 8


def test_mix_counts_heads_not_weights(tmp_path: Path) -> None:
    """At least one engineer on chat: the half-person engineer is one head, so the two halves leave nothing short."""
    data = config_data()
    data["channels"]["chat"].update(count_weight=True, mix={"engineer": 1})
    data["agents"] = [
        {"id": "a1", "site": "nyc", "contract": "full_time", "skills": ["chat"], "weight": 0.5, "roles": ["engineer"]},
        {"id": "a2", "site": "nyc", "contract": "full_time", "skills": ["chat"], "weight": 0.5},
    ]
    config = build_config(tmp_path, data, MONDAY)
    needs, result = solved(config)
    assert (result.status, result.objective) == ("OPTIMAL", 0)
    _, digest = figures(config, needs, result)
    assert digest.mix == {"chat": {"engineer": MixFigures(at_least=1, uncovered_hours=0)}}


def test_the_headcount_relaxation_counts_each_weight_apart(tmp_path: Path) -> None:
    """Weights 0.75 and 0.5 form two groups, so the relaxation's optimum is the roster's (8), a true bound."""
    config = team(tmp_path, [0.75, 0.5])
    groups = groups_of(agent_scopes(config, shift_instances(config)), head_units=config.head_units)
    assert sorted((g.key, g.units) for g in groups) == [("nyc/chat@0.5", (50,)), ("nyc/chat@0.75", (75,))]
    model = headcount_model(config, requirements(config))
    code, solver, _ = run_search(model.model, QUIET.params)
    assert (solver.status_name(code), solver.objective_value) == ("OPTIMAL", 8)
    unweighted = team(tmp_path, [0.75, 0.5], count_weight=False)
    assert [
        g.key for g in groups_of(agent_scopes(unweighted, shift_instances(unweighted)), head_units=unweighted.head_units)
    ] == ["nyc/chat"]


def test_the_staged_search_reaches_the_same_optimum(tmp_path: Path) -> None:
    config = team(tmp_path, [0.75, 0.5])
    _, result = solved(config, replace(QUIET, staged=True))
    assert (result.status, result.objective) == ("OPTIMAL", 8)


def test_the_enumerated_optimum_with_weights(make_config) -> None:
    """Every roster of two agents (0.5, 0.75) over four days, early/late/off: the solver's optimum is the enumerated one."""
    text = EARLY_LATE.replace("start: 2026-12-07\n  days: 7", "start: 2026-12-11\n  days: 4")
    text = text.replace("max_consecutive_days: 6", "max_consecutive_days: 2")
    text = text.replace(
        "service_level: {percent: 80, within_seconds: 60}",
        "service_level: {percent: 80, within_seconds: 60}\n    count_weight: true",
    )
    text = text.replace(
        "skills: [chat]}",
        "skills: [chat], weight: 0.5}\n  - {id: a2, site: nyc, contract: full_time, skills: [chat], weight: 0.75}",
    )
    config = make_config(text, demand())
    needs = requirements(config)
    best, feasible = brute_force_optimum(config, needs)
    _, result = solved(config)
    assert feasible > 100 and (result.status, result.objective) == ("OPTIMAL", best)
    _, staged = solved(config, replace(QUIET, staged=True))
    assert staged.objective == best


def test_polish_prices_an_interval_as_the_model_does(tmp_path: Path) -> None:
    """The channel polish's interval cost: 0.5 of 1 short costs 50, nobody costs 100 + 400, 1.25 costs 1."""
    from coverage.config.schema import Weights
    from coverage.solve.polish import interval_cost

    w = Weights()
    assert [interval_cost(1, have, w, 100) for have in (50, 0, 100, 125)] == [50, 500, 0, 1]
    assert [interval_cost(1, have, w) for have in (0, 1, 2)] == [500, 0, 1]  # heads, as before
    config = team(tmp_path, [0.75, 0.5])
    needs, result = solved(config)
    assert ChannelPolish(config, needs, result.roster).cost() == result.objective  # only channel terms in this plan


def test_reach_counts_what_each_could_add(tmp_path: Path) -> None:
    config = team(tmp_path, [0.75, 0.5])
    capacity = on_duty_capacity(config, requirements(config).grid)
    assert [capacity["chat"][k] for k in DUTY] == [1.25] * 8


@pytest.mark.parametrize("weight, ok", [(0.25, True), (0.33, True), (1.5, True), (0.333, False), (0.125, False)])
def test_weights_count_in_hundredths(tmp_path: Path, weight: float, ok: bool) -> None:
    if ok:
        assert team(tmp_path, [weight]).head_units(team(tmp_path, [weight]).agents[0], "chat") == round(weight * 100)
        return
    with pytest.raises(InputError) as caught:
        team(tmp_path, [weight])
    text = str(caught.value)
    assert ": agents[0].weight: " in text and "in hundredths of a person (expected at most 2 decimals, e.g. 0.33)" in text
    team(tmp_path, [weight], count_weight=False)  # a workload weight alone may be finer


def test_the_command_line_plan_reports_the_fractions(tmp_path: Path, capsys) -> None:
    config = team(tmp_path, [0.5])
    out = tmp_path / "plan"
    assert main(["plan", str(config.source), "--out", str(out), "--time-limit", "10"]) == 0
    digest = json.loads((out / "summary.json").read_text())
    assert digest["objective"] == 400
    assert digest["uncovered_hours"] == {"chat": 0} and digest["understaffed_agent_hours"] == {"chat": 4.0}
    assert main(["verify", str(config.source), str(out / "roster.csv")]) == 0


def test_hiring_counts_what_a_hire_adds(tmp_path: Path) -> None:
    """A half-person alone on weekdays: nothing is uncovered, so no hire for that; no understaffing needs one full hire."""
    data = config_data()
    data["channels"]["chat"]["count_weight"] = True
    data["agents"][0].update(weight=0.5, max_weekends_per_period=0)
    data["candidates"] = [
        {"id": "helper", "site": "nyc", "contract": "full_time", "skills": ["chat"], "cost": 2000, "max_count": 2}
    ]
    weekdays = [row for day in range(7, 12) for row in hourly(f"2026-12-{day:02d}T14:00:00", 8)]
    config = build_config(tmp_path, data, weekdays)
    needs = requirements(config)
    for kind, hires in (("uncovered", []), ("service", ["helper"])):
        plan, result = cheapest(config, needs, QUIET, Target(kind=kind))
        assert plan is not None and result.status == "OPTIMAL"
        assert [s.profile for s in plan.steps if s.profile] == hires
        assert check_roster(plan.roster, plan.config) == []
        covered = coverage_of(plan.roster, needs, plan.config)
        assert target_met(Target(kind=kind), covered)
        if kind == "uncovered":  # a1 alone on each weekday: half a person short through 40 hours
            assert sum(covered.gap("chat")) == 20.0 and not any(covered.uncovered("chat"))
    plan = roadmap(config, needs, steps=2, options=QUIET, progress=None, target=Target(kind="service"))
    assert [(s.profile, s.target_hours_left) for s in plan.steps] == [
        (None, 20.0),
        ("helper", 0.0),
    ]  # 40 h x 0.5 short, then none
    assert plan.open == ()
