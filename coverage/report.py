"""Report: everything a manager reads after a run, written into one output directory.

`plan` and `gaps` share this, so a hand-made roster gets exactly the same
tables, plots, exports and report.html as one the solver built. The terminal
gets a rich summary when it is a terminal, and the same facts as plain lines
when it is a log or a pipe (CI logs stay readable).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from coverage.config.schema import Config
from coverage.demand import Requirements
from coverage.exports import write_calendars, write_roster_xlsx
from coverage.figures import save_figure, write_heatmaps
from coverage.gaps import (
    Coverage,
    GapRow,
    backlog_lines,
    coverage_of,
    gap_rows,
    summary,
    terminal_summary,
    write_coverage_csv,
    write_gaps_csv,
    write_summary,
)
from coverage.outputs import (
    COVERAGE_FILE,
    DAILY_FILE,
    GAPS_FILE,
    HTML_FILE,
    SUMMARY_FILE,
    WINDOWS_FILE,
    WORKLOAD_FILE,
    XLSX_FILE,
)
from coverage.plots import plot_follow_the_sun, plot_requirement, plot_roster_gantt
from coverage.results import Summary
from coverage.roster import Roster
from coverage.targets import workload_rows, write_workload_csv
from coverage.windows import (
    CellRecurrence,
    ChannelTotals,
    GapWindow,
    ViewTotals,
    cell_recurrence,
    channel_totals,
    daily_rows,
    gap_windows,
    view_totals,
    worst_windows,
    write_daily_csv,
    write_windows_csv,
)

if TYPE_CHECKING:
    from coverage.solve.gaps_why import GapExplanation

REQUIREMENT_PLOT = "requirement.png"
FOLLOW_THE_SUN_PLOT = "follow-the-sun.png"
GANTT_PLOT = "roster-gantt.png"
CALENDAR_DIR = "calendars"


@dataclass(frozen=True)
class RunInfo:
    """How the roster came to be: the solver's figures, or 'GIVEN' for a roster read from a file."""

    status: str
    objective: float | None = None
    best_bound: float | None = None
    wall_seconds: float | None = None
    explanations: tuple[GapExplanation | str, ...] = ()  # why the largest gaps stay open (summary.json `gap_explanations`)


@dataclass(frozen=True)
class Report:
    summary: Summary
    text: str  # the plain-text summary (what a log or a pipe gets)
    files: list[Path]
    channels: list[ChannelTotals] = field(default_factory=list)
    totals: list[ViewTotals] = field(default_factory=list)
    windows: list[GapWindow] = field(default_factory=list)
    explanations: tuple[GapExplanation | str, ...] = ()
    first_view: str = ""  # the customers' zone: every time printed is on its clock


@dataclass(frozen=True)
class Analysis:
    """Every number the report shows, computed once from the roster and the requirements."""

    coverage: Coverage
    rows: list[GapRow]
    summary: Summary
    channels: list[ChannelTotals]
    totals: list[ViewTotals]
    windows: list[GapWindow]
    explanations: tuple[GapExplanation | str, ...] = ()
    recurrence: dict[str, list[list[CellRecurrence]]] = field(default_factory=dict)  # view -> weekday × hour


def analyse(config: Config, requirements: Requirements, roster: Roster, run: RunInfo) -> Analysis:
    coverage = coverage_of(roster, requirements, config)
    digest = summary(
        coverage,
        config,
        status=run.status,
        objective=run.objective,
        best_bound=run.best_bound,
        wall_seconds=run.wall_seconds,
        roster=roster,
        explanations=run.explanations,
    )
    return Analysis(
        coverage=coverage,
        rows=gap_rows(coverage, config),
        summary=digest,
        channels=channel_totals(coverage),
        totals=view_totals(coverage, config),
        windows=gap_windows(coverage, config, roster=roster),
        explanations=tuple(run.explanations),
        recurrence={zone: cell_recurrence(coverage, config, zone) for zone in config.view_zones},
    )


