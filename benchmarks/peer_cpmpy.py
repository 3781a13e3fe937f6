"""Peer: CPMpy's own nurse-rostering model of the Curtois & Qu benchmark, solved by CP-SAT through CPMpy.

    python benchmarks/peer_cpmpy.py PATH/InstanceN.txt --time-limit 60 --workers 2

CPMpy ships a reader and a model for these instances
(`cpmpy.tools.io.nurserostering`); we use both unchanged, solve with its
OR-Tools backend, and score the roster with our independent evaluator.
Needs the `bench` extra (`pip install -e '.[bench]'`). Last line: the same
JSON fields as benchmarks/curtois.py.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import finish_row, peer_arguments  # noqa: E402

from coverage.read_curtois import evaluate, read_instance  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    args = peer_arguments(__doc__.splitlines()[0], argv)
    import cpmpy as cp
    from cpmpy.tools.io.nurserostering import _model_nurserostering, parse_scheduling_period
    from ortools.sat.python import cp_model

    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    first: list[float] = []

    class FirstSolution(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            if not first:
                first.append(time.perf_counter() - started)

    data = parse_scheduling_period(str(args.instance))
    model, nurse_view = _model_nurserostering(**data)
    solver = cp.SolverLookup.get("ortools", model)
    found = solver.solve(
        time_limit=args.time_limit, solution_callback=FirstSolution(), num_search_workers=args.workers, random_seed=args.seed
    )
    seconds = time.perf_counter() - started
    inst = read_instance(args.instance)
    row: dict[str, Any] = {
        "instance": inst.name,
        "objective": None,
        "bound": solver.ort_solver.best_objective_bound,
        "seconds": round(seconds, 2),
        "first_feasible_seconds": None,
        "status": str(solver.status().exitstatus.name),
    }
    if found:
        names = list(data["shifts"])
        values = nurse_view.value()
        grid = {(p.id, d): names[values[i][d] - 1] for i, p in enumerate(inst.staff) for d in range(inst.horizon) if values[i][d]}
        evaluation = evaluate(inst, grid)
        row.update(
            objective=evaluation.objective,
            solver_objective=model.objective_value(),
            violations=len(evaluation.violations),
            first_feasible_seconds=round(first[0] if first else seconds, 2),
        )
    finish_row(row, model="peer_cpmpy", time_limit=args.time_limit, workers=args.workers, load_before=load_before)
    print(json.dumps(row))
    return 3 if row.get("violations") else 0


if __name__ == "__main__":
    sys.exit(main())
