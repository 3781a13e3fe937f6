"""hires.png: a roadmap draws uncovered hours after each hire; a cheapest set, whose rows are all the final team, draws the set."""

from __future__ import annotations

from collections.abc import Iterator

import matplotlib.pyplot as plt
import pytest

from coverage.hires import HireStep
from coverage.plots import plot_hiring_roadmap


def step(k: int, hire: str | None, uncovered: float, closed: float | None, cost: float = 0.0, total: float = 0.0) -> HireStep:
    return HireStep(
        step=k,
        hire=hire,
        profile=hire.rsplit("-", 1)[0] if hire else None,
        site="nyc" if hire else None,
        shifts="evening ×5" if hire else "",
        cost=cost,
        total_cost=total,
        uncovered_hours=uncovered,
        weekend_uncovered_hours=uncovered / 2,
        overnight_uncovered_hours=0.0,
        closed_hours=closed,
        status="OPTIMAL",
        seconds=1.0,
    )


ROADMAP = [step(0, None, 36, 0), step(1, "evening-1", 16, 20, 3000, 3000), step(2, "weekend-1", 0, 16, 2000, 5000)]
# as coverage.hires.cheapest returns it: every row is the final team (0 h left), closed_hours None
CHEAPEST = [step(1, "evening-1", 0, None, 3000, 5000), step(2, "weekend-1", 0, None, 2000, 5000)]


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def test_a_roadmap_draws_each_step_and_names_the_hires_on_the_axis_not_under_the_title() -> None:
    """The hire labels were annotations 10 points above the top line's points: the first step's label sat on
    the title. They are the x axis' tick labels now, below the plot."""
    ax = plot_hiring_roadmap(ROADMAP, view="America/New_York")
    assert [list(line.get_ydata()) for line in ax.get_lines()] == [[36, 16, 0], [18, 8, 0], [0, 0, 0]]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0\ntoday's team", "1\n+evening-1\nnyc", "2\n+weekend-1\nnyc"]
    assert list(ax.texts) == [] and ax.get_title().startswith("The road to 24/7: uncovered hours after each hire")


def test_a_cheapest_set_is_drawn_as_a_set_not_as_a_flat_line_of_steps() -> None:
    """Every row of a cheapest set shows the final team, so "uncovered hours after each hire" was a flat line
    at 0 h. The picture shows the set: one bar per hire with its cost, what the whole set leaves, no line."""
    ax = plot_hiring_roadmap(CHEAPEST, view="America/New_York")
    assert list(ax.get_lines()) == []
    assert [bar.get_width() for bar in ax.patches] == [3000, 2000]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["evening-1 (nyc, evening ×5)", "weekend-1 (nyc, evening ×5)"]
    assert ax.get_title() == "The cheapest set of hires: 2 hires, total cost 5,000"
    assert ax.get_xlabel() == (
        "cost per hire\nwith the whole set: 0 h uncovered, 0 h at weekends, 0 h overnight (America/New_York)"
    )
    assert list(ax.texts) == []


def test_no_hire_needed_says_so() -> None:
    ax = plot_hiring_roadmap([], view="America/New_York")
    assert (list(ax.get_lines()), list(ax.patches)) == ([], [])
    assert ax.get_title() == "No hire needed: today's team reaches the target"
