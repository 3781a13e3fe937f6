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
import multiprocessing
import os
import time as wallclock
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from ortools.sat.python import cp_model

from coverage.config.schema import Config
from coverage.demand import Requirements
from coverage.roster import Roster
from coverage.solve import first_counts
from coverage.solve.aggregate import HeadcountModel, headcount_model
from coverage.solve.data import ModelData, ModelInputs
from coverage.solve.model import BuiltModel, build_model
from coverage.solve.objective import changes_against
from coverage.solve.runner import (
    Completion,
    SitePool,
    SolveParams,
    configure_search,
    hear_interrupts_only_while_searching,
    on_interrupt,
    run_search,
    try_fill_hint,
)
from coverage.time import ShiftInstance

# Teams from this size (and with more than one site) are solved in stages by default.
STAGED_FROM_AGENTS = 60
FIRST_SHARE = 0.10  # of the time limit, at most, for the first roster (greedy headcounts, each site's first assignment)
HEADCOUNT_SHARE = 0.15  # of the time limit, for the headcount model
SITES_SHARE = 0.45  # of the time limit, for all the sites' assignments together
# The stages end by then, whatever each took; the rest of the limit is the full model's.
STAGES_SHARE = FIRST_SHARE + HEADCOUNT_SHARE + SITES_SHARE

Headcounts = dict[tuple[ShiftInstance, str], int]
Shifts = frozenset[tuple[str, date, str, str]]  # a roster's shifts as (agent, local day, shift, channel)
Say = Callable[[str], None]


@dataclass
class StagedStart:
    """What the stages give the full search: a proven lower bound and a complete roster to improve."""

    bound: float | None
    roster: Roster | None
    interrupted: bool = False
    first_roster_at: float | None = None  # (perf_counter) when the stages first had a roster of the whole team
    # The first roster (greedy headcounts), when the sites' second round left a site off the searched headcounts (or
    # kept a site's first assignment beside new ones: `_maybe_dearer`): then
    # that round's roster is not surely the cheaper (2,700 agents: 3,000-5,000 shifts off a site, 132,574 at 300 s
    # against the first roster's 124,573), and only the whole model can price the two against each other.
    earlier: Roster | None = None


@dataclass(frozen=True)
class SiteTask:
    """One site's assignment as plain data, so it can run in another process: the CP-SAT model is built where it runs.

    `inputs` are the whole solve's (history, kept roster); `hired` the
    candidates the headcounts hired at this site, who join it as agents.
    """

    config: Config
    requirements: Requirements
    site: str
    targets: Headcounts
    params: SolveParams
    inputs: ModelInputs = ModelInputs()
    hired: frozenset[str] = frozenset()
    start: Shifts = frozenset()  # shifts of the team to start from, (agent, day, shift, channel): the site's are hinted
    # Shifts to start from instead when `start`'s break a rule of the site: the first round's checked assignments (the
    # schedules aimed at the searched headcounts do not know every rule, e.g. min_consecutive_days)
    fallback: Shifts = frozenset()
    first_only: bool = False  # stop at the first assignment instead of when the headcounts are met


@dataclass(frozen=True)
class SiteResult:
    """A site's roster (None when none was found), its agent-shifts off the headcounts, and whether Ctrl-C stopped it."""

    site: str
    roster: Roster | None
    missed: int
    interrupted: bool
    seconds: float = 0.0  # what the site took, its model's build included


def wanted(config: Config, staged: bool | None) -> bool:
    """Stages pay off on big multi-site teams, first periods or later ones, re-plans and hiring alike."""
    if has_flexible(config):
        return False  # the headcount stage counts listed occurrences only: a team with flexible templates is solved directly
    if staged is not None:
        return staged
    return len(config.agents) >= STAGED_FROM_AGENTS and len({a.site for a in config.agents}) > 1


