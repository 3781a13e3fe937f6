"""Planning hires: the roadmap's steps against numbers worked out by hand.

One week in New York. One agent is needed 09:00-17:00 every day and
17:00-21:00 Monday to Friday. Today's agent works the day shift Monday to
Friday (no weekends), so 2 x 8 = 16 weekend hours and 5 x 4 = 20 evening
hours are uncovered: 36 hours. An evening hire closes 20 of them, a weekend
hire 16: the best first hire is the evening one, then the weekend one.
"""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import QUIET, TINY, hourly, nine_to_five_new_york

import coverage.hires as hires_module
from coverage.check import check_roster
from coverage.cli import main
from coverage.demand import requirements
from coverage.errors import InputError
from coverage.gaps import coverage_of
from coverage.hires import cheapest, out_of_reach_lines, roadmap
from coverage.hiringspec import within
from coverage.reach import on_duty_capacity, reachability
from coverage.roster import Roster
from coverage.solve import SolveResult, Target

ROOT = Path(__file__).resolve().parent.parent

TEAM = TINY.replace(
    'day: {start: "09:00", hours: 8}', 'day: {start: "09:00", hours: 8}\n      evening: {start: "17:00", hours: 4}'
)
TEAM = TEAM.replace("skills: [chat]}", "skills: [chat], shifts: [day], max_weekends_per_period: 0}")
TEAM = TEAM.replace(
    "contracts:\n",
    "contracts:\n  part_time: {hours_per_week: {min: 0, max: 20}, max_days_per_week: 5}\n",
)
CANDIDATES = """\
candidates:
  - {id: evening, site: nyc, contract: part_time, skills: [chat], shifts: [evening], cost: 3000, max_count: 2}
  - {id: weekend, site: nyc, contract: part_time, skills: [chat], shifts: [day], cost: 2000, max_count: 2}
"""


def demand() -> list[tuple[str, str, float]]:
    rows = nine_to_five_new_york(range(7, 14))  # 09:00-17:00 every day
    for day in range(7, 12):
        rows += hourly(f"2026-12-{day:02d}T22:00:00", 4)  # 17:00-21:00 Mon-Fri
    return rows


def test_roadmap_takes_the_hire_that_closes_most_first(make_config) -> None:
    config = make_config(TEAM + CANDIDATES, demand())
    plan = roadmap(config, requirements(config), steps=4, options=QUIET, progress=None)
    assert [(s.step, s.profile, s.closed_hours, s.uncovered_hours) for s in plan.steps] == [
        (0, None, 0, 36),
        (1, "evening", 20, 16),
        (2, "weekend", 16, 0),
    ]
    assert [s.weekend_uncovered_hours for s in plan.steps] == [16, 16, 0]
    assert plan.steps[-1].total_cost == 5000
    assert check_roster(plan.roster, plan.config) == []  # hires work under the same rules as everyone


def test_cheapest_set_reaching_zero_uncovered(make_config) -> None:
    config = make_config(TEAM + CANDIDATES, demand())
    plan, result = cheapest(config, requirements(config), QUIET)
    assert plan is not None and result.status == "OPTIMAL"
    assert sorted(s.profile for s in plan.steps) == ["evening", "weekend"]
    assert plan.steps[-1].uncovered_hours == 0 and plan.steps[-1].total_cost == 5000


def test_cheapest_set_says_which_hours_no_team_can_reach(make_config) -> None:
    """Both profiles work evenings only, and a1 never works weekends: nobody can reach the 16 weekend
    hours. The cheapest set is asked for the rest (the evening hire, 2,000: the cheaper profile), and
    the weekend hours come back as out of reach, in New York clock time."""
    config = make_config(TEAM + CANDIDATES.replace("shifts: [day], cost: 2000", "shifts: [evening], cost: 2000"), demand())
    needs = requirements(config)
    plan, result = cheapest(config, needs, QUIET)
    assert plan is not None and result.status == "OPTIMAL" and plan.out_of_reach
    assert [(s.profile, s.total_cost, s.uncovered_hours) for s in plan.steps] == [("weekend", 2000, 16)]
    [left] = plan.open
    assert (left.why, left.hours) == ("unreachable", 16)
    lines = out_of_reach_lines(left, plan.reach, config, needs)
    assert lines[0] == (
        "target out of reach: no shift of today's team or of any candidate reaches these 16 h of it "
        "(every needed interval with somebody on duty):"
    )
    assert lines[1] == "  chat: Sat–Sun 09:00–17:00 America/New_York (2 days, 16 h)"
    assert lines[2].startswith(
        "  shifts over these hours: nyc day (09:00 local, 8 h) — add a candidate with chat who may work one"
    )


def test_cheapest_set_says_when_rules_keep_every_hire_off_the_target(make_config) -> None:
    """The weekend profile may work the day shift, so the weekend is within reach on paper, but its
    contract allows 4 hours a week and the shift is 8: only the solver can tell, and says so."""
    text = TEAM + CANDIDATES.replace(
        "contract: part_time, skills: [chat], shifts: [day]", "contract: tiny, skills: [chat], shifts: [day]"
    )
    config = make_config(
        text.replace("contracts:\n", "contracts:\n  tiny: {hours_per_week: {min: 0, max: 4}, max_days_per_week: 5}\n"), demand()
    )
    plan, result = cheapest(config, requirements(config), QUIET)
    assert plan is None and result.status == "INFEASIBLE"
    assert result.reasons == ["no choice of hires reaches the target (every needed interval with somebody on duty)"]


