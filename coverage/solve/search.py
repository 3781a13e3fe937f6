"""Running the search: the user's controls, the progress line, Ctrl-C, and the result.

Ctrl-C during the search stops CP-SAT cleanly and keeps the best roster found
so far — minutes of search are not thrown away because someone got impatient.
"""

from __future__ import annotations

import math
import os
import signal
import sys
import threading
import time as wallclock
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, TextIO

from ortools.sat.python import cp_model

from coverage.config import Config
from coverage.demand import Requirements
from coverage.roster import Roster, read_history
from coverage.solve import size, staged
from coverage.solve.model import Hiring, RosterModel, Target

STATUS_NAMES = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


DEFAULT_PORTFOLIO_FROM = 8  # workers from which CP-SAT's own portfolio (max_lp_sym included) is left alone
MIN_THREADS = 4  # below that: one full-model worker (max_lp_sym), the rest neighbourhood and local search
WHOLE_ROOT_LP = 10_000_000  # simplex iterations: max_lp_sym's first LP runs to its end (CP-SAT's default stops every 2,000)


@dataclass(frozen=True)
class SolveOptions:
    time_limit_seconds: float = 60.0
    seed: int = 1
    workers: int = 0  # 0: one per core
    progress: TextIO | None = sys.stderr
    deterministic: bool = False  # same input -> same roster, whatever the machine's speed
    keep: Roster | None = None  # re-plan changing as few of these shifts as possible
    explain: bool = True  # when no roster exists, search for the rules that conflict
    hiring: Hiring | None = None  # candidates as optional agents (config must include them: Config.with_candidates)
    staged: bool | None = None  # headcounts first, then sites, then the full model (None: for big multi-site teams)
    exact_runs: bool = False  # run rules as one automaton per agent: exact LP, slower neighbourhoods (coverage.solve.rules)


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
    timeline: list[tuple[float, float | None, float | None]] = field(default_factory=list)  # (seconds, objective, bound) at each change

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


def configure_search(parameters: Any, options: SolveOptions) -> None:
    """Time limit, seed and workers from the user; the search portfolio from our measurements.

    CP-SAT's bound on rostering models comes from its strongest LP
    relaxation with symmetry handling ("max_lp_sym"), which the default
    portfolio only starts from 8 workers; its rosters come mostly from the
    large-neighbourhood search (LNS) and local search, which share the
    threads not given to a full-model worker. Below 8 workers we run one
    full-model worker, max_lp_sym, and give every other thread to LNS, with
    at least four threads. Without `num_full_subsolvers` CP-SAT filled three
    of four threads with full-model workers (max_lp_sym twice) and left LNS
    a single one. Giving LNS three found better rosters on the synthetic
    teams (25 agents: 14.9 % -> 0.6 % from the bound in 60 s; 1,000 agents:
    83 % -> 49 % in 300 s), as good on the example team, and better on most
    Curtois instances. Six threads (five LNS) helped the largest Curtois
    instance in 600 s but cost every team we measured, so it is not the
    default; `--workers 6` asks for it. Since the model reads one variable per
    agent-day, one such run on that instance was worse than four threads, so
    the choice wants measuring again (README, "Search and speed";
    benchmarks/RESULTS.md).

    Deterministic mode replaces the wall-clock limit by CP-SAT's deterministic
    time (work units, independent of machine load) and interleaves the
    workers, so a run is reproducible byte for byte.
    """
    workers = options.workers or os.cpu_count() or 1
    parameters.random_seed = options.seed
    parameters.num_workers = workers
    if options.deterministic:
        parameters.max_deterministic_time = options.time_limit_seconds
        parameters.max_time_in_seconds = max(options.time_limit_seconds * 20, 60)
        parameters.interleave_search = True
    else:
        parameters.max_time_in_seconds = options.time_limit_seconds
    if workers == 1:
        parameters.linearization_level = 2
        parameters.root_lp_iterations = WHOLE_ROOT_LP
        return
    parameters.subsolver_params.append(_bound_worker(parameters))
    if workers < DEFAULT_PORTFOLIO_FROM:
        parameters.num_workers = max(workers, MIN_THREADS)
        parameters.num_full_subsolvers = 1
        parameters.subsolvers.append("max_lp_sym")


