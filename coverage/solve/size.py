"""Memory before it runs out: the model's size, estimated before it is built, against what the machine has.

A plan too big for the machine used to end in an out-of-memory kill after
minutes of building. Its size is known much earlier, from counts that need no
model: the choice variables (each agent's allowed shift occurrences × their
channels, and the break choices of templates with a break window), the
coverage terms those choices feed (each choice appears in the sums of every
grid interval its shift covers: the model's bulk on a 15-minute grid), and
the interval × channel terms themselves.

The estimate of the process's peak resident memory is linear in those
counts, with coefficients fitted to peak RSS measured on real builds and
searches of synthetic teams (benchmarks/memory.py; table and machine in
benchmarks/RESULTS.md, "Memory"), then raised so that it is at or above every
measurement: it is meant as an upper bound within about 1.5× of the truth.
Counting ignores leave, holidays and days off (more choices than the model
will have), which keeps it on the safe side.

The decision (`check_memory`) is taken once, in `search.solve`, before the
model is built:

* the whole model fits: build it, as always;
* it does not, but the plan may be solved in stages (more than one site,
  stages not turned off; hires, --keep and history included) and the
  stages' models fit: solve in stages
  and keep their roster, without the whole model (`MemoryPlan.stages_only`);
* nothing fits: `ModelTooLargeError`, one line with the estimate and what to
  change, exit 2 — never an out-of-memory kill.

The same counts estimate the seconds it takes to build the whole model and
start it from the stages' roster (`ModelSize.seconds`): Python's work,
which `search.solve` weighs against the time the stages leave it, so a big
team's run ends by its time limit with the stages' roster rather than
minutes after it.

Available memory is MemAvailable from /proc/meminfo (memory that can be had
without swapping, page cache included), lowered to the room left under the
process's cgroup memory limit when there is one (cgroup v2 `memory.max`, v1
`memory.limit_in_bytes`, at every level of the process's hierarchy), plus
what this process already holds (the estimate is of the whole process).
`COVPLAN_MEMORY_LIMIT` (e.g. `8G`, `512M`: the whole process's ceiling)
caps it by hand, on a machine shared with other jobs. Where none of these
can be read (not Linux), the check is skipped: the estimate cannot be
compared with anything. Reading /proc directly needs no dependency; psutil
would give MemAvailable alone, not the cgroup's limit.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from coverage.config.schema import Config
from coverage.errors import CoverageError
from coverage.time import Grid, break_starts, clock_minutes, flexible_windows, period_grid, shift_instances

MB = 1024 * 1024
GB = 1024 * MB

# Peak RSS ≈ BASE + (PER_CHOICE × choices + PER_COVER_TERM × coverage terms + PER_CELL × cells) × thread factor
# (bytes; fitted by benchmarks/memory.py, then raised by SAFETY so no measurement lies above it).
BASE_BYTES = 220 * MB  # the interpreter, OR-Tools and the other imports, config and requirements
PER_CHOICE = 13_000  # a choice variable with its rules (rest, runs, weekly hours, ...) through presolve and search
PER_COVER_TERM = 460  # one choice in one interval's coverage sums
PER_CELL = 43_000  # one interval × channel: shortfall, nobody-there and excess terms, their LP rows
PER_EXTRA_THREAD = 0.18  # share of the model's part added by each search thread beyond 4 (8 workers: +72 %)
# A copy of the model's proto held beside it (the rolling start's, neighbourhoods.NeighbourhoodSearch): resident memory a
# clone added, measured on generated single-site teams (150 agents × 84 days hourly: 54.5 MB for 63,756 choices and
# 510,048 cover terms; 300 × 56 days on 15 minutes: 137.2 MB for 82,488 and 2,639,616), rounded up above both.
COPY_PER_CHOICE = 600
COPY_PER_COVER_TERM = 35
# Seconds to build the whole model and start it from the staged roster (complete the hint, price it) ≈ these × the
# counts: fitted on the suite's teams of 200 and 1,000 agents, hourly and 15-minute (4.3, 19.5 and 41.9 s measured,
# 4.5, 19.6 and 43.5 s estimated) on the 2-core Xeon at load 8-11, so above what a quiet machine takes
# (benchmarks/notes/robust-search.md, "Item 4, third round"). Times SAFETY_SECONDS.
SECONDS_PER_CHOICE = 90e-6
SECONDS_PER_COVER_TERM = 6.5e-6
SECONDS_PER_CELL = 0.5e-3
SAFETY_SECONDS = 1.0  # fitted under load already; the search checks again after the stages, on the clock
MIN_DAYS_ADVISED = 7  # a shorter period is advised only when at least a week would fit
SAFETY = 1.25  # the fitted line times this is above every measured peak (whole model alone 1.20-1.40x, make bench 1.10x+)


class ModelTooLargeError(CoverageError):
    """The plan's model would not fit in the memory available (exit code 2: change the plan, not the machine's fate)."""


@dataclass(frozen=True)
class ModelSize:
    """Counts of what a roster model holds, known before building it."""

    agents: int
    choices: int  # (agent, shift occurrence, channel) variables, break choices included
    cover_terms: int  # choice × interval entries of the coverage sums
    cells: int  # grid intervals × channels
    intervals: int
    interval_minutes: int
    threads: int = 4  # CP-SAT's search threads (search_threads)
    copies: int = 0  # copies of the model held beside it (1 where the rolling start runs: search.solve)

    @property
    def bytes(self) -> int:
        """Estimated peak resident memory of a process that builds this model, searches it, and holds `copies` of it."""
        model = PER_CHOICE * self.choices + PER_COVER_TERM * self.cover_terms + PER_CELL * self.cells
        threads = 1 + PER_EXTRA_THREAD * max(self.threads - 4, 0)
        return math.ceil((BASE_BYTES + model * threads + self.copies * self.copy_bytes) * SAFETY)

    @property
    def copy_bytes(self) -> int:
        """One copy of the model (its proto, cloned): what the rolling start holds to re-solve windows of days in.

        Counted whole beside the search's peak, though the copy is made after
        the first search ends: on the 150-agent, 84-day team the run's peak was
        1,547 MB with the rolling start and 1,558 MB without (40 s, 2 workers),
        so the count keeps the estimate on the safe side rather than exact.
        """
        return COPY_PER_CHOICE * self.choices + COPY_PER_COVER_TERM * self.cover_terms

    @property
    def seconds(self) -> float:
        """Estimated seconds to build this model and start its search from a roster (complete the hint, price it).

        Python's work, on one core: on a staged run it comes after the
        stages, and the run must still end by its time limit.
        """
        work = SECONDS_PER_CHOICE * self.choices + SECONDS_PER_COVER_TERM * self.cover_terms + SECONDS_PER_CELL * self.cells
        return work * SAFETY_SECONDS

    def describe(self) -> str:
        return (
            f"{self.agents:,} agents × {self.intervals:,} intervals on the {self.interval_minutes}-minute grid, "
            f"{self.choices:,} shift choices"
        )


@dataclass(frozen=True)
class MemoryPlan:
    """What the search may build: the whole model, or only the stages' models."""

    whole: ModelSize
    stages: ModelSize | None  # the largest of the stages' models; None when the plan cannot be staged
    available: int | None  # bytes; None when unknown
    stages_only: bool = False


