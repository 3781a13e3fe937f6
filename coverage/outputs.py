"""Writing results without ever losing what the user already had.

Every file is written to a temporary sibling and renamed into place, so a
crash or Ctrl-C leaves either the old file or the complete new one. A
directory that already holds a roster is refused unless the user says
`--force`: a published rota is somebody's plan.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from coverage.errors import OutputExistsError

ROSTER_FILE = "roster.csv"


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
    return out


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Write via a temporary file in the same directory, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(path: Path, text: str) -> Path:
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_csv_atomic(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return write_text_atomic(path, buffer.getvalue())


def write_json_atomic(path: Path, payload: Any) -> Path:
    return write_text_atomic(path, json.dumps(payload, indent=2, sort_keys=False) + "\n")
