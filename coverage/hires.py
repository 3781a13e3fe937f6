"""Hires: the road to 24/7, one well-placed hire at a time.

Candidate profiles (`candidates:` in the config) become optional agents under
the same rules as everyone else. The roadmap asks the solver, step by step,
for the single best next hire given the ones already chosen — the order comes
from the model, not from a ranking rule — and records what each hire closes.
The cheapest set mode asks for the least costly team with nobody-on-duty
hours at zero.

A target may count only some hours, as a manager asks for them: weekends in
New York, overnight in London, 08:00-20:00 in Manila (`--within`, read by
coverage.hiringspec). They reach the solver as grid interval numbers.

This module returns data (`HiringPlan`, `HireStep`, `Loss`);
coverage.hiresreport writes it (hires.csv, hires.png, attrition.csv, the
final team's report) and says it as a table.

Nothing lost, nothing silent: before any search, `coverage.reach` finds the
target hours no shift of anybody (team or candidate) can touch. Hires are
asked for the rest; the hours out of reach come back as `OpenHours`, said in
clock windows, and the command exits 1. A roadmap step that closes no target
hour is not taken, so a roadmap never hires people who do not move the target.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from typing import TextIO

from coverage.config.schema import Config
from coverage.demand import Requirements
from coverage.errors import InputError, Problem
from coverage.executor import run_tasks
from coverage.gaps import Coverage, coverage_of, view_figures
from coverage.pipeline import measure
from coverage.reach import Pair, Reach, describe_windows, holidays_in_the_way, reachability, shifts_that_reach
from coverage.roster import Roster
from coverage.solve import Hiring, ModelInputs, SolveOptions, SolveParams, SolveResult, Target, describe_target, solve
from coverage.time import Grid

CHEAPEST_COST_WEIGHT = 10_000  # per unit of cost: in the cheapest-set mode cost outweighs every gap term


@dataclass(frozen=True)
class HireStep:
    """One step of the roadmap: the team after this hire and what it leaves uncovered."""

    step: int
    hire: str | None  # the new agent's id (profile-N); None for today's team
    profile: str | None
    site: str | None
    shifts: str  # what the hire works in the step's roster, e.g. "night ×20"
    cost: float
    total_cost: float
    uncovered_hours: float  # all channels
    weekend_uncovered_hours: float  # in the first view's local time
    overnight_uncovered_hours: float
    closed_hours: float | None  # uncovered hours this hire closes; None in the cheapest set (a set, not a sequence)
    status: str
    seconds: float
    target_hours_left: float = 0.0  # see target_gap


@dataclass(frozen=True)
class OpenHours:
    """Target hours a hiring plan leaves open, and why — what the manager decides next.

    why: "unreachable" — no shift of today's team or of any candidate reaches
    them (coverage.reach); "no_hire" — reachable on paper, but no further hire
    closes any (rules, contracts, or every candidate is hired); "steps" — the
    roadmap stopped at --steps with target hours left that more hires may close;
    "time_limit" — the next step's search ended at its time limit without a
    roster, so nothing says whether a further hire would close them.
    """

    why: str
    pairs: frozenset[Pair]  # (channel, grid interval)
    hours: float  # as target_hours_left counts them: channels summed (agent-hours short for service/ratio)
    note: str = ""  # for no_hire: why no further hire helps, as far as we know


@dataclass(frozen=True)
class HiringPlan:
    steps: list[HireStep]
    roster: Roster  # the final team's roster
    config: Config  # the config with the hired candidates as agents (for reports)
    reach: Reach  # the target (reach.target) against what anybody could ever put on duty
    open: tuple[OpenHours, ...] = ()  # target hours left open, and why

    @property
    def out_of_reach(self) -> bool:
        """True when target hours stay open that no (further) hire can close: `covplan hires` exits 1."""
        return any(o.why in ("unreachable", "no_hire") for o in self.open)


def _require_candidates(config: Config) -> None:
    if not config.candidates:
        raise InputError(
            [Problem(config.source, None, "candidates", "no hire profiles (expected a `candidates` list; see docs/hiring.md)")]
        )


def _target_pairs(target: Target, coverage: Coverage) -> list[tuple[int, float]]:
    """(required, on duty) of every interval and channel the target counts."""
    return [
        (need, have)
        for c, needs in coverage.required.items()
        for slot, (need, have) in enumerate(zip(needs, coverage.scheduled_of(c)))
        if target.counts(c, slot)
    ]


def _target_shortfall(target: Target, coverage: Coverage) -> float:
    """How far from the target, in intervals (uncovered) or agent-intervals (service, ratio).

    A backlog channel has no agents required per interval: its intervals
    count when their arrivals are answered late, for either kind of target.
    """
    late = sum(flag for c in coverage.backlog for slot, flag in enumerate(coverage.uncovered(c)) if target.counts(c, slot))
    pairs = _target_pairs(target, coverage)
    if target.kind == "uncovered":
        return late + sum(1 for need, have in pairs if need > 0 and have == 0)
    if target.kind == "service":
        return late + sum(max(need - have, 0) for need, have in pairs)
    required = sum(need for need, _ in pairs)
    return max(target.ratio * required - sum(min(need, have) for need, have in pairs), 0.0)


def target_met(target: Target, coverage: Coverage) -> bool:
    """Whether a roster's coverage reaches the target, recomputed from the roster (not the model)."""
    return _target_shortfall(target, coverage) <= 1e-9