def test_hires_without_candidates_is_bad_input(make_config) -> None:
    config = make_config(TEAM, demand())
    with pytest.raises(InputError, match="no hire profiles"):
        roadmap(config, requirements(config), steps=2, options=QUIET)


def test_hires_command_writes_the_roadmap(tmp_path, make_config, capsys) -> None:
    config = make_config(TEAM + CANDIDATES, demand())
    out = tmp_path / "hires"
    assert main(["hires", str(config.source), "--out", str(out), "--time-limit", "10", "--workers", "2"]) == 0
    text = (out / "hires.csv").read_text().splitlines()
    assert text[0].startswith("step,hire,profile,site,shifts,cost,total_cost,uncovered_hours")
    assert [line.split(",")[2] for line in text[1:]] == ["", "evening", "weekend"]
    assert (out / "hires.png").stat().st_size > 10_000 and (out / "roster.csv").exists()
    assert "evening-1" in capsys.readouterr().out


@pytest.mark.slow
def test_nine_to_five_reaches_24_7() -> None:
    from coverage.config import load_config

    config = load_config(ROOT / "configs" / "nine-to-five.yaml")
    plan = roadmap(config, requirements(config), steps=8, options=QUIET, progress=None)
    assert plan.steps[0].uncovered_hours == 512
    assert plan.steps[-1].uncovered_hours == 0
    assert {config.sites[s.site].timezone for s in plan.steps[1:]} <= {
        "America/New_York",
        "America/Los_Angeles",
        "Europe/Dublin",
        "Asia/Manila",
    }


def test_attrition_names_the_loss_that_opens_the_largest_gap(make_config) -> None:
    from coverage.hires import attrition

    text = TEAM.replace(
        "skills: [chat], shifts: [day], max_weekends_per_period: 0}",
        "skills: [chat], shifts: [day], max_weekends_per_period: 0}\n"
        "  - {id: eve, site: nyc, contract: part_time, skills: [chat], shifts: [evening]}",
    )
    config = make_config(text, demand())
    losses = attrition(config, requirements(config), QUIET, processes=2)
    # Whole team: 16 weekend hours open. Without a1: + 40 day hours; without eve: + 20 evening hours.
    # Without the one site, nyc: nobody left, all 56 + 20 needed hours open, + 60 (the row was missing).
    assert [(loss.lost, loss.agents, loss.opened_hours) for loss in losses] == [
        ("site nyc", 0, 60),
        ("agent a1", 1, 40),
        ("agent eve", 1, 20),
    ]


def test_report_html_carries_the_roadmap(tmp_path, make_config) -> None:
    config = make_config(TEAM + CANDIDATES, demand())
    out = tmp_path / "hires"
    assert main(["hires", str(config.source), "--out", str(out), "--time-limit", "10", "--workers", "2"]) == 0
    page = (out / "report.html").read_text()
    assert 'id="hires-table"' in page and "evening-1" in page and "weekend-1" in page


def test_targets_ratio_and_channels(make_config, capsys) -> None:
    from coverage.solve import Target

    config = make_config(TEAM + CANDIDATES, demand())
    needs = requirements(config)
    # 76 required agent-hours (56 day + 20 evening); today's team meets 40 of them. 90 % needs 68.4:
    # the evening hire (20 h) brings 60, not enough; the weekend hire (16 h) brings 56; both are needed.
    plan, _ = cheapest(config, needs, QUIET, Target(kind="ratio", ratio=0.9))
    assert sorted(s.profile for s in plan.steps) == ["evening", "weekend"]
    # 75 % needs 57: the evening hire alone (60) is enough, and it is the one that reaches it.
    plan, _ = cheapest(config, needs, QUIET, Target(kind="ratio", ratio=0.75))
    assert [s.profile for s in plan.steps] == ["evening"]
    assert main(["hires", str(config.source), "--out", "/tmp/never", "--target", "ratio:2"]) == 2
    assert main(["hires", str(config.source), "--out", "/tmp/never", "--channels", "fax"]) == 2
    err = capsys.readouterr().err
    assert "the ratio must be a number in (0, 1]" in err and "unknown channel 'fax'" in err


# --------------------------------------------------------------------------- targets within local hours
#
# The plan week runs from Monday 7 December 00:00 New York (05:00Z) for 168 hourly
# intervals. Needed: 09:00-17:00 New York every day (14:00-22:00Z = 14:00-22:00
# London = 22:00-06:00 Manila) and 17:00-21:00 Mon-Fri (22:00-02:00Z = 22:00-02:00
# London, overnight there = 06:00-10:00 Manila). Today's agent works the weekday
# days, so 16 weekend hours and 20 evening hours are uncovered.

FAST = replace(QUIET, time_limit_seconds=10)


def _target(config, *specs: str, **fields) -> Target:
    intervals, where = within(list(specs), config)
    return Target(intervals=intervals, where=where, **fields)


