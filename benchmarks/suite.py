"""The yardstick: a fixed suite of generated instances, each run with three seeds, ours beside the plain CP-SAT model.

    python benchmarks/suite.py list                                   # the suite, one line per instance
    python benchmarks/suite.py run --limit 60 [--beside-load] [--only REGEX] [--seeds 1,2,3] [--no-plain]
    python benchmarks/suite.py team team-200-4w --seed 1 --time-limit 60 [--direct]   # one team run, one JSON line

Search settings are tuned on generated instances of many shapes, never on
one, and never on the published instances beyond 12 (how others will judge
the search). The suite is fixed, seeds included, so two runs months apart
measure the same thing:

- Curtois-like instances (`curtois_like.py`: a planted roster proves each
  has one) of 6 to 12 weeks and 20 to 150 staff, run by `curtois.py` (ours)
  and `peer_cpsat.py` (the plain CP-SAT model, OR-Tools' example style);
- synthetic support teams (`coverage.synthetic`) of 200 to 3,000 agents over
  6 sites, 4 to 13 weeks, hourly or on the 15-minute grid, first periods and
  second periods with `history:` (the previous period written by hand,
  `common.hand_roster`: runs that end on its last days, so rest, runs and
  weekends carry over), run through `coverage.solve` — ours, and the direct
  model alone (`--direct`: no stages, the plain model of the same roster)
  as the plain one.

Each run is its own process and appends one JSON line to
benchmarks/results/suite.jsonl. `--beside-load` runs one CPU-bound process
(a Python busy loop) beside every run: a result that collapses under load
is a miss. The tables (median and worst of the seeds, the plain model's
ratio, the distance to the best any of our runs found) are rendered by
`report.py`; `python benchmarks/run.py --stages suite` runs it as a stage
of `make bench`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from common import add_search_switches, hand_roster, others_cores, others_cpu, switch  # noqa: E402

INSTANCES = HERE / "results" / "suite-instances"  # generated once per instance, then read back
START = date(2026, 3, 2)  # a Monday


@dataclass(frozen=True)
class CurtoisLike:
    """A Curtois & Qu style instance written by curtois_like.py."""

    name: str
    weeks: int
    staff: int
    shifts: int
    seed: int

    @property
    def shape(self) -> str:
        return f"{self.weeks} weeks, {self.staff} staff, {self.shifts} shift types"


@dataclass(frozen=True)
class Team:
    """A synthetic support team (coverage.synthetic), first period or second with `history:`."""

    name: str
    agents: int
    sites: int
    weeks: int
    interval: int
    history: bool
    seed: int

    @property
    def shape(self) -> str:
        grid = "hourly" if self.interval == 60 else f"{self.interval}-minute grid"
        return f"{self.agents:,} agents, {self.sites} sites, {self.weeks} weeks, {grid}" + (", history" if self.history else "")


# The suite. Never edit an entry (its figures would change meaning): add new ones under new names.
SUITE: tuple[CurtoisLike | Team, ...] = (
    CurtoisLike("cl-6w-20", 6, 20, 4, 601),
    CurtoisLike("cl-8w-40", 8, 40, 6, 602),
    CurtoisLike("cl-10w-80", 10, 80, 8, 603),
    CurtoisLike("cl-12w-150", 12, 150, 10, 604),
    Team("team-200-4w", 200, 6, 4, 60, False, 701),
    Team("team-200-4w-history", 200, 6, 4, 60, True, 702),
    Team("team-200-13w", 200, 6, 13, 60, False, 703),
    Team("team-1000-4w", 1000, 6, 4, 60, False, 704),
    Team("team-1000-4w-history", 1000, 6, 4, 60, True, 705),
    Team("team-1000-4w-15min", 1000, 6, 4, 15, False, 706),
    Team("team-2700-4w", 2700, 6, 4, 60, False, 707),
    Team("team-3000-4w-history", 3000, 6, 4, 60, True, 708),
    Team("team-2700-4w-15min", 2700, 6, 4, 15, False, 709),
)
SEEDS = (1, 2, 3)


def by_name(name: str) -> CurtoisLike | Team:
    for instance in SUITE:
        if instance.name == name:
            return instance
    raise SystemExit(f"no instance {name!r} in the suite (python benchmarks/suite.py list)")


def curtois_file(instance: CurtoisLike) -> Path:
    """The instance's file, written on first use (the generator is deterministic in its seed)."""
    from curtois_like import planted_instance

    from coverage.outputs import write_text_atomic

    path = INSTANCES / f"{instance.name}.txt"
    if not path.exists():
        INSTANCES.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, planted_instance(instance.weeks * 7, instance.staff, instance.shifts, instance.seed)[0])
    return path


