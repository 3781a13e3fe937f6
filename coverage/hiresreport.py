"""Hiring, written and said: hires.csv, hires.png, attrition.csv, the roadmap as a table, and the final team's report.

coverage.hires finds the hires and returns data (`HiringPlan`, `HireStep`,
`Loss`); this module is its report side, as coverage.report is the plan's:
`covplan hires` calls both, and nothing here searches. The final team's
folder is a full plan report (coverage.report.write_report) with the roadmap
as an extra section of report.html.
"""

from __future__ import annotations

from pathlib import Path

from coverage.demand import Requirements
from coverage.figures import save_figure
from coverage.hires import HireStep, HiringPlan, Loss, out_of_reach_lines
from coverage.htmlreport import table_section
from coverage.outputs import HIRES_FILE, write_csv_atomic
from coverage.plots import plot_hiring_roadmap
from coverage.plots.hires import is_a_set
from coverage.report import RunInfo, write_report

ROADMAP_COLUMNS = (
    "step",
    "hire",
    "profile",
    "site",
    "shifts",
    "cost",
    "total_cost",
    "uncovered_hours",
    "weekend_uncovered_hours",
    "overnight_uncovered_hours",
    "closed_hours",
    "status",
    "seconds",
    "target_hours_left",
)
ATTRITION_COLUMNS = ("lost", "agents", "uncovered_hours", "opened_hours", "weekend_uncovered_hours", "overnight_uncovered_hours")


def write_hiring_plan(plan: HiringPlan, requirements: Requirements, out: Path) -> Path:
    """hires.csv, hires.png and the final team's report with the roadmap in report.html (its roster.csv is published first)."""
    write_roadmap_csv(plan.steps, out / HIRES_FILE)
    picture = save_figure(plot_hiring_roadmap(plan.steps, view=columns_zone(plan)), out / "hires.png")
    section = table_section(
        "hires",
        "Hiring roadmap",
        ["step", "hire", "site", "shifts", "closes h", "left h", "weekend h", "overnight h", "to target h", "total cost"],
        [
            (
                s.step,
                s.hire or "today's team",
                s.site or "",
                s.shifts,
                "—" if s.closed_hours is None else s.closed_hours,
                s.uncovered_hours,
                s.weekend_uncovered_hours,
                s.overnight_uncovered_hours,
                s.target_hours_left,
                s.total_cost,
            )
            for s in plan.steps
        ],
        intro=" ".join(
            [
                _roadmap_intro(plan.steps),
                *(" ".join(out_of_reach_lines(left, plan.reach, plan.config, requirements)) for left in plan.open),
            ]
        ),
        plot=picture,
    )
    write_report(out, plan.config, requirements, plan.roster, RunInfo("HIRES"), extra_sections=[section])
    return out


def columns_zone(plan: HiringPlan) -> str:
    """The clock of the uncovered, weekend and overnight columns: the `--within` zone, else the first view."""
    return plan.reach.target.zone or plan.config.view_zones[0]


def write_roadmap_csv(steps: list[HireStep], path: Path) -> Path:
    rows = [
        (
            s.step,
            s.hire or "",
            s.profile or "",
            s.site or "",
            s.shifts,
            f"{s.cost:g}",
            f"{s.total_cost:g}",
            f"{s.uncovered_hours:g}",
            f"{s.weekend_uncovered_hours:g}",
            f"{s.overnight_uncovered_hours:g}",
            "" if s.closed_hours is None else f"{s.closed_hours:g}",
            s.status,
            f"{s.seconds:g}",
            f"{s.target_hours_left:g}",
        )
        for s in steps
    ]
    return write_csv_atomic(path, ROADMAP_COLUMNS, rows)


def roadmap_text(steps: list[HireStep]) -> str:
    """The roadmap as a table; a `target` column when the target is not simply every uncovered hour."""
    targeted = any(s.target_hours_left != s.uncovered_hours for s in steps)
    lines = [
        f"{'step':>4}  {'hire':<22} {'site':<12} {'closes':>8} {'left':>8} {'weekend':>8} {'night':>8}"
        + (f" {'target':>8}" if targeted else "")
        + f" {'cost':>10}"
    ]
    for s in steps:
        lines.append(
            f"{s.step:>4}  {(s.hire or 'today’s team'):<22} {(s.site or ''):<12} {_closes(s):>8} "
            f"{s.uncovered_hours:>8g} {s.weekend_uncovered_hours:>8g} {s.overnight_uncovered_hours:>8g}"
            + (f" {s.target_hours_left:>8g}" if targeted else "")
            + f" {s.total_cost:>10,.0f}"
        )
    return "\n".join(lines)


def _closes(step: HireStep) -> str:
    return "—" if step.closed_hours is None else f"{step.closed_hours:g}"


def _roadmap_intro(steps: list[HireStep]) -> str:
    """A roadmap's steps each close hours of their own; the cheapest set's rows all show the final team."""
    if is_a_set(steps):
        return "The cheapest set of hires reaching the target; each row shows the final team, so no hire's own share is given."
    return "Each step adds the one hire that closes most, given the hires before it; the rest of this report is the final team's."


def write_attrition_csv(losses: list[Loss], path: Path) -> Path:
    rows = [
        (
            x.lost,
            x.agents,
            f"{x.uncovered_hours:g}",
            f"{x.opened_hours:g}",
            f"{x.weekend_uncovered_hours:g}",
            f"{x.overnight_uncovered_hours:g}",
        )
        for x in losses
    ]
    return write_csv_atomic(path, ATTRITION_COLUMNS, rows)
