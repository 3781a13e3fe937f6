"""Tiny instances small enough to enumerate every roster, and the enumeration itself.

Shared by test_optimality (the solver's optimum equals the enumerated one)
and test_staged (so does the staged path's). Feasibility is judged by the
independent checker, cost by helpers.objective_from_roster: neither shares
code with the model.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from helpers import TINY, hourly, objective_from_roster

from coverage.check import Checker
from coverage.roster import Assignment, Roster
from coverage.solve import SolveResult
from coverage.time import local_to_utc, shift_instances

EARLY_LATE = TINY.replace(
    'day: {start: "09:00", hours: 8}', 'early: {start: "06:00", hours: 8}\n      late: {start: "14:00", hours: 8}'
)


def brute_force_optimum(config, needs) -> tuple[int, int]:
    """(best objective, number of feasible rosters) over every off/early/late choice per agent and day."""
    days = [config.plan.start + timedelta(days=k) for k in range(config.plan.days)]
    templates = config.sites["nyc"].shifts
    slots = [(agent, day) for agent in config.agents for day in days]
    best, feasible = None, 0
    checker = Checker(config)
    instances = shift_instances(config)
    for choice in itertools.product([None, *templates], repeat=len(slots)):
        roster = Roster(
            tuple(_assignment(agent, day, shift, templates[shift]) for (agent, day), shift in zip(slots, choice) if shift)
        )
        if checker.check(roster):
            continue
        feasible += 1
        cost = objective_from_roster(config, needs, SolveResult("GIVEN", roster, None, None, 0.0), instances)
        best = cost if best is None or cost < best else best
    assert best is not None
    return best, feasible


def _assignment(agent, day: date, shift: str, template) -> Assignment:
    start = local_to_utc(day, template.start, "America/New_York")
    return Assignment(agent.id, agent.site, agent.skills[0], shift, day, start, start.add(minutes=template.minutes))


def demand() -> list[tuple[str, str, float]]:
    """Fri 11 - Mon 14 Dec: early hours (11-19Z) needed Fri and Sun, late hours (19-03Z) Fri-Sun, one evening Monday."""
    return (
        hourly("2026-12-11T11:00:00", 16)
        + hourly("2026-12-12T19:00:00", 8)
        + hourly("2026-12-13T11:00:00", 16)
        + hourly("2026-12-14T22:00:00", 3)
    )


def tiny(make_config, extra_agent_keys: str = "", rules: str = "") -> object:
    text = EARLY_LATE.replace("start: 2026-12-07\n  days: 7", "start: 2026-12-11\n  days: 4")
    text = text.replace("max_consecutive_days: 6", "max_consecutive_days: 2" + rules)
    text = text.replace(
        "skills: [chat]}", f"skills: [chat]{extra_agent_keys}}}\n  - {{id: a2, site: nyc, contract: full_time, skills: [chat]}}"
    )
    return make_config(text, demand())


# (agent keys, extra rules) of each enumerated instance; test_staged solves them in stages too.
TINY_INSTANCES = [
    pytest.param("", "", id="rest-and-runs"),
    pytest.param(
        ", requests: [{on: late}, {off: any, date: 2026-12-13, weight: 30}]",
        "\n  max_weekends_per_period: 1",
        id="requests-weekends",
    ),
    pytest.param(
        ", days_off: [Sun]",
        "\n  forbidden_successions: [[early, late]]\n  min_consecutive_days_off: 2",
        id="successions-days-off",
    ),
]
