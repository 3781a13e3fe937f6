"""`make bench`: run every benchmark stage in subprocesses and write our sections of benchmarks/RESULTS.md.

    python benchmarks/run.py [--stages curtois,roster,scale] [--quick]

Each run is its own process (clean memory figures, no state shared between
runs); its JSON line is appended to benchmarks/results/STAGE.jsonl, and the
RESULTS.md sections are rendered from those files, so a stage can be re-run
alone without losing the others. Sections written by other stages of the
project ("Demand (Erlang)", "Fuzzing", ...) are kept as they are.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PYTHON = sys.executable
DATA = HERE / "data"
RESULTS = HERE / "results"


def run_json(command: list[str], timeout: float) -> dict[str, Any]:
    """Run one bench script and return its last JSON line (or an error row)."""
    print("$", " ".join(command), file=sys.stderr, flush=True)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"no answer within {timeout:.0f} s", "command": command}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1], "command": command}
    row = json.loads(lines[-1])
    row["command"] = " ".join(Path(c).name if c == PYTHON else c for c in command)
    print("  ", lines[-1], file=sys.stderr, flush=True)
    return row


def append(stage: str, row: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    row["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    with (RESULTS / f"{stage}.jsonl").open("a") as out:
        out.write(json.dumps(row) + "\n")


def stage_curtois(args: argparse.Namespace) -> None:
    instances = [DATA / f"Instance{k}.txt" for k in args.instances]
    plan = [("curtois.py", limit) for limit in args.limits] + [("peer_cpsat.py", limit) for limit in args.peer_limits]
    plan += [("peer_cpmpy.py", limit) for limit in args.cpmpy_limits]
    for script, limit in plan:
        for path in instances:
            command = [PYTHON, str(HERE / script), str(path), "--time-limit", str(limit), "--workers", "2"]
            append("curtois", run_json(command, timeout=limit * 3 + 120))


def stage_roster(args: argparse.Namespace) -> None:
    example = HERE.parent / "configs" / "example.yaml"
    append("roster", run_json([PYTHON, str(HERE / "scale.py"), "--config", str(example), "--time-limit", "30", "--label", "example"], 600))
    command = [PYTHON, str(HERE / "scale.py"), "--agents", "200", "--sites", "6", "--days", "28", "--interval", "60", "--time-limit", "120"]
    append("roster", run_json(command, 900))


def stage_scale(args: argparse.Namespace) -> None:
    for interval in (60, 15):
        for agents in args.agents:
            sites = 3 if agents < 100 else 6
            command = [PYTHON, str(HERE / "scale.py"), "--agents", str(agents), "--sites", str(sites), "--days", "28",
                       "--interval", str(interval), "--time-limit", str(args.scale_limit)]
            append("scale", run_json(command, args.scale_limit * 4 + 600))


def cpu_name() -> str:
    """The CPU's model name (e.g. AMD EPYC ...) from /proc/cpuinfo, or the platform's machine type."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


STAGES = {"curtois": stage_curtois, "roster": stage_roster, "scale": stage_scale}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stages", default="curtois,roster,scale")
    parser.add_argument("--instances", type=lambda s: [int(k) for k in s.split(",")], default=list(range(1, 13)))
    parser.add_argument("--limits", type=lambda s: [float(k) for k in s.split(",")], default=[10.0, 60.0])
    parser.add_argument("--peer-limits", type=lambda s: [float(k) for k in s.split(",") if k], default=[10.0, 60.0])
    parser.add_argument("--cpmpy-limits", type=lambda s: [float(k) for k in s.split(",") if k], default=[10.0])
    parser.add_argument("--agents", type=lambda s: [int(k) for k in s.split(",")], default=[25, 100, 300])
    parser.add_argument("--scale-limit", type=float, default=60.0)
    parser.add_argument("--fresh", action="store_true", help="forget earlier results of the stages being run")
    parser.add_argument("--render-only", action="store_true")
    args = parser.parse_args(argv)
    stages = [s for s in args.stages.split(",") if s]
    if not args.render_only:
        for stage in stages:
            if args.fresh:
                (RESULTS / f"{stage}.jsonl").unlink(missing_ok=True)
            started = time.perf_counter()
            STAGES[stage](args)
            print(f"stage {stage}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    machine = f"{os.cpu_count()} cores, {cpu_name()}, Python {platform.python_version()}"
    from report import render  # imported late: the stages above do not need it

    render(HERE / "RESULTS.md", RESULTS, machine)
    return 0


if __name__ == "__main__":
    sys.exit(main())
