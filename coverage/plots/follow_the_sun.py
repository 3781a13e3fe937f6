"""Picture 3: follow the sun — 24 hours of UTC across, one band per site, each with its own local clock.

The question it answers is "who holds the fort at each hour of the day, and
where is the hand-over?": every band shows how many of a site's agents are on
duty (averaged over the period's days) in each UTC hour, its tick labels give
that hour on the site's wall clock, and the site's overnight hours are hatched.
The last band stacks every site against the total requirement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pendulum
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from coverage.config.schema import Config
from coverage.gaps import Coverage, in_window
from coverage.plots._common import REQUIRED_COLOUR, figure_for, palette
from coverage.roster import Roster
from coverage.time import duty_slots, to_local


@dataclass(frozen=True)
class FollowTheSun:
    """The numbers picture 3 draws: average agents per UTC hour of day (index 0..23)."""

    sites: dict[str, list[float]]  # site -> agents on duty, all channels
    required: list[float]  # agents required, all channels summed
    scheduled: list[float]  # agents on duty, all sites (coverage.csv's `scheduled` summed over channels)


def _hour_counts(coverage: Coverage) -> list[int]:
    """How many grid intervals start in each UTC hour of the day: the divisor of every average."""
    counts = [0] * 24
    for start in coverage.grid.starts:
        counts[start.hour] += 1
    return counts


def follow_the_sun_profile(roster: Roster, coverage: Coverage, config: Config) -> FollowTheSun:
    """Average agents on duty per site and UTC hour of day; a sub-hour grid averages its intervals.

    Counts agents exactly as coverage.csv does (whole intervals, breaks out),
    so the site bands add up to coverage.csv's `scheduled` summed over channels.
    """
    grid = coverage.grid
    counts = _hour_counts(coverage)
    hours = [start.hour for start in grid.starts]
    sites: dict[str, list[float]] = {name: [0.0] * 24 for name in config.sites}
    for a in roster.assignments:
        band = sites.setdefault(a.site, [0.0] * 24)
        template = config.sites[a.site].shifts[a.shift]
        for slot in duty_slots(grid, a.start_utc, a.end_utc, template.unpaid_break_minutes, a.break_start_utc):
            band[hours[slot]] += 1
    required = [0.0] * 24
    scheduled = [0.0] * 24
    for channel in coverage.channels:
        for k, (need, have) in enumerate(zip(coverage.required_of(channel), coverage.scheduled_of(channel))):
            required[hours[k]] += need
            scheduled[hours[k]] += have

    def mean(values: list[float]) -> list[float]:
        return [value / count if count else 0.0 for value, count in zip(values, counts)]

    return FollowTheSun(
        sites={name: mean(band) for name, band in sites.items()}, required=mean(required), scheduled=mean(scheduled)
    )


def local_clock(zone: str, day: pendulum.DateTime, utc_hour: int) -> str:
    """Wall-clock time in `zone` at `utc_hour`:00 UTC on `day` ("19", or "05:30" off the hour)."""
    local = to_local(day.replace(hour=utc_hour, minute=0, second=0, microsecond=0), zone)
    return f"{local.hour:02d}" if local.minute == 0 else f"{local.hour:02d}:{local.minute:02d}"


def _offset(zone: str, instant: pendulum.DateTime) -> str:
    offset = to_local(instant, zone).utcoffset()
    assert offset is not None, "to_local gives an aware time"
    seconds = int(offset.total_seconds())
    sign = "+" if seconds >= 0 else "−"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def _clock_labels(zone: str, coverage: Coverage) -> tuple[list[str], str]:
    """Tick labels (local hour at each UTC hour) and the offset note; both clocks when DST changes mid-period."""
    first = coverage.grid.start
    last = coverage.grid.end.subtract(minutes=coverage.grid.minutes)
    labels = []
    for hour in range(24):
        before, after = local_clock(zone, first, hour), local_clock(zone, last, hour)
        labels.append(before if before == after else f"{before}\n{after}")
    start_offset, end_offset = _offset(zone, first), _offset(zone, last)
    note = start_offset if start_offset == end_offset else f"{start_offset}, then {end_offset}"
    return labels, note


def _overnight_hours(zone: str, coverage: Coverage, config: Config) -> list[int]:
    """UTC hours of the day whose local start (at the period start) lies in the overnight window."""
    found = []
    for hour in range(24):
        local = to_local(coverage.grid.start.replace(hour=hour, minute=0, second=0, microsecond=0), zone)
        if in_window(local.hour * 60 + local.minute, config.overnight.start, config.overnight.end):
            found.append(hour)
    return found


def plot_follow_the_sun(roster: Roster, coverage: Coverage, config: Config, *, fig: Figure | None = None) -> Figure:
    """One band per site (agents on duty by UTC hour, site-local clock under it) and a stacked total, on `fig` (empty) or a new one."""
    profile = follow_the_sun_profile(roster, coverage, config)
    names = list(profile.sites)
    colours = palette(names)
    top = max([max(band) for band in profile.sites.values()] + [0.5]) * 1.25
    fig = figure_for(fig, (14, 1.55 * len(names) + 3.4))
    axes = fig.subplots(len(names) + 1, 1, gridspec_kw={"height_ratios": [1] * len(names) + [1.8]}, squeeze=False)
    hours = list(range(24))
    for ax, name in zip(axes[:-1, 0], names):
        zone = config.sites[name].timezone
        band = profile.sites[name]
        for hour in _overnight_hours(zone, coverage, config):
            ax.axvspan(hour, hour + 1, facecolor="none", edgecolor="#999999", hatch="///", linewidth=0, zorder=0)
        ax.bar(hours, band, width=1.0, align="edge", color=colours[name], edgecolor="white", linewidth=0.6, zorder=2)
        for hour, value in zip(hours, band):
            if value > 0:
                ax.text(hour + 0.5, value + top * 0.03, f"{value:.1f}", ha="center", va="bottom", fontsize=7, zorder=3)
        labels, note = _clock_labels(zone, coverage)
        ax.set_xticks([h + 0.5 for h in hours], labels, fontsize=7.5)
        ax.tick_params(axis="x", length=0, pad=2)
        ax.set_xlim(0, 24)
        ax.set_ylim(0, top)
        ax.set_ylabel(f"{name}\n{note}", rotation=0, ha="right", va="center", fontsize=9)
        ax.set_yticks([])
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.text(24.1, top / 2, f"local time\n{zone}", fontsize=7, va="center", ha="left", color="#555555", clip_on=False)
    total = axes[-1, 0]
    bottom = [0.0] * 24
    for name in names:
        band = profile.sites[name]
        total.bar(hours, band, bottom=bottom, width=1.0, align="edge", color=colours[name], edgecolor="white", linewidth=0.6)
        bottom = [b + v for b, v in zip(bottom, band)]
    total.step([*hours, 24], [*profile.required, profile.required[-1]], where="post", color=REQUIRED_COLOUR, linewidth=1.6)
    total.set_xticks([h + 0.5 for h in hours], [f"{h:02d}" for h in hours])
    total.tick_params(axis="x", length=0)
    total.set_xlim(0, 24)
    total.set_ylim(0, max(bottom + profile.required + [1]) * 1.15)
    total.set_ylabel("all sites\nagents", rotation=0, ha="right", va="center", fontsize=9)
    total.set_xlabel("hour of the day in UTC (each band's labels: the same hour on that site's clock)")
    total.grid(axis="y", color="#DDDDDD", linewidth=0.5)
    for side in ("top", "right"):
        total.spines[side].set_visible(False)
    handles: list[Artist] = [Patch(facecolor=colours[name], label=name) for name in names]
    handles += [
        Line2D([], [], color=REQUIRED_COLOUR, linewidth=1.6, label="required, all channels"),
        Patch(facecolor="none", edgecolor="#999999", hatch="///", label="site's overnight hours"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False, fontsize=9)
    last_day = config.plan.start + timedelta(days=config.plan.days - 1)
    fig.suptitle(
        f"Follow the sun: average agents on duty by UTC hour, {config.plan.start:%d %b} – {last_day:%d %b %Y}",
        fontsize=12,
    )
    return fig
