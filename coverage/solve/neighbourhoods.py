"""A large-neighbourhood search of our own, after CP-SAT's: neighbourhoods that fit rostering, auxiliaries always free.

CP-SAT's own LNS fixes every non-constant variable outside the part it
frees — a backlog queue's waiting and late work included — so a move whose
effect runs past the freed window (an agent moved to email at 09:00 shortens
the queue until it next empties) looks worthless inside it
(benchmarks/notes/email-by-its-deadline.md). Here a neighbourhood fixes only
the *shift variables* (which template, channel and break each agent works on
each day; flexible runs; hires) outside it, from the incumbent, and leaves
every other variable free: the queue, shortfalls, weekend flags, fairness
spreads. CP-SAT then solves that sub-model briefly, without presolve.

Kinds of neighbourhood, each a set of (agent, day) freed:

- `days`: a window of days, every agent;
- `agents`: agents of one group (a site or a skill) over the whole period;
- `site-days`: one site over a window of days (a week, to start with).

Each kind has its own size, a share of all (agent, day) pairs, adapted as
CP-SAT adapts its own: it grows when the sub-model was solved to optimality
within the step's time and shrinks when the step ran out of time. Which kind
runs next is a bandit over what each has gained per second lately.

When CP-SAT's search has found nothing cheaper for a while (`stall_seconds`),
coverage.solve.search stops it and `hand_over` runs ours alone from its best
roster for the rest of the limit. Measured first: running beside CP-SAT (a fifth
thread on two busy cores) and handing over at a fixed share of the limit both
lost end to end; given the same roster and seconds ours beat CP-SAT's search in
five pairs of ten, and lost four (benchmarks/neighbourhoods.py). Off by default, never in
deterministic runs (`wanted`); benchmarks/notes/robust-search.md, "Item 3".
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ortools.sat.python import cp_model

from coverage.roster import Roster
from coverage.solve.model import BuiltModel
from coverage.solve.polish import Refined
from coverage.solve.runner import STATUS_NAMES, Progress, SolveParams, hint_all, on_interrupt, run_search
from coverage.solve.variables import Variables

STEP_SECONDS = 2.0  # at most, per neighbourhood: CP-SAT's own LNS calls took 1-1.7 s of wall time under load
STALL = 0.1  # of the time limit without a cheaper roster from CP-SAT: ours take over from its best, alone, for the rest
MIN_STALL = 3.0  # seconds, at least
WAIT_SECONDS = 0.05  # the main thread's pause between looks at the step under way
OWN_STEPS = 1  # neighbourhoods of ours between two of CP-SAT's rosters taken as the incumbent
MIN_STEP_SECONDS = 0.2  # a step shorter than this, at the end of the limit, is not started
FIRST_SHARE = 0.05  # of (agent, day) pairs freed by a kind's first neighbourhood
GROW, SHRINK = 1.25, 0.8  # a kind's share after a neighbourhood solved to optimality / cut off by its time
MAX_SHARE = 0.6
EXPLORE = 0.2  # chance of a kind drawn at random instead of the best-scoring one
MEMORY = 0.7  # weight of a kind's past score against its latest neighbourhood's gain per second


@dataclass(frozen=True)
class ShiftVar:
    """A shift variable's place in the roster: its index in the model, whose it is and which site-local day (None: the whole period)."""

    index: int
    agent: str
    day: date | None


def shift_vars(variables: Variables) -> list[ShiftVar]:
    """Every variable that says who works what and when: choices, break starts, flexible runs, hires. The rest is auxiliary."""
    found: list[ShiftVar] = []
    for option, var in variables.choices.items():
        found.append(ShiftVar(var.index, option.agent, option.instance.day))
        found += [ShiftVar(b.index, option.agent, option.instance.day) for _, b in variables.breaks.get(option, ())]
    for agent, av in variables.agents.items():
        for f in av.flexible:
            literals = [*f.starts.values(), *f.duty.values(), *f.ends.values()]
            literals += [v for slots in f.channels.values() for v in slots.values()]
            found += [ShiftVar(v.index, agent, f.day) for v in literals if isinstance(v, cp_model.IntVar)]
    found += [ShiftVar(var.index, agent, None) for agent, var in variables.hired.items()]
    return list({v.index: v for v in found}.values())  # a duty literal may also be a channel's


