"""What the tests share: the tiny team, forecast rows, a solve that checks itself, and strict builders of configs.

Test files import from here (`from helpers import TINY, solved`), never from
each other. Configs are built two ways, both strict:

* `TINY` is `Text`: its `.replace(old, new)` fails when `old` is not in the
  text — a replace that matches nothing would test the unchanged config and
  pass silently;
* `config_data()` gives the tiny team as a dict and `build_config` validates a
  dict into `Config` (through YAML, so every file it names resolves and errors
  carry lines as users see them).
"""

from __future__ import annotations

import math
import re
import textwrap
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from coverage.check import check_roster
from coverage.config import Config, load_config
from coverage.demand import Requirements, requirements
from coverage.gaps import coverage_of
from coverage.roster import Roster, paid_minutes, read_roster
from coverage.solve import SolveOptions, SolveResult, solve
from coverage.targets import agent_targets
from coverage.time import flexible_windows, hours_in_local_window, shift_instances, week_monday

ROOT = Path(__file__).resolve().parent.parent


class Text(str):
    """Config text whose `replace` must match: `Text(TINY).replace("absent", "x")` raises instead of changing nothing."""

    def replace(self, old: str, new: str, count: int = -1) -> Text:  # type: ignore[override]
        if old not in self:
            raise AssertionError(f"replace matched nothing: {old!r} is not in the config text")
        return Text(str.replace(self, old, new, count))


TINY = Text("""\
plan:
  start: 2026-12-07
  days: 7
  timezone: America/New_York
  interval_minutes: 60
  time_limit_seconds: 10
  seed: 1
views: [America/New_York]
overnight: {start: "22:00", end: "06:00"}
weekend: [Sat, Sun]
shrinkage: 0.0
channels:
  chat:
    kind: realtime
    aht_seconds: 360
    service_level: {percent: 80, within_seconds: 60}
forecast:
  file: forecast.csv
  timezone: UTC
sites:
  nyc:
    timezone: America/New_York
    shifts:
      day: {start: "09:00", hours: 8}
contracts:
  full_time: {hours_per_week: {min: 0, max: 40}, max_days_per_week: 5}
rules:
  min_rest_hours: 11
  max_consecutive_days: 6
agents:
  - {id: a1, site: nyc, contract: full_time, skills: [chat]}
""")


