"""Big teams in stages: headcounts, then each site's agents, then the whole team from there.

On a few hundred agents the direct model spends its time proving little: its
LP bound moves slowly and its first rosters are poor. Deciding how many of
each site and skill group work each shift first (`aggregate`, small and
solved to a proven bound in seconds), then which agents, site by site, gives
the full model a proven bound and a good complete roster to start from. The
full model still has the last word, so nothing is lost when the stages miss:
the returned roster is the best the full search finds from the staged start.

Every stage runs through the runner (coverage.solve.runner) under the
user's `SolveParams`, with its share of the time limit.
"""

from __future__ import annotations

import math
import time as wallclock
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ortools.sat.python import cp_model

from coverage.config import Config
from coverage.demand import Requirements
from coverage.roster import Roster
from coverage.solve.aggregate import headcount_model
from coverage.solve.data import ModelData
from coverage.solve.model import BuiltModel, build_model
from coverage.solve.runner import SolveParams, run_search
from coverage.time import ShiftInstance

# Teams from this size (and with more than one site) are solved in stages by default.
STAGED_FROM_AGENTS = 60
HEADCOUNT_SHARE = 0.15  # of the time limit, for the headcount model
SITES_SHARE = 0.45  # of the time limit, for all the sites' assignments together

Headcounts = dict[tuple[ShiftInstance, str], int]


@dataclass
class StagedStart:
    """What the stages give the full search: a proven lower bound and a complete roster to improve."""

    bound: float | None
    roster: Roster | None
    interrupted: bool = False


def wanted(config: Config, staged: bool | None, plain: bool) -> bool:
    """Stages pay off on big multi-site teams; `plain` is False when hires, --keep or history change the model."""
    if staged is not None:
        return staged and plain
    return plain and len(config.agents) >= STAGED_FROM_AGENTS and len({a.site for a in config.agents}) > 1


def staged_start(config: Config, requirements: Requirements, params: SolveParams, *, alone: bool = False) -> StagedStart:
    """Headcounts, then sites; each stage reports a line as it ends, since together they take half the time limit.

    `alone`: no full model follows (it would not fit in memory), so a stage
    that finds nothing ends the search instead of handing over to it.
    """
    started = wallclock.perf_counter()
    then = "no roster without the whole model" if alone else "searching the full model directly"

    def say(line: str) -> None:
        if params.progress is not None:
            print(f"  {line}, {wallclock.perf_counter() - started:.1f}s", file=params.progress, flush=True)

    headcounts = headcount_model(config, requirements)
    budget = params.time_limit_seconds * HEADCOUNT_SHARE
    code, solver, interrupted = run_search(headcounts.model, replace(params, time_limit_seconds=budget, progress=None))
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        say(f"headcounts: none found in the time given; {then}")
        return StagedStart(None, None, interrupted)
    bound = solver.best_objective_bound
    targets = headcounts.headcounts(solver)
    say(f"headcounts: {len(headcounts.groups)} groups, cost at least {bound:,.0f} "
        f"({'proven' if code == cp_model.OPTIMAL else 'best found ' + format(solver.objective_value, ',.0f')})")
    if interrupted:
        return StagedStart(bound, None, True)
    found, interrupted = _assign_sites(config, requirements, targets, params, say, then)
    if found is None:
        return StagedStart(bound, None, interrupted)
    assignments = [a for roster, _ in found.values() for a in roster.assignments]
    return StagedStart(bound, Roster(tuple(sorted(assignments, key=lambda a: (a.start_utc, a.agent)))), interrupted)


def _assign_sites(config: Config, requirements: Requirements, targets: Headcounts, params: SolveParams,
                  say: Callable[[str], None], then: str) -> tuple[dict[str, tuple[Roster, int]] | None, bool]:
    """Each site in turn, then a second try (another seed) for the sites left off their headcounts.

    Most sites meet their headcounts in a second or two; the odd one that
    does not is usually unlucky rather than impossible, and whatever it
    leaves open costs the whole team, so the time the easy sites saved goes
    to it.
    """
    sites = sorted({a.site for a in config.agents})
    budget_end = wallclock.perf_counter() + params.time_limit_seconds * SITES_SHARE
    found: dict[str, tuple[Roster, int]] = {}
    for attempt in range(2):
        todo = [site for site in sites if site not in found or found[site][1] > 0]
        for left, site in zip(range(len(todo), 0, -1), todo):
            share = (budget_end - wallclock.perf_counter()) / left  # time a site does not need goes to the next
            if params.deterministic:
                share = params.time_limit_seconds * SITES_SHARE / len(sites) / (attempt + 1)
            if share < 1.0 and site in found:
                continue
            tried = replace(params, time_limit_seconds=max(share, 1.0), progress=None, seed=params.seed + attempt)
            roster, missed, interrupted = assign_site(config, requirements, site, targets, tried)
            if roster is not None and (site not in found or missed < found[site][1]):
                found[site] = (roster, missed)
            if site not in found:
                say(f"site {site}: no assignment found; {then}")
                return None, interrupted
            say(f"site {site}: agents assigned, {found[site][1]} shift(s) off the headcounts")
            if interrupted:
                return found, True
    return found, False