@dataclass
class Kind:
    """One kind of neighbourhood: how big its next one is, and how well it has done."""

    name: str
    share: float = FIRST_SHARE
    score: float = math.inf  # gain per second, smoothed; infinite until first tried
    tried: int = 0
    improved: int = 0

    def learn(self, optimal: bool, gain: float, seconds: float) -> None:
        self.share = min(MAX_SHARE, self.share * GROW) if optimal else max(1e-4, self.share * SHRINK)
        rate = gain / max(seconds, 1e-3)
        self.score = rate if self.tried == 0 else MEMORY * self.score + (1 - MEMORY) * rate
        self.tried += 1
        self.improved += gain > 0


@dataclass(frozen=True)
class Team:
    """Who and when: the agents by group (each site, each skill), and the period's days in order."""

    agents: tuple[str, ...]
    days: tuple[date, ...]
    groups: tuple[tuple[str, ...], ...]  # each site's agents, then each skill's
    sites: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, variables: Variables, pieces: Iterable[ShiftVar]) -> Team:
        by_site: dict[str, list[str]] = defaultdict(list)
        by_skill: dict[str, list[str]] = defaultdict(list)
        for agent, av in variables.agents.items():
            by_site[av.scope.agent.site].append(agent)
            for skill in av.scope.agent.skills:
                by_skill[skill].append(agent)
        days = sorted({p.day for p in pieces if p.day is not None})
        sites = tuple(tuple(a) for _, a in sorted(by_site.items()))
        skills = tuple(tuple(a) for _, a in sorted(by_skill.items()) if tuple(a) not in sites)
        return cls(tuple(variables.agents), tuple(days), sites + skills, sites)


Freed = Callable[[str, date | None], bool]


def choose(kind: str, team: Team, share: float, rng: random.Random) -> Freed:
    """The (agent, day) pairs a neighbourhood of `kind` frees, about `share` of them all."""
    n_days, n_agents = max(len(team.days), 1), max(len(team.agents), 1)
    if kind == "days":
        return _window(team, None, max(1, round(share * n_days)), rng)
    if kind == "site-days":
        site = set(rng.choice(team.sites))
        return _window(team, site, max(1, round(share * n_days * n_agents / len(site))), rng)
    group = list(rng.choice(team.groups))
    rng.shuffle(group)
    freed = set(group[: max(1, round(share * n_agents))])
    return lambda agent, day: agent in freed


def _window(team: Team, agents: set[str] | None, length: int, rng: random.Random) -> Freed:
    length = min(length, len(team.days))
    first = rng.randrange(len(team.days) - length + 1)
    days = set(team.days[first : first + length])
    return lambda agent, day: (agents is None or agent in agents) and (day is None or day in days)


KINDS = ("days", "agents", "site-days")


@dataclass
class Step:
    """One neighbourhood's outcome, for tests and the benchmark's story."""

    kind: str
    freed: int
    status: str
    gain: float
    seconds: float


