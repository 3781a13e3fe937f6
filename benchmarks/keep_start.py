"""A `--keep` re-plan at a short limit: how many shifts it changes and what it costs, against keeping the old roster.

    python benchmarks/keep_start.py CONFIG OLD/roster.csv [--sick AGENT] [--days 3] [--time-limit 5] [--seed 1]

The config's agent AGENT falls ill on their first DAYS rostered days of the
period's second week (leave added to the config, as benchmarks/year.py
does); without --sick nobody does. The old roster is re-planned with
`solve(..., ModelInputs(keep=...))`, as `covplan plan --keep` does, and the
result compared with it: shifts removed and added (agent, day, shift), kept
shifts moved to another channel, the objective, and with --kept-cost (where
coverage.solve.kept exists) what the kept roster costs, its shifts on the
sick days dropped and completed in the model (before any channel polish).
benchmarks/notes/keep-start.md has the figures.
One JSON line on stdout, with the load average at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coverage.config import Config, load_config  # noqa: E402
from coverage.demand import requirements  # noqa: E402
from coverage.roster import Roster, read_kept_roster  # noqa: E402
from coverage.solve import ModelInputs, SolveParams, solve  # noqa: E402


def load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def with_sick(config: Config, kept: Roster, agent: str, days: int) -> tuple[Config, list[str]]:
    """The config with `agent` on leave on their first `days` rostered days from the period's second week."""
    later = config.plan.start + timedelta(days=7)
    sick = sorted({a.day for a in kept.for_agent(agent) if a.day >= later})[:days]
    agents = [a.model_copy(update={"leave": [*a.leave, *sick]}) if a.id == agent else a for a in config.agents]
    return config.model_copy(update={"agents": agents}), [d.isoformat() for d in sick]


def kept_cost(config: Config, needs: object, kept: Roster) -> float | None:
    """The kept roster (less what the config no longer allows) completed and priced; None on a version without it."""
    try:
        from coverage.solve.data import ModelData
        from coverage.solve.kept import still_allowed
        from coverage.solve.model import build_model
        from coverage.solve.staged import complete_hint, hint_roster
    except ImportError:
        return None
    rm = build_model(ModelData.of(config, needs, keep=kept))  # type: ignore[arg-type]
    hint_roster(rm, still_allowed(rm.variables, kept))
    solver = complete_hint(rm, 60.0)
    return None if solver is None else float(rm.exact_objective(solver.value))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("old", type=Path)
    parser.add_argument("--sick")
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--kept-cost", action="store_true", help="also price the kept roster completed")
    args = parser.parse_args()
    config = load_config(args.config)
    kept = read_kept_roster(args.old, config).team
    sick: list[str] = []
    if args.sick:
        config, sick = with_sick(config, kept, args.sick, args.days)
    needs = requirements(config)
    before = load()
    result = solve(config, needs, ModelInputs(keep=kept), SolveParams(args.time_limit, args.seed, args.workers))
    after = load()
    old = {(a.agent, a.day, a.shift) for a in kept.assignments}
    new = set() if result.roster is None else {(a.agent, a.day, a.shift) for a in result.roster.assignments}
    channels = {(a.agent, a.day, a.shift): a.channel for a in kept.assignments}
    moved = [
        a
        for a in (result.roster.assignments if result.roster else ())
        if channels.get((a.agent, a.day, a.shift), a.channel) != a.channel
    ]
    row = {
        "config": args.config.name,
        "sick": f"{args.sick} {','.join(sick)}" if sick else "",
        "limit": args.time_limit,
        "seed": args.seed,
        "objective": result.objective,
        "removed": len(old - new),
        "added": len(new - old),
        "channel_moves": len(moved),
        "first": result.first_solution_seconds,
        "wall": round(result.wall_seconds, 1),
        "load": f"{before}-{after}",
    }
    if args.kept_cost:
        row["kept_cost"] = kept_cost(config, needs, kept)
    print(json.dumps(row))


if __name__ == "__main__":
    main()
