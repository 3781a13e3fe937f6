"""The one place a CP-SAT search runs: the user's controls, the progress line, Ctrl-C and time limits.

`SolveParams` are the search's controls (time, seed, workers, determinism,
where progress goes — nowhere by default), apart from what the model is
built from (coverage.solve.data.ModelInputs). `run_search` runs any model
under them — the direct roster model, each stage of a staged solve, the
explain model's searches for conflicting rules, the completion of a staged
roster — on a worker thread, so that Ctrl-C stops CP-SAT cleanly and keeps
the best roster found so far: minutes of search are not thrown away because
someone got impatient.
"""

from __future__ import annotations

import math
import os
import signal
import threading
import time as wallclock
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol, TextIO

from ortools.sat.python import cp_model

STATUS_NAMES = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


DEFAULT_PORTFOLIO_FROM = 8  # workers from which CP-SAT's own portfolio (max_lp_sym included) is left alone
MIN_THREADS = 4  # below that: one full-model worker (max_lp_sym), the rest neighbourhood and local search
ONE_PRESOLVE_ROUND_FROM = 20_000  # model variables from which CP-SAT presolves once, not three times (see presolve_once)
WHOLE_ROOT_LP = 10_000_000  # simplex iterations: max_lp_sym's first LP runs to its end (CP-SAT's default stops every 2,000)
# First-solution search left out of our portfolio: it holds a thread until any roster exists (see _first_solution_workers)
SLOW_FIRST_SOLUTIONS = ("fs_random",)


@dataclass(frozen=True)
class SitePool:
    """Where a big team's sites are assigned side by side: an executor, how many tasks it runs at once, the CP-SAT threads each reserves.

    Any `concurrent.futures.Executor` whose tasks may run in other processes
    will do (a task is plain data, see coverage.solve.staged.SiteTask): a
    local process pool, or a Dask cluster's (coverage.executor).
    """

    executor: Executor
    at_once: int
    threads: int = 1


@dataclass(frozen=True)
class SolveParams:
    """How long and how a search runs; silent unless `progress` names a stream."""

    time_limit_seconds: float = 60.0
    seed: int = 1
    workers: int = 0  # 0: one per core
    deterministic: bool = False  # same input -> same roster, whatever the machine's speed
    progress: TextIO | None = None  # where the objective, bound and gap are shown while searching
    sites: SitePool | None = None  # where the staged search's sites run (None: this machine's own pool, staged.local_pool)
    neighbourhoods: bool | None = None  # ours after CP-SAT's search (coverage.solve.neighbourhoods; None: the default)
    rolling_start: bool | None = (
        None  # week by week from CP-SAT's first roster (neighbourhoods.rolling_wanted; None: the default)
    )


def search_threads(workers: int) -> int:
    """The threads CP-SAT runs for a `workers` setting (0: one per core): what a task running the search reserves.

    One worker is one thread; from 2 to 7 the portfolio below takes at least
    MIN_THREADS; from DEFAULT_PORTFOLIO_FROM on, exactly `workers`.
    """
    workers = workers or os.cpu_count() or 1
    return workers if workers == 1 or workers >= DEFAULT_PORTFOLIO_FROM else max(workers, MIN_THREADS)


