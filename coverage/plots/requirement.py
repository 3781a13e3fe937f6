"""Picture 2: agents required against agents scheduled over the whole period, one panel per channel.

The gap between the two lines is shaded; intervals where nobody at all is on
duty are marked on a strip under the axis, because "short by one" and "nobody
answers" are different problems for a manager.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from coverage.config.schema import Config
from coverage.gaps import Coverage
from coverage.plots._common import (
    GAP_COLOUR,
    REQUIRED_COLOUR,
    SCHEDULED_COLOUR,
    WEEKEND_SHADE,
    figure_for,
    period_axis,
    plain,
    shade_weekends,
)

UNCOVERED_COLOUR = "#000000"


@dataclass(frozen=True)
class RequirementSeries:
    """The numbers picture 2 draws for one channel: coverage.csv's `required` and `scheduled` columns."""

    channel: str
    starts: list[datetime]  # UTC interval starts
    required: list[int]
    scheduled: list[float]

    @property
    def uncovered(self) -> list[bool]:
        return [r > 0 and s == 0 for r, s in zip(self.required, self.scheduled)]


def requirement_series(coverage: Coverage, channel: str) -> RequirementSeries:
    """Required and scheduled agents per interval for one channel, as drawn."""
    return RequirementSeries(
        channel=channel,
        starts=[plain(start) for start in coverage.grid.starts],
        required=list(coverage.required_of(channel)),
        scheduled=list(coverage.scheduled_of(channel)),
    )


def _panel(ax, series: RequirementSeries, coverage: Coverage, config: Config) -> None:
    """One channel: step lines, the shaded gap, the uncovered strip, weekend background."""
    hours = coverage.grid.hours_per_interval
    x = series.starts + [plain(coverage.grid.end)]
    required = series.required + series.required[-1:]
    scheduled = series.scheduled + series.scheduled[-1:]
    top = max(max(required, default=0), max(scheduled, default=0), 1)
    pad = top * 0.07
    shade_weekends(ax, coverage.grid, config)
    ax.fill_between(x, 0, scheduled, step="post", color=SCHEDULED_COLOUR, alpha=0.18, linewidth=0)
    ax.fill_between(
        x, scheduled, [max(r, s) for r, s in zip(required, scheduled)], step="post", color=GAP_COLOUR, alpha=0.55, linewidth=0
    )
    uncovered = series.uncovered + series.uncovered[-1:]
    ax.fill_between(
        x, -pad, [-pad + (pad * 0.8 if u else 0) for u in uncovered], step="post", color=UNCOVERED_COLOUR, linewidth=0
    )
    ax.step(x, scheduled, where="post", color=SCHEDULED_COLOUR, linewidth=1.0)
    ax.step(x, required, where="post", color=REQUIRED_COLOUR, linewidth=0.9)
    ax.axhline(0, color="#666666", linewidth=0.5)
    ax.set_ylim(-pad, top * 1.12)
    ax.set_ylabel(f"{series.channel}\nagents")
    need = sum(series.required) * hours
    met = sum(min(r, s) for r, s in zip(series.required, series.scheduled)) * hours
    short = sum(max(r - s, 0) for r, s in zip(series.required, series.scheduled)) * hours
    nobody = sum(series.uncovered) * hours
    share = f"{met / need:.1%} of required agent-hours met" if need else "nothing required"
    ax.set_title(
        f"{series.channel}: {share}; {short:,.1f} agent-hours short, {nobody:,.1f} h with nobody on duty",
        fontsize=10,
        loc="left",
    )


def plot_requirement(coverage: Coverage, config: Config, *, fig: Figure | None = None) -> Figure:
    """Required vs scheduled agents across the period, one panel per channel, gaps shaded.

    The x axis is the plan's calendar (`plan.timezone`), weekend days shaded
    grey. Draws on `fig` (empty) or a new figure, and returns it.
    """
    channels = coverage.channels
    fig = figure_for(fig, (14, 2.6 * len(channels) + 1.2))
    axes = fig.subplots(len(channels), 1, sharex=True, squeeze=False)
    for ax, channel in zip(axes[:, 0], channels):
        _panel(ax, requirement_series(coverage, channel), coverage, config)
        period_axis(ax, coverage.grid, config)
        ax.grid(axis="y", color="#DDDDDD", linewidth=0.5)
    axes[-1, 0].set_xlabel(f"date in {config.plan.timezone} (weekend days shaded)")
    handles = [
        Line2D([], [], color=REQUIRED_COLOUR, linewidth=1.2, label="required"),
        Patch(facecolor=SCHEDULED_COLOUR, alpha=0.35, edgecolor=SCHEDULED_COLOUR, label="scheduled"),
        Patch(facecolor=GAP_COLOUR, alpha=0.55, label="short (required − scheduled)"),
        Patch(facecolor=UNCOVERED_COLOUR, label="nobody on duty (strip under the axis)"),
        Patch(facecolor=WEEKEND_SHADE, alpha=0.4, label="weekend"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False, fontsize=9)
    fig.suptitle("Agents required vs scheduled, per interval, over the rota period", fontsize=12)
    return fig