@dataclass
class NeighbourhoodSearch:
    """Our LNS, driven as a runner.Refiner: each `work` call starts the next neighbourhood on a thread of its own,
    from the best roster seen (one offered, or its own).

    `deadline` (time.monotonic) is when the run must end: no step runs past
    it. `exact` prices a solution's values as the roster's own cost (what is
    compared, never CP-SAT's figure, which may carry slack in a queue's
    waiting work); `roster_of` turns values into a roster.
    """

    model: cp_model.CpModel
    variables: Variables
    exact: Callable[[Callable[[cp_model.LinearExprT], int]], float]
    roster_of: Callable[[Callable[[cp_model.IntVar], int]], Roster]
    deadline: float
    seed: int = 1
    workers: int = 1  # CP-SAT's threads per neighbourhood
    step_seconds: float = STEP_SECONDS
    best: Refined | None = None
    steps: list[Step] = field(default_factory=list)

    @classmethod
    def of(cls, built: BuiltModel, seconds: float, seed: int = 1, workers: int = 1) -> NeighbourhoodSearch:
        """A search of `built`'s model that must end `seconds` from now."""
        return cls(
            built.model, built.variables, built.exact_objective, built.roster_from, time.monotonic() + seconds, seed, workers
        )

    def __post_init__(self) -> None:
        self._sub = self.model.clone()  # the search runs on `model`: neighbourhoods narrow a copy's domains
        self._pieces = shift_vars(self.variables)
        self._domains = {p.index: list(self._sub.proto.variables[p.index].domain) for p in self._pieces}
        self._team = Team.of(self.variables, self._pieces)
        self._kinds = [Kind(name) for name in KINDS]
        self._rng = random.Random(self.seed)
        self._values: list[int] | None = None  # the incumbent: every variable's value
        self._cost = math.inf
        self._loose = False  # the incumbent's auxiliaries may hold slack (see _adopt)
        self._since_offer = 0  # neighbourhoods since CP-SAT's roster was last taken
        self._offered: tuple[list[int], float] | None = None
        self._lock = threading.Lock()
        self._stopped = False
        self._step: Progress | None = None  # the step's search, while it runs
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ Refiner

    def offer(self, solution: list[int], objective: float) -> None:
        with self._lock:
            if self._offered is None or objective < self._offered[1]:
                self._offered = (solution, objective)

    def work(self, final: bool = False) -> float | None:
        """Between steps: take CP-SAT's roster if cheaper, start the next step on a thread of its own; `final`: stop and wait.

        The step runs off the main thread so that Ctrl-C and the progress bar
        are never held up by it; the incumbent only changes between steps.
        """
        if final:
            self._halt_step()
        if self._thread is not None:
            if not final and self._thread.is_alive():
                return self._best_cost()
            self._thread.join()
            self._thread = None
        self._take_offer()
        left = self.deadline - time.monotonic()
        if not final and not self._stopped and self._values is not None and left >= MIN_STEP_SECONDS:
            seconds = min(self.step_seconds, left)
            self._thread = threading.Thread(target=self.step, args=(seconds,), name="neighbourhoods", daemon=True)
            self._thread.start()
        return self._best_cost()

    def stop(self) -> None:
        """The step under way ends now, and no other starts (a caller's Ctrl-C; the search's own end only halts the step)."""
        with self._lock:
            self._stopped = True
        self._halt_step()

    def _halt_step(self) -> None:
        with self._lock:
            if self._step is not None:
                self._step.halt()

    def _best_cost(self) -> float | None:
        return None if self.best is None else self.best.objective

    # ------------------------------------------------------------------ driven from outside (the rolling start)

    def start_from(self, values: list[int], cost: float) -> None:
        """A solution of the model that is not ours (CP-SAT's first roster) as the incumbent to improve, without the
        refiner's wait for offers (`_take_offer`); not `best`, since the run holds that roster already."""
        self._adopt(values, cost, keep=False)

    @property
    def cost(self) -> float:
        """The incumbent's exact cost (infinite before any): what a window gained, and what the rolling start reports."""
        return self._cost

    @property
    def values(self) -> list[int] | None:
        """The incumbent's value of every variable (None before any): a solution of the model, to hint the next search."""
        return self._values

    @property
    def team(self) -> Team:
        """The agents and the period's days the neighbourhoods are drawn from: the rolling start's windows are cut from them."""
        return self._team

    def _take_offer(self) -> None:
        """CP-SAT's latest roster as the incumbent when it is cheaper — but only every few steps of our own.

        Early on CP-SAT improves faster than one thread of ours, and taking
        each of its rosters (and tightening it) left no time for a single
        neighbourhood (example team, 30 s: 19 tightenings, no neighbourhood).
        """
        if self._values is not None and self._since_offer < OWN_STEPS:
            return
        with self._lock:
            offered, self._offered = self._offered, None
        if offered is not None and offered[1] < self._cost:
            self._adopt(offered[0], offered[1], keep=False)
            self._since_offer = 0

    def _adopt(self, values: list[int], cost: float, *, keep: bool) -> None:
        """The incumbent from now on; `keep`: ours, so it is the refiner's best (CP-SAT's own is already the search's).

        CP-SAT's rosters come with slack in the auxiliaries (a queue's waiting
        work above what the roster leaves waiting): its next step tightens them
        first (`_tighten`), or a neighbourhood's sub-search would spend its time
        taking slack out — lowering CP-SAT's figure, not the roster's cost —
        and rarely keep anything (example team, 30 s: 0 of 14 steps kept; tightened, 12 of 12).
        """
        self._values, self._cost, self._loose = values, cost, not keep
        hint_all(self._sub, values)
        if keep:
            self.best = Refined(self.roster_of(lambda var: values[var.index]), cost)

    # ------------------------------------------------------------------ one neighbourhood

    def step(self, seconds: float) -> Step:
        """One neighbourhood of the kind the bandit picks (after tightening a roster taken from CP-SAT), for at most `seconds`."""
        assert self._values is not None
        if self._loose:
            return self._tighten(seconds)
        kind = self._pick()
        step = self.explore(choose(kind.name, self._team, kind.share, self._rng), seconds, kind.name)
        kind.learn(step.status == "OPTIMAL", step.gain / max(self._cost + step.gain, 1.0), step.seconds)
        self._since_offer += 1
        return step

    def explore(self, freed: Freed, seconds: float, kind: str = "given") -> Step:
        """Free the (agent, day) pairs `freed` says, fix every other shift variable to the incumbent, leave every
        auxiliary free; solve for at most `seconds`; keep the result when it costs less."""
        assert self._values is not None
        count = self._narrow(freed)
        began = time.monotonic()
        code, values, cost = self._solve(seconds)
        took = time.monotonic() - began
        gain = max(0.0, self._cost - cost) if values is not None else 0.0
        if values is not None and gain > 0:
            self._adopt(values, cost, keep=True)
        step = Step(kind, count, STATUS_NAMES.get(code, str(code)), gain, took)
        self.steps.append(step)
        return step

    def _tighten(self, seconds: float) -> Step:
        """The incumbent's auxiliaries at their tightest: every shift variable fixed, the rest solved to optimality (0.3 s on the example team)."""
        self._narrow(lambda agent, day: False)
        began = time.monotonic()
        code, values, cost = self._solve(seconds)
        took = time.monotonic() - began
        if values is not None and cost <= self._cost:
            self._adopt(values, cost, keep=cost < self._cost)
        self._loose = False  # tightest or not, the neighbourhoods now start from here
        step = Step("tighten", 0, STATUS_NAMES.get(code, str(code)), 0.0, took)
        self.steps.append(step)
        return step

    def _pick(self) -> Kind:
        untried = [k for k in self._kinds if k.tried == 0]
        if untried:
            return self._rng.choice(untried)
        if self._rng.random() < EXPLORE:
            return self._rng.choice(self._kinds)
        top = max(k.score for k in self._kinds)
        return self._rng.choice([k for k in self._kinds if k.score == top])  # all nought: any, not always the first

    def _narrow(self, freed: Freed) -> int:
        """Fix every shift variable outside the neighbourhood to the incumbent; free the rest. Returns how many are free."""
        assert self._values is not None
        variables = self._sub.proto.variables
        count = 0
        for p in self._pieces:
            domain = variables[p.index].domain
            domain.clear()
            if freed(p.agent, p.day):
                domain.extend(self._domains[p.index])
                count += 1
            else:
                value = self._values[p.index]
                domain.extend([value, value])
        return count

    def _solve(self, seconds: float) -> tuple[cp_model.CpSolverStatus, list[int] | None, float]:
        """The narrowed copy searched through the runner (silent, on this thread), for at most `seconds`."""
        seed = self._rng.randrange(1 << 30)

        def settings(parameters: Any) -> None:
            parameters.num_workers = self.workers
            parameters.max_time_in_seconds = seconds
            parameters.random_seed = seed
            # Presolve would cost the whole step: on the example team's queue it looped 630 times (1.3 s) on a 3-day
            # window; without it the search starts at 0.02 s from the hint (the incumbent, complete).
            parameters.cp_model_presolve = False

        progress = Progress(None, time.perf_counter(), seconds)
        with self._lock:
            if self._stopped:
                return cp_model.UNKNOWN, None, math.inf
            self._step = progress
        try:
            code, solver, _ = run_search(self._sub, SolveParams(time_limit_seconds=seconds), progress, settings=settings)
        finally:
            with self._lock:
                self._step = None
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return code, None, math.inf
        return code, list(solver.response_proto.solution), self.exact(solver.value)


