"""Peak memory of real model builds and searches against coverage.solve.size's estimate.

    .venv/bin/python benchmarks/memory.py                      # the calibration set, one process per run
    .venv/bin/python benchmarks/memory.py --write              # ... and the "## Memory" section of RESULTS.md
    .venv/bin/python benchmarks/memory.py --one --agents 300 --interval 15 --mode whole --time-limit 90

Each run is a fresh process that writes a synthetic team (coverage.synthetic.
write_team: N agents over 6 sites, 28 days, chat + email), loads it, and then
either builds the whole roster model and searches it for the time limit
(`whole`, what `search.solve` builds for a plan), or runs the stages alone
(`stages`: the headcount model, then each site's agents; what a plan too big
for the machine's memory runs instead). Peak resident memory is the kernel's
VmHWM of the process (/proc/self/status), which includes everything: the
interpreter, OR-Tools, the model, presolve and every search thread. A
sampler notes when the peak was reached, to show the search had got past
presolve and started its workers (the peak comes some 15-60 s into the
search, then holds). The last line of a `--one` run is one JSON object.

The calibration set fits `peak ≈ base + a·choices + b·cover terms + c·cells`
by least squares over the `whole` runs (and the stages' own counts over the
`stages` runs) and prints the coefficients beside the estimate in use, so a
change of OR-Tools or of the model can be re-measured with one command.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

RESULTS = HERE / "results" / "memory.jsonl"
SECTION = "Memory"
# (agents, interval minutes, mode, time limit s, workers): hourly and 15-minute grids, 25 to 1,000 agents, both paths,
# and one run with 8 workers (CP-SAT's own portfolio, several full-model workers).
CALIBRATION = (
    (25, 60, "whole", 60, 2),
    (100, 60, "whole", 60, 2),
    (300, 60, "whole", 60, 2),
    (1000, 60, "whole", 120, 2),
    (25, 15, "whole", 60, 2),
    (100, 15, "whole", 90, 2),
    (300, 15, "whole", 120, 2),
    (1000, 15, "whole", 240, 2),
    (300, 60, "whole", 60, 8),
    (300, 60, "stages", 60, 2),
    (1000, 60, "stages", 120, 2),
    (1000, 15, "stages", 400, 2),
    (2700, 15, "whole", 300, 2),  # the known large case: about 10 GB
)


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


class Sampler:
    """Resident memory once a second, from another thread: when the peak came, and what the process held then."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.peak: tuple[float, float] = (0.0, 0.0)  # (seconds, MB)
        self._done = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self._done.wait(1.0):
            now = _status_mb("VmRSS")
            if now > self.peak[1]:
                self.peak = (round(time.perf_counter() - self.started, 1), round(now))

    def stop(self) -> None:
        self._done.set()


def measure(agents: int, interval: int, mode: str, time_limit: float, workers: int, sites: int, days: int) -> dict[str, Any]:
    """One run in this process: build and search (or run the stages), then the peak and the estimate."""
    sampler = Sampler()
    from coverage.config import load_config
    from coverage.demand import requirements
    from coverage.solve import ModelInputs, SolveParams
    from coverage.solve import size as sizing
    from coverage.solve.data import ModelData
    from coverage.solve.model import build_model
    from coverage.solve.runner import run_search
    from coverage.solve.search import solve
    from coverage.synthetic import write_team

    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(write_team(Path(tmp), agents, sites, date(2026, 3, 2), days, interval))
        needs = requirements(config)
        loaded = _status_mb("VmRSS")
        params = SolveParams(time_limit_seconds=time_limit, workers=workers)
        started = time.perf_counter()
        if mode == "whole":
            model = build_model(ModelData.of(config, needs))
            built = time.perf_counter() - started
            status = run_search(model.model, params).status
            counted = sizing.model_size(config, needs.grid, sizing.search_threads(workers))
        else:  # the search's own path for a plan whose whole model would not fit: the stages alone
            counted = sizing.stages_size(config, needs.grid, sizing.search_threads(workers))
            sizing.available_memory = lambda: counted.bytes  # type: ignore[assignment]  # just room for the stages
            result = solve(config, needs, ModelInputs(explain=False), params)
            built, status = 0.0, result.status if result.reasons[:1] and "stages only" in result.reasons[0] else "not staged"
    sampler.stop()
    return {
        "agents": agents,
        "sites": sites,
        "days": days,
        "interval": interval,
        "mode": mode,
        "time_limit": time_limit,
        "workers": workers,
        "status": status,
        "choices": counted.choices,
        "cover_terms": counted.cover_terms,
        "cells": counted.cells,
        "loaded_mb": round(loaded),
        "build_seconds": round(built, 1),
        "seconds": round(time.perf_counter() - started, 1),
        "peak_mb": round(_status_mb("VmHWM")),
        "peak_at_seconds": sampler.peak[0],
        "estimate_mb": round(counted.bytes / sizing.MB),
        "load": round(os.getloadavg()[0], 2),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def run_one(agents: int, interval: int, mode: str, time_limit: float, workers: int) -> dict[str, Any]:
    """A run in a fresh process, so each peak is that run's alone."""
    command = [
        sys.executable,
        __file__,
        "--one",
        "--agents",
        str(agents),
        "--interval",
        str(interval),
        "--mode",
        mode,
        "--time-limit",
        str(time_limit),
        "--workers",
        str(workers),
    ]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=time_limit * 4 + 900)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _run_and_store(agents: int, interval: int, mode: str, limit: float, workers: int) -> dict[str, Any]:
    row = run_one(agents, interval, mode, limit, workers)
    print(json.dumps(row), flush=True)
    RESULTS.parent.mkdir(exist_ok=True)
    with RESULTS.open("a") as out:
        out.write(json.dumps(row) + "\n")
    return row