def test_within_picks_local_hours_of_any_zone(make_config) -> None:
    config = make_config(TEAM + CANDIDATES, demand())
    weekend, words = within(["America/New_York:weekend"], config)
    assert weekend == frozenset(range(120, 168)) and words == "on weekends (Sat/Sun) in America/New_York"
    # 06:00-10:00 Manila on each of the 7 Manila mornings inside the week (it starts 13:00 Manila).
    assert len(within(["Asia/Manila:06:00-10:00"], config)[0]) == 28
    # A window may wrap midnight: 20:00-02:00 New York is 6 hours a day.
    assert len(within(["America/New_York:20:00-02:00"], config)[0]) == 42
    # London is not a view of this config. Overnight 22:00-06:00 London: 05:00Z on Monday,
    # 6 whole nights, then 22:00-05:00Z on the last: 1 + 48 + 7.
    night, words = within(["Europe/London:overnight"], config)
    assert len(night) == 56 and words == "overnight (22:00–06:00) in Europe/London"
    both, words = within(["America/New_York:weekend", "America/New_York:weekdays"], config)
    assert both == frozenset(range(168)) and words.count(" or ") == 1


def test_target_met_counts_only_the_target_intervals() -> None:
    import pendulum

    from coverage.gaps import Coverage
    from coverage.hires import target_gap, target_met
    from coverage.time import Grid

    grid = Grid(start=pendulum.datetime(2026, 12, 7, 5), minutes=60, count=4)
    coverage = Coverage(grid, required={"chat": [1, 1, 0, 2]}, scheduled={"chat": [0, 1, 0, 1]})
    assert not target_met(Target(), coverage)  # interval 0: needed, nobody there
    assert target_met(Target(intervals=frozenset({1, 2, 3})), coverage)  # 3 is short, not uncovered
    assert not target_met(Target(kind="service", intervals=frozenset({1, 3})), coverage)
    assert target_gap(Target(kind="service", intervals=frozenset({1, 3})), coverage) == 1
    assert target_met(Target(kind="service", intervals=frozenset({1, 2})), coverage)
    # Interval 3 alone: 1 of 2 agent-hours met. 50 % is met; 75 % misses 0.5 agent-hours.
    assert target_met(Target(kind="ratio", ratio=0.5, intervals=frozenset({3})), coverage)
    assert target_gap(Target(kind="ratio", ratio=0.75, intervals=frozenset({3})), coverage) == 0.5
    assert target_met(Target(intervals=frozenset({0}), channels=frozenset({"email"})), coverage)


def test_weekend_target_is_met_by_the_weekend_hire_alone(make_config) -> None:
    config = make_config(TEAM + CANDIDATES, demand())
    needs = requirements(config)
    # Whole week: both hires, 5,000. Weekends in New York: the weekend hire, 2,000,
    # leaving the 20 weekday evening hours (outside the target) uncovered.
    plan, result = cheapest(config, needs, FAST, _target(config, "America/New_York:weekend"))
    assert result.status == "OPTIMAL"
    assert [(s.profile, s.total_cost, s.uncovered_hours, s.weekend_uncovered_hours, s.target_hours_left) for s in plan.steps] == [
        ("weekend", 2000, 20, 0, 0)
    ]
    # Overnight in London are the New York evenings: the evening hire, 3,000; 16 weekend hours stay open.
    plan, _ = cheapest(config, needs, FAST, _target(config, "Europe/London:overnight"))
    assert [(s.profile, s.total_cost, s.uncovered_hours, s.target_hours_left) for s in plan.steps] == [("evening", 3000, 16, 0)]


def test_roadmap_closes_target_hours_first(make_config) -> None:
    config = make_config(TEAM + CANDIDATES, demand())
    # Unrestricted, the evening hire comes first (closes 20 > 16). With weekends in New York
    # as the target the weekend hire does, and the roadmap stops there: target met.
    plan = roadmap(
        config, requirements(config), steps=4, options=FAST, progress=None, target=_target(config, "America/New_York:weekend")
    )
    assert [(s.step, s.profile, s.closed_hours, s.uncovered_hours, s.target_hours_left) for s in plan.steps] == [
        (0, None, 0, 36, 16),
        (1, "weekend", 16, 20, 0),
    ]


def test_ratio_within_a_local_window(make_config) -> None:
    config = make_config(TEAM + CANDIDATES, demand())
    needs = requirements(config)
    # 08:00-20:00 New York holds 56 day hours and 5 x 3 evening hours (17-20): 71 agent-hours,
    # 40 met today. 75 % is 53.25: the weekend hire brings 56, the evening hire 55 (its 20:00
    # hours are outside), so the cheaper weekend hire is enough, unlike over the whole day
    # (test_targets_ratio_and_channels: 75 % of 76 needs the evening hire).
    target = _target(config, "America/New_York:08:00-20:00", kind="ratio", ratio=0.75)
    plan, _ = cheapest(config, needs, FAST, target)
    assert [(s.profile, s.total_cost, s.target_hours_left) for s in plan.steps] == [("weekend", 2000, 0)]
    # The roadmap: today 53.25 - 40 = 13.25 agent-hours short of 75 %; the weekend hire closes more of
    # the window (16 > 15) and reaches it.
    plan = roadmap(config, needs, steps=4, options=FAST, progress=None, target=target)
    assert [(s.profile, s.target_hours_left) for s in plan.steps] == [(None, 13.25), ("weekend", 0)]


