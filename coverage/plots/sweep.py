"""What-if scenarios side by side: the hours each leaves uncovered, baseline first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from coverage.plots._common import axes_for, literal

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from coverage.sweep import ScenarioOutcome

SERIES = (
    ("uncovered_hours", "uncovered", "#0072B2"),
    ("weekend_uncovered_hours", "of them at weekends", "#E69F00"),
    ("overnight_uncovered_hours", "of them overnight", "#009E73"),
)


def plot_sweep(outcomes: Sequence[ScenarioOutcome], *, view: str = "", ax: Axes | None = None) -> Axes:
    """Horizontal bars per scenario: uncovered clock hours, and those at weekends and overnight, in the first view.

    A scenario without a roster has no bars and says so; on `ax` or new axes.
    """
    ax = axes_for(ax, (10, 1.2 + 0.45 * max(len(outcomes), 1)))
    rows = np.arange(len(outcomes))
    height = 0.8 / len(SERIES)
    for k, (field, label, colour) in enumerate(SERIES):
        values = [getattr(o, field) if o.found else 0.0 for o in outcomes]
        ax.barh(rows + (k - 1) * height, values, height=height, color=colour, label=label)
    for row, outcome in zip(rows, outcomes):
        if not outcome.found:
            ax.annotate(
                f"no roster: {outcome.status}", (0, row), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8
            )
    ax.set_yticks(rows, [literal(o.name) for o in outcomes])
    ax.invert_yaxis()  # the baseline on top
    ax.set_xlim(left=0)
    ax.set_xlabel(f"clock hours with a channel short over the rota period{f' ({view})' if view else ''}")
    ax.set_title("What-if scenarios: hours left uncovered")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower right")
    return ax
