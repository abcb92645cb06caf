"""The output folder: checked before any expensive work, and kept to one run's files.

``prepare_out_dir`` refuses an --out that is a file, that lies inside an input folder (a later
run would read its own statements.csv as articles) or that cannot be written, before spaCy or
the model is loaded. ``remove_stale_reports`` removes what an earlier run wrote from other
statements, so a folder never holds an index from one run beside statements from another.
"""
from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock, as before
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

# What the report stage writes, all derived from statements.csv.
REPORT_FILES = ("shifts.csv", "framing.csv", "index.html", "alerts.csv", "alerts.md")
REPORT_FOLDERS = {"reports": (".html", ".md"), "charts": (".png",)}
LOCK_NAME = ".stance.lock"


class OutputError(ValueError):
    """An output folder that cannot be used; the message says how to fix it."""


def prepare_out_dir(out: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    """Create ``out`` if needed and check it is a writable folder outside every input folder."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} is an existing file; --out needs a folder (pick a new name)")
    resolved = out.resolve()
    for raw in inputs:
        folder = Path(raw).resolve()
        if folder.is_dir() and (resolved == folder or folder in resolved.parents):
            raise OutputError(f"--out {out} is inside the input folder {raw}: a later run would read its outputs "
                              f"(statements.csv, rejects.csv) as articles; pick an --out folder outside {raw}")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".stance-write-check-"):
            pass
    except OSError as exc:
        raise OutputError(f"--out {out}: cannot write there ({exc.strerror or exc}); pick another folder or fix "
                          "its permissions") from None
    return out


def report_outputs(out: Path) -> list[Path]:
    """The report-stage files now in ``out``."""
    found = [out / name for name in REPORT_FILES if (out / name).is_file()]
    for folder, suffixes in REPORT_FOLDERS.items():
        if (out / folder).is_dir():
            found.extend(sorted(p for p in (out / folder).iterdir() if p.is_file() and p.suffix in suffixes))
    return found


def remove_stale_reports(out: Path, keep: Iterable[Path] = ()) -> list[Path]:
    """Delete report-stage files in ``out`` other than ``keep``; returns what was deleted."""
    kept = {os.path.abspath(p) for p in keep}
    removed = [p for p in report_outputs(Path(out)) if os.path.abspath(p) not in kept]
    for path in removed:
        path.unlink(missing_ok=True)
    if removed:
        logger.info("removed %d report files of an earlier run from %s (%s)", len(removed), out,
                    ", ".join(p.name for p in removed[:5]) + (", ..." if len(removed) > 5 else ""))
    return removed


@contextlib.contextmanager
def locked(out: str | Path) -> Iterator[Path]:
    """Hold ``out``'s lock for a run: a second run writing into the same folder at the same time
    is refused (its files would interleave with this one's) instead of mixing the two."""
    out = Path(out)
    if fcntl is None:
        yield out
        return
    with open(out / LOCK_NAME, "a+", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise OutputError(f"--out {out} is in use by another stance run ({holder}); wait for it to finish, "
                              "or pick another folder") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        try:
            yield out
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)