def has_flexible(config: Config) -> bool:
    """Whether any site has a flexible template (a range of starts or lengths): such plans are solved by the direct model.

    The stages' headcount relaxation (coverage.solve.aggregate) and site
    hints read listed occurrences; integer starts, duty and ends per group
    (benchmarks/notes/flexible-shifts.md) would carry it over, and are not built yet.
    """
    return any(t.flexible for site in config.sites.values() for t in site.shifts.values())


def staged_start(
    config: Config,
    requirements: Requirements,
    params: SolveParams,
    inputs: ModelInputs = ModelInputs(),
    *,
    alone: bool = False,
    pool: SitePool | None = None,
) -> StagedStart:
    """A first roster from greedy headcounts, then headcounts searched, then sites again from the first roster.

    Each stage reports a line as it ends, since together they take most of
    the time limit. `inputs`: the model's history (already read: None is
    none), kept roster and hiring, which every stage takes into account.
    `alone`: no full model follows (it would not fit in memory), so a stage
    that finds nothing ends the search instead of handing over to it.
    `pool`: where the sites run side by side (`local_pool` makes one); None
    runs them one after the other here.
    """
    started = wallclock.perf_counter()
    then = "no roster without the whole model" if alone else "searching the full model directly"

    def say(line: str) -> None:
        if params.progress is not None:
            print(f"  {line}, {wallclock.perf_counter() - started:.1f}s", file=params.progress, flush=True)

    headcounts = headcount_model(config, requirements, history=inputs.history, keep=inputs.keep, hiring=inputs.hiring)
    sites = sorted({a.site for a in config.agents})
    task = SiteTask(config, requirements, "", {}, replace(params, progress=None, sites=None), inputs)
    first, guide, interrupted = _first_roster(headcounts, task, params, say, pool)
    first_at = wallclock.perf_counter() if _joined(first, sites) is not None else None
    if interrupted:
        return StagedStart(None, _joined(first, sites), True, first_at)
    end = started + params.time_limit_seconds * STAGES_SHARE

    def share(part: float) -> float:
        """A stage's seconds: its share of the limit, less what the stages before it ran over (not in deterministic runs)."""
        seconds = params.time_limit_seconds * part
        return seconds if params.deterministic else max(min(seconds, end - wallclock.perf_counter()), 1.0)

    budget = replace(params, time_limit_seconds=share(HEADCOUNT_SHARE), progress=None)
    code, solver, interrupted = run_search(
        headcounts.model, budget, settings=lambda parameters: headcount_search(parameters, budget)
    )
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        say(f"headcounts: none found in the time given; {'the first roster stands' if first else then}")
        return StagedStart(None, _joined(first, sites), interrupted, first_at)
    bound = solver.best_objective_bound
    targets = headcounts.headcounts(solver)
    hired = headcounts.hired(solver)
    say(
        f"headcounts: {len(headcounts.groups)} groups, cost at least {bound:,.0f} "
        f"({'proven' if code == cp_model.OPTIMAL else 'best found ' + format(solver.objective_value, ',.0f')})"
        + (f", {len(hired)} hire(s)" if inputs.hiring is not None else "")
    )
    if interrupted:
        return StagedStart(bound, _joined(first, sites), True, first_at)
    with on_interrupt(lambda: None) as hit:  # seconds of Python, as the first greedy: it ends at once when hit
        towards = first_counts.towards_headcounts(headcounts, targets, hired, stopped=lambda: bool(hit))
    if hit:
        return StagedStart(bound, _joined(first, sites), True, first_at)
    task = replace(task, targets=targets, hired=hired, start=towards, fallback=guide)
    found, interrupted = _assign_sites(task, params, say, pool, seconds=share(SITES_SHARE), attempts=2, earlier=first)
    for site in sites:
        if site not in found and site in first:
            say(f"site {site}: no better assignment found; the first roster's kept")
            found[site] = first[site]
    missing = [site for site in sites if site not in found]
    if missing:
        say(f"site {missing[0]}: {'interrupted before any' if interrupted else 'no'} assignment found; {then}")
    earlier = _joined(first, sites) if _maybe_dearer(found, first) else None
    return StagedStart(bound, _joined(found, sites), interrupted, first_at, earlier=earlier)


