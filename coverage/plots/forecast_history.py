"""History against forecast, by hour of the week, one panel per channel (`covplan forecast`).

Each past week is a thin grey line, the forecast (weekly volume × profile) a
bold coloured one: a manager sees at a glance whether the profile follows
the history and how much the weeks vary around it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt

from coverage.plots._common import hour_of_week_axis, palette, save

if TYPE_CHECKING:
    from coverage.forecast import HistoryProfile

HOURS = 7 * 24


def plot_history_vs_forecast(history: HistoryProfile, path: Path) -> Path:
    """PNG (+ SVG) of tickets per hour of the week: every history week, and the forecast."""
    channels = list(history.shares)
    colours = palette(channels)
    fig, axes = plt.subplots(len(channels), 1, figsize=(13, 2.6 * len(channels) + 0.8), sharex=True, squeeze=False, layout="constrained")
    try:
        for ax, channel in zip(axes[:, 0], channels):
            hours = range(HOURS)
            for k, week in enumerate(history.weekly_counts[channel]):
                ax.step(hours, week, where="mid", color="#999999", linewidth=0.7, alpha=0.8, label="history, one line per week" if k == 0 else None)
            forecast = [history.weekly_volume[channel] * share for share in history.shares[channel]]
            ax.step(hours, forecast, where="mid", color=colours[channel], linewidth=2.2, label=f"forecast: {history.weekly_volume[channel]:,.0f} per week × profile")
            ax.set_ylabel(f"{channel}\ntickets per hour")
            ax.set_ylim(bottom=0)
            ax.grid(axis="y", alpha=0.3)
            ax.legend(loc="upper right", fontsize=8, frameon=False)
        hour_of_week_axis(axes[-1, 0], HOURS, f"hour of the week in {history.timezone}")
        axes[0, 0].set_title(
            f"History ({history.weeks} weeks, {history.first_day} to {history.last_day}) against the forecast profile", fontsize=11
        )
        return save(fig, path)
    finally:
        plt.close(fig)
