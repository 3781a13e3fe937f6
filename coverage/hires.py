"""Hires: the road to 24/7, one well-placed hire at a time.

Candidate profiles (`candidates:` in the config) become optional agents under
the same rules as everyone else. The roadmap asks the solver, step by step,
for the single best next hire given the ones already chosen — the order comes
from the model, not from a ranking rule — and records what each hire closes.
The cheapest set mode asks for the least costly team with nobody-on-duty
hours at zero.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from coverage.config import Config
from coverage.demand import Requirements
from coverage.errors import InputError, Problem
from coverage.gaps import Coverage, coverage_of, summary
from coverage.outputs import write_csv_atomic
from coverage.roster import Roster
from coverage.solve import Hiring, SolveOptions, SolveResult, Target, solve

CHEAPEST_COST_WEIGHT = 10_000  # per unit of cost: in the cheapest-set mode cost outweighs every gap term

ROADMAP_COLUMNS = (
    "step", "hire", "profile", "site", "shifts", "cost", "total_cost", "uncovered_hours",
    "weekend_uncovered_hours", "overnight_uncovered_hours", "closed_hours", "status", "seconds",
)


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
    closed_hours: float  # uncovered hours this hire closes
    status: str
    seconds: float


@dataclass(frozen=True)
class HiringPlan:
    steps: list[HireStep]
    roster: Roster  # the final team's roster
    config: Config  # the config with the hired candidates as agents (for reports)


def _require_candidates(config: Config) -> None:
    if not config.candidates:
        raise InputError([Problem(config.source, None, "candidates", "no hire profiles (expected a `candidates` list; see README, Planning hires)")])


def target_met(target: Target, coverage: Coverage) -> bool:
    """Whether a roster's coverage reaches the target, recomputed from the roster (not the model)."""
    channels = [c for c in coverage.required if target.covers(c)]
    pairs = [(need, have) for c in channels for need, have in zip(coverage.required[c], coverage.scheduled[c])]
    if target.kind == "uncovered":
        return not any(need > 0 and have == 0 for need, have in pairs)
    if target.kind == "service":
        return all(have >= need for need, have in pairs)
    required = sum(need for need, _ in pairs)
    return required == 0 or sum(min(need, have) for need, have in pairs) >= target.ratio * required - 1e-9


def roadmap(config: Config, requirements: Requirements, steps: int, options: SolveOptions,
            progress: TextIO | None = sys.stderr, target: Target | None = None) -> HiringPlan:
    """Best hire first, then the best next given the first, ... until the target is met or `steps` is reached."""
    _require_candidates(config)
    target = target or Target()
    full = config.with_candidates()
    costs = {agent.id: candidate.cost for candidate in config.candidates for agent in candidate.as_agents()}
    chosen: list[str] = []
    result = _solve(full, requirements, options, Hiring(costs, max_hires=0))
    plan = [_step(0, None, full, requirements, result, costs, [], None)]
    for step in range(1, steps + 1):
        if target_met(target, coverage_of(result.roster, requirements, full)):
            break
        result = _solve(full, requirements, options, Hiring(costs, max_hires=step, hired=frozenset(chosen)))
        if result.roster is None:
            break
        new = sorted(_hired(result.roster, costs) - set(chosen))
        if not new:
            break  # no hire improves the roster any more
        chosen.append(new[0])
        plan.append(_step(step, new[0], full, requirements, result, costs, chosen, plan[-1]))
        if progress is not None:
            last = plan[-1]
            print(f"  hire {step}: {last.hire} ({last.site}, {last.shifts}) closes {last.closed_hours:g} h, "
                  f"{last.uncovered_hours:g} h left uncovered", file=progress, flush=True)
    return HiringPlan(plan, result.roster if result.roster is not None else Roster(()), _team(config, chosen))