def test_no_hire_reaches_a_weekend_target_says_where(make_config) -> None:
    config = make_config(TEAM + CANDIDATES.replace("shifts: [day], cost: 2000", "shifts: [evening], cost: 2000"), demand())
    needs = requirements(config)
    plan, result = cheapest(config, needs, FAST, _target(config, "America/New_York:weekend"))
    # Every target hour is out of reach: nobody is hired, and the weekend days are named.
    assert plan is not None and plan.steps == [] and plan.out_of_reach
    assert out_of_reach_lines(plan.open[0], plan.reach, config, needs)[:2] == [
        "target out of reach: no shift of today's team or of any candidate reaches these 16 h of it (every needed "
        "interval with somebody on duty on weekends (Sat/Sun) in America/New_York):",
        "  chat: Sat–Sun 09:00–17:00 America/New_York (2 days, 16 h)",
    ]
    # On the clock the target was asked on (--within's zone), not necessarily the first view.
    london = replace(plan.reach, target=replace(plan.reach.target, zone="Europe/London"))
    assert (
        out_of_reach_lines(plan.open[0], london, config, needs)[1] == "  chat: Sat–Sun 14:00–22:00 Europe/London (2 days, 16 h)"
    )


def test_hires_command_within(tmp_path, make_config, capsys) -> None:
    config = make_config(TEAM + CANDIDATES, demand())
    out = tmp_path / "hires"
    assert (
        main(
            [
                "hires",
                str(config.source),
                "--out",
                str(out),
                "--cheapest",
                "--within",
                "America/New_York:weekend",
                "--time-limit",
                "10",
                "--workers",
                "2",
            ]
        )
        == 0
    )
    lines = (out / "hires.csv").read_text().splitlines()
    assert lines[0].endswith(",status,seconds,target_hours_left")
    assert [(row[2], row[7], row[-1]) for row in (line.split(",") for line in lines[1:])] == [("weekend", "20", "0")]
    printed = capsys.readouterr().out
    assert "target: every needed interval with somebody on duty on weekends (Sat/Sun) in America/New_York" in printed
    for spec, message in [
        ("Mars/Base:weekend", "--within: 'Mars/Base:weekend': unknown time zone 'Mars/Base' (expected an IANA name"),
        ("America/New_York:8-20", "--within: 'America/New_York:8-20': '8-20' is not a choice of hours (expected"),
        ("Europe/London:09:00-09:00", "'09:00-09:00' is an empty window"),
        ("Europe", "unknown time zone 'Europe'"),
    ]:
        assert main(["hires", str(config.source), "--out", str(tmp_path / "never"), "--within", spec]) == 2
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
        assert err.startswith("covplan hires:?: --within: ")


def test_a_candidate_of_two_shift_lengths_works_only_if_hired(make_config) -> None:
    """A candidate with 8- and 4-hour shifts and 12-20 hours a week gets the hull of its shift counts
    (among them day + evening >= 2), which must hold only if hired: step 0, with nobody hired, still
    finds a roster, and the hire then closes 20 of the 36 hours (five evenings, or two weekend days
    and an evening)."""
    text = TEAM.replace("part_time: {hours_per_week: {min: 0, max: 20}", "part_time: {hours_per_week: {min: 12, max: 20}")
    text += "candidates:\n  - {id: flex, site: nyc, contract: part_time, skills: [chat], shifts: [day, evening], cost: 3000, max_count: 1}\n"
    config = make_config(text, demand())
    plan = roadmap(config, requirements(config), steps=1, options=QUIET, progress=None)
    assert [(s.step, s.profile, s.closed_hours, s.uncovered_hours) for s in plan.steps] == [(0, None, 0, 36), (1, "flex", 20, 16)]
    assert check_roster(plan.roster, plan.config) == []


# --------------------------------------------------------------------------- nothing lost, nothing silent
#
# Add one agent needed 02:00-06:00 New York every night (07:00-11:00Z). No site has a shift over
# those hours: no hire can ever close them. 64 h are uncovered today: 20 evening, 16 weekend, 28 night.


def night_demand() -> list[tuple[str, str, float]]:
    rows = demand()
    for day in range(7, 14):
        rows += hourly(f"2026-12-{day:02d}T07:00:00", 4)
    return rows


def test_reachability_finds_the_hours_no_shift_touches(make_config) -> None:
    config = make_config(TEAM + CANDIDATES, night_demand())
    needs = requirements(config)
    reach = reachability(config.with_candidates(), needs, Target())
    assert sorted(reach.unreachable) == [("chat", 24 * day + hour) for day in range(7) for hour in (2, 3, 4, 5)]
    # Day shifts (a1 weekdays only: max_weekends_per_period 0; two weekend hires every day), evenings (two hires).
    capacity = on_duty_capacity(config.with_candidates(), needs.grid)["chat"]
    assert [capacity[k] for k in (9, 16, 17, 20, 21, 2)] == [3, 3, 2, 2, 0, 0]  # Monday, New York hours
    assert [capacity[24 * 5 + k] for k in (9, 17)] == [2, 2]  # Saturday: not a1
    # The target without those hours is what hires are asked for.
    assert reach.aim().counts("chat", 9) and not reach.aim().counts("chat", 2)


