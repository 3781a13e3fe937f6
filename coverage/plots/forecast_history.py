"""History against forecast, by hour of the week, one panel per channel (`covplan forecast`).

Each past week is a thin grey line, the forecast (weekly volume × profile) a
bold coloured one: a manager sees at a glance whether the profile follows
the history and how much the weeks vary around it. With a backtest, each
channel gets a second panel: the held-out weeks (mean per hour of the week)
against what each method forecast for them, its WAPE in the legend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.figure import Figure

from coverage.plots._common import figure_for, hour_of_week_axis, literal, palette

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from coverage.backtest import Backtest, ChannelBacktest
    from coverage.forecast import HistoryProfile

HOURS = 7 * 24


def plot_history_vs_forecast(history: HistoryProfile, backtest: Backtest | None = None, *, fig: Figure | None = None) -> Figure:
    """Tickets per hour of the week: every history week and the forecast; the backtest below each. On `fig` (empty) or a new one."""
    channels = list(history.shares)
    colours = palette(channels)
    tested = {c.channel for c in backtest.channels} if backtest is not None else set()
    rows = [(channel, "history") for channel in channels]
    rows += [(channel, "backtest") for channel in channels if channel in tested]
    fig = figure_for(fig, (13, 2.6 * len(rows) + 0.8))
    axes = fig.subplots(len(rows), 1, sharex=True, squeeze=False)
    for ax, (channel, kind) in zip(axes[:, 0], rows):
        if kind == "history":
            _history_panel(ax, history, channel, colours[channel])
        else:
            _backtest_panel(ax, backtest.of(channel), colours[channel])  # type: ignore[union-attr]
    hour_of_week_axis(axes[-1, 0], HOURS, f"hour of the week in {history.timezone}")
    axes[0, 0].set_title(
        f"History ({history.weeks} weeks, {history.first_day} to {history.last_day}) against the forecast profile", fontsize=11
    )
    return fig


def _history_panel(ax: Axes, history: HistoryProfile, channel: str, colour: str) -> None:
    hours = range(HOURS)
    for k, week in enumerate(history.weekly_counts[channel]):
        ax.step(
            hours,
            week,
            where="mid",
            color="#999999",
            linewidth=0.7,
            alpha=0.8,
            label="history, one line per week" if k == 0 else None,
        )
    forecast = [history.weekly_volume[channel] * share for share in history.shares[channel]]
    ax.step(
        hours,
        forecast,
        where="mid",
        color=colour,
        linewidth=2.2,
        label=f"forecast: {history.weekly_volume[channel]:,.0f} per week × profile",
    )
    ax.set_ylabel(f"{literal(channel)}\ntickets per hour")
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="upper right", fontsize=8, frameon=False)


def _backtest_panel(ax: Axes, result: ChannelBacktest, colour: str) -> None:
    hours = range(HOURS)
    weeks = result.actual.shape[0]
    ax.step(
        hours,
        result.actual.mean(axis=0),
        where="mid",
        color="#555555",
        linewidth=1.0,
        label=f"held out: the last {weeks} week(s), mean",
    )
    styles = {"profile": ":", "seasonal_naive": "--", "mstl": "-.", "autoets": (0, (1, 3))}
    for error in result.errors:
        used = error.method == result.chosen
        score = "no tickets" if error.wape != error.wape else f"WAPE {error.wape:.1%}"
        ax.step(
            hours,
            error.forecast.mean(axis=0),
            where="mid",
            color=colour if used else "#0072B2",
            linestyle="-" if used else styles.get(error.method, ":"),
            linewidth=2.0 if used else 1.0,
            label=f"{error.method}: {score}" + (" (used)" if used else ""),
        )
    ax.set_ylabel(f"{literal(result.channel)}\nbacktest")
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="upper right", fontsize=8, frameon=False)