def _maybe_dearer(found: Mapping[str, SiteResult], first: Mapping[str, SiteResult]) -> bool:
    """Whether the second round's roster may cost more than the first one: it changed a site, and a changed site is off the
    searched headcounts or a site kept its first assignment (off by how much from the searched ones, nobody counted:
    its `missed` is against the greedy's counts), so the two rosters are priced against each other."""
    changed = [site for site in found if found[site] is not first.get(site)]
    kept = len(changed) < len(found)
    return bool(changed) and (kept or any(found[site].missed > 0 for site in changed))


def _first_roster(
    headcounts: HeadcountModel, task: SiteTask, params: SolveParams, say: Say, pool: SitePool | None
) -> tuple[dict[str, SiteResult], Shifts, bool]:
    """Each site's first assignment near the greedy headcounts (coverage.solve.first_counts), within FIRST_SHARE of the time.

    The greedy's counts are a solution of the headcount model, found in a
    second or two where CP-SAT's first took tens of seconds on a thousand
    agents; the model is left hinted with them, so its search starts there.
    The greedy's schedules are each site's first assignment where they keep
    every rule (checked by the site's model), else its search's first: this
    roster is there to be improved, and to be returned if the search is
    stopped before. Returns the sites assigned, the shifts the later site
    searches fall back on when the schedules aimed at the searched
    headcounts break a site's rule (those assignments, the greedy's
    schedules elsewhere) and whether Ctrl-C stopped it.
    """
    seconds = params.time_limit_seconds * FIRST_SHARE
    with on_interrupt(lambda: None) as hit:  # a few seconds of Python: Ctrl-C ends it where it is, then stops the stages
        greedy = first_counts.greedy_counts(headcounts, stopped=lambda: bool(hit))
    if hit:
        return {}, greedy.shifts, True
    completion = first_counts.try_start(headcounts, greedy, seconds=max(seconds, 2.0), deterministic=params.deterministic)
    if completion.interrupted:  # no roster yet to keep: the stages end, and the run with them
        return {}, greedy.shifts, True
    solution = completion.solver
    if solution is None:
        say("first headcounts: the greedy's break a group limit; searching for them")
        return {}, greedy.shifts, False
    say(f"first headcounts: cost {solution.objective_value:,.0f} (greedy)")
    targets, hired = headcounts.headcounts(solution), headcounts.hired(solution)
    quick = replace(task, targets=targets, hired=hired, start=greedy.shifts, first_only=True)
    found, interrupted = _assign_sites(quick, params, say, pool, seconds=seconds, attempts=1)
    site_of = {a.id: a.site for a in task.config.agents}
    guide = {shift for shift in greedy.shifts if site_of[shift[0]] not in found}
    guide.update(shift for result in found.values() for shift in shifts_of(result.roster))
    return found, frozenset(guide), interrupted


def _joined(found: dict[str, SiteResult], sites: list[str]) -> Roster | None:
    """The sites' rosters as one, when every site has one (each site's agents under all their rules: a roster of the team)."""
    if not found or any(site not in found or found[site].roster is None for site in sites):
        return None
    assignments = [a for site in sites for a in found[site].roster.assignments]  # type: ignore[union-attr]
    return Roster(tuple(sorted(assignments, key=lambda a: (a.start_utc, a.agent))))