def test_roadmap_takes_no_step_that_closes_no_target_hour(make_config) -> None:
    """Overnight in New York (22:00-06:00) needs only the 28 night hours, and no hire reaches them: the
    roadmap hires nobody (it hired all four candidates before) and names the hours."""
    config = make_config(TEAM + CANDIDATES, night_demand())
    needs = requirements(config)
    plan = roadmap(config, needs, steps=4, options=FAST, progress=None, target=_target(config, "America/New_York:overnight"))
    assert [(s.step, s.hire, s.target_hours_left) for s in plan.steps] == [(0, None, 28)]
    assert [(o.why, o.hours) for o in plan.open] == [("unreachable", 28)] and plan.out_of_reach
    assert out_of_reach_lines(plan.open[0], plan.reach, config, needs)[1:] == [
        "  chat: Mon–Sun 02:00–06:00 America/New_York (7 days, 28 h)",
        "  no site has a shift over these hours: add one (sites.NAME.shifts) and a candidate with chat who works it, "
        "or leave these hours out of the target",
    ]


def test_roadmap_stops_when_the_rest_is_out_of_reach(make_config) -> None:
    """Every hour: the evening and weekend hires close 36 of the 64; the 28 night hours are out of reach,
    so the roadmap stops there instead of hiring the second evening and weekend candidates."""
    config = make_config(TEAM + CANDIDATES, night_demand())
    plan = roadmap(config, requirements(config), steps=4, options=FAST, progress=None)
    assert [(s.profile, s.closed_hours, s.uncovered_hours) for s in plan.steps] == [
        (None, 0, 64),
        ("evening", 20, 44),
        ("weekend", 16, 28),
    ]
    assert [(o.why, o.hours) for o in plan.open] == [("unreachable", 28)]


def test_roadmap_says_when_rules_keep_every_further_hire_off_the_target(make_config) -> None:
    """The weekend profile may work the day shift (so the weekend is within reach on paper) but its
    contract allows 4 hours a week: after the evening hire no hire closes more, and the 16 weekend hours
    are named as left open, not silently kept."""
    text = TEAM + CANDIDATES.replace(
        "contract: part_time, skills: [chat], shifts: [day]", "contract: tiny, skills: [chat], shifts: [day]"
    )
    config = make_config(
        text.replace("contracts:\n", "contracts:\n  tiny: {hours_per_week: {min: 0, max: 4}, max_days_per_week: 5}\n"), demand()
    )
    needs = requirements(config)
    plan = roadmap(config, needs, steps=4, options=FAST, progress=None)
    assert [(s.profile, s.uncovered_hours) for s in plan.steps] == [(None, 36), ("evening", 16)]
    [left] = plan.open
    assert (left.why, left.hours, plan.out_of_reach) == ("no_hire", 16, True)
    lines = out_of_reach_lines(left, plan.reach, config, needs)
    assert lines[0] == (
        "target not met: 16 h of it (every needed interval with somebody on duty) stay open and no further "
        "hire closes any of them (the candidates' rules and contracts keep one more hire off them):"
    )
    assert lines[1] == "  chat: Sat–Sun 09:00–17:00 America/New_York (2 days, 16 h)"


def test_a_break_window_reaches_every_slot_some_break_spares(make_config) -> None:
    """A 9 h shift from 09:00 with a 60-minute break at a fixed time leaves its middle hour empty; with a
    break window of 3-5 h the agent can be on duty in any of its hours (as a break elsewhere spares it)."""
    fixed = TINY.replace('day: {start: "09:00", hours: 8}', 'day: {start: "09:00", hours: 9, unpaid_break_minutes: 60}')
    config = make_config(fixed)
    monday = on_duty_capacity(config, requirements(config).grid)["chat"][:24]
    assert [h for h, n in enumerate(monday) if n] == [9, 10, 11, 12, 14, 15, 16, 17]
    window = fixed.replace("unpaid_break_minutes: 60}", "unpaid_break_minutes: 60, break_window: {earliest: 3, latest: 5}}")
    config = make_config(window)
    monday = on_duty_capacity(config, requirements(config).grid)["chat"][:24]
    assert [h for h, n in enumerate(monday) if n] == list(range(9, 18))


def test_a_roadmap_cut_short_by_steps_says_what_is_left_but_is_no_failure(make_config) -> None:
    config = make_config(TEAM + CANDIDATES, demand())
    needs = requirements(config)
    plan = roadmap(config, needs, steps=1, options=FAST, progress=None)
    assert [s.profile for s in plan.steps] == [None, "evening"]
    assert [(o.why, o.hours) for o in plan.open] == [("steps", 16)] and not plan.out_of_reach
    assert out_of_reach_lines(plan.open[0], plan.reach, config, needs) == [
        "target not met within --steps: 16 h of it left (every needed interval with somebody on duty); more steps may close them:",
        "  chat: Sat–Sun 09:00–17:00 America/New_York (2 days, 16 h)",
    ]


