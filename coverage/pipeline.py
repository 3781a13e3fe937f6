"""One plan, end to end: requirements → search → coverage → summary, as one call.

`plan(config, params)` is what `covplan plan` does before it writes files,
and what a what-if sweep, a seed race or a notebook repeats many times. It is
also what a task on another process or machine runs (coverage.executor): its
arguments and its `PlanResult` pickle, and the CP-SAT model is built where it
runs (CP-SAT objects do not pickle). The summary is the one summary.json
holds (coverage.gaps.summary), so a sweep's table and a plan's files never
disagree. Writing the outputs stays with the caller: `publish_roster` first,
checked, then the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from coverage.executor import run_tasks

if TYPE_CHECKING:  # loaded when a plan runs: `covplan check` and the CLI's start need neither OR-Tools nor numpy
    from coverage.config.schema import Config
    from coverage.demand import Requirements
    from coverage.gaps import Coverage
    from coverage.results import Summary
    from coverage.roster import Roster
    from coverage.solve import ModelInputs, SolveParams, SolveResult


@dataclass(frozen=True)
class PlanResult:
    """A plan's roster (None when the hard rules allow none), the search's result, coverage and summary.json's figures."""

    roster: Roster | None
    solve: SolveResult
    coverage: Coverage | None
    summary: Summary | None
    seed: int = 1  # the search's seed (a seed race keeps the winner's)

    @property
    def found(self) -> bool:
        return self.roster is not None

    @property
    def status(self) -> str:
        return self.solve.status


def plan(
    config: Config, params: SolveParams | None = None, *, needs: Requirements | None = None, inputs: ModelInputs | None = None
) -> PlanResult:
    """Search a roster for `config` and measure it; silent unless `params.progress` names a stream.

    `needs` are the staffing requirements (computed from the config's
    forecast when not given: a scenario that scales the volume brings its
    own). Every roster found passes through `check_roster` before anyone
    publishes it (publish_roster); this function only measures.
    """
    from coverage.demand import requirements
    from coverage.solve import ModelInputs, SolveParams, solve

    params = params or SolveParams()
    needs = needs if needs is not None else requirements(config)
    result = solve(config, needs, inputs or ModelInputs(), params)
    if result.roster is None:
        return PlanResult(None, result, None, None, params.seed)
    covered, digest = measure(result, needs, config)
    return PlanResult(result.roster, result, covered, digest, params.seed)


def measure(result: SolveResult, needs: Requirements, config: Config) -> tuple[Coverage, Summary]:
    """A found roster's coverage and summary.json figures, counted as `plan` counts them (hiring steps and losses too)."""
    from coverage.gaps import coverage_of, summary

    assert result.roster is not None, "only a found roster is measured"
    covered = coverage_of(result.roster, needs, config)
    digest = summary(
        covered,
        config,
        status=result.status,
        objective=result.objective,
        best_bound=result.best_bound,
        wall_seconds=round(result.wall_seconds, 3),
        roster=result.roster,
    )
    return covered, digest


class RosterRejected(Exception):
    """The checker rejects a roster we built: a defect of ours. It is kept as roster.rejected.csv, never published."""

    def __init__(self, path: Path, violations: list):
        super().__init__(f"{len(violations)} violation(s)")
        self.path = path
        self.violations = violations


def publish_roster(roster: Roster, config: Config, out: Path) -> Path:
    """Check the roster with the independent checker, then write `out/roster.csv` before anything else.

    A search can take an hour; whatever fails afterwards (a plot, a
    workbook, the disk filling up) must not cost the roster, so it is
    published on its own first, atomically. A roster the checker rejects is
    a bug of ours: it goes to roster.rejected.csv for the bug report and is
    never published as roster.csv.
    """
    from coverage.check import check_roster
    from coverage.outputs import REJECTED_ROSTER_FILE, ROSTER_FILE
    from coverage.roster import write_roster

    violations = check_roster(roster, config)
    if violations:
        raise RosterRejected(write_roster(roster, config, out / REJECTED_ROSTER_FILE), violations)
    return write_roster(roster, config, out / ROSTER_FILE)


def race(
    config: Config,
    params: SolveParams,
    seeds: Sequence[int],
    executor: Executor,
    *,
    needs: Requirements | None = None,
    inputs: ModelInputs | None = None,
) -> tuple[PlanResult, bool]:
    """The same plan searched from several seeds at once; the best roster wins, and whether Ctrl-C cut the race short.

    Best is the lowest objective among the rosters found; a tie goes to the
    earliest seed in `seeds`, so the winner does not depend on which task
    finished first. A race Ctrl-C stopped keeps the best finished roster;
    with none finished, KeyboardInterrupt goes on to the caller.
    """
    from coverage.demand import requirements
    from coverage.solve import ModelInputs

    needs = needs if needs is not None else requirements(config)
    jobs = [(config, needs, inputs or ModelInputs(), replace(params, seed=seed, progress=None)) for seed in seeds]
    batch = run_tasks(executor, _race_task, jobs)
    finished = [(k, result) for k, result in enumerate(batch.results) if result is not None]
    if not finished:
        raise KeyboardInterrupt
    _, best = min(finished, key=lambda kr: race_rank(*kr))
    return best, batch.interrupted


def race_rank(seed_index: int, planned: PlanResult) -> tuple[bool, bool, float, int]:
    """A race's order: rosters before none, priced before unpriced (the stages' roster when the whole model did not
    fit in the time limit: its cost is unknown), then the lowest cost, then the earliest seed."""
    objective = planned.solve.objective if planned.found else None
    return (not planned.found, objective is None, objective or 0.0, seed_index)


def _race_task(job: tuple[Config, Requirements, ModelInputs, SolveParams]) -> PlanResult:
    config, needs, inputs, params = job
    return plan(config, params, needs=needs, inputs=inputs)
