"""Flexible templates, coarse to fine: a short search over a few listed starts and lengths, its roster the flexible model's start.

The flexible model (coverage.solve.variables, `FlexVars`) ties a run's
starts, duty and ends by a flow, so CP-SAT's neighbourhoods, which free a
few literals around an incumbent, cannot move a run: on the 60-agent
part-time team its rosters stayed at twice the listed templates' cost
(benchmarks/notes/flexible-shifts.md). A listed option is one literal, which
those neighbourhoods move well. So the search first solves a *stand-in*:
each flexible template replaced by listed templates every two hours of its
start range × every two hours of its length range (both ends kept), which
the flexible template's feasible set contains; then hands that roster to
the flexible model as a hint and searches on from there, where the runs'
half-hour refinements and preferred lengths are left to find.

Before any stand-in, `constructed_start` tries a roster built run by run
(coverage.solve.first_runs): seconds instead of half the limit, and a far
better start on the 60-agent team; the stand-in runs where it declines or
the model rejects its roster.

Only where the stand-in's roster keeps every rule the flexible model states:
no `cover` row, request, succession, period limit or previous roster naming
a flexible template, no kept roster and no hiring (the stand-in would need
each of them translated). Agents' allowed `shifts` are translated.
"""

from __future__ import annotations

import time as wallclock
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from ortools.sat.python import cp_model

from coverage.config.schema import Config, ShiftTemplate
from coverage.demand import Requirements
from coverage.roster import Roster
from coverage.solve.data import ModelData, ModelInputs
from coverage.solve.first_runs import greedy_roster
from coverage.solve.model import BuiltModel, build_model
from coverage.solve.runner import SolveParams, configure_search, run_search
from coverage.time import clock_minutes

COARSE_SHARE = 0.5  # of the time limit, for the stand-in's search (benchmarks/notes/flexible-shifts.md, "Coarse to fine")
STEP_MINUTES = 120  # between the stand-in's starts, and between its lengths
CONSTRUCTED = True  # try the constructed first roster (coverage.solve.first_runs) before the stand-in; False: benchmarks compare
CONSTRUCTION_SHARE = 0.25  # of the time limit: no round of the construction's improvements begins past it (not deterministic)
NEIGHBOURHOODS_ONLY_FROM = 30  # agents: from a constructed start of a team this big, no full-model worker (CoarseStart.settings)
LNS_DIFFICULTY: float | None = None  # share of the model CP-SAT's first neighbourhoods free, there; None: its own (0.5)


@dataclass(frozen=True)
class StandIn:
    """The config with each flexible template replaced by listed ones, and which flexible template each stands for."""

    config: Config
    flexible: Mapping[tuple[str, str], str]  # (site, listed stand-in's name) -> the flexible template's name

    def as_flexible(self, roster: Roster) -> Roster:
        """The stand-in's roster in the flexible templates' names: the same agents, channels and times."""
        return Roster(
            tuple(replace(a, shift=self.flexible.get((a.site, a.shift), a.shift)) for a in roster.assignments),
            source=roster.source,
        )