def wanted(params: SolveParams) -> bool:
    """Whether our neighbourhoods take over from CP-SAT's search: as the user says; by default only where they were measured to win.

    Never in deterministic runs: a step's outcome depends on the wall clock.
    """
    return not params.deterministic and bool(params.neighbourhoods)


def stall_seconds(limit: float) -> float:
    """How long CP-SAT's search may go without a cheaper roster before ours takes over (STALL of the limit, at least MIN_STALL s)."""
    return max(MIN_STALL, STALL * limit)


def hand_over(
    built: BuiltModel, solver: cp_model.CpSolver, progress: Progress, seconds: float, seed: int = 1, workers: int = 1
) -> tuple[NeighbourhoodSearch, bool]:
    """Our neighbourhoods alone, from CP-SAT's last roster, for `seconds`; the search (its `best`) and whether Ctrl-C stopped it.

    Steps run on their own thread; this (main) thread waits, moves the
    progress line and hears Ctrl-C, which ends the step under way at once.
    """
    search = NeighbourhoodSearch.of(built, seconds, seed, workers)
    cost = built.exact_objective(solver.value)
    search.offer(list(solver.response_proto.solution), cost)
    if progress.stream is not None:
        print(f"  CP-SAT found nothing cheaper than {cost:,.0f} lately: our neighbourhoods take over", file=progress.stream)
    previous, progress.refiner = progress.refiner, search
    try:
        with on_interrupt(search.stop) as hit:
            while time.monotonic() < search.deadline and not hit:
                progress.tick()
                time.sleep(WAIT_SECONDS)
            progress.tick(final=True)
    finally:
        progress.refiner = previous
    return search, bool(hit)


