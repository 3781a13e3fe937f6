"""Solving a plan: the direct roster model, or the stages first; the result, and why when there is none.

`solve` takes the model's inputs (`ModelInputs`: a roster to keep, hires, a
previous period, explanations, stages) apart from the search's controls
(`SolveParams`: time, seed, workers, determinism, progress). It builds the
roster model (coverage.solve.model), runs it through the runner
(coverage.solve.runner) — after the stages (coverage.solve.staged) on big
multi-site teams, whose roster is the result when the whole model would
not fit in memory or in the time limit (size.py estimates both before it
is built) — and, when no roster exists, asks coverage.solve.explain
which rules conflict. `SolveOptions`, the two in one, is the older call and
still works.
"""

from __future__ import annotations

import os
import sys
import time as wallclock
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, TextIO

from ortools.sat.python import cp_model

from coverage.config.schema import Config
from coverage.demand import Requirements
from coverage.roster import Roster, read_history
from coverage.solve import coarse, neighbourhoods, runner, size, staged
from coverage.solve.data import Hiring, ModelData, ModelInputs, describe_target
from coverage.solve.explain import conflicting_rules
from coverage.solve.kept import still_allowed
from coverage.solve.model import BuiltModel, build_model
from coverage.solve.polish import POLISH_SECONDS, IncumbentPolish, Keeps, polish_channels, worth_polishing
from coverage.solve.runner import (
    STATUS_NAMES,
    Completion,
    Progress,
    Search,
    SolveParams,
    cost_floor,
    on_interrupt,
    run_search,
)

REFINED_SECONDS = 2.0  # at least, to re-check the incumbent polish's best roster after the search (its variables all fixed)
FILL_SECONDS = 30.0  # at most, to complete a roster's hint in the full model (runner.fill_hint) when no limit is closer


@dataclass(frozen=True)
class SolveOptions:
    """Compatibility: the search's controls and the model's inputs in one, as `solve` took them before `SolveParams`.

    Unlike `SolveParams`, its progress goes to stderr unless told otherwise.
    `params` and `inputs` split it into the two.
    """

    time_limit_seconds: float = 60.0
    seed: int = 1
    workers: int = 0  # 0: one per core
    progress: TextIO | None = field(default_factory=lambda: sys.stderr)  # stderr when made, not when imported
    deterministic: bool = False  # same input -> same roster, whatever the machine's speed
    keep: Roster | None = None  # re-plan changing as few of these shifts as possible
    explain: bool = True  # when no roster exists, search for the rules that conflict
    hiring: Hiring | None = None  # candidates as optional agents (config must include them: Config.with_candidates)
    staged: bool | None = None  # headcounts first, then sites, then the full model (None: for big multi-site teams)
    exact_runs: bool = False  # run rules as one automaton per agent: exact LP, slower neighbourhoods (coverage.solve.rules)

    @property
    def params(self) -> SolveParams:
        return SolveParams(self.time_limit_seconds, self.seed, self.workers, self.deterministic, self.progress)

    @property
    def inputs(self) -> ModelInputs:
        return ModelInputs(
            keep=self.keep, hiring=self.hiring, explain=self.explain, exact_runs=self.exact_runs, staged=self.staged
        )


@dataclass
class SolveResult:
    """What the search found: a roster (when any exists) and how good it is proven to be."""

    status: str
    roster: Roster | None
    objective: float | None
    best_bound: float | None
    wall_seconds: float
    reasons: list[str] = field(default_factory=list)
    first_solution_seconds: float | None = None
    interrupted: bool = False
    timeline: list[tuple[float, float | None, float | None]] = field(
        default_factory=list
    )  # (seconds, objective, bound) at each change

    def __post_init__(self) -> None:
        self.best_bound = cost_floor(self.best_bound)
        self.timeline = [(t, objective, cost_floor(bound)) for t, objective, bound in self.timeline]

    def at(self, seconds: float) -> tuple[float | None, float | None]:
        """The objective (the model's own, as the search reported it) and bound reached `seconds` into the run."""
        reached = [entry for entry in self.timeline if entry[0] <= seconds]
        return (reached[-1][1], reached[-1][2]) if reached else (None, None)

    @property
    def found(self) -> bool:
        return self.roster is not None

    @property
    def gap(self) -> float | None:
        """Relative distance between the roster and the best possible one, as proven so far."""
        if self.objective is None or self.best_bound is None:
            return None
        return (self.objective - self.best_bound) / max(abs(self.objective), 1)


def split(
    config: Config, inputs: ModelInputs | SolveOptions | None, params: SolveParams | None
) -> tuple[ModelInputs, SolveParams]:
    """The model's inputs and the search's controls, from either call: (inputs, params) or the older SolveOptions.

    Without params, the config's plan settings (time limit, seed, workers), silently.
    """
    if isinstance(inputs, SolveOptions):
        if params is not None:
            raise TypeError("give SolveOptions alone, or ModelInputs with SolveParams")
        return inputs.inputs, inputs.params
    if params is None:
        params = SolveParams(
            time_limit_seconds=config.plan.time_limit_seconds, seed=config.plan.seed, workers=config.plan.workers
        )
    return inputs or ModelInputs(), params


