"""What-if sweeps: every scenario a full plan, run as independent tasks, compared side by side.

Each scenario (coverage.scenarios) is one task on the executor
(coverage.executor): its config, its requirements and the search's controls
go to the worker, which builds and searches its own CP-SAT model and sends
back a PlanResult. As each comes back, its outputs are written into
`DIR/NAME/` exactly as `covplan plan --out` writes them (the roster first,
checked, then the report), while the other scenarios are still searching.
`DIR/sweep.csv` and `DIR/report.html` then put the scenarios side by side,
with the figures each scenario's summary.json holds — never recounted.

Ctrl-C cancels the scenarios not finished; the finished ones keep their
folders and the table lists them (the rest as `cancelled`).
"""

from __future__ import annotations

import time as wallclock
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path
from typing import Any, TextIO

from coverage.errors import OutputExistsError
from coverage.executor import run_tasks
from coverage.outputs import prepare_out_dir, staged_outputs, write_csv_atomic, write_text_atomic
from coverage.pipeline import PlanResult, plan, publish_roster
from coverage.results import RosterFigures, Summary
from coverage.scenarios import ScenarioPlan
from coverage.solve import SolveParams

SWEEP_CSV = "sweep.csv"
SWEEP_HTML = "report.html"
SWEEP_PLOT = "sweep.png"
PREVIOUS_ROSTER = "roster.previous.csv"  # an earlier sweep's roster, kept where a --force rerun found none
CANCELLED = "CANCELLED"
FAILED = "FAILED"  # the scenario's plan or its files failed: the error is its reason, the other scenarios go on


@dataclass(frozen=True)
class ScenarioOutcome:
    """One row of the sweep: a scenario's status and its summary.json figures (None: no roster, or cancelled)."""

    name: str
    changes: str
    status: str
    seconds: float  # the task's own time: search, coverage and summary
    summary: Summary | None = None
    view: str = ""  # the first view: the clock the hours are counted on
    reasons: tuple[str, ...] = ()  # why there is no roster

    @property
    def found(self) -> bool:
        return self.summary is not None

    def _view(self, key: str) -> float:
        return float(getattr(self.summary.views[self.view], key)) if self.summary else float("nan")

    @property
    def uncovered_hours(self) -> float:
        return self._view("uncovered_hours")

    @property
    def weekend_uncovered_hours(self) -> float:
        return self._view("weekend_uncovered_hours")

    @property
    def overnight_uncovered_hours(self) -> float:
        return self._view("overnight_uncovered_hours")

    def service_level(self, channel: str) -> float | None:
        block = self.summary.service.get(channel) if self.summary else None
        return None if block is None else block.service_level

    @property
    def roster(self) -> RosterFigures:
        """What the scenario's roster costs (zeros when it has none)."""
        found = self.summary.roster if self.summary else None
        return found if found is not None else RosterFigures(shifts=0, paid_hours=0.0, hires=(), hire_cost=0.0)


@dataclass(frozen=True)
class SweepResult:
    outcomes: list[ScenarioOutcome]  # in the scenarios' order, baseline first
    channels: list[str]  # realtime channels with a service level column
    files: list[Path]
    interrupted: bool = False


def check_sweep_dir(out: Path, force: bool) -> None:
    """Refuse a folder that already holds anything (an earlier sweep's rosters are somebody's plans) unless --force."""
    if out.exists() and not out.is_dir():
        raise OutputExistsError(f"{out}: exists and is not a directory (expected a directory for the sweep)")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputExistsError(
            f"{out}: not empty (an earlier sweep?); pass --force to replace its files or choose another --out directory"
        )


def task_params(params: SolveParams, threads: int) -> SolveParams:
    """A task's search: silent, with CP-SAT's workers set to the threads the task reserved."""
    return replace(params, workers=threads, progress=None)


def plan_task(job: tuple[ScenarioPlan, SolveParams]) -> tuple[PlanResult, float]:
    """One scenario, on whichever process or machine runs it: the plan and the seconds it took there.

    A scenario whose plan fails comes back as a FAILED plan with the error as
    its reason, so one bad scenario does not cancel the others or the table.
    """
    from coverage.solve import SolveResult

    scenario, params = job
    started = wallclock.perf_counter()
    try:
        result = plan(scenario.config, params, needs=scenario.needs)
    except Exception as exc:  # noqa: BLE001 - any failure of one scenario is reported in its row
        seconds = round(wallclock.perf_counter() - started, 3)
        failed = SolveResult(FAILED, None, None, None, seconds, reasons=[f"{type(exc).__name__}: {exc}"])
        return PlanResult(None, failed, None, None), seconds
    return result, round(wallclock.perf_counter() - started, 3)


