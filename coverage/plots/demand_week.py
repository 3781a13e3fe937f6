"""Requirement by hour of the week, one panel per channel (`covplan demand`).

A manager staffs a week, not a year of intervals: this folds the period onto
the 168 hours of a week in the plan's time zone and shows, per channel, the
mean and the peak agents required in each hour — the shape the shift
templates have to follow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.figure import Figure

from coverage.config.schema import WEEKDAYS
from coverage.plots._common import REQUIRED_COLOUR, WEEKEND_SHADE, figure_for, hour_of_week_axis, palette
from coverage.time import to_local

if TYPE_CHECKING:
    from coverage.config.schema import Config
    from coverage.demand import Requirements

HOURS = 7 * 24


def requirement_by_hour_of_week(req: Requirements, timezone: str) -> dict[str, tuple[list[float], list[float]]]:
    """Per channel: (mean, peak) agents required in each local hour of the week (Mon 00 = 0 … Sun 23 = 167).

    An interval belongs to the local hour its start falls in; hours the
    period never reaches have mean 0 and peak 0. A backlog channel needs
    nobody at a given hour (only answers by its deadline): its series is the
    work arriving, in agent-hours per hour, which the shifts must clear in time.
    """
    slots = [local.weekday() * 24 + local.hour for local in (to_local(start, timezone) for start in req.grid.starts)]
    found: dict[str, tuple[list[float], list[float]]] = {}
    seconds = req.grid.minutes * 60
    for channel, needed in req.required.items():
        backlog = req.backlog.get(channel)
        values = [v * backlog.aht_seconds / seconds for v in backlog.arrivals] if backlog is not None else needed
        total, count = [0.0] * HOURS, [0] * HOURS
        peak: list[float] = [0] * HOURS
        for slot, value in zip(slots, values):
            total[slot] += value
            count[slot] += 1
            peak[slot] = max(peak[slot], value)
        found[channel] = ([t / c if c else 0.0 for t, c in zip(total, count)], peak)
    return found


def plot_requirement_by_hour_of_week(req: Requirements, config: Config, *, fig: Figure | None = None) -> Figure:
    """Mean and peak agents required per hour of the week, one panel per channel, on `fig` (empty) or a new figure."""
    zone = config.plan.timezone
    series = requirement_by_hour_of_week(req, zone)
    colours = palette(list(series))
    weekend = {WEEKDAYS.index(day) for day in config.weekend}
    fig = figure_for(fig, (13, 2.6 * len(series) + 0.8))
    axes = fig.subplots(len(series), 1, sharex=True, squeeze=False)
    for ax, (channel, (mean, peak)) in zip(axes[:, 0], series.items()):
        hours = range(HOURS)
        for day in weekend:
            ax.axvspan(day * 24 - 0.5, day * 24 + 23.5, color=WEEKEND_SHADE, alpha=0.25, linewidth=0, zorder=0)
        ax.step(hours, peak, where="mid", color=REQUIRED_COLOUR, linewidth=1, linestyle="--", label="peak over the period")
        ax.fill_between(hours, mean, step="mid", color=colours[channel], alpha=0.35, linewidth=0)
        ax.step(hours, mean, where="mid", color=colours[channel], linewidth=2, label="mean")
        ax.set_ylabel(f"{channel}\nwork arriving\n(agent-hours/h)" if channel in req.backlog else f"{channel}\nagents required")
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(loc="upper right", fontsize=8, frameon=False)
    hour_of_week_axis(axes[-1, 0], HOURS, f"hour of the week in {zone} (weekend shaded; shrinkage included)")
    axes[0, 0].set_title(f"Agents required by hour of the week, {config.plan.start} + {config.plan.days} days", fontsize=11)
    return fig