def headcount_search(parameters: Any, params: SolveParams) -> None:
    """The user's search settings, and beside the bound worker a second full-model worker that looks for counts early (quick restarts, no LP).

    The headcount model is a "bound first" model: our portfolio's only
    full-model worker (max_lp_sym) proves its optimum before it finds any
    solution, and the neighbourhood workers wait for one. On the generated
    1,000-agent team beside a busy machine (load ~13 on 2 cores) the first
    counts came at 45 s, the optimum with them, so a 120 s run's 18 s share
    found nothing and no roster came at all; with this worker the first
    counts came at 9 s and the optimum at 48 s (benchmarks/notes/robust-search.md).
    One worker (deterministic protos, `--workers 1`) is left as it was.
    """
    configure_search(parameters, params)
    if parameters.num_workers > 1:
        parameters.num_full_subsolvers = 2
        parameters.subsolvers.append("quick_restart_no_lp")


THREADS_PER_SITE = 2  # the fewest CP-SAT threads a site search gets in a pool (one thread finds too slowly; see local_pool)


@contextmanager
def site_pool(params: SolveParams, config: Config) -> Iterator[SitePool | None]:
    """The user's pool when `params.sites` names one (`plan --cluster`: the sites as tasks of a Dask cluster), else this machine's own."""
    if params.sites is not None:
        yield params.sites
        return
    if multiprocessing.current_process().daemon:  # a task of a process pool or Dask worker: it may not start processes of its own
        yield None
        return
    with local_pool(len({a.site for a in config.agents}), cores=params.workers or None) as pool:
        yield pool