def target_gap(target: Target, coverage: Coverage) -> float:
    """What is left to reach the target, in hours: needed hours with nobody on duty (uncovered),
    agent-hours short (service), or agent-hours still to be met to reach the ratio (ratio);
    only the target's channels and hours count."""
    return round(_target_shortfall(target, coverage) * coverage.grid.hours_per_interval, 2)


class NoRosterToday(Exception):
    """Today's team has no roster under the hard rules, so there is no step 0 to hire from (the command's exit 1)."""

    def __init__(self, result: SolveResult):
        super().__init__(f"no roster for today's team: {result.status}")
        self.result = result


def roadmap(
    config: Config,
    requirements: Requirements,
    steps: int,
    options: SolveParams | SolveOptions,
    progress: TextIO | None = None,
    target: Target | None = None,
) -> HiringPlan:
    """Best hire first, then the best next given the first, ... until the target is met or `steps` is reached.

    A target limited to some channels or hours comes first in every step's
    objective (a soft target): each hire closes as many target hours as one
    more hire can, and only then as many other hours as it can. Target hours
    no hire can reach (coverage.reach) are left out of what the steps chase,
    and a step that closes no target hour is not taken: the roadmap ends
    there and says which hours stay open (`HiringPlan.open`).
    """
    _require_candidates(config)
    target = target or Target()
    full = config.with_candidates()
    reach = reachability(full, requirements, target)
    aim = reach.aim()
    restricted = aim.intervals is not None or aim.channels is not None or bool(aim.excluded)
    first = replace(aim, soft=True) if restricted else None
    costs = {agent.id: candidate.cost for candidate in config.candidates for agent in candidate.as_agents()}
    chosen: list[str] = []
    # Step 0 is today's team as `plan` sees it, unless the target asks for some hours or channels first: hours no one
    # can reach change nothing a roster can do, so they alone are no reason to price today's team differently.
    asks_first = target.intervals is not None or target.channels is not None or target.kind != "uncovered"
    result = _today(config, full, requirements, options, costs, first if asks_first else None)
    if result.roster is None:
        raise NoRosterToday(result)
    plan = [_step(0, None, full, requirements, result, costs, [], None, target)]
    ending = "met"
    for step in range(1, steps + 2):
        covered = coverage_of(result.roster, requirements, full)
        if target_met(aim, covered):
            ending = "met"
            break
        if step > steps:
            ending = "steps"
            break
        attempt, hire = _next_hire(full, requirements, options, costs, chosen, first, aim, covered)
        if hire is None:
            # Only a proof (or nobody left to hire) says no hire helps; a search cut short by its limit says nothing.
            proven = attempt.status == "INFEASIBLE" or len(chosen) == len(costs)
            ending = "no_hire" if proven else "time_limit"
            break
        result = attempt
        chosen.append(hire)
        plan.append(_step(step, hire, full, requirements, result, costs, chosen, plan[-1], target))
        if progress is not None:
            last = plan[-1]
            print(
                f"  hire {step}: {last.hire} ({last.site}, {last.shifts}) closes {last.closed_hours or 0:g} h, "
                f"{last.uncovered_hours:g} h left uncovered, {last.target_hours_left:g} h to the target",
                file=progress,
                flush=True,
            )
    final = result.roster if result.roster is not None else Roster(())
    left = coverage_of(final, requirements, full)
    note = (
        "every candidate is hired"
        if len(chosen) == len(costs)
        else "the candidates' rules and contracts keep one more hire off them"
    )
    opened = _unreachable(reach, requirements) + (() if ending == "met" else _left_open(ending, aim, left, reach, note))
    return HiringPlan(plan, final, config.with_hires(chosen), reach, opened)


