"""Picture 1: the hour-of-week heatmap of gaps, one per view zone.

Reads gap rows (gaps.csv's numbers) and, when given, each cell's recurrence
(:func:`coverage.windows.cell_recurrence`), never the solver. A weekly hole
and a one-off must not look alike: a cell uncovered in several weeks gets a
filled dot whose area is the share of weeks, a cell uncovered in one week
only (a holiday, the period's first or last day, leave) a hollow ring. A PNG
path gets an SVG sibling (same name, .svg).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import matplotlib
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from coverage.config.schema import WEEKDAYS
from coverage.plots._common import axes_for

if TYPE_CHECKING:
    from coverage.gaps import GapRow
    from coverage.windows import CellRecurrence

COLORMAP = "cividis"  # sequential and colour-blind safe
WEEKEND_COLOUR = (0.84, 0.15, 0.16)
OVERNIGHT_COLOUR = "#1f77b4"
DOT_AREA = 70.0  # marker area (points²) of a cell uncovered in every week
SMALLEST_DOT = 10.0  # so one week in twenty still shows


def _matrix(rows: Iterable[GapRow], view: str, channel: str | None, field: str) -> list[list[float]]:
    matrix = [[0.0] * 24 for _ in WEEKDAYS]
    for row in rows:
        if row.view == view and (channel is None or row.channel == channel):
            matrix[WEEKDAYS.index(row.weekday)][row.hour] += getattr(row, field)
    return matrix


def heatmap_matrix(rows: Iterable[GapRow], view: str, channel: str | None = None) -> list[list[float]]:
    """The numbers the gap heatmap draws: understaffed agent-hours, 7 weekdays (Mon..Sun) × 24 local hours.

    Summed over channels unless `channel` names one.
    """
    return _matrix(rows, view, channel, "understaffed_agent_hours")


def uncovered_matrix(rows: Iterable[GapRow], view: str, channel: str | None = None) -> list[list[float]]:
    """Uncovered hours per weekday × local hour (the cells the heatmap marks with a dot)."""
    return _matrix(rows, view, channel, "uncovered_hours")


@dataclass(frozen=True)
class RecurrenceMarker:
    """The mark on one weekday-hour cell: its area is the share of weeks it was uncovered; a one-off is hollow."""

    hour: int
    weekday: int  # 0 = Mon
    area: float
    one_off: bool
    share: float


def recurrence_markers(cells: list[list[CellRecurrence]]) -> list[RecurrenceMarker]:
    """What the heatmap draws for recurrence: one marker per cell uncovered in at least one week."""
    return [
        RecurrenceMarker(hour, day, max(DOT_AREA * cell.share, SMALLEST_DOT), cell.one_off, cell.share)
        for day, line in enumerate(cells)
        for hour, cell in enumerate(line)
        if cell.weeks > 0
    ]


def _flags(rows: list[GapRow], view: str) -> tuple[set[int], set[int]]:
    """Weekend weekday indices and overnight hours, as the gap rows of `view` flag them."""
    weekend = {WEEKDAYS.index(r.weekday) for r in rows if r.view == view and r.weekend}
    overnight = {r.hour for r in rows if r.view == view and r.overnight}
    return weekend, overnight


def _runs(values: set[int]) -> list[tuple[int, int]]:
    """Consecutive runs [first, last] in a set of small integers."""
    runs: list[tuple[int, int]] = []
    for value in sorted(values):
        if runs and value == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], value)
        else:
            runs.append((value, value))
    return runs


def plot_gap_heatmap(
    rows: list[GapRow],
    view: str,
    *,
    channel: str | None = None,
    recurrence: list[list[CellRecurrence]] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Heatmap of understaffed agent-hours by local weekday × hour in one view zone.

    Weekend rows are hatched and labelled, overnight hours shaded on a band above
    the grid and outlined. With `recurrence` (the same view and channels), a
    filled dot sized by the share of weeks marks cells uncovered in several
    weeks and a hollow ring cells uncovered once; without it a plain dot
    marks cells where some interval had nobody on duty. On `ax` or new axes.
    """
    rows = list(rows)
    matrix = heatmap_matrix(rows, view, channel)
    uncovered = uncovered_matrix(rows, view, channel)
    weekend, overnight = _flags(rows, view)
    peak = max(max(line) for line in matrix)
    vmax = peak if peak > 0 else 1.0
    cmap = matplotlib.colormaps[COLORMAP]

    ax = axes_for(ax, (13, 5.2))
    image = ax.imshow(matrix, cmap=cmap, vmin=0, vmax=vmax, aspect="auto", interpolation="nearest")
    bar = ax.figure.colorbar(image, ax=ax, pad=0.01, fraction=0.04)
    bar.set_label("understaffed agent-hours")

    ax.set_xticks(range(24), [f"{h:02d}" for h in range(24)])
    ax.set_yticks(range(7), list(WEEKDAYS))
    ax.set_xlabel(f"local hour in {view} (an interval counts in the hour it starts)")
    ax.set_ylabel("local weekday")
    ax.tick_params(length=0)
    ax.vlines([x - 0.5 for x in range(1, 24)], -0.5, 6.5, colors="white", linewidth=0.6, zorder=2)
    ax.hlines([y - 0.5 for y in range(1, 7)], -0.5, 23.5, colors="white", linewidth=0.6, zorder=2)
    for side in ax.spines.values():
        side.set_visible(False)

    # Weekend: lightly hatched rows in a solid outline; their weekday labels in the same colour.
    for first, last in _runs(weekend):
        corner, height = (-0.5, first - 0.5), last - first + 1
        ax.add_patch(
            Rectangle(
                corner,
                24,
                height,
                fill=False,
                hatch="//",
                edgecolor=(*WEEKEND_COLOUR, 0.45),
                linewidth=0,
                hatch_linewidth=0.8,
                zorder=3,
            )
        )
        ax.add_patch(Rectangle(corner, 24, height, fill=False, edgecolor=WEEKEND_COLOUR, linewidth=2.2, zorder=3))
    for label in ax.get_yticklabels():
        if WEEKDAYS.index(label.get_text()) in weekend:
            label.set_color(WEEKEND_COLOUR)
            label.set_fontweight("bold")
    # Overnight: a shaded band above the grid and an outline around the columns.
    for first, last in _runs(overnight):
        ax.add_patch(
            Rectangle(
                (first - 0.5, -0.5),
                last - first + 1,
                7,
                fill=False,
                edgecolor=OVERNIGHT_COLOUR,
                linewidth=2.2,
                linestyle="--",
                zorder=4,
            )
        )
        ax.add_patch(
            Rectangle(
                (first - 0.5, -1.05),
                last - first + 1,
                0.45,
                facecolor=OVERNIGHT_COLOUR,
                alpha=0.85,
                edgecolor="none",
                clip_on=False,
                zorder=4,
            )
        )
        ax.text(
            (first + last) / 2,
            -0.83,
            "overnight",
            ha="center",
            va="center",
            color="white",
            fontsize=8,
            fontweight="bold",
            clip_on=False,
            zorder=5,
        )
    ax.set_ylim(6.5, -1.1)

    # Cells with time nobody covered, in a colour that reads on the cell.
    def ink(hour: int, day: int) -> str:
        shade = cmap(matrix[day][hour] / vmax)
        return "black" if 0.299 * shade[0] + 0.587 * shade[1] + 0.114 * shade[2] > 0.5 else "white"

    if recurrence is None:
        markers = [RecurrenceMarker(h, d, 20.0, False, 1.0) for d in range(7) for h in range(24) if uncovered[d][h] > 0]
    else:
        markers = recurrence_markers(recurrence)
    weekly = [m for m in markers if not m.one_off]
    once = [m for m in markers if m.one_off]
    if weekly:
        ax.scatter(
            [m.hour for m in weekly],
            [m.weekday for m in weekly],
            s=[m.area for m in weekly],
            c=[ink(m.hour, m.weekday) for m in weekly],
            marker="o",
            linewidths=0,
            zorder=6,
        )
    if once:
        ax.scatter(
            [m.hour for m in once],
            [m.weekday for m in once],
            s=[m.area for m in once],
            facecolors="none",
            edgecolors=[ink(m.hour, m.weekday) for m in once],
            marker="o",
            linewidths=1.3,
            zorder=6,
        )

    handles: list[Artist] = []
    if weekend:
        handles.append(Patch(facecolor="none", edgecolor=WEEKEND_COLOUR, hatch="//", linewidth=2, label="weekend"))
    if overnight:
        handles.append(Patch(facecolor="none", edgecolor=OVERNIGHT_COLOUR, linestyle="--", linewidth=2, label="overnight"))
    if recurrence is None:
        handles.append(
            Line2D([], [], marker="o", linestyle="none", color="grey", markersize=5, label="nobody on duty (uncovered)")
        )
    else:
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                color="grey",
                markersize=8,
                label="uncovered in several weeks (area = share of weeks)",
            )
        )
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markerfacecolor="none",
                markeredgecolor="grey",
                markersize=4,
                label="uncovered once (holiday, period's edge, leave)",
            )
        )
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncol=len(handles),
        frameon=False,
        fontsize=9,
    )
    scope = channel if channel is not None else "all channels"
    total = sum(sum(line) for line in matrix)
    ax.set_title(
        f"Understaffed agent-hours by local weekday and hour — {view} — {scope}\n"
        f"total {total:.1f} agent-hours over the rota period",
        fontsize=11,
        pad=12,
    )
    return ax