def solve(
    config: Config,
    requirements: Requirements,
    inputs: ModelInputs | SolveOptions | None = None,
    params: SolveParams | None = None,
) -> SolveResult:
    """Build and solve the roster model; always returns, with a roster whenever one was found.

    `solve(config, needs, ModelInputs(...), SolveParams(...))`; the older
    `solve(config, needs, SolveOptions(...))` still works.
    """
    inputs, params = split(config, inputs, params)
    started = wallclock.perf_counter()
    history = inputs.history if inputs.history is not None else read_history(config)
    stages = replace(inputs, history=history)  # what the stages read: the previous period's roster itself
    polish = polishing(config, requirements, inputs, deterministic=params.deterministic)
    memory, params = _memory_plan(config, requirements, inputs, params, polish)
    if memory.stages_only:
        return _stages_only(config, requirements, params, stages, _memory_note(memory), started)
    start = None
    if staged.wanted(config, inputs.staged):
        whole_seconds = memory.whole.seconds + (POLISH_SECONDS if polish is not None else 0.0)
        note = _no_time_for_whole(whole_seconds, params)
        if note is not None:
            return _stages_only(config, requirements, params, stages, note, started)
        with staged.site_pool(params, config) as pool:
            start = staged.staged_start(config, requirements, params, stages, pool=pool)
        note = _no_time_left_for_whole(whole_seconds, params, wallclock.perf_counter() - started, start)
        if note is not None:
            return _staged_result(start, params, note, started)
    roster_model = build_model(
        ModelData.of(config, requirements, history=history, hiring=inputs.hiring, keep=inputs.keep, exact_runs=inputs.exact_runs)
    )
    remaining, fallback = params.time_limit_seconds, None
    ended: Search | None = None  # a search that already ended the run (the polish path's first, without a roster)
    opening: FirstSearch | None = None  # how the polish path's or the rolling start's first search ended
    # A backlog queue's waiting work may carry slack in CP-SAT's own figure: show and record the roster's exact cost.
    progress = Progress(
        params.progress, started, params.time_limit_seconds, exact=roster_model.exact_objective if requirements.backlog else None
    )
    # Not after the stages: a big team's polish takes seconds a roster, and was not measured there.
    refiner = _incumbent_polish(config, requirements, inputs, roster_model) if polish is not None and start is None else None
    progress.refiner = refiner
    first_roster: float | None = None  # seconds into the run when the stages or a flexible start had a roster of the whole team
    first: coarse.CoarseStart | None = None
    kept = (
        None
        if inputs.keep is None or start is not None
        else _kept_start(roster_model, inputs.keep, None, params, started, polish)
    )
    if kept is not None and kept.interrupted:  # Ctrl-C while the kept roster was completed: the run ends with it, if any
        return _kept_interrupted(kept, progress, started)
    if start is None and polish is None and (kept is None or kept.result is None):  # a kept roster that breaks a rule
        first, fallback = _flexible_start(config, requirements, stages, params, roster_model, started)
    if start is not None:
        left = _left(params, started)
        fill = FILL_SECONDS if params.deterministic else max(left, 2.0)
        fallback = from_stages(
            roster_model, start, started, polish, fill, first=not params.deterministic, deterministic=params.deterministic
        )
        if fallback is not None and fallback.interrupted:  # Ctrl-C while its roster was completed: the run ends with it
            start = replace(start, interrupted=True)
        remaining = _staged_remaining(params, wallclock.perf_counter() - started, start.interrupted)
        # The stages' roster, priced: the run's first, on the timeline when its price was had (the end of the stages
        # and its completion), not when the stages had their first roster, which the result's first roster time is
        _on_timeline(progress, fallback)
        if start.first_roster_at is not None and fallback is not None:
            first_roster = start.first_roster_at - started
            fallback = replace(fallback, first_solution_seconds=first_roster)
        if inputs.keep is not None and not start.interrupted and (fallback is None or fallback.objective is not None):
            kept = _kept_start(
                roster_model, inputs.keep, fallback, params, started, polish
            )  # the cheaper of the two is the start
            fallback = kept.result or fallback
            first_roster = _earliest(first_roster, None if kept.result is None else kept.result.first_solution_seconds)
            _on_timeline(progress, kept.result)  # the kept roster, when cheaper than the stages': the start
            if kept.interrupted:
                start = replace(start, interrupted=True)
            remaining = _staged_remaining(params, wallclock.perf_counter() - started, start.interrupted)
    elif kept is not None and kept.result is not None:  # the kept roster keeps every rule: the search starts from it
        fallback, remaining = kept.result, _kept_remaining(params, started)
        first_roster = fallback.first_solution_seconds
        _on_timeline(progress, fallback)
    elif first is not None:  # flexible templates: a constructed roster or a listed stand-in's first (coverage.solve.coarse)
        remaining = first.remaining(params, started)
        if fallback is not None:  # that roster is the run's first: on the timeline before the search's own
            first_roster = fallback.first_solution_seconds
            _on_timeline(progress, fallback)
    elif polish is not None:
        opening = _polished_start(roster_model, params, progress, polish, started)
        fallback, remaining, stop, ended = opening.fallback, opening.remaining, opening.finished, opening.ended
        if stop is not None:  # proved optimal, ran to the limit, or Ctrl-C: the incumbent polish may hold a cheaper roster
            better = Priced(None)
            if refiner is not None and not opening.pricing_stopped:
                better = _with_refined(roster_model, refiner, [stop.objective], stop.best_bound, started, params)
            if better.result is None:
                return replace(stop, interrupted=True) if better.interrupted else stop
            return replace(
                better.result,
                wall_seconds=wallclock.perf_counter() - started,
                first_solution_seconds=stop.first_solution_seconds,
                interrupted=stop.interrupted or better.interrupted,
                timeline=progress.timeline,
            )
    elif neighbourhoods.rolling_wanted(params, config.plan.days, len(config.agents)):
        opening = _rolling_start(roster_model, params, progress, started)
        if opening.finished is not None:  # Ctrl-C during the rolling start, or its windows ran to the limit
            return opening.finished
        fallback, remaining, ended = opening.fallback, opening.remaining, opening.ended
    own = neighbourhoods.wanted(params)
    if ended is None:
        searched = replace(params, time_limit_seconds=remaining)
        settings = first.settings(searched) if first is not None and fallback is not None else None  # the hint took
        if settings is None and opening is not None and opening.hinted is not None:
            settings = opening.hinted(searched)
        progress.stop_when_stalled = neighbourhoods.stall_seconds(params.time_limit_seconds) if own else None
        try:
            ended = run_search(roster_model.model, searched, progress, settings=settings)
        finally:
            progress.stop_when_stalled = None
    code, solver, interrupted = ended
    handed = None
    left = _left(params, started)
    if own and code == cp_model.FEASIBLE and not interrupted and left >= neighbourhoods.MIN_STALL:  # CP-SAT stalled
        begin, interrupted = _cheapest_solve(roster_model, solver, refiner, left)
        left = _left(params, started)
        if not interrupted:  # Ctrl-C while the polish's roster was completed: no neighbourhoods after it
            handed, interrupted = neighbourhoods.hand_over(roster_model, begin, progress, left, params.seed, params.workers or 1)
    interrupted = interrupted or (start is not None and start.interrupted) or (first is not None and first.interrupted)
    status = STATUS_NAMES.get(code, str(code))
    if refiner is not None or handed is not None:
        found = roster_model.exact_objective(solver.value) if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
        bound = solver.best_objective_bound if found is not None else (fallback.best_bound if fallback else None)
        if refiner is not None:
            refined = _with_refined(roster_model, refiner, [found, fallback], bound, started, params)
            fallback, interrupted = refined.result or fallback, interrupted or refined.interrupted
        if handed is not None:
            fallback = _neighbourhoods_best(handed, [found, fallback], bound) or fallback
    wall = wallclock.perf_counter() - started
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        objective = roster_model.exact_objective(solver.value)
        if fallback is not None and fallback.objective is not None and fallback.objective < objective:
            first_seen = _earliest(fallback.first_solution_seconds, first_roster, progress.first_solution_seconds)
            bound = _tightest(fallback.best_bound, solver.best_objective_bound)  # the search's, of this model
            return replace(
                fallback,
                status=_proven(fallback.status, fallback.objective, bound),
                best_bound=bound,
                wall_seconds=wall,
                interrupted=interrupted,
                timeline=progress.timeline,
                first_solution_seconds=first_seen,
            )
        return SolveResult(
            status,
            roster_model.roster_from(solver.boolean_value),
            objective,
            solver.best_objective_bound,
            wall,
            first_solution_seconds=_earliest(first_roster, progress.first_solution_seconds),
            interrupted=interrupted,
            timeline=progress.timeline,
        )
    if fallback is not None:  # the full model found nothing in the time left: the staged (or a refined) roster stands
        first_seen = _earliest(fallback.first_solution_seconds, first_roster, progress.first_solution_seconds)
        timeline = progress.timeline or fallback.timeline  # the run's rosters so far, when this search found none
        status = _proven(fallback.status, fallback.objective, fallback.best_bound)
        return replace(
            fallback,
            status=status,
            wall_seconds=wall,
            interrupted=interrupted,
            first_solution_seconds=first_seen,
            timeline=timeline,
        )
    reasons: list[str] = []
    if interrupted:
        reasons.append("the search was interrupted before any roster was found")
    elif code == cp_model.UNKNOWN:
        reasons.append(f"no roster found within the time limit of {params.time_limit_seconds:g} s (try a longer --time-limit)")
    elif code == cp_model.INFEASIBLE and inputs.hiring is not None and inputs.hiring.target is not None:
        reasons.append(f"no choice of hires reaches the target ({describe_target(inputs.hiring.target)})")
    elif code == cp_model.INFEASIBLE and inputs.explain:
        reasons.extend(
            conflicting_rules(config, requirements, time_limit_seconds=max(10.0, params.time_limit_seconds), history=history)
        )
    return SolveResult(status, None, None, None, wallclock.perf_counter() - started, reasons, interrupted=interrupted)