# ---------------------------------------------------------------------- the rolling start: window by window (issue 24, item 4)

SWEEP_FROM_DAYS = 29  # horizons longer than four weeks: where CP-SAT's first roster comes late and poor (see rolling_wanted)
SWEEP_FROM_AGENT_DAYS = 3_000  # (agent, day) pairs in the roster, at least: measured to win from 3,780, not at 2,240
SWEEP_AGENT_DAYS = 750  # (agent, day) pairs a sweep's window frees at most: about what 2 workers solve in a second or two
SWEEP_OVERLAP = 1  # days each window shares with the next, so a week's edge (rest, runs) can move too
SWEEP_MAX_DAYS = 7  # a window's own days at most (a week), its overlap apart
SWEEP_MIN_DAYS = 2
SWEEP_SHARE = 0.45  # of the time limit, at most, for the sweep
SWEEP_ENDS_BY = 0.7  # of the time limit: the first pass stops by then (a first roster too late for it is not swept)
PASSES_END_BY = 1.0  # of the time limit: later passes (while a pass gains REPASS_GAIN) stop by then; at 1, the run's end
REPASS_GAIN = 0.01  # of the cost, at least, gained by a pass for the windows to go round again
MIN_WINDOW_SECONDS = 0.5  # a window's share at least, or the rolling start is not begun: a window needs about a second


@dataclass(frozen=True)
class Swept:
    """The rolling start's outcome: the incumbent's values (every variable, a solution of the model), its exact cost and roster."""

    values: list[int]
    objective: float
    roster: Roster
    windows: int  # windows solved
    interrupted: bool  # Ctrl-C stopped it
    passes: int = 1  # times the windows went round


def rolling_wanted(params: SolveParams, days: int, agents: int) -> bool:
    """Whether a run re-solves CP-SAT's first roster week by week: by default on horizons of more than four weeks
    whose roster has SWEEP_FROM_AGENT_DAYS (agent, day) pairs or more.

    There CP-SAT's first roster comes late and far from good (cl-12w-150:
    7-10 s into a 60 s run, 6-8 times the best known cost), and its own
    neighbourhoods, drawn over the whole horizon, improve it more slowly than
    a sweep that re-solves each window of days in turn, every other day of
    the roster fixed: 60 s, seeds 1-3, paired with the sweep off, cl-12w-150
    (12,600 pairs) 11,589-14,982 against 19,521-25,330 and cl-10w-80 (5,600)
    6,786-7,278 against 7,426-8,848. On cl-8w-40 (2,240 pairs) the first
    roster comes within a second and CP-SAT's search did as well or better
    without the sweep (two pairs of three; beside load, with later passes, no
    better either), so smaller rosters are left alone. A generated 9-week,
    60-staff instance (3,780 pairs), with later passes, 1,137-1,529 against
    CP-SAT's 1,497-2,544 in every pair (benchmarks/notes/robust-search.md,
    "Item 4: week-by-week start" and "Item 4, later passes").
    `params.rolling_start` overrides the rule; never in deterministic runs (a
    window's outcome depends on the wall clock).
    """
    if params.deterministic:
        return False
    if params.rolling_start is not None:
        return params.rolling_start
    return days >= SWEEP_FROM_DAYS and days * agents >= SWEEP_FROM_AGENT_DAYS


def window_days(agents: int) -> int:
    """A window's own days: as many as keep it to SWEEP_AGENT_DAYS (agent, day) pairs with its overlap, 2 to 7."""
    fitting = SWEEP_AGENT_DAYS // max(agents, 1) - SWEEP_OVERLAP
    return max(SWEEP_MIN_DAYS, min(SWEEP_MAX_DAYS, fitting))


