"""Progress reporting for batch runs (the reporter itself lives in ``stance.progress``)."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from stance.progress import BatchProgress, ConsoleProgress

__all__ = ["BatchProgress", "ConsoleProgress", "estimate_total"]


def estimate_total(files: Sequence[Path], *, max_bytes: int = 2 << 30) -> int | None:
    """Articles in the inputs when cheap to count: non-blank lines of .jsonl files, one per
    .txt or saved web page. None when a .csv is present (quoted cells may span lines) or the inputs are
    too large to scan quickly."""
    if any(p.suffix.lower() == ".csv" for p in files) or sum(p.stat().st_size for p in files) > max_bytes:
        return None
    total = 0
    for path in files:
        if path.suffix.lower() in (".txt", ".html", ".htm"):
            total += 1
            continue
        with open(path, "rb") as fh:
            total += sum(1 for line in fh if line.strip())
    return total