def cheapest(config: Config, requirements: Requirements, options: SolveOptions,
             target: Target | None = None) -> tuple[HiringPlan | None, SolveResult]:
    """The least costly set of hires reaching the target (default: no needed interval without anybody); None when none does."""
    _require_candidates(config)
    full = config.with_candidates()
    costs = {agent.id: candidate.cost for candidate in config.candidates for agent in candidate.as_agents()}
    hiring = Hiring(costs, target=target or Target(), cost_weight=CHEAPEST_COST_WEIGHT)
    result = _solve(full, requirements, options, hiring)
    if result.roster is None:
        return None, result
    chosen = sorted(_hired(result.roster, costs))
    steps = [_step(k, hire, full, requirements, result, costs, chosen[:k], None) for k, hire in enumerate(chosen, start=1)]
    return HiringPlan(steps, result.roster, _team(config, chosen)), result


def _solve(config: Config, requirements: Requirements, options: SolveOptions, hiring: Hiring) -> SolveResult:
    return solve(config, requirements, replace(options, hiring=hiring, progress=None, explain=False))


def _hired(roster: Roster, costs: dict[str, float]) -> set[str]:
    return {a.agent for a in roster.assignments if a.agent in costs}


def _team(config: Config, chosen: list[str]) -> Config:
    """The config with exactly the chosen hires as agents."""
    hires = [agent for candidate in config.candidates for agent in candidate.as_agents() if agent.id in chosen]
    return config.model_copy(update={"agents": [*config.agents, *hires]})


def _step(step: int, hire: str | None, config: Config, requirements: Requirements, result: SolveResult,
          costs: dict[str, float], chosen: list[str], previous: HireStep | None) -> HireStep:
    digest = summary(coverage_of(result.roster, requirements, config), config, status=result.status,
                     objective=result.objective, best_bound=result.best_bound, wall_seconds=result.wall_seconds)
    view = digest["views"][config.view_zones[0]]
    uncovered = round(sum(digest["uncovered_hours"].values()), 2)
    candidate = config.candidate_of(hire) if hire else None
    worked = Counter(a.shift for a in result.roster.assignments if a.agent == hire)
    return HireStep(
        step=step,
        hire=hire,
        profile=candidate.id if candidate else None,
        site=candidate.site if candidate else None,
        shifts=", ".join(f"{shift} ×{count}" for shift, count in sorted(worked.items())),
        cost=costs.get(hire, 0.0) if hire else 0.0,
        total_cost=sum(costs[a] for a in chosen),
        uncovered_hours=uncovered,
        weekend_uncovered_hours=view["weekend_uncovered_hours"],
        overnight_uncovered_hours=view["overnight_uncovered_hours"],
        closed_hours=round(previous.uncovered_hours - uncovered, 2) if previous else 0.0,
        status=result.status,
        seconds=round(result.wall_seconds, 1),
    )


def write_hiring_plan(plan: HiringPlan, requirements: Requirements, out: Path) -> Path:
    """hires.csv, hires.png, the final team's roster.csv and its report with the roadmap in report.html."""
    from coverage.htmlreport import table_section
    from coverage.plots import plot_hiring_roadmap
    from coverage.report import RunInfo, write_report
    from coverage.roster import write_roster

    write_roadmap_csv(plan.steps, out / "hires.csv")
    picture = plot_hiring_roadmap(plan.steps, out / "hires.png", view=plan.config.view_zones[0])
    write_roster(plan.roster, plan.config, out / "roster.csv")
    section = table_section(
        "hires", "Hiring roadmap", ["step", "hire", "site", "shifts", "closes h", "left h", "weekend h", "overnight h", "total cost"],
        [(s.step, s.hire or "today's team", s.site or "", s.shifts, s.closed_hours, s.uncovered_hours,
          s.weekend_uncovered_hours, s.overnight_uncovered_hours, s.total_cost) for s in plan.steps],
        intro="Each step adds the one hire that closes most, given the hires before it; the rest of this report is the final team's.",
        plot=picture,
    )
    write_report(out, plan.config, requirements, plan.roster, RunInfo("HIRES"), extra_sections=[section])
    return out