def _today(
    config: Config,
    full: Config,
    requirements: Requirements,
    options: SolveParams | SolveOptions,
    costs: dict[str, float],
    first: Target | None,
) -> SolveResult:
    """Step 0: today's team. Without `first` it is exactly `covplan plan`'s model and search, so the roadmap
    starts from the figures plan reports; a target of some hours or channels puts them first already here."""
    if first is None:
        inputs, params = _quiet(options)
        return solve(config, requirements, replace(inputs, explain=True), params)  # explained only if it has no roster
    return _solve(full, requirements, options, Hiring(costs, max_hires=0, target=first))


def _next_hire(
    full: Config,
    requirements: Requirements,
    options: SolveParams | SolveOptions,
    costs: dict[str, float],
    chosen: list[str],
    first: Target | None,
    aim: Target,
    covered: Coverage,
) -> tuple[SolveResult, str | None]:
    """The next step's result and hire; no hire when none was found that closes a target hour (the result says
    whether that is proven: INFEASIBLE, or only the end of the time limit).

    The step's own objective weighs target hours first only for a restricted
    target; when its choice closes nothing of the target, the target is
    asked outright (at least one gap fewer, a hard rule), so "no further
    hire" is the solver's answer, not an artefact of the weights.
    """
    step = len(chosen) + 1
    before = _target_shortfall(aim, covered)
    result = _solve(full, requirements, options, Hiring(costs, max_hires=step, hired=frozenset(chosen), target=first))
    hire = _progress(result, requirements, full, costs, chosen, aim, before)
    if hire is not None or len(chosen) == len(costs):
        return result, hire
    counted = "service" if aim.kind == "ratio" else aim.kind  # ratio: agent-intervals short, as service counts them
    strict = replace(aim, kind=counted, soft=False, most=math.ceil(_target_shortfall(replace(aim, kind=counted), covered)) - 1)
    result = _solve(full, requirements, options, Hiring(costs, max_hires=step, hired=frozenset(chosen), target=strict))
    return result, _progress(result, requirements, full, costs, chosen, aim, before)


def _progress(
    result: SolveResult,
    requirements: Requirements,
    full: Config,
    costs: dict[str, float],
    chosen: list[str],
    aim: Target,
    before: float,
) -> str | None:
    """The new hire of a step's roster when it brings the team closer to the target; None otherwise."""
    if result.roster is None:
        return None
    new = sorted(_hired(result.roster, costs) - set(chosen))
    if not new or _target_shortfall(aim, coverage_of(result.roster, requirements, full)) >= before - 1e-9:
        return None
    return new[0]