@contextmanager
def local_pool(sites: int, cores: int | None = None) -> Iterator[SitePool | None]:
    """A process per two cores (at most one per site), each site search on its two; None when that is one process.

    Processes rather than threads: most of a site's time before its first
    roster is Python building its model, which threads would take in turns.
    Two threads each, not one: with `num_workers` 1 CP-SAT runs the single
    bound-first worker, and on the generated 1,000-agent team (loaded
    machine) a site searched so found no assignment in 65 s, where the
    two-thread portfolio (one full worker, neighbourhoods on the rest) is
    what the sites had in turn. On 2 cores the sites therefore run in turn,
    as before (benchmarks/notes/robust-search.md). Forked where the platform
    can (the workers inherit the loaded modules instead of importing them again).
    """
    cores = cores or os.cpu_count() or 1
    at_once = min(cores // THREADS_PER_SITE, sites)
    if at_once <= 1:
        yield None
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    executor = ProcessPoolExecutor(max_workers=at_once, mp_context=context, initializer=hear_interrupts_only_while_searching)
    try:
        yield SitePool(executor, at_once, threads=cores // at_once)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _assign_sites(
    task: SiteTask,
    params: SolveParams,
    say: Say,
    pool: SitePool | None,
    *,
    seconds: float,
    attempts: int,
    earlier: dict[str, SiteResult] | None = None,
) -> tuple[dict[str, SiteResult], bool]:
    """Each site within `seconds` in all, then (`attempts` 2) a second try with another seed for the sites left off their headcounts.

    Most sites meet their headcounts in a second or two; the odd one that
    does not is usually unlucky rather than impossible, and whatever it
    leaves open costs the whole team, so the time the easy sites saved goes
    to it. Returns the sites assigned (a site with none is missing) and
    whether Ctrl-C stopped the stage. `earlier`: the sites' first
    assignments, which a site whose share is shorter than it took then keeps.
    """
    sites = sorted({a.site for a in task.config.agents})
    budget_end = wallclock.perf_counter() + seconds
    found: dict[str, SiteResult] = {}
    for attempt in range(attempts):
        todo = [site for site in sites if site not in found or found[site].missed > 0]
        if not todo:
            break
        tried = replace(task, params=replace(task.params, seed=params.seed + attempt))
        run = in_turn if pool is None else _side_by_side
        turn = Turn(budget_end, seconds, attempt, len(sites), earlier or {})
        interrupted = run(tried, todo, found, turn, say, pool)  # type: ignore[arg-type]
        if interrupted or any(site not in found for site in todo):
            return found, interrupted
    return found, False


@dataclass(frozen=True)
class Turn:
    """One attempt at the sites: when the stage's time ends, its length (deterministic shares are taken of it), which attempt, of how many
    sites, and the sites' assignments from before (the first roster's)."""

    end: float
    seconds: float
    attempt: int
    sites: int
    earlier: Mapping[str, SiteResult]


def _keep_better(found: dict[str, SiteResult], result: SiteResult, say: Say) -> None:
    site = result.site
    if result.roster is not None and (site not in found or result.missed < found[site].missed):
        found[site] = result
    if site in found:
        say(f"site {site}: agents assigned, {found[site].missed} shift(s) off the headcounts")


def in_turn(task: SiteTask, todo: list[str], found: dict[str, SiteResult], turn: Turn, say: Say, pool: None) -> bool:
    """The sites one after the other, each with its share of the time left (what one does not use goes to the next)."""
    for left, site in zip(range(len(todo), 0, -1), todo):
        share = (turn.end - wallclock.perf_counter()) / left
        if task.params.deterministic:
            share = turn.seconds / turn.sites / (turn.attempt + 1)
        before = found.get(site) or turn.earlier.get(site)
        if task.params.deterministic and share < 1.0 and site in found:
            continue
        if not task.params.deterministic and before is not None and share < max(before.seconds, 1.0):
            continue  # less time than the site took before would only run past the stage's end: what it has stands
        sited = replace(task, site=site, params=replace(task.params, time_limit_seconds=max(share, 1.0)))
        with on_interrupt(lambda: None) as hit:  # Ctrl-C while the site's model is built (seconds of Python) is heard too
            result = assign_site(sited, stopped=lambda: bool(hit))
        _keep_better(found, result, say)
        if site not in found or result.interrupted:
            return result.interrupted
    return False


def _side_by_side(task: SiteTask, todo: list[str], found: dict[str, SiteResult], turn: Turn, say: Say, pool: SitePool) -> bool:
    """The sites as tasks of the pool, `at_once` at a time; each may take its turn's share of the time left.

    Ctrl-C stops the running searches (each keeps its best assignment) and
    the sites not started yet.
    """
    rounds = math.ceil(len(todo) / pool.at_once)
    share = (turn.end - wallclock.perf_counter()) / rounds
    if task.params.deterministic:
        share = turn.seconds / math.ceil(turn.sites / pool.at_once) / (turn.attempt + 1)
    if share < 1.0 and all(site in found for site in todo):
        return False
    params = replace(task.params, time_limit_seconds=max(share, 1.0), workers=pool.threads)
    futures: list[Future[SiteResult]] = [
        pool.executor.submit(assign_site, replace(task, site=site, params=params)) for site in todo
    ]
    with on_interrupt(lambda: [future.cancel() for future in futures]) as hit:
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=0.2)
            for future in done:
                if not future.cancelled():
                    _keep_better(found, future.result(), say)
    return bool(hit) or any(not f.cancelled() and f.result().interrupted for f in futures)


def assign_site(task: SiteTask, stopped: Callable[[], bool] = first_counts.never) -> SiteResult:
    """One site's agents under all their rules, as close to the site's headcounts as they can get.

    An agent missing from a headcount costs what an agent short for the
    shift's paid hours would, an extra agent what an overstaffed one would:
    at the headcounts' optimum those are the marginal costs. The search
    stops once every headcount is met (and, re-planning, once the changes
    against the kept roster are as few as those headcounts allow); wishes and
    fairness are then polished by the full search that follows.

    With `start`, the search starts from those shifts (every auxiliary value
    filled in when they keep every rule); with `first_only` too, shifts that
    keep every rule are the assignment, without a search — and so are
    shifts that already meet every headcount (a site whose headcounts did
    not move since its first assignment: its search would only find them
    again; 3-5 s a site on the 15-minute grid). Deterministic runs still
    search, so their rosters and models stay those of earlier versions
    (benchmarks/protos.py).

    `stopped`: true once Ctrl-C was pressed outside the site's own
    searches (its model's build, in the main process): the site then ends
    where it is, interrupted, with the start's assignment when it was
    completed. A site in another process hears Ctrl-C in its searches only
    (`hear_interrupts_only_while_searching`). A Ctrl-C heard where the
    site does not stop for it (its start's hints set, its roster read) still
    marks the result interrupted, so that the sites after it are not begun.
    """
    begun = wallclock.perf_counter()
    result = _assigned(task, begun, stopped)
    return replace(result, seconds=wallclock.perf_counter() - begun, interrupted=result.interrupted or stopped())