def write_plots(out: Path, config: Config, roster: Roster, analysis: Analysis) -> list[Path]:
    """All four pictures (PNG paths; each has an SVG beside it): heatmaps per view, requirement, follow the sun, Gantt."""
    paths = write_heatmaps(analysis.rows, config, out, recurrence=analysis.recurrence)
    paths.append(save_figure(plot_requirement(analysis.coverage, config), out / REQUIREMENT_PLOT))
    paths.append(save_figure(plot_follow_the_sun(roster, analysis.coverage, config), out / FOLLOW_THE_SUN_PLOT))
    paths.append(save_figure(plot_roster_gantt(roster, config), out / GANTT_PLOT))
    return paths


def write_report(
    out: Path,
    config: Config,
    requirements: Requirements,
    roster: Roster,
    run: RunInfo,
    *,
    stamp: datetime | None = None,
    xlsx: bool = True,
    extra_sections: Sequence[tuple[str, str, str]] = (),
) -> Report:
    """Tables, summary, plots, roster.xlsx, calendars and report.html in `out`.

    `xlsx=False` leaves roster.xlsx out: `covplan gaps CONFIG out/roster.xlsx
    --out out` must not replace the manager's own workbook with ours.
    `stamp` is the calendars' DTSTAMP (default: now).
    """
    from coverage.htmlreport import write_html

    out = Path(out)
    analysis = analyse(config, requirements, roster, run)
    files = [
        write_coverage_csv(analysis.coverage, out / COVERAGE_FILE),
        write_gaps_csv(analysis.rows, out / GAPS_FILE),
        write_windows_csv(analysis.windows, out / WINDOWS_FILE),
        write_daily_csv(daily_rows(analysis.coverage, config), out / DAILY_FILE),
    ]
    plots = write_plots(out, config, roster, analysis)
    files.extend(path for plot in plots for path in (plot, plot.with_suffix(".svg")))
    if xlsx:
        files.append(write_roster_xlsx(roster, analysis.coverage, config, out / XLSX_FILE))
    files.extend(write_calendars(roster, config, out / CALENDAR_DIR, stamp=stamp))
    if analysis.summary.workload is not None:
        files.append(write_workload_csv(workload_rows(roster, config), out / WORKLOAD_FILE))
    files.append(write_summary(analysis.summary, out / SUMMARY_FILE))
    files.append(write_html(out / HTML_FILE, config, roster, analysis, plots, extra_sections))
    return Report(
        summary=analysis.summary,
        text=plain_summary(analysis),
        files=files,
        channels=analysis.channels,
        totals=analysis.totals,
        windows=analysis.windows,
        explanations=analysis.explanations,
        first_view=config.view_zones[0],
    )


# --------------------------------------------------------------------------- terminal


def plain_summary(analysis: Analysis, count: int = 5) -> str:
    """The plain-text block (for logs and pipes): gaps.py's summary, the first view's worst windows, and why they stay open."""
    lines = [terminal_summary(analysis.summary, analysis.rows)]
    first = analysis.summary.first_view
    worst = worst_windows(analysis.windows, view=first, count=count)
    if worst:
        lines.append(f"worst uncovered windows in {first}:")
        lines.extend(f"  {w.describe()}  ({w.total_hours:g} h)" for w in worst)
    lines.extend(why_lines(analysis.explanations, first))
    return "\n".join(lines)


def why_lines(explanations: Sequence[GapExplanation | str], zone: str | None) -> list[str]:
    """ "why the largest gaps stay open (America/New_York):" and one line each."""
    if not explanations:
        return []
    return [f"why the largest gaps stay open, and what would close them ({zone}):", *(f"  - {line}" for line in explanations)]


