"""Benchmark: staffing requirements for one year of 15-minute intervals × 3 channels.

Times `coverage.demand.required_servers` (vectorised Erlang C, and Erlang A)
on 35,040 intervals per channel and compares answers and speed with
pyworkforce's `ErlangC.required_positions` (one Python call per interval),
installed through the optional extra: `pip install -e '.[bench]'`.

    .venv/bin/python benchmarks/erlang.py            # full year, all intervals
    .venv/bin/python benchmarks/erlang.py --sample 2000   # pyworkforce on every k-th interval only

Where the two disagree, the exact Erlang C service level (rational
arithmetic, the textbook formula) decides which answer is right. Prints a
Markdown table; with --json also, last, one JSON line, which `make bench`
(stage `erlang`) keeps in benchmarks/results/erlang.jsonl and renders into
the "Demand (Erlang)" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

import numpy as np

from coverage.demand import Targets, required_servers
from coverage.synthetic import hourly_shape

INTERVAL_MINUTES = 15
INTERVALS = 365 * 24 * 60 // INTERVAL_MINUTES  # 35,040


@dataclass(frozen=True)
class Channel:
    name: str
    peak_volume: float  # contacts in the busiest 15 minutes
    aht_seconds: float
    percent: float
    within_seconds: float
    patience_seconds: float


CHANNELS = (
    Channel("chat", 400, 480, 80, 60, 300),  # peak ≈ 213 Erlangs
    Channel("phone", 1000, 300, 80, 20, 180),  # peak ≈ 333 Erlangs
    Channel("peak-season phone", 3000, 360, 90, 30, 240),  # peak ≈ 1,200 Erlangs
)


def year_of_volumes(channel: Channel, seed: int) -> np.ndarray:
    """A year of 15-minute volumes with the synthetic weekly shape and ±10 % noise, 1 decimal."""
    rng = np.random.default_rng(seed)
    start = datetime(2026, 1, 5, tzinfo=UTC)
    top = max(hourly_shape(h / 4, 0) for h in range(96))
    shape = np.empty(INTERVALS)
    for k in range(INTERVALS):
        moment = start + timedelta(minutes=INTERVAL_MINUTES * k)
        shape[k] = hourly_shape(moment.hour + moment.minute / 60, moment.weekday()) / top
    return np.round(channel.peak_volume * shape * rng.uniform(0.9, 1.1, INTERVALS), 1)


def exact_service_level(servers: int, traffic: float, aht: float, within: float) -> float:
    """Textbook Erlang C service level with exact rationals (traffic rounded to 1e-9 as a fraction)."""
    a = Fraction(traffic).limit_denominator(10**9)
    if servers <= a:
        return 0.0
    term = Fraction(1)
    below = Fraction(0)
    for k in range(servers):
        below += term
        term = term * a / (k + 1)
    top = term * Fraction(servers) / (servers - a)
    c = top / (below + top)
    return 1.0 - float(c) * math.exp(-(servers - float(a)) * within / aht)


def ours(volumes: np.ndarray, channel: Channel, erlang_a: bool) -> tuple[np.ndarray, float]:
    targets = Targets(
        aht_seconds=channel.aht_seconds,
        service_fraction=channel.percent / 100,
        within_seconds=channel.within_seconds,
        patience_seconds=channel.patience_seconds if erlang_a else None,
    )
    traffic = volumes / (INTERVAL_MINUTES * 60) * channel.aht_seconds
    began = time.perf_counter()
    answer = required_servers(traffic, targets)
    return answer, time.perf_counter() - began


def theirs(volumes: np.ndarray, channel: Channel, picks: np.ndarray) -> tuple[dict[int, int], float]:
    from pyworkforce.queuing import ErlangC

    found: dict[int, int] = {}
    began = time.perf_counter()
    for k in picks:
        volume = float(volumes[k])
        if volume <= 0:  # pyworkforce refuses zero transactions; nobody is needed
            found[int(k)] = 0
            continue
        erlang = ErlangC(
            transactions=volume, aht=channel.aht_seconds / 60, asa=channel.within_seconds / 60, interval=INTERVAL_MINUTES
        )
        found[int(k)] = int(erlang.required_positions(service_level=channel.percent / 100, max_occupancy=1.0)["raw_positions"])
    return found, time.perf_counter() - began


def measure(sample: int = 0) -> dict[str, Any]:
    """Both engines on every channel: seconds, answers summed over the year, and how many of pyworkforce's agree."""
    try:
        import pyworkforce
    except ImportError:
        pyworkforce = None
    rows = []
    for seed, channel in enumerate(CHANNELS):
        volumes = year_of_volumes(channel, seed)
        traffic = volumes / (INTERVAL_MINUTES * 60) * channel.aht_seconds
        answer_c, seconds_c = ours(volumes, channel, erlang_a=False)
        answer_a, seconds_a = ours(volumes, channel, erlang_a=True)
        row = {
            "channel": channel.name,
            "peak_erlangs": float(traffic.max()),
            "ours_c": seconds_c,
            "ours_a": seconds_a,
            "servers_c": int(answer_c.sum()),
            "servers_a": int(answer_a.sum()),
        }
        if pyworkforce is not None:
            picks = np.arange(INTERVALS) if not sample else np.linspace(0, INTERVALS - 1, sample).astype(int)
            found, seconds = theirs(volumes, channel, picks)
            differ = [k for k, n in found.items() if n != answer_c[k]]
            row.update(
                theirs=seconds,
                compared=len(found),
                agree=len(found) - len(differ),
                verdicts=[verdict(k, int(answer_c[k]), found[k], float(traffic[k]), channel) for k in differ[:20]],
            )
        rows.append(row)
    return {
        "stage": "erlang",
        "intervals": INTERVALS,
        "sample": sample,
        "channels": rows,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pyworkforce": getattr(pyworkforce, "__version__", "installed") if pyworkforce is not None else None,
    }


