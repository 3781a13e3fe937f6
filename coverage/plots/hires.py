"""hires.png: how far each step of the hiring roadmap goes toward 24/7, or what a cheapest set of hires is."""

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
    """The roadmap's lines, or a cheapest set's hires; on `ax` or new axes.

    A cheapest set is no sequence: each of its rows shows the final team
    (coverage.hires.cheapest), so a line "after each hire" would be flat and
    say something untrue. It is drawn as the set it is.
    """
    ax = axes_for(ax, (10, 5.5))
    if not steps:
        ax.set_axis_off()
        ax.set_title("No hire needed: today's team reaches the target")
        return ax
    if is_a_set(steps):
        return _plot_set(steps, view, ax)
    return _plot_steps(steps, view, ax)


def is_a_set(steps: list[HireStep]) -> bool:
    """A cheapest set's rows carry no hours of their own (closed_hours None); a roadmap's always do."""
    return any(s.closed_hours is None for s in steps)


def _plot_steps(steps: list[HireStep], view: str, ax: Axes) -> Axes:
    """Lines of uncovered, weekend and overnight hours after 0, 1, 2, ... hires.

    Each hire is named under its tick: an annotation above the points ran
    into the title wherever the top line is highest (step 0).
    """
    xs = [s.step for s in steps]
    for field, label, colour, style in SERIES:
        ax.plot(xs, [getattr(s, field) for s in steps], style, marker="o", color=colour, label=label)
    ax.set_xticks(xs, [f"{s.step}\n+{s.hire}\n{s.site}" if s.hire else f"{s.step}\ntoday's team" for s in steps])
    ax.tick_params(axis="x", labelsize=8, labelrotation=30 if len(steps) > 6 else 0)  # a dozen ids side by side overlap
    ax.set_xlabel("hires")
    ax.set_ylabel("uncovered hours over the rota period")
    ax.set_ylim(bottom=0)
    ax.set_title(f"The road to 24/7: uncovered hours after each hire{f' (weekend and overnight in {view})' if view else ''}")
    ax.grid(alpha=0.3)
    ax.legend()
    return ax


def _plot_set(steps: list[HireStep], view: str, ax: Axes) -> Axes:
    """One bar per hire (its cost), top to bottom as hires.csv lists them; what the whole set leaves under the axis."""
    final = steps[-1]
    rows = range(len(steps))
    ax.barh(rows, [s.cost for s in steps], color=SERIES[0][2])
    ax.set_yticks(rows, [f"{s.hire} ({s.site}, {s.shifts})" for s in steps])
    ax.invert_yaxis()
    ax.set_xlim(left=0)
    ax.set_title(
        f"The cheapest set of hires: {len(steps)} hire{'s' if len(steps) > 1 else ''}, total cost {final.total_cost:,.0f}"
    )
    ax.set_xlabel(
        f"cost per hire\nwith the whole set: {final.uncovered_hours:g} h uncovered, "
        f"{final.weekend_uncovered_hours:g} h at weekends, {final.overnight_uncovered_hours:g} h overnight"
        + (f" ({view})" if view else "")
    )
    ax.grid(axis="x", alpha=0.3)
    return ax
