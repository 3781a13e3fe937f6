"""What every picture shares: one colour-blind-safe palette, new axes or figures, time axes.

Kept in one place so the four plots look like one family and no helper is
copied between them with small variations.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from coverage.config.schema import WEEKDAYS, Config
from coverage.time import Grid, midnight_utc

# Okabe & Ito (2008): eight colours told apart under every common colour-vision deficiency.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
REQUIRED_COLOUR = "#000000"
SCHEDULED_COLOUR = "#0072B2"
GAP_COLOUR = "#D55E00"
WEEKEND_SHADE = "#BBBBBB"


def literal(text: str) -> str:
    """`text` drawn as typed: matplotlib reads a pair of '$' as mathtext, and a bad one ("$\\foo$") stops the plot."""
    return text.replace("$", r"\$")


def palette(names: list[str]) -> dict[str, str]:
    """A stable colour per name, in order of first appearance (cycling after eight)."""
    colours = [c for c in OKABE_ITO if c != "#000000"]
    return {name: colours[k % len(colours)] for k, name in enumerate(dict.fromkeys(names))}


def axes_for(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """`ax` as given, or the axes of a new figure of `figsize` (shown inline in a notebook, saved by the caller)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.figure(figsize=figsize, layout="constrained").subplots()


def figure_for(fig: Figure | None, figsize: tuple[float, float]) -> Figure:
    """`fig` as given (empty: the picture adds its panels), or a new figure of `figsize`."""
    if fig is not None:
        return fig
    import matplotlib.pyplot as plt

    return plt.figure(figsize=figsize, layout="constrained")


def plain(instant: datetime) -> datetime:
    """A stdlib datetime for matplotlib (pendulum's subclass confuses some converters)."""
    return datetime.fromtimestamp(instant.timestamp(), tz=ZoneInfo("UTC"))


def weekend_spans(grid: Grid, config: Config) -> list[tuple[datetime, datetime]]:
    """Weekend days of the plan's calendar as UTC spans, clipped to the period (for background shading)."""
    weekend = set(config.weekend)
    spans: list[tuple[datetime, datetime]] = []
    day = config.plan.start
    while day < config.plan.end:
        if WEEKDAYS[day.weekday()] in weekend:
            start = midnight_utc(day, config.plan.timezone)
            end = midnight_utc(day + timedelta(days=1), config.plan.timezone)
            if spans and spans[-1][1] == plain(start):
                spans[-1] = (spans[-1][0], plain(end))
            else:
                spans.append((plain(start), plain(end)))
        day += timedelta(days=1)
    return spans


def period_axis(ax: Axes, grid: Grid, config: Config) -> None:
    """Dates on the x axis in the plan's own calendar zone: a label every Monday (or every day for short periods)."""
    zone = ZoneInfo(config.plan.timezone)
    days = grid.count * grid.minutes / 1440
    if days <= 10:
        ax.xaxis.set_major_locator(mdates.DayLocator(tz=zone))
    else:
        ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO, tz=zone))
        ax.xaxis.set_minor_locator(mdates.DayLocator(tz=zone))
        ax.tick_params(axis="x", which="minor", color="#AAAAAA", length=3)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%a %d %b", tz=zone))
    ax.set_xlim(mdates.date2num(plain(grid.start)), mdates.date2num(plain(grid.end)))  # the numbers matplotlib's date axis holds


def shade_weekends(ax: Axes, grid: Grid, config: Config) -> bool:
    """Grey background on the plan calendar's weekend days; True when there was one to shade."""
    spans = weekend_spans(grid, config)
    for start, end in spans:
        ax.axvspan(mdates.date2num(start), mdates.date2num(end), color=WEEKEND_SHADE, alpha=0.25, linewidth=0, zorder=0)
    return bool(spans)


def hour_of_week_axis(ax: Axes, hours: int, label: str) -> None:
    """Monday-to-Sunday x axis of a 168-hour profile: day names centred, ticks at midnights."""
    ax.set_xticks([d * 24 + 12 for d in range(7)], list(WEEKDAYS))
    ax.set_xticks([d * 24 - 0.5 for d in range(8)], minor=True)
    ax.tick_params(axis="x", which="minor", length=8)
    ax.set_xlim(-0.5, hours - 0.5)
    ax.set_xlabel(label)