def _kept_start(
    rm: BuiltModel,
    keep: Roster,
    rival: SolveResult | None,
    params: SolveParams,
    started: float,
    polish: Polish | None = None,
) -> Priced:
    """The kept roster's shifts the config still allows (coverage.solve.kept), completed in the whole model and priced.

    Where they keep every hard rule that roster is the run's first and the
    result to beat, so a re-plan is never dearer than keeping it; the model is
    left hinted with it. Where they do not (a contract minimum no longer met),
    they stay the model's hint and the search repairs them. `polish`: its
    channels polished too (the email queue's path), the cheaper of the two the
    start. `rival`: the stages' roster, priced; the kept one is the start only
    when cheaper, else the model's hint is put back as it was. Ctrl-C during
    a completion (`interrupted`) ends the run with what it has. Outside
    deterministic runs the first completion found: its price is the
    objective's own all the same, and it came in 0.8-1.1 s on the example
    team where the tightest took 1.5-1.8 s (load 9-10).
    """
    saved = _hint_of(rm)
    bound = None if rival is None else rival.best_bound
    seconds = _completion_seconds(params, started)
    allowed = still_allowed(rm.variables, keep)
    priced = _hinted(rm, allowed, bound, started, seconds, first=not params.deterministic, deterministic=params.deterministic)
    if polish is not None and priced.result is not None and not priced.interrupted:
        priced = _cheaper_polished(rm, priced.result, polish, bound, started, params)
    found = priced.result
    if found is not None and (rival is None or rival.objective is None or _beats(found.objective or 0, [rival])):
        return priced
    if rival is not None:
        rm.model.proto.solution_hint.copy_from(saved)  # the search starts from the stages' roster
    return Priced(None, priced.interrupted)


def _completion_seconds(params: SolveParams, started: float) -> float:
    """Time for a completion of the kept roster (or its polished one): what is left of the limit, 2 s at least; in
    deterministic runs FILL_SECONDS of CP-SAT's work and only a wall-clock safety net (runner.try_fill_hint), so that their
    roster does not hang on the clock: a 30 s wall limit ran out on a slow enough machine, whose run then started
    from the search's own first roster instead."""
    return FILL_SECONDS if params.deterministic else min(FILL_SECONDS, max(_left(params, started), 2.0))