def configure_search(parameters: Any, params: SolveParams) -> None:
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
    benchmarks/RESULTS.md). Until the first roster, feasibility jump gets
    the thread of CP-SAT's tree search with an LP (`_first_solution_workers`).

    Deterministic mode replaces the wall-clock limit by CP-SAT's deterministic
    time (work units, independent of machine load) and interleaves the
    workers, so a run is reproducible byte for byte.
    """
    workers = params.workers or os.cpu_count() or 1
    parameters.random_seed = params.seed
    parameters.num_workers = workers
    if params.deterministic:
        parameters.max_deterministic_time = params.time_limit_seconds
        parameters.max_time_in_seconds = deterministic_wall_cap(params.time_limit_seconds)
        parameters.interleave_search = True
    else:
        parameters.max_time_in_seconds = params.time_limit_seconds
    if workers == 1:
        parameters.linearization_level = 2
        parameters.root_lp_iterations = WHOLE_ROOT_LP
        return
    parameters.subsolver_params.append(_bound_worker(parameters))
    if workers < DEFAULT_PORTFOLIO_FROM:
        parameters.num_workers = search_threads(workers)
        parameters.num_full_subsolvers = 1
        parameters.subsolvers.append("max_lp_sym")
        if not params.deterministic:
            _first_solution_workers(parameters)


def _first_solution_workers(parameters: Any) -> None:
    """Until the first roster, the thread of CP-SAT's random tree search with an LP (fs_random) runs feasibility jump instead.

    Before any solution exists CP-SAT gives the threads that are not
    full-model workers to "first solution" searches: with our four threads,
    feasibility jump (fj) and two random-branching tree searches, fs_random
    (with an LP) and fs_random_no_lp, each holding its thread until some
    roster is found. On the generated 12-week, 150-staff instance (68,000
    constraints) both held their thread for 47 s and found nothing, while the
    fj task that found the first roster waited for its share: first roster
    54 s into the search of a 60 s run. Without fs_random, CP-SAT runs fj
    twice and the roster came at 13 s. fs_random_no_lp stays: on the example
    team it is the worker that finds the first roster (in about a second);
    without it, CP-SAT's quick-restart search found that team's first roster
    instead and three of four paired 30 s runs ended worse (seed 1: 110,612
    and 126,737 against 93,399 and 91,253; benchmarks/notes/robust-search.md,
    "Curtois-like yardstick").

    Not in deterministic runs: interleaved, the subsolvers take turns in
    deterministic batches, so fs_random cannot hold a thread; there it found the
    example team's better rosters (30 deterministic seconds: 76,770 with it,
    86,125 without).
    """
    parameters.ignore_subsolvers.extend(SLOW_FIRST_SOLUTIONS)


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


def cost_floor(bound: float | None) -> float | None:
    """A proven bound no lower than 0: a roster's cost is a sum of non-negative weights × counts.

    Without presolve (the flexible search's second phase) CP-SAT may report
    a bound below 0 for a while; "bound -81, gap 107 %" would tell a manager
    something no roster can be.
    """
    return None if bound is None else max(bound, 0.0)


class Refiner(Protocol):
    """Improves the search's rosters outside CP-SAT while it runs (coverage.solve.polish.IncumbentPolish).

    `offer` is called from CP-SAT's thread with each new solution (its
    values, by variable index) and its exact cost, and must return at once;
    `work` runs on the waiting main thread and returns the cost of the best
    roster it has made so far (None: none yet); `final` when the search has
    ended and its last roster must not wait.
    """

    def offer(self, solution: list[int], objective: float) -> None: ...

    def work(self, final: bool = False) -> float | None: ...


class Progress(cp_model.CpSolverSolutionCallback):
    """Shows the objective, the proven bound and the gap while the search runs.

    On a terminal: a progress bar of the time limit with those figures beside
    it (rich). Elsewhere (logs, pipes, CI): one plain line every couple of
    seconds, since improvements arrive many times a second early on.
    """

    EVERY_SECONDS = 2.0

    def __init__(
        self,
        stream: TextIO | None,
        started: float,
        limit_seconds: float,
        exact: Callable[[Callable[[cp_model.LinearExprT], int]], float] | None = None,
    ):
        super().__init__()
        self.stream = stream
        self.started = started
        self.exact = exact  # the roster's own cost from a solution's values: what the lines show, not CP-SAT's figure
        self.first_solution_seconds: float | None = None
        self.timeline: list[tuple[float, float | None, float | None]] = []
        self.stop_when: Callable[[Callable[[cp_model.IntVar], int]], bool] | None = (
            None  # ends the search when true of a solution
        )
        self.refiner: Refiner | None = None  # improves each roster between reports; the lines show the better of the two
        self.latest: float | None = None  # the exact cost of the search's latest roster
        self.stop_with_roster_after: float | None = None  # seconds into the run: from then on, stop once a roster is in hand
        self.stop_with_roster_until: float | None = None  # ... but not from then on: a roster found later does not stop it
        self.stopped_with_roster = False  # the search ended because a roster was in hand in that window, not at its limit
        self.stop_when_stalled: float | None = None  # seconds without a cheaper roster after which the search stops (with one)
        self._improved_at: float | None = None  # when the search last found a cheaper roster
        self._halted = False  # halt() was called: the search stops as soon as it can
        self._halt: Callable[[], object] | None = None  # stops the search under way (run_search sets it)
        self._objective: float | None = None
        self._refined: float | None = None  # the best roster found outside the search: the refiner's, the rolling start's
        self._bound: float | None = None
        self._last_print = -math.inf
        self._bar = _Bar(stream, limit_seconds) if stream is not None and _is_terminal(stream) else None

    def on_solution_callback(self) -> None:
        if self.first_solution_seconds is None:
            self.first_solution_seconds = wallclock.perf_counter() - self.started
        # CP-SAT's own figure may carry slack in auxiliary variables (a backlog queue's waiting work);
        # the roster's exact cost is what a manager would be charged, so that is what is shown and recorded.
        previous = self.latest
        found = self.latest = self.exact(self.value) if self.exact is not None else self.objective_value
        if previous is None or found < previous:
            self._improved_at = wallclock.perf_counter()
        if self.refiner is not None:
            self.refiner.offer(list(self.response_proto.solution), found)
        self._objective = found if self._refined is None else min(found, self._refined)
        self._bound = cost_floor(self.best_objective_bound)
        self._record()
        self._report()
        if self.stop_when is not None and self.stop_when(self.value):
            self.stop_search()

    def on_bound(self, bound: float) -> None:
        self._bound = cost_floor(bound)
        self._record()
        self._report()

    def found_outside(self, cost: float) -> None:
        """A cheaper roster found outside CP-SAT's search (a window of the rolling start) is the run's best from now on.

        Shown and recorded with the bound proved so far, and kept as the
        floor of what later lines show: the next search's first reports would
        otherwise bring back the dearer roster it was started after.
        """
        if self._refined is None or cost < self._refined:
            self._refined = cost
        if self._objective is None or cost < self._objective:
            self._objective = cost
            self._record()
            self._report()

    def _record(self) -> None:
        self.timeline.append((wallclock.perf_counter() - self.started, self._objective, self._bound))

    def tick(self, final: bool = False) -> None:
        """Called by the waiting main thread, so the bar moves even between improvements, and the refiner gets its turn."""
        refined = self.refiner.work(final) if self.refiner is not None else None
        if refined is not None and (self._refined is None or refined < self._refined):
            self._refined = refined
        if self._refined is not None and self._objective is not None and self._refined < self._objective:
            self._objective = self._refined
            self._record()
            self._report()
        if self._halt and self.latest is not None and self._in_stop_window(wallclock.perf_counter() - self.started):
            self.stopped_with_roster = True
            self._halt()
        if self._halted and self._halt:
            self._halt()
        stalled, improved = self.stop_when_stalled, self._improved_at
        if stalled is not None and self._halt and improved is not None and wallclock.perf_counter() - improved >= stalled:
            self._halt()
        if self._bar is not None:
            self._bar.update(wallclock.perf_counter() - self.started, self._figures())

    def _in_stop_window(self, elapsed: float) -> bool:
        ready, until = self.stop_with_roster_after, self.stop_with_roster_until
        return ready is not None and ready <= elapsed and (until is None or elapsed < until)

    def halt(self) -> None:
        """Stops the search under way, from any thread (a step of our own neighbourhoods, ended early); a search not yet
        begun stops at its first tick."""
        self._halted = True
        if self._halt is not None:
            self._halt()

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
            TextColumn("searching"),
            BarColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[figures]}"),
            console=Console(file=stream, force_terminal=True),
            transient=False,
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
    with on_interrupt(solver.stop_search) as hit:
        yield hit


@contextmanager
def on_interrupt(stop: Callable[[], object]) -> Iterator[list[bool]]:
    """While inside, Ctrl-C calls `stop` (and is recorded in the list yielded) instead of raising KeyboardInterrupt.

    Only the main thread hears signals; elsewhere nothing is changed. The
    staged solve waits on its site tasks (other processes) this way too.
    """
    hit: list[bool] = []
    if threading.current_thread() is not threading.main_thread():
        yield hit
        return

    def handler(signum: int, frame: Any) -> None:
        hit.append(True)
        stop()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield hit
    finally:
        signal.signal(signal.SIGINT, previous)


def hear_interrupts_only_while_searching() -> None:
    """For a worker process that runs searches (a staged solve's site tasks): Ctrl-C between searches is ignored.

    Ctrl-C reaches every process of the terminal's group. During a search
    `run_search` turns it into "stop and return the best roster", as in the
    main process; an idle worker must not die of it, or its pool breaks.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _solve_in_background(solver: cp_model.CpSolver, model: cp_model.CpModel, callback: Progress) -> cp_model.CpSolverStatus:
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
        callback.tick(final=True)  # the refiner's turn at the search's last roster
    finally:
        callback.close()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["code"]


class Search(NamedTuple):
    """A search's end: CP-SAT's status code, the solver (values, bound, statistics) and whether Ctrl-C stopped it."""

    code: cp_model.CpSolverStatus  # (compares and hashes as its number)
    solver: cp_model.CpSolver
    interrupted: bool

    @property
    def status(self) -> str:
        return STATUS_NAMES.get(self.code, str(self.code))

    @property
    def found(self) -> bool:
        return self.code in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def run_search(
    model: cp_model.CpModel,
    params: SolveParams,
    progress: Progress | None = None,
    *,
    stop_when: Callable[[Callable[[cp_model.IntVar], int]], bool] | None = None,
    settings: Callable[[Any], None] | None = None,
) -> Search:
    """One CP-SAT search under the user's controls; returns the status code, the solver and whether Ctrl-C stopped it.

    `stop_when` ends the search at the first solution it accepts (a stage
    that only needs a good enough answer). `settings` replaces the search
    settings made from `params` (configure_search) by a search of its own:
    the explain model's core searches and the completion of a staged roster
    set CP-SAT's parameters themselves.
    """
    solver = cp_model.CpSolver()
    presolve_once(solver.parameters, model)  # first: the settings below (a benchmark's --param) may say otherwise
    if settings is None:
        configure_search(solver.parameters, params)
    else:
        settings(solver.parameters)
    progress = progress or Progress(None, wallclock.perf_counter(), params.time_limit_seconds)
    progress.stop_when = stop_when
    progress.latest, progress._halt, progress._improved_at = None, solver.stop_search, None
    solver.best_bound_callback = progress.on_bound
    with _stop_on_interrupt(solver) as interrupted:
        code = _solve_in_background(solver, model, progress)
    return Search(code, solver, bool(interrupted))


def presolve_once(parameters: Any, model: cp_model.CpModel) -> None:
    """On a big model, one round of CP-SAT's presolve instead of its default three.

    No search runs while CP-SAT presolves. On the big models we logged the
    second and third rounds found almost nothing (the presolved model within
    0.1 % in variables and constraints) and took twice the first's time: the
    2,700-agent team's whole model 62 s against 26 s, 1,000 agents 29 s
    against 14 s, the 12-week, 150-staff instance 3.5 s against 1.2 s of its
    first roster's 7-12. On small models they cost a fraction of a second and
    paid: the example team (7,000 variables) ended five paired runs of 10 and
    20 s cheaper with three rounds, and its deterministic 3 s run found no
    roster with one (benchmarks/notes/robust-search.md, "One round of presolve").
    """
    if len(model.proto.variables) >= ONE_PRESOLVE_ROUND_FROM:
        parameters.max_presolve_iterations = 1


@dataclass(frozen=True)
class Completion:
    """A hint completed by `try_fill_hint`: the solve holding every value, or why there is none."""

    solver: cp_model.CpSolver | None
    rejected: bool  # the hint breaks a hard rule; False when it was completed, or the time ran out before an answer
    interrupted: bool = False  # Ctrl-C stopped it: the run ends with what it has


def deterministic_wall_cap(work: float) -> float:
    """A deterministic search's wall-clock limit: far past what `work` units of CP-SAT's work take, only a safety net.

    CP-SAT counts some work low (a hint completion counted 0.01 units for
    0.4 s of real time), so a search bounded by its work alone could run for
    many minutes where the user asked for seconds. The cap never binds on a
    machine that does the work in less than 20 times its units (60 s at
    least), so the same run gives the same roster there; past it, the run
    ends rather than hangs.
    """
    return max(work * 20, 60.0)


def try_fill_hint(
    model: cp_model.CpModel, seconds: float = 30.0, *, first: bool = False, deterministic: bool = False
) -> Completion:
    """The hinted variables fixed, the others found by propagation; the model then hinted with every value found.

    CP-SAT follows an incomplete hint only in some workers and may drop it;
    with the hinted variables fixed (a staged roster's choices, greedy
    headcounts), the auxiliary ones (shortfalls, queue waits, weekend flags,
    spreads) follow in a second or two without presolve. Returns that solve,
    which also prices the hint exactly; no solver, hints left as they were,
    when the hint breaks a constraint (`rejected`) or the time ran out first.
    `first`: the first completion found, not
    the tightest — auxiliary values may carry a little slack (3 in 189,994
    on the 1,000-agent team on the 15-minute grid), and it took 13 s there
    instead of 27 s; for a start that is searched from anyway.
    `deterministic`: `seconds` is CP-SAT's work (deterministic time), with
    only the safety net of `deterministic_wall_cap` on the clock, so that a
    deterministic run's start — and its roster — do not depend on the
    machine's speed or load (one worker: the same work gives the same answer).
    """

    def settings(parameters: Any) -> None:
        parameters.fix_variables_to_their_hinted_value = True
        parameters.cp_model_presolve = False
        parameters.linearization_level = 0
        parameters.num_workers = 1
        if deterministic:
            parameters.max_deterministic_time = seconds
            parameters.max_time_in_seconds = deterministic_wall_cap(seconds)
        else:
            parameters.max_time_in_seconds = seconds
        parameters.stop_after_first_solution = first

    code, solver, interrupted = run_search(model, SolveParams(time_limit_seconds=seconds, workers=1), settings=settings)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Completion(None, rejected=code in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID), interrupted=interrupted)
    hint_all(model, list(solver.response_proto.solution))
    return Completion(solver, rejected=False, interrupted=interrupted)


def hint_all(model: cp_model.CpModel, values: list[int]) -> None:
    """Hint every variable of `model` with `values` (a whole solution): CP-SAT's search starts from it.

    Written into the proto at once: a call of `add_hint` per variable took
    seconds of Python on the 2,700-agent whole model, twice where the stages'
    two rosters are both completed.
    """
    model.clear_hints()
    hint = model.proto.solution_hint
    hint.vars.extend(range(len(values)))
    hint.values.extend(values)


def fill_hint(model: cp_model.CpModel, seconds: float = 30.0, *, first: bool = False) -> cp_model.CpSolver | None:
    """`try_fill_hint`'s solve, None when the hint breaks a rule or the time ran out (callers that only need a start)."""
    return try_fill_hint(model, seconds, first=first).solver
