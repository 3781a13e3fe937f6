"""Uncovered hours against hires: how far each step of the hiring roadmap goes toward 24/7."""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.axes import Axes

from coverage.plots._common import axes_for

if TYPE_CHECKING:
    from coverage.hires import HireStep

SERIES = (
    ("uncovered_hours", "all uncovered hours", "#0072B2", "-"),
    ("weekend_uncovered_hours", "weekend", "#E69F00", "--"),
    ("overnight_uncovered_hours", "overnight", "#009E73", ":"),
)


def plot_hiring_roadmap(steps: list[HireStep], *, view: str = "", ax: Axes | None = None) -> Axes:
    """Lines of uncovered, weekend and overnight hours after 0, 1, 2, ... hires, each hire named; on `ax` or new axes."""
    ax = axes_for(ax, (10, 5.5))
    xs = [s.step for s in steps]
    for field, label, colour, style in SERIES:
        ax.plot(xs, [getattr(s, field) for s in steps], style, marker="o", color=colour, label=label)
    for s in steps[1:]:
        ax.annotate(
            f"{s.hire}\n{s.site}",
            (s.step, s.uncovered_hours),
            textcoords="offset points",
            xytext=(0, 10),
            ha="center",
            fontsize=8,
        )
    ax.set_xticks(xs)
    ax.set_xlabel("hires")
    ax.set_ylabel("uncovered hours over the rota period")
    ax.set_ylim(bottom=0)
    ax.set_title(f"The road to 24/7: uncovered hours after each hire{f' (weekend and overnight in {view})' if view else ''}")
    ax.grid(alpha=0.3)
    ax.legend()
    return ax
