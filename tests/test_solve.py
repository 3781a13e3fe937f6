"""The CP-SAT roster model on instances small enough to solve by hand.

Every roster the solver returns is re-verified by the independent checker,
and its objective is recomputed from the roster's coverage.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import TINY
from ortools.sat.python import cp_model

from coverage.check import check_roster
from coverage.config import Config, load_config
from coverage.demand import Requirements, requirements
from coverage.gaps import coverage_of, summary
from coverage.roster import Roster
from coverage.solve import (
    WEIGHT_OVER_AGENT,
    WEIGHT_SHORT_AGENT,
    WEIGHT_UNCOVERED,
    SolveOptions,
    SolveParams,
    SolveResult,
    solve,
)
from coverage.solve.runner import WHOLE_ROOT_LP, configure_search
from coverage.targets import agent_targets
from coverage.time import hours_in_local_window, shift_instances, week_monday

ROOT = Path(__file__).resolve().parent.parent
QUIET = SolveOptions(time_limit_seconds=20, seed=1, workers=2, progress=None)


def hourly(start: str, hours: int, channel: str = "chat", volume: float = 1.0) -> list[tuple[str, str, float]]:
    """Forecast rows: `volume` contacts in each of `hours` UTC hours from `start` (1 chat/h needs 1 agent)."""
    origin = datetime.fromisoformat(start).replace(tzinfo=UTC)
    return [((origin + timedelta(hours=k)).isoformat(), channel, volume) for k in range(hours)]


def nine_to_five_new_york(days: range) -> list[tuple[str, str, float]]:
    """One agent needed 09:00-17:00 New York (14:00-22:00Z in December) on the given December days."""
    rows: list[tuple[str, str, float]] = []
    for day in days:
        rows += hourly(f"2026-12-{day:02d}T14:00:00", 8)
    return rows


def objective_from_roster(config: Config, needs: Requirements, result: SolveResult, instances: list | None = None) -> int:
    """Recompute the objective from the roster alone, with the published weights and definitions."""
    total = 0
    w = config.weights
    if config.forecast is not None:
        cov = coverage_of(result.roster, needs, config)
        for channel in cov.required:
            if channel in needs.backlog:
                total += _backlog_cost(config, needs, channel, cov.scheduled[channel])
                continue
            for need, have in zip(cov.required[channel], cov.scheduled[channel]):
                total += w.understaffed * max(need - have, 0) + w.overstaffed * max(have - need, 0)
                total += w.uncovered * (need > 0 and have == 0)
        total += w.clock * _clock_intervals(config, cov, needs)
        total += _mix_cost(config, needs, result.roster)
    instances = instances if instances is not None else shift_instances(config)
    total += _cover_cost(config, result.roster, instances) + _cover_mix_cost(config, result.roster, instances)
    total += _availability_cost(config, result.roster) + _mentor_cost(config, result.roster) + _target_cost(config, result.roster)
    return total + _requests_cost(config, result.roster, instances) + _fairness_cost(config, result.roster, instances)


def _target_cost(config: Config, roster) -> int:
    """Per agent with a workload target: weights.target x (paid hours away, to the nearest hour, half up), squared unless linear."""
    total = 0
    linear = config.workload is not None and config.workload.cost == "linear"
    for agent, target in agent_targets(config).items():
        worked = sum(config.sites[a.site].shifts[a.shift].paid_minutes for a in roster.assignments if a.agent == agent)
        hours = math.floor(abs(worked - target.minutes) / 60 + 0.5)
        total += config.weights.target * (hours if linear else hours**2)
    return total


def _mix_cost(config: Config, needs: Requirements, roster) -> int:
    """Per interval a realtime channel needs someone, each head of a `mix` role missing among those on duty for it."""
    total = 0
    for channel, spec in config.channels.items():
        for role, heads in getattr(spec, "mix", {}).items():
            with_role = coverage_of(Roster(tuple(a for a in roster.assignments if a.channel == channel and (
                role in config.agent(a.agent).roles or role in config.agent(a.agent).skills))), needs, config).scheduled[channel]
            total += config.weights.mix * sum(max(heads - have, 0) for need, have in zip(needs.required[channel], with_role) if need > 0)
    return total


def _cover_mix_cost(config: Config, roster, instances: list) -> int:
    total = 0
    days = sorted({s.day for s in instances})
    for cover in config.cover:
        for day in (d for d in days if cover.applies_to(d)):
            for role, heads in cover.mix.items():
                have = sum(1 for a in roster.assignments if (a.site, a.shift, a.day) == (cover.site, cover.shift, day)
                           and cover.channel in (None, a.channel) and (role in config.agent(a.agent).roles or role in config.agent(a.agent).skills))
                total += cover.under_weight * max(heads - have, 0)
    return total


def _mentor_cost(config: Config, roster) -> int:
    """Per onboarding agent with k >= 2 mentors who works W shifts: min(k, W) less the most shifts that can each have a
    different mentor on duty over all their hours (found here by trying every way to give the shifts mentors)."""
    from itertools import product

    total = 0
    for agent in config.agents:
        mentors = list(dict.fromkeys(agent.mentors))
        if len(mentors) < 2:
            continue
        mine = [a for a in roster.assignments if a.agent == agent.id]
        beside = [[m for m in mentors if any(b.agent == m and b.start_utc <= a.start_utc and b.end_utc >= a.end_utc
                                             for b in roster.assignments)] for a in mine]
        distinct = max((len(set(choice)) for choice in product(*beside)), default=0) if all(beside) else 0
        total += config.weights.mentor_repeat * (min(len(mentors), len(mine)) - distinct)
    return total


def _availability_cost(config: Config, roster) -> int:
    """Minute by minute on the agent's own clock: minutes in an `avoid` range, and outside every `preferred` one
    (for agents who give some), each part priced per hour and rounded per shift, halves up."""
    total = 0
    for a in roster.assignments:
        agent = config.agent(a.agent)
        if not agent.availability:
            continue
        zone = agent.timezone or config.sites[agent.site].timezone
        inside = {"avoid": 0, "preferred": 0}
        minutes = int((a.end_utc - a.start_utc).total_seconds() // 60)
        for k in range(minutes):
            local = a.start_utc.add(minutes=k).in_tz(zone)
            for level in inside:
                inside[level] += any(_in_range(span, local) for span in agent.availability.get(level, []))
        w = config.weights
        total += int(w.avoid * inside["avoid"] / 60 + 0.5)
        if agent.availability.get("preferred"):
            total += int(w.not_preferred * (minutes - inside["preferred"]) / 60 + 0.5)
    return total


def _in_range(span, local) -> bool:
    """Whether a local minute lies in a range laid on its own date, or in one laid on the day before that runs past midnight."""
    minute = local.hour * 60 + local.minute
    lo = int(span.start[:2]) * 60 + int(span.start[3:])
    hi = 24 * 60 if span.end == "24:00" else int(span.end[:2]) * 60 + int(span.end[3:])
    today, yesterday = local.date(), local.date() - timedelta(days=1)
    if hi > lo:
        return span.applies_to(today) and lo <= minute < hi
    return (span.applies_to(today) and minute >= lo) or (span.applies_to(yesterday) and minute < hi)


def _clock_intervals(config: Config, cov, needs: Requirements) -> int:
    """Intervals of the first view's weekend or overnight hours (its wall clock) with a realtime channel uncovered."""
    zone, weekend = config.view_zones[0], set(config.weekend)
    count = 0
    for k, start in enumerate(needs.grid.starts):
        local = start.in_tz(zone)
        minute = local.hour * 60 + local.minute
        lo, hi = (int(t[:2]) * 60 + int(t[3:]) for t in (config.overnight.start, config.overnight.end))
        night = lo <= minute < hi if lo < hi else (minute >= lo or minute < hi) if lo > hi else False
        if (local.strftime("%a") in weekend or night) and any(
                cov.required[c][k] > 0 and cov.scheduled[c][k] == 0 for c in cov.required if c not in needs.backlog):
            count += 1
    return count