def assign_site(config: Config, requirements: Requirements, site: str, targets: Headcounts,
                params: SolveParams) -> tuple[Roster | None, int, bool]:
    """One site's agents under all their rules, as close to the site's headcounts as they can get.

    An agent missing from a headcount costs what an agent short for the
    shift's paid hours would, an extra agent what an overstaffed one would:
    at the headcounts' optimum those are the marginal costs. The search
    stops once every headcount is met; wishes and fairness are then polished
    by the full search that follows. Returns the roster, the number of
    agent-shifts off the headcounts, and whether the user interrupted.
    """
    rm, deviations = site_model(config, requirements, site, targets)
    code, solver, interrupted = run_search(rm.model, params, stop_when=lambda value: sum(value(d) for d in deviations) == 0)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, 0, interrupted
    return rm.roster_from(solver.boolean_value), sum(solver.value(d) for d in deviations), interrupted


def site_model(config: Config, requirements: Requirements, site: str, targets: Headcounts) -> tuple[BuiltModel, list[cp_model.IntVar]]:
    """One site's roster model priced by its distance to the headcounts (and wishes and fairness); the deviation variables."""
    local = config.model_copy(update={"agents": [a for a in config.agents if a.site == site]})
    rm = build_model(ModelData.of(local, requirements), objective=False)
    working: dict[tuple[ShiftInstance, str], list[cp_model.IntVar]] = defaultdict(list)
    for option, var in rm.variables.choices.items():
        working[(option.instance, option.channel)].append(var)
    deviations = []
    weights = config.weights
    for (s, channel), vars_ in working.items():
        target = targets.get((s, channel), 0)
        short = rm.model.new_int_var(0, target, f"short[{s.day},{s.shift},{channel}]")
        rm.model.add(short >= target - sum(vars_))
        rm.objective.minimize(max(1, round(s.paid_hours * weights.understaffed)), short)
        extra = rm.model.new_int_var(0, len(vars_), f"extra[{s.day},{s.shift},{channel}]")
        rm.model.add(extra >= sum(vars_) - target)
        rm.objective.minimize(max(1, round(s.paid_hours * weights.overstaffed)), extra)
        deviations.extend((short, extra))
    rm.objective.add_agent_terms()
    rm.objective.set()
    return rm, deviations


def hint_roster(rm: BuiltModel, roster: Roster) -> None:
    """Every choice variable hinted from a complete roster, so the full search starts from it."""
    chosen = {(a.agent, a.day, a.shift, a.channel) for a in roster.assignments}
    for option, var in rm.variables.choices.items():
        rm.model.add_hint(var, (option.agent, option.instance.day, option.instance.shift, option.channel) in chosen)


def complete_hint(rm: BuiltModel) -> cp_model.CpSolver | None:
    """Turn the roster hint into a value for every variable, so the full search starts from the staged roster.

    CP-SAT follows an incomplete hint only in some workers and may drop it;
    with the choices fixed, the auxiliary variables (shortfalls, weekend
    flags, spreads) follow by propagation in a second or two, without presolve.
    Returns that solve, which also prices the staged roster exactly.
    """
    def settings(parameters: Any) -> None:
        parameters.fix_variables_to_their_hinted_value = True
        parameters.cp_model_presolve = False
        parameters.linearization_level = 0
        parameters.num_workers = 1
        parameters.max_time_in_seconds = 30

    code, solver, _ = run_search(rm.model, SolveParams(time_limit_seconds=30, workers=1), settings=settings)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    rm.model.clear_hints()
    for index in range(len(rm.model.proto.variables)):
        var = rm.model.get_int_var_from_proto_index(index)
        rm.model.add_hint(var, solver.value(var))
    return solver


def with_bound(rm: BuiltModel, bound: float) -> None:
    """The headcount bound as a constraint on the objective: valid, since the headcounts relax the roster."""
    rm.model.add(rm.objective.expression() >= math.ceil(bound - 1e-6))

