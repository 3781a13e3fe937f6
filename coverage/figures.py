"""Pictures to files: what the report writer and the command line do with a plot.

The plots (coverage.plots) only draw, onto axes or a figure the caller may
pass, so a notebook shows them inline; writing and closing them is decided
here, by the code that writes files (the command line picks a window-less
backend itself).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from coverage.outputs import write_bytes_atomic

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

    from coverage.config.schema import Config
    from coverage.gaps import GapRow
    from coverage.windows import CellRecurrence

_RC: dict[RcKeyType, str] = {"svg.hashsalt": "coverage", "svg.fonttype": "path"}


def save_figure(drawn: Figure | Axes, path: Path, *, close: bool = True) -> Path:
    """Write the figure of `drawn` atomically as `path` (PNG, SVG, ...); a .png also gets its .svg sibling.

    Rendered in memory first, so a crash never leaves half a picture; SVGs
    carry no date and a fixed hash salt, so re-running gives identical files.
    Closed afterwards unless `close` is False: a report draws dozens.
    """
    figure = drawn.figure if isinstance(drawn, Axes) else drawn
    assert isinstance(figure, Figure)
    path = Path(path)
    formats = [(path, path.suffix.lstrip(".").lower() or "png")]
    if path.suffix.lower() == ".png":
        formats.append((path.with_suffix(".svg"), "svg"))
    try:
        for target, kind in formats:
            buffer = io.BytesIO()
            metadata = {"Date": None} if kind in ("svg", "pdf") else None
            with matplotlib.rc_context(_RC):
                figure.savefig(buffer, format=kind, dpi=120, metadata=metadata)
            write_bytes_atomic(target, buffer.getvalue())
    finally:
        if close:
            import matplotlib.pyplot as plt

            plt.close(figure)
    return path


def heatmap_file_name(zone: str) -> str:
    """gaps-<zone>.png with the zone's slashes made file-safe (gaps-America_New_York.png)."""
    return f"gaps-{zone.replace('/', '_')}.png"


def write_heatmaps(
    rows: list[GapRow],
    config: Config,
    out_dir: Path,
    *,
    recurrence: dict[str, list[list[CellRecurrence]]] | None = None,
) -> list[Path]:
    """One gap heatmap per view zone (all channels) in `out_dir`, the first view first; returns the PNG paths (each has an .svg).

    `recurrence` maps each view to its cells' recurrence (coverage.windows.cell_recurrence, all channels).
    """
    from coverage.plots import plot_gap_heatmap

    rows = list(rows)
    return [
        save_figure(
            plot_gap_heatmap(rows, zone, recurrence=(recurrence or {}).get(zone)), Path(out_dir) / heatmap_file_name(zone)
        )
        for zone in config.view_zones
    ]