def test_plan_hires_step_zero_and_gaps_give_the_same_figures(tmp_path) -> None:
    """One team, one set of figures: `plan`, the roadmap's step 0 (today's team) and `gaps` on plan's own roster report
    the same clock hours in the first view, per channel and for the email queue — on a chat-and-email team whose
    search stops at its (deterministic) time limit, so only the same model and search can give the same roster."""
    import json

    import yaml

    from coverage.config import load_config
    from coverage.solve import SolveParams

    source = Path(__file__).resolve().parent.parent / "configs"
    data = yaml.safe_load((source / "three-sites.yaml").read_text())
    data["forecast"]["file"] = str(source / "three-sites-forecast.csv")
    data["candidates"] = [
        {"id": "manila-late", "site": "manila", "contract": "full_time", "skills": ["chat", "email"], "cost": 2000}
    ]
    config_file = tmp_path / "team.yaml"
    config_file.write_text(yaml.safe_dump(data, sort_keys=False))
    assert (
        main(["plan", str(config_file), "--out", str(tmp_path / "plan"), "--quiet", "--deterministic", "--time-limit", "4"]) == 0
    )
    assert main(["gaps", str(config_file), str(tmp_path / "plan" / "roster.csv"), "--out", str(tmp_path / "gaps")]) == 0
    planned, gapped = (json.loads((tmp_path / out / "summary.json").read_text()) for out in ("plan", "gaps"))
    config = load_config(config_file)
    params = SolveParams(time_limit_seconds=4, seed=config.plan.seed, workers=config.plan.workers, deterministic=True)
    today = roadmap(config, requirements(config), 0, params, progress=None).steps[0]
    headline = ("uncovered_hours", "weekend_uncovered_hours", "overnight_uncovered_hours")
    ny = "America/New_York"
    assert (
        [planned["views"][ny][k] for k in headline]
        == [gapped["views"][ny][k] for k in headline]
        == [today.uncovered_hours, today.weekend_uncovered_hours, today.overnight_uncovered_hours]
    )
    assert planned["views"] == gapped["views"] and planned["backlog"] == gapped["backlog"]


def test_a_step_whose_search_runs_out_of_time_is_not_called_out_of_reach(make_config, monkeypatch) -> None:
    """The weekend hire closes the last 16 h (see the test above), but here the second step's search ends at its
    time limit with no roster (status UNKNOWN, as a loaded machine gives it): nothing proves that no hire closes
    them, so the roadmap must not say the candidates' rules keep one off, nor exit 1 as if out of reach."""
    config = make_config(TEAM + CANDIDATES, demand())
    needs = requirements(config)
    real = hires_module._solve

    def slow_second_step(config, requirements, options, hiring):  # type: ignore[no-untyped-def]
        if hiring.max_hires == 2:
            return SolveResult("UNKNOWN", None, None, None, 10.0)
        return real(config, requirements, options, hiring)

    monkeypatch.setattr(hires_module, "_solve", slow_second_step)
    plan = roadmap(config, needs, steps=4, options=FAST, progress=None)
    assert [s.profile for s in plan.steps] == [None, "evening"]
    assert [(o.why, o.hours) for o in plan.open] == [("time_limit", 16)] and not plan.out_of_reach
    assert out_of_reach_lines(plan.open[0], plan.reach, config, needs) == [
        "target not met within the time limit: 16 h of it left (every needed interval with somebody on duty); "
        "the next step's search ended without a roster, and a longer --time-limit may close them:",
        "  chat: Sat–Sun 09:00–17:00 America/New_York (2 days, 16 h)",
    ]


def test_the_roster_hires_publishes_passes_verify_and_gaps_with_the_same_config(tmp_path, make_config, capsys) -> None:
    """`covplan hires` publishes the final team's roster.csv, hires (evening-1, weekend-1) included. Run through
    `verify` and `gaps` with the config the manager has, it was refused: "unknown agent 'evening-1'", exit 2. A
    hire in the roster is its candidate profile's agent, checked under that profile's contract and shifts."""
    config = make_config(TEAM + CANDIDATES, demand())
    out = tmp_path / "hires"
    assert main(["hires", str(config.source), "--out", str(out), "--time-limit", "10", "--workers", "2"]) == 0
    roster = out / "roster.csv"
    assert {"evening-1", "weekend-1"} <= {row.split(",")[0] for row in roster.read_text().splitlines()[1:]}
    capsys.readouterr()
    assert main(["verify", str(config.source), str(roster)]) == 0
    assert capsys.readouterr().out.strip().endswith("every hard rule holds")
    assert main(["gaps", str(config.source), str(roster), "--out", str(tmp_path / "gaps")]) == 0
    figures = json.loads((tmp_path / "gaps" / "summary.json").read_text())
    assert figures["views"]["America/New_York"]["uncovered_hours"] == 0  # the final team covers all 36 hours
    # A hire breaking its profile's contract (part_time: 20 h a week) is a violation like anyone's.
    lines = roster.read_text().splitlines()
    # one more evening shift on a day evening-1 does not work yet (Mon-Fri: the evenings needed): 6 x 4 = 24 h > 20 h
    worked = {line.split(",")[4] for line in lines[1:] if line.startswith("evening-1,")}
    free = next(f"2026-12-{d:02d}" for d in range(7, 14) if f"2026-12-{d:02d}" not in worked)
    roster.write_text("\n".join([*lines, f"evening-1,nyc,chat,evening,{free}"]) + "\n")
    assert main(["verify", str(config.source), str(roster)]) == 1
    assert "agent evening-1: works 24.0 paid hours in the week of Monday 2026-12-07 (maximum 20 h)" in capsys.readouterr().out


# The same team and candidates with email only (6 minutes each, answered within 2 h) in place of chat.
EMAIL_TEAM = TEAM.replace(
    "chat:\n    kind: realtime\n    aht_seconds: 360\n    service_level: {percent: 80, within_seconds: 60}",
    "email:\n    kind: backlog\n    aht_seconds: 360\n    respond_within_hours: 2",
).replace("skills: [chat]", "skills: [email]") + CANDIDATES.replace("skills: [chat]", "skills: [email]")


