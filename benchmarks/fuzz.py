"""Fuzz the config, forecast and roster readers at volume and count the inputs tried.

Drives the property checks of tests/test_properties.py with Hypothesis for
many more examples than the test suite does: each input goes through
`covplan check` / `covplan verify` (coverage.cli.main) and must end in exit 0,
1 or 2 with every line located `FILE:LINE: ...` — no traceback, no internal
error (exit 3), no example over 30 s. Prints one line per target and, with
--write, replaces the "## Fuzzing" section of benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/fuzz.py --examples 2000 --write
"""

from __future__ import annotations

import argparse
import collections
import datetime
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from strategies import PROPERTIES  # noqa: E402

SECTION = "## Fuzzing"


def fuzz(target: str, examples: int, seed: int) -> dict[str, Any]:
    """Run one target; returns inputs tried, exit codes seen, failures (first message of each kind) and seconds."""
    check, strategy = PROPERTIES[target]
    codes: collections.Counter[int] = collections.Counter()
    failures: collections.Counter[str] = collections.Counter()
    tried = 0

    @given(value=strategy)
    @settings(max_examples=examples, deadline=None, database=None, derandomize=False, suppress_health_check=list(HealthCheck))
    def one(value: Any) -> None:
        nonlocal tried
        tried += 1
        try:
            codes[check(value)] += 1
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # counted and reported; the run goes on
            failures[f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"] += 1

    started = time.perf_counter()
    hypothesis_seed(seed)(one)()
    return {
        "target": target,
        "inputs": tried,
        "codes": dict(sorted(codes.items())),
        "failures": dict(failures),
        "seconds": time.perf_counter() - started,
    }


def markdown(rows: list[dict[str, Any]], command: str) -> str:
    total = sum(row["inputs"] for row in rows)
    lines = [
        SECTION,
        "",
        "**What:** Hypothesis-generated broken inputs through the real command line: configs (a valid random",
        "team with keys deleted, replaced by junk or added, values replaced by YAML's own values written as",
        "text — dates and timestamps valid and impossible, integers in every notation, `.inf`/`.nan`, base-60",
        "numbers, yes/no/on/off, nulls, tags on any text, `!!binary`/`!!set`/`!!omap`/`!!pairs`, merge keys,",
        "anchors and aliases — keys renamed to YAML-typed keys or given twice, or its YAML text garbled; one",
        "team in ten that passes `check` then goes through `covplan gaps`, which reads what only the report,",
        "plots and exports read), forecast CSVs and roster CSVs (right, shuffled, short or wrong headers;",
        "plausible and implausible cells; doubled rows; three kinds of line ends), and arbitrary bytes as each",
        "of the three files (three runs per `bytes` input; the table counts the exit code of the last,",
        "`verify`). Each input must end in exit 0, 1 or 2 with every line `FILE:LINE: ...`: no traceback, no",
        "internal error (exit 3), no input over 30 s.",
        "",
        f"**Machine:** 2 cores, AMD EPYC, shared with three other engineers' jobs; Python {platform.python_version()}.",
        f"**Date:** {datetime.date.today().isoformat()}. **Command:** `{command}`",
        "",
        "| target | inputs tried | exit 0 | exit 1 | exit 2 | failures | seconds |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        codes = row["codes"]
        lines.append(
            f"| {row['target']} | {row['inputs']:,} | {codes.get(0, 0):,} | {codes.get(1, 0):,} | {codes.get(2, 0):,} "
            f"| {sum(row['failures'].values())} | {row['seconds']:.0f} |"
        )
    lines.append(f"| **total** | **{total:,}** | | | | **{sum(sum(r['failures'].values()) for r in rows)}** | |")
    lines.append("")
    for row in rows:
        for message, count in row["failures"].items():
            lines.append(f"- {row['target']}: {count} × {message}")
    return "\n".join(lines) + "\n"


def write_section(text: str, target: Path) -> None:
    """Replace the Fuzzing section of RESULTS.md (or append it); every other section is kept verbatim."""
    old = target.read_text(encoding="utf-8") if target.exists() else "# Benchmark results\n"
    start = old.find(SECTION + "\n")
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = old.find("\n## ", start + len(SECTION))
        rest = old[end + 1 :] if end >= 0 else ""
        new = old[:start] + text + ("\n" + rest if rest else "")
    target.write_text(new, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="inputs per target (default 2000)")
    parser.add_argument("--targets", nargs="*", default=list(PROPERTIES), choices=list(PROPERTIES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--write", action="store_true", help="update the Fuzzing section of benchmarks/RESULTS.md")
    args = parser.parse_args()
    os.chdir(ROOT)
    rows = []
    for target in args.targets:
        row = fuzz(target, args.examples, args.seed)
        print(
            f"{target}: {row['inputs']} inputs, exit codes {row['codes']}, failures {row['failures'] or 'none'}, "
            f"{row['seconds']:.0f} s",
            flush=True,
        )
        rows.append(row)
    command = "python benchmarks/fuzz.py " + " ".join(sys.argv[1:])
    text = markdown(rows, command.strip())
    print(text)
    if args.write:
        write_section(text, ROOT / "benchmarks" / "RESULTS.md")
    return 1 if any(row["failures"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