def search_threads(workers: int) -> int:
    """CP-SAT's threads for the user's workers, as runner.configure_search sets them (one, at least four below 8, or all)."""
    workers = workers or os.cpu_count() or 1
    return 1 if workers == 1 else max(workers, 4)


def check_memory(
    config: Config, grid: Grid, *, stageable: bool, threads: int = 4, copies: int = 0, available: int | None = None
) -> MemoryPlan:
    """Whether the whole model fits, or only the stages' models; ModelTooLargeError when neither does.

    `stageable`: the plan may be solved in stages (stages not turned off;
    several sites are checked here). `copies`: copies of the whole model the
    run will hold beside it (the rolling start's). `available` is injected
    by tests; by default it is read from the machine (available_memory).
    """
    whole = replace(model_size(config, grid, threads), copies=copies)
    available = available_memory() if available is None else available
    if available is None or whole.bytes <= available:
        return MemoryPlan(whole, None, available)
    stages = stages_size(config, grid, threads) if len({a.site for a in config.agents}) > 1 else None
    stages_fit = stages is not None and stages.bytes <= available
    if stageable and stages_fit:
        return MemoryPlan(whole, stages, available, stages_only=True)
    raise ModelTooLargeError(too_large(config, grid, whole, available, unlock_stages=stages_fit))