def _unreachable(reach: Reach, requirements: Requirements) -> tuple[OpenHours, ...]:
    if reach.reachable:
        return ()
    hours = len(reach.unreachable) * requirements.grid.hours_per_interval
    return (OpenHours("unreachable", reach.unreachable, round(hours, 2)),)


def _left_open(why: str, aim: Target, covered: Coverage, reach: Reach, note: str) -> tuple[OpenHours, ...]:
    """The aim's hours still short at the end of a roadmap (a ratio beyond reach is said once, as unreachable)."""
    if why == "no_hire" and aim.kind == "ratio" and not reach.reachable:
        return ()
    pairs = frozenset(
        (c, k)
        for c, needs in covered.required.items()
        for k, (need, have, nobody) in enumerate(zip(needs, covered.scheduled_of(c), covered.uncovered(c)))
        if aim.counts(c, k) and (nobody or (aim.kind != "uncovered" and have < need))  # a backlog channel: answered late
    )
    return (OpenHours(why, pairs, target_gap(aim, covered), note if why == "no_hire" else ""),) if pairs else ()


def cheapest(
    config: Config, requirements: Requirements, options: SolveParams | SolveOptions, target: Target | None = None
) -> tuple[HiringPlan | None, SolveResult]:
    """The least costly set of hires reaching the target (default: no needed interval without anybody); None when none does.

    Hours no hire can reach (coverage.reach) are left out of the target: the
    plan is the cheapest set reaching every other target hour, and
    `HiringPlan.open` names those left out. A ratio beyond reach is not
    searched: the result says it (status UNREACHABLE) with the hours short.
    """
    _require_candidates(config)
    full = config.with_candidates()
    costs = {agent.id: candidate.cost for candidate in config.candidates for agent in candidate.as_agents()}
    target = target or Target()
    reach = reachability(full, requirements, target)
    if not reach.reachable and target.kind == "ratio":
        return None, SolveResult(
            "UNREACHABLE",
            None,
            None,
            None,
            0.0,
            reasons=out_of_reach_lines(_unreachable(reach, requirements)[0], reach, config, requirements),
        )
    hiring = Hiring(costs, target=reach.aim(), cost_weight=CHEAPEST_COST_WEIGHT)
    result = _solve(full, requirements, options, hiring)
    if result.roster is None:
        return None, result
    chosen = sorted(_hired(result.roster, costs))
    steps = [
        _step(k, hire, full, requirements, result, costs, chosen[:k], None, target, ordered=False)
        for k, hire in enumerate(chosen, start=1)
    ]
    return HiringPlan(steps, result.roster, config.with_hires(chosen), reach, _unreachable(reach, requirements)), result


def out_of_reach_lines(open_hours: OpenHours, reach: Reach, config: Config, requirements: Requirements) -> list[str]:
    """What stays open and what would change it, for the terminal: a headline, clock windows, a hint."""
    target = reach.target
    zone = target.zone or config.view_zones[0]
    grid = requirements.grid
    windows = [f"  {line}" for line in describe_windows(open_hours.pairs, grid, zone, config)]
    if open_hours.why == "steps":
        return [
            f"target not met within --steps: {open_hours.hours:g} h of it left ({describe_target(target)}); "
            f"more steps may close them:",
            *windows,
        ]
    if open_hours.why == "time_limit":
        return [
            f"target not met within the time limit: {open_hours.hours:g} h of it left ({describe_target(target)}); "
            "the next step's search ended without a roster, and a longer --time-limit may close them:",
            *windows,
        ]
    return [_headline(open_hours, reach), *windows, f"  {_hint(open_hours, config, grid)}"]


