"""Report: everything a manager reads after a run, written into one output directory.

`plan` and `gaps` share this, so a hand-made roster gets exactly the same
coverage tables, summary and heatmaps as one the solver built.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from coverage.config import Config
from coverage.demand import Requirements
from coverage.gaps import coverage_of, gap_rows, summary, terminal_summary, write_coverage_csv, write_gaps_csv, write_summary
from coverage.plots import plot_heatmaps
from coverage.roster import Roster


@dataclass(frozen=True)
class RunInfo:
    """How the roster came to be: the solver's figures, or 'GIVEN' for a roster read from a file."""

    status: str
    objective: float | None = None
    best_bound: float | None = None
    wall_seconds: float | None = None


@dataclass(frozen=True)
class Report:
    summary: dict
    text: str
    files: list[Path]


def write_report(out: Path, config: Config, requirements: Requirements, roster: Roster, run: RunInfo) -> Report:
    """coverage.csv, gaps.csv, summary.json and one heatmap per view zone."""
    coverage = coverage_of(roster, requirements, config)
    rows = gap_rows(coverage, config)
    digest = summary(
        coverage, config, status=run.status, objective=run.objective, best_bound=run.best_bound, wall_seconds=run.wall_seconds
    )
    files = [
        write_coverage_csv(coverage, out / "coverage.csv"),
        write_gaps_csv(rows, out / "gaps.csv"),
    ]
    files.extend(plot_heatmaps(rows, config, out))
    files.append(write_summary(digest, out / "summary.json"))
    return Report(summary=digest, text=terminal_summary(digest, rows), files=files)
