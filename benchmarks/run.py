"""`make bench`: run every benchmark stage in subprocesses and write our sections of benchmarks/RESULTS.md.

    python benchmarks/run.py [--stages erlang,curtois,roster,scale,year,backlog,availability] [--instances 1,2] [--limit 60] [--long-limit 600]
    python benchmarks/run.py --stages suite [--suite-limits 60,600] [--suite-only REGEX]   # the generated suite, quiet and loaded

Each run is its own process (clean memory figures, no state shared between
runs); its JSON line is appended to benchmarks/results/STAGE.jsonl, and the
RESULTS.md sections are rendered from those files, so a stage can be re-run
alone without losing the others. Sections written by other stages of the
project ("Fuzzing", ...) are kept as they are.
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
MILESTONES = (10.0, 60.0)  # seconds into a longer run at which the Curtois tables also read the objective
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
    """One run's row in results/STAGE.jsonl, stamped with when it finished and on what machine (a later render keeps both)."""
    RESULTS.mkdir(exist_ok=True)
    row["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    row["machine"] = machine_name()
    row.setdefault("code", code_version())
    with (RESULTS / f"{stage}.jsonl").open("a") as out:
        out.write(json.dumps(row) + "\n")


def code_version(top: Path = HERE.parent) -> str | None:
    """The last commit of the package and the scripts ("+" when they have changes not committed), so that a table can
    keep one version's rows together rather than mix a seed of yesterday's code with two of today's. The code's last
    commit, not HEAD: results and notes are committed while a suite runs, and must not split its seeds."""
    code = ["coverage", "benchmarks/*.py"]
    try:
        last = subprocess.run(
            ["git", "-C", str(top), "log", "-1", "--format=%h", "--", *code], capture_output=True, text=True, check=True
        )
        changed = subprocess.run(["git", "-C", str(top), "diff", "--quiet", "HEAD", "--", *code], capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    commit = last.stdout.strip()
    return commit + ("+" if changed.returncode else "") if commit else None


def stage_curtois(args: argparse.Namespace) -> None:
    """Ours 60 s on each instance (600 s on the big ones), peers at their limits; 10 and 60 s read off the same runs."""
    for path in (DATA / f"Instance{k}.txt" for k in args.instances):
        limit = args.long_limit if int(path.stem.removeprefix("Instance")) in args.long_instances else args.limit
        run_with_milestones("curtois.py", path, limit)
    for script, limits in (("peer_cpsat.py", args.peer_limits), ("peer_cpmpy.py", args.cpmpy_limits)):
        for limit in limits:
            for path in (DATA / f"Instance{k}.txt" for k in args.instances):
                run_with_milestones(script, path, limit)


def run_with_milestones(script: str, path: Path, limit: float) -> None:
    """One run; each milestone it reports (where it stood at 10 s, 60 s) becomes a row of its own, marked as such."""
    marks = ",".join(f"{m:g}" for m in MILESTONES if m < limit)
    command = [PYTHON, str(HERE / script), str(path), "--time-limit", str(limit), "--workers", "2"]
    row = run_json(command + (["--milestones", marks] if marks and script != "peer_cpmpy.py" else []), timeout=limit * 3 + 120)
    for mark in row.pop("milestones", []):
        early = {key: value for key, value in row.items() if key not in ("solver_objective", "violations", "gap_to_best_known")}
        early.update(mark, milestone_of=limit, seconds=mark["time_limit"], status=f"at {mark['time_limit']:g} s of {limit:g} s")
        if early["objective"] is not None and row.get("best_known"):
            early["gap_to_best_known"] = round((early["objective"] - row["best_known"]) / row["best_known"], 4)
        append("curtois", early)
    append("curtois", row)


def stage_erlang(args: argparse.Namespace) -> None:
    """Erlang C and A requirements for a year of 15-minute intervals, against pyworkforce (about a minute)."""
    append("erlang", run_json([PYTHON, str(HERE / "erlang.py"), "--json"], 1800))


def stage_roster(args: argparse.Namespace) -> None:
    example = HERE.parent / "configs" / "example.yaml"
    append(
        "roster",
        run_json([PYTHON, str(HERE / "scale.py"), "--config", str(example), "--time-limit", "30", "--label", "example"], 600),
    )
    command = [
        PYTHON,
        str(HERE / "scale.py"),
        "--agents",
        "200",
        "--sites",
        "6",
        "--days",
        "28",
        "--interval",
        "60",
        "--time-limit",
        "120",
    ]
    append("roster", run_json(command, 900))


def stage_scale(args: argparse.Namespace) -> None:
    """Every team at the short limit; the big ones (300+ agents, or 100+ on the 15-minute grid) at the long one too."""
    for interval, sizes in ((60, args.agents), (15, args.agents_15)):
        for agents in sizes:
            big = agents >= (300 if interval == 60 else 100)
            for limit in (args.scale_limit, args.scale_long_limit) if big and args.scale_long_limit else (args.scale_limit,):
                sites = 3 if agents < 100 else 6
                command = [
                    PYTHON,
                    str(HERE / "scale.py"),
                    "--agents",
                    str(agents),
                    "--sites",
                    str(sites),
                    "--days",
                    "28",
                    "--interval",
                    str(interval),
                    "--time-limit",
                    str(limit),
                ]
                append("scale", run_json(command, limit * 4 + 600))


def stage_year(args: argparse.Namespace) -> None:
    """Thirteen four-week periods of the example team, each planned with the previous roster as history (15-20 min)."""
    append("year", run_json([PYTHON, str(HERE / "year.py"), "--time-limit", "30", "--workers", "2"], 13 * 900))


def stage_backlog(args: argparse.Namespace) -> None:
    """The example team's email judged by its deadline (queue) against the smoothed requirement it replaced (about 16 min)."""
    append(
        "backlog",
        run_json(
            [
                PYTHON,
                str(HERE / "backlog.py"),
                "--config",
                str(HERE.parent / "configs" / "example.yaml"),
                "--time-limit",
                "60",
                "--reference",
                "300",
                "--seeds",
                "1,2,3",
            ],
            3600,
        ),
    )


def stage_availability(args: argparse.Namespace) -> None:
    """Issue 26's part-time team (listed, availability, targets, flexible) beside the example team, 60 s each (about 7 min)."""
    append(
        "availability", run_json([PYTHON, str(HERE / "availability.py"), "--json", "--time-limit", "60", "--update-bests"], 1800)
    )


def stage_suite(args: argparse.Namespace) -> None:
    """The generated suite (benchmarks/suite.py): each limit quiet, then beside one CPU-bound process; ours and the plain model."""
    from suite import SEEDS, run_suite

    for limit in args.suite_limits:
        for loaded in (False, True):
            run_suite(limit, SEEDS, loaded, args.suite_only, plain=True)


def machine_name() -> str:
    return f"{os.cpu_count()} cores, {cpu_name()}, Python {platform.python_version()}"


def cpu_name() -> str:
    """The CPU's model name (e.g. AMD EPYC ...) from /proc/cpuinfo, or the platform's machine type."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


STAGES = {
    "erlang": stage_erlang,
    "curtois": stage_curtois,
    "roster": stage_roster,
    "scale": stage_scale,
    "year": stage_year,
    "backlog": stage_backlog,
    "availability": stage_availability,
    "suite": stage_suite,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stages", default="erlang,roster,backlog,availability,year,scale,curtois")  # the short stages first
    parser.add_argument("--instances", type=lambda s: [int(k) for k in s.split(",")], default=list(range(1, 13)))
    parser.add_argument("--limit", type=float, default=60.0, help="our run per instance (10 s read off the same run)")
    parser.add_argument("--long-instances", type=lambda s: [int(k) for k in s.split(",") if k], default=[10, 11, 12])
    parser.add_argument("--long-limit", type=float, default=600.0, help="our run on the long instances (10 and 60 s read off it)")
    parser.add_argument("--peer-limits", type=lambda s: [float(k) for k in s.split(",") if k], default=[60.0])
    parser.add_argument("--cpmpy-limits", type=lambda s: [float(k) for k in s.split(",") if k], default=[10.0])
    parser.add_argument(
        "--agents",
        type=lambda s: [int(k) for k in s.split(",")],
        default=[25, 100, 300, 1000],
        help="team sizes on the hourly grid",
    )
    parser.add_argument(
        "--agents-15",
        type=lambda s: [int(k) for k in s.split(",")],
        default=[25, 100, 300, 1000],
        help="team sizes on the 15-minute grid",
    )
    parser.add_argument("--scale-limit", type=float, default=60.0)
    parser.add_argument("--scale-long-limit", type=float, default=300.0, help="big teams run at this limit too (0: not)")
    parser.add_argument(
        "--suite-limits",
        type=lambda s: [float(k) for k in s.split(",") if k],
        default=[60.0, 600.0],
        help="the generated suite's limits (stage suite; not in the default stages: hours)",
    )
    parser.add_argument("--suite-only", help="the suite's instances whose name this regular expression finds")
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
    machine = machine_name()
    from report import render  # imported late: the stages above do not need it

    render(HERE / "RESULTS.md", RESULTS, machine)
    return 0


if __name__ == "__main__":
    sys.exit(main())
