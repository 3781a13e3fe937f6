"""Flexible and split shifts in the roster model: runs on the grid, hand-checked on one agent in New York.

December: New York is UTC−5, so 10:00 local is 15:00Z. `hourly(start, n)` needs one
agent in each of n UTC hours. Default weights: uncovered 400, understaffed 100 per
agent-hour, overstaffed 1, clock 1 (first view's overnight hours), shift_length 2.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pendulum
from helpers import QUIET, build_config, config_data, hourly, objective_from_roster, one_template_config

from coverage.check import check_roster
from coverage.config import Config
from coverage.demand import requirements
from coverage.roster import Assignment, Roster
from coverage.solve import SolveResult, solve
from coverage.solve.data import ModelData, ModelInputs
from coverage.solve.model import build_model
from coverage.solve.staged import complete_hint, hint_roster
from coverage.time import flexible_windows, period_grid

MISSED = 400 + 100  # an hour that needs one agent and has nobody


_config = one_template_config


def _solved(config: Config) -> SolveResult:
    needs = requirements(config)
    result = solve(config, needs, QUIET)
    assert result.roster is not None, result.reasons
    assert check_roster(result.roster, config) == []
    assert objective_from_roster(config, needs, result) == result.objective
    return result


def _runs(result: SolveResult) -> list[tuple[str, str]]:
    """Each shift as (start, end) in UTC, "DD HH:MM"."""
    return [(f"{a.start_utc:%d %H:%M}", f"{a.end_utc:%d %H:%M}") for a in result.roster.assignments]


FLEX = {"start": "06:00-14:00", "hours": "2-8"}


def test_windows_lay_the_start_range_on_each_date_in_utc(tmp_path: Path) -> None:
    config = _config(tmp_path, [], FLEX)
    windows = flexible_windows(config)
    grid = period_grid(config.plan)
    monday = next(w for w in windows if w.day.isoformat() == "2026-12-07")
    assert [f"{grid.starts[k]:%H:%M}" for k in (monday.first, monday.starts[-1])] == ["11:00", "19:00"]  # 06:00, 14:00 New York
    assert (len(monday.starts), monday.min_slots, monday.max_slots, monday.last - monday.first + 1) == (9, 2, 8, 16)
    assert sorted({w.day.day for w in windows}) == list(range(7, 14))  # every date of the period, none outside it


def test_a_run_is_exactly_the_needed_window(tmp_path: Path) -> None:
    result = _solved(_config(tmp_path, hourly("2026-12-07T15:00:00", 3), FLEX))
    assert _runs(result) == [("07 15:00", "07 18:00")]
    assert result.objective == 0
    assert result.roster.assignments[0].shift == "day"


def test_a_preferred_length_costs_per_hour_away(tmp_path: Path) -> None:
    rows = hourly("2026-12-07T15:00:00", 3)
    short = _solved(_config(tmp_path, rows, FLEX, agent__preferred_hours=4, weights__overstaffed=5))
    assert (_runs(short), short.objective) == ([("07 15:00", "07 18:00")], 2)  # one hour short x shift_length 2
    longer = _solved(_config(tmp_path, rows, FLEX, agent__preferred_hours=4, weights__overstaffed=5, weights__shift_length=10))
    assert _runs(longer) in ([("07 14:00", "07 18:00")], [("07 15:00", "07 19:00")])  # a 4 h run over the 3 needed hours
    assert longer.objective == 5  # its extra hour overstaffed at 5 instead


def test_the_shortest_length_holds_for_a_one_hour_need(tmp_path: Path) -> None:
    result = _solved(_config(tmp_path, hourly("2026-12-07T15:00:00", 1), FLEX))
    assert len(_runs(result)) == 1 and result.objective == 1  # a 2 h run, its other hour overstaffed
    ((start, end),) = _runs(result)
    assert start in ("07 14:00", "07 15:00") and end == f"07 {int(start[3:5]) + 2}:00"


def test_the_longest_length_holds(tmp_path: Path) -> None:
    result = _solved(_config(tmp_path, hourly("2026-12-07T12:00:00", 10), FLEX))  # 07:00-17:00 New York: 10 h
    assert result.objective == 2 * MISSED  # one run of 8 h, two hours missed
    ((start, end),) = _runs(result)
    assert int(end[3:5]) - int(start[3:5]) == 8


SPLIT = {"start": "06:00-16:00", "hours": "2-8"}


def test_a_split_day_works_two_runs_a_gap_apart(tmp_path: Path) -> None:
    rows = hourly("2026-12-07T14:00:00", 2) + hourly("2026-12-07T20:00:00", 2)  # 09-11 and 15-17 New York: 4 h apart
    split = _solved(_config(tmp_path, rows, SPLIT, rules__max_shifts_per_day=2, rules__min_gap_hours=3))
    assert (_runs(split), split.objective) == ([("07 14:00", "07 16:00"), ("07 20:00", "07 22:00")], 0)
    one = _solved(_config(tmp_path, rows, SPLIT))  # one shift a day: one 8 h run, the 4 h between overstaffed
    assert (_runs(one), one.objective) == ([("07 14:00", "07 22:00")], 4)


def test_a_gap_shorter_than_the_rule_gives_one_run(tmp_path: Path) -> None:
    rows = hourly("2026-12-07T14:00:00", 2) + hourly("2026-12-07T18:00:00", 2)  # 2 h apart, the rule asks 3
    result = _solved(_config(tmp_path, rows, SPLIT, rules__max_shifts_per_day=2, rules__min_gap_hours=3))
    assert (_runs(result), result.objective) == ([("07 14:00", "07 20:00")], 2)
    closer = _solved(_config(tmp_path, rows, SPLIT, rules__max_shifts_per_day=2, rules__min_gap_hours=2))
    assert (_runs(closer), closer.objective) == ([("07 14:00", "07 16:00"), ("07 18:00", "07 20:00")], 0)


LATE = {"start": "06:00-20:00", "hours": "2-8"}


def test_rest_between_days_holds_for_runs(tmp_path: Path) -> None:
    rows = hourly("2026-12-08T01:00:00", 2) + hourly("2026-12-08T11:00:00", 2)  # Mon 20-22 and Tue 06-08 New York: 8 h apart
    rested = _solved(_config(tmp_path, rows, LATE, rules__min_rest_hours=8))
    assert (_runs(rested), rested.objective) == ([("08 01:00", "08 03:00"), ("08 11:00", "08 13:00")], 0)
    result = _solved(_config(tmp_path, rows, LATE))  # 11 h rest: one of the two needs goes uncovered
    assert len(_runs(result)) == 1 and result.objective == 2 * MISSED


NIGHT = {"start": "18:00-22:00", "hours": "2-8"}


def test_a_night_is_judged_by_duty_hours_in_the_night_window(tmp_path: Path) -> None:
    rows = hourly("2026-12-08T03:00:00", 4)  # 22:00-02:00 New York: four night hours, the last two overnight in the view
    free = _solved(_config(tmp_path, rows, NIGHT))
    assert (_runs(free), free.objective) == ([("08 03:00", "08 07:00")], 0)
    result = _solved(_config(tmp_path, rows, NIGHT, rules__max_nights_per_period=0))  # no shift with 3 h or more at night
    assert _runs(result) in ([("08 03:00", "08 05:00")], [("08 04:00", "08 06:00")], [("08 05:00", "08 07:00")])  # 2 h at night
    assert result.objective == 2 * (MISSED + 1)  # every needed hour is overnight in the view: each missed one also costs clock 1


def test_unavailable_slots_are_never_worked(tmp_path: Path) -> None:
    rows = hourly("2026-12-07T14:00:00", 5)  # 09:00-14:00 New York
    busy = {"unavailable": ["Mon 10:00-12:00"]}
    one = _solved(_config(tmp_path, rows, FLEX, agent__availability=busy))
    assert (_runs(one), one.objective) == ([("07 17:00", "07 19:00")], 3 * MISSED)  # 12:00-14:00: 09, 10, 11 missed
    split = _solved(_config(tmp_path, rows, FLEX, agent__availability=busy, rules__max_shifts_per_day=2))
    assert (_runs(split), split.objective) == ([("07 13:00", "07 15:00"), ("07 17:00", "07 19:00")], 2 * MISSED + 1)


def test_weekly_hours_count_each_run_s_length(tmp_path: Path) -> None:
    rows = hourly("2026-12-07T14:00:00", 6) + hourly("2026-12-08T14:00:00", 6)  # 6 h on Monday and on Tuesday
    result = _solved(_config(tmp_path, rows, FLEX, contracts__full_time={"hours_per_week": {"min": 0, "max": 10}}))
    assert sum(a.hours for a in result.roster.assignments) == 10
    assert result.objective == 2 * MISSED


def test_a_week_that_cannot_reach_its_minimum_names_the_rule(tmp_path: Path) -> None:
    contract = {"hours_per_week": {"min": 20, "max": 40}, "max_days_per_week": 5}
    config = _config(
        tmp_path, hourly("2026-12-07T15:00:00", 3), {"start": "06:00-14:00", "hours": "2-3"}, contracts__full_time=contract
    )
    result = solve(config, requirements(config), QUIET)
    assert result.roster is None
    assert any("at least 20 paid hours in the week of 2026-12-07" in reason for reason in result.reasons)


def _chat_then_phone(tmp_path: Path) -> Config:
    """One agent with both skills on a split day: chat needed 09-11, phone 15-17 New York."""
    data = config_data()
    data["channels"]["phone"] = dict(data["channels"]["chat"])
    data["sites"]["nyc"]["shifts"] = {"day": SPLIT}
    data["rules"].update(max_shifts_per_day=2, min_gap_hours=3)
    data["agents"][0]["skills"] = ["chat", "phone"]
    rows = hourly("2026-12-07T14:00:00", 2) + hourly("2026-12-07T20:00:00", 2, channel="phone")
    return build_config(tmp_path, data, rows)


def test_each_run_serves_one_channel(tmp_path: Path) -> None:
    result = _solved(_chat_then_phone(tmp_path))
    assert [(a.channel, f"{a.start_utc:%H}") for a in result.roster.assignments] == [("chat", "14"), ("phone", "20")]
    assert result.objective == 0


def test_a_cover_row_counts_the_runs_of_a_flexible_template(tmp_path: Path) -> None:
    rows = [("2026-12-07T15:00:00+00:00", "chat", 0.0)]  # no demand at all
    assert _runs(_solved(_config(tmp_path, rows, FLEX))) == []
    cover = [{"site": "nyc", "shift": "day", "count": 1, "date": "2026-12-08"}]
    data = config_data()
    data["sites"]["nyc"]["shifts"] = {"day": FLEX}
    data["cover"] = cover
    result = _solved(build_config(tmp_path, data, rows))
    assert [a.day.day for a in result.roster.assignments] == [8]
    assert result.objective == 2  # the shortest run, 2 h, each hour overstaffed at 1


def test_two_listed_shifts_a_day_keep_the_gap(tmp_path: Path) -> None:
    data = config_data()
    data["sites"]["nyc"]["shifts"] = {"early": {"start": "09:00", "hours": 2}, "late": {"start": "13:00", "hours": 2}}
    data["rules"].update(max_shifts_per_day=2, min_gap_hours=2)
    rows = hourly("2026-12-07T14:00:00", 2) + hourly("2026-12-07T18:00:00", 2)  # 09-11 and 13-15 New York
    split = _solved(build_config(tmp_path, data, rows))
    assert [a.shift for a in split.roster.assignments] == ["early", "late"] and split.objective == 0
    data["rules"]["min_gap_hours"] = 3  # 11:00 to 13:00 is 2 h: only one of them
    one = _solved(build_config(tmp_path, data, rows))
    assert len(one.roster.assignments) == 1 and one.objective == 2 * MISSED


def test_a_mentee_s_run_lies_inside_a_mentor_s_run(tmp_path: Path) -> None:
    data = config_data()
    data["sites"]["nyc"]["shifts"] = {"day": FLEX}
    data["agents"].append({"id": "m1", "site": "nyc", "contract": "full_time", "skills": ["chat"]})
    data["agents"][0]["mentors"] = ["m1"]
    data["weights"] = {"overstaffed": 50}
    rows = hourly("2026-12-07T15:00:00", 3, volume=3.0) + hourly("2026-12-07T18:00:00", 2)  # two agents 10-13, one 13-15
    result = _solved(build_config(tmp_path, data, rows))
    spans = {a.agent: (f"{a.start_utc:%H}", f"{a.end_utc:%H}") for a in result.roster.assignments}
    assert spans == {"m1": ("15", "20"), "a1": ("15", "18")} and result.objective == 0
    data["agents"][1]["days_off"] = ["Mon"]  # no mentor on Monday: the mentee does not work either
    alone = _solved(build_config(tmp_path, data, rows))
    assert alone.roster.assignments == () and alone.objective == 3 * (400 + 2 * 100) + 2 * MISSED


def test_unavailable_hours_against_a_weekly_minimum_are_named(tmp_path: Path) -> None:
    contract = {"hours_per_week": {"min": 4, "max": 40}, "max_days_per_week": 5}
    busy = {"unavailable": ["Mon-Sun 00:00-24:00"]}
    config = _config(tmp_path, hourly("2026-12-07T15:00:00", 3), FLEX, contracts__full_time=contract, agent__availability=busy)
    result = solve(config, requirements(config), QUIET)
    assert result.roster is None
    assert any("at least 4 paid hours in the week of 2026-12-07" in reason for reason in result.reasons)
    days = [reason[-10:] for reason in result.reasons if reason.startswith("agent a1: unavailable Mon,Tue,Wed,Thu,Fri,Sat,Sun")]
    assert days == [f"2026-12-{day:02d}" for day in range(7, 14)]  # each day's template-day, named by the range


def test_a_roster_s_runs_come_back_as_a_complete_hint(tmp_path: Path) -> None:
    config = _chat_then_phone(tmp_path)
    best = _solved(config).roster.assignments  # 14-16 chat, 20-22 phone: cost 0
    worse = Roster(  # each run an hour longer at its start: two overstaffed hours
        (
            replace(best[0], start_utc=best[0].start_utc.subtract(hours=1)),
            replace(best[1], start_utc=best[1].start_utc.subtract(hours=1)),
        )
    )
    built = build_model(ModelData.of(config, requirements(config)))
    hint_roster(built, worse)
    completed = complete_hint(built)
    assert completed is not None
    assert built.roster_from(completed.boolean_value) == worse
    assert built.exact_objective(completed.value) == 2


def test_rest_after_the_previous_roster_holds_for_the_first_run(tmp_path: Path) -> None:
    config = _config(tmp_path, hourly("2026-12-07T12:00:00", 3), FLEX)  # Monday 07:00-10:00 New York
    late = Assignment(  # the previous period's Sunday, 20:00-22:00 New York: free again from 09:00 Monday
        "a1", "nyc", "chat", "day", date(2026, 12, 6), pendulum.datetime(2026, 12, 7, 1), pendulum.datetime(2026, 12, 7, 3)
    )
    needs = requirements(config)
    fresh = solve(config, needs, ModelInputs(history=Roster(())), QUIET.params)
    assert (_runs(fresh), fresh.objective) == ([("07 12:00", "07 15:00")], 0)
    rested = solve(config, needs, ModelInputs(history=Roster((late,))), QUIET.params)
    assert _runs(rested) == [("07 14:00", "07 16:00")]  # the one needed hour it can reach, and the shortest run
    assert rested.objective == 2 * MISSED + 1 == objective_from_roster(config, needs, rested)


def test_split_nights_are_never_undercounted(tmp_path: Path) -> None:
    """Two runs of one date, each 2 h inside an afternoon "night" window: two nights, not one."""
    rows = hourly("2026-12-07T17:00:00", 2) + hourly("2026-12-07T21:00:00", 2)  # 12-14 and 16-18 New York
    # one day: a limit of one night is not above the days it has, but two runs can be two nights
    rules = {"rules__max_shifts_per_day": 2, "night_shift__start": "12:00", "night_shift__end": "20:00", "plan__days": 1}
    both = _solved(_config(tmp_path, rows, SPLIT, **rules, night_shift__min_hours=2, rules__max_nights_per_period=2))
    assert (_runs(both), both.objective) == ([("07 17:00", "07 19:00"), ("07 21:00", "07 23:00")], 0)
    one = _solved(_config(tmp_path, rows, SPLIT, **rules, night_shift__min_hours=2, rules__max_nights_per_period=1))
    # one night only: the first run moves to 11:00-13:00 (one hour in the window, no night), 13:00 missed, 11:00 over
    assert (_runs(one), one.objective) == ([("07 16:00", "07 18:00"), ("07 21:00", "07 23:00")], MISSED + 1)


def test_a_cover_row_s_mix_counts_runs_by_role(tmp_path: Path) -> None:
    data = config_data()
    data["sites"]["nyc"]["shifts"] = {"day": FLEX}
    engineer = {"id": "e1", "site": "nyc", "contract": "full_time", "skills": ["chat"], "roles": ["engineer"]}
    data["agents"].append({**engineer, "availability": {"avoid": ["Mon"]}})  # each of e1's Monday hours costs avoid, 10
    cover = {"site": "nyc", "shift": "day", "count": 1, "date": "2026-12-07", "mix": {"engineer": 1}, "over_weight": 50}
    data["cover"] = [cover]
    result = _solved(build_config(tmp_path, data, hourly("2026-12-07T15:00:00", 3)))
    assert [a.agent for a in result.roster.assignments] == ["e1"] and _runs(result) == [("07 15:00", "07 18:00")]
    # 3 avoided hours (30), not a1 with the mix a head short (100), nor both (a 2 h run avoided 20, overstaffed 2, over 50)
    assert result.objective == 30


def test_a_preferred_length_is_priced_run_by_run_on_a_split_day(tmp_path: Path) -> None:
    rows = hourly("2026-12-07T14:00:00", 2) + hourly("2026-12-07T20:00:00", 2)  # 09-11 and 15-17 New York
    split = {"rules__max_shifts_per_day": 2, "rules__min_gap_hours": 2, "agent__preferred_hours": 3}
    result = _solved(_config(tmp_path, rows, SPLIT, **split))
    assert [a.hours for a in result.roster.assignments] == [3, 3]  # two 2 h runs would be 2 h away (4); 3 h runs overstaff 2
    assert result.objective == 2
    free = _solved(_config(tmp_path, rows, SPLIT, **split, weights__shift_length=0))
    assert (_runs(free), free.objective) == ([("07 14:00", "07 16:00"), ("07 20:00", "07 22:00")], 0)


def test_a_split_day_never_works_one_listed_shift_on_two_channels(tmp_path: Path) -> None:
    """With max_shifts_per_day 2 the day's sum may reach 2: one occurrence must still be one shift on one channel."""
    data = config_data()
    data["channels"]["phone"] = dict(data["channels"]["chat"])
    data["agents"][0]["skills"] = ["chat", "phone"]
    data["rules"]["max_shifts_per_day"] = 2
    rows = hourly("2026-12-07T14:00:00", 8) + hourly("2026-12-07T14:00:00", 8, channel="phone")  # the 09:00 shift's 8 h, twice
    result = _solved(build_config(tmp_path, data, rows))
    assert len(result.roster.assignments) == 1 and result.objective == 8 * MISSED  # one channel's 8 h stay uncovered