def rolling_windows(days: tuple[date, ...], agents: int, offset: int = 0) -> list[frozenset[date]]:
    """The sweep's windows, first days to last: `window_days` each, plus SWEEP_OVERLAP days of the next.

    `offset` shifts every window but the first by that many days (the first
    then holds only the days before the second): a later pass's windows
    straddle the edges of the pass before, so a move across an edge is inside one.
    """
    width = window_days(agents)
    starts = list(range(0, len(days), width)) if offset % width == 0 else [0, *range(offset % width, len(days), width)]
    ends = [*starts[1:], len(days)]
    return [frozenset(days[start : end + SWEEP_OVERLAP]) for start, end in zip(starts, ends, strict=True)]


def roll_forward(
    built: BuiltModel,
    solver: cp_model.CpSolver,
    seconds: float,
    progress: Progress,
    seed: int = 1,
    workers: int = 1,
    *,
    again_for: float = 0.0,
) -> Swept:
    """Re-solve the search's last roster window by window, first days to last, within `seconds`; the best roster found.

    Each window frees every agent's shift variables on its days and fixes
    every other day's to the incumbent; every auxiliary stays free, as in
    `NeighbourhoodSearch.explore`. A window gets an equal share of the time
    left; one solved to optimality early leaves its time to the next. Each
    runs on its own thread so that Ctrl-C (which stops the window under way
    and the sweep) is heard. The cheaper rosters go on the progress timeline.

    `again_for`: seconds after the first pass ends in which further passes may run
    (windows shifted by half a window each time), each as long as the first
    at most, while the pass before lowered the cost by REPASS_GAIN or more.
    """
    search = NeighbourhoodSearch.of(built, seconds, seed, workers)
    values = list(solver.response_proto.solution)
    search.start_from(values, built.exact_objective(solver.value))
    days, agents = search.team.days, len(search.team.agents)
    if progress.stream is not None:
        print(
            f"  re-solving CP-SAT's first roster ({search.cost:,.0f}) {window_days(agents)} days at a time, first to last",
            file=progress.stream,
            flush=True,
        )
    solved, passes, again_until = 0, 0, math.inf
    with on_interrupt(search.stop) as hit:
        while True:
            before = search.cost
            offset = passes % 2 * max(1, window_days(agents) // 2)
            solved += _one_pass(search, rolling_windows(days, agents, offset), progress, hit)
            passes += 1
            again_until = min(again_until, time.monotonic() + again_for)
            search.deadline = min(again_until, time.monotonic() + seconds)
            if hit or not _another_pass(before, search.cost, search.deadline - time.monotonic(), days, agents):
                break
    assert search.values is not None
    roster = search.best.roster if search.best is not None else built.roster_from(solver.boolean_value)
    return Swept(search.values, search.cost, roster, solved, bool(hit), passes)


def _one_pass(search: NeighbourhoodSearch, windows: list[frozenset[date]], progress: Progress, hit: list[bool]) -> int:
    """Each window re-solved in turn by `search.deadline`; how many were."""
    solved, overrun = 0, 0.0
    for number, days in enumerate(windows):
        left = search.deadline - time.monotonic()
        if hit or left < MIN_STEP_SECONDS:
            break
        share = _window_share(left, len(windows) - number, overrun)
        began = time.monotonic()
        window = threading.Thread(
            target=search.explore, args=(lambda agent, day, days=days: day is None or day in days, share, "week")
        )
        window.start()
        while window.is_alive():
            window.join(WAIT_SECONDS)
        solved += 1
        overrun = max(overrun, time.monotonic() - began - share)
        if search.steps and search.steps[-1].gain > 0:
            progress.found_outside(search.cost)
    return solved


def _another_pass(before: float, after: float, seconds: float, days: tuple[date, ...], agents: int) -> bool:
    """Whether the windows go round again: the last pass gained REPASS_GAIN of the cost or more, and time is left for one."""
    gained = (before - after) / max(before, 1.0)
    return gained >= REPASS_GAIN and seconds >= least_rolling_seconds(len(days), agents)


def _window_share(left: float, windows: int, overrun: float) -> float:
    """Each window left gets an equal share of the time left, less what one window has overrun its share so far.

    A step takes a little longer than the time it is given (narrowing the
    domains, CP-SAT's start, taking the roster); without that reserve the
    last windows found no time left under load and the horizon's last days
    were never re-solved (a review found 19 of 21 windows on 12 weeks).
    """
    return max(MIN_STEP_SECONDS, (left - overrun * windows) / windows)


def least_rolling_seconds(days: int, agents: int) -> float:
    """The least time a rolling start is worth: MIN_WINDOW_SECONDS for each of its windows."""
    return math.ceil(days / window_days(agents)) * MIN_WINDOW_SECONDS