def _assigned(task: SiteTask, begun: float, stopped: Callable[[], bool]) -> SiteResult:
    """assign_site's work, its time limit counted from `begun`."""

    def left() -> float:
        """The site's time limit is for all of it, its model's build included (2,700 agents: 3-5 s a site); not in deterministic runs."""
        if task.params.deterministic:
            return task.params.time_limit_seconds
        return max(task.params.time_limit_seconds - (wallclock.perf_counter() - begun), 1.0)

    rm, deviations, changes, fewest = site_model(task)
    if stopped():
        return SiteResult(task.site, None, 0, True)
    off = sum(deviations)
    filled = None  # the start's shifts with every value filled in, when they keep every rule
    if task.start:
        hint_shifts(rm, task.start)
        deterministic = task.params.deterministic  # then `left()` is CP-SAT's work, not the clock's
        completion = try_fill_hint(rm.model, left(), deterministic=deterministic)  # no solver: they break a rule, and only guide
        if completion.rejected and task.fallback and not completion.interrupted:
            rm.model.clear_hints()
            hint_shifts(rm, task.fallback)
            completion = try_fill_hint(rm.model, left(), deterministic=deterministic)
        filled = completion.solver
        if completion.interrupted:  # Ctrl-C: the start's assignment when it was completed (it keeps every rule), else none
            return _filled_result(task.site, rm, filled, deviations, interrupted=True)
        if filled is not None and task.first_only:
            return _filled_result(task.site, rm, filled, deviations, interrupted=False)
    if task.first_only:

        def met(value: Callable[[Any], int]) -> bool:
            return True
    elif changes is None:

        def met(value: Callable[[Any], int]) -> bool:
            return value(off) == 0
    else:

        def met(value: Callable[[Any], int]) -> bool:
            return value(off) == 0 and value(changes) <= fewest

    if filled is not None and not task.params.deterministic and met(filled.value):  # nothing left to search for
        return SiteResult(task.site, rm.roster_from(filled.boolean_value), 0, False)
    if stopped():  # Ctrl-C between the completions: the search is not begun
        return _filled_result(task.site, rm, filled, deviations, interrupted=True)
    code, solver, interrupted = run_search(rm.model, replace(task.params, time_limit_seconds=left()), stop_when=met)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # a big site's presolve can outlast its share: its start stands
        return _filled_result(task.site, rm, filled, deviations, interrupted=interrupted)
    return _filled_result(task.site, rm, solver, deviations, interrupted=interrupted)


def _filled_result(
    site: str, rm: BuiltModel, solve: cp_model.CpSolver | None, deviations: list[cp_model.IntVar], *, interrupted: bool
) -> SiteResult:
    """The site's assignment from a solve holding every value (none without one) and its agent-shifts off the headcounts."""
    if solve is None:
        return SiteResult(site, None, 0, interrupted)
    return SiteResult(site, rm.roster_from(solve.boolean_value), sum(solve.value(d) for d in deviations), interrupted)