def verdict(k: int, mine: int, other: int, traffic: float, channel: Channel) -> str:
    """Which of two differing answers is the smallest meeting the target, by the exact service level."""
    target = channel.percent / 100
    sl = {n: exact_service_level(n, traffic, channel.aht_seconds, channel.within_seconds) for n in {mine, other, mine - 1}}
    ours_right = sl[mine] >= target and sl[mine - 1] < target
    return (
        f"interval {k}: A={traffic:.3f} ours {mine} (exact SL {sl[mine]:.5f}), pyworkforce {other} "
        f"(exact SL {sl[other]:.5f}); ours {'minimal' if ours_right else 'WRONG'}"
    )


def totals(channels: list[dict[str, Any]]) -> dict[str, float]:
    """Seconds, intervals compared and agreeing, summed over the channels (0 where pyworkforce did not run)."""
    return {key: sum(row.get(key, 0) for row in channels) for key in ("ours_c", "ours_a", "theirs", "compared", "agree")}


def table(result: dict[str, Any]) -> str:
    """The Markdown table of one measurement, a total row, and each channel's yearly sums and disagreements."""
    rows = result["channels"]
    lines = [
        "| channel | peak Erlangs | ours, Erlang C (s) | ours, Erlang A (s) | pyworkforce Erlang C (s) | intervals compared | same answer |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        theirs_cell = f"{row['theirs']:.1f}" if "theirs" in row else "not installed"
        compared = f"{row['compared']:,}" if "compared" in row else "–"
        agree = f"{row['agree']:,}" if "agree" in row else "–"
        lines.append(
            f"| {row['channel']} | {row['peak_erlangs']:,.0f} | {row['ours_c']:.2f} | {row['ours_a']:.2f} | {theirs_cell} "
            f"| {compared} | {agree} |"
        )
    total = totals(rows)
    compared = f"{total['compared']:,}" if total["compared"] else ""
    agree = f"**{total['agree']:,}**" if total["compared"] else ""
    theirs_total = f"**{total['theirs']:.1f}**" if total["compared"] else "–"
    lines.append(
        f"| **total** | | **{total['ours_c']:.2f}** | **{total['ours_a']:.2f}** | {theirs_total} | {compared} | {agree} |"
    )
    for row in rows:
        lines.append(
            f"\n{row['channel']}: servers summed over the year — Erlang C {row['servers_c']:,}, Erlang A {row['servers_a']:,}"
        )
        lines += [f"  {line}" for line in row.get("verdicts", [])]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sample", type=int, default=0, metavar="N", help="give pyworkforce only N evenly spaced intervals per channel"
    )
    parser.add_argument("--json", action="store_true", help="print, last, the measurement as one JSON line (make bench reads it)")
    args = parser.parse_args(argv)
    result = measure(args.sample)
    print(f"# {INTERVALS:,} intervals × {len(CHANNELS)} channels; Python {result['python']}, numpy {result['numpy']}")
    print()
    print(table(result))
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
