"""Pictures of the results: one module per picture, one function per picture.

Plots take results (gap rows, coverage, a roster) and never solve or write:
each draws on the axes (or, for one panel per channel or site, the figure) it
is given, or on new ones, and returns them, as matplotlib's own functions do.
A notebook shows them inline; coverage.figures writes them to files.
"""

from coverage.plots.demand_week import plot_requirement_by_hour_of_week, requirement_by_hour_of_week
from coverage.plots.follow_the_sun import follow_the_sun_profile, plot_follow_the_sun
from coverage.plots.forecast_history import plot_history_vs_forecast
from coverage.plots.gantt import gantt_bars, plot_roster_gantt
from coverage.plots.heatmap import (
    heatmap_matrix,
    plot_gap_heatmap,
    recurrence_markers,
    uncovered_matrix,
)
from coverage.plots.hires import plot_hiring_roadmap
from coverage.plots.requirement import plot_requirement, requirement_series
from coverage.plots.sweep import plot_sweep

__all__ = [
    "follow_the_sun_profile",
    "gantt_bars",
    "heatmap_matrix",
    "plot_follow_the_sun",
    "plot_gap_heatmap",
    "plot_hiring_roadmap",
    "plot_sweep",
    "plot_history_vs_forecast",
    "plot_requirement",
    "plot_requirement_by_hour_of_week",
    "plot_roster_gantt",
    "recurrence_markers",
    "requirement_by_hour_of_week",
    "requirement_series",
    "uncovered_matrix",
]