def site_model(task: SiteTask) -> tuple[BuiltModel, list[cp_model.IntVar], Any, int]:
    """One site's roster model priced by its distance to the headcounts (and wishes, fairness and changes).

    Returns the model, the deviation variables, and with a kept roster the
    site's changes against it and the fewest the headcounts leave possible
    (per occurrence, how far the headcount moved from the kept roster's).
    The site's agents are its own and the candidates the headcounts hired
    there, who are agents like any other here: hired, they work under every rule.
    """
    config, site, targets = task.config, task.site, task.targets
    candidates = set(task.inputs.hiring.costs) if task.inputs.hiring is not None else set()
    agents = [a for a in config.agents if a.site == site and (a.id not in candidates or a.id in task.hired)]
    local = config.model_copy(update={"agents": agents})
    rm = build_model(ModelData.of(local, task.requirements, history=task.inputs.history, keep=task.inputs.keep), objective=False)
    working: dict[tuple[ShiftInstance, str], list[cp_model.IntVar]] = defaultdict(list)
    for option, var in rm.variables.choices.items():
        working[(option.instance, option.channel)].append(var)
    deviations: list[cp_model.IntVar] = []
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
    rm.objective.add_change_terms()
    rm.objective.set()
    if task.inputs.keep is None:
        return rm, deviations, None, 0
    return rm, deviations, sum(changes_against(rm.variables, task.inputs.keep)), _fewest_changes(rm, targets, task.inputs.keep)


def _fewest_changes(rm: BuiltModel, targets: Headcounts, keep: Roster) -> int:
    """Changes at least needed to meet the headcounts: per occurrence, |headcount - kept shifts the site's agents are free for|."""
    kept = {(a.agent, a.day, a.shift) for a in keep.assignments}
    was: dict[ShiftInstance, int] = defaultdict(int)
    for av in rm.variables.agents.values():
        for s in av.worked:
            if (av.scope.id, s.day, s.shift) in kept:
                was[s] += 1
    free = {s for av in rm.variables.agents.values() for s in av.worked}
    wanted_at: dict[ShiftInstance, int] = defaultdict(int)
    for (s, _), count in targets.items():
        if s in free:
            wanted_at[s] += count
    return sum(abs(wanted_at[s] - was[s]) for s in set(was) | set(wanted_at))


def hint_roster(rm: BuiltModel, roster: Roster) -> None:
    """Every choice variable hinted from a complete roster (its flexible starts and lengths too), so the full search starts from it."""
    hint_shifts(rm, shifts_of(roster))
    for var, value in rm.variables.flexible_hint(roster):
        rm.model.add_hint(var, value)


def hint_shifts(rm: BuiltModel, chosen: Shifts) -> None:
    """Every choice variable of a listed occurrence hinted: 1 for the shifts given, 0 for the others."""
    for option, var in rm.variables.choices.items():
        rm.model.add_hint(var, (option.agent, option.instance.day, option.instance.shift, option.channel) in chosen)


def shifts_of(roster: Roster | None) -> Shifts:
    return frozenset() if roster is None else frozenset((a.agent, a.day, a.shift, a.channel) for a in roster.assignments)


def try_complete_hint(rm: BuiltModel, seconds: float = 30.0, *, first: bool = False, deterministic: bool = False) -> Completion:
    """Turn the roster hint into a value for every variable, so the full search starts from the staged roster (runner.fill_hint).

    `first`: the first completion found (half the time on big teams); the
    full search improves any slack it leaves, and the roster's price is
    recomputed from its shifts. `deterministic`: `seconds` of CP-SAT's work,
    only a wall-clock safety net (runner.try_fill_hint).
    """
    return try_fill_hint(rm.model, seconds, first=first, deterministic=deterministic)


def complete_hint(rm: BuiltModel, seconds: float = 30.0, *, first: bool = False) -> cp_model.CpSolver | None:
    """`try_complete_hint`'s solve; None when the roster breaks a rule of the whole model or the time ran out."""
    return try_complete_hint(rm, seconds, first=first).solver


def with_bound(rm: BuiltModel, bound: float) -> None:
    """The headcount bound as a constraint on the objective: valid, since the headcounts relax the roster."""
    rm.model.add(rm.objective.expression() >= math.ceil(bound - 1e-6))