def write_forecast(path: Path, rows: list[tuple[str, str, float]]) -> Path:
    lines = ["start,channel,volume"] + [f"{start},{channel},{volume}" for start, channel, volume in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def config_data(text: str = TINY) -> dict[str, Any]:
    """A config's YAML as a dict to edit by key: `data["rules"]["min_rest_hours"] = 8` cannot miss silently."""
    return yaml.safe_load(textwrap.dedent(text))


def build_config(folder: Path, data: dict[str, Any], forecast: list[tuple[str, str, float]] | None = None) -> Config:
    """Validate `data` into a Config, as `covplan` loads it: written to folder/plan.yaml beside folder/forecast.csv."""
    path = folder / "plan.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    write_forecast(folder / "forecast.csv", forecast or [])
    return load_config(path)


def one_template_config(folder: Path, rows: list, shift: dict[str, Any], agents: int = 1, **changes: Any) -> Config:
    """TINY with site nyc's one template `day` replaced by `shift`, agents a2.. added, and keys changed.

    `changes` name `section__key` (`rules__min_rest_hours=8`), or `agent__key` for the first agent.
    """
    data = config_data()
    data["sites"]["nyc"]["shifts"] = {"day": shift}
    data["agents"] += [{"id": f"a{k}", "site": "nyc", "contract": "full_time", "skills": ["chat"]} for k in range(2, agents + 1)]
    for key, value in changes.items():
        section, _, name = key.partition("__")
        if section == "agent":
            data["agents"][0][name] = value
        else:
            data.setdefault(section, {})[name] = value
    return build_config(folder, data, rows)


def main_search_finds_nothing(monkeypatch: Any) -> None:
    """The full model's search (the one run with a progress line) finds no roster in its time; every other search runs.

    What a very big team meets when the time left after the stages is too
    short for the whole model: which roster the run then returns is the test.
    """
    from coverage.solve import search

    real = search.run_search

    def nothing(model: Any, options: Any, progress: Any = None, **kwargs: Any) -> Any:
        if progress is None:  # the stages' searches and hint completions
            return real(model, options, progress, **kwargs)
        return search.cp_model.UNKNOWN, search.cp_model.CpSolver(), False

    monkeypatch.setattr(search, "run_search", nothing)


def completions_on_a_slow_machine(monkeypatch: Any) -> None:
    """From now on, every completion of a hint (runner.try_fill_hint's solve, the only one given its own settings) runs
    on a machine whose wall-clock limits buy a billionth of the work: a limit in seconds runs out at once, CP-SAT's
    deterministic limits (its work) are what they were. A search bounded by its work keeps its wall-clock safety net
    (runner.deterministic_wall_cap), which binds only on a machine twenty times slower than CP-SAT counts its work:
    this machine is slow, not that slow."""
    from coverage.solve import runner

    real = runner.run_search

    def slow(model: Any, params: Any, progress: Any = None, *, settings: Any = None, **kwargs: Any) -> Any:
        if settings is None:
            return real(model, params, progress, **kwargs)

        def slower(parameters: Any) -> None:
            settings(parameters)
            if parameters.max_deterministic_time == float("inf"):  # bounded by the clock: the clock runs out at once
                parameters.max_time_in_seconds *= 1e-9

        return real(model, params, progress, settings=slower, **kwargs)

    monkeypatch.setattr(runner, "run_search", slow)


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
                people = Fraction(str(have))  # Σ weight on a count_weight channel (0.5, 1.25), else heads
                short, over = max(need - people, 0), max(people - need, 0)
                total += math.ceil(w.understaffed * short) + math.ceil(w.overstaffed * over)  # per person, whole units up
                total += w.uncovered * (need > 0 and have == 0)
        total += w.clock * _clock_intervals(config, cov, needs)
        total += _mix_cost(config, needs, result.roster)
    instances = instances if instances is not None else shift_instances(config)
    total += _cover_cost(config, result.roster, instances) + _cover_mix_cost(config, result.roster, instances)
    total += _availability_cost(config, result.roster) + _mentor_cost(config, result.roster) + _target_cost(config, result.roster)
    total += _shift_length_cost(config, result.roster)
    return total + _requests_cost(config, result.roster, instances) + _fairness_cost(config, result.roster, instances)


def _target_cost(config: Config, roster) -> int:
    """Per agent with a workload target: weights.target x (paid hours away, to the nearest hour, half up), squared unless linear."""
    total = 0
    linear = config.workload is not None and config.workload.cost == "linear"
    for agent, target in agent_targets(config).items():
        worked = sum(paid_minutes(a, config) for a in roster.assignments if a.agent == agent)
        hours = math.floor(abs(worked - target.minutes) / 60 + 0.5)
        total += config.weights.target * (hours if linear else hours**2)
    return total


def _mix_cost(config: Config, needs: Requirements, roster) -> int:
    """Per interval a realtime channel needs someone, each head of a `mix` role missing among those on duty for it."""
    total = 0
    for channel, spec in config.channels.items():
        for role, heads in getattr(spec, "mix", {}).items():
            with_role = coverage_of(
                Roster(
                    tuple(
                        a
                        for a in roster.assignments
                        if a.channel == channel and (role in config.agent(a.agent).roles or role in config.agent(a.agent).skills)
                    )
                ),
                needs,
                _counting_heads(config),
            ).scheduled[channel]
            total += config.weights.mix * sum(
                max(heads - have, 0) for need, have in zip(needs.required[channel], with_role) if need > 0
            )
    return total


def _counting_heads(config: Config) -> Config:
    """The config with no channel counting weight: `mix` counts heads on every channel."""
    channels = {
        name: channel.model_copy(update={"count_weight": False}) if getattr(channel, "count_weight", False) else channel
        for name, channel in config.channels.items()
    }
    return config.model_copy(update={"channels": channels})


def _cover_mix_cost(config: Config, roster, instances: list) -> int:
    total = 0
    days = sorted({s.day for s in instances} | {w.day for w in flexible_windows(config)})
    for cover in config.cover:
        for day in (d for d in days if cover.applies_to(d)):
            for role, heads in cover.mix.items():
                have = sum(
                    1
                    for a in roster.assignments
                    if (a.site, a.shift, a.day) == (cover.site, cover.shift, day)
                    and cover.channel in (None, a.channel)
                    and (role in config.agent(a.agent).roles or role in config.agent(a.agent).skills)
                )
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
        beside = [
            [
                m
                for m in mentors
                if any(b.agent == m and b.start_utc <= a.start_utc and b.end_utc >= a.end_utc for b in roster.assignments)
            ]
            for a in mine
        ]
        distinct = max((len(set(choice)) for choice in product(*beside)), default=0) if all(beside) else 0
        total += config.weights.mentor_repeat * (min(len(mentors), len(mine)) - distinct)
    return total


def _availability_cost(config: Config, roster) -> int:
    """Minute by minute on the agent's own clock: minutes in an `avoid` range, and outside every `preferred` one
    (for agents who give some), each part priced per hour and rounded per shift, halves up — a flexible shift's
    per grid interval of it, each rounded on its own."""
    total = 0
    for a in roster.assignments:
        agent = config.agent(a.agent)
        if not agent.availability:
            continue
        zone = agent.timezone or config.sites[agent.site].timezone
        minutes = int((a.end_utc - a.start_utc).total_seconds() // 60)
        piece = config.plan.interval_minutes if config.sites[a.site].shifts[a.shift].flexible else minutes
        for offset in range(0, minutes, piece):
            total += _availability_piece(config, agent, zone, a.start_utc.add(minutes=offset), piece)
    return total


def _availability_piece(config: Config, agent, zone: str, start, minutes: int) -> int:
    inside = {"avoid": 0, "preferred": 0}
    for k in range(minutes):
        local = start.add(minutes=k).in_tz(zone)
        for level in inside:
            inside[level] += any(_in_range(span, local) for span in agent.availability.get(level, []))
    w = config.weights
    total = int(w.avoid * inside["avoid"] / 60 + 0.5)
    if agent.availability.get("preferred"):
        total += int(w.not_preferred * (minutes - inside["preferred"]) / 60 + 0.5)
    return total


def _shift_length_cost(config: Config, roster) -> int:
    """Per agent with `preferred_hours`, date and flexible template: the minutes its shifts are away from the
    preference, summed, in whole hours (halves up), times weights.shift_length."""
    away: dict[tuple[str, object, str], int] = {}
    for a in roster.assignments:
        preferred = config.agent(a.agent).preferred_hours
        if preferred is None or not config.sites[a.site].shifts[a.shift].flexible:
            continue
        minutes = (a.end_utc - a.start_utc).total_seconds() / 60
        key = (a.agent, a.day, a.shift)
        away[key] = away.get(key, 0) + round(abs(minutes - preferred * 60))
    return sum(config.weights.shift_length * ((minutes + 30) // 60) for minutes in away.values())


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
            cov.required[c][k] > 0 and cov.scheduled[c][k] == 0 for c in cov.required if c not in needs.backlog
        ):
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
    days = sorted({s.day for s in instances} | {w.day for w in flexible_windows(config)})
    for cover in config.cover:
        for day in (d for d in days if cover.applies_to(d)):
            working = sum(
                1
                for a in roster.assignments
                if (a.site, a.shift, a.day) == (cover.site, cover.shift, day) and cover.channel in (None, a.channel)
            )
            total += cover.under_weight * max(cover.count - working, 0) + cover.over_weight * max(working - cover.count, 0)
    return total


def _requests_cost(config: Config, roster, instances: list) -> int:
    total = 0
    for agent in config.agents:
        mine = {a.day: a.shift for a in roster.assignments if a.agent == agent.id}
        days = sorted(
            {s.day for s in instances if s.site == agent.site} | {w.day for w in flexible_windows(config) if w.site == agent.site}
        )
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
        (s.site, s.shift)
        for s in instances
        if hours_in_local_window(s.start_utc, s.end_utc, zone[s.site], night.start, night.end) >= night.min_hours
    }
    weekend_names = set(config.weekend)
    total = 0
    for site in config.sites:
        members = [a for a in config.agents if a.site == site]
        mine = {a.id: [x for x in roster.assignments if x.agent == a.id] for a in members}
        nights = [
            sum(
                1
                for x in mine[a.id]
                if (site, x.shift) in night_templates
                and hours_in_local_window(x.start_utc, x.end_utc, zone[site], night.start, night.end) >= night.min_hours
            )
            for a in members  # agents with a choice: allowed a night template and another one
            if any((site, t) in night_templates for t in config.allowed_shifts(a))
            and not all((site, t) in night_templates for t in config.allowed_shifts(a))
        ]
        weekends = [
            len({week_monday(x.day) for x in mine[a.id] if x.day.strftime("%a") in weekend_names})
            for a in members
            if config.rules_for(a).max_weekends_per_period != 0 and not weekend_names <= set(a.days_off)
        ]
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


WEEK = nine_to_five_new_york(range(7, 14))  # one agent needed 09:00-17:00 New York, Mon 7 to Sun 13 December
SEVEN_DAYS = "max_days_per_week: 7"


def week_config(make_config, text: str, forecast=WEEK):
    return make_config(text.replace("max_days_per_week: 5", SEVEN_DAYS), forecast)


def violations(config, tmp_path, rows: str) -> list[str]:
    path = tmp_path / "hand.csv"
    path.write_text("agent,shift,date\n" + rows)
    return [v.rule for v in check_roster(read_roster(path, config), config)]


def worked_days(result, agent: str = "a1") -> list[int]:
    return sorted(a.day.day for a in result.roster.assignments if a.agent == agent)


# Written independently of coverage/csvcells.py: what a spreadsheet would run as a formula (OWASP's starts).
FORMULA = re.compile(r"[=+\-@\t\r]")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def runs_as_formula(cell: str) -> bool:
    return bool(FORMULA.match(cell)) and not NUMBER.fullmatch(cell)