def _headline(open_hours: OpenHours, reach: Reach) -> str:
    target = reach.target
    what = describe_target(target)
    if open_hours.why == "no_hire":
        return (
            f"target not met: {open_hours.hours:g} h of it ({what}) stay open and no further hire closes any "
            f"of them ({open_hours.note}):"
        )
    if target.kind == "ratio":
        scope = "" if target.channels is None else f" for {', '.join(sorted(target.channels))}"
        scope += f" {target.where}" if target.where else ""
        return (
            f"target out of reach: at most {reach.best_ratio or 0:.1%} of the required agent-hours{scope} can be met "
            f"by today's team and every candidate together (the target asks for {target.ratio:.0%}); short whoever is hired:"
        )
    if target.kind == "service":
        return (
            f"target out of reach: these {open_hours.hours:g} h of it ({what}) need more agents than today's team "
            f"and every candidate could put on duty at once:"
        )
    return (
        f"target out of reach: no shift of today's team or of any candidate reaches these {open_hours.hours:g} h of it ({what}):"
    )


def _hint(open_hours: OpenHours, config: Config, grid: Grid) -> str:
    """Which site shifts would reach the hours, and what to change; or that no site has such a shift."""
    channels = ", ".join(sorted({c for c, _ in open_hours.pairs}))
    shifts = "; ".join(shifts_that_reach(open_hours.pairs, grid, config))
    if not shifts:
        return (
            f"no site has a shift over these hours: add one (sites.NAME.shifts) and a candidate with {channels} "
            f"who works it, or leave these hours out of the target"
        )
    if open_hours.why == "no_hire":
        return (
            f"shifts over these hours: {shifts} — a candidate with {channels} free to work them "
            f"(contract hours, rest, days in a row) or a higher max_count would close them"
        )
    holidays, only_holidays = holidays_in_the_way(open_hours.pairs, grid, config)
    days = ", ".join(holidays[:3]) + (", …" if len(holidays) > 3 else "")
    if only_holidays:
        return (
            f"shifts over these hours: {shifts} — they fall on public holidays ({days}): a candidate with "
            "works_holidays: true may work them, or leave these hours out of the target"
        )
    keeps = f"a limit of 0 weekends or nights{f', or a public holiday ({days}) without works_holidays,' if days else ''}"
    return (
        f"shifts over these hours: {shifts} — add a candidate with {channels} who may work one (candidates: site, "
        f"skills, shifts; {keeps} keeps one off), or leave these hours out of the target"
    )


def _solve(config: Config, requirements: Requirements, options: SolveParams | SolveOptions, hiring: Hiring) -> SolveResult:
    inputs, params = _quiet(options)
    return solve(config, requirements, replace(inputs, hiring=hiring), params)


def _quiet(options: SolveParams | SolveOptions) -> tuple[ModelInputs, SolveParams]:
    """The model's inputs and the search's controls for one of the many solves here: silent, and no explanations asked."""
    inputs, params = (options.inputs, options.params) if isinstance(options, SolveOptions) else (ModelInputs(), options)
    return replace(inputs, explain=False), replace(params, progress=None)


def _hired(roster: Roster, costs: dict[str, float]) -> set[str]:
    return {a.agent for a in roster.assignments if a.agent in costs}


def _step(
    step: int,
    hire: str | None,
    config: Config,
    requirements: Requirements,
    result: SolveResult,
    costs: dict[str, float],
    chosen: list[str],
    previous: HireStep | None,
    target: Target,
    ordered: bool = True,
) -> HireStep:
    roster = result.roster
    assert roster is not None, "a step is measured only on a search that found a roster (roadmap and cheapest check first)"
    covered, digest = measure(result, requirements, config)
    zone = target.zone or config.view_zones[0]  # the clock the target was named on (any zone), else the first view
    view = digest.views[zone] if zone in digest.views else view_figures(covered, config, zone)
    uncovered = view.uncovered_hours  # clock hours, as plan's summary counts them in its views
    candidate = config.candidate_of(hire) if hire else None
    worked = Counter(a.shift for a in roster.assignments if a.agent == hire)
    return HireStep(
        step=step,
        hire=hire,
        profile=candidate.id if candidate else None,
        site=candidate.site if candidate else None,
        shifts=", ".join(f"{shift} ×{count}" for shift, count in sorted(worked.items())),
        cost=costs.get(hire, 0.0) if hire else 0.0,
        total_cost=sum(costs[a] for a in chosen),
        uncovered_hours=uncovered,
        weekend_uncovered_hours=view.weekend_uncovered_hours,
        overnight_uncovered_hours=view.overnight_uncovered_hours,
        closed_hours=(round(previous.uncovered_hours - uncovered, 2) if previous else 0.0) if ordered else None,
        status=result.status,
        seconds=round(result.wall_seconds, 1),
        target_hours_left=target_gap(target, covered),
    )