def _cheaper_polished(
    rm: BuiltModel, kept: SolveResult, polish: Polish, bound: float | None, started: float, params: SolveParams
) -> Priced:
    """The kept roster with its channels polished, completed and priced, when cheaper; else the kept one, hinted again.

    From the kept roster of a 30 s plan of the example team, CP-SAT's search
    at 15 s found no cheaper roster in one run of three, where the polish
    of the same roster moved 28 shifts' channels for 870 less
    (benchmarks/notes/keep-start.md).
    """
    assert kept.roster is not None and kept.objective is not None
    completed = _hint_of(rm)
    with on_interrupt(lambda: None) as hit:  # seconds of Python: Ctrl-C ends the run with the kept roster once done
        polished = polish(kept.roster)
    if hit:
        return Priced(kept, interrupted=True)
    if staged.shifts_of(polished) == staged.shifts_of(kept.roster):
        return Priced(kept)
    seconds = _completion_seconds(params, started)  # after the first completion and the polish: what they left
    # polished only outside deterministic runs (search.polishing), which would complete it by their work all the same
    priced = _hinted(rm, polished, bound, started, seconds, first=True, deterministic=params.deterministic)
    if priced.result is not None and priced.result.objective is not None and priced.result.objective < kept.objective:
        return replace(priced, result=replace(priced.result, first_solution_seconds=kept.first_solution_seconds))
    rm.model.proto.solution_hint.copy_from(completed)  # the search starts from the kept roster
    return Priced(kept, priced.interrupted)


def _hint_of(rm: BuiltModel) -> Any:
    """A copy of the model's hint as it is, to put back (`rm.model.proto.solution_hint.copy_from`)."""
    saved = type(rm.model.proto.solution_hint)()
    saved.copy_from(rm.model.proto.solution_hint)
    return saved


def _kept_remaining(params: SolveParams, started: float) -> float:
    """Time for the search from the kept roster: what is left of the limit; the whole limit in deterministic runs,
    whose limit is CP-SAT's work and whose roster must not hang on how long the completion took on this machine."""
    return params.time_limit_seconds if params.deterministic else max(_left(params, started), 1.0)


def _kept_interrupted(kept: Priced, progress: Progress, started: float) -> SolveResult:
    """The run's result when Ctrl-C stopped the kept roster's completion: that roster once priced, else none."""
    wall = wallclock.perf_counter() - started
    if kept.result is None:
        reason = "the search was interrupted before any roster was found"
        return SolveResult("UNKNOWN", None, None, None, wall, [reason], interrupted=True)
    timeline: list[tuple[float, float | None, float | None]] = [
        (kept.result.first_solution_seconds or 0.0, kept.result.objective, None)
    ]
    return replace(kept.result, wall_seconds=wall, interrupted=True, timeline=progress.timeline or timeline)


def _flexible_start(
    config: Config, requirements: Requirements, inputs: ModelInputs, params: SolveParams, rm: BuiltModel, started: float
) -> tuple[coarse.CoarseStart | None, SolveResult | None]:
    """With flexible templates: a constructed roster if the model takes it, else the listed stand-in's; and that roster, costed.

    (None, None) where neither applies; (a start, None) where the stand-in found no roster. A deterministic run
    prices it by CP-SAT's work, not the clock, so its start does not depend on the machine's speed.
    """
    constructed = coarse.constructed_start(rm, params)
    if constructed is not None and constructed.roster is not None:
        hinted = _hinted(rm, constructed.roster, None, started, deterministic=params.deterministic)
        if hinted.result is not None or hinted.interrupted:  # Ctrl-C while it was priced: no stand-in search after it
            return replace(constructed, interrupted=hinted.interrupted), hinted.result
        rm.model.clear_hints()
    first = coarse.coarse_start(config, requirements, inputs, params)
    if first is None or first.roster is None:
        return first, None
    hinted = _hinted(rm, first.roster, None, started, deterministic=params.deterministic)
    return replace(first, interrupted=first.interrupted or hinted.interrupted), hinted.result


def _memory_plan(
    config: Config, requirements: Requirements, inputs: ModelInputs, params: SolveParams, polish: Polish | None
) -> tuple[size.MemoryPlan, SolveParams]:
    """The memory check, the rolling start's copy of the model counted where it may run; and the run's parameters.

    Where only that copy does not fit, the run goes without the rolling start
    (a speed-up, its copy a few per cent of the model) rather than without the
    whole model, or without any roster (ModelTooLargeError).
    """

    def check(copies: int) -> size.MemoryPlan:
        stageable = inputs.staged is not False and not staged.has_flexible(config)
        threads = size.search_threads(params.workers)
        return size.check_memory(config, requirements.grid, stageable=stageable, threads=threads, copies=copies)

    if not _may_roll(config, inputs, params, polish):
        return check(0), params
    try:
        memory = check(1)
        if not memory.stages_only:
            return memory, params
    except size.ModelTooLargeError:
        pass
    return check(0), replace(params, rolling_start=False)


def _may_roll(config: Config, inputs: ModelInputs, params: SolveParams, polish: Polish | None) -> bool:
    """Whether the rolling start may run (its copy of the model then counts in the memory check): not after the stages
    nor with the channel polish, where `solve` never takes it; a flexible start may still make it unneeded, which
    leaves the count on the safe side."""
    return (
        polish is None
        and not staged.wanted(config, inputs.staged)
        and neighbourhoods.rolling_wanted(params, config.plan.days, len(config.agents))
    )


def _memory_note(memory: size.MemoryPlan) -> str:
    return (
        f"the whole model would need about {size.gigabytes(memory.whole.bytes)} and "
        f"{size.gigabytes(memory.available or 0)} is available: solving in stages only (headcounts, then site by site)"
    )


