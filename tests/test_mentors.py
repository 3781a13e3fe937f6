"""Pairing: an onboarding agent works only beside one of their mentors, and different mentors where possible.

One week from Mon 2026-12-07 in New York: day 09:00-17:00 and short 10:00-14:00
(inside day), late 13:00-21:00 (overlapping day, not inside it).
"""

from __future__ import annotations

import pytest
from helpers import QUIET, TINY, hourly, solved, violations, week_config

from coverage.demand import requirements
from coverage.errors import InputError
from coverage.solve import solve
from coverage.solve.objective import most_distinct

SHIFTS = 'day: {start: "09:00", hours: 8}\n      short: {start: "10:00", hours: 4}\n      late: {start: "13:00", hours: 8}'
BASE = TINY.replace('day: {start: "09:00", hours: 8}', SHIFTS).replace(
    "skills: [chat]}",
    "skills: [chat], shifts: [short, late], mentors: [m1, m2]}\n"
    "  - {id: m1, site: nyc, contract: full_time, skills: [chat], shifts: [day]}\n"
    "  - {id: m2, site: nyc, contract: full_time, skills: [chat], shifts: [day]}",
)


def per_agent(result) -> dict[str, list[tuple[int, str]]]:
    found: dict[str, list[tuple[int, str]]] = {}
    for a in result.roster.assignments:
        found.setdefault(a.agent, []).append((a.day.day, a.shift))
    return found


def test_a_mentee_works_only_beside_a_mentor(make_config, tmp_path) -> None:
    # Two agents needed 10:00-14:00 NY (15:00-19:00Z) on Monday: a mentor's day shift and the mentee's short one.
    # The mentee's late shift would cover 13:00-14:00 too, but no mentor's shift spans 13:00-21:00.
    config = week_config(make_config, BASE, hourly("2026-12-07T15:00:00", 4, volume=4))
    needs, result = solved(config)
    assert max(needs.required["chat"]) == 2
    roster = per_agent(result)
    assert roster["a1"] == [(7, "short")]
    assert len(roster.get("m1", []) + roster.get("m2", [])) == 1
    assert violations(config, tmp_path, "a1,short,2026-12-07\n") == ["mentor"]  # alone
    assert violations(config, tmp_path, "a1,short,2026-12-07\nm1,day,2026-12-07\n") == []
    assert violations(config, tmp_path, "a1,late,2026-12-07\nm1,day,2026-12-07\n") == ["mentor"]  # 17:00-21:00 alone


def team(m1: str = "", m2: str = "", a1: str = "") -> str:
    """BASE with extra keys on each agent."""
    return (
        BASE.replace("mentors: [m1, m2]}", f"mentors: [m1, m2]{a1}}}")
        .replace(
            "{id: m1, site: nyc, contract: full_time, skills: [chat], shifts: [day]}",
            f"{{id: m1, site: nyc, contract: full_time, skills: [chat], shifts: [day]{m1}}}",
        )
        .replace(
            "{id: m2, site: nyc, contract: full_time, skills: [chat], shifts: [day]}",
            f"{{id: m2, site: nyc, contract: full_time, skills: [chat], shifts: [day]{m2}}}",
        )
    )


MON_TUE = hourly("2026-12-07T15:00:00", 4, volume=4) + hourly("2026-12-08T15:00:00", 4, volume=4)


def test_different_mentors_where_possible(make_config) -> None:
    # Two agents needed 10:00-14:00 on Mon and Tue: the mentee's short shift and a mentor's day shift each day.
    # Either mentor can work either day; different mentors cost nothing, the same one twice costs 5.
    _, result = solved(week_config(make_config, team(), MON_TUE))
    roster = per_agent(result)
    assert roster["a1"] == [(7, "short"), (8, "short")]
    assert len(roster["m1"]) == len(roster["m2"]) == 1 and roster["m1"][0][0] != roster["m2"][0][0]
    assert result.objective == 2 * 4  # each mentor's day shift is 4 h beyond the need: no pairing cost


def test_the_same_mentor_twice_costs_a_little(make_config) -> None:
    # m2 is away on both days: m1 stands beside both shifts, and m2 took no turn though a mentor of a1.
    _, result = solved(week_config(make_config, team(m2=", leave: [2026-12-07, 2026-12-08]"), MON_TUE))
    assert per_agent(result)["m1"] == [(7, "day"), (8, "day")]
    assert result.objective == 2 * 4 + 5  # weights.mentor_repeat once
    # Away on one day each, the days decide the mentors and they differ: no cost.
    _, result = solved(week_config(make_config, team(m1=", leave: [2026-12-07]", m2=", leave: [2026-12-08]"), MON_TUE))
    assert per_agent(result)["m2"] == [(7, "day")] and per_agent(result)["m1"] == [(8, "day")]
    assert result.objective == 2 * 4


def test_most_distinct_by_hand() -> None:
    assert most_distinct([{"m1"}, {"m1"}, {"m1", "m2"}]) == 2
    assert most_distinct([{"m1"}, {"m1"}]) == 1
    assert most_distinct([set(), {"m2", "m3"}, {"m2"}]) == 2
    assert most_distinct([]) == 0


def test_no_mentor_on_duty_is_named_when_no_roster_exists(make_config) -> None:
    # a1 must work 4 h a week, but neither mentor works at all this week.
    away = ", leave: [{from: 2026-12-07, to: 2026-12-13}]"
    text = team(m1=away, m2=away).replace("{min: 0, max: 40}", "{min: 4, max: 40}")
    config = make_config(text)
    result = solve(config, requirements(config), QUIET)
    assert result.status == "INFEASIBLE"
    assert "agent a1: one of their mentors (m1, m2) on duty over each of their shifts" in result.reasons


def test_mentors_are_agents_of_the_plan(make_config) -> None:
    with pytest.raises(InputError) as caught:
        make_config(BASE.replace("mentors: [m1, m2]", "mentors: [m1, a1, zed]"))
    assert [(p.where, p.what) for p in caught.value.problems] == [
        ("agents[0].mentors[1]", "agent a1 cannot mentor themselves (expected another agent's id)"),
        ("agents[0].mentors[2]", "unknown agent 'zed' (expected an agent id of this plan)"),
    ]