def write_roadmap_csv(steps: list[HireStep], path: Path) -> Path:
    rows = [
        (s.step, s.hire or "", s.profile or "", s.site or "", s.shifts, f"{s.cost:g}", f"{s.total_cost:g}",
         f"{s.uncovered_hours:g}", f"{s.weekend_uncovered_hours:g}", f"{s.overnight_uncovered_hours:g}",
         f"{s.closed_hours:g}", s.status, f"{s.seconds:g}")
        for s in steps
    ]
    return write_csv_atomic(path, ROADMAP_COLUMNS, rows)


def roadmap_text(steps: list[HireStep]) -> str:
    lines = [f"{'step':>4}  {'hire':<22} {'site':<12} {'closes':>8} {'left':>8} {'weekend':>8} {'night':>8} {'cost':>10}"]
    for s in steps:
        lines.append(
            f"{s.step:>4}  {(s.hire or 'today’s team'):<22} {(s.site or ''):<12} {s.closed_hours:>8g} "
            f"{s.uncovered_hours:>8g} {s.weekend_uncovered_hours:>8g} {s.overnight_uncovered_hours:>8g} {s.total_cost:>10,.0f}"
        )
    return "\n".join(lines)



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


ATTRITION_COLUMNS = ("lost", "agents", "uncovered_hours", "opened_hours", "weekend_uncovered_hours", "overnight_uncovered_hours")


def attrition(config: Config, requirements: Requirements, options: SolveOptions, processes: int | None = None) -> list[Loss]:
    """Re-plan without each agent and without each site, in parallel; the largest opened gap first.

    Each scenario is an independent solve, so they run in separate processes
    (as many as the cores allow given the solver's own workers).
    """
    scenarios: list[tuple[str, Config]] = [("whole team", config)]
    scenarios += [(f"agent {a.id}", _without(config, {a.id})) for a in config.agents]
    for site in config.sites:
        members = {a.id for a in config.agents if a.site == site}
        if members and len(members) < len(config.agents):
            scenarios.append((f"site {site}", _without(config, members)))
    workers = options.workers or 1
    processes = processes or max(1, (os.cpu_count() or 1) // workers)
    quiet = replace(options, progress=None, explain=False)
    with ProcessPoolExecutor(max_workers=processes) as pool:
        outcomes = list(pool.map(_scenario, [(name, c, requirements, quiet) for name, c in scenarios]))
    baseline = outcomes[0]
    losses = [replace(o, opened_hours=round(o.uncovered_hours - baseline.uncovered_hours, 2)) for o in outcomes[1:]]
    return sorted(losses, key=lambda loss: (-loss.opened_hours, loss.lost))


def _without(config: Config, agent_ids: set[str]) -> Config:
    return config.model_copy(update={"agents": [a for a in config.agents if a.id not in agent_ids]})


def _scenario(job: tuple[str, Config, Requirements, SolveOptions]) -> Loss:
    name, config, requirements, options = job
    result = solve(config, requirements, options)
    if result.roster is None:
        raise InputError([Problem(config.source, None, "agents", f"without {name} no roster satisfies the hard rules")])
    digest = summary(coverage_of(result.roster, requirements, config), config, status=result.status,
                     objective=result.objective, best_bound=result.best_bound, wall_seconds=result.wall_seconds)
    view = digest["views"][config.view_zones[0]]
    return Loss(name, len(config.agents), round(sum(digest["uncovered_hours"].values()), 2), 0.0,
                view["weekend_uncovered_hours"], view["overnight_uncovered_hours"])


def write_attrition_csv(losses: list[Loss], path: Path) -> Path:
    rows = [(x.lost, x.agents, f"{x.uncovered_hours:g}", f"{x.opened_hours:g}", f"{x.weekend_uncovered_hours:g}",
             f"{x.overnight_uncovered_hours:g}") for x in losses]
    return write_csv_atomic(path, ATTRITION_COLUMNS, rows)