def _backlog_cost(config: Config, needs: Requirements, channel: str, agents: list[int]) -> int:
    """A backlog channel's cost, simulated here on its own: work past its deadline (first come, first served), an
    agent-hour of it an hour late at `weights.late`; agents beyond the pace overstaffed. Contacts are counted in
    units of one interval's lateness price (a 6-minute email an hour late: 40 units at 1 each)."""
    backlog = needs.backlog[channel]
    price = config.weights.late * backlog.aht_seconds / 3600 * needs.grid.hours_per_interval
    each, per_unit = (price, 1) if price >= 5 else (5.0, max(1, round(price / 5)))
    total, due_by = 0.0, []
    for volume in backlog.arrivals:
        total += volume
        due_by.append(round(total * each))
    waiting = late = 0
    for k, count in enumerate(agents):
        arrived = due_by[k] - (due_by[k - 1] if k else 0)
        waiting = max(0, waiting + arrived - round(backlog.per_agent[k] * each) * count)
        not_due = due_by[k] - (due_by[k - backlog.window + 1] if k >= backlog.window - 1 else 0)
        late += max(0, waiting - not_due)
    over = sum(max(have - pace, 0) for have, pace in zip(agents, backlog.pace))
    return per_unit * late + config.weights.overstaffed * over


def _cover_cost(config: Config, roster, instances: list) -> int:
    total = 0
    days = sorted({s.day for s in instances})
    for cover in config.cover:
        for day in (d for d in days if cover.applies_to(d)):
            working = sum(1 for a in roster.assignments if (a.site, a.shift, a.day) == (cover.site, cover.shift, day)
                          and cover.channel in (None, a.channel))
            total += cover.under_weight * max(cover.count - working, 0) + cover.over_weight * max(working - cover.count, 0)
    return total