@dataclass(frozen=True)
class CoarseStart:
    """The stand-in's roster, as a roster of the flexible templates (None: it found none in its time), and that time."""

    roster: Roster | None
    seconds: float
    interrupted: bool = False  # Ctrl-C during the stand-in's search, or while its roster was priced (search._flexible_start)
    neighbourhoods_only: bool = False  # the search from it runs no full-model worker (a big team's constructed start)

    def remaining(self, params: SolveParams, started: float) -> float:
        """The flexible search's time: the rest of the limit (in deterministic time, by the same measure as the stand-in's).

        A second when interrupted: enough to turn the stand-in's roster into the result.
        """
        if self.interrupted:
            return 1.0
        used = self.seconds if params.deterministic else wallclock.perf_counter() - started
        return max(params.time_limit_seconds - used, 1.0)

    def settings(self, params: SolveParams) -> Callable[[Any], None] | None:
        """The flexible search's settings from the stand-in's roster: the user's, without CP-SAT's presolve.

        With the hint complete, presolve only delays the neighbourhoods (each
        presolves its own small model): on the 60-agent team it took 12 of
        the 30 s left and the search ended at 37,081; without it, 5,846
        (benchmarks/notes/flexible-shifts.md, "Coarse to fine"). None without
        a roster: the search then starts from nothing and needs presolve.

        From a big team's constructed roster every thread searches
        neighbourhoods (no full-model worker, so no bound beyond 0 is proven)
        where the search has more than one: on the 60-agent team, seeds 1-3,
        4,231-4,304 / 3,112 / 2,559 at 60 s against 5,048-5,089 / 3,200-3,469
        / 3,024-3,233 with the full-model worker, whose LP without presolve
        proved bounds of 0-600 only (benchmarks/notes/part-time-team.md). A
        small team keeps it: configs/flexible.yaml's 8 agents are proved
        optimal by it.

        There CP-SAT's first neighbourhoods free half of the model, its own
        default; LNS_DIFFICULTY changes that for benchmarks. A tenth (where the
        improving kinds settle) was measured over seeds 1-3 and did not win
        (benchmarks/notes/part-time-team.md, "Smaller first neighbourhoods").
        """
        if self.roster is None:
            return None
        only_neighbourhoods = self.neighbourhoods_only and params.workers != 1

        def settings(parameters: Any) -> None:
            configure_search(parameters, params)
            parameters.cp_model_presolve = False
            parameters.use_lns_only = only_neighbourhoods
            if only_neighbourhoods and LNS_DIFFICULTY is not None:
                parameters.lns_initial_difficulty = LNS_DIFFICULTY

        return settings


def stand_in_shifts(name: str, template: ShiftTemplate, step: int = STEP_MINUTES) -> dict[str, ShiftTemplate]:
    """A flexible template's listed stand-ins, `name.HHMM.minutes`: starts and lengths every `step` minutes, both ends kept."""
    found: dict[str, ShiftTemplate] = {}
    for start in _every(clock_minutes(template.earliest_start), clock_minutes(template.latest_start), step):
        for minutes in _every(template.min_minutes, template.max_minutes, step):
            clock = f"{start // 60:02d}:{start % 60:02d}"
            found[f"{name}.{start // 60:02d}{start % 60:02d}.{minutes}"] = ShiftTemplate(start=clock, hours=minutes / 60)
    return found


def _every(low: int, high: int, step: int) -> Iterator[int]:
    """low, low + step, ... up to high, and high itself."""
    yield from range(low, high, step)
    yield high


def stand_in(config: Config, inputs: ModelInputs) -> StandIn | None:
    """The coarse stand-in of a config with flexible templates; None without any, or where a rule or input names one."""
    flexible = {(site, name) for site, s in config.sites.items() for name, t in s.shifts.items() if t.flexible}
    if not flexible or inputs.keep is not None or inputs.hiring is not None:
        return None
    names = {name for _, name in flexible}
    if inputs.history is not None and any(a.shift in names for a in inputs.history.assignments):
        return None
    if _named_outside_sites(config, names):
        return None
    sites, stands_for = {}, {}
    for site_name, site in config.sites.items():
        shifts: dict[str, ShiftTemplate] = {}
        for name, template in site.shifts.items():
            if not template.flexible:
                shifts[name] = template
                continue
            listed = stand_in_shifts(name, template, max(STEP_MINUTES, config.plan.interval_minutes))
            shifts.update(listed)
            stands_for.update(dict.fromkeys(((site_name, listed_name) for listed_name in listed), name))
        sites[site_name] = site.model_copy(update={"shifts": shifts})
    agents = [
        agent
        if agent.shifts is None
        else agent.model_copy(update={"shifts": _translated(agent.shifts, sites[agent.site].shifts, stands_for, agent.site)})
        for agent in config.agents
    ]
    return StandIn(config.model_copy(update={"sites": sites, "agents": agents}), MappingProxyType(stands_for))


def _translated(
    allowed: list[str], shifts: Mapping[str, ShiftTemplate], stands_for: Mapping[tuple[str, str], str], site: str
) -> list[str]:
    """An agent's allowed templates with each flexible one replaced by its stand-ins."""
    return [name for name in shifts if name in allowed or stands_for.get((site, name)) in allowed]