def too_large(config: Config, grid: Grid, whole: ModelSize, available: int, *, unlock_stages: bool = False) -> str:
    """One line: the estimate, what the machine has, and what to change (with the estimate after the change).

    `unlock_stages`: the stages would fit, had they not been turned off.
    """
    changes = []
    if grid.minutes < 60:
        hourly = replace(
            model_size(config, Grid(grid.start, 60, grid.count * grid.minutes // 60), whole.threads), copies=whole.copies
        )
        changes.append(f"set interval_minutes: 60 (about {gigabytes(hourly.bytes)})")
    days, base = config.plan.days, BASE_BYTES * SAFETY
    fitting = int(days * (available - base) / max(whole.bytes - base, 1))  # the model grows with the days
    if MIN_DAYS_ADVISED <= fitting < days:
        changes.append(f"shorten the period (plan.days: {fitting} or fewer)")
    if len({a.site for a in config.agents}) > 1:
        changes.append("plan sites separately" + (" (or in stages, not turned off: they would fit)" if unlock_stages else ""))
    advice = (
        ", ".join(changes[:-1]) + (" or " if len(changes) > 1 else "") + (changes[-1] if changes else "plan fewer agents at once")
    )
    return (
        f"this plan needs about {gigabytes(whole.bytes)} to solve ({whole.describe()}); this machine has "
        f"{gigabytes(available)} available — {advice}"
    )


def gigabytes(value: int) -> str:
    return f"{value / GB:.1f} GB" if value >= GB / 10 else f"{value / MB:.0f} MB"


def model_size(config: Config, grid: Grid | None = None, threads: int = 4) -> ModelSize:
    """The whole roster model's counts, from the config alone (every agent, every allowed occurrence)."""
    return replace(_size(config, grid or period_grid(config.plan), list(config.agents)), threads=threads)


def stages_size(config: Config, grid: Grid | None = None, threads: int = 4) -> ModelSize:
    """The largest model the stages build: one site's agents (no coverage sums) beside the headcount model.

    The headcount model has one integer per site and skill group, occurrence
    and channel; its coverage sums, over every interval and channel, are
    those of one "agent" per group. It is still held while the sites are
    rostered one after the other, so the two add up.
    """
    grid = grid or period_grid(config.plan)
    by_site: dict[str, list] = {}
    for agent in config.agents:
        by_site.setdefault(agent.site, []).append(agent)
    largest = max(by_site.values(), key=lambda team: _size(config, grid, team).choices)
    site = _size(config, grid, largest)
    groups = {(a.site, tuple(sorted(a.skills)), tuple(config.allowed_shifts(a))): a for a in config.agents}
    headcounts = _size(config, grid, list(groups.values()))
    return ModelSize(
        len(largest),
        site.choices + headcounts.choices,
        headcounts.cover_terms,
        site.cells,
        site.intervals,
        site.interval_minutes,
        threads,
    )


def _size(config: Config, grid: Grid, agents: list) -> ModelSize:
    occurrences = Counter((s.site, s.shift) for s in shift_instances(config))
    occurrences.update((w.site, w.shift) for w in flexible_windows(config))
    slots = _template_slots(config, grid)
    choices = cover_terms = 0
    kinds = Counter((a.site, tuple(config.allowed_shifts(a)), len(set(a.skills) & set(config.channels))) for a in agents)
    for (site, shifts, channels), count in kinds.items():
        for shift in shifts:
            per_occurrence, covered = slots[(site, shift)]
            choices += count * occurrences[(site, shift)] * channels * per_occurrence
            cover_terms += count * occurrences[(site, shift)] * channels * covered
    cells = grid.count * len(config.channels)
    return ModelSize(len(agents), choices, cover_terms, cells, grid.count, grid.minutes)


def _template_slots(config: Config, grid: Grid) -> dict[tuple[str, str], tuple[int, int]]:
    """Per template: variables per (occurrence, channel) (1 + break choices) and their coverage entries."""
    found: dict[tuple[str, str], tuple[int, int]] = {}
    for site_name, site in config.sites.items():
        for name, template in site.shifts.items():
            if template.flexible:  # starts, duty and ends over every slot a run can reach (coverage.solve.variables)
                reach = len(range(clock_minutes(template.earliest_start), clock_minutes(template.latest_start) + 1, grid.minutes))
                reach += template.max_minutes // grid.minutes - 1
                found[(site_name, name)] = (3 * reach, reach)
                continue
            slots = max(1, template.minutes // grid.minutes)
            window = template.break_window
            if window is None:
                found[(site_name, name)] = (1, slots)
                continue
            breaks = len(break_starts(grid.start, window.earliest, window.latest, grid.minutes))
            found[(site_name, name)] = (1 + breaks, slots * (1 + breaks))
    return found


# --------------------------------------------------------------------------- available memory


def available_memory() -> int | None:
    """Bytes the whole process may reach: what it holds plus what it can still get; None when unknown.

    The least of MemAvailable and the cgroup room (each plus what this
    process already holds) and COVPLAN_MEMORY_LIMIT (a ceiling for the
    whole process).
    """
    held = _status_bytes("VmRSS") or 0
    found = [room + held for room in (_meminfo_available(), _cgroup_room()) if room is not None]
    limit = _env_limit()
    if limit is not None:
        found.append(limit)
    return min(found) if found else None


def _meminfo_available() -> int | None:
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return None
    found = re.search(r"^MemAvailable:\s+(\d+) kB", text, re.MULTILINE)
    return int(found.group(1)) * 1024 if found else None


def _status_bytes(field: str) -> int | None:
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    found = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(found.group(1)) * 1024 if found else None


UNLIMITED = 1 << 60  # cgroup v1 writes "no limit" as a number near 2^63


def _cgroup_room(root: Path = Path("/sys/fs/cgroup"), membership: Path = Path("/proc/self/cgroup")) -> int | None:
    """The least room (limit − usage) over the process's cgroup and its ancestors, v2 or v1; None without a limit."""
    try:
        lines = membership.read_text().splitlines()
    except OSError:
        return None
    rooms: list[int] = []
    for line in lines:
        number, controllers, path = (line.split(":", 2) + ["", ""])[:3]
        if number == "0" and controllers == "":
            rooms += _rooms(root, path, "memory.max", "memory.current")
        elif "memory" in controllers.split(","):
            rooms += _rooms(root / "memory", path, "memory.limit_in_bytes", "memory.usage_in_bytes")
    return min(rooms) if rooms else None


def _rooms(base: Path, path: str, limit_file: str, usage_file: str) -> list[int]:
    found: list[int] = []
    parts = [p for p in path.strip("/").split("/") if p]
    for depth in range(len(parts), -1, -1):
        folder = base.joinpath(*parts[:depth])
        limit, usage = _read_number(folder / limit_file), _read_number(folder / usage_file)
        if limit is not None and limit < UNLIMITED:
            found.append(max(limit - (usage or 0), 0))
    return found


def _read_number(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None  # "max": no limit


def _env_limit() -> int | None:
    """COVPLAN_MEMORY_LIMIT: "8G", "512M", "2.5G" or bytes; an unreadable value is ignored, not fatal."""
    text = os.environ.get("COVPLAN_MEMORY_LIMIT", "").strip().upper()
    found = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMGT]?)B?", text)
    if not found:
        return None
    scale = {"": 1, "K": 1024, "M": MB, "G": GB, "T": 1024 * GB}[found.group(2)]
    return int(float(found.group(1)) * scale)
