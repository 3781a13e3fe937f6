"""Pictures of the results: one module per picture, one function per picture.

Plots take results (gap rows, coverage, a roster) and never solve; each
returns the path it wrote, and a .png path also gets an .svg beside it.
"""

import matplotlib

matplotlib.use("Agg")  # files only, never a window: also on machines without a display

from coverage.plots.follow_the_sun import follow_the_sun_profile, plot_follow_the_sun  # noqa: E402
from coverage.plots.gantt import gantt_bars, plot_roster_gantt  # noqa: E402
from coverage.plots.heatmap import (  # noqa: E402
    heatmap_file_name,
    heatmap_matrix,
    plot_gap_heatmap,
    plot_heatmaps,
    recurrence_markers,
    uncovered_matrix,
)
from coverage.plots.hires import plot_hiring_roadmap  # noqa: E402
from coverage.plots.requirement import plot_requirement, requirement_series  # noqa: E402

__all__ = [
    "follow_the_sun_profile",
    "gantt_bars",
    "heatmap_file_name",
    "heatmap_matrix",
    "plot_follow_the_sun",
    "plot_gap_heatmap",
    "plot_heatmaps",
    "plot_hiring_roadmap",
    "plot_requirement",
    "plot_roster_gantt",
    "recurrence_markers",
    "requirement_series",
    "uncovered_matrix",
]
