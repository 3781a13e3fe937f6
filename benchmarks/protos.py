"""Every CP-SAT model we build, as the md5 of its proto: a restructuring of coverage/solve must leave each one unchanged.

    python benchmarks/protos.py                      # the table (markdown) on stdout
    python benchmarks/protos.py --save before.json   # ... and the hashes in a file
    python benchmarks/protos.py --compare before.json  # exit 1 when any hash differs

Each case goes through the public `coverage.solve.solve` (explain through
`coverage.solve.explain.conflicting_rules`), with CP-SAT's `CpSolver.solve`
replaced by a recorder: it hashes the model it is handed
(the proto's binary encoding, see `serialized`) and answers UNKNOWN without searching.
So nothing is solved, and the models are exactly the ones `solve` would
search, whatever the code that builds them looks like inside; the script runs
unchanged before and after a refactoring.

The "staged" case is the exception: the stages' models depend on what the
earlier stages found, so it searches for real, in deterministic mode with one
worker (reproducible), and records every model on the way: the headcounts,
each site's assignment, the full model with the staged roster as a hint (its
completion) and the full search. Its sites run one after the other, in this
process (the recorder does not see models built in a pool's processes).

Cases: Curtois & Qu instances 1-12 (and 1 and 5 with `exact_runs`), the
example configs, a re-plan (`keep`), a second period with `history:` (a
synthetic team written twice, the first period's roster written by hand), the
hiring models the roadmap and the cheapest-set mode build, explain models.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

os.environ["COVPLAN_MEMORY_LIMIT"] = "1T"  # the machine's free memory must not choose the stages-only path
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ortools.sat.python import cp_model  # noqa: E402

from coverage.config import Config, load_config  # noqa: E402
from coverage.demand import requirements  # noqa: E402
from coverage.read_curtois import read_instance, to_config  # noqa: E402
from coverage.roster import read_roster  # noqa: E402
from coverage.solve import Hiring, SolveOptions, Target, solve  # noqa: E402
from coverage.synthetic import write_team  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from common import hand_roster  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
CONFIGS = ROOT / "configs"
BUILD_ONLY = SolveOptions(time_limit_seconds=10, seed=1, workers=2, progress=None, explain=False, staged=False)

Recorded = list[tuple[int, int, str]]  # (variables, constraints, md5) per model handed to CP-SAT


class Recorder:
    """Stands in for CpSolver.solve: hashes each model; searches only when `search` is set."""

    def __init__(self) -> None:
        self.models: Recorded = []
        self.search = False
        self._real = cp_model.CpSolver.solve

    def __enter__(self) -> Recorder:
        recorder = self

        def recording(solver: cp_model.CpSolver, model: cp_model.CpModel, *args: Any, **kwargs: Any) -> Any:
            proto = model.Proto()
            digest = hashlib.md5(serialized(model)).hexdigest()
            recorder.models.append((len(proto.variables), len(proto.constraints), digest))
            if recorder.search:
                return recorder._real(solver, model, *args, **kwargs)
            return cp_model.UNKNOWN

        cp_model.CpSolver.solve = recording  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        cp_model.CpSolver.solve = self._real  # type: ignore[method-assign]


def serialized(model: cp_model.CpModel) -> bytes:
    """The model's proto in protobuf's binary encoding.

    OR-Tools 9.15 wraps the proto in C++ (no `SerializeToString` on
    `model.Proto()`); `export_to_file` writes the same binary message.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.pb"
        if not model.export_to_file(str(path)):
            raise RuntimeError("CP-SAT could not export the model")
        return path.read_bytes()


def curtois(number: int) -> Config:
    return to_config(read_instance(DATA / f"Instance{number}.txt"))


def two_periods(tmp: Path) -> tuple[Config, Config, Path]:
    """A synthetic team (12 agents, 2 sites) over two fortnights; the second reads the first's roster as `history:`."""
    first_day = date(2026, 3, 2)
    first = load_config(write_team(tmp / "p1", 12, 2, first_day, 14))
    roster = hand_roster(first, tmp / "p1" / "roster.csv", first_day, 14)
    second_file = write_team(tmp / "p2", 12, 2, first_day + timedelta(days=14), 14)
    second_file.write_text(second_file.read_text() + "history: ../p1/roster.csv\n")
    return first, load_config(second_file), roster


def run(options: SolveOptions, config: Config) -> Callable[[], object]:
    return lambda: solve(config, requirements(config), options)


def explained(config: Config, history: bool = False) -> Callable[[], object]:
    def go() -> object:
        from coverage.roster import read_history
        from coverage.solve.explain import conflicting_rules

        return conflicting_rules(
            config, requirements(config), time_limit_seconds=1.0, history=read_history(config) if history else None
        )

    return go


