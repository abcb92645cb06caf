"""Progress reporting: a tqdm bar on a terminal, periodic log lines otherwise."""
from __future__ import annotations

import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchProgress:
    read: int  # articles read so far (done-earlier ones included)
    scored: int
    cached: int
    statements: int
    total: int | None  # articles expected, when cheaply known
    elapsed_s: float


def estimate_total(files: Sequence[Path], *, max_bytes: int = 2 << 30) -> int | None:
    """Articles in the inputs when cheap to count: non-blank lines of .jsonl files, one per
    .txt file. None when a .csv is present (quoted cells may span lines) or the inputs are
    too large to scan quickly."""
    if any(p.suffix.lower() == ".csv" for p in files) or sum(p.stat().st_size for p in files) > max_bytes:
        return None
    total = 0
    for path in files:
        if path.suffix.lower() == ".txt":
            total += 1
            continue
        with open(path, "rb") as fh:
            total += sum(1 for line in fh if line.strip())
    return total


class ConsoleProgress:
    """Pass as ``run_batch(..., progress=ConsoleProgress())`` from a script or CLI."""

    def __init__(self, *, stream=None, every_s: float = 10.0):
        self.stream = stream or sys.stderr
        self.every_s = every_s
        self._bar = None
        self._last = 0.0
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def __call__(self, p: BatchProgress) -> None:
        rate_a = p.read / p.elapsed_s if p.elapsed_s > 0 else 0.0
        rate_s = p.statements / p.elapsed_s if p.elapsed_s > 0 else 0.0
        if self._tty:
            if self._bar is None:
                from tqdm import tqdm

                self._bar = tqdm(total=p.total, unit="art", file=self.stream, dynamic_ncols=True)
            self._bar.update(p.read - self._bar.n)
            self._bar.set_postfix_str(f"{rate_s:.1f} stmt/s, {p.cached} cached")
            return
        now = time.monotonic()
        if now - self._last >= self.every_s or (p.total is not None and p.read >= p.total):
            self._last = now
            eta = ""
            if p.total and rate_a > 0:
                eta = f", ETA {max(p.total - p.read, 0) / rate_a:.0f} s"
            of = f"/{p.total}" if p.total is not None else ""
            logger.info("%d%s articles (%d scored, %d cached), %d statements; %.1f articles/s, %.1f statements/s%s",
                        p.read, of, p.scored, p.cached, p.statements, rate_a, rate_s, eta)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