def _stored() -> list[dict[str, Any]]:
    """The last run of each calibration case, in the calibration's order."""
    last = {}
    for line in RESULTS.read_text().splitlines():
        row = json.loads(line)
        last[(row["agents"], row["interval"], row["mode"], row["workers"])] = row
    return [last[(a, i, m, w)] for a, i, m, _, w in CALIBRATION if (a, i, m, w) in last]


def fit(rows: list[dict[str, Any]]) -> tuple[float, float, float, float]:
    """Least squares: peak bytes ≈ base + a·choices + b·cover terms + c·cells."""
    import numpy as np

    features = np.array([[1.0, r["choices"], r["cover_terms"], r["cells"]] for r in rows])
    peaks = np.array([r["peak_mb"] * 1024 * 1024 for r in rows])
    coefficients, *_ = np.linalg.lstsq(features, peaks, rcond=None)
    return tuple(float(c) for c in coefficients)  # type: ignore[return-value]


def estimated(row: dict[str, Any]) -> dict[str, Any]:
    """The row with today's counts and estimate for its team (the estimator may have changed since the run)."""
    from coverage.config import load_config
    from coverage.solve import size as sizing
    from coverage.synthetic import write_team

    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(write_team(Path(tmp), row["agents"], row["sites"], date(2026, 3, 2), row["days"], row["interval"]))
    threads = sizing.search_threads(row["workers"])
    counted = (
        sizing.model_size(config, threads=threads) if row["mode"] == "whole" else sizing.stages_size(config, threads=threads)
    )
    return {
        **row,
        "choices": counted.choices,
        "cover_terms": counted.cover_terms,
        "cells": counted.cells,
        "estimate_mb": round(counted.bytes / sizing.MB),
    }


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| agents | grid | path | workers | choices | cover terms | search s | peak MB | peak at s | estimate MB | estimate / peak | load |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['agents']:,} | {r['interval']} min | {r['mode']} | {r['workers']} | {r['choices']:,} | {r['cover_terms']:,} | "
            f"{r['time_limit']:g} | {r['peak_mb']:,} | {r['peak_at_seconds']:g} | {r['estimate_mb']:,} | "
            f"{r['estimate_mb'] / r['peak_mb']:.2f} | {r['load']:g} |"
        )
    return "\n".join(lines)


def markdown(rows: list[dict[str, Any]], command: str) -> str:
    from report import notes_link
    from run import cpu_name

    machine = f"{os.cpu_count()} cores, {cpu_name()}, {_meminfo_total_gib():.0f} GiB, Python {platform.python_version()}"
    return (
        f"**What:** peak resident memory (VmHWM) of one process that builds a synthetic team's "
        f"model (6 sites, 28 days, chat + email) and searches it for `search s` (`whole`), or runs only "
        f"the stages through the search's own path for a plan too big for memory (`stages`), against "
        f'the estimate `coverage.solve.size` makes before building (README, "Reliability and limits"). '
        f"`peak at s`: when the peak came, counted from the process's start (loading and building "
        f"included). Choices and cover terms are the estimator's counts; the load is the load "
        f"average at the end of the run (others' jobs shared the machine).\n\n"
        f"**Machine:** {machine}. **Date:** {rows[-1]['finished'][:10]}. **Command:** `{command}` (each row one "
        f"`--one` run in a process of its own; the estimates are recomputed by `--render` with the estimator "
        f"of the commit that rendered the table)\n\n" + table(rows) + notes_link(SECTION)
    )


def _meminfo_total_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", action="store_true", help="one run in this process (JSON on the last line)")
    parser.add_argument("--agents", type=int, default=100)
    parser.add_argument("--interval", type=int, default=60, choices=(60, 30, 15))
    parser.add_argument("--mode", default="whole", choices=("whole", "stages"))
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2, help="with --one")
    parser.add_argument("--sites", type=int, default=6)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--write", action="store_true", help="replace the Memory section of benchmarks/RESULTS.md")
    parser.add_argument("--render", action="store_true", help="no runs: the table from benchmarks/results/memory.jsonl")
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure(args.agents, args.interval, args.mode, args.time_limit, args.workers, args.sites, args.days)))
        return 0
    rows = _stored() if args.render else [_run_and_store(*case) for case in CALIBRATION]
    rows = [estimated(row) for row in rows]
    for mode in ("whole", "stages"):
        chosen = [r for r in rows if r["mode"] == mode and r["workers"] == 2]  # 4 search threads; 8 workers is the thread check
        if len(chosen) >= 4:
            base, a, b, c = fit(chosen)
            print(f"{mode}: peak ≈ {base / 2**20:,.0f} MB + {a:,.0f} B/choice + {b:,.0f} B/cover term + {c:,.0f} B/cell")
    text = markdown(rows, ".venv/bin/python benchmarks/memory.py")
    print(text)
    if args.write:
        from report import replace_section

        results = HERE / "RESULTS.md"
        results.write_text(replace_section(results.read_text(encoding="utf-8"), SECTION, text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