def run_sweep(
    plans: Sequence[ScenarioPlan],
    params: SolveParams,
    executor: Executor,
    out: Path,
    progress: TextIO | None = None,
    *,
    task: Callable[[tuple[ScenarioPlan, SolveParams]], tuple[PlanResult, float]] = plan_task,
) -> SweepResult:
    """Plan every scenario on `executor`, write each one's folder as it finishes, then the side-by-side table.

    `params` are each task's (see task_params). `out` must exist.
    """
    view = plans[0].config.view_zones[0]
    outcomes: list[ScenarioOutcome | None] = [None] * len(plans)
    done = [0]

    def finished(k: int, answer: tuple[PlanResult, float]) -> None:
        result, seconds = answer
        try:
            outcome = write_scenario(plans[k], result, seconds, out / plans[k].name, view)
        except Exception as exc:  # noqa: BLE001 - a scenario whose files cannot be written is a row, not the sweep's end
            outcome = ScenarioOutcome(
                plans[k].name,
                plans[k].scenario.changes,
                FAILED,
                seconds,
                view=view,
                reasons=(f"writing {out / plans[k].name}: {type(exc).__name__}: {exc}",),
            )
        outcomes[k] = outcome
        done[0] += 1
        if progress is not None:
            print(f"  [{done[0]}/{len(plans)}] {_line(outcome)}", file=progress, flush=True)

    batch = run_tasks(executor, task, [(p, params) for p in plans], finished)
    rows = [
        o if o is not None else ScenarioOutcome(p.name, p.scenario.changes, CANCELLED, 0.0, view=view)
        for p, o in zip(plans, outcomes)
    ]
    channels = [c for c, ch in plans[0].config.channels.items() if ch.kind == "realtime"]
    files = write_sweep_table(rows, channels, out, interrupted=batch.interrupted)
    return SweepResult(rows, channels, files, batch.interrupted)


def write_scenario(scenario: ScenarioPlan, result: PlanResult, seconds: float, out: Path, view: str) -> ScenarioOutcome:
    """DIR/NAME/ as `covplan plan --out` writes it: the checked roster first, then the report; the table's row."""
    from coverage.report import RunInfo, write_report
    from coverage.solve.gaps_why import explain_gaps

    changes = scenario.scenario.changes
    if result.roster is None:
        _set_aside_earlier_roster(out)
        return ScenarioOutcome(scenario.name, changes, result.status, seconds, view=view, reasons=tuple(result.solve.reasons))
    prepare_out_dir(out, force=True)  # the sweep's folder was refused already unless --force
    publish_roster(result.roster, scenario.config, out)
    solved = result.solve
    why = explain_gaps(scenario.config, scenario.needs, result.roster)
    run = RunInfo(solved.status, solved.objective, solved.best_bound, round(solved.wall_seconds, 3), explanations=tuple(why))
    with staged_outputs(out) as staging:
        report = write_report(staging, scenario.config, scenario.needs, result.roster, run)
    return ScenarioOutcome(scenario.name, changes, result.status, seconds, report.summary, view)


def _set_aside_earlier_roster(out: Path) -> None:
    """An earlier sweep's roster.csv in a scenario folder that now has none (a --force rerun) becomes roster.previous.csv:
    kept, but no longer beside a table that says this scenario found no roster."""
    earlier = out / "roster.csv"
    if earlier.is_file():
        earlier.replace(out / PREVIOUS_ROSTER)


def _line(outcome: ScenarioOutcome) -> str:
    if not outcome.found:
        why = f": {outcome.reasons[0]}" if outcome.reasons else ""
        return f"{outcome.name}: no roster ({outcome.status}{why}) in {outcome.seconds:.1f} s"
    return (
        f"{outcome.name}: {outcome.uncovered_hours:g} h uncovered (weekend {outcome.weekend_uncovered_hours:g}, "
        f"overnight {outcome.overnight_uncovered_hours:g}) {outcome.status} in {outcome.seconds:.1f} s"
    )


def sweep_columns(channels: Sequence[str]) -> list[str]:
    return [
        "scenario",
        "status",
        "uncovered_hours",
        "weekend_uncovered_hours",
        "overnight_uncovered_hours",
        *(f"service_level_{c}" for c in channels),
        "coverage_ratio",
        "paid_hours",
        "hire_cost",
        "hires",
        "seconds",
        "changes",
    ]