def _requests_cost(config: Config, roster, instances: list) -> int:
    total = 0
    for agent in config.agents:
        mine = {a.day: a.shift for a in roster.assignments if a.agent == agent.id}
        days = sorted({s.day for s in instances if s.site == agent.site})
        for request in agent.requests:
            weight = max(1, round(request.weight * config.weights.request)) if config.weights.request else 0
            looked_at = [day for day in days if request.applies_to(day)] if request.scoped else list(mine)
            hits = [day in mine and request.shift in ("any", mine[day]) for day in looked_at]
            total += weight * sum(1 for hit in hits if hit != (request.on is not None))
    return total


def _fairness_cost(config: Config, roster, instances: list) -> int:
    zone = {name: site.timezone for name, site in config.sites.items()}
    night = config.night_shift
    night_templates = {
        (s.site, s.shift) for s in instances
        if hours_in_local_window(s.start_utc, s.end_utc, zone[s.site], night.start, night.end) >= night.min_hours
    }
    weekend_names = set(config.weekend)
    total = 0
    for site in config.sites:
        members = [a for a in config.agents if a.site == site]
        mine = {a.id: [x for x in roster.assignments if x.agent == a.id] for a in members}
        nights = [sum(1 for x in mine[a.id] if (site, x.shift) in night_templates and
                      hours_in_local_window(x.start_utc, x.end_utc, zone[site], night.start, night.end) >= night.min_hours)
                  for a in members  # agents with a choice: allowed a night template and another one
                  if any((site, t) in night_templates for t in config.allowed_shifts(a))
                  and not all((site, t) in night_templates for t in config.allowed_shifts(a))]
        weekends = [len({week_monday(x.day) for x in mine[a.id] if x.day.strftime("%a") in weekend_names})
                    for a in members
                    if config.rules_for(a).max_weekends_per_period != 0 and not weekend_names <= set(a.days_off)]
        for counts in (nights, weekends):
            if len(counts) >= 2:
                total += config.weights.fairness * (max(counts) - min(counts))
    return total


def solved(config: Config, options: SolveOptions = QUIET) -> tuple[Requirements, SolveResult]:
    needs = requirements(config)
    result = solve(config, needs, options)
    if result.roster is not None:
        assert check_roster(result.roster, config) == []
        assert objective_from_roster(config, needs, result) == result.objective
    return needs, result


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
    text = TINY.replace('day: {start: "09:00", hours: 8}', 'late: {start: "18:00", hours: 8}\n      early: {start: "08:00", hours: 8}')
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
    text = text.replace("start: 2026-12-07", "start: 2026-12-25").replace("skills: [chat]}", "skills: [chat], works_holidays: true}")
    _, result = solved(make_config(text, hourly("2026-12-25T14:00:00", 8)))
    assert [a.day for a in result.roster.assignments] == [date(2026, 12, 25)]
    assert result.objective == 0


def test_max_consecutive_days(make_config) -> None:
    text = TINY.replace("max_consecutive_days: 6", "max_consecutive_days: 2").replace("max_days_per_week: 5", "max_days_per_week: 7")
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
    digest = summary(coverage_of(result.roster, needs, config), config, status=result.status,
                     objective=result.objective, best_bound=result.best_bound, wall_seconds=result.wall_seconds)
    assert digest["uncovered_hours"] == {"chat": 4 * 128}
    view = digest["views"]["America/New_York"]
    assert (view["uncovered_hours"], view["weekend_uncovered_hours"], view["overnight_uncovered_hours"]) == (4 * 128, 4 * 48, 4 * 56)
    assert digest["coverage_ratio"] == round(40 / 168, 4)


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