def _bound_worker(parameters: Any) -> Any:
    """Settings merged into max_lp_sym: solve its first LP to the end instead of in chunks of 2,000 iterations.

    CP-SAT pauses the root LP every `root_lp_iterations` and goes on
    branching, resuming the LP at later nodes. On the largest published
    instance (Curtois 12: 11,000 rows, most of them at-most-ones) the LP
    needs about 100 s of one core; in chunks, shared with branching, it
    finished in some 600 s runs and not in others, and until it does the
    bound stays near 0 and no LP solution guides the search. Solved whole,
    its bound is within 0.3 % of the optimum and the rosters follow
    (README, "Search and speed", eighth round). The teams' LPs we logged
    (the example, 200 agents) solve to optimality hundreds of times a run,
    so the chunks seldom held them back. A single worker is the bound
    worker itself and gets the same setting.
    """
    sub = type(parameters)()  # CP-SAT's parameter message type, whichever OR-Tools version made it
    sub.name = "max_lp_sym"
    sub.root_lp_iterations = WHOLE_ROOT_LP
    return sub


class _Progress(cp_model.CpSolverSolutionCallback):
    """Shows the objective, the proven bound and the gap while the search runs.

    On a terminal: a progress bar of the time limit with those figures beside
    it (rich). Elsewhere (logs, pipes, CI): one plain line every couple of
    seconds, since improvements arrive many times a second early on.
    """

    EVERY_SECONDS = 2.0

    def __init__(self, stream: TextIO | None, started: float, limit_seconds: float):
        super().__init__()
        self.stream = stream
        self.started = started
        self.first_solution_seconds: float | None = None
        self.timeline: list[tuple[float, float | None, float | None]] = []
        self.stop_when: Callable[[Callable[[cp_model.IntVar], int]], bool] | None = None  # ends the search when true of a solution
        self._objective: float | None = None
        self._bound: float | None = None
        self._last_print = -math.inf
        self._bar = _Bar(stream, limit_seconds) if stream is not None and _is_terminal(stream) else None

    def on_solution_callback(self) -> None:
        if self.first_solution_seconds is None:
            self.first_solution_seconds = wallclock.perf_counter() - self.started
        self._objective = self.objective_value
        self._bound = self.best_objective_bound
        self._record()
        self._report()
        if self.stop_when is not None and self.stop_when(self.value):
            self.stop_search()

    def on_bound(self, bound: float) -> None:
        self._bound = bound
        self._record()
        self._report()

    def _record(self) -> None:
        self.timeline.append((wallclock.perf_counter() - self.started, self._objective, self._bound))

    def tick(self) -> None:
        """Called by the waiting main thread, so the bar moves even between improvements."""
        if self._bar is not None:
            self._bar.update(wallclock.perf_counter() - self.started, self._figures())

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    def _figures(self) -> str:
        if self._objective is None:
            return "looking for a first roster"
        objective, bound = self._objective, self._bound if self._bound is not None else -math.inf
        gap = 100 * (objective - bound) / max(abs(objective), 1)
        return f"objective {objective:>12,.0f}  bound {bound:>12,.0f}  gap {gap:5.1f}%"

    def _report(self) -> None:
        elapsed = wallclock.perf_counter() - self.started
        if self._bar is not None:
            self._bar.update(elapsed, self._figures())
            return
        if self.stream is None or self._objective is None or elapsed - self._last_print < self.EVERY_SECONDS:
            return
        self._last_print = elapsed
        print(f"  {elapsed:7.1f}s  {self._figures()}", file=self.stream, flush=True)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class _Bar:
    """A rich progress bar: the share of the time limit used, and the search's figures."""

    def __init__(self, stream: TextIO, limit_seconds: float):
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("searching"), BarColumn(), TimeElapsedColumn(), TextColumn("{task.fields[figures]}"),
            console=Console(file=stream, force_terminal=True), transient=False,
        )
        self._task = self._progress.add_task("search", total=max(limit_seconds, 0.1), figures="")
        self._progress.start()

    def update(self, elapsed: float, figures: str) -> None:
        self._progress.update(self._task, completed=elapsed, figures=figures)

    def close(self) -> None:
        self._progress.stop()


