"""The flexible part-time team's constructed first roster alone: what it costs as the model prices it, and how long it took.

    python benchmarks/construction.py --seed 1                 # 60 agents, 14 days
    python benchmarks/construction.py --seed 1 --no-chains     # without the ejection chains (coverage.solve.first_chains)

One JSON line per run: the construction's seconds (no deadline: every round
and sweep runs, as in a deterministic run), the roster's cost as the model's
objective prices it after the model's own completion of the hint, and that
cost split by the objective's terms, each named by its expression's first
variable (`short`, `over`, `target`, `length`, `d…`: the duty literals'
`avoid` / not-preferred costs, `max…`: the weekend spread). A search's
figures are benchmarks/availability.py's; this one shows what the search
starts from (benchmarks/notes/part-time-team.md).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from availability import write_variant  # noqa: E402


def constructed(seed: int, agents: int, days: int, chains: bool) -> dict[str, object]:
    from coverage.config import load_config
    from coverage.demand import requirements
    from coverage.solve import first_runs
    from coverage.solve.data import ModelData
    from coverage.solve.model import build_model
    from coverage.solve.staged import complete_hint, hint_roster

    if not chains:
        first_runs.CHAIN_SWEEPS = 0
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(write_variant(Path(tmp), "flexible", agents=agents, days=days, seed=seed))
        data = ModelData.of(config, requirements(config))
        model = build_model(data)
        started = time.perf_counter()
        roster = first_runs.greedy_roster(data)
        seconds = time.perf_counter() - started
        if roster is None:
            return {"seed": seed, "declined": True}
        hint_roster(model, roster)
        solver = complete_hint(model)
        if solver is None:
            return {"seed": seed, "seconds": round(seconds, 2), "rejected": True}
        terms: Counter[str] = Counter()
        for term, value in model.objective.term_costs(solver.value):
            if value:
                terms[re.sub(r"[\[\(\d_].*", "", re.sub(r"^[-\d\s\*\(]*", "", str(term)))[:20]] += value
    return {
        "seed": seed,
        "chains": chains,
        "seconds": round(seconds, 2),
        "cost": model.exact_objective(solver.value),
        "terms": dict(terms.most_common()),
        "runs": len(roster.assignments),
        "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--agents", type=int, default=60)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--no-chains", action="store_true", help="the construction without its ejection chains")
    args = parser.parse_args(argv)
    print(json.dumps(constructed(args.seed, args.agents, args.days, chains=not args.no_chains)))


if __name__ == "__main__":
    main()