def _no_time_for_whole(whole_seconds: float, params: SolveParams) -> str | None:
    """Why the stages get the whole time limit: building and starting the whole model would not fit in the time they leave it.

    `whole_seconds` is estimated from the model's size before anything is
    built (size.ModelSize.seconds, and the channel polish where it runs), so
    the stages spend the time the whole model could not have used. Not
    in deterministic runs: their limits are work, not seconds, and their
    roster must not depend on the machine's speed.
    """
    if params.deterministic:
        return None
    after_stages = params.time_limit_seconds * (1 - staged.STAGES_SHARE)
    if whole_seconds <= after_stages:
        return None
    return (
        f"the whole model would take about {whole_seconds:.0f} s to build and start, and the stages leave it "
        f"{after_stages:.0f} s of the {params.time_limit_seconds:g} s limit: solving in stages only (headcounts, then site by site)"
    )


def _no_time_left_for_whole(whole_seconds: float, params: SolveParams, used: float, start: staged.StagedStart) -> str | None:
    """Why the stages' roster is the result: they took longer than their share, and the whole model no longer fits in the time left.

    Only when the stages have a roster: without one, the whole model is the
    only way to any roster, late or not.
    """
    if params.deterministic or start.roster is None or start.interrupted:
        return None
    left = params.time_limit_seconds - used
    if whole_seconds <= left:
        return None
    return (
        f"the stages took {used:.0f} s of the {params.time_limit_seconds:g} s limit and the whole model would take about "
        f"{whole_seconds:.0f} s to build and start: the stages' roster is the result"
    )


def _stages_only(
    config: Config, requirements: Requirements, params: SolveParams, inputs: ModelInputs, note: str, started: float
) -> SolveResult:
    """The whole model would not fit (in memory, or in the time limit), its stages do: they get the whole limit and their roster is the result."""
    if params.progress is not None:
        print(f"  {note}", file=params.progress, flush=True)
    with staged.site_pool(params, config) as pool:
        start = staged.staged_start(
            config,
            requirements,
            replace(params, time_limit_seconds=params.time_limit_seconds / staged.STAGES_SHARE),
            inputs,
            alone=True,
            pool=pool,
        )
    return _staged_result(start, params, note, started, announced=True)


def _staged_result(
    start: staged.StagedStart, params: SolveParams, note: str, started: float, *, announced: bool = False
) -> SolveResult:
    """The stages' roster as the result, `note` saying why.

    The stages' roster keeps every hard rule (each site's agents are rostered
    under all of them) and its headcounts' bound is proven; only the whole
    model's last polish (wishes, fairness across the handover) and its exact
    price are missing, so the objective is left unknown.
    """
    if params.progress is not None and not announced:
        print(f"  {note}", file=params.progress, flush=True)
    wall = wallclock.perf_counter() - started
    if start.roster is None:
        reason = (
            f"{note}; the stages found no complete roster within the time limit of {params.time_limit_seconds:g} s "
            f"(try a longer --time-limit)"
        )
        return SolveResult("UNKNOWN", None, None, None, wall, [reason], interrupted=start.interrupted)
    first = None if start.first_roster_at is None else start.first_roster_at - started
    return SolveResult(
        "FEASIBLE", start.roster, None, start.bound, wall, [note], first_solution_seconds=first, interrupted=start.interrupted
    )


def from_stages(
    rm: BuiltModel,
    start: staged.StagedStart,
    started: float,
    polish: Polish | None = None,
    seconds: float = FILL_SECONDS,
    *,
    first: bool = False,
    deterministic: bool = False,
) -> SolveResult | None:
    """Give the full model the stages' bound and roster (its channels polished); the roster, costed, is the result if the search adds nothing.

    When its completion does not end within `seconds` (what is left of the
    limit), the stages' roster still stands as the result, unpriced: it
    keeps every hard rule, and losing it would leave the run with nothing.
    `first`: the first completion is enough (runner.fill_hint). When the
    sites' second round missed its headcounts, the first roster is priced
    too and the cheaper of the two is the start (`StagedStart.earlier`), or
    the first alone when the whole model refuses the second round's. Its
    completion has what the first left of `seconds` (a deterministic run:
    `seconds` again, so that its roster does not hang on the clock), and
    in such a run every completion's `seconds` are CP-SAT's work, with only
    a wall-clock safety net (runner.try_fill_hint), for the same reason.
    """
    if start.bound is not None:
        staged.with_bound(rm, start.bound)
    if start.roster is None:
        return None
    begun = wallclock.perf_counter()
    result = _stages_priced(rm, start, started, polish, seconds, first=first, deterministic=deterministic)
    if start.earlier is None or (result is not None and (result.objective is None or result.interrupted)):
        return result
    left = seconds if deterministic else seconds - (wallclock.perf_counter() - begun)
    if left <= 0:
        return result  # no time to price the first roster: the second round's stands
    hinted = _hint_of(rm)  # the second round's completed hint, kept aside
    completion = _completed(rm, start.earlier, left, first=first, deterministic=deterministic)
    if result is None and completion.solver is None and completion.interrupted:
        # Ctrl-C before the first roster had a value, the second round's refused: the first stands unpriced, as in
        # `_stages_priced` (the sites built it under every hard rule); without it the run would search on.
        return SolveResult("FEASIBLE", start.earlier, None, start.bound, 0.0, interrupted=True)
    earlier = None if completion.solver is None else _priced(rm, completion.solver, start.bound, started)
    rival = None if result is None else result.objective
    if earlier is not None and earlier.objective is not None and (rival is None or earlier.objective < rival):
        result = earlier  # cheaper, or the whole model refused the second round's roster
    else:
        rm.model.proto.solution_hint.copy_from(hinted)  # the search starts from the cheaper: the second round's
    return replace(result, interrupted=True) if result is not None and completion.interrupted else result