def _rich_tables(report: Report) -> list:
    from rich.table import Table

    digest = report.summary
    zone = report.first_view or digest.first_view or ""
    views = Table(
        title="Uncovered clock hours, each view on its own clock (an hour counts once however many channels are short)",
        title_justify="left",
    )
    for name in ("view", "uncovered h", "a week", "weekend h", "of", "a week ", "overnight h", "of ", "a week  "):
        views.add_column(name, justify="left" if name == "view" else "right")
    for view, f in list(digest.views.items())[:30]:
        week = f.per_week
        views.add_row(
            view,
            _red(f.uncovered_hours),
            f"{week.uncovered_hours:,.1f}",
            _red(f.weekend_uncovered_hours),
            f"{f.weekend_hours:,.0f}",
            f"{week.weekend_uncovered_hours:,.1f}",
            _red(f.overnight_uncovered_hours),
            f"{f.overnight_hours:,.0f}",
            f"{week.overnight_uncovered_hours:,.1f}",
        )
    channels = Table(title=f"Coverage by channel (weekend and overnight on the {zone} clock)", title_justify="left")
    for name in (
        "channel",
        "required agent-h",
        "scheduled agent-h",
        "met",
        "uncovered h",
        "weekend h",
        "overnight h",
        "short agent-h",
    ):
        channels.add_column(name, justify="left" if name == "channel" else "right")
    clock = digest.views.get(zone)
    per_view = clock.channels if clock is not None else {}
    for c in report.channels:
        mine = per_view.get(c.channel)
        channels.add_row(
            _escaped(c.channel),
            f"{c.required_agent_hours:,.1f}",
            f"{c.scheduled_agent_hours:,.1f}",
            f"{c.coverage_ratio:.1%}",
            _red(c.uncovered_hours),
            _red(mine.weekend_uncovered_hours if mine else 0.0),
            _red(mine.overnight_uncovered_hours if mine else 0.0),
            f"{c.understaffed_agent_hours:,.1f}",
        )
    worst = Table(title=f"Worst uncovered windows — {zone}", title_justify="left")
    worst.add_column("window")
    worst.add_column("channels")
    worst.add_column("how often")
    for name in ("hours", "weekend h", "overnight h"):
        worst.add_column(name, justify="right")
    for w in worst_windows(report.windows, view=zone, count=8):
        worst.add_row(
            _escaped(f"{w.when} {w.view}"),
            _escaped(w.channel_words),
            _escaped(w.how_often),
            f"{w.total_hours:g}",
            f"{w.weekend_hours:g}",
            f"{w.overnight_hours:g}",
        )
    head = f"[bold]status[/] {digest.status}"
    for value, label in ((digest.objective, "objective"), (digest.best_bound, "best bound"), (digest.wall_seconds, "time s")):
        if value is not None:
            head += f"   [bold]{label}[/] {value:g}"
    head += f"   [bold]coverage ratio[/] {digest.coverage_ratio:.2%}"
    tables: list = [head, views, channels, *(_escaped(line) for line in backlog_lines(digest))]
    tables.append(worst if worst.row_count else "[green]no uncovered hours[/]")
    tables.extend(_escaped(line) for line in why_lines(report.explanations, zone))
    return tables


def _escaped(text: str) -> str:
    """Text for rich as typed: '[' would start markup."""
    from rich.markup import escape

    return escape(text)


def _red(hours: float) -> str:
    return f"[bold red]{hours:,.1f}[/]" if hours > 0 else f"{hours:,.1f}"


def print_summary(report: Report, file: TextIO | None = None, *, rich: bool | None = None) -> None:
    """Rich tables on a terminal, plain lines otherwise (`rich` forces either way)."""
    from rich.console import Console

    stream = file if file is not None else sys.stdout
    console = Console(file=stream, force_terminal=rich, width=None if rich is None else 140)
    if rich is False or (rich is None and not console.is_terminal):
        print(report.text, file=stream)
        return
    for item in _rich_tables(report):
        console.print(item)