# --------------------------------------------------------------------------- attrition


@dataclass(frozen=True)
class Loss:
    """What losing one agent (or a whole site) would open: uncovered hours with and without them."""

    lost: str  # "agent ana" or "site manila"
    agents: int
    uncovered_hours: float
    opened_hours: float  # more uncovered hours than with the whole team
    weekend_uncovered_hours: float
    overnight_uncovered_hours: float


def attrition(
    config: Config,
    requirements: Requirements,
    options: SolveParams | SolveOptions,
    processes: int | None = None,
    executor: Executor | None = None,
) -> list[Loss]:
    """Re-plan without each agent and without each site, as independent tasks; the largest opened gap first.

    The tasks go to `executor` (coverage.executor: a local process pool, or
    a Dask cluster); without one, to a local pool of `processes` processes
    (default: as many as the cores hold searches of `options.workers` threads).
    """
    scenarios = _attrition_scenarios(config)
    inputs, params = _quiet(options)
    jobs = [(name, c, requirements, inputs, params) for name, c in scenarios]
    if executor is None:
        from coverage.executor import open_executor
        from coverage.solve import search_threads

        threads = search_threads(options.workers or 1)
        with open_executor(
            threads_per_task=threads if processes is None else max(1, (os.cpu_count() or 1) // processes), tasks=len(jobs)
        ) as pool:
            return attrition(config, requirements, options, executor=pool)
    batch = run_tasks(executor, _scenario, jobs)
    if batch.interrupted:
        raise KeyboardInterrupt
    outcomes: list[Loss] = [o for o in batch.results if o is not None]
    baseline = outcomes[0]
    losses = [replace(o, opened_hours=round(o.uncovered_hours - baseline.uncovered_hours, 2)) for o in outcomes[1:]]
    return sorted(losses, key=lambda loss: (-loss.opened_hours, loss.lost))


def attrition_runs(config: Config) -> int:
    """How many plans `attrition` runs: the whole team, each agent lost, each site lost."""
    return len(_attrition_scenarios(config))


def _attrition_scenarios(config: Config) -> list[tuple[str, Config]]:
    """The whole team, each agent lost, each site with agents lost.

    A site holding the whole team is lost too (its row has 0 agents): the
    manager of a one-site team still asks what an office closed by a storm
    or an outage would open, and a missing row read as a site whose loss
    was not worth a line. With nobody left that is every needed hour.
    """
    scenarios: list[tuple[str, Config]] = [("whole team", config)]
    scenarios += [(f"agent {a.id}", _without(config, {a.id})) for a in config.agents]
    for site in config.sites:
        members = {a.id for a in config.agents if a.site == site}
        if members:
            scenarios.append((f"site {site}", _without(config, members)))
    return scenarios


def _without(config: Config, agent_ids: set[str]) -> Config:
    return config.model_copy(update={"agents": [a for a in config.agents if a.id not in agent_ids]})


def _scenario(job: tuple[str, Config, Requirements, ModelInputs, SolveParams]) -> Loss:
    name, config, requirements, inputs, params = job
    result = solve(config, requirements, inputs, params)
    if result.roster is None:
        raise InputError([Problem(config.source, None, "agents", f"without {name} no roster satisfies the hard rules")])
    _, digest = measure(result, requirements, config)
    view = digest.views[config.view_zones[0]]
    return Loss(
        name, len(config.agents), digest.total_uncovered_hours, 0.0, view.weekend_uncovered_hours, view.overnight_uncovered_hours
    )
