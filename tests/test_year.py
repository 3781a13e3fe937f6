"""A year of rota periods, end to end (slow: `make test-all`; `make bench` runs it at 30 s a period).

Thirteen four-week periods of the example team through `covplan plan`, each
with the previous roster as `history:`, the seventh re-planned with `--keep`
after an agent falls ill: every roster is published (plan publishes only what
the checker passes), the concatenated year breaks no rule across any
boundary, and nights and weekends stay shared over the year.

Every period is planned with `--deterministic`, 30 units of CP-SAT's work
each: what it asserts about the rosters (coverage, the spreads of weekends
and nights) then holds whatever the machine's load. With 30 wall-clock
seconds a busy machine left the search no time for fairness, and the spreads
grew past 4 (the search's quality is a benchmark's figure, `make bench`,
not a test's). Measured once: coverage 86-92 % every period, spreads 4, 0, 0
and 3; 23 min beside a loaded machine (load 4.5-7.7, 2 cores).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from year import run_year  # noqa: E402


@pytest.mark.slow
def test_a_year_of_periods_keeps_every_rule_across_every_boundary(tmp_path: Path) -> None:
    args = argparse.Namespace(periods=13, time_limit=30, seed=1, workers=2, keep_period=6, deterministic=True)
    year = run_year(tmp_path, args)
    assert [p.index for p in year.periods] == list(range(13))
    assert year.year_violations == []
    replanned = year.periods[6].replanned_changes
    assert replanned is not None and replanned["removed"] >= 3  # the sick agent's three days at least
    assert all(p.coverage_ratio > 0.7 for p in year.periods)  # nothing drifts into a collapse
    # With the previous roster in the fairness term, no agent's extra weekend or night piles up over the year
    # (deterministic, 30 units a period: spreads 4, 0, 0, 3; `make bench` at 30 s a period, quiet: 0-3). At 15 units
    # the search has no time for fairness (spreads 8, 4, 6, 6; a March period 71 % covered): this is not a bound to loosen.
    assert all(f.year_spread <= 4 for f in year.fairness), [(f.site, f.kind, f.year_spread) for f in year.fairness]
