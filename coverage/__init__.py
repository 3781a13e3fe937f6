"""coverage — a follow-the-sun shift coverage planner.

The public Python API, the same functions the `covplan` command and the
notebooks use. Names are loaded on first use, so `import coverage` stays
light (OR-Tools and matplotlib load only when a solve or a plot needs them).

    config = coverage.load_config("configs/example.yaml")
    needs = coverage.requirements(config)
    planned = coverage.plan(config, coverage.SolveParams(time_limit_seconds=30))  # roster, search, coverage, summary
    planned.summary.clock.weekend_uncovered_hours  # typed results (coverage.results): summary.json is .to_json()
    coverage.gap_rows(planned.coverage, config)  # what gaps.csv and the heatmaps hold
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_API = {
    # configuration
    "Config": "coverage.config",
    "load_config": "coverage.config",
    "config_schema": "coverage.config",
    # demand
    "Requirements": "coverage.demand",
    "requirements": "coverage.demand",
    "erlang_c": "coverage.demand",
    "service_level": "coverage.demand",
    # forecasts from ticket history and helpdesk exports
    "read_export": "coverage.helpdesk",
    "ExportOptions": "coverage.helpdesk",
    "build_forecast": "coverage.forecast",
    # the roster and its model
    "Roster": "coverage.roster",
    "read_roster": "coverage.roster",
    "write_roster": "coverage.roster",
    "ModelInputs": "coverage.solve",
    "SolveOptions": "coverage.solve",
    "SolveParams": "coverage.solve",
    "SolveResult": "coverage.solve",
    "Target": "coverage.solve",
    "solve": "coverage.solve",
    "check_roster": "coverage.check",
    # gaps, reports, plots
    "coverage_of": "coverage.gaps",
    "gap_rows": "coverage.gaps",
    "summary": "coverage.gaps",
    "Summary": "coverage.results",
    "ViewFigures": "coverage.results",
    "ClockHours": "coverage.results",
    "BacklogFigures": "coverage.results",
    "ServiceFigures": "coverage.results",
    "MixFigures": "coverage.results",
    "RosterFigures": "coverage.results",
    "WorkloadFigures": "coverage.results",
    "gap_windows": "coverage.windows",
    "explain_gaps": "coverage.solve.gaps_why",
    "write_report": "coverage.report",
    "RunInfo": "coverage.report",
    "plot_gap_heatmap": "coverage.plots",
    "plot_requirement": "coverage.plots",
    "plot_requirement_by_hour_of_week": "coverage.plots",
    "plot_history_vs_forecast": "coverage.plots",
    "plot_follow_the_sun": "coverage.plots",
    "plot_roster_gantt": "coverage.plots",
    "plot_hiring_roadmap": "coverage.plots",
    "save_figure": "coverage.figures",
    "write_heatmaps": "coverage.figures",
    # one plan end to end, and many at once (a local process pool or a Dask cluster)
    "plan": "coverage.pipeline",
    "PlanResult": "coverage.pipeline",
    "race": "coverage.pipeline",
    "load_scenarios": "coverage.scenarios",
    "run_sweep": "coverage.sweep",
    "open_executor": "coverage.executor",
    # hiring
    "roadmap": "coverage.hires",
    "cheapest": "coverage.hires",
    "attrition": "coverage.hires",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name == "solve":  # the solve package is itself callable: see coverage/solve/__init__.py
        return import_module("coverage.solve")
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'coverage' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