def _named_outside_sites(config: Config, names: set[str]) -> bool:
    """Whether any value of the config but the sites' templates and agents' allowed shifts is one of `names`.

    A blunt test on purpose: a channel or agent that happens to share a
    template's name only costs the coarse start, never a wrong roster.
    """
    data = config.model_dump(mode="json", exclude={"sites"})
    for agent in data.get("agents", []):
        agent.pop("shifts", None)
    return any(value in names for value in _strings(data))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def constructed_start(rm: BuiltModel, params: SolveParams) -> CoarseStart | None:
    """A first roster built run by run (coverage.solve.first_runs), before any search; None where it declines.

    Tried before the stand-in: on the 60-agent part-time team, with its
    ejection chains, it takes 8-10 s at load 2.5-4 on 2 cores (14-21 s at
    load 6-8 before its prices were kept between asks; about 4 s without
    chains) and costs 1,850-2,220 (seeds 1-3), within 4 % of the best
    any minute's search has found, where the stand-in handed over a roster of
    some 150,000 after 30 s (benchmarks/notes/part-time-team.md). Its
    improving rounds and chain sweeps begin only within CONSTRUCTION_SHARE
    of the time limit (a quarter: 15 s of a minute's limit); in deterministic runs
    they all run and cost no deterministic time (`seconds` 0), so those stay
    reproducible; the caller hints it to the model, which may still
    reject it (then the stand-in runs).
    """
    if not CONSTRUCTED:
        return None
    started = wallclock.perf_counter()
    deadline = None if params.deterministic else started + CONSTRUCTION_SHARE * params.time_limit_seconds
    roster = greedy_roster(rm.data, deadline)
    if roster is None or not roster.assignments:
        return None
    if params.progress is not None:
        print(
            f"  constructed start: {len(roster.assignments)} flexible runs in "
            f"{wallclock.perf_counter() - started:.1f}s; the flexible model from there",
            file=params.progress,
            flush=True,
        )
    agents = sum(1 for scope in rm.data.scopes if scope.flexible)
    return CoarseStart(roster, 0.0, neighbourhoods_only=agents >= NEIGHBOURHOODS_ONLY_FROM)


def coarse_start(config: Config, requirements: Requirements, inputs: ModelInputs, params: SolveParams) -> CoarseStart | None:
    """The stand-in searched for COARSE_SHARE of the time limit; its roster in the flexible templates' names.

    None where the config has no flexible template or `stand_in` declines;
    a start without a roster where the stand-in found none in its time (the
    flexible search then starts from nothing in the time left).
    """
    coarse = stand_in(config, inputs)
    if coarse is None or COARSE_SHARE <= 0:
        return None
    started = wallclock.perf_counter()
    seconds = COARSE_SHARE * params.time_limit_seconds
    found, interrupted = _searched(
        coarse.config, requirements, inputs, replace(params, time_limit_seconds=seconds, progress=None)
    )
    if found is None:
        return CoarseStart(None, seconds, interrupted)
    roster = coarse.as_flexible(found)
    if params.progress is not None:
        templates = len(coarse.flexible)
        print(
            f"  coarse start: {templates} listed stand-ins, {len(roster.assignments)} shifts "
            f"in {wallclock.perf_counter() - started:.1f}s; the flexible model from there",
            file=params.progress,
            flush=True,
        )
    return CoarseStart(roster, seconds, interrupted)


def _searched(config: Config, requirements: Requirements, inputs: ModelInputs, params: SolveParams) -> tuple[Roster | None, bool]:
    """The stand-in's roster within `params`' limit, and whether Ctrl-C stopped it.

    Searched directly, even where a listed team of its size would go through
    the stages (coverage.solve.staged): on the 60-agent team the stages'
    roster made a worse start (benchmarks/notes/flexible-shifts.md).
    """
    built = build_model(ModelData.of(config, requirements, history=inputs.history))
    code, solver, interrupted = run_search(built.model, params)
    found = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return (built.roster_from(solver.boolean_value) if found else None), interrupted