@contextmanager
def _stop_on_interrupt(solver: cp_model.CpSolver) -> Iterator[list[bool]]:
    """While searching, Ctrl-C asks CP-SAT to stop and return its best roster instead of aborting."""
    hit: list[bool] = []
    if threading.current_thread() is not threading.main_thread():
        yield hit
        return

    def handler(signum: int, frame: Any) -> None:
        hit.append(True)
        solver.stop_search()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield hit
    finally:
        signal.signal(signal.SIGINT, previous)


def _solve_in_background(solver: cp_model.CpSolver, model: cp_model.CpModel, callback: _Progress) -> Any:
    """Search on a worker thread so the main thread stays free to hear Ctrl-C (and to move the bar).

    CP-SAT's own SIGINT catching is turned off: it would stop the search but
    leave us unable to tell an interrupted search from a finished one.
    """
    solver.parameters.catch_sigint_signal = False
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["code"] = solver.solve(model, callback)
        except BaseException as exc:  # re-raised on the main thread
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="cp-sat", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.2)
            callback.tick()
    finally:
        callback.close()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["code"]


def describe_target(target: Target) -> str:
    words = {
        "uncovered": "every needed interval with somebody on duty",
        "service": "no understaffing, so every service level is met",
        "ratio": f"at least {target.ratio:.0%} of required agent-hours met",
    }[target.kind]
    words += "" if target.channels is None else f" for {', '.join(sorted(target.channels))}"
    return words + (f" {target.where}" if target.where else "")


def run_search(model: cp_model.CpModel, options: SolveOptions, progress: _Progress | None = None, *,
               stop_when: Callable[[Callable[[cp_model.IntVar], int]], bool] | None = None) -> tuple[int, cp_model.CpSolver, bool]:
    """One CP-SAT search under the user's controls; returns the status code, the solver and whether Ctrl-C stopped it.

    `stop_when` ends the search at the first solution it accepts (a stage
    that only needs a good enough answer).
    """
    solver = cp_model.CpSolver()
    configure_search(solver.parameters, options)
    progress = progress or _Progress(None, wallclock.perf_counter(), options.time_limit_seconds)
    progress.stop_when = stop_when
    solver.best_bound_callback = progress.on_bound
    with _stop_on_interrupt(solver) as interrupted:
        code = _solve_in_background(solver, model, progress)
    return code, solver, bool(interrupted)


