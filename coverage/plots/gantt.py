"""Picture 4: the roster as a Gantt chart — one row per agent, one bar per shift.

Bars are coloured by shift template (or by channel), leave and public
holidays are hatched grey, weekend days shaded: the rota as a manager would
pin it on a wall, on the plan's own calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from coverage.config.schema import Config
from coverage.plots._common import WEEKEND_SHADE, axes_for, literal, palette, period_axis, plain, shade_weekends
from coverage.roster import Roster
from coverage.time import midnight_utc, period_grid

MAX_ROWS = 200  # beyond this a Gantt is wallpaper; the xlsx grid holds everyone
AWAY_COLOUR = "#999999"


@dataclass(frozen=True)
class GanttBar:
    """One worked shift as drawn: a row (agent), a span (UTC) and the colour keys."""

    agent: str
    site: str
    shift: str
    channel: str
    start: datetime
    end: datetime


def agent_order(roster: Roster, config: Config) -> list[str]:
    """Rows top to bottom: agents grouped by site in config order; agents only in the roster last."""
    order = [agent.id for site in config.sites for agent in config.agents if agent.site == site]
    order += sorted({a.agent for a in roster.assignments} - set(order))
    return order


def gantt_bars(roster: Roster, config: Config) -> list[GanttBar]:
    """Every worked shift, in row order then time: the numbers picture 4 draws."""
    rank = {agent: k for k, agent in enumerate(agent_order(roster, config))}
    bars = [GanttBar(a.agent, a.site, a.shift, a.channel, plain(a.start_utc), plain(a.end_utc)) for a in roster.assignments]
    return sorted(bars, key=lambda bar: (rank[bar.agent], bar.start))


def _away_days(agent_id: str, config: Config) -> list[date]:
    """Days of leave, and public holidays the agent may not work, inside the period (site-local dates)."""
    try:
        agent = config.agent(agent_id)
    except KeyError:
        return []
    days = set(agent.leave_days())
    if not agent.works_holidays:
        days |= config.holidays_at(agent.site)
    return sorted(day for day in days if config.plan.start <= day < config.plan.end)


def _label(agent_id: str, config: Config) -> str:
    try:
        agent = config.agent(agent_id)
    except KeyError:
        return agent_id
    return literal(f"{agent.name or agent.id} · {agent.site}")  # a name is the user's text, not mathtext


def _span(start: datetime, end: datetime) -> tuple[float, float]:
    """(left, width) in matplotlib date numbers."""
    left = mdates.date2num(start)
    return left, mdates.date2num(end) - left


def _draw_away(ax, shown: list[str], config: Config) -> None:
    """Hatch each agent's leave days and the public holidays they do not work, in their site's calendar."""
    known = {agent.id for agent in config.agents}
    for k, agent_id in enumerate(shown):
        if agent_id not in known:
            continue
        zone = config.sites[config.agent(agent_id).site].timezone
        spans = [
            _span(plain(midnight_utc(day, zone)), plain(midnight_utc(day + timedelta(days=1), zone)))
            for day in _away_days(agent_id, config)
        ]
        if spans:
            ax.broken_barh(spans, (k - 0.35, 0.7), facecolors="none", edgecolors=AWAY_COLOUR, hatch="////", linewidth=0, zorder=1)


def plot_roster_gantt(
    roster: Roster, config: Config, *, colour_by: Literal["shift", "channel"] = "shift", ax: Axes | None = None
) -> Axes:
    """One row per agent, one bar per shift, coloured by `colour_by`; leave and holidays hatched. On `ax` or new axes.

    Shows at most MAX_ROWS agents (the title says how many were left out).
    """
    grid = period_grid(config.plan)
    order = agent_order(roster, config)
    shown = order[:MAX_ROWS]
    row = {agent: k for k, agent in enumerate(shown)}
    bars = [bar for bar in gantt_bars(roster, config) if bar.agent in row]
    keys = [getattr(bar, colour_by) for bar in bars]
    # Colours follow the config's order, so 'early' has the same colour in every run and in roster.xlsx.
    names = [n for site in config.sites.values() for n in site.shifts] if colour_by == "shift" else list(config.channels)
    colours = palette(names + keys)
    ax = axes_for(ax, (15, 0.28 * len(shown) + 2.4))
    ax.xaxis_date()
    shade_weekends(ax, grid, config)
    _draw_away(ax, shown, config)
    # One collection per row: a roster has thousands of shifts, and single patches draw slowly.
    by_row: dict[int, list[tuple[GanttBar, str]]] = {}
    for bar, key in zip(bars, keys):
        by_row.setdefault(row[bar.agent], []).append((bar, key))
    for k, mine in by_row.items():
        ax.broken_barh(
            [_span(bar.start, bar.end) for bar, _ in mine],
            (k - 0.35, 0.7),
            facecolors=[colours[key] for _, key in mine],
            linewidth=0,
            zorder=2,
        )
    ax.set_yticks(range(len(shown)), [_label(agent, config) for agent in shown], fontsize=8)
    ax.set_ylim(len(shown) - 0.4, -0.6)
    period_axis(ax, grid, config)
    ax.grid(axis="x", which="major", color="#CCCCCC", linewidth=0.6)
    ax.set_xlabel(f"date in {config.plan.timezone} (weekend days shaded)")
    used = set(keys)
    handles = [Patch(facecolor=colour, label=f"{colour_by} {key}") for key, colour in colours.items() if key in used]
    handles += [
        Patch(facecolor="none", edgecolor=AWAY_COLOUR, hatch="////", label="leave / public holiday"),
        Patch(facecolor=WEEKEND_SHADE, alpha=0.4, label="weekend"),
    ]
    ax.legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=min(len(handles), 8), frameon=False, fontsize=9
    )
    hidden = len(order) - len(shown)
    more = f" (first {len(shown)} of {len(order)} agents)" if hidden else ""
    ax.set_title(f"Roster: one row per agent, one bar per shift, coloured by {colour_by}{more}", fontsize=12)
    return ax