def sweep_rows(outcomes: Sequence[ScenarioOutcome], channels: Sequence[str]) -> list[list[str]]:
    """sweep.csv's rows: numbers as summary.json has them, empty where a scenario has no roster."""
    rows = []
    for o in outcomes:
        if o.summary is None:
            rows.append([o.name, o.status, "", "", "", *("" for _ in channels), "", "", "", "", f"{o.seconds:g}", o.changes])
            continue
        levels = [o.service_level(c) for c in channels]
        rows.append(
            [
                o.name,
                o.status,
                f"{o.uncovered_hours:g}",
                f"{o.weekend_uncovered_hours:g}",
                f"{o.overnight_uncovered_hours:g}",
                *("" if v is None else f"{v:g}" for v in levels),
                f"{o.summary.coverage_ratio:g}" if o.summary else "",
                f"{o.roster.paid_hours:g}",
                f"{o.roster.hire_cost:g}",
                " ".join(o.roster.hires),
                f"{o.seconds:g}",
                o.changes,
            ]
        )
    return rows


def write_sweep_table(
    outcomes: Sequence[ScenarioOutcome], channels: Sequence[str], out: Path, *, interrupted: bool = False
) -> list[Path]:
    """sweep.csv, sweep.png and report.html: the scenarios side by side, one plot comparing them."""
    from coverage.figures import save_figure
    from coverage.htmlreport import html_page, table_section
    from coverage.plots.sweep import plot_sweep

    csv_file = write_csv_atomic(out / SWEEP_CSV, sweep_columns(channels), sweep_rows(outcomes, channels))
    view = outcomes[0].view if outcomes else ""
    save_figure(plot_sweep(outcomes, view=view), out / SWEEP_PLOT)
    intro = (
        f"Each scenario is a full plan of the config with the changes named; hours are clock hours in {view} "
        f"(an hour counts once however many channels are short). Each scenario's own report is in its folder."
    )
    if interrupted:
        intro += " The sweep was interrupted: scenarios marked CANCELLED were not planned."
    headers = [
        "scenario",
        "changes",
        "status",
        "uncovered h",
        "weekend h",
        "overnight h",
        *(f"service level {c}" for c in channels),
        "paid h",
        "hire cost",
        "seconds",
    ]
    table = [(o.name, o.changes, o.status, *_figures(o, channels)) for o in outcomes]
    section = table_section("scenarios", "Scenarios side by side", headers, table, intro=intro, plot=out / SWEEP_PLOT)
    links = (
        "<ul>"
        + "".join(f'<li><a href="{escape(o.name)}/report.html">{escape(o.name)}</a></li>' for o in outcomes if o.found)
        + "</ul>"
    )
    page = html_page("What-if sweep", [section, ("reports", "Each scenario's report", links)])
    html_file = write_text_atomic(out / SWEEP_HTML, page)
    return [csv_file, out / SWEEP_PLOT, (out / SWEEP_PLOT).with_suffix(".svg"), html_file]


def _figures(o: ScenarioOutcome, channels: Sequence[str]) -> list[Any]:
    if not o.found:
        return ["", "", "", *("" for _ in channels), "", "", o.seconds]
    levels = [o.service_level(c) for c in channels]
    return [
        o.uncovered_hours,
        o.weekend_uncovered_hours,
        o.overnight_uncovered_hours,
        *("" if v is None else f"{v:.1%}" for v in levels),
        o.roster.paid_hours,
        o.roster.hire_cost,
        o.seconds,
    ]


def sweep_text(result: SweepResult) -> str:
    """The table for the terminal: one line per scenario, baseline first."""
    levels = "".join(f" {('SL ' + c)[:9]:>9}" for c in result.channels)
    lines = [
        f"{'scenario':<22} {'uncovered':>9} {'weekend':>8} {'night':>8}{levels} {'paid h':>8} {'hire cost':>9} "
        f"{'status':<10} {'seconds':>7}"
    ]
    for o in result.outcomes:
        if not o.found:
            lines.append(
                f"{o.name:<22} {'':>9} {'':>8} {'':>8}{''.join(f' {chr(32):>9}' for _ in result.channels)} {'':>8} {'':>9} "
                f"{o.status:<10} {o.seconds:>7.1f}"
            )
            continue
        sl = "".join(f" {'' if o.service_level(c) is None else format(o.service_level(c), '.1%'):>9}" for c in result.channels)
        lines.append(
            f"{o.name:<22} {o.uncovered_hours:>9g} {o.weekend_uncovered_hours:>8g} {o.overnight_uncovered_hours:>8g}{sl} "
            f"{o.roster.paid_hours:>8g} {o.roster.hire_cost:>9g} {o.status:<10} {o.seconds:>7.1f}"
        )
    return "\n".join(lines)