def test_cheapest_set_answers_the_email_its_target_counts(make_config) -> None:
    """Email only (6 minutes each, answered within 2 h): a1 works Mon–Fri 09:00–17:00 New York, and one email
    arrives at 18:00 on Monday (23:00Z) and one at 19:00 on Tuesday. Both wait for a1's next morning, 15 h, so both
    hours count as uncovered, and only the evening profile (17:00–21:00, cost 3,000) answers them in time.
    The cheapest set for "no needed hour without somebody" is that one hire: the search counted the target's
    realtime hours only, hired nobody, and called it OPTIMAL with 2 h of email still late."""
    forecast = [("2026-12-07T23:00:00", "email", 1.0), ("2026-12-09T00:00:00", "email", 1.0)]
    config = make_config(EMAIL_TEAM, forecast)
    needs = requirements(config)
    before = coverage_of(Roster(()), needs, config)
    assert [k for k, late in enumerate(before.uncovered("email")) if late] == [18, 43]  # 18:00 Mon, 19:00 Tue (New York)
    plan, result = cheapest(config, needs, QUIET)
    assert plan is not None and result.status == "OPTIMAL"
    assert [(s.profile, s.total_cost, s.uncovered_hours, s.target_hours_left) for s in plan.steps] == [("evening", 3000, 0, 0)]
    assert check_roster(plan.roster, plan.config) == []


def test_email_nobody_could_answer_in_time_is_out_of_reach_not_infeasible(make_config) -> None:
    """As above, plus an email at 03:00 on Wednesday: due by 05:00, when no shift of anybody's is on (day 09:00,
    evening 17:00). That hour is out of reach, said as such; the cheapest set is still the evening hire for the rest."""
    forecast = [("2026-12-07T23:00:00", "email", 1.0), ("2026-12-09T08:00:00", "email", 1.0)]
    config = make_config(EMAIL_TEAM, forecast)
    needs = requirements(config)
    plan, result = cheapest(config, needs, QUIET)
    assert plan is not None and result.status == "OPTIMAL" and plan.out_of_reach
    assert [(s.profile, s.total_cost, s.uncovered_hours) for s in plan.steps] == [("evening", 3000, 1)]
    [left] = plan.open
    assert (left.why, left.hours) == ("unreachable", 1)
    lines = out_of_reach_lines(left, plan.reach, config, needs)
    assert lines[1] == "  email: Wed 03:00–04:00 America/New_York (1 day, 1 h)"


def test_the_cheapest_set_claims_no_hours_closed_per_hire(tmp_path, make_config, capsys) -> None:
    """The cheapest set is a set: each row shows the final team (0 h left), and no hire's own share is known. Its
    rows said "closes 0" for both hires, which between them close the 36 h today's team leaves open (see the
    roadmap test: 20 and 16)."""
    config = make_config(TEAM + CANDIDATES, demand())
    out = tmp_path / "hires"
    assert main(["hires", str(config.source), "--out", str(out), "--cheapest", "--time-limit", "10", "--workers", "2"]) == 0
    rows = list(csv.DictReader((out / "hires.csv").open()))
    assert [(r["profile"], r["closed_hours"], r["uncovered_hours"]) for r in rows] == [("evening", "", "0"), ("weekend", "", "0")]
    printed = capsys.readouterr().out.splitlines()
    assert [line.split()[3] for line in printed[1:3]] == ["—", "—"]
    assert "The cheapest set of hires reaching the target" in (out / "report.html").read_text()


def test_hours_only_a_holiday_keeps_out_of_reach_say_so(make_config) -> None:
    """Christmas week in New York (US holidays): chat is needed 09:00–17:00 on Friday 25 December only, and neither
    a1 nor either profile works public holidays. The advice was "add a candidate who may work nyc day", which the
    weekend profile already may: the holiday is what keeps everyone off, and `works_holidays: true` is the fix."""
    text = TEAM.replace("start: 2026-12-07", "start: 2026-12-21").replace(
        "    timezone: America/New_York\n    shifts:", "    timezone: America/New_York\n    holidays: US\n    shifts:"
    )
    config = make_config(text + CANDIDATES, nine_to_five_new_york(range(25, 26)))
    needs = requirements(config)
    plan, _ = cheapest(config, needs, QUIET)
    assert plan is not None and plan.out_of_reach
    [left] = plan.open
    lines = out_of_reach_lines(left, plan.reach, config, needs)
    assert lines[1] == "  chat: Fri 09:00–17:00 America/New_York (1 day, 8 h)"
    assert lines[2] == (
        "  shifts over these hours: nyc day (09:00 local, 8 h) — they fall on public holidays (nyc Fri 25 Dec): a "
        "candidate with works_holidays: true may work them, or leave these hours out of the target"
    )
    # an hour no shift reaches at all (03:00 on Wednesday) beside them: the holiday is one reason among others
    config = make_config(text + CANDIDATES, nine_to_five_new_york(range(25, 26)) + hourly("2026-12-23T08:00:00", 1))
    needs = requirements(config)
    plan, _ = cheapest(config, needs, QUIET)
    assert plan is not None
    [left] = plan.open
    assert out_of_reach_lines(left, plan.reach, config, needs)[-1] == (
        "  shifts over these hours: nyc day (09:00 local, 8 h) — add a candidate with chat who may work one (candidates: "
        "site, skills, shifts; a limit of 0 weekends or nights, or a public holiday (nyc Fri 25 Dec) without "
        "works_holidays, keeps one off), or leave these hours out of the target"
    )