def test_rest_holds_between_a_run_and_a_listed_shift_three_days_later(tmp_path: Path) -> None:
    """A 45 h rest reaches past two dates: a late run on Mon (23:00-07:00 New York) and an early Thu 00:00 are 41 h apart."""
    data = config_data()
    data["sites"]["nyc"]["shifts"] = {"late": {"start": "22:00-23:00", "hours": "7-8"}, "early": {"start": "00:00", "hours": 4}}
    data["rules"]["min_rest_hours"] = 45
    rows = hourly("2026-12-08T04:00:00", 8) + hourly("2026-12-10T05:00:00", 4)  # Mon 23:00-07:00 and Thu 00:00-04:00
    result = _solved(build_config(tmp_path, data, rows))
    # the late run kept; the early shift's 4 h missed, each overnight in the view (clock 1): cheaper than 8 h missed
    assert [a.shift for a in result.roster.assignments] == ["late"] and result.objective == 4 * (MISSED + 1)


def test_a_long_night_run_stays_possible_on_a_split_day(tmp_path: Path) -> None:
    """min_hours 2: an 8 h night run counts up to four 'nights' on a split day; the count's domain must allow it."""
    rows = hourly("2026-12-08T03:00:00", 8)  # Mon 22:00 to Tue 06:00 New York
    changes = {"rules__max_nights_per_week": 5, "night_shift__min_hours": 2}
    for most in (1, 2):
        result = _solved(
            _config(tmp_path, rows, {"start": "21:00-22:00", "hours": "2-8"}, rules__max_shifts_per_day=most, **changes)
        )
        assert (_runs(result), result.objective) == ([("08 03:00", "08 11:00")], 0)