def team_config(instance: Team, directory: Path) -> Path:
    """The team's YAML in `directory`; with history, the period after a hand-written previous one."""
    from coverage.config import load_config
    from coverage.synthetic import write_team

    days = instance.weeks * 7
    if not instance.history:
        return write_team(directory, instance.agents, instance.sites, START, days, instance.interval, seed=instance.seed)
    before = write_team(
        directory / "previous",
        instance.agents,
        instance.sites,
        START - timedelta(days=28),
        28,
        instance.interval,
        seed=instance.seed,
    )
    hand_roster(load_config(before), directory / "previous.csv", START - timedelta(days=28), 28)
    path = write_team(directory, instance.agents, instance.sites, START, days, instance.interval, seed=instance.seed)
    path.write_text(path.read_text() + "history: previous.csv\n")
    return path


def run_team(
    instance: Team,
    seed: int,
    time_limit: float,
    workers: int,
    direct: bool,
    neighbourhoods: bool | None = None,
    rolling_start: bool | None = None,
) -> dict[str, Any]:
    """One solve of a team through the public API, as `covplan plan` runs it; the JSON row."""
    from coverage.config import load_config
    from coverage.demand import requirements
    from coverage.solve import ModelInputs, SolveParams, solve

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(team_config(instance, Path(tmp)))
        started = time.perf_counter()
        needs = requirements(config)
        demand_seconds = time.perf_counter() - started
        result = solve(
            config,
            needs,
            ModelInputs(explain=False, staged=False if direct else None),
            SolveParams(
                time_limit_seconds=time_limit,
                seed=seed,
                workers=workers,
                neighbourhoods=neighbourhoods,
                rolling_start=rolling_start,
            ),
        )
    return {
        "instance": instance.name,
        "solver": "plain" if direct else "ours",
        "seed": seed,
        "time_limit": time_limit,
        "workers": workers,
        "status": result.status,
        "objective": result.objective,
        "bound": result.best_bound,
        "first_roster_seconds": None
        if result.first_solution_seconds is None
        else round(demand_seconds + result.first_solution_seconds, 2),
        "seconds": round(time.perf_counter() - started, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        # The site pool's processes, where the machine has one (4 cores and up): the largest child's peak.
        "peak_children_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def curtois_row(row: dict[str, Any], instance: CurtoisLike, seed: int, solver: str) -> dict[str, Any]:
    """A curtois.py / peer_cpsat.py row in the suite's fields."""
    row.update(instance=instance.name, solver=solver, seed=seed, first_roster_seconds=row.pop("first_feasible_seconds", None))
    return row


@contextmanager
def beside_load(on: bool) -> Iterator[None]:
    """One CPU-bound process (a busy loop) for as long as the run lasts; stopped by its own id afterwards."""
    if not on:
        yield
        return
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield
    finally:
        busy.kill()
        busy.wait()


QUIET_SHARE = 0.3  # cores' worth of CPU other processes may take during a run we still call quiet


def condition_of(loaded: bool, others: float) -> str:
    """What the run shared the machine with: the busy process we started, other jobs (measured), or nothing."""
    if loaded:
        return "beside one CPU-bound process"
    return "quiet" if others < QUIET_SHARE else "shared (other jobs)"


def run_suite(
    limit: float,
    seeds: tuple[int, ...],
    loaded: bool,
    only: str | None,
    plain: bool,
    workers: int = 2,
    neighbourhoods: str | None = None,
    sweep: str | None = None,
) -> None:
    """Every instance (or those `only` matches), every seed, ours then the plain model; one JSON line each in suite.jsonl."""
    from run import PYTHON, append, run_json

    for instance in SUITE:
        if only and not re.search(only, instance.name):
            continue
        for seed in seeds:
            for solver in ("ours", "plain") if plain else ("ours",):
                if isinstance(instance, CurtoisLike):
                    script = "curtois.py" if solver == "ours" else "peer_cpsat.py"
                    command = [
                        PYTHON,
                        str(HERE / script),
                        str(curtois_file(instance)),
                        "--time-limit",
                        str(limit),
                        "--workers",
                        str(workers),
                        "--seed",
                        str(seed),
                    ]
                else:
                    command = [
                        PYTHON,
                        str(HERE / "suite.py"),
                        "team",
                        instance.name,
                        "--seed",
                        str(seed),
                        "--time-limit",
                        str(limit),
                        "--workers",
                        str(workers),
                    ] + (["--direct"] if solver == "plain" else [])
                    if solver == "ours" and neighbourhoods is not None:
                        command += ["--neighbourhoods", neighbourhoods]
                if solver == "ours" and sweep is not None:
                    command += ["--rolling-start", sweep]
                before = others_cpu()
                with beside_load(loaded):
                    row = run_json(command, timeout=limit * 4 + 900)
                others = others_cores(before, others_cpu())  # the busy process beside is our child: not counted
                if isinstance(instance, CurtoisLike) and "error" not in row:
                    row = curtois_row(row, instance, seed, solver)
                row.update(
                    instance=instance.name,
                    solver=solver,
                    seed=seed,
                    time_limit=limit,
                    shape=instance.shape,
                    condition=condition_of(loaded, others),
                    neighbourhoods=neighbourhoods if solver == "ours" else None,
                    rolling_start=sweep if solver == "ours" else None,
                    others_cores=round(others, 2),
                )
                append("suite", row)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="the suite, one line per instance")
    run = commands.add_parser("run", help="run the suite (or part of it); rows go to benchmarks/results/suite.jsonl")
    run.add_argument("--limit", type=float, default=60.0)
    run.add_argument("--seeds", type=lambda s: tuple(int(k) for k in s.split(",")), default=SEEDS)
    run.add_argument("--beside-load", action="store_true", help="run one CPU-bound process beside each run")
    run.add_argument("--only", help="instances whose name this regular expression finds")
    run.add_argument("--no-plain", action="store_true", help="ours only, not the plain CP-SAT model")
    run.add_argument("--workers", type=int, default=2)
    add_search_switches(run)
    team = commands.add_parser("team", help="one team run; prints one JSON line")
    team.add_argument("name")
    team.add_argument("--seed", type=int, default=1)
    team.add_argument("--time-limit", type=float, default=60.0)
    team.add_argument("--workers", type=int, default=2)
    team.add_argument("--direct", action="store_true", help="the direct model alone (the plain model of the same roster)")
    add_search_switches(team)
    args = parser.parse_args(argv)
    if args.command == "list":
        for instance in SUITE:
            print(f"{instance.name:24} {instance.shape} (seed {instance.seed})")
    elif args.command == "run":
        run_suite(
            args.limit,
            args.seeds,
            args.beside_load,
            args.only,
            not args.no_plain,
            args.workers,
            args.neighbourhoods,
            args.rolling_start,
        )
    else:
        instance = by_name(args.name)
        if not isinstance(instance, Team):
            raise SystemExit(f"{args.name} is a Curtois-like instance: run it with curtois.py")
        own, rolling = switch(args.neighbourhoods), switch(args.rolling_start)
        print(json.dumps(run_team(instance, args.seed, args.time_limit, args.workers, args.direct, own, rolling)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