def test_the_columns_of_a_within_roadmap_are_on_its_zones_clock(make_config) -> None:
    """Manila's weekend (+13 h) is Fri 11:00 to Sun 11:00 in New York: needed and open there are Fri 17:00–21:00,
    Sat 09:00–17:00 and Sun 09:00–11:00, 14 h. The roadmap's weekend column counted New York's weekend (16 h
    at step 0) beside a Manila target, although docs/hiring.md says the --within zone's clock."""
    config = make_config(TEAM + CANDIDATES, demand())
    plan = roadmap(
        config, requirements(config), steps=2, options=QUIET, target=_target(config, "Asia/Manila:weekend", zone="Asia/Manila")
    )
    assert [(s.profile, s.weekend_uncovered_hours, s.target_hours_left) for s in plan.steps] == [
        (None, 14, 14),
        ("weekend", 4, 4),
        ("evening", 0, 0),
    ]


def test_hires_attrition_of_a_one_site_team_lists_the_site(tmp_path, make_config, capsys) -> None:
    """Every agent works in nyc: losing the site leaves nobody, and every needed hour (56 day + 20 evening)
    opens: +60 h beyond the whole team's 16 weekend hours. The row was left out; it is listed first and said."""
    text = TEAM.replace(
        "skills: [chat], shifts: [day], max_weekends_per_period: 0}",
        "skills: [chat], shifts: [day], max_weekends_per_period: 0}\n"
        "  - {id: eve, site: nyc, contract: part_time, skills: [chat], shifts: [evening]}",
    )
    config = make_config(text + CANDIDATES, demand())
    out = tmp_path / "hires"
    args = ["hires", str(config.source), "--out", str(out), "--steps", "1", "--attrition", "--time-limit", "10", "--workers", "2"]
    assert main(args) == 0
    printed = capsys.readouterr().out.splitlines()
    start = printed.index("if we lost ... (uncovered hours opened, largest first)")
    assert printed[start + 1 : start + 4] == [
        "  site nyc                 +60 h (the whole team: nobody left)",
        "  agent a1                 +40 h",
        "  agent eve                +20 h",
    ]
    with (out / "attrition.csv").open(newline="") as stream:
        assert [(r["lost"], r["agents"], r["uncovered_hours"]) for r in csv.DictReader(stream)][0] == ("site nyc", "0", "76")


# Two days of chat 17:00-21:00 New York (one an hour needs one agent) and, on Tuesday, ten emails at 09:00 due by
# 11:00. Nobody today serves either. Two profiles at the same cost: `evening` (chat, 17:00-21:00) and `early` (chat
# and email, 17:00-19:00 or 09:00-17:00, one channel a shift).
LATE_TEAM = (
    TINY.replace(
        "days: 7",
        "days: 2",
    )
    .replace(
        "    service_level: {percent: 80, within_seconds: 60}\n",
        "    service_level: {percent: 80, within_seconds: 60}\n  email:\n    kind: backlog\n    aht_seconds: 360\n"
        "    respond_within_hours: 2\n",
    )
    .replace(
        'day: {start: "09:00", hours: 8}',
        'day: {start: "09:00", hours: 8}\n      evening: {start: "17:00", hours: 4}\n      early: {start: "17:00", hours: 2}',
    )
    .replace("skills: [chat]}", "skills: [chat], shifts: [day]}")
    .replace("contracts:\n", "contracts:\n  part_time: {hours_per_week: {min: 0, max: 20}, max_days_per_week: 5}\n")
    + """\
candidates:
  - {id: evening, site: nyc, contract: part_time, skills: [chat], shifts: [evening], cost: 3000, max_count: 1}
  - {id: early, site: nyc, contract: part_time, skills: [chat, email], shifts: [early, day], cost: 3000, max_count: 1}
"""
)


def test_a_soft_target_hour_outweighs_all_the_late_email_outside_it(make_config) -> None:
    """The target is chat 17:00-21:00 New York. `evening` closes all 8 of its hours and leaves the emails late:
    due 11:00 Tuesday, unanswered at the end of each hour 10:00-23:00, 14 × 10 emails × 0.1 agent-hours × 400 = 5,600.
    `early` closes 2 of them (Monday 17:00-19:00) and answers the emails Tuesday 09:00-10:00: 6 target hours left.
    Each target hour weighed 1 (the uncovered and understaffed cost outside the target: none here), so the first
    step took `early` (6 + 6 over the pace, against 5,600); with the late email counted each weighs 5,601, and
    `evening` (5,600) beats `early` (6 × 5,601)."""
    rows = hourly("2026-12-07T22:00:00", 4) + hourly("2026-12-08T22:00:00", 4) + [("2026-12-08T14:00:00", "email", 10.0)]
    config = make_config(LATE_TEAM, rows)
    target = _target(config, "America/New_York:17:00-21:00", channels=frozenset({"chat"}))
    plan = roadmap(config, requirements(config), steps=1, options=QUIET, progress=None, target=target)
    assert [(s.profile, s.target_hours_left) for s in plan.steps] == [(None, 8), ("evening", 0)]
    covered = coverage_of(plan.roster, requirements(plan.config), plan.config)
    assert covered.backlog["email"].late == 10.0 and covered.backlog["email"].contact_hours_late == 140.0