def cases(tmp: Path) -> dict[str, Callable[[], object]]:
    found: dict[str, Callable[[], object]] = {}
    for number in range(1, 13):
        found[f"curtois-{number}"] = run(BUILD_ONLY, curtois(number))
    for number in (1, 5):
        found[f"curtois-{number} exact_runs"] = run(SolveOptions(**{**BUILD_ONLY.__dict__, "exact_runs": True}), curtois(number))
    example, nine, three = (load_config(CONFIGS / f"{name}.yaml") for name in ("example", "nine-to-five", "three-sites"))
    dst = load_config(CONFIGS / "dst-crossing.yaml")
    for name, config in (("example", example), ("nine-to-five", nine), ("three-sites", three), ("dst-crossing", dst)):
        found[name] = run(BUILD_ONLY, config)
    first, second, roster = two_periods(tmp)
    found["synthetic period 1"] = run(BUILD_ONLY, first)
    found["synthetic period 1 keep"] = run(SolveOptions(**{**BUILD_ONLY.__dict__, "keep": read_roster(roster, first)}), first)
    found["synthetic period 2 history"] = run(BUILD_ONLY, second)
    full = nine.with_candidates()
    costs = {agent.id: candidate.cost for candidate in nine.candidates for agent in candidate.as_agents()}
    soft = Target(intervals=frozenset(range(0, 24 * 28, 2)), where="on even hours", soft=True)
    hirings = {
        "hiring today (max 0, soft target)": Hiring(costs, max_hires=0, target=soft),
        "hiring step (max 2, hired 1, soft target)": Hiring(costs, max_hires=2, hired=frozenset({"manila-1"}), target=soft),
        "hiring step (max 2, hard target at most 40)": Hiring(costs, max_hires=2, target=Target(most=40)),
        "hiring cheapest (ratio 0.9, cost weight)": Hiring(costs, target=Target(kind="ratio", ratio=0.9), cost_weight=10_000),
        "hiring cheapest (service, chat)": Hiring(
            costs, target=Target(kind="service", channels=frozenset({"chat"})), cost_weight=10_000
        ),
    }
    for name, hiring in hirings.items():
        found[name] = run(SolveOptions(**{**BUILD_ONLY.__dict__, "hiring": hiring}), full)
    found["explain example"] = explained(example)
    found["explain three-sites"] = explained(three)
    found["explain curtois-3"] = explained(curtois(3))
    found["explain period 2 history"] = explained(second, history=True)
    staged = SolveOptions(time_limit_seconds=20, seed=1, workers=1, progress=None, explain=False, staged=True, deterministic=True)
    found["three-sites staged (searched)"] = run(staged, three)
    return found


@contextlib.contextmanager
def sites_in_turn() -> Iterator[None]:
    """The staged solve's sites in this process, one after the other, where the code has a pool for them."""
    from coverage.solve import staged

    made = getattr(staged, "local_pool", None)
    if made is None:
        yield
        return

    @contextlib.contextmanager
    def none(*args: object, **kwargs: object) -> Iterator[None]:
        yield None

    staged.local_pool = none  # type: ignore[assignment]
    try:
        yield
    finally:
        staged.local_pool = made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", type=Path, help="write the hashes to this JSON file")
    parser.add_argument("--compare", type=Path, help="compare with hashes saved earlier; exit 1 on any difference")
    parser.add_argument("--only", help="run only the cases whose name this regular expression finds (re.search)")
    args = parser.parse_args()
    results: dict[str, Recorded] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, go in cases(Path(tmp)).items():
            if args.only and not re.search(args.only, name):
                continue
            with Recorder() as recorder, sites_in_turn():
                recorder.search = "(searched)" in name
                go()
            results[name] = recorder.models
            print(f"{name}: {len(recorder.models)} model(s)", file=sys.stderr, flush=True)
    before = json.loads(args.compare.read_text()) if args.compare else {}
    print("| case | model | variables | constraints | md5 |" + (" before |" if before else ""))
    print("|---|---|---|---|---|" + ("---|" if before else ""))
    differ = 0
    for name, models in results.items():
        old = [tuple(m) for m in before.get(name, [])]
        for k, (variables, constraints, digest) in enumerate(models, start=1):
            mark = ""
            if before:
                same = k <= len(old) and old[k - 1][2] == digest
                differ += not same
                mark = " same |" if same else f" DIFFERENT ({old[k - 1][2] if k <= len(old) else 'missing'}) |"
            print(f"| {name} | {k} | {variables:,} | {constraints:,} | `{digest}` |{mark}")
        if before and len(old) != len(models):
            differ += 1
            print(f"| {name} | | | | {len(models)} model(s), before {len(old)} | DIFFERENT |")
    if args.save:
        args.save.write_text(json.dumps(results, indent=1) + "\n")
    if before:
        missing = sorted(set(before) - set(results)) if not args.only else []
        differ += len(missing)
        print(f"\n{differ} difference(s)" + (f"; cases missing: {', '.join(missing)}" if missing else ""))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