def solve(config: Config, requirements: Requirements, options: SolveOptions | None = None) -> SolveResult:
    """Build and solve the roster model; always returns, with a roster whenever one was found."""
    from coverage.solve.objective import add_objective

    options = options or SolveOptions(
        time_limit_seconds=config.plan.time_limit_seconds, seed=config.plan.seed, workers=config.plan.workers
    )
    started = wallclock.perf_counter()
    history = read_history(config)
    plain = options.hiring is None and options.keep is None and history is None
    memory = size.check_memory(config, requirements.grid, stageable=plain and options.staged is not False,
                               threads=size.search_threads(options.workers))
    if memory.stages_only:
        return _stages_only(config, requirements, options, memory, started)
    start = None
    if staged.wanted(config, options.staged, plain=plain):
        start = staged.staged_start(config, requirements, options)
    roster_model = RosterModel(config, requirements, history=history, hiring=options.hiring, exact_runs=options.exact_runs).build(objective=False)
    add_objective(roster_model, keep=options.keep)
    remaining, fallback = options.time_limit_seconds, None
    if start is not None:
        fallback = _from_stages(roster_model, start, started)
        remaining = _staged_remaining(options, wallclock.perf_counter() - started, start.interrupted)
    progress = _Progress(options.progress, started, options.time_limit_seconds)
    code, solver, interrupted = run_search(roster_model.model, replace(options, time_limit_seconds=remaining), progress)
    interrupted = interrupted or (start is not None and start.interrupted)
    status = STATUS_NAMES.get(code, str(code))
    wall = wallclock.perf_counter() - started
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        objective = roster_model.exact_objective(solver.value)
        return SolveResult(
            status, roster_model.roster_from(solver.boolean_value), objective, solver.best_objective_bound, wall,
            first_solution_seconds=progress.first_solution_seconds, interrupted=interrupted, timeline=progress.timeline,
        )
    if fallback is not None:  # the full model found nothing in the time left: the staged roster stands
        return replace(fallback, wall_seconds=wall, interrupted=interrupted)
    reasons: list[str] = []
    if interrupted:
        reasons.append("the search was interrupted before any roster was found")
    elif code == cp_model.UNKNOWN:
        reasons.append(f"no roster found within the time limit of {options.time_limit_seconds:g} s (try a longer --time-limit)")
    elif code == cp_model.INFEASIBLE and options.hiring is not None and options.hiring.target is not None:
        reasons.append(f"no choice of hires reaches the target ({describe_target(options.hiring.target)})")
    elif code == cp_model.INFEASIBLE and options.explain:
        from coverage.solve.explain import conflicting_rules

        reasons.extend(conflicting_rules(config, requirements, time_limit_seconds=max(10.0, options.time_limit_seconds), history=history))
    return SolveResult(status, None, None, None, wallclock.perf_counter() - started, reasons, interrupted=interrupted)


def _stages_only(config: Config, requirements: Requirements, options: SolveOptions, memory: size.MemoryPlan,
                 started: float) -> SolveResult:
    """The whole model would not fit in memory, its stages do: they get the whole time limit and their roster is the result.

    The stages' roster keeps every hard rule (each site's agents are rostered
    under all of them) and its headcounts' bound is proven; only the whole
    model's last polish (wishes, fairness across the handover) and its exact
    price are missing, so the objective is left unknown.
    """
    note = (f"the whole model would need about {size.gigabytes(memory.whole.bytes)} and "
            f"{size.gigabytes(memory.available or 0)} is available: solving in stages only (headcounts, then site by site)")
    if options.progress is not None:
        print(f"  {note}", file=options.progress, flush=True)
    share = staged.HEADCOUNT_SHARE + staged.SITES_SHARE
    start = staged.staged_start(config, requirements, replace(options, time_limit_seconds=options.time_limit_seconds / share), alone=True)
    wall = wallclock.perf_counter() - started
    if start.roster is None:
        reason = (f"{note}; the stages found no complete roster within the time limit of {options.time_limit_seconds:g} s "
                  f"(try a longer --time-limit)")
        return SolveResult("UNKNOWN", None, None, None, wall, [reason], interrupted=start.interrupted)
    return SolveResult("FEASIBLE", start.roster, None, start.bound, wall, [note], interrupted=start.interrupted)


def _from_stages(rm: RosterModel, start: staged.StagedStart, started: float) -> SolveResult | None:
    """Give the full model the stages' bound and roster; the roster, costed, is the result if the search adds nothing."""
    if start.bound is not None:
        staged.with_bound(rm, start.bound)
    if start.roster is None:
        return None
    staged.hint_roster(rm, start.roster)
    completed = staged.complete_hint(rm)
    if completed is None:
        return None
    return SolveResult("FEASIBLE", rm.roster_from(completed.boolean_value), rm.exact_objective(completed.value), start.bound,
                       0.0, first_solution_seconds=wallclock.perf_counter() - started)


def _staged_remaining(options: SolveOptions, used: float, interrupted: bool) -> float:
    """Time left for the full search after the stages; a few seconds to turn the staged roster into a result when interrupted.

    In deterministic mode the stages' own limits were deterministic, so the
    full search gets the rest of the budget by the same measure.
    """
    if interrupted:
        return 2.0
    if options.deterministic:
        return options.time_limit_seconds * (1 - staged.HEADCOUNT_SHARE - staged.SITES_SHARE)
    return max(options.time_limit_seconds - used, 2.0)