def _stages_priced(
    rm: BuiltModel,
    start: staged.StagedStart,
    started: float,
    polish: Polish | None,
    seconds: float,
    *,
    first: bool,
    deterministic: bool = False,
) -> SolveResult | None:
    """The stages' roster completed and priced (its channels polished where that keeps every rule); unpriced when time ran out."""
    assert start.roster is not None
    polished = polish(start.roster) if polish is not None else start.roster
    for roster in [polished] if polished is start.roster else [polished, start.roster]:  # polished, else the stages' own
        completion = _completed(rm, roster, seconds, first=first, deterministic=deterministic)
        if completion.solver is not None:
            return replace(_priced(rm, completion.solver, start.bound, started), interrupted=completion.interrupted)
        if not completion.rejected:  # out of time or Ctrl-C: the stages' roster, which the stages built under every hard rule
            return SolveResult("FEASIBLE", start.roster, None, start.bound, 0.0, interrupted=completion.interrupted)
    return None  # the whole model refuses it: never the result


def _completed(rm: BuiltModel, roster: Roster, seconds: float, *, first: bool = False, deterministic: bool = False) -> Completion:
    """`roster` hinted alone and completed (staged.try_complete_hint; `deterministic`: `seconds` of CP-SAT's work)."""
    rm.model.clear_hints()
    staged.hint_roster(rm, roster)
    return staged.try_complete_hint(rm, seconds, first=first, deterministic=deterministic)


@dataclass(frozen=True)
class Priced:
    """A roster completed in the whole model and priced (None: the model refused it, or the time ran out first), and
    whether Ctrl-C stopped the completion: the caller then ends the run with the best roster it has, no further search."""

    result: SolveResult | None
    interrupted: bool = False


def _hinted(
    rm: BuiltModel,
    roster: Roster,
    bound: float | None,
    started: float,
    seconds: float = FILL_SECONDS,
    *,
    first: bool = False,
    deterministic: bool = False,
) -> Priced:
    """Hint the full model with a roster, every auxiliary variable completed; that roster, costed, is the result to beat."""
    completion = _completed(rm, roster, seconds, first=first, deterministic=deterministic)
    result = None if completion.solver is None else _priced(rm, completion.solver, bound, started)
    return Priced(result, completion.interrupted)


def _priced(rm: BuiltModel, completed: cp_model.CpSolver, bound: float | None, started: float) -> SolveResult:
    """A completed hint as a result: its roster and exact cost."""
    return SolveResult(
        "FEASIBLE",
        rm.roster_from(completed.boolean_value),
        rm.exact_objective(completed.value),
        bound,
        0.0,
        first_solution_seconds=wallclock.perf_counter() - started,
    )


Polish = Callable[[Roster], Roster]
FIRST_AT_MOST = 0.5  # of the time limit: a first roster found later no longer stops the first search for the polish
# (under load the queue model's first roster came after 15 %; stopping then left too little time to use the polished start)
# of the time limit: the first roster before its channels are polished (benchmarks/notes/email-by-its-deadline.md)
FIRST_SHARE = 0.15
LAST_SEARCH_LEAST = 3.0  # seconds left after the rolling start's windows, at least, for CP-SAT's search from their roster
HINTED_PRESOLVE = False  # CP-SAT's presolve in the search from the swept roster (3.7 s of 19 on cl-12w-150, for less)
MIN_SWEEP_SECONDS = 3.0  # a rolling start given less than this is not begun, whatever its windows (least_rolling_seconds)


def polishing(config: Config, requirements: Requirements, inputs: ModelInputs, *, deterministic: bool = False) -> Polish | None:
    """The channel polish (coverage.solve.polish) where a backlog queue makes channel moves long-range; None elsewhere.

    Not in deterministic runs: CP-SAT's interleaved search does worse from
    the split budget (the example team at 30 s: 286,180 with a polished
    start, 76,770 in one search; benchmarks/notes/email-by-its-deadline.md).
    """
    if deterministic or not worth_polishing(config, requirements):
        return None

    def polish(roster: Roster) -> Roster:
        polished, _ = polish_channels(config, requirements, roster, seconds=POLISH_SECONDS, keep=inputs.keep)
        return polished

    return polish


def _incumbent_polish(config: Config, requirements: Requirements, inputs: ModelInputs, rm: BuiltModel) -> IncumbentPolish:
    """The channel polish of each roster the search reports, while it searches (coverage.solve.polish.IncumbentPolish)."""

    def roster_of(solution: list[int]) -> Roster:
        return rm.roster_from(lambda var: solution[var.index])

    return IncumbentPolish(config, requirements, roster_of, keep=inputs.keep)


def _with_refined(
    rm: BuiltModel,
    refiner: Keeps,
    rivals: list[float | SolveResult | None],
    bound: float | None,
    started: float,
    params: SolveParams,
) -> Priced:
    """The refiner's best roster as a result, when it beats every rival (the search's cost, the fallback); none otherwise.

    The roster goes through the model once more (runner.fill_hint), which
    re-checks every hard rule and prices it exactly — in what is left of the
    time limit (at least REFINED_SECONDS: the search has usually used it all),
    so the run still ends on time. Ctrl-C stops that check (`interrupted`):
    the rivals stand.
    """
    best = refiner.best
    if best is None or not _beats(best.objective, rivals):
        return Priced(None)
    left = _left(params, started)
    refined = _hinted(rm, best.roster, bound, started, max(left, REFINED_SECONDS))
    if refined.result is None or refined.result.objective is None or not _beats(refined.result.objective, rivals):
        return Priced(None, refined.interrupted)
    return Priced(replace(refined.result, first_solution_seconds=None), refined.interrupted)


