"""Writing results without ever losing what the user already had.

Every file is written to a temporary sibling and renamed into place, so a
crash or Ctrl-C leaves either the old file or the complete new one. The
roster is what a long search bought, so the CLI publishes it first, on its
own, once the checker has passed it (nothing after the search can lose it);
the report made from it is written into a hidden staging folder inside
`--out` and moved into place as one set, with Ctrl-C held back for those
few renames: an interrupted or failed report leaves the previous report
files or the complete new ones, never a mix. A directory that already holds
a roster is refused unless the user says `--force`: a published rota is
somebody's plan.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from coverage.csvcells import to_csv_cell
from coverage.errors import CoverageError, OutputExistsError

# The files `plan`, `gaps`, `hires` and `demand` write into --out, one name each: their writers name them by these
# constants, and `--out` is refused where a file the config reads carries one of them (cli._refuse_replacing_inputs),
# so a new output added here is guarded at once (tests/test_output_names.py runs the commands and compares).
ROSTER_FILE = "roster.csv"
REJECTED_ROSTER_FILE = "roster.rejected.csv"  # a roster our checker rejects: kept for the bug report, never published
COVERAGE_FILE = "coverage.csv"
GAPS_FILE = "gaps.csv"
WINDOWS_FILE = "windows.csv"
DAILY_FILE = "daily.csv"
SUMMARY_FILE = "summary.json"
HTML_FILE = "report.html"
XLSX_FILE = "roster.xlsx"
WORKLOAD_FILE = "workload.csv"
CHANGES_FILE = "changes.csv"  # plan --keep
REQUIREMENTS_FILE = "requirements.csv"  # demand
HIRES_FILE = "hires.csv"
ATTRITION_FILE = "attrition.csv"  # hires --attrition
OUTPUT_NAMES = frozenset(
    {
        ROSTER_FILE,
        REJECTED_ROSTER_FILE,
        COVERAGE_FILE,
        GAPS_FILE,
        WINDOWS_FILE,
        DAILY_FILE,
        SUMMARY_FILE,
        HTML_FILE,
        XLSX_FILE,
        WORKLOAD_FILE,
        CHANGES_FILE,
        REQUIREMENTS_FILE,
        HIRES_FILE,
        ATTRITION_FILE,
    }
)
PICTURE_SUFFIXES = (".png", ".svg")  # every plot, whatever its name (one per view zone): a picture is never an input
STAGING_PREFIX = ".covplan-staging-"
TEMP_MARK = ".covplan-"  # in temporary file names: .roster.csv.covplan-XXXX.tmp
LEFTOVER_AGE_SECONDS = 300  # older staging folders and temp files are from a killed run


def prepare_out_dir(out: Path, force: bool) -> Path:
    """Create `out`; refuse if it already holds a roster and `force` is false."""
    if out.exists() and not out.is_dir():
        raise OutputExistsError(f"{out}: exists and is not a directory (expected a directory for the outputs)")
    if (out / ROSTER_FILE).exists() and not force:
        raise OutputExistsError(
            f"{out / ROSTER_FILE}: a roster is already published here; "
            "pass --force to replace it or choose another --out directory"
        )
    out.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out)
    return out


def remove_leftovers(out: Path, older_than_seconds: float = LEFTOVER_AGE_SECONDS) -> list[Path]:
    """Delete staging folders and temporary files that a killed run (SIGKILL, power cut) left in `out`.

    Only names this module creates are touched, and only old ones, so a run
    writing into the same folder at the same moment keeps its own.
    """
    cutoff = time.time() - older_than_seconds
    removed = []
    for path in [*out.glob(f"{STAGING_PREFIX}*"), *out.glob(f".*{TEMP_MARK}*.tmp")]:
        try:
            if path.lstat().st_mtime >= cutoff:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        except OSError:
            continue
        removed.append(path)
    return removed


@contextmanager
def staged_outputs(out: Path) -> Iterator[Path]:
    """A staging folder inside `out` to write one run's files into; they replace the old ones together.

    On success every file is moved into `out` (sub-folders kept). On any
    error or Ctrl-C the staging folder is deleted and `out` is as it was.
    """
    try:
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    except OSError as exc:
        raise CoverageError(f"{out}: cannot write ({exc.strerror or exc})") from None
    try:
        yield staging
        publish(staging, out)  # a Ctrl-C during the renames arrives after them: the new set is complete
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def publish(staging: Path, out: Path) -> list[Path]:
    """Move every file under `staging` to the same place under `out`.

    Renames within one file system are atomic and take microseconds; Ctrl-C
    is held back until all are done, so the set is never half replaced.
    """
    files = sorted(p for p in staging.rglob("*") if p.is_file())
    moved = []
    with sigint_deferred():
        for source in files:
            target = out / source.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
            moved.append(target)
    return moved


@contextmanager
def sigint_deferred() -> Iterator[None]:
    """Hold Ctrl-C back while the block runs, then deliver it (as KeyboardInterrupt) when it ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received and previous is signal.default_int_handler:
            raise KeyboardInterrupt
        if received and callable(previous):
            previous(signal.SIGINT, None)


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Write via a temporary file in the same directory, then rename over the target.

    Any failure (disk full, permission, Ctrl-C) removes the temporary file and
    leaves the target as it was; OS errors become a CoverageError naming the file.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = _file_mode(path)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}{TEMP_MARK}", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise CoverageError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        os.fchmod(handle, mode)  # mkstemp's 0o600 would hide a shared rota from the team
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise CoverageError(f"{path}: cannot write ({exc.strerror or exc}); the previous file, if any, is unchanged") from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def _file_mode(path: Path) -> int:
    """The replaced file's permissions, or those of a newly created file (0o666 less the umask)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_text_atomic(path: Path, text: str) -> Path:
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_csv_atomic(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """Every CSV we write: text cells go through `to_csv_cell`, so a name opened in a spreadsheet is never a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([to_csv_cell(cell) for cell in header])
    writer.writerows([to_csv_cell(cell) for cell in row] for row in rows)
    return write_text_atomic(path, buffer.getvalue())


def written_at() -> datetime:
    """When files say they were written: SOURCE_DATE_EPOCH when set (reproducible builds' convention), else now.

    Calendars (DTSTAMP) and workbooks (created/modified, zip entry times) embed
    it; with SOURCE_DATE_EPOCH set, two runs give byte-identical files.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC).replace(microsecond=0)


def repack_zip(data: bytes, stamp: datetime, rewrite: dict[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    """The same zip (an .xlsx) with every entry dated `stamp`, so its bytes depend on content alone.

    `rewrite` maps entry names to functions that fix what a library stamped inside them.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    when = max(stamp, datetime(1980, 1, 1, tzinfo=UTC)).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = item.external_attr
            content = source.read(item.filename)
            if rewrite and item.filename in rewrite:
                content = rewrite[item.filename](content)
            target.writestr(info, content)
    return buffer.getvalue()


def write_json_atomic(path: Path, payload: Any) -> Path:
    return write_text_atomic(path, json.dumps(payload, indent=2, sort_keys=False) + "\n")