def _beats(objective: float, rivals: list[float | SolveResult | None]) -> bool:
    """Whether `objective` is cheaper than every rival's cost (a cost, a result's objective; None: no rival there)."""
    costs = [r.objective if isinstance(r, SolveResult) else r for r in rivals]
    return all(c is None or objective < c for c in costs)


def _neighbourhoods_best(
    handed: neighbourhoods.NeighbourhoodSearch, rivals: list[float | SolveResult | None], bound: float | None
) -> SolveResult | None:
    """Our neighbourhoods' best roster as a result, when it beats every rival; None otherwise.

    Not re-checked by another solve, unlike the polish's rosters: each is a
    solution of the model itself (a copy with some domains narrowed), priced
    exactly, so the run keeps the seconds a re-check would take past its limit.
    """
    best = handed.best
    if best is None or not _beats(best.objective, rivals):
        return None
    return SolveResult("FEASIBLE", best.roster, best.objective, bound, 0.0)


def _cheapest_solve(
    rm: BuiltModel, solver: cp_model.CpSolver, refiner: Keeps | None, seconds: float
) -> tuple[cp_model.CpSolver, bool]:
    """The search's last solution, or the incumbent polish's best roster completed in the model when that costs less;
    and whether Ctrl-C stopped that completion (the run then ends instead of handing over).

    Our neighbourhoods start from the cheaper: on the example team the
    polished roster was 78,760 where CP-SAT's last was 91,673 (60 s, load 11).
    """
    best = refiner.best if refiner is not None else None
    if best is None or best.objective >= rm.exact_objective(solver.value):
        return solver, False
    completion = _completed(rm, best.roster, max(seconds, REFINED_SECONDS))
    return (completion.solver if completion.solver is not None else solver), completion.interrupted


@dataclass(frozen=True)
class FirstSearch:
    """How the polish path's first search ended: a polished roster to search on from, or the run's end.

    `finished`: the first search was the whole search, with a roster (proved
    optimal, ran to the limit, or Ctrl-C). `ended`: it ended the run without
    one (the limit reached, Ctrl-C, or no roster exists), so the caller says
    why from its status instead of searching again past the limit.
    """

    fallback: SolveResult | None  # the polished roster: the result to beat
    remaining: float  # seconds left for the search from it
    finished: SolveResult | None = None
    ended: Search | None = None
    hinted: Callable[[SolveParams], Callable[[Any], None]] | None = None  # the search from it, when not configure_search's
    pricing_stopped: bool = False  # Ctrl-C stopped the pricing of the polished roster: `finished` is not priced again


def _polished_start(rm: BuiltModel, params: SolveParams, progress: Progress, polish: Polish, started: float) -> FirstSearch:
    """A first search until its first roster past FIRST_SHARE of the time, its roster's channels polished, the rest
    of the search from there.

    A roster that comes only after FIRST_AT_MOST does not stop the first
    search: it runs to the limit and is the search (the incumbent polish
    still sees every roster). Stopping it without a roster would throw away
    its presolve and LP for nothing to polish — under load the example team
    then ended an 8 s run with no roster at all. Not used in deterministic
    runs (`polishing` is None there).
    """
    first = max(2.0, FIRST_SHARE * params.time_limit_seconds)
    if first >= params.time_limit_seconds * 0.8:
        return FirstSearch(None, params.time_limit_seconds)
    begun = wallclock.perf_counter() - started
    progress.stop_with_roster_after = begun + first
    progress.stop_with_roster_until = begun + FIRST_AT_MOST * params.time_limit_seconds
    progress.stopped_with_roster = False
    try:
        left = max(params.time_limit_seconds - begun, 1.0)
        code, solver, interrupted = run_search(rm.model, replace(params, time_limit_seconds=left), progress)
    finally:
        progress.stop_with_roster_after = progress.stop_with_roster_until = None
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return FirstSearch(None, 0.0, ended=Search(code, solver, interrupted))
    searched = SolveResult(
        STATUS_NAMES[code],
        rm.roster_from(solver.boolean_value),
        rm.exact_objective(solver.value),
        solver.best_objective_bound,
        0.0,
        first_solution_seconds=progress.first_solution_seconds,
        interrupted=interrupted,
        timeline=progress.timeline,
    )
    if code == cp_model.OPTIMAL or interrupted or not progress.stopped_with_roster:
        return FirstSearch(None, 0.0, finished=replace(searched, wall_seconds=wallclock.perf_counter() - started))
    assert searched.roster is not None and searched.objective is not None
    found, before = searched.roster, searched.objective
    refined = progress.refiner.best if isinstance(progress.refiner, Keeps) else None
    # The incumbent polish has already polished the search's last roster, and kept the best of all it saw.
    with on_interrupt(lambda: None) as hit:  # the polish is seconds of Python: Ctrl-C ends the run once it is done
        polished_roster = refined.roster if refined is not None else polish(found)
    priced = Priced(None, interrupted=True) if hit else _hinted(rm, polished_roster, solver.best_objective_bound, started)
    polished = priced.result
    if not priced.interrupted and (polished is None or polished.objective is None or polished.objective >= before):
        priced = _hinted(rm, found, solver.best_objective_bound, started)  # the search goes on from its own roster
        polished = priced.result
    if priced.interrupted:  # Ctrl-C: the first search's roster, or the polished one when it was priced cheaper
        cheaper = polished if polished is not None and polished.objective is not None and polished.objective < before else None
        finished = replace(
            cheaper or searched,
            wall_seconds=wallclock.perf_counter() - started,
            first_solution_seconds=searched.first_solution_seconds,
            interrupted=True,
            timeline=progress.timeline,
        )
        return FirstSearch(None, 0.0, finished=finished, pricing_stopped=True)
    return FirstSearch(polished, max(_left(params, started), 1.0))


def _rolling_start(rm: BuiltModel, params: SolveParams, progress: Progress, started: float) -> FirstSearch:
    """CP-SAT's search to its first roster, its windows re-solved first days to last (neighbourhoods.roll_forward), that
    roster hinted for the rest of the search.

    A first roster that comes too late for the windows (past SWEEP_ENDS_BY of
    the limit less the time they need) does not stop that search: it runs on and
    is the run's search (`ended`), its presolve not thrown away. The swept
    roster is the result to beat: a solution of the model, priced exactly.
    While a pass of the windows gains, they go round again until PASSES_END_BY
    of the limit; when less than LAST_SEARCH_LEAST seconds are left after
    them, the swept roster is the run's result (`finished`).
    """
    limit = params.time_limit_seconds
    need = max(MIN_SWEEP_SECONDS, neighbourhoods.least_rolling_seconds(rm.data.config.plan.days, len(rm.data.config.agents)))
    sweep_until = neighbourhoods.SWEEP_ENDS_BY * limit - need

    def in_time(value: object) -> bool:
        return wallclock.perf_counter() - started <= sweep_until

    searched = replace(params, time_limit_seconds=max(_left(params, started), 1.0))
    code, solver, interrupted = run_search(rm.model, searched, progress, stop_when=in_time)
    if code != cp_model.FEASIBLE or interrupted or _left(params, started) < need:  # not stopped for a sweep
        return FirstSearch(None, 0.0, ended=Search(code, solver, interrupted))
    used = wallclock.perf_counter() - started
    budget = max(need, min(neighbourhoods.SWEEP_SHARE * limit, neighbourhoods.SWEEP_ENDS_BY * limit - used))
    again = max(0.0, neighbourhoods.PASSES_END_BY * limit - used - budget)
    workers = params.workers or os.cpu_count() or 1
    swept = neighbourhoods.roll_forward(rm, solver, budget, progress, params.seed, workers, again_for=again)
    runner.hint_all(rm.model, swept.values)
    bound = solver.best_objective_bound  # the first search's, of the same model: what a run ending on the windows proved
    result = SolveResult(
        "FEASIBLE", swept.roster, swept.objective, bound, 0.0, first_solution_seconds=progress.first_solution_seconds
    )
    if swept.interrupted or _left(params, started) < LAST_SEARCH_LEAST:
        finished = replace(
            result, wall_seconds=wallclock.perf_counter() - started, interrupted=swept.interrupted, timeline=progress.timeline
        )
        return FirstSearch(result, 0.0, finished=finished)
    return FirstSearch(result, max(_left(params, started), 1.0), hinted=_hinted_search)


def _hinted_search(params: SolveParams) -> Callable[[Any], None]:
    """The search from the swept roster: the user's settings (configure_search) without CP-SAT's presolve (HINTED_PRESOLVE).

    The first search presolved the same model already; again it took 3.7 s
    of the 19 left on cl-12w-150 before the hint was taken. From the same
    swept roster, 20 s without presolve ended at 20,614 and 16,196 where 20 s
    with it ended at 22,595 and 19,138 (seeds 1 and 2, load 7-9;
    benchmarks/notes/robust-search.md, "Item 4, later passes").
    """

    def settings(parameters: Any) -> None:
        runner.configure_search(parameters, params)  # through the module: a benchmark's --param wraps it
        parameters.cp_model_presolve = HINTED_PRESOLVE

    return settings


def _on_timeline(progress: Progress, priced: SolveResult | None) -> None:
    """A roster priced before the search (the stages', the kept one, a flexible start) on the run's timeline, where
    the search's own follow: (when it was had, its cost, the bound it came with).

    Every path puts its start there, so a benchmark reading the objective
    at some second (SolveResult.at) sees a big team's stages' and kept
    rosters as it sees a small team's kept roster. An unpriced roster
    (its completion ran out of time) has no cost to show.
    """
    if priced is not None and priced.objective is not None:
        progress.timeline.append((priced.first_solution_seconds or 0.0, priced.objective, priced.best_bound))


def _staged_remaining(params: SolveParams, used: float, interrupted: bool) -> float:
    """Time left for the full search after the stages; a few seconds to turn the staged roster into a result when interrupted.

    In deterministic mode the stages' own limits were deterministic, so the
    full search gets the rest of the budget by the same measure.
    """
    if interrupted:
        return 2.0
    if params.deterministic:
        return params.time_limit_seconds * (1 - staged.STAGES_SHARE)
    return max(params.time_limit_seconds - used, 2.0)


def _left(params: SolveParams, started: float) -> float:
    """Seconds of the time limit still unspent (negative once past it)."""
    return params.time_limit_seconds - (wallclock.perf_counter() - started)


def _tightest(*bounds: float | None) -> float | None:
    """The highest of the bounds proven on the same model (None: none proven).

    A roster priced before the search (the kept one, a flexible start) has
    none of its own, or the stages'; the search that found no cheaper roster
    still proved its bound, which the result, its gap and summary.json keep.
    """
    known = [b for b in bounds if b is not None]
    return max(known) if known else None


def _proven(status: str, objective: float | None, bound: float | None) -> str:
    """OPTIMAL where the bound proven reached the cost of a roster priced outside the search (the kept one, the stages',
    a polished or neighbourhood roster); `status` otherwise.

    CP-SAT says OPTIMAL of its own roster when its bound meets it; a roster
    priced before it or beside it, which the search proved nothing cheaper
    than, is as optimal, and a manager reading FEASIBLE beside a gap of 0
    would wait for a longer run to find better.
    """
    bound = cost_floor(bound)  # as the result keeps it: no roster costs less than 0
    if objective is not None and bound is not None and bound >= objective:
        return STATUS_NAMES[cp_model.OPTIMAL]
    return status


def _earliest(*seconds: float | None) -> float | None:
    known = [s for s in seconds if s is not None]
    return min(known) if known else None
